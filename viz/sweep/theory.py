"""Heavy-ball theory on quadratics, for the overlay on lr × momentum heatmaps (pure NumPy).

On f(w) = ½ wᵀHw with Hessian eigenvalues λ₁ ≤ … ≤ λₙ, gradient descent with heavy-ball
momentum β (torch's SGD, or classical momentum with a constant lr) moves each
eigen-direction by w ← w − lr·λ·w + β(w − w_prev), stable iff 0 ≤ β < 1 and
lr·λₙ < 2(1 + β); β = 0 is plain GD, stable iff lr < 2/λₙ. The fastest rate is at
α* = (2/(√λ₁ + √λₙ))², β* = ((√κ − 1)/(√κ + 1))² (Goh, "Why momentum really works",
Distill 2017). On x² + 10y² (λ = 2, 20): GD unstable from lr = 0.1; α* ≈ 0.1154, β* ≈ 0.2699.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import surfaces

from .compute import SWEEP, SweepSpec


@dataclass(frozen=True)
class Theory:
    """Heavy-ball theory on a quadratic with Hessian eigenvalues λ₁ ≤ λₙ (Distill, "Why momentum really works").

    Attributes:
      lam_min, lam_max: eigenvalues of the (constant) Hessian; kappa = lam_max / lam_min.
      gd_limit: plain gradient descent is stable iff lr < 2/λₙ.
      gd_best: the best fixed step for GD, 2/(λ₁ + λₙ).
      alpha, beta: heavy-ball optimum α* = (2/(√λ₁ + √λₙ))², β* = ((√κ − 1)/(√κ + 1))².
    """

    lam_min: float
    lam_max: float

    @property
    def kappa(self) -> float:
        return self.lam_max / self.lam_min

    @property
    def gd_limit(self) -> float:
        return 2.0 / self.lam_max

    @property
    def gd_best(self) -> float:
        return 2.0 / (self.lam_min + self.lam_max)

    @property
    def alpha(self) -> float:
        return (2.0 / (math.sqrt(self.lam_min) + math.sqrt(self.lam_max))) ** 2

    @property
    def beta(self) -> float:
        r = math.sqrt(self.kappa)
        return ((r - 1.0) / (r + 1.0)) ** 2

    def momentum_limit(self, beta: np.ndarray) -> np.ndarray:
        """Largest stable lr for heavy-ball momentum β: lr·λₙ < 2(1 + β) (0 ≤ β < 1)."""
        return 2.0 * (1.0 + np.asarray(beta, dtype=np.float64)) / self.lam_max


def quadratic_theory(surface: surfaces.Surface) -> Theory | None:
    """`Theory` if ``surface`` is a positive-definite quadratic (the same Hessian everywhere), else None."""
    (x0, x1), (y0, y1) = surface.bounds
    points = np.array([surface.start, (x0, y0), (x1, y1), (x0, y1), ((x0 + x1) / 2, (y0 + y1) / 2)],
                      dtype=np.float64)
    with np.errstate(all="ignore"):
        h = surface.hessian(points)
    if not np.all(np.isfinite(h)) or not np.allclose(h, h[0], rtol=1e-9, atol=1e-12):
        return None
    lam = np.linalg.eigvalsh(0.5 * (h[0] + h[0].T))
    if lam[0] <= 0:
        return None
    return Theory(float(lam[0]), float(lam[-1]))


def theory_applies(spec: SweepSpec) -> Theory | None:
    """The heavy-ball theory, when the sweep is lr × momentum of plain heavy-ball on a quadratic."""
    if spec.mode != SWEEP or {spec.x.key, spec.y.key} != {"lr", "momentum"}:
        return None
    if spec.optimizer not in ("SGD", "Momentum") or spec.schedule is not None or spec.batch is not None:
        return None
    v = spec.values
    if v.get("nesterov") or v.get("dampening", 0.0) or v.get("weight_decay", 0.0) or v.get("maximize"):
        return None
    return quadratic_theory(spec.surface)
