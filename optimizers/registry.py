"""The one registry of optimizers; tests and UI controls are generated from it."""
from __future__ import annotations

from . import adam, sgd
from .base import Optimizer, OptimizerSpec

_SPECS: dict[str, OptimizerSpec] = {spec.name: spec for spec in (sgd.SPEC, adam.SPEC)}


def names() -> dict[str, OptimizerSpec]:
    """Every registered optimizer by name, with its summary and hyperparameter metadata."""
    return dict(_SPECS)


def spec(name: str) -> OptimizerSpec:
    """The registry entry of ``name``; ``ValueError`` if unknown."""
    try:
        return _SPECS[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown optimizer {name!r}; choose from {', '.join(_SPECS)}") from None


def get(name: str, **hyperparams) -> Optimizer:
    """Build optimizer ``name`` with torch's keyword names, e.g. ``get("Adam", lr=0.01)``.

    Every hyperparameter may be a scalar or a length-K array (one value per run).
    Raises ``ValueError`` naming the argument for unknown keywords or invalid values.
    """
    return spec(name).build(**hyperparams)
