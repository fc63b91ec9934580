"""Adamax: Adam with the infinity norm (torch.optim.Adamax)."""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .adam import BETAS
from . import scalar
from .base import EPS, LR, MAXIMIZE, WEIGHT_DECAY, Array, Optimizer, OptimizerSpec, lerp, per_run, nonzero


class AdamaxState(NamedTuple):
    count: int     # t, steps taken so far
    mu: Array      # first moment m, (K, 2)
    u: Array       # exponentially weighted infinity norm, (K, 2)


def adamax_step(grads, state: AdamaxState, params, lr, *, beta1, beta2, eps, weight_decay, maximize):
    """One Adamax step in torch's operation order.

        g ← ∇L(w) + λ w
        m ← β₁ m + (1 − β₁) g
        u ← max(β₂ u, |g| + ε)
        w ← w − η/(1 − β₁ᵗ) · m / u

    u needs no bias correction (Kingma & Ba 2014, section 7.1).
    """
    g = -grads if maximize else grads
    t = float(state.count + 1)
    if nonzero(weight_decay):
        g = g + weight_decay * params
    m = lerp(state.mu, g, 1 - beta1)
    u = np.maximum(state.u * beta2, np.abs(g) + eps)
    clr = lr / (1 - beta1 ** t)
    return params + ((-clr) * m) / u, AdamaxState(state.count + 1, m, u)


def Adamax(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, maximize=False) -> Optimizer:
    """Adamax (Kingma & Ba 2014, section 7.1). Equals ``torch.optim.Adamax``."""
    beta1, beta2 = betas
    hp = dict(beta1=per_run(beta1), beta2=per_run(beta2), eps=per_run(eps),
              weight_decay=per_run(weight_decay), maximize=bool(maximize))

    def init(params):
        zeros = np.zeros_like(params, dtype=np.float64)
        return AdamaxState(0, zeros, zeros)

    def update(grads, state, params, lr, **overrides):
        return adamax_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("Adamax", dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                    maximize=maximize), init, update, fast=scalar.adamax(hp))


SPEC = OptimizerSpec(
    name="Adamax",
    summary="Adam with the running max of |g| in place of the RMS.",
    factory=Adamax,
    hyperparams=(replace(LR, default=2e-3), BETAS, EPS, WEIGHT_DECAY, MAXIMIZE),
    family="adaptive",
    torch_class="Adamax",
    reference="Kingma & Ba 2014, arXiv:1412.6980, section 7.1",
)
