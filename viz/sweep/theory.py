"""Heavy-ball theory on quadratics, for the overlay on lr × momentum heatmaps (pure NumPy).

On f(w) = ½ wᵀHw with Hessian eigenvalues λ₁ ≤ … ≤ λₙ, gradient descent with heavy-ball
momentum β (torch's SGD, or classical momentum with a constant lr) moves each
eigen-direction by w ← w − lr·λ·w + β(w − w_prev), stable iff 0 ≤ β < 1 and
lr·λₙ < 2(1 + β); β = 0 is plain GD, stable iff lr < 2/λₙ. The fastest rate is at
α* = (2/(√λ₁ + √λₙ))², β* = ((√κ − 1)/(√κ + 1))² (Goh, "Why momentum really works",
Distill 2017). On x² + 10y² (λ = 2, 20): GD unstable from lr = 0.1; α* ≈ 0.1154, β* ≈ 0.2699.
"""
from __future__ import annotations

import surfaces

from ..theory import Quadratic, analyse
from .compute import SWEEP, SweepSpec


def quadratic_theory(surface: surfaces.Surface) -> Quadratic | None:
    """The theory of `viz.theory` if ``surface`` is a positive-definite quadratic, else None."""
    return analyse(surface)


def theory_applies(spec: SweepSpec) -> Quadratic | None:
    """The heavy-ball theory, when the sweep is lr × momentum of plain heavy-ball on a quadratic."""
    if spec.mode != SWEEP or {spec.x.key, spec.y.key} != {"lr", "momentum"}:
        return None
    if spec.optimizer not in ("SGD", "Momentum") or spec.schedule is not None or spec.batch is not None:
        return None
    v = spec.values
    if v.get("nesterov") or v.get("dampening", 0.0) or v.get("weight_decay", 0.0) or v.get("maximize"):
        return None
    return quadratic_theory(spec.surface)
