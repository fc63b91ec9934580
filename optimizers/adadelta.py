"""Adadelta: RMS of past steps over RMS of past gradients (torch.optim.Adadelta)."""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .base import EPS, LR, MAXIMIZE, WEIGHT_DECAY, Array, Hyperparam, Optimizer, OptimizerSpec, per_run, nonzero


class AdadeltaState(NamedTuple):
    square_avg: Array   # s, running mean of g², (K, 2)
    acc_delta: Array    # Δx, running mean of the squared steps, (K, 2)


def adadelta_step(grads, state: AdadeltaState, params, lr, *, rho, eps, weight_decay, maximize):
    """One Adadelta step in torch's operation order.

        g ← ∇L(w) + λ w
        s ← ρ s + (1 − ρ) g²
        g' ← √(Δx + ε) / √(s + ε) · g
        Δx ← ρ Δx + (1 − ρ) g'²
        w ← w − η g'

    The ratio of RMSs has the units of w, so no global lr is needed (η = 1);
    torch keeps η as a multiplier.
    """
    g = -grads if maximize else grads
    if nonzero(weight_decay):
        g = g + weight_decay * params
    square_avg = state.square_avg * rho + ((1.0 - rho) * g) * g
    std = np.sqrt(square_avg + eps)
    delta = (np.sqrt(state.acc_delta + eps) / std) * g
    acc_delta = state.acc_delta * rho + ((1.0 - rho) * delta) * delta
    return params + (-lr) * delta, AdadeltaState(square_avg, acc_delta)


def Adadelta(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, maximize=False) -> Optimizer:
    """Adadelta (Zeiler 2012, arXiv:1212.5701). Equals ``torch.optim.Adadelta``.

    The first steps are about η·√ε: Adadelta starts slowly and speeds up as Δx grows.
    """
    hp = dict(rho=per_run(rho), eps=per_run(eps), weight_decay=per_run(weight_decay),
              maximize=bool(maximize))

    def init(params):
        zeros = np.zeros_like(params, dtype=np.float64)
        return AdadeltaState(zeros, zeros)

    def update(grads, state, params, lr, **overrides):
        return adadelta_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("Adadelta", dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize), init, update)


SPEC = OptimizerSpec(
    name="Adadelta",
    summary="Step = RMS of past steps / RMS of past gradients × g; needs no learning rate.",
    factory=Adadelta,
    hyperparams=(
        replace(LR, default=1.0, ui=(1e-3, 100.0), doc="multiplier of the step (1 in the paper)"),
        Hyperparam("rho", 0.9, low=0.0, high=1.0, scale="one_minus_log", ui=(0.5, 0.999),
                   label="decay ρ", doc="smoothing of both running means"),
        replace(EPS, default=1e-6, ui=(1e-10, 1e-1), doc="inside both roots; sets the first step size ≈ √ε"),
        WEIGHT_DECAY,
        MAXIMIZE,
    ),
    family="adaptive",
    torch_class="Adadelta",
    reference="Zeiler 2012, arXiv:1212.5701",
)
