"""Classical momentum with the learning rate inside the velocity (Qian 1999)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import LR, Array, Hyperparam, Optimizer, OptimizerSpec, per_run


class MomentumState(NamedTuple):
    velocity: Array   # Δw, the last step taken, (K, 2)


def momentum_step(grads, state: MomentumState, params, lr, *, momentum):
    """One classical momentum step (the lecture slides' notation).

        Δw ← α Δw + η ∇L(w)
        w ← w − Δw

    The lr enters the velocity when the gradient is added, so a step keeps the
    lr of the step that produced it: after a drop of η the old velocity still
    carries the old, larger η. torch (v ← μ v + g; w ← w − η v) rescales the
    whole velocity by the new η instead; the two agree while η is constant.
    """
    velocity = momentum * state.velocity + lr * grads
    return params - velocity, MomentumState(velocity)


def Momentum(lr=1e-3, momentum=0.9) -> Optimizer:
    """Heavy-ball momentum in the classical form (Rumelhart, Hinton & Williams 1986; Qian 1999).

    Qian, N. (1999), "On the momentum term in gradient descent learning
    algorithms", Neural Networks 12(1). torch has no such class: compare with
    ``SGD(momentum=...)`` under a schedule to see the two notations part.
    """
    hp = dict(momentum=per_run(momentum))

    def init(params):
        return MomentumState(np.zeros_like(params, dtype=np.float64))

    def update(grads, state, params, lr, **overrides):
        return momentum_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("Momentum", dict(lr=lr, momentum=momentum), init, update)


SPEC = OptimizerSpec(
    name="Momentum",
    summary="Classical momentum: Δw ← αΔw + η∇L, w ← w − Δw (the lr inside the velocity).",
    factory=Momentum,
    hyperparams=(
        LR,
        Hyperparam("momentum", 0.9, low=0.0, high=1.0, high_open=True, scale="linear", ui=(0.0, 0.999),
                   label="momentum α", doc="fraction of the last step kept ('friction'); typical 0.9"),
    ),
    family="sgd",
    torch_class=None,
    reference="Qian 1999, Neural Networks 12(1):145–151; Rumelhart, Hinton & Williams 1986",
)
