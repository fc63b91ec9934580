"""The course's closed-form schedules that torch has no class for.

Each is a pure function of the step t, vectorized over arrays of t (which may
be fractional) and broadcasting against the base lr η₀:

    exponential_decay   η₀ · e^(−k t)
    inverse_time_decay  η₀ / (1 + k t)
    inverse_sqrt_decay  η₀ / √(t + 1)          ("good for convex problems")
    halving             η₀ · 2^(−⌊t / T₀⌋)       (η_t = η_(t−1)/2 every T₀ steps)
    warmup_cosine       linear warmup from start_factor·η₀ to η₀ over warmup_steps,
                        then a half cosine down to η_min over T_max steps
"""
from __future__ import annotations

import numpy as np

from ..base import Hyperparam
from .base import Schedule, ScheduleSpec


def exponential_decay(t, eta0, k):
    """η_t = η₀ · e^(−k t)."""
    return eta0 * np.exp(-k * np.asarray(t, dtype=np.float64))


def inverse_time_decay(t, eta0, k):
    """η_t = η₀ / (1 + k t)."""
    return eta0 / (1.0 + k * np.asarray(t, dtype=np.float64))


def inverse_sqrt_decay(t, eta0):
    """η_t = η₀ / √(t + 1)."""
    return eta0 / np.sqrt(np.asarray(t, dtype=np.float64) + 1.0)


def halving(t, eta0, T_0):
    """η_t = η₀ · 2^(−⌊t / T₀⌋): halve the lr every T₀ steps (exact powers of two)."""
    return eta0 * 0.5 ** np.floor(np.asarray(t, dtype=np.float64) / T_0)


def warmup_cosine(t, eta0, warmup_steps, T_max, start_factor=0.01, eta_min=0.0):
    """Linear warmup, then cosine annealing, as one formula ("common for transformers").

        η_t = η₀ (s + (1 − s) t / W)                               for t < W
        η_t = η_min + (η₀ − η_min)(1 + cos(π (t − W) / T_max)) / 2   for W ≤ t ≤ W + T_max
        η_t = η_min                                                 after

    Equals SequentialLR([LinearLR(s, 1, W), CosineAnnealingLR(T_max, η_min)], [W])
    up to t = W + T_max (torch's cosine would then rise again; this one stays at η_min).
    """
    t = np.asarray(t, dtype=np.float64)
    warm = eta0 * (start_factor + (1.0 - start_factor) * t / max(warmup_steps, 1))
    phase = np.clip((t - warmup_steps) / T_max, 0.0, 1.0)
    cosine = eta_min + (eta0 - eta_min) * (1.0 + np.cos(np.pi * phase)) / 2.0
    return np.where(t < warmup_steps, warm, cosine)


def _closed(name, params, fn):
    """A `Schedule` from ``fn(t, eta0)``; the sequence evaluates it at t = 0 .. steps-1."""
    def sequence(base, steps):
        return fn(np.arange(steps, dtype=np.float64)[:, None], base)
    return Schedule(name, params, sequence, closed_form=fn)


def ExponentialDecay(k: float = 0.01) -> Schedule:
    """η_t = η₀ · e^(−k t)."""
    return _closed("ExponentialDecay", dict(k=k), lambda t, eta0: exponential_decay(t, eta0, k))


def InverseTimeDecay(k: float = 0.01) -> Schedule:
    """η_t = η₀ / (1 + k t)."""
    return _closed("InverseTimeDecay", dict(k=k), lambda t, eta0: inverse_time_decay(t, eta0, k))


def InverseSqrtDecay() -> Schedule:
    """η_t = η₀ / √(t + 1)."""
    return _closed("InverseSqrtDecay", {}, inverse_sqrt_decay)


def HalvingLR(T_0: int = 100) -> Schedule:
    """η_t = η₀ · 2^(−⌊t / T₀⌋) (equals StepLR(step_size=T₀, gamma=0.5) exactly)."""
    T_0 = int(T_0)
    return _closed("HalvingLR", dict(T_0=T_0), lambda t, eta0: halving(t, eta0, T_0))


def WarmupCosine(warmup_steps: int = 50, T_max: int = 450, start_factor: float = 0.01,
                 eta_min: float = 0.0) -> Schedule:
    """Linear warmup over warmup_steps, then cosine down to η_min over T_max steps."""
    warmup_steps, T_max = int(warmup_steps), int(T_max)
    params = dict(warmup_steps=warmup_steps, T_max=T_max, start_factor=start_factor, eta_min=eta_min)
    return _closed("WarmupCosine", params,
                   lambda t, eta0: warmup_cosine(t, eta0, warmup_steps, T_max, start_factor, eta_min))


DECAY_RATE = Hyperparam("k", 0.01, low=0.0, scale="log", ui=(1e-4, 1.0), label="k",
                        doc="decay rate per step")

SPECS = (
    ScheduleSpec(
        name="ExponentialDecay",
        summary="Exponential decay η₀·e^(−k t) (the course's form; ExponentialLR with γ = e^(−k)).",
        factory=ExponentialDecay,
        params=(DECAY_RATE,),
        formula=r"\eta_t = \eta_0\,e^{-k t}",
    ),
    ScheduleSpec(
        name="InverseTimeDecay",
        summary="Inverse-time decay η₀/(1 + k t).",
        factory=InverseTimeDecay,
        params=(DECAY_RATE,),
        formula=r"\eta_t = \eta_0 / (1 + k t)",
    ),
    ScheduleSpec(
        name="InverseSqrtDecay",
        summary="Inverse square-root decay η₀/√(t + 1), good for convex problems.",
        factory=InverseSqrtDecay,
        params=(),
        formula=r"\eta_t = \eta_0 / \sqrt{t + 1}",
    ),
    ScheduleSpec(
        name="HalvingLR",
        summary="Halve the lr every T₀ steps.",
        factory=HalvingLR,
        params=(
            Hyperparam("T_0", 100, kind="int", low=1, scale="linear", ui=(1, 1000), label="T₀",
                       doc="steps between halvings"),
        ),
        formula=r"\eta_t = \eta_0\,2^{-\lfloor t / T_0 \rfloor}",
    ),
    ScheduleSpec(
        name="WarmupCosine",
        summary="Linear warmup to the base lr, then cosine annealing to η_min (transformer-style).",
        factory=WarmupCosine,
        params=(
            Hyperparam("warmup_steps", 50, kind="int", low=0, scale="linear", ui=(0, 1000),
                       label="warmup steps", doc="steps of the linear ramp W"),
            Hyperparam("T_max", 450, kind="int", low=1, scale="linear", ui=(1, 5000),
                       label="T_max", doc="steps of the cosine after the warmup"),
            Hyperparam("start_factor", 0.01, low=0.0, high=1.0, scale="log", ui=(1e-3, 1.0),
                       label="start factor", doc="lr multiplier at step 0"),
            Hyperparam("eta_min", 0.0, low=0.0, scale="linear", ui=(0.0, 0.1), label="η_min",
                       doc="lowest lr, reached at step W + T_max"),
        ),
        formula=r"\eta_t = \begin{cases} \eta_0 (s + (1-s) t/W) & t < W \\ "
                r"\eta_{min} + \tfrac12(\eta_0 - \eta_{min})(1 + \cos(\pi (t-W)/T_{max})) & t \ge W"
                r"\end{cases}",
    ),
)
