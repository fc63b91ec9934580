"""simulate(): shapes, per-run hyperparameters, divergence, and the course's oracle numbers."""
import subprocess
import sys

import numpy as np
import pytest

import optimizers
import surfaces
from tests.optimizers.cases import per_run_hyperparams


def test_shapes_and_start():
    s = surfaces.get("rosenbrock")
    starts = np.array([[-1.5, 2.0], [0.5, -0.5], [1.2, 1.0]])
    run = optimizers.simulate(s, optimizers.get("Adam", lr=0.01), starts, 50)
    assert run.path.shape == (51, 3, 2)
    assert run.loss.shape == (51, 3)
    assert run.lr.shape == (50, 3)
    assert run.diverged_at.shape == (3,)
    np.testing.assert_array_equal(run.path[0], starts)
    np.testing.assert_allclose(run.loss, s.value(run.path))
    assert np.all(run.lr == 0.01)


def test_zero_steps():
    run = optimizers.simulate(surfaces.get("ravine"), optimizers.get("SGD"), [[1.0, 1.0]], 0)
    assert run.path.shape == (1, 1, 2) and run.lr.shape == (0, 1)


# Base lr per family on Rosenbrock; run k uses LR_FACTORS[k] times it.
K_RUN_LR = {"sgd": 1e-3, "adaptive": 1e-2, "second_order": 1.0}
LR_FACTORS = np.array([0.1, 0.5, 1.0, 0.2])


def _single(value, k):
    return tuple(v[k] for v in value) if isinstance(value, tuple) else value[k]


@pytest.mark.parametrize("name", list(optimizers.names()))
def test_k_runs_equal_k_single_runs_with_per_run_hyperparameters(name):
    """Every float hyperparameter per run at once (values from the registry's UI
    ranges, see `per_run_hyperparams`), with a per-step lr."""
    spec = optimizers.spec(name)
    s = surfaces.get("rosenbrock")
    starts = np.array([[-1.5, 2.0], [0.0, 0.0], [1.5, 1.5], [-1.0, -0.5]])
    lrs = K_RUN_LR[spec.family] * LR_FACTORS
    extra = per_run_hyperparams(spec)
    sched = optimizers.schedules.get("CosineAnnealingLR", T_max=40)
    many = optimizers.simulate(s, optimizers.get(name, lr=lrs, **extra), starts, 200, schedule=sched)
    for k in range(4):
        single_extra = {key: _single(val, k) for key, val in extra.items()}
        one = optimizers.simulate(s, optimizers.get(name, lr=lrs[k], **single_extra), starts[k:k + 1], 200,
                                  schedule=sched)
        # Not bitwise: NumPy's vectorized pow (per-run betas) and Python's scalar pow
        # (torch's bias corrections) may differ in the last bit.
        np.testing.assert_allclose(many.path[:, k], one.path[:, 0], rtol=1e-10, atol=1e-14)
        np.testing.assert_array_equal(many.lr[:, k], one.lr[:, 0])
        np.testing.assert_array_equal(many.diverged_at[k], one.diverged_at[0])


def test_course_oracle_ravine():
    """COURSE_NOTES oracle: x² + 10y² from (10, 1), lr 0.1."""
    s = surfaces.get("ravine")
    sgd = optimizers.simulate(s, optimizers.get("SGD", lr=0.1), [s.start], 5)
    np.testing.assert_allclose(sgd.path[1:, 0], [(8, -1), (6.4, 1), (5.12, -1), (4.096, 1), (3.2768, -1)])
    mom = optimizers.simulate(s, optimizers.get("SGD", lr=0.1, momentum=0.9), [s.start], 5)
    np.testing.assert_allclose(mom.path[1:, 0],
                               [(8, -1), (4.6, -0.8), (0.62, 0.98), (-3.086, 0.622), (-5.8042, -0.9442)])


def test_divergence_is_marked_and_isolated():
    s = surfaces.get("ravine")
    lrs = np.array([0.01, 0.5, 1e6])   # stable, unstable (|1 − 20·0.5| > 1), overflow at once
    run = optimizers.simulate(s, optimizers.get("SGD", lr=lrs), np.array([s.start] * 3), 400)
    assert run.diverged_at[0] == -1
    assert np.all(np.isfinite(run.path[:, 0]))
    for k in (1, 2):
        d = run.diverged_at[k]
        assert d > 0
        assert np.all(np.isfinite(run.path[:d, k])) and np.all(np.isnan(run.path[d:, k]))
        assert np.all(np.isnan(run.loss[d:, k]))
    assert run.diverged_at[2] == 1
    # The stable run is unaffected by its neighbours.
    alone = optimizers.simulate(s, optimizers.get("SGD", lr=0.01), [s.start], 400)
    np.testing.assert_array_equal(run.path[:, 0], alone.path[:, 0])


