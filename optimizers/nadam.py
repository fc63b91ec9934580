"""NAdam: Adam with Nesterov momentum (torch.optim.NAdam)."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np

from .adam import BETAS
from . import scalar
from .base import EPS, LR, MAXIMIZE, WEIGHT_DECAY, Array, Hyperparam, Optimizer, OptimizerSpec, lerp, per_run, nonzero


class NAdamState(NamedTuple):
    count: int        # t, steps taken so far
    mu_product: Any   # ∏ μ_i over the steps so far (float, or (K, 1) for per-run betas)
    mu: Array         # first moment m, (K, 2)
    nu: Array         # second moment v, (K, 2)


def nadam_step(grads, state: NAdamState, params, lr, *, beta1, beta2, eps, weight_decay,
               momentum_decay, decoupled_weight_decay, maximize):
    """One NAdam step in torch's operation order.

        μ_t = β₁ (1 − ½·0.96^(t·ψ))                   (ψ = momentum_decay; Dozat's warming schedule)
        m ← β₁ m + (1 − β₁) g;   v ← β₂ v + (1 − β₂) g²
        d = √(v / (1 − β₂ᵗ)) + ε
        w ← w − η (1 − μ_t)/(1 − ∏ᵢ₌₁ᵗ μ_i) · g/d
              − η μ_{t+1}/(1 − ∏ᵢ₌₁ᵗ⁺¹ μ_i) · m/d

    The second term is the Nesterov look-ahead: it uses next step's momentum μ_{t+1}.
    """
    g = -grads if maximize else grads
    t = float(state.count + 1)
    bias_correction2 = 1 - beta2 ** t
    if nonzero(weight_decay):
        if decoupled_weight_decay:
            params = params * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * params
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * momentum_decay)))
    mu_product = state.mu_product * mu
    m = lerp(state.mu, g, 1 - beta1)
    v = state.nu * beta2 + ((1 - beta2) * g) * g
    denom = np.sqrt(v / bias_correction2) + eps
    mu_product_next = mu_product * mu_next
    params = params + ((-lr * (1.0 - mu) / (1.0 - mu_product)) * g) / denom
    params = params + ((((-lr) * mu_next) / (1.0 - mu_product_next)) * m) / denom
    return params, NAdamState(state.count + 1, mu_product, m, v)


def NAdam(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
          decoupled_weight_decay=False, maximize=False) -> Optimizer:
    """NAdam (Dozat 2016, "Incorporating Nesterov Momentum into Adam").

    Equals ``torch.optim.NAdam`` including its momentum schedule μ_t and the
    product of μ's used as first-moment bias correction.
    ``decoupled_weight_decay=True`` is NAdamW.
    """
    beta1, beta2 = betas
    hp = dict(beta1=per_run(beta1), beta2=per_run(beta2), eps=per_run(eps),
              weight_decay=per_run(weight_decay), momentum_decay=per_run(momentum_decay),
              decoupled_weight_decay=bool(decoupled_weight_decay), maximize=bool(maximize))

    def init(params):
        zeros = np.zeros_like(params, dtype=np.float64)
        return NAdamState(0, 1.0, zeros, zeros)

    def update(grads, state, params, lr, **overrides):
        return nadam_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("NAdam", dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                   momentum_decay=momentum_decay,
                                   decoupled_weight_decay=decoupled_weight_decay, maximize=maximize),
                     init, update, fast=scalar.nadam(hp))


SPEC = OptimizerSpec(
    name="NAdam",
    summary="Adam with a Nesterov look-ahead on the first moment.",
    factory=NAdam,
    hyperparams=(
        replace(LR, default=2e-3),
        BETAS, EPS, WEIGHT_DECAY,
        Hyperparam("momentum_decay", 4e-3, low=0.0, scale="log", ui=(1e-4, 1e-1), label="momentum decay ψ",
                   doc="warms the momentum up: μ_t = β₁(1 − ½·0.96^(tψ))"),
        Hyperparam("decoupled_weight_decay", False, kind="bool", label="decoupled decay",
                   doc="decay the weights directly (NAdamW) instead of adding λw to g"),
        MAXIMIZE,
    ),
    family="adaptive",
    torch_class="NAdam",
    reference="Dozat 2016, ICLR workshop \"Incorporating Nesterov Momentum into Adam\"",
)
