"""Rprop: per-coordinate step sizes driven by gradient signs only (torch.optim.Rprop)."""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .base import LR, MAXIMIZE, Array, Hyperparam, Optimizer, OptimizerSpec, per_run


class RpropState(NamedTuple):
    count: int         # steps taken so far
    prev: Array        # previous gradient (zeroed after a sign flip), (K, 2)
    step_size: Array   # Δ, per-coordinate step sizes, (K, 2)


def rprop_step(grads, state: RpropState, params, lr, *, etaminus, etaplus, step_size_min,
               step_size_max, maximize):
    """One Rprop step in torch's operation order (the iRprop⁻ variant).

        s = sign(g · g_prev)
        Δ ← clip(Δ·η₊ if s > 0,  Δ·η₋ if s < 0,  Δ if s = 0;  Δ_min, Δ_max)
        g ← 0 where s < 0     (no step after a sign flip, and no flip test next step)
        w ← w − sign(g) · Δ

    The lr only sets the initial Δ (as in torch, a schedule has no later effect).
    """
    g = -grads if maximize else grads
    step_size = state.step_size
    if state.count == 0:
        step_size = np.zeros_like(params, dtype=np.float64) + lr
    sign = np.sign(g * state.prev)
    factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, np.where(sign == 0, 1.0, sign)))
    step_size = np.clip(step_size * factor, step_size_min, step_size_max)
    g = np.where(factor == etaminus, 0.0, g)
    return params - np.sign(g) * step_size, RpropState(state.count + 1, g, step_size)


def Rprop(lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0), maximize=False) -> Optimizer:
    """Rprop (Riedmiller & Braun 1993): resilient backpropagation, the ancestor of RMSprop.

    Equals ``torch.optim.Rprop``: only the signs of the gradient matter; each
    coordinate's step grows by η₊ while its sign is stable and shrinks by η₋ on a flip.
    """
    etaminus, etaplus = etas
    if np.any(np.asarray(etaminus) >= 1.0) or np.any(np.asarray(etaplus) <= 1.0):
        raise ValueError(f"Invalid etas: {etas!r} (must be 0 < etas[0] < 1 < etas[1])")
    step_size_min, step_size_max = step_sizes
    if np.any(np.asarray(step_size_min) > np.asarray(step_size_max)):
        raise ValueError(f"Invalid step_sizes: {step_sizes!r} (must be step_sizes[0] <= step_sizes[1])")
    hp = dict(etaminus=per_run(etaminus), etaplus=per_run(etaplus), step_size_min=per_run(step_size_min),
              step_size_max=per_run(step_size_max), maximize=bool(maximize))

    def init(params):
        zeros = np.zeros_like(params, dtype=np.float64)
        return RpropState(0, zeros, zeros)

    def update(grads, state, params, lr, **overrides):
        return rprop_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("Rprop", dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes),
                                   maximize=maximize), init, update)


SPEC = OptimizerSpec(
    name="Rprop",
    summary="Sign-based: each coordinate's step grows while its gradient sign holds, shrinks on a flip.",
    factory=Rprop,
    hyperparams=(
        replace(LR, default=1e-2, doc="initial step size Δ₀ of every coordinate"),
        Hyperparam("etas", (0.5, 1.2), kind="pair", label="etas", doc="(η₋, η₊) shrink and growth factors",
                   items=(
                       Hyperparam("etaminus", 0.5, low=0.0, high=1.0, low_open=True, high_open=True,
                                  scale="linear", ui=(0.05, 0.95), label="η₋", doc="shrink factor on a sign flip"),
                       Hyperparam("etaplus", 1.2, low=1.0, low_open=True, scale="linear", ui=(1.01, 3.0),
                                  label="η₊", doc="growth factor while the sign holds"),
                   )),
        Hyperparam("step_sizes", (1e-6, 50.0), kind="pair", label="step sizes",
                   doc="(Δ_min, Δ_max) bounds of the step sizes",
                   items=(
                       Hyperparam("step_size_min", 1e-6, low=0.0, scale="log", ui=(1e-8, 1e-2),
                                  label="Δ_min", doc="smallest step size"),
                       Hyperparam("step_size_max", 50.0, low=0.0, scale="log", ui=(1e-2, 100.0),
                                  label="Δ_max", doc="largest step size"),
                   )),
        MAXIMIZE,
    ),
    family="adaptive",
    torch_class="Rprop",
    reference="Riedmiller & Braun 1993, IEEE ICNN",
)
