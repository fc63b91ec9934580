"""ReduceLROnPlateau: cut the lr by ``factor`` once the loss stops improving.

The lr depends on the losses seen, so there is no sequence to precompute:
``simulate()`` calls ``init`` once and ``step`` after every optimizer step with
each run's own loss. The state holds one entry per run, so K runs that see
different losses get K different lr curves in a single call.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..base import Hyperparam
from .base import Array, Schedule, ScheduleSpec


class PlateauState(NamedTuple):
    lr: Array                # (K,) lr for the next step
    best: Array              # (K,) best loss so far (±inf before the first)
    num_bad_epochs: Array    # (K,) steps since the last significant improvement
    cooldown_counter: Array  # (K,) steps left before bad steps count again


def ReduceLROnPlateau(mode: str = "min", factor: float = 0.1, patience: int = 10,
                      threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                      min_lr: float = 0.0, eps: float = 1e-8) -> Schedule:
    """Multiply the lr by ``factor`` after more than ``patience`` steps without improvement.

    A loss improves on the best so far if it is below best·(1 − threshold)
    ("rel") or best − threshold ("abs") in mode "min" (above, in mode "max").
    After a cut, ``cooldown`` steps pass before bad steps count again; the lr
    never goes below ``min_lr``, and cuts smaller than ``eps`` are skipped.
    Equals torch's ``sch.step(loss)`` called once per step.
    """
    patience, cooldown = int(patience), int(cooldown)

    def is_better(loss, best):
        if mode == "min" and threshold_mode == "rel":
            return loss < best * (1.0 - threshold)
        if mode == "min":
            return loss < best - threshold
        if threshold_mode == "rel":
            return loss > best * (threshold + 1.0)
        return loss > best + threshold

    def init(base_lr):
        base_lr = np.array(base_lr, dtype=np.float64).reshape(-1)
        k = base_lr.shape[0]
        worst = np.inf if mode == "min" else -np.inf
        return PlateauState(base_lr, np.full(k, worst), np.zeros(k, dtype=np.int64),
                            np.zeros(k, dtype=np.int64))

    def step(state, loss):
        loss = np.asarray(loss, dtype=np.float64)
        better = is_better(loss, state.best)
        best = np.where(better, loss, state.best)
        bad = np.where(better, 0, state.num_bad_epochs + 1)
        in_cooldown = state.cooldown_counter > 0
        cooldown_counter = np.where(in_cooldown, state.cooldown_counter - 1, state.cooldown_counter)
        bad = np.where(in_cooldown, 0, bad)   # bad steps during a cooldown do not count
        reduce = bad > patience
        new_lr = np.maximum(state.lr * factor, min_lr)
        lr = np.where(reduce & (state.lr - new_lr > eps), new_lr, state.lr)
        cooldown_counter = np.where(reduce, cooldown, cooldown_counter)
        bad = np.where(reduce, 0, bad)
        return PlateauState(lr, best, bad, cooldown_counter)

    params = dict(mode=mode, factor=factor, patience=patience, threshold=threshold,
                  threshold_mode=threshold_mode, cooldown=cooldown, min_lr=min_lr, eps=eps)
    return Schedule("ReduceLROnPlateau", params, needs_loss=True, init=init, step=step)


SPECS = (
    ScheduleSpec(
        name="ReduceLROnPlateau",
        summary="Cut the lr by a factor when the run's loss stops improving for patience steps.",
        factory=ReduceLROnPlateau,
        params=(
            Hyperparam("mode", "min", kind="choice", choices=("min", "max"), label="mode",
                       doc="whether the loss should go down (min) or up (max)"),
            Hyperparam("factor", 0.1, low=0.0, high=1.0, high_open=True, scale="linear",
                       ui=(0.01, 0.99), label="factor", doc="new lr = lr × factor"),
            Hyperparam("patience", 10, kind="int", low=0, scale="linear", ui=(0, 200),
                       label="patience", doc="steps without improvement tolerated before a cut"),
            Hyperparam("threshold", 1e-4, low=0.0, scale="log", ui=(1e-8, 0.1),
                       label="threshold", doc="how much better counts as an improvement"),
            Hyperparam("threshold_mode", "rel", kind="choice", choices=("rel", "abs"),
                       label="threshold mode", doc="relative or absolute improvement"),
            Hyperparam("cooldown", 0, kind="int", low=0, scale="linear", ui=(0, 200),
                       label="cooldown", doc="steps after a cut before bad steps count again"),
            Hyperparam("min_lr", 0.0, low=0.0, scale="linear", ui=(0.0, 0.01),
                       label="min lr", doc="the lr never goes below this"),
            Hyperparam("eps", 1e-8, low=0.0, scale="log", ui=(1e-12, 1e-4),
                       label="ε", doc="cuts smaller than this are skipped"),
        ),
        torch_class="ReduceLROnPlateau",
        formula=r"\eta \leftarrow \max(\text{factor}\cdot\eta,\ \eta_{min})"
                r"\ \text{after patience steps without improvement}",
        needs_loss=True,
    ),
)
