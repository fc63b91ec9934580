"""Stochastic gradient descent with heavy-ball or Nesterov momentum (torch.optim.SGD)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import scalar
from .base import LR, MAXIMIZE, WEIGHT_DECAY, Array, Hyperparam, Optimizer, OptimizerSpec, per_run, nonzero


class SGDState(NamedTuple):
    count: int        # steps taken; torch seeds the buffer with the first gradient
    velocity: Array   # momentum buffer v, (K, 2)


def sgd_step(grads, state: SGDState, params, lr, *, momentum, dampening, weight_decay,
             nesterov, maximize):
    """One SGD step in torch's form (the lr multiplies the velocity, outside it).

        g ← ∇L(w) + λ w
        v ← μ v + (1 − τ) g        (v₁ = g: torch seeds the buffer undamped)
        g ← g + μ v  if nesterov  else  v
        w ← w − η g
    """
    g = -grads if maximize else grads
    if nonzero(weight_decay):
        g = g + weight_decay * params
    velocity = state.velocity
    if nonzero(momentum):
        if state.count == 0:
            velocity = g.copy()
        else:
            velocity = velocity * momentum + (1.0 - dampening) * g
        if nesterov:
            step = g + momentum * velocity
        else:
            step = velocity
        if np.ndim(momentum):
            # torch skips the buffer entirely for runs whose momentum is 0.
            step = np.where(momentum == 0, g, step)
    else:
        step = g
    return params + (-lr) * step, SGDState(state.count + 1, velocity)


def SGD(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
        maximize=False) -> Optimizer:
    """Plain SGD, heavy-ball momentum (Polyak 1964) or Nesterov (Sutskever et al. 2013).

    Equals ``torch.optim.SGD`` including its conventions: the momentum buffer is
    seeded with the first gradient (undamped), the lr multiplies the velocity
    (so it differs from the classical Δw ← αΔw + η∇L once the lr changes), and
    ``nesterov=True`` uses the reformulation g + μ v.
    """
    if nesterov and (np.any(np.asarray(momentum) <= 0) or np.any(np.asarray(dampening) != 0)):
        raise ValueError("Invalid nesterov: Nesterov momentum requires a momentum and zero dampening")
    hp = dict(momentum=per_run(momentum), dampening=per_run(dampening),
              weight_decay=per_run(weight_decay), nesterov=bool(nesterov), maximize=bool(maximize))

    def init(params):
        return SGDState(0, np.zeros_like(params, dtype=np.float64))

    def update(grads, state, params, lr, **overrides):
        return sgd_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("SGD", dict(lr=lr, momentum=momentum, dampening=dampening,
                                 weight_decay=weight_decay, nesterov=nesterov, maximize=maximize),
                     init, update, fast=scalar.sgd(hp),
                     inplace=scalar.sgd_inplace(hp))


SPEC = OptimizerSpec(
    name="SGD",
    summary="Gradient descent, optionally with heavy-ball or Nesterov momentum (torch form).",
    factory=SGD,
    hyperparams=(
        LR,
        Hyperparam("momentum", 0.0, low=0.0, scale="linear", ui=(0.0, 0.999), label="momentum μ",
                   doc="velocity decay ('friction'); typical 0.9"),
        Hyperparam("dampening", 0.0, low=0.0, high=1.0, ui=(0.0, 1.0), label="dampening τ",
                   doc="scales the gradient entering the velocity by 1 − τ"),
        WEIGHT_DECAY,
        Hyperparam("nesterov", False, kind="bool", label="Nesterov",
                   doc="look-ahead gradient (needs momentum > 0, dampening 0)"),
        MAXIMIZE,
    ),
    family="sgd",
    torch_class="SGD",
    reference="Robbins & Monro 1951; Polyak 1964; Sutskever et al. 2013",
)
