"""Every registered torch-equivalent optimizer equals torch.optim in float64."""
import numpy as np
import pytest

import optimizers
import surfaces
from tests.optimizers.cases import OPTION_CASES, PARITY_LR, PARITY_SURFACES
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


@pytest.mark.parametrize("spec,kwargs,surface_name,sched", PARAMS)
def test_matches_torch(spec, kwargs, surface_name, sched):
    surface = surfaces.get(surface_name)
    lr = PARITY_LR[(spec.family, surface_name)]
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
