"""The `Schedule` record and its registry entry.

A schedule maps the step t (0, 1, 2, ...) to the learning rate that step uses.
``lr_sequence(base_lr, steps)`` returns the whole sequence at once, shaped
``(steps, K)`` for per-run base rates of shape ``(K,)`` (or ``(steps, 1)`` for a
scalar). Closed forms evaluate a vectorized function of t; schedules whose torch
form is recursive replay torch's recursion so the numbers agree to round-off.
Schedules driven by the loss (ReduceLROnPlateau) set ``needs_loss`` and are
stepped by ``simulate()`` with explicit state instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from ..base import Hyperparam

Array = np.ndarray


def base_column(base_lr: Any) -> Array:
    """Base learning rates as a ``(1, K)`` row (K = 1 for a scalar)."""
    return np.asarray(base_lr, dtype=np.float64).reshape(1, -1)


@dataclass(frozen=True)
class Schedule:
    """A built learning-rate schedule.

    Attributes:
      name: torch.optim.lr_scheduler's class name (or the course's name).
      params: the validated keyword values.
      sequence: ``(base_lr (1, K), steps) -> (steps, K)`` lr applied at each step.
      needs_loss: the lr depends on the losses seen (ReduceLROnPlateau).
      init, step: for ``needs_loss`` schedules, ``init(base_lr (K,)) -> state`` and
        ``step(state, loss (K,)) -> state``; ``state.lr`` is the lr for the next step.
      cycles: hyperparameter sequences the schedule also drives, e.g.
        ``{"momentum": fn}`` with ``fn(base (1, K), steps) -> (steps, K)``.
    """

    name: str
    params: Mapping[str, Any]
    sequence: Callable[[Array, int], Array] | None = None
    needs_loss: bool = False
    init: Callable[[Array], Any] | None = None
    step: Callable[[Any, Array], Any] | None = None
    cycles: Mapping[str, Callable[[Array, int], Array]] = field(default_factory=dict)

    def lr_sequence(self, base_lr: Any, steps: int) -> Array:
        """The lr used at steps 0 .. steps-1, shaped ``(steps, K)``."""
        if self.needs_loss:
            raise ValueError(f"{self.name} depends on the loss: step it inside simulate()")
        return self.sequence(base_column(base_lr), int(steps))

    def __call__(self, t: Any, base_lr: float = 1.0) -> Array:
        """The lr at step(s) ``t`` for a scalar base lr (vectorized over ``t``)."""
        t = np.asarray(t)
        if t.size == 0:
            return np.zeros(t.shape)
        seq = self.lr_sequence(base_lr, int(t.max()) + 1)[:, 0]
        return seq[t]


@dataclass(frozen=True)
class ScheduleSpec:
    """Registry entry: a schedule's factory and the metadata of its parameters."""

    name: str
    summary: str
    factory: Callable[..., Schedule]
    params: tuple[Hyperparam, ...]
    torch_class: str | None = None
    formula: str = ""

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def build(self, **kwargs) -> Schedule:
        known = {p.name: p for p in self.params}
        for key in kwargs:
            if key not in known:
                raise ValueError(f"{self.name} got an unexpected keyword argument {key!r}")
        values = self.defaults() | kwargs
        for key, value in values.items():
            if value is None and known[key].default is None:
                continue
            known[key].check(value)
        return self.factory(**values)
