"""Adam with bias-corrected moments (torch.optim.Adam)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import scalar
from .base import EPS, LR, MAXIMIZE, WEIGHT_DECAY, Array, Hyperparam, Optimizer, OptimizerSpec, lerp, per_run, nonzero


class AdamState(NamedTuple):
    count: int      # t, the number of steps taken so far
    mu: Array       # first moment m, (K, 2)
    nu: Array       # second moment v, (K, 2)
    nu_max: Array   # running max of v (AMSGrad), (K, 2)


def adam_step(grads, state: AdamState, params, lr, *, beta1, beta2, eps, weight_decay, amsgrad,
              maximize, decoupled_weight_decay):
    """One Adam step in torch's operation order.

        t ← t + 1
        g ← ∇L(w) + λ w                 (or w ← w(1 − ηλ) when decoupled: AdamW)
        m ← β₁ m + (1 − β₁) g
        v ← β₂ v + (1 − β₂) g²
        w ← w − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)

    ε sits outside the root, after the bias correction of v, as in the paper.
    """
    g = -grads if maximize else grads
    t = state.count + 1
    if nonzero(weight_decay):
        if decoupled_weight_decay:
            params = params * (1.0 - lr * weight_decay)
        else:
            g = g + weight_decay * params
    mu = lerp(state.mu, g, 1.0 - beta1)
    nu = state.nu * beta2 + ((1.0 - beta2) * g) * g
    # t is a float in torch (step_t.item()), and bias corrections are Python floats.
    bias_correction1 = 1.0 - beta1 ** float(t)
    bias_correction2_sqrt = (1.0 - beta2 ** float(t)) ** 0.5
    step_size = lr / bias_correction1
    nu_max = state.nu_max
    if amsgrad:
        nu_max = np.maximum(nu_max, nu)
        denom = np.sqrt(nu_max) / bias_correction2_sqrt + eps
    else:
        denom = np.sqrt(nu) / bias_correction2_sqrt + eps
    return params + ((-step_size) * mu) / denom, AdamState(t, mu, nu, nu_max)


def _adam_factory(name: str, decoupled_default: bool):
    def factory(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
                maximize=False, decoupled_weight_decay=decoupled_default) -> Optimizer:
        beta1, beta2 = betas
        hp = dict(beta1=per_run(beta1), beta2=per_run(beta2), eps=per_run(eps),
                  weight_decay=per_run(weight_decay), amsgrad=bool(amsgrad),
                  maximize=bool(maximize), decoupled_weight_decay=bool(decoupled_weight_decay))

        def init(params):
            zeros = np.zeros_like(params, dtype=np.float64)
            return AdamState(0, zeros, zeros, zeros)

        def update(grads, state, params, lr, **overrides):
            return adam_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

        return Optimizer(name, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                    amsgrad=amsgrad, maximize=maximize,
                                    decoupled_weight_decay=decoupled_weight_decay), init, update,
                         fast=scalar.adam(hp), inplace=scalar.adam_inplace(hp))

    return factory


Adam = _adam_factory("Adam", decoupled_default=False)
Adam.__doc__ = """Adam (Kingma & Ba 2014); ``decoupled_weight_decay=True`` makes it AdamW.

Equals ``torch.optim.Adam``: bias-corrected moments, ε added after √v̂, L2
weight decay added to the gradient, AMSGrad keeps the running max of v.
"""

BETAS = Hyperparam(
    "betas", (0.9, 0.999), kind="pair", label="betas",
    items=(
        Hyperparam("beta1", 0.9, low=0.0, high=1.0, high_open=True, scale="one_minus_log",
                   ui=(0.0, 0.999), label="β₁", doc="first-moment decay (momentum)"),
        Hyperparam("beta2", 0.999, low=0.0, high=1.0, high_open=True, scale="one_minus_log",
                   ui=(0.9, 0.9999), label="β₂", doc="second-moment decay"),
    ),
    doc="moment decay rates (β₁, β₂)",
)

ADAM_HYPERPARAMS = (
    LR, BETAS, EPS, WEIGHT_DECAY,
    Hyperparam("amsgrad", False, kind="bool", label="AMSGrad", doc="use the running max of v"),
    MAXIMIZE,
    Hyperparam("decoupled_weight_decay", False, kind="bool", label="decoupled decay",
               doc="decay the weights directly (AdamW) instead of adding λw to g"),
)

SPEC = OptimizerSpec(
    name="Adam",
    summary="Adaptive moments: momentum on g and per-coordinate scaling by √E[g²].",
    factory=Adam,
    hyperparams=ADAM_HYPERPARAMS,
    family="adaptive",
    torch_class="Adam",
    reference="Kingma & Ba 2014, arXiv:1412.6980",
)
