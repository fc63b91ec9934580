"""RAdam: Adam with a rectified variance (torch.optim.RAdam)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .adam import BETAS
from . import scalar
from .base import EPS, LR, MAXIMIZE, WEIGHT_DECAY, Array, Hyperparam, Optimizer, OptimizerSpec, lerp, per_run, nonzero


class RAdamState(NamedTuple):
    count: int   # t, steps taken so far
    mu: Array    # first moment m, (K, 2)
    nu: Array    # second moment v, (K, 2)


def radam_step(grads, state: RAdamState, params, lr, *, beta1, beta2, eps, weight_decay,
               decoupled_weight_decay, maximize):
    """One RAdam step in torch's operation order.

        m ← β₁ m + (1 − β₁) g;   v ← β₂ v + (1 − β₂) g²;   m̂ = m / (1 − β₁ᵗ)
        ρ_∞ = 2/(1 − β₂) − 1;     ρ_t = ρ_∞ − 2t β₂ᵗ / (1 − β₂ᵗ)
        if ρ_t > 5:  r_t = √((ρ_t − 4)(ρ_t − 2)ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2)ρ_t))
                     w ← w − η m̂ · √(1 − β₂ᵗ)/(√v + ε) · r_t
        else:        w ← w − η m̂                    (SGD with momentum while v is unreliable)
    """
    g = -grads if maximize else grads
    t = float(state.count + 1)
    if nonzero(weight_decay):
        if decoupled_weight_decay:
            params = params * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * params
    m = lerp(state.mu, g, 1 - beta1)
    v = state.nu * beta2 + ((1 - beta2) * g) * g
    bias_correction1 = 1 - beta1 ** t
    bias_correction2 = 1 - beta2 ** t
    corrected = m / bias_correction1
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * (beta2 ** t) / bias_correction2
    rectified = np.any(rho_t > 5.0)
    if rectified:
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        if np.ndim(rect):
            rect = np.sqrt(np.where(rho_t > 5.0, rect, 1.0))
        else:
            rect = rect ** 0.5
        adaptive_lr = (bias_correction2 ** 0.5) / (np.sqrt(v) + eps)
        step = corrected * lr * adaptive_lr * rect
        if np.ndim(rho_t):
            step = np.where(rho_t > 5.0, step, corrected * lr)
    else:
        step = corrected * lr
    return params - step, RAdamState(state.count + 1, m, v)


def RAdam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False,
          maximize=False) -> Optimizer:
    """RAdam (Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond").

    Equals ``torch.optim.RAdam``: the first steps (ρ_t ≤ 5, t ≤ 5 for β₂ = 0.999)
    are plain momentum steps without the adaptive scaling.
    ``decoupled_weight_decay=True`` is RAdamW.
    """
    beta1, beta2 = betas
    hp = dict(beta1=per_run(beta1), beta2=per_run(beta2), eps=per_run(eps),
              weight_decay=per_run(weight_decay), decoupled_weight_decay=bool(decoupled_weight_decay),
              maximize=bool(maximize))

    def init(params):
        zeros = np.zeros_like(params, dtype=np.float64)
        return RAdamState(0, zeros, zeros)

    def update(grads, state, params, lr, **overrides):
        return radam_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("RAdam", dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                   decoupled_weight_decay=decoupled_weight_decay, maximize=maximize),
                     init, update, fast=scalar.radam(hp))


SPEC = OptimizerSpec(
    name="RAdam",
    summary="Adam whose adaptive step is switched on gradually, once the variance of v is small.",
    factory=RAdam,
    hyperparams=(
        LR, BETAS, EPS, WEIGHT_DECAY,
        Hyperparam("decoupled_weight_decay", False, kind="bool", label="decoupled decay",
                   doc="decay the weights directly (RAdamW) instead of adding λw to g"),
        MAXIMIZE,
    ),
    family="adaptive",
    torch_class="RAdam",
    reference="Liu et al. 2020, ICLR, arXiv:1908.03265",
)
