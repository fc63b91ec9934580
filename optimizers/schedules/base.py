"""The `Schedule` record, its registry entry, and the checks shared by the schedules.

A schedule maps the step t (0, 1, 2, ...) to the learning rate that step uses.
``lr_sequence(base_lr, steps)`` returns the whole sequence at once, shaped
``(steps, K)`` for per-run base rates of shape ``(K,)`` (or ``(steps, 1)`` for a
scalar). Closed forms evaluate a vectorized function of t; schedules whose torch
form is recursive replay torch's recursion so the numbers agree to round-off.
Schedules driven by the loss (ReduceLROnPlateau) set ``needs_loss`` and are
stepped by ``simulate()`` with explicit state instead.

Schedule parameters are scalars shared by all K runs; the per-run knob is the
optimizer's lr, which is the schedule's base lr (except for CyclicLR and
OneCycleLR, which set the lr themselves, as in torch).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from ..base import Hyperparam

Array = np.ndarray

# Parameter kinds that `Hyperparam.check` does not know; their factory validates them.
#   "ints": a strictly increasing list of step indices (milestones);
#   "formula": an expression in t (lr_lambda);
#   "schedules": a list of sub-schedules (SequentialLR).
FACTORY_CHECKED_KINDS = frozenset({"ints", "formula", "schedules"})


def base_column(base_lr: Any) -> Array:
    """Base learning rates as a ``(1, K)`` row (K = 1 for a scalar)."""
    return np.asarray(base_lr, dtype=np.float64).reshape(1, -1)


def per_run(seq: Array, base: Array) -> Array:
    """A sequence that does not depend on the base lr, copied out to ``(steps, K)``."""
    seq = np.asarray(seq, dtype=np.float64).reshape(-1, 1)
    return np.repeat(seq, base.shape[1], axis=1)


def math_cos(x: Array) -> Array:
    """``math.cos`` element by element: torch's schedulers call the C library's cos,
    and NumPy's vectorized cos may differ from it in the last bit, which ``1 + cos``
    near -1 would magnify well past 1e-12."""
    x = np.asarray(x, dtype=np.float64)
    return np.fromiter((math.cos(v) for v in x.ravel()), np.float64, x.size).reshape(x.shape)


def check_milestones(name: str, milestones: Any) -> tuple[int, ...]:
    """A strictly increasing tuple of positive integer steps, or ``ValueError`` naming ``name``."""
    try:
        values = tuple(milestones)
    except TypeError:
        raise ValueError(f"Invalid {name}: {milestones!r} (must be a list of steps)") from None
    for v in values:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer, float, np.floating)) \
                or not float(v).is_integer():
            raise ValueError(f"Invalid {name}: {milestones!r} (steps must be integers)")
    values = tuple(int(v) for v in values)
    if any(v < 1 for v in values):
        raise ValueError(f"Invalid {name}: {list(values)} (steps must be >= 1)")
    if any(b <= a for a, b in zip(values, values[1:])):
        raise ValueError(f"Invalid {name}: {list(values)} (must be strictly increasing)")
    return values


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
      cycles: per-step hyperparameter overrides the schedule also drives, keyed by
        the optimizer-side keyword they replace, each ``fn(current (1, K), steps) ->
        (steps, K)``. CyclicLR and OneCycleLR list both ``"momentum"`` and
        ``"beta1"``: like torch, ``simulate()`` cycles ``beta1`` when the optimizer
        has ``betas`` and ``momentum`` otherwise, and raises ``ValueError`` if it has
        neither.
      closed_form: ``(t, base_lr) -> lr`` for schedules that are a pure function of
        t, vectorized over arrays of t (and broadcasting against ``base_lr``).
      resume: ``(base (1, K), lr_before (1, K), steps) -> (steps, K)``, the sequence
        when SequentialLR switches to this schedule at a milestone, where torch calls
        its ``_update_lr(0)`` (the closed form at epoch 0 if it has one, else
        ``get_lr()`` from the current lr). ``None``: the same as ``sequence``.
    """

    name: str
    params: Mapping[str, Any]
    sequence: Callable[[Array, int], Array] | None = None
    needs_loss: bool = False
    init: Callable[[Array], Any] | None = None
    step: Callable[[Any, Array], Any] | None = None
    cycles: Mapping[str, Callable[[Array, int], Array]] = field(default_factory=dict)
    closed_form: Callable[[Array, Any], Array] | None = None
    resume: Callable[[Array, Array, int], Array] | None = None

    def lr_sequence(self, base_lr: Any, steps: int) -> Array:
        """The lr used at steps 0 .. steps-1, shaped ``(steps, K)``."""
        if self.needs_loss:
            raise ValueError(f"{self.name} depends on the loss: step it inside simulate() "
                             "or replay it with lr_from_losses()")
        return self.sequence(base_column(base_lr), int(steps))

    def lr_from_losses(self, base_lr: Any, losses: Any) -> Array:
        """For ``needs_loss`` schedules: the lr at each step when fed ``losses``.

        ``losses`` is ``(steps,)`` or ``(steps, K)``, the loss seen at each step
        (torch: ``sch.step(loss)`` after the step that used ``lr[t]``).
        Returns ``(steps, K)``.
        """
        if not self.needs_loss:
            raise ValueError(f"{self.name} does not depend on the loss: use lr_sequence()")
        losses = np.asarray(losses, dtype=np.float64)
        losses = losses.reshape(losses.shape[0], -1)
        base = base_column(base_lr)[0]
        k = max(base.size, losses.shape[1])
        state = self.init(np.broadcast_to(base, (k,)).copy())
        out = np.empty((losses.shape[0], k))
        for t, loss in enumerate(losses):
            out[t] = state.lr
            state = self.step(state, np.broadcast_to(loss, (k,)))
        return out

    def __call__(self, t: Any, base_lr: float = 1.0) -> Array:
        """The lr at step(s) ``t`` for a scalar base lr (vectorized over ``t``)."""
        if self.closed_form is not None:
            return self.closed_form(np.asarray(t, dtype=np.float64), base_lr)
        t = np.asarray(t)
        if t.size == 0:
            return np.zeros(t.shape)
        seq = self.lr_sequence(base_lr, int(t.max()) + 1)[:, 0]
        return seq[t]


