"""Every registered schedule's lr sequence equals torch.optim.lr_scheduler's."""
import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import schedules
from tests.optimizers.schedules.cases import SCHEDULE_CASES
from tests.reference import torch_lrs, torch_run

TORCH_SPECS = [s for s in schedules.names().values() if s.torch_class]
CASES = [pytest.param(spec, kw, id=f"{spec.name}-{kw}") for spec in TORCH_SPECS
         for kw in SCHEDULE_CASES[spec.name]]


def test_every_schedule_has_cases():
    assert set(SCHEDULE_CASES) == {s.name for s in TORCH_SPECS}


@pytest.mark.parametrize("spec,kwargs", CASES)
@pytest.mark.parametrize("base_lr", [0.1, 3e-4])
def test_lr_sequence_matches_torch(spec, kwargs, base_lr):
    expected, _ = torch_lrs(spec.torch_class, kwargs, 1000, base_lr=base_lr)
    got = schedules.get(spec.name, **kwargs).lr_sequence(base_lr, 1000)
    assert got.shape == (1000, 1)
    np.testing.assert_allclose(got[:, 0], expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("spec,kwargs", CASES)
def test_per_run_base_lrs_equal_single_runs(spec, kwargs):
    bases = np.array([0.1, 0.02, 1e-3])
    got = schedules.get(spec.name, **kwargs).lr_sequence(bases, 300)
    for k, base in enumerate(bases):
        np.testing.assert_array_equal(got[:, k], schedules.get(spec.name, **kwargs).lr_sequence(base, 300)[:, 0])


@pytest.mark.parametrize("spec,kwargs", CASES)
@pytest.mark.parametrize("opt_name,opt_kwargs,lr", [
    ("SGD", {"momentum": 0.9}, 0.01),
    ("Adam", {}, 0.05),
])
def test_simulate_matches_torch(spec, kwargs, opt_name, opt_kwargs, lr):
    surface = surfaces.get("ravine")
    expected, expected_lr = torch_run("ravine", opt_name, {"lr": lr, **opt_kwargs}, surface.start, 300,
                                      spec.torch_class, kwargs)
    run = optimizers.simulate(surface, optimizers.get(opt_name, lr=lr, **opt_kwargs),
                              np.array([surface.start]), 300, schedule=schedules.get(spec.name, **kwargs))
    np.testing.assert_allclose(run.lr[:, 0], expected_lr, rtol=1e-12)
    np.testing.assert_allclose(run.path[:, 0], expected, rtol=1e-9, atol=1e-12)


def test_course_oracles():
    """The COURSE_NOTES values marked oracle (computed with torch 2.13)."""
    step = schedules.get("StepLR", step_size=10, gamma=0.1)
    np.testing.assert_allclose(step([0, 10, 20, 30], 0.1), [0.1, 0.01, 0.001, 0.0001], rtol=1e-12)
    cos = schedules.get("CosineAnnealingLR", T_max=50, eta_min=0.001)
    np.testing.assert_allclose(cos([0, 10, 20, 30, 40, 50], 0.1),
                               [0.1, 0.090546, 0.065796, 0.035204, 0.010454, 0.001], atol=5e-7)


@pytest.mark.parametrize("name,kwargs,word", [
    ("StepLR", {"step_size": 0}, "step_size"),
    ("StepLR", {"step_size": 10, "gamma": -1}, "gamma"),
    ("CosineAnnealingLR", {"T_max": 0}, "T_max"),
    ("CosineAnnealingLR", {"T_max": 10, "eta_min": float("nan")}, "eta_min"),
    ("CosineAnnealingLR", {"T_max": 10, "bogus": 1}, "bogus"),
    ("NoSuchLR", {}, "NoSuchLR"),
])
def test_invalid_parameters_name_the_argument(name, kwargs, word):
    with pytest.raises(ValueError, match=word):
        schedules.get(name, **kwargs)


def test_registry_metadata_is_complete():
    for spec in schedules.names().values():
        assert spec.summary
        for p in spec.params:
            assert p.ui is not None and p.scale in {"log", "linear", "one_minus_log"}
            spec.build(**{p.name: p.default for p in spec.params if p.default is not None})
