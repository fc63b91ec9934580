"""Schedules that scale the lr over the first ``total_iters`` steps: ConstantLR, LinearLR,
PolynomialLR (the usual warmups and the polynomial decay).

torch applies each as a per-step factor on the current lr; the factors here are
computed with the same float operations and multiplied up with
`multiplier_product`, so the sequences equal torch's bit for bit.
"""
from __future__ import annotations

import numpy as np

from ..base import Hyperparam
from .base import Schedule, ScheduleSpec
from .step import multiplier_product


def ConstantLR(factor: float = 1.0 / 3, total_iters: int = 5) -> Schedule:
    """η_t = η₀ · factor for t < total_iters, then η₀ (a constant warmup)."""
    total_iters = int(total_iters)

    def sequence(base, steps):
        factors = np.ones((steps, 1))
        if total_iters < steps:
            # torch undoes the warmup by multiplying with 1/factor, not by resetting to η₀.
            factors[total_iters] = 1.0 / factor
        return multiplier_product(base * factor, factors)

    return Schedule("ConstantLR", dict(factor=factor, total_iters=total_iters), sequence)


def LinearLR(start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5) -> Schedule:
    """η_t = η₀ · (s + (e − s) · min(t, T) / T): a linear ramp of the factor from s to e.

    torch reaches it recursively, multiplying the current lr at step t ≤ T by
    1 + (e − s) / (T·s + (t − 1)(e − s)); this replays that recursion.
    """
    total_iters = int(total_iters)
    delta = end_factor - start_factor

    def sequence(base, steps):
        t = np.arange(steps)
        factors = np.ones((steps, 1))
        ramp = (t >= 1) & (t <= total_iters)
        factors[ramp, 0] = 1.0 + delta / (total_iters * start_factor + (t[ramp] - 1) * delta)
        return multiplier_product(base * start_factor, factors)

    return Schedule("LinearLR", dict(start_factor=start_factor, end_factor=end_factor,
                                     total_iters=total_iters), sequence)


def PolynomialLR(total_iters: int = 5, power: float = 1.0) -> Schedule:
    """η_t = η₀ · (1 − min(t, T) / T)^power (reaches 0 at t = T for power > 0).

    torch multiplies the current lr by ((1 − t/T) / (1 − (t − 1)/T))^power; the
    factors are computed with Python's pow, as torch does.
    """
    total_iters = int(total_iters)

    def sequence(base, steps):
        factors = np.ones((steps, 1))
        for t in range(1, min(total_iters, steps - 1) + 1):
            factors[t] = ((1.0 - t / total_iters) / (1.0 - (t - 1) / total_iters)) ** power
        return multiplier_product(base, factors)

    return Schedule("PolynomialLR", dict(total_iters=total_iters, power=power), sequence)


TOTAL_ITERS = Hyperparam("total_iters", 5, kind="int", low=1, scale="linear", ui=(1, 5000),
                         label="total iters", doc="steps until the factor reaches its end value")

SPECS = (
    ScheduleSpec(
        name="ConstantLR",
        summary="Scale the lr by a constant factor for the first total_iters steps.",
        factory=ConstantLR,
        params=(
            Hyperparam("factor", 1.0 / 3, low=0.0, high=1.0, low_open=True, scale="linear",
                       ui=(0.01, 1.0), label="factor", doc="lr multiplier during the warmup"),
            TOTAL_ITERS,
        ),
        torch_class="ConstantLR",
        formula=r"\eta_t = \eta_0 \cdot (\text{factor if } t < T \text{ else } 1)",
    ),
    ScheduleSpec(
        name="LinearLR",
        summary="Ramp the lr factor linearly from start_factor to end_factor over total_iters steps.",
        factory=LinearLR,
        params=(
            Hyperparam("start_factor", 1.0 / 3, low=0.0, high=1.0, low_open=True, scale="log",
                       ui=(1e-3, 1.0), label="start factor", doc="lr multiplier at step 0"),
            Hyperparam("end_factor", 1.0, low=0.0, high=1.0, scale="linear", ui=(0.0, 1.0),
                       label="end factor", doc="lr multiplier from step total_iters on"),
            TOTAL_ITERS,
        ),
        torch_class="LinearLR",
        formula=r"\eta_t = \eta_0\,\big(s + (e - s)\min(t, T)/T\big)",
    ),
    ScheduleSpec(
        name="PolynomialLR",
        summary="Decay the lr to 0 over total_iters steps along (1 − t/T)^power.",
        factory=PolynomialLR,
        params=(
            TOTAL_ITERS,
            Hyperparam("power", 1.0, low=0.0, scale="linear", ui=(0.1, 5.0), label="power",
                       doc="exponent of the decay (1 = linear)"),
        ),
        torch_class="PolynomialLR",
        formula=r"\eta_t = \eta_0\,(1 - \min(t, T)/T)^{p}",
    ),
)