@dataclass(frozen=True)
class ScheduleSpec:
    """Registry entry: a schedule's factory and the metadata of its parameters.

    Attributes:
      name: registry name (torch's class name where torch has the schedule).
      summary: one-line description for lists and tooltips.
      factory: ``(**params) -> Schedule``; receives every keyword, range-checked.
      params: metadata of each keyword, in torch's order.
      torch_class: the ``torch.optim.lr_scheduler`` class it equals, or ``None``.
      formula: LaTeX of the schedule, for the UI.
      needs_loss: the lr depends on the losses seen (ReduceLROnPlateau).
      nullable: parameters that also accept ``None`` (those whose default is
        ``None`` always do), e.g. OneCycleLR's epochs when total_steps is given.
    """

    name: str
    summary: str
    factory: Callable[..., Schedule]
    params: tuple[Hyperparam, ...]
    torch_class: str | None = None
    formula: str = ""
    needs_loss: bool = False
    nullable: frozenset = frozenset()

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def build(self, **kwargs) -> Schedule:
        known = {p.name: p for p in self.params}
        for key in kwargs:
            if key not in known:
                raise ValueError(f"{self.name} got an unexpected keyword argument {key!r}")
        values = self.defaults() | kwargs
        for key, value in values.items():
            param = known[key]
            if value is None and (param.default is None or key in self.nullable):
                continue
            if param.kind in FACTORY_CHECKED_KINDS:
                continue
            if param.kind in ("float", "int") and np.ndim(value) != 0:
                raise ValueError(f"Invalid {key}: {value!r} (must be a scalar: schedule "
                                 "parameters are shared by all runs)")
            param.check(value)
            if param.kind == "int":
                values[key] = int(value)
            elif param.kind == "float":
                values[key] = float(value)
        return self.factory(**values)
