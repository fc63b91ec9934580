"""SequentialLR: run one schedule after another, switching at milestone steps.

The usual use is a warmup followed by a decay, e.g.

    get("SequentialLR", schedulers=[("LinearLR", {"start_factor": 0.01, "total_iters": 50}),
                                     ("CosineAnnealingLR", {"T_max": 450})], milestones=[50])

torch semantics: every sub-schedule starts from the optimizer's base lr with its
own step counter at 0 when its milestone is reached. (torch restarts it with
``_update_lr(0)``, the closed form at epoch 0; that is the schedule's usual first
value except for CosineAnnealingLR, off by round-off, and MultiplicativeLR, which
multiplies the lr reached so far by lr_lambda(0). `Schedule.resume` models both.)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..base import Hyperparam
from .base import Schedule, ScheduleSpec, check_milestones

# Sub-schedules torch cannot sequence (ReduceLROnPlateau), or that rewrite the
# optimizer's initial lr and momentum when built, so that their torch result
# depends on construction order (CyclicLR, OneCycleLR); nesting fails in torch.
_NOT_SEQUENCEABLE = {"CyclicLR", "OneCycleLR", "SequentialLR"}


def _sub_schedule(i: int, entry: Any) -> Schedule:
    from .registry import get  # the registry imports this module

    if isinstance(entry, Schedule):
        sub = entry
    elif isinstance(entry, str):
        sub = get(entry)
    else:
        try:
            name, kwargs = entry
            kwargs = dict(kwargs or {})
        except (TypeError, ValueError):
            raise ValueError(f"Invalid schedulers: entry {i} is {entry!r} (must be a Schedule "
                             "or a (name, kwargs) pair)") from None
        try:
            sub = get(name, **kwargs)
        except ValueError as err:
            raise ValueError(f"Invalid schedulers: entry {i} ({name}): {err}") from None
    if sub.needs_loss or sub.name in _NOT_SEQUENCEABLE:
        raise ValueError(f"Invalid schedulers: SequentialLR does not support {sub.name} "
                         f"(entry {i})")
    return sub


def SequentialLR(schedulers, milestones) -> Schedule:
    """Schedule ``schedulers[i]`` runs from ``milestones[i-1]`` to ``milestones[i]``.

    Args:
      schedulers: built `Schedule` objects or ``(name, kwargs)`` pairs.
      milestones: ``len(schedulers) - 1`` strictly increasing steps.
    """
    try:
        entries = list(schedulers)
    except TypeError:
        raise ValueError(f"Invalid schedulers: {schedulers!r} (must be a list)") from None
    if not entries:
        raise ValueError("Invalid schedulers: SequentialLR expects at least one scheduler")
    subs = [_sub_schedule(i, e) for i, e in enumerate(entries)]
    milestones = check_milestones("milestones", milestones)
    if len(milestones) != len(subs) - 1:
        raise ValueError(f"Invalid milestones: {list(milestones)} (expected {len(subs) - 1} "
                         f"for {len(subs)} schedulers)")

    def sequence(base, steps):
        out = np.empty((steps, base.shape[1]))
        starts = (0, *milestones)
        ends = (*milestones, steps)
        for i, sub in enumerate(subs):
            lo, hi = starts[i], min(ends[i], steps)
            if lo >= steps:
                break
            if i > 0 and sub.resume is not None:
                out[lo:hi] = sub.resume(base, out[lo - 1:lo], hi - lo)
            else:
                out[lo:hi] = sub.sequence(base, hi - lo)
        return out

    params = dict(schedulers=tuple((s.name, dict(s.params)) for s in subs), milestones=milestones)
    return Schedule("SequentialLR", params, sequence)


SPECS = (
    ScheduleSpec(
        name="SequentialLR",
        summary="Chain schedules, switching at milestones (e.g. linear warmup, then cosine).",
        factory=SequentialLR,
        params=(
            Hyperparam("schedulers", (("LinearLR", {"start_factor": 0.01, "total_iters": 50}),
                                      ("CosineAnnealingLR", {"T_max": 450})),
                       kind="schedules", label="schedules",
                       doc="(name, kwargs) of each schedule, in order"),
            Hyperparam("milestones", (50,), kind="ints", low=1, scale="linear", ui=(1, 5000),
                       label="milestones", doc="steps at which the next schedule takes over"),
        ),
        torch_class="SequentialLR",
        formula=r"\eta_t = \text{schedule}_i(t - m_{i-1}) \text{ for } m_{i-1} \le t < m_i",
    ),
)
