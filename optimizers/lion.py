"""Lion: sign of an interpolated momentum (Chen et al. 2023)."""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .base import LR, WEIGHT_DECAY, Array, Hyperparam, Optimizer, OptimizerSpec, per_run, nonzero


class LionState(NamedTuple):
    mu: Array   # momentum m, (K, 2)


def lion_step(grads, state: LionState, params, lr, *, beta1, beta2, weight_decay):
    """One Lion step (Algorithm 2 of the paper).

        c = β₁ m + (1 − β₁) g
        w ← w − η (sign(c) + λ w)
        m ← β₂ m + (1 − β₂) g

    Every coordinate moves by exactly η (plus decay): the update has the same
    size everywhere, so Lion needs a 3–10× smaller lr than AdamW.
    """
    c = beta1 * state.mu + (1 - beta1) * grads
    update = np.sign(c)
    if nonzero(weight_decay):
        update = update + weight_decay * params
    mu = beta2 * state.mu + (1 - beta2) * grads
    return params - lr * update, LionState(mu)


def Lion(lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0) -> Optimizer:
    """Lion, "EvoLved Sign Momentum" (Chen et al. 2023, "Symbolic Discovery of
    Optimization Algorithms", NeurIPS, arXiv:2302.06675).

    The momentum that steers the step (β₁) is shorter than the one it stores (β₂).
    Weight decay is decoupled, as in AdamW.
    """
    beta1, beta2 = betas
    hp = dict(beta1=per_run(beta1), beta2=per_run(beta2), weight_decay=per_run(weight_decay))

    def init(params):
        return LionState(np.zeros_like(params, dtype=np.float64))

    def update(grads, state, params, lr, **overrides):
        return lion_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("Lion", dict(lr=lr, betas=tuple(betas), weight_decay=weight_decay), init, update)


SPEC = OptimizerSpec(
    name="Lion",
    summary="Steps of equal size in every coordinate: the sign of an interpolated momentum.",
    factory=Lion,
    hyperparams=(
        replace(LR, default=1e-4),
        Hyperparam("betas", (0.9, 0.99), kind="pair", label="betas",
                   doc="(β₁, β₂): interpolation, momentum decay",
                   items=(
                       Hyperparam("beta1", 0.9, low=0.0, high=1.0, high_open=True, scale="one_minus_log",
                                  ui=(0.0, 0.999), label="β₁", doc="weight of the momentum in the step's sign"),
                       Hyperparam("beta2", 0.99, low=0.0, high=1.0, high_open=True, scale="one_minus_log",
                                  ui=(0.5, 0.9999), label="β₂", doc="decay of the stored momentum"),
                   )),
        replace(WEIGHT_DECAY, ui=(0.0, 1.0), doc="decoupled decay λ: w ← w − ηλw"),
    ),
    family="adaptive",
    torch_class=None,
    reference="Chen et al. 2023, NeurIPS, arXiv:2302.06675",
)