# (name, kwargs, word the message must contain, torch rejects it too)
INVALID = [
    ("SGD", {"lr": -1.0}, "lr", True),
    ("SGD", {"momentum": -0.1}, "momentum", True),
    ("SGD", {"nesterov": True}, "nesterov", True),
    ("SGD", {"lr": float("nan")}, "lr", False),
    ("SGD", {"lr": "fast"}, "lr", False),
    ("SGD", {"momentum_": 0.9}, "momentum_", False),   # torch: TypeError
    ("Adam", {"betas": (1.0, 0.999)}, "betas parameter at index 0", True),
    ("Adam", {"betas": (0.9, -0.1)}, "betas parameter at index 1", True),
    ("Adam", {"eps": -1e-8}, "eps", True),
    ("Adam", {"lr": np.array([0.1, -0.1])}, "lr", False),
    ("AdamW", {"weight_decay": -0.01}, "weight_decay", True),
    ("AdamW", {"decoupled_weight_decay": False}, "decoupled_weight_decay", False),   # torch: TypeError
    ("RMSprop", {"alpha": -0.5}, "alpha", True),
    ("RMSprop", {"momentum": -0.9}, "momentum", True),
    ("RMSprop", {"centered": 1}, "centered", False),
    ("Adagrad", {"lr_decay": -0.1}, "lr_decay", True),
    ("Adagrad", {"initial_accumulator_value": -1.0}, "initial_accumulator_value", True),
    ("Adagrad", {"eps": -1e-10}, "eps", True),
    ("Adadelta", {"rho": 1.5}, "rho", True),
    ("Adadelta", {"weight_decay": -1.0}, "weight_decay", True),
    ("NAdam", {"momentum_decay": -4e-3}, "momentum_decay", True),
    ("NAdam", {"betas": (0.9, 1.0)}, "betas parameter at index 1", True),
    ("RAdam", {"betas": (-0.1, 0.999)}, "betas parameter at index 0", True),
    ("Adamax", {"eps": -1e-8}, "eps", True),
    ("Rprop", {"etas": (1.5, 1.2)}, "etas", True),
    ("Rprop", {"etas": (0.5, 0.9)}, "etas", True),
    ("Rprop", {"step_sizes": (1.0, 0.1)}, "step_sizes", False),
    ("ASGD", {"weight_decay": -0.1}, "weight_decay", True),
    ("ASGD", {"lr": -0.1}, "lr", True),
    ("Adafactor", {"beta2_decay": 0.5}, "beta2_decay", True),
    ("Adafactor", {"d": 0.5}, "d", True),
    ("Adafactor", {"eps": (-1.0, 1e-3)}, "eps parameter at index 0", True),
    ("Adafactor", {"eps": (None, -1e-3)}, "eps parameter at index 1", True),
    ("Momentum", {"momentum": 1.0}, "momentum", False),
    ("LocalGains", {"beta": 1.0}, "beta", False),
    ("LocalGains", {"gain_range": (10.0, 0.1)}, "gain_range", False),
    ("Lion", {"betas": (0.9, 1.0)}, "betas parameter at index 1", False),
    ("Lion", {"weight_decay": -1.0}, "weight_decay", False),
    ("Newton", {"damping": -1.0}, "damping", False),
    ("Newton", {"saddle_free": "yes"}, "saddle_free", False),
    ("SWATS", {"switch_tol": 0.0}, "switch_tol", False),
    ("SWATS", {"betas": (0.9, 1.5)}, "betas parameter at index 1", False),
    ("Nope", {}, "Nope", False),
]


@pytest.mark.parametrize("name,kwargs,word,torch_rejects", INVALID)
def test_invalid_hyperparameters_name_the_argument(name, kwargs, word, torch_rejects):
    with pytest.raises(ValueError, match=word):
        optimizers.get(name, **kwargs)


@pytest.mark.parametrize("name,kwargs", [(n, kw) for n, kw, _, rejects in INVALID if rejects])
def test_torch_rejects_the_same_values(name, kwargs):
    """Our validation is at least torch's: each value above that torch refuses, torch refuses too."""
    import torch

    torch_class = optimizers.spec(name).torch_class
    with pytest.raises(ValueError):
        getattr(torch.optim, torch_class)([torch.zeros(2, requires_grad=True)], **kwargs)


@pytest.mark.parametrize("starts,steps", [
    (np.zeros((2, 3)), 10), ([[np.nan, 0.0]], 10), ([[0.0, 0.0]], -1), ([[0.0, 0.0]], 2.5),
])
def test_invalid_simulate_arguments(starts, steps):
    with pytest.raises(ValueError):
        optimizers.simulate(surfaces.get("ravine"), optimizers.get("SGD"), starts, steps)


def test_registry_metadata_is_complete():
    for name, spec in optimizers.names().items():
        assert spec.summary and spec.family in {"sgd", "adaptive", "second_order"}
        assert spec.hyperparams[0].name == "lr"
        for h in spec.hyperparams:
            assert h.label and h.doc, (name, h.name)
            for item in h.items or (h,):
                assert item.label and item.doc, (name, item.name)
                if item.kind == "float":
                    assert item.ui is not None and item.scale in {"log", "linear", "one_minus_log"}, (name, item)
                    lo, hi = item.ui
                    assert lo < hi and (item.scale != "log" or lo > 0) and (item.scale != "one_minus_log" or hi < 1), \
                        (name, item)
                    item.check(lo)   # the slider never offers an invalid value
                    item.check(hi)
        assert optimizers.get(name).hyperparams == spec.defaults() | {}


def test_optimizers_stay_pure_numpy():
    code = ("import sys, pkgutil, importlib, optimizers, optimizers.schedules; "
            "[importlib.import_module(m.name) for p in (optimizers, optimizers.schedules) "
            " for m in pkgutil.iter_modules(p.__path__, p.__name__ + '.')]; "
            "print(sorted(m for m in ('torch', 'dash', 'plotly', 'viz') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
