"""The one registry of learning-rate schedules; tests and UI controls come from it."""
from __future__ import annotations

from . import course, cosine, cyclic, lambdas, linear, plateau, sequential, step
from .base import Schedule, ScheduleSpec

# torch.optim.lr_scheduler's order, then the course's closed forms.
_SPECS: dict[str, ScheduleSpec] = {
    s.name: s for s in (*lambdas.SPECS, *step.SPECS, *linear.SPECS, *cosine.SPECS,
                        *cyclic.SPECS, *sequential.SPECS, *plateau.SPECS, *course.SPECS)
}


def names() -> dict[str, ScheduleSpec]:
    """Every registered schedule by name, with its parameters' defaults, ranges and scales."""
    return dict(_SPECS)


def spec(name: str) -> ScheduleSpec:
    try:
        return _SPECS[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown schedule {name!r}; choose from {', '.join(_SPECS)}") from None


def get(name: str, **params) -> Schedule:
    """Build schedule ``name`` with torch's keywords (minus the optimizer).

    Example: ``get("CosineAnnealingLR", T_max=200, eta_min=1e-4)``.
    Raises ``ValueError`` naming the argument when a value is invalid.
    """
    return spec(name).build(**params)
