"""Cosine annealing (SGDR without restarts; torch CosineAnnealingLR)."""
from __future__ import annotations

import math

import numpy as np

from ..base import Hyperparam
from .base import Schedule, ScheduleSpec


def CosineAnnealingLR(T_max: int, eta_min: float = 0.0) -> Schedule:
    """η_t = η_min + (η₀ − η_min)(1 + cos(π t / T_max)) / 2 (Loshchilov & Hutter 2017).

    torch computes this recursively from the previous lr, and past ``T_max`` the
    cosine keeps going (the lr rises again with period 2·T_max). The sequence here
    replays torch's recursion step by step so both agree to round-off.
    """
    T_max = int(T_max)

    def sequence(base, steps):
        seq = np.empty((steps, base.shape[1]))
        if steps == 0:
            return seq
        lr = base[0].copy()
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

    return Schedule("CosineAnnealingLR", dict(T_max=T_max, eta_min=eta_min), sequence)


SPEC = ScheduleSpec(
    name="CosineAnnealingLR",
    summary="Half a cosine from the base lr down to η_min over T_max steps.",
    factory=CosineAnnealingLR,
    params=(
        Hyperparam("T_max", 500, kind="int", low=1, scale="linear", ui=(1, 5000),
                   label="T_max", doc="steps from the base lr down to η_min"),
        Hyperparam("eta_min", 0.0, low=0.0, scale="linear", ui=(0.0, 0.1), label="η_min",
                   doc="lowest lr"),
    ),
    torch_class="CosineAnnealingLR",
    formula=r"\eta_t = \eta_{min} + \tfrac{1}{2}(\eta_0 - \eta_{min})(1 + \cos(\pi t / T_{max}))",
)
