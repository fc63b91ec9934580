"""Adagrad: divide by the root of all past squared gradients (torch.optim.Adagrad)."""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from . import scalar
from .base import EPS, LR, MAXIMIZE, WEIGHT_DECAY, Array, Hyperparam, Optimizer, OptimizerSpec, per_run, nonzero


class AdagradState(NamedTuple):
    count: int         # t, steps taken so far
    state_sum: Array   # s, the sum of g², (K, 2)


def adagrad_step(grads, state: AdagradState, params, lr, *, lr_decay, eps, weight_decay, maximize):
    """One Adagrad step in torch's operation order.

        g ← ∇L(w) + λ w
        η_t ← η / (1 + (t − 1)·lr_decay)
        s ← s + g²
        w ← w − η_t g / (√s + ε)

    torch puts ε outside the root (ε = 1e-10); some notes write √(s + ε).
    """
    t = state.count + 1
    g = -grads if maximize else grads
    if nonzero(weight_decay):
        g = g + weight_decay * params
    clr = lr / (1 + (float(t) - 1) * lr_decay)
    state_sum = state.state_sum + g * g
    std = np.sqrt(state_sum) + eps
    return params + ((-clr) * g) / std, AdagradState(t, state_sum)


def Adagrad(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10,
            maximize=False) -> Optimizer:
    """Adagrad (Duchi, Hazan & Singer 2011): a diagonal preconditioner from the sum of g².

    Equals ``torch.optim.Adagrad``. Good for sparse features; its step shrinks
    like 1/√t, too fast for long non-convex runs (the motivation for RMSprop).
    """
    hp = dict(lr_decay=per_run(lr_decay), eps=per_run(eps), weight_decay=per_run(weight_decay),
              maximize=bool(maximize))
    initial = per_run(initial_accumulator_value)

    def init(params):
        return AdagradState(0, np.zeros_like(params, dtype=np.float64) + initial)

    def update(grads, state, params, lr, **overrides):
        return adagrad_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("Adagrad", dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                     initial_accumulator_value=initial_accumulator_value, eps=eps,
                                     maximize=maximize), init, update,
                     fast=scalar.adagrad(hp, initial))


SPEC = OptimizerSpec(
    name="Adagrad",
    summary="Per-coordinate steps shrinking with the root of all past squared gradients.",
    factory=Adagrad,
    hyperparams=(
        replace(LR, default=1e-2),
        Hyperparam("lr_decay", 0.0, low=0.0, scale="linear", ui=(0.0, 0.1), label="lr decay",
                   doc="η_t = η / (1 + (t − 1)·lr_decay)"),
        WEIGHT_DECAY,
        Hyperparam("initial_accumulator_value", 0.0, low=0.0, scale="linear", ui=(0.0, 10.0),
                   label="initial s", doc="starting value of the sum of g² (damps the first steps)"),
        replace(EPS, default=1e-10),
        MAXIMIZE,
    ),
    family="adaptive",
    torch_class="Adagrad",
    reference="Duchi, Hazan & Singer 2011, JMLR 12",
)
