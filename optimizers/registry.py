"""The one registry of optimizers; tests and UI controls are generated from it."""
from __future__ import annotations

from . import (adadelta, adafactor, adagrad, adam, adamax, adamw, asgd, lion, local_gains, momentum,
               nadam, newton, radam, rmsprop, rprop, sgd, swats)
from .base import Optimizer, OptimizerSpec

# Display order: torch's plain and momentum methods, its adaptive family, then
# the course's methods that torch does not have.
_SPECS: dict[str, OptimizerSpec] = {spec.name: spec for spec in (
    sgd.SPEC, asgd.SPEC, rprop.SPEC, adagrad.SPEC, rmsprop.SPEC, adadelta.SPEC,
    adam.SPEC, adamw.SPEC, adamax.SPEC, nadam.SPEC, radam.SPEC, adafactor.SPEC,
    momentum.SPEC, local_gains.SPEC, lion.SPEC, swats.SPEC, newton.SPEC,
)}


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
