"""Schedule defaults that follow the run's length.

torch's defaults (the registry's) count steps for a training run of thousands of
steps: OneCycleLR's 1,000 total steps, CyclicLR's 2,000 steps up. On a 200-step
scene they show a fraction of the schedule, or raise (OneCycleLR past its total).
So every parameter *counted in steps* defaults to a fraction of the scene's steps S
— in the editor when a schedule is picked, and for a link that omits it:

=============================  ==============================================
StepLR                         step_size = S/3 (two drops)
MultiStepLR                    milestones = 0.3 S, 0.6 S, 0.9 S
ConstantLR, LinearLR           total_iters = S/10 (a warmup)
PolynomialLR                   total_iters = S (reaches 0 at the last step)
CosineAnnealingLR              T_max = S (one half cosine over the run)
CosineAnnealingWarmRestarts    T_0 = S/5 (five cycles with T_mult = 1)
CyclicLR                       step_size_up = S/4 (two whole cycles)
OneCycleLR                     total_steps = S (one cycle over the run)
SequentialLR                   LinearLR warmup of S/10, then a cosine over the rest
HalvingLR                      T_0 = S/5 (five halvings)
WarmupCosine                   warmup_steps = S/10, T_max = the rest (S − warmup)
=============================  ==============================================

Rates (γ, k), factors and ReduceLROnPlateau's patience keep torch's defaults: they
are per step, not fractions of a run. Values are whole steps, at least 1, within the
control's range. The parity tests use the registry's own defaults; this is only what
the visualizer starts from.
"""
from __future__ import annotations

from typing import Any, Callable

from optimizers import schedules


def _steps(fraction: float, steps: int, low: int = 1) -> int:
    return max(low, int(round(fraction * steps)))


def _warmup_cosine(steps: int) -> dict:
    warmup = _steps(0.1, steps)
    return {"warmup_steps": warmup, "T_max": max(1, steps - warmup)}


def _sequential(steps: int) -> dict:
    warmup = _steps(0.1, steps)
    return {"schedulers": (("LinearLR", {"start_factor": 0.01, "total_iters": warmup}),
                           ("CosineAnnealingLR", {"T_max": max(1, steps - warmup)})),
            "milestones": (warmup,)}


def _milestones(steps: int) -> dict:
    values = sorted({_steps(f, steps) for f in (0.3, 0.6, 0.9)})
    return {"milestones": tuple(values)}


RULES: dict[str, Callable[[int], dict]] = {
    "StepLR": lambda s: {"step_size": _steps(1 / 3, s)},
    "MultiStepLR": _milestones,
    "ConstantLR": lambda s: {"total_iters": _steps(0.1, s)},
    "LinearLR": lambda s: {"total_iters": _steps(0.1, s)},
    "PolynomialLR": lambda s: {"total_iters": _steps(1.0, s)},
    "CosineAnnealingLR": lambda s: {"T_max": _steps(1.0, s)},
    "CosineAnnealingWarmRestarts": lambda s: {"T_0": _steps(0.2, s)},
    "CyclicLR": lambda s: {"step_size_up": _steps(0.25, s)},
    "OneCycleLR": lambda s: {"total_steps": _steps(1.0, s, low=2)},
    "SequentialLR": _sequential,
    "HalvingLR": lambda s: {"T_0": _steps(0.2, s)},
    "WarmupCosine": _warmup_cosine,
}


def scaled(name: str, steps: Any) -> dict:
    """The run-length defaults of schedule ``name`` for a run of ``steps`` steps (``{}`` if none)."""
    rule = RULES.get(name)
    if rule is None or isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        return {}
    out = rule(steps)
    specs = {h.name: h for h in schedules.spec(name).params}
    for key, value in out.items():
        h = specs[key]
        if h.kind == "int" and h.ui is not None:       # within the control's range
            out[key] = min(max(value, int(h.ui[0])), int(h.ui[1]))
    return out


def defaults(name: str, steps: Any) -> dict:
    """Every parameter of schedule ``name``: torch's defaults, step counts scaled to the run."""
    return schedules.spec(name).defaults() | scaled(name, steps)
