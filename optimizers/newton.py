"""Newton's method with the surface's exact Hessian: the second-order reference."""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .base import LR, Array, Hyperparam, Optimizer, OptimizerSpec, per_run

# A curvature |μ| ≤ RCOND · max|μ| is treated as zero (pseudo-inverse), as in
# numpy.linalg.pinv; a Hessian that is zero in every direction gives no step.
RCOND = 1e-12


class NewtonState(NamedTuple):
    count: int   # steps taken so far (the method itself keeps no memory)


def _eigh_2x2(hessian: Array):
    """Eigen-decomposition of symmetric 2×2 matrices, closed form, never raising.

    Returns ``(lam_small, lam_big, cos θ, sin θ)``, each ``(K,)``: the matrix is
    R diag(lam_big, lam_small) Rᵀ with R the rotation by θ, so (cos θ, sin θ)
    is the eigenvector of lam_big. Non-finite entries give NaN, not an error.
    """
    a, b, c = hessian[:, 0, 0], 0.5 * (hessian[:, 0, 1] + hessian[:, 1, 0]), hessian[:, 1, 1]
    mean = 0.5 * (a + c)
    radius = np.hypot(0.5 * (a - c), b)
    theta = 0.5 * np.arctan2(2.0 * b, a - c)
    return mean - radius, mean + radius, np.cos(theta), np.sin(theta)


def newton_step(grads, state: NewtonState, params, lr, *, hessian, damping, saddle_free):
    """One (damped) Newton step.

        H = Q diag(μ₁, μ₂) Qᵀ                  (the surface's exact Hessian at w)
        μᵢ ← |μᵢ| if saddle_free;   μᵢ ← μᵢ + λ  (Levenberg–Marquardt damping)
        w ← w − η · Q diag(1/μᵢ) Qᵀ ∇L(w)      (1/μᵢ := 0 where μᵢ ≈ 0)

    With η = 1 and λ = 0 this is the pure Newton step, which jumps to the
    stationary point of the local quadratic model: the minimum of a convex
    quadratic in one step, but equally a saddle or a maximum where H is
    indefinite or negative definite. ``saddle_free`` (Dauphin et al. 2014)
    flips negative curvatures so that every step descends. A singular
    H + λI is inverted on its non-zero directions only (pseudo-inverse): the
    step along a flat direction is 0, and nothing raises.
    """
    lam_small, lam_big, cos, sin = _eigh_2x2(hessian)
    gx, gy = grads[:, 0], grads[:, 1]
    along_big = cos * gx + sin * gy          # gradient component on the eigenvector of lam_big
    along_small = -sin * gx + cos * gy
    curvatures = np.stack([lam_big, lam_small], axis=-1)
    if saddle_free:
        curvatures = np.abs(curvatures)
    curvatures = curvatures + np.reshape(damping, (-1, 1))
    scale = np.max(np.abs(curvatures), axis=-1, keepdims=True)
    flat = np.abs(curvatures) <= RCOND * scale
    inverse = np.where(flat, 0.0, 1.0 / np.where(flat, 1.0, curvatures))
    step_big = inverse[:, 0] * along_big
    step_small = inverse[:, 1] * along_small
    step = np.stack([cos * step_big - sin * step_small, sin * step_big + cos * step_small], axis=-1)
    return params - lr * step, NewtonState(state.count + 1)


def Newton(lr=1.0, damping=0.0, saddle_free=False) -> Optimizer:
    """Newton's method, w ← w − η H⁻¹∇L, with the surface's analytic Hessian.

    The course's second-order reference ("rarely used in deep learning": H has
    n² entries; AdaGrad and Adam are cheap diagonal stand-ins). Needs
    ``hessian=`` (K, 2, 2) at every step; `simulate()` passes the surface's.
    ``lr`` (η) scales the step: 1 is the pure Newton step, less is damped Newton.
    """
    hp = dict(damping=per_run(damping), saddle_free=bool(saddle_free))

    def init(params):
        return NewtonState(0)

    def update(grads, state, params, lr, *, hessian, **overrides):
        return newton_step(grads, state, params, lr, hessian=hessian, **(hp | overrides if overrides else hp))

    return Optimizer("Newton", dict(lr=lr, damping=damping, saddle_free=saddle_free), init, update,
                     needs_hessian=True)


SPEC = OptimizerSpec(
    name="Newton",
    summary="Jumps to the stationary point of the local quadratic model: w ← w − ηH⁻¹∇L.",
    factory=Newton,
    hyperparams=(
        replace(LR, default=1.0, ui=(1e-2, 2.0), label="step η", doc="fraction of the Newton step (1: pure Newton)"),
        Hyperparam("damping", 0.0, low=0.0, scale="linear", ui=(0.0, 100.0), label="damping λ",
                   doc="Levenberg–Marquardt: invert H + λI (shorter, more gradient-like steps)"),
        Hyperparam("saddle_free", False, kind="bool", label="saddle-free",
                   doc="use |H| (absolute curvatures) so that every step descends"),
    ),
    family="second_order",
    torch_class=None,
    reference="Newton–Raphson; Levenberg 1944; Marquardt 1963; Dauphin et al. 2014 (saddle-free)",
)
