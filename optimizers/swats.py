"""SWATS: start with Adam, switch to SGD with momentum once its lr is learned (Keskar & Socher 2017)."""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .adam import BETAS
from .base import EPS, LR, Array, Hyperparam, Optimizer, OptimizerSpec, per_run


class SWATSState(NamedTuple):
    count: int         # k, steps taken so far
    mu: Array          # Adam's first moment m, (K, 2)
    nu: Array          # Adam's second moment a, (K, 2)
    lam: Array         # λ, running mean of the projected SGD lr γ, (K, 1)
    switched: Array    # True once a run is in its SGD phase, (K, 1)
    sgd_lr: Array      # Λ, the SGD lr learned at the switch, (K, 1)
    lr_at_switch: Array   # η at the switching step, (K, 1)
    velocity: Array    # SGD momentum buffer v, (K, 2)


def swats_step(grads, state: SWATSState, params, lr, *, beta1, beta2, eps, switch_tol):
    """One SWATS step (Algorithm 1 of the paper), every run in its own phase.

    Adam phase (k = 1, 2, ...):
        m ← β₁ m + (1 − β₁) g;   a ← β₂ a + (1 − β₂) g²
        p = −η √(1 − β₂ᵏ)/(1 − β₁ᵏ) · m/(√a + ε);   w ← w + p
        if pᵀg ≠ 0:
            γ = pᵀp / (−pᵀg)                    (the SGD lr whose step projects onto p)
            λ ← β₂ λ + (1 − β₂) γ;   Λ = λ/(1 − β₂ᵏ)
            switch to SGD if k > 1 and |Λ − γ| < ε_switch and Λ > 0
    SGD phase (from the next step on):
        v ← β₁ v + g;   w ← w − (1 − β₁) Λ (η_k/η_s) v

    Notes on conventions: ε sits outside √a, before the bias correction, as in
    the paper's Algorithm 1 (torch's Adam adds it after). The paper uses one ε
    for both the denominator and the switch test; here they are ``eps`` and
    ``switch_tol`` (both 1e-9 by default, as in the paper). The check Λ > 0 is
    an addition: a negative learned lr would make SGD ascend. The factor η_k/η_s
    (lr now over lr at the switch) lets a schedule keep acting after the switch,
    as the paper decays both phases; it is 1 for a constant lr.
    """
    k = float(state.count + 1)
    switched = state.switched
    adam = ~switched
    # Adam phase, computed for every run and kept where the run has not switched.
    mu = beta1 * state.mu + (1 - beta1) * grads
    nu = beta2 * state.nu + (1 - beta2) * grads * grads
    bias1 = 1 - beta1 ** k
    bias2 = 1 - beta2 ** k
    p = (-lr * np.sqrt(bias2) / bias1) * mu / (np.sqrt(nu) + eps)
    pg = np.sum(p * grads, axis=-1, keepdims=True)
    pp = np.sum(p * p, axis=-1, keepdims=True)
    projected = adam & (pg != 0)
    gamma = pp / np.where(projected, -pg, 1.0)
    lam = np.where(projected, beta2 * state.lam + (1 - beta2) * gamma, state.lam)
    learned = lam / bias2
    switch = projected & (k > 1) & (np.abs(learned - gamma) < switch_tol) & (learned > 0)
    # SGD phase for the runs that switched at an earlier step.
    velocity = np.where(switched, beta1 * state.velocity + grads, state.velocity)
    sgd_step = -(1 - beta1) * (state.sgd_lr * (lr / state.lr_at_switch)) * velocity
    new_params = params + np.where(switched, sgd_step, p)
    return new_params, SWATSState(
        state.count + 1,
        np.where(adam, mu, state.mu),
        np.where(adam, nu, state.nu),
        lam,
        switched | switch,
        np.where(switch, learned, state.sgd_lr),
        np.where(switch, lr, state.lr_at_switch),
        velocity,
    )


def SWATS(lr=1e-3, betas=(0.9, 0.999), eps=1e-9, switch_tol=1e-9) -> Optimizer:
    """SWATS (Keskar & Socher 2017, "Improving Generalization Performance by
    Switching from Adam to SGD", arXiv:1712.07628).

    Each run starts with Adam and estimates, at every step, the SGD learning
    rate γ whose step has the same projection as Adam's step p; once the
    bias-corrected running mean Λ of γ stops changing (|Λ − γ| < switch_tol),
    the run continues as SGD with momentum β₁ and learning rate Λ. Runs switch
    independently; ``state.switched`` and ``state.sgd_lr`` show when and to what.
    """
    beta1, beta2 = betas
    hp = dict(beta1=per_run(beta1), beta2=per_run(beta2), eps=per_run(eps), switch_tol=per_run(switch_tol))

    def init(params):
        zeros = np.zeros_like(params, dtype=np.float64)
        column = np.zeros((params.shape[0], 1))
        return SWATSState(0, zeros, zeros, column, np.zeros((params.shape[0], 1), dtype=bool), column,
                          np.ones((params.shape[0], 1)), zeros)

    def update(grads, state, params, lr, **overrides):
        return swats_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("SWATS", dict(lr=lr, betas=tuple(betas), eps=eps, switch_tol=switch_tol), init, update)


SPEC = OptimizerSpec(
    name="SWATS",
    summary="Adam first, then SGD with momentum at the lr Adam's steps imply, once that lr settles.",
    factory=SWATS,
    hyperparams=(
        LR, BETAS,
        replace(EPS, default=1e-9, doc="denominator guard of the Adam phase (outside √a)"),
        Hyperparam("switch_tol", 1e-9, low=0.0, low_open=True, scale="log", ui=(1e-12, 1e-2),
                   label="switch tolerance", doc="switch once |Λ − γ| is below this"),
    ),
    family="adaptive",
    torch_class=None,
    reference="Keskar & Socher 2017, arXiv:1712.07628",
)
