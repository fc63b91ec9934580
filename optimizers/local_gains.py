"""Adaptive local gains: a per-coordinate learning-rate multiplier (Jacobs 1988)."""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .base import LR, Array, Hyperparam, Optimizer, OptimizerSpec, per_run


class LocalGainsState(NamedTuple):
    gain: Array   # per-coordinate gain, starts at 1, (K, 2)
    prev: Array   # previous gradient (0 before the first step), (K, 2)


def local_gains_step(grads, state: LocalGainsState, params, lr, *, beta, gain_min, gain_max):
    """One step with adaptive local gains (the course's / Hinton's lecture 6c form).

        gain ← gain + β          if g·g_prev > 0   (sign unchanged: speed up additively)
        gain ← gain · (1 − β)    if g·g_prev < 0   (sign flipped: slow down multiplicatively)
        gain ← clip(gain, gain_min, gain_max)
        w ← w − η · gain · g

    At the first step there is no previous gradient (g·g_prev = 0) and the gain
    stays 1; a zero gradient also leaves it unchanged.
    """
    agree = grads * state.prev
    gain = np.where(agree > 0, state.gain + beta, np.where(agree < 0, state.gain * (1 - beta), state.gain))
    gain = np.clip(gain, gain_min, gain_max)
    return params - (lr * gain) * grads, LocalGainsState(gain, grads)


def LocalGains(lr=1e-2, beta=0.05, gain_range=(0.1, 10.0)) -> Optimizer:
    """Adaptive local gains (Jacobs 1988; Hinton, Coursera lecture 6c, 2012).

    Jacobs, R. A. (1988), "Increased rates of convergence through learning rate
    adaptation", Neural Networks 1(4). Additive increase and multiplicative
    decrease make big gains collapse quickly when oscillation starts; Hinton
    suggests bounding them, e.g. to [0.1, 10].
    """
    gain_min, gain_max = gain_range
    if np.any(np.asarray(gain_min) > np.asarray(gain_max)):
        raise ValueError(f"Invalid gain_range: {gain_range!r} (must be gain_range[0] <= gain_range[1])")
    hp = dict(beta=per_run(beta), gain_min=per_run(gain_min), gain_max=per_run(gain_max))

    def init(params):
        return LocalGainsState(np.ones_like(params, dtype=np.float64), np.zeros_like(params, dtype=np.float64))

    def update(grads, state, params, lr, **overrides):
        return local_gains_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("LocalGains", dict(lr=lr, beta=beta, gain_range=tuple(gain_range)), init, update)


SPEC = OptimizerSpec(
    name="LocalGains",
    summary="Per-coordinate gains: +β while the gradient sign holds, ×(1 − β) when it flips.",
    factory=LocalGains,
    hyperparams=(
        replace(LR, default=1e-2),
        Hyperparam("beta", 0.05, low=0.0, high=1.0, high_open=True, scale="linear", ui=(0.0, 0.5),
                   label="gain step β", doc="additive increase / multiplicative decrease of the gains"),
        Hyperparam("gain_range", (0.1, 10.0), kind="pair", label="gain range", doc="(min, max) of the gains",
                   items=(
                       Hyperparam("gain_min", 0.1, low=0.0, scale="log", ui=(1e-3, 1.0), label="min gain",
                                  doc="lower bound of every gain"),
                       Hyperparam("gain_max", 10.0, low=0.0, scale="log", ui=(1.0, 1000.0), label="max gain",
                                  doc="upper bound of every gain"),
                   )),
    ),
    family="sgd",
    torch_class=None,
    reference="Jacobs 1988, Neural Networks 1(4):295–307; Hinton 2012, Coursera lecture 6c",
)
