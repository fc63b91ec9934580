"""Every registered torch-equivalent optimizer equals torch.optim in float64."""
import numpy as np
import pytest

import optimizers
import surfaces
from tests.optimizers.cases import OPTION_CASES, PARITY_SURFACES, parity_lr
from tests.reference import torch_run

STEPS = 300
TORCH_SPECS = [s for s in optimizers.names().values() if s.torch_class]


def _case_id(kwargs):
    return ",".join(f"{k}={v}" for k, v in kwargs.items()) or "defaults"


PARAMS = [
    pytest.param(spec, kwargs, surface, sched, id=f"{spec.name}-{_case_id(kwargs)}-{surface}-{sched or 'const'}")
    for spec in TORCH_SPECS
    for kwargs in OPTION_CASES[spec.name]
    for surface in PARITY_SURFACES
    # "cos": an lr that changes at every step (period 2·37 keeps it away from 0).
    for sched in (None, "cos")
]


def test_every_optimizer_has_cases():
    assert set(OPTION_CASES) == {s.name for s in TORCH_SPECS}


@pytest.mark.parametrize("spec", TORCH_SPECS, ids=lambda s: s.name)
def test_every_case_changes_the_path(spec):
    """Each option case moves the path away from the defaults' on some surface.

    Guards the table against cases that exercise nothing (an option that only
    binds near a minimum the surface never reaches, say). NumPy only: cheap.
    """
    def path(kwargs, surface_name, lr_divisor):
        surface = surfaces.get(surface_name)
        opt = optimizers.get(spec.name, lr=parity_lr(spec, surface_name) / lr_divisor, **kwargs)
        return optimizers.simulate(surface, opt, np.array([surface.start]), STEPS).path

    for kwargs in OPTION_CASES[spec.name][1:]:
        divisor = 100 if kwargs.get("maximize") else 1   # as in test_matches_torch
        assert any(not np.allclose(path(kwargs, name, divisor), path({}, name, divisor), rtol=1e-6, equal_nan=True)
                   for name in PARITY_SURFACES), (spec.name, kwargs)


@pytest.mark.parametrize("spec,kwargs,surface_name,sched", PARAMS)
def test_matches_torch(spec, kwargs, surface_name, sched):
    surface = surfaces.get(surface_name)
    lr = parity_lr(spec, surface_name)
    if kwargs.get("maximize"):
        lr /= 100  # ascending a bowl diverges; keep it inside the window for 300 steps
    start = surface.start
    sched_args = ("CosineAnnealingLR", {"T_max": 37, "eta_min": lr / 10}) if sched else (None, None)
    expected_path, expected_lr = torch_run(surface_name, spec.torch_class, {"lr": lr, **kwargs}, start,
                                           STEPS, *sched_args)
    schedule = optimizers.schedules.get(sched_args[0], **sched_args[1]) if sched else None
    run = optimizers.simulate(surface, optimizers.get(spec.name, lr=lr, **kwargs), np.array([start]),
                              STEPS, schedule=schedule)
    np.testing.assert_allclose(run.lr[:, 0], expected_lr, rtol=1e-12, atol=0)
    end = run.diverged_at[0]
    if end == -1:
        end = STEPS + 1
    else:  # only ascent may run away, and torch must run away at the same step
        assert kwargs.get("maximize")
        assert not np.all(np.abs(expected_path[end]) <= 1e3 * surface.extent)
    np.testing.assert_allclose(run.path[:end, 0], expected_path[:end], rtol=1e-9, atol=1e-12)


CYCLING_SPECS = [s for s in TORCH_SPECS if {"momentum", "betas"} & {h.name for h in s.hyperparams}]


@pytest.mark.parametrize("spec", CYCLING_SPECS, ids=lambda s: s.name)
def test_cycled_momentum_matches_torch(spec):
    """OneCycleLR also cycles momentum (betas[0] where there are betas): the per-step override path."""
    surface = surfaces.get("himmelblau")
    lr = parity_lr(spec, "himmelblau")
    kwargs = {"momentum": 0.9} if "momentum" in {h.name for h in spec.hyperparams} else {}
    sched = {"max_lr": lr, "total_steps": STEPS}
    expected, expected_lr = torch_run("himmelblau", spec.torch_class, {"lr": lr, **kwargs}, surface.start, STEPS,
                                      "OneCycleLR", sched)
    run = optimizers.simulate(surface, optimizers.get(spec.name, lr=lr, **kwargs), np.array([surface.start]), STEPS,
                              schedule=optimizers.schedules.get("OneCycleLR", **sched))
    assert run.hyperparams  # the momentum did cycle
    np.testing.assert_allclose(run.lr[:, 0], expected_lr, rtol=1e-12, atol=0)
    np.testing.assert_allclose(run.path[:, 0], expected, rtol=1e-9, atol=1e-12)
