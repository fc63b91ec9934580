"""AdamW: Adam with decoupled weight decay (torch.optim.AdamW)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .adam import ADAM_HYPERPARAMS, AdamState, adam_step
from . import scalar
from .base import Optimizer, OptimizerSpec, per_run


def AdamW(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False,
          maximize=False) -> Optimizer:
    """AdamW (Loshchilov & Hutter 2019): the weights decay directly, not through g.

        w ← w (1 − ηλ)
        m ← β₁ m + (1 − β₁) g
        v ← β₂ v + (1 − β₂) g²
        w ← w − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)

    Equals ``torch.optim.AdamW`` (which is ``Adam(decoupled_weight_decay=True)``
    with weight_decay 1e-2 by default). The decay uses the *scheduled* lr, as in torch.
    """
    beta1, beta2 = betas
    hp = dict(beta1=per_run(beta1), beta2=per_run(beta2), eps=per_run(eps),
              weight_decay=per_run(weight_decay), amsgrad=bool(amsgrad), maximize=bool(maximize),
              decoupled_weight_decay=True)

    def init(params):
        zeros = np.zeros_like(params, dtype=np.float64)
        return AdamState(0, zeros, zeros, zeros)

    def update(grads, state, params, lr, **overrides):
        return adam_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("AdamW", dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                   amsgrad=amsgrad, maximize=maximize), init, update,
                     fast=scalar.adam(hp), inplace=scalar.adam_inplace(hp))


_ADAM = {h.name: h for h in ADAM_HYPERPARAMS}

SPEC = OptimizerSpec(
    name="AdamW",
    summary="Adam with decoupled weight decay: the weights shrink by ηλ each step.",
    factory=AdamW,
    hyperparams=(
        _ADAM["lr"], _ADAM["betas"], _ADAM["eps"],
        replace(_ADAM["weight_decay"], default=1e-2, doc="decoupled decay λ: w ← w(1 − ηλ)"),
        _ADAM["amsgrad"], _ADAM["maximize"],
    ),
    family="adaptive",
    torch_class="AdamW",
    reference="Loshchilov & Hutter 2019, arXiv:1711.05101",
)
