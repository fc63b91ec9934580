"""Every registered torch schedule equals torch.optim.lr_scheduler: lr sequences, cycled
momentum / beta1, and simulate() under SGD + momentum and under Adam."""
import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import schedules
from tests.optimizers.schedules.cases import PLATEAU_CASES, SCHEDULE_CASES, torch_kwargs
from tests.reference import torch_lrs, torch_run

TORCH_SPECS = [s for s in schedules.names().values() if s.torch_class]
SEQUENCE_SPECS = [s for s in TORCH_SPECS if not s.needs_loss]
CASES = [pytest.param(spec, kw, id=f"{spec.name}-{kw}") for spec in SEQUENCE_SPECS
         for kw in SCHEDULE_CASES[spec.name]]
CYCLING_CASES = [pytest.param(spec, kw, id=f"{spec.name}-{kw}") for spec in SEQUENCE_SPECS
                 for kw in SCHEDULE_CASES[spec.name] if schedules.get(spec.name, **kw).cycles]
PLATEAU = [pytest.param(kw, id=str(kw)) for kw in PLATEAU_CASES]
OPTIMIZERS = [
    pytest.param("SGD", {"momentum": 0.9}, 0.01, id="SGD-momentum"),
    pytest.param("Adam", {"betas": (0.9, 0.99)}, 0.05, id="Adam"),
]


def test_every_schedule_has_cases():
    assert set(SCHEDULE_CASES) | {"ReduceLROnPlateau"} == {s.name for s in TORCH_SPECS}
    assert {s.name for s in TORCH_SPECS if s.needs_loss} == {"ReduceLROnPlateau"}


