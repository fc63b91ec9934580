"""Adafactor on a 2-vector (torch.optim.Adafactor, its unfactored 1-D path)."""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .base import LR, MAXIMIZE, WEIGHT_DECAY, Array, Hyperparam, Optimizer, OptimizerSpec, lerp, per_run, nonzero

_SQRT_NUMEL = 2 ** 0.5   # √(number of coordinates), torch's RMS divisor for a 2-vector
_FLOAT64_EPS = float(np.finfo(np.float64).eps)   # torch's eps1 when it is None


def _norm(x: Array) -> Array:
    """‖x‖₂ per run, shaped (K, 1)."""
    return np.sqrt(x[:, :1] * x[:, :1] + x[:, 1:] * x[:, 1:])


class AdafactorState(NamedTuple):
    count: int        # t, steps taken so far
    variance: Array   # V̂, running mean of g², (K, 2) (a vector is not factored)


def adafactor_step(grads, state: AdafactorState, params, lr, *, beta2_decay, eps1, eps2, d,
                   weight_decay, maximize):
    """One Adafactor step on a vector parameter, in torch's operation order.

        β̂₂ = 1 − t^τ                           (τ = beta2_decay < 0: β̂₂ → 1 as t grows)
        ρ_t = min(η, 1/√t);   α_t = max(ε₂, RMS(w)) · ρ_t      (relative step size)
        w ← w (1 − ηλ)
        V̂ ← β̂₂ V̂ + (1 − β̂₂) g²
        U = g / max(√V̂, ε₁)
        w ← w − α_t · U / max(1, RMS(U)/d)       (update clipping)

    A 2-vector is 1-D, so torch keeps the full V̂ instead of row/column factors;
    what remains is Adam-without-momentum with a relative, clipped step.
    Its nearly sign-like steps of size α_t bounce across narrow valleys, where
    round-off differences grow (see the note on parity in tests/optimizers/cases.py).
    """
    g = -grads if maximize else grads
    t = float(state.count + 1)
    one_minus_beta2_t = t ** beta2_decay
    rho_t = np.minimum(lr, 1 / (t ** 0.5))
    alpha = np.maximum(eps2, _norm(params) / _SQRT_NUMEL) * rho_t
    if nonzero(weight_decay):
        params = params * (1 - lr * weight_decay)
    variance = lerp(state.variance, g * g, one_minus_beta2_t)
    update = (1.0 / np.sqrt(np.maximum(variance, eps1 * eps1))) * g
    denom = np.maximum(1.0, _norm(update) / (_SQRT_NUMEL * d))
    return params + (-alpha / denom) * update, AdafactorState(state.count + 1, variance)


def Adafactor(lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0,
              maximize=False) -> Optimizer:
    """Adafactor (Shazeer & Stern 2018) as torch implements it.

    Equals ``torch.optim.Adafactor`` on a 2-vector. As in torch (not the paper),
    the lr caps the relative step ρ_t and scales the decoupled weight decay;
    ``eps[0] = None`` means the machine epsilon of float64.
    """
    eps1, eps2 = eps
    if eps1 is None:
        eps1 = _FLOAT64_EPS
    hp = dict(beta2_decay=per_run(beta2_decay), eps1=per_run(eps1), eps2=per_run(eps2), d=per_run(d),
              weight_decay=per_run(weight_decay), maximize=bool(maximize))

    def init(params):
        return AdafactorState(0, np.zeros_like(params, dtype=np.float64))

    def update(grads, state, params, lr, **overrides):
        return adafactor_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("Adafactor", dict(lr=lr, beta2_decay=beta2_decay, eps=tuple(eps), d=d,
                                       weight_decay=weight_decay, maximize=maximize), init, update)


SPEC = OptimizerSpec(
    name="Adafactor",
    summary="Relative step sizes (∝ RMS of w), a β₂ that grows with t, and update clipping.",
    factory=Adafactor,
    hyperparams=(
        replace(LR, default=1e-2, doc="cap of the relative step ρ_t = min(η, 1/√t)"),
        Hyperparam("beta2_decay", -0.8, high=0.0, scale="linear", ui=(-1.0, 0.0), label="β₂ decay τ",
                   doc="β̂₂ = 1 − t^τ"),
        Hyperparam("eps", (None, 1e-3), kind="pair", label="eps", doc="(ε₁, ε₂)",
                   items=(
                       Hyperparam("eps1", None, low=0.0, scale="log", ui=(1e-16, 1e-2), label="ε₁",
                                  doc="floor of √V̂ (None: machine epsilon)", optional=True),
                       Hyperparam("eps2", 1e-3, low=0.0, scale="log", ui=(1e-6, 1.0), label="ε₂",
                                  doc="floor of RMS(w) in the relative step"),
                   )),
        Hyperparam("d", 1.0, low=1.0, scale="linear", ui=(1.0, 10.0), label="clip d",
                   doc="clipping threshold of RMS(update)"),
        replace(WEIGHT_DECAY, doc="decoupled decay: w ← w(1 − ηλ)"),
        MAXIMIZE,
    ),
    family="adaptive",
    torch_class="Adafactor",
    reference="Shazeer & Stern 2018, ICML, arXiv:1804.04235",
)
