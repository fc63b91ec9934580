"""Cosine annealing: CosineAnnealingLR and CosineAnnealingWarmRestarts (SGDR).

Loshchilov & Hutter 2017, "SGDR: Stochastic Gradient Descent with Warm Restarts".
"""
from __future__ import annotations

import math

import numpy as np

from ..base import Hyperparam
from .base import Schedule, ScheduleSpec, math_cos


def _replay_cosine(base, first, steps, T_max, eta_min):
    """torch's CosineAnnealingLR recursion from ``first`` (the lr at step 0), ``(steps, K)``."""
    seq = np.empty((steps, base.shape[1]))
    if steps == 0:
        return seq
    lr = first[0].copy()
    seq[0] = lr
    for t in range(1, steps):
        if (t - 1 - T_max) % (2 * T_max) == 0:
            lr = lr + (base[0] - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
        else:
            lr = ((1 + math.cos(math.pi * t / T_max))
                  / (1 + math.cos(math.pi * (t - 1) / T_max))
                  * (lr - eta_min) + eta_min)
        seq[t] = lr
    return seq


def CosineAnnealingLR(T_max: int, eta_min: float = 0.0) -> Schedule:
    """η_t = η_min + (η₀ − η_min)(1 + cos(π t / T_max)) / 2 (Loshchilov & Hutter 2017).

    torch computes this recursively from the previous lr, and past ``T_max`` the
    cosine keeps going (the lr rises again with period 2·T_max). The sequence here
    replays torch's recursion step by step so both agree to round-off.
    """
    T_max = int(T_max)

    def sequence(base, steps):
        return _replay_cosine(base, base, steps, T_max, eta_min)

    def resume(base, lr_before, steps):
        # SequentialLR restarts it with the closed form at epoch 0, which is
        # η_min + (η₀ − η_min) rather than exactly η₀.
        first = eta_min + (base - eta_min) * (1 + math.cos(math.pi * 0 / T_max)) / 2
        return _replay_cosine(base, first, steps, T_max, eta_min)

    return Schedule("CosineAnnealingLR", dict(T_max=T_max, eta_min=eta_min), sequence,
                    resume=resume)


def CosineAnnealingWarmRestarts(T_0: int, T_mult: int = 1, eta_min: float = 0.0) -> Schedule:
    """η_t = η_min + (η₀ − η_min)(1 + cos(π T_cur / T_i)) / 2, restarting at η₀ when T_cur
    reaches T_i; the period starts at T_0 and is multiplied by T_mult at each restart."""
    T_0, T_mult = int(T_0), int(T_mult)

    def sequence(base, steps):
        t_cur = np.empty(steps)
        t_i = np.empty(steps)
        cur, period = 0, T_0
        for t in range(steps):
            if t > 0:
                cur += 1
                if cur >= period:
                    cur, period = cur % period, period * T_mult
            t_cur[t], t_i[t] = float(cur), float(period)
        cos = math_cos(math.pi * t_cur / t_i)[:, None]
        return eta_min + (base - eta_min) * (1 + cos) / 2

    return Schedule("CosineAnnealingWarmRestarts", dict(T_0=T_0, T_mult=T_mult, eta_min=eta_min),
                    sequence)


ETA_MIN = Hyperparam("eta_min", 0.0, low=0.0, scale="linear", ui=(0.0, 0.1), label="η_min",
                     doc="lowest lr")

SPECS = (
    ScheduleSpec(
        name="CosineAnnealingLR",
        summary="Half a cosine from the base lr down to η_min over T_max steps.",
        factory=CosineAnnealingLR,
        params=(
            Hyperparam("T_max", 500, kind="int", low=1, scale="linear", ui=(1, 5000),
                       label="T_max", doc="steps from the base lr down to η_min"),
            ETA_MIN,
        ),
        torch_class="CosineAnnealingLR",
        formula=r"\eta_t = \eta_{min} + \tfrac{1}{2}(\eta_0 - \eta_{min})(1 + \cos(\pi t / T_{max}))",
    ),
    ScheduleSpec(
        name="CosineAnnealingWarmRestarts",
        summary="Cosine from the base lr to η_min, restarting every T_i steps (SGDR).",
        factory=CosineAnnealingWarmRestarts,
        params=(
            Hyperparam("T_0", 100, kind="int", low=1, scale="linear", ui=(1, 2000),
                       label="T₀", doc="steps until the first restart"),
            Hyperparam("T_mult", 1, kind="int", low=1, scale="linear", ui=(1, 4),
                       label="T_mult", doc="factor by which the period grows after each restart"),
            ETA_MIN,
        ),
        torch_class="CosineAnnealingWarmRestarts",
        formula=r"\eta_t = \eta_{min} + \tfrac{1}{2}(\eta_0 - \eta_{min})"
                r"(1 + \cos(\pi T_{cur} / T_i))",
    ),
)
