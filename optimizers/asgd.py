"""ASGD: SGD with a decaying step and Polyak–Ruppert averaging (torch.optim.ASGD)."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np

from .base import LR, MAXIMIZE, WEIGHT_DECAY, Array, Hyperparam, Optimizer, OptimizerSpec, per_run, nonzero


class ASGDState(NamedTuple):
    count: int   # t, steps taken so far
    eta: Any     # η_t, the step size of the next step (float or (K, 1))
    mu: Any      # μ_t, the averaging weight of the next step (float or (K, 1))
    ax: Array    # the averaged iterate w̄, (K, 2); torch's answer, not the path shown


def asgd_step(grads, state: ASGDState, params, lr, *, lambd, alpha, t0, weight_decay, maximize):
    """One ASGD step in torch's operation order.

        g ← ∇L(w) + λ_wd w
        w ← w (1 − λ η_t) − η_t g
        w̄ ← w̄ + μ_t (w − w̄)              (w̄ = w while μ_t = 1, i.e. before t0)
        η_{t+1} = η / (1 + λ η t)^α;   μ_{t+1} = 1 / max(1, t − t0)

    η_1 is the lr of the first step; later steps use the lr of the previous
    step (torch computes η_{t+1} at the end of step t).
    """
    t = float(state.count + 1)
    g = -grads if maximize else grads
    if nonzero(weight_decay):
        g = g + weight_decay * params
    eta = lr if state.count == 0 else state.eta
    params = params * (1 - lambd * eta)
    params = params + (-eta) * g
    mu = state.mu
    if np.ndim(mu):
        ax = np.where(mu != 1, state.ax + (params - state.ax) * mu, params)
    elif mu != 1:
        ax = state.ax + (params - state.ax) * mu
    else:
        ax = params
    eta_next = lr / ((1 + lambd * lr * t) ** alpha)
    mu_next = 1 / np.maximum(1.0, t - t0) if np.ndim(t0) else 1 / max(1, t - t0)
    return params, ASGDState(state.count + 1, eta_next, mu_next, ax)


def ASGD(lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0.0, maximize=False) -> Optimizer:
    """Averaged SGD (Polyak & Juditsky 1992; decay schedule from Bottou 2012, "SGD tricks").

    Equals ``torch.optim.ASGD``. The path shown is the SGD iterate w; the
    average w̄ (``state.ax``) starts after ``t0`` steps and only changes what
    torch would report as the solution, never the path.
    """
    hp = dict(lambd=per_run(lambd), alpha=per_run(alpha), t0=per_run(t0),
              weight_decay=per_run(weight_decay), maximize=bool(maximize))

    def init(params):
        return ASGDState(0, 0.0, 1.0, np.zeros_like(params, dtype=np.float64))

    def update(grads, state, params, lr, **overrides):
        return asgd_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("ASGD", dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                  maximize=maximize), init, update)


SPEC = OptimizerSpec(
    name="ASGD",
    summary="SGD with a slowly decaying step; averages the iterates after t0 steps.",
    factory=ASGD,
    hyperparams=(
        replace(LR, default=1e-2),
        Hyperparam("lambd", 1e-4, low=0.0, scale="log", ui=(1e-6, 1.0), label="decay λ",
                   doc="step decay η_t = η/(1 + ληt)^α (also shrinks w by 1 − λη_t)"),
        Hyperparam("alpha", 0.75, low=0.0, scale="linear", ui=(0.0, 1.0), label="power α",
                   doc="power of the step decay"),
        Hyperparam("t0", 1e6, low=0.0, scale="log", ui=(1.0, 1e6), label="averaging start t0",
                   doc="step after which the iterates are averaged"),
        WEIGHT_DECAY,
        MAXIMIZE,
    ),
    family="sgd",
    torch_class="ASGD",
    reference="Polyak & Juditsky 1992, SIAM J. Control Optim. 30(4); Bottou 2012",
)