@pytest.mark.parametrize("spec,kwargs", CASES)
@pytest.mark.parametrize("base_lr", [0.1, 3e-4])
def test_lr_sequence_matches_torch(spec, kwargs, base_lr):
    expected, _ = torch_lrs(spec.torch_class, torch_kwargs(spec.name, kwargs), 1000, base_lr=base_lr)
    got = schedules.get(spec.name, **kwargs).lr_sequence(base_lr, 1000)
    assert got.shape == (1000, 1)
    np.testing.assert_allclose(got[:, 0], expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("spec,kwargs", CYCLING_CASES)
@pytest.mark.parametrize("opt_name,opt_kwargs,key", [
    ("SGD", {"momentum": 0.9}, "momentum"),
    ("Adam", {"betas": (0.9, 0.99)}, "beta1"),
])
def test_cycled_momentum_matches_torch(spec, kwargs, opt_name, opt_kwargs, key):
    """torch writes the cycled value into momentum (SGD) or betas[0] (Adam)."""
    lrs, expected = torch_lrs(spec.torch_class, torch_kwargs(spec.name, kwargs), 1000, base_lr=0.1,
                              opt_name=opt_name, opt_kwargs=opt_kwargs)
    sch = schedules.get(spec.name, **kwargs)
    got = sch.cycles[key](np.array([[0.9]]), 1000)
    np.testing.assert_allclose(got[:, 0], expected, rtol=1e-12, atol=0)
    np.testing.assert_allclose(sch.lr_sequence(0.1, 1000)[:, 0], lrs, rtol=1e-12, atol=0)


@pytest.mark.parametrize("spec,kwargs", CASES)
def test_per_run_base_lrs_equal_single_runs(spec, kwargs):
    bases = np.array([0.1, 0.02, 1e-3])
    got = schedules.get(spec.name, **kwargs).lr_sequence(bases, 300)
    assert got.shape == (300, 3)
    for k, base in enumerate(bases):
        np.testing.assert_array_equal(got[:, k], schedules.get(spec.name, **kwargs).lr_sequence(base, 300)[:, 0])


@pytest.mark.parametrize("spec,kwargs", CASES)
@pytest.mark.parametrize("opt_name,opt_kwargs,lr", OPTIMIZERS)
def test_simulate_matches_torch(spec, kwargs, opt_name, opt_kwargs, lr):
    surface = surfaces.get("ravine")
    expected, expected_lr = torch_run("ravine", opt_name, {"lr": lr, **opt_kwargs}, surface.start, 300,
                                      spec.torch_class, torch_kwargs(spec.name, kwargs))
    run = optimizers.simulate(surface, optimizers.get(opt_name, lr=lr, **opt_kwargs),
                              np.array([surface.start]), 300, schedule=schedules.get(spec.name, **kwargs))
    np.testing.assert_allclose(run.lr[:, 0], expected_lr, rtol=1e-12)
    _assert_same_path(run, expected)


def _assert_same_path(run, expected, k=0):
    """Equal to torch's path up to where simulate() marks the run diverged (NaN after)."""
    end = run.diverged_at[k] if run.diverged_at[k] >= 0 else len(expected)
    np.testing.assert_allclose(run.path[:end, k], expected[:end], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("opt_name,opt_kwargs,key", [
    ("SGD", {"momentum": 0.9}, "momentum"),
    ("SGD", {}, "momentum"),                      # torch turns momentum on: it sets max_momentum
    ("Adam", {"betas": (0.8, 0.99)}, "beta1"),    # β₂ stays 0.99
])
@pytest.mark.parametrize("name,kwargs", [
    ("CyclicLR", {"base_lr": 1e-4, "max_lr": 2e-3, "step_size_up": 20, "mode": "triangular2"}),
    ("OneCycleLR", {"max_lr": 2e-3, "total_steps": 300, "three_phase": True}),
])
def test_simulate_records_the_cycled_hyperparameter(name, kwargs, opt_name, opt_kwargs, key):
    surface = surfaces.get("rosenbrock")
    lr = 0.123  # ignored: CyclicLR and OneCycleLR set the lr themselves, as in torch
    expected, expected_lr = torch_run("rosenbrock", opt_name, {"lr": lr, **opt_kwargs}, surface.start, 300,
                                      name, kwargs)
    _, expected_momentum = torch_lrs(name, kwargs, 300, opt_name=opt_name, opt_kwargs=opt_kwargs)
    run = optimizers.simulate(surface, optimizers.get(opt_name, lr=lr, **opt_kwargs),
                              np.array([surface.start]), 300, schedule=schedules.get(name, **kwargs))
    assert set(run.hyperparams) == {key}
    np.testing.assert_array_equal(run.hyperparams[key][:, 0], expected_momentum)
    np.testing.assert_array_equal(run.lr[:, 0], expected_lr)
    assert run.diverged_at[0] == -1
    _assert_same_path(run, expected)


def test_cycling_schedules_ignore_per_run_lrs_like_torch():
    surface = surfaces.get("ravine")
    starts = np.array([surface.start, (-3.0, 2.0)])
    sch = schedules.get("CyclicLR", base_lr=0.001, max_lr=0.05, step_size_up=10)
    opt = optimizers.get("SGD", lr=np.array([0.5, 0.01]), momentum=np.array([0.0, 0.5]))
    run = optimizers.simulate(surface, opt, starts, 100, schedule=sch)
    np.testing.assert_array_equal(run.lr[:, 0], run.lr[:, 1])
    for k in range(2):
        expected, _ = torch_run("ravine", "SGD", {"lr": 0.3, "momentum": 0.2}, starts[k], 100, "CyclicLR",
                                dict(sch.params))
        np.testing.assert_allclose(run.path[:, k], expected, rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------- ReduceLROnPlateau

def _losses(steps=1000, seed=0):
    """A noisy, mostly decreasing loss curve with plateaus (so that the lr gets cut)."""
    rng = np.random.default_rng(seed)
    t = np.arange(steps)
    return 1.0 / (1.0 + 0.02 * t) + 0.05 * (np.floor(t / 150) % 2) + 0.01 * rng.standard_normal(steps)


@pytest.mark.parametrize("kwargs", PLATEAU)
@pytest.mark.parametrize("base_lr", [0.1, 3e-4])
def test_plateau_lrs_match_torch_on_given_losses(kwargs, base_lr):
    losses = _losses()
    if kwargs.get("mode") == "max":
        losses = -losses
    expected, _ = torch_lrs("ReduceLROnPlateau", kwargs, 1000, base_lr=base_lr, losses=losses)
    sch = schedules.get("ReduceLROnPlateau", **kwargs)
    got = sch.lr_from_losses(base_lr, losses)
    assert got.shape == (1000, 1)
    if base_lr == 0.1:
        assert len(np.unique(expected)) > 1   # the case does cut the lr (3e-4 may be below min_lr, eps)
    np.testing.assert_array_equal(got[:, 0], expected)


@pytest.mark.parametrize("kwargs", PLATEAU)
@pytest.mark.parametrize("opt_name,opt_kwargs,lr", OPTIMIZERS)
def test_plateau_simulate_matches_torch(kwargs, opt_name, opt_kwargs, lr):
    """Driven by the run's own loss (mode "max" on this surface cuts the lr right away)."""
    surface = surfaces.get("ravine")
    expected, expected_lr = torch_run("ravine", opt_name, {"lr": lr, **opt_kwargs}, surface.start, 300,
                                      "ReduceLROnPlateau", kwargs)
    run = optimizers.simulate(surface, optimizers.get(opt_name, lr=lr, **opt_kwargs),
                              np.array([surface.start]), 300,
                              schedule=schedules.get("ReduceLROnPlateau", **kwargs))
    np.testing.assert_array_equal(run.lr[:, 0], expected_lr)
    np.testing.assert_allclose(run.path[:, 0], expected, rtol=1e-9, atol=1e-12)


def test_plateau_gives_each_run_its_own_lr_curve():
    surface = surfaces.get("rosenbrock")
    starts = np.array([surface.start, (0.0, 0.0), (1.5, 1.5), (-1.0, -0.5)])
    lrs = np.array([1e-3, 5e-4, 2e-3, 1e-3])
    kwargs = {"factor": 0.5, "patience": 2, "threshold": 1e-3}
    sch = schedules.get("ReduceLROnPlateau", **kwargs)
    run = optimizers.simulate(surface, optimizers.get("SGD", lr=lrs, momentum=0.9), starts, 300, schedule=sch)
    curves = {tuple(run.lr[:, k] / lrs[k]) for k in range(4)}
    assert len(curves) == 4   # four different lr curves from one call
    for k in range(4):
        expected, expected_lr = torch_run("rosenbrock", "SGD", {"lr": lrs[k], "momentum": 0.9}, starts[k], 300,
                                          "ReduceLROnPlateau", kwargs)
        np.testing.assert_array_equal(run.lr[:, k], expected_lr)
        np.testing.assert_allclose(run.path[:, k], expected, rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------- course oracles

def test_course_oracles():
    """The COURSE_NOTES values marked oracle (computed with torch 2.13)."""
    step = schedules.get("StepLR", step_size=10, gamma=0.1)
    np.testing.assert_allclose(step([0, 10, 20, 30], 0.1), [0.1, 0.01, 0.001, 0.0001], rtol=1e-12)
    cos = schedules.get("CosineAnnealingLR", T_max=50, eta_min=0.001)
    np.testing.assert_allclose(cos([0, 10, 20, 30, 40, 50], 0.1),
                               [0.1, 0.090546, 0.065796, 0.035204, 0.010454, 0.001], atol=5e-7)
    exp = schedules.get("ExponentialLR", gamma=0.95)
    np.testing.assert_allclose(exp([5, 10, 15], 0.1), [0.077378, 0.059874, 0.046329], atol=5e-7)


def test_course_oracle_plateau():
    """ReduceLROnPlateau(factor=0.5, patience=3) fed the notes' losses keeps lr 0.1 (the
    default rel threshold 1e-4 sees only one bad epoch, the repeated 0.87); notes printing
    a drop to 0.05 are wrong."""
    losses = [2.0, 1.5, 1.2, 1.0, 0.9, 0.88, 0.87, 0.87, 0.5, 0.4]
    sch = schedules.get("ReduceLROnPlateau", mode="min", factor=0.5, patience=3)
    state = sch.init(np.array([0.1]))
    seen, bad = [], []
    for loss in losses:
        state = sch.step(state, np.array([loss]))
        seen.append(state.lr[0])
        bad.append(state.num_bad_epochs[0])
    assert seen == [0.1] * 10
    assert max(bad) == 1 and bad.count(1) == 1
    np.testing.assert_array_equal(sch.lr_from_losses(0.1, losses)[:, 0], [0.1] * 10)
