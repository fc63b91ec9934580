"""Multiplicative decays: StepLR, MultiStepLR, ExponentialLR.

torch applies each as ``group["lr"] *= factor`` when entering a step; the
running product `multiplier_product` reproduces those updates bit for bit.
"""
from __future__ import annotations

import numpy as np

from ..base import Hyperparam
from .base import Schedule, ScheduleSpec, check_milestones


def multiplier_product(base, factors):
    """Running product ``base · f₁ · f₂ ⋯`` along the steps, shaped ``(steps, K)``.

    ``factors[t]`` (shape ``(steps, 1)`` or ``(steps, K)``) is the factor applied
    when entering step t; ``factors[0]`` is ignored. Where nothing changes the
    factor is 1, which is exact, so the left-to-right cumulative product equals
    torch's recursive ``group["lr"] * gamma`` updates bit for bit.
    """
    steps, k = factors.shape[0], base.shape[1]
    if steps == 0:
        return np.empty((0, k))
    stacked = np.concatenate([base, np.broadcast_to(factors[1:], (steps - 1, k))])
    return np.cumprod(stacked, axis=0)


def StepLR(step_size: int, gamma: float = 0.1) -> Schedule:
    """η_t = η₀ · γ^⌊t / step_size⌋ (the course's "halving every T₀ steps" with γ = ½)."""
    step_size = int(step_size)

    def sequence(base, steps):
        t = np.arange(steps)
        factors = np.where((t > 0) & (t % step_size == 0), gamma, 1.0)[:, None]
        return multiplier_product(base, factors)

    return Schedule("StepLR", dict(step_size=step_size, gamma=gamma), sequence)


def MultiStepLR(milestones, gamma: float = 0.1) -> Schedule:
    """η_t = η₀ · γ^(number of milestones ≤ t) (the course's "multi-factor" schedule)."""
    milestones = check_milestones("milestones", milestones)

    def sequence(base, steps):
        factors = np.ones((steps, 1))
        hits = [m for m in milestones if m < steps]
        factors[hits] = gamma
        return multiplier_product(base, factors)

    return Schedule("MultiStepLR", dict(milestones=milestones, gamma=gamma), sequence)


def ExponentialLR(gamma: float) -> Schedule:
    """η_t = η₀ · γ^t, applied as η_t = γ · η_(t−1) (the course's "factor" schedule)."""

    def sequence(base, steps):
        return multiplier_product(base, np.full((steps, 1), gamma))

    return Schedule("ExponentialLR", dict(gamma=gamma), sequence)


GAMMA = Hyperparam("gamma", 0.1, low=0.0, scale="linear", ui=(0.01, 1.0), label="γ",
                   doc="decay factor")

SPECS = (
    ScheduleSpec(
        name="StepLR",
        summary="Multiply the lr by γ every step_size steps.",
        factory=StepLR,
        params=(
            Hyperparam("step_size", 100, kind="int", low=1, scale="linear", ui=(1, 1000),
                       label="step size", doc="steps between decays"),
            GAMMA,
        ),
        torch_class="StepLR",
        formula=r"\eta_t = \eta_0\,\gamma^{\lfloor t/s \rfloor}",
    ),
    ScheduleSpec(
        name="MultiStepLR",
        summary="Multiply the lr by γ at each milestone step.",
        factory=MultiStepLR,
        params=(
            Hyperparam("milestones", (150, 300, 450), kind="ints", low=1, scale="linear",
                       ui=(1, 5000), label="milestones",
                       doc="strictly increasing steps at which the lr is multiplied by γ"),
            GAMMA,
        ),
        torch_class="MultiStepLR",
        formula=r"\eta_t = \eta_0\,\gamma^{\#\{m_i \le t\}}",
    ),
    ScheduleSpec(
        name="ExponentialLR",
        summary="Multiply the lr by γ every step.",
        factory=ExponentialLR,
        params=(
            Hyperparam("gamma", 0.99, low=0.0, scale="one_minus_log", ui=(0.9, 0.9999),
                       label="γ", doc="decay factor per step"),
        ),
        torch_class="ExponentialLR",
        formula=r"\eta_t = \eta_0\,\gamma^{t}",
    ),
)
