"""Theory on quadratic surfaces: eigen-directions, κ, GD's stability limit and Distill's optimal settings.

A surface counts as quadratic when its Hessian is the same everywhere (checked at
a few points of its window), so this needs no per-surface list. For eigenvalues
λ_min ≤ λ_max (Goh, "Why momentum really works", Distill 2017):

- gradient descent is stable for lr < 2/λ_max, fastest at 2/(λ_min + λ_max) with rate (κ − 1)/(κ + 1);
- heavy ball is fastest at α* = (2/(√λ_min + √λ_max))², β* = ((√κ − 1)/(√κ + 1))², rate √β*.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import surfaces


@dataclass(frozen=True)
class Quadratic:
    lam_min: float
    lam_max: float
    vectors: np.ndarray        # columns: eigenvectors of lam_min, lam_max
    center: tuple[float, float]

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
    def gd_rate(self) -> float:
        return (self.kappa - 1) / (self.kappa + 1)

    @property
    def hb_lr(self) -> float:
        return (2.0 / (math.sqrt(self.lam_min) + math.sqrt(self.lam_max))) ** 2

    @property
    def hb_momentum(self) -> float:
        r = math.sqrt(self.kappa)
        return ((r - 1) / (r + 1)) ** 2

    def momentum_limit(self, beta) -> np.ndarray:
        """Largest stable lr of heavy ball with momentum β: lr·λmax < 2(1 + β) (0 ≤ β < 1)."""
        return 2.0 * (1.0 + np.asarray(beta, dtype=np.float64)) / self.lam_max


def analyse(surface: surfaces.Surface | None) -> Quadratic | None:
    """The quadratic's spectrum, or None if ``surface`` is not a convex quadratic."""
    if surface is None:
        return None
    (x0, x1), (y0, y1) = surface.bounds
    points = np.array([[x0, y0], [x1, y1], [0.3 * x0 + 0.7 * x1, 0.6 * y0 + 0.4 * y1]], dtype=np.float64)
    try:
        with np.errstate(all="ignore"):
            h = np.asarray(surface.hessian(points), dtype=np.float64)
    except (ValueError, TypeError, ArithmeticError):
        return None
    if h.shape != (3, 2, 2) or not np.all(np.isfinite(h)) or not np.allclose(h, h[0], rtol=1e-9, atol=1e-12):
        return None
    lam, vec = np.linalg.eigh(0.5 * (h[0] + h[0].T))
    if lam[0] <= 0:
        return None
    center = surface.minima[0] if surface.minima else (0.0, 0.0)
    return Quadratic(float(lam[0]), float(lam[1]), vec, (float(center[0]), float(center[1])))


def shapes(q: Quadratic | None, surface) -> list[dict]:
    """Dotted lines through the minimum along both eigen-directions (the slow one longer)."""
    if q is None:
        return []
    (x0, x1), (y0, y1) = surface.bounds
    half = 0.5 * math.hypot(x1 - x0, y1 - y0)
    out = []
    for col, dash in ((0, "dot"), (1, "dash")):
        vx, vy = q.vectors[:, col] * half
        cx, cy = q.center
        out.append({"type": "line", "xref": "x", "yref": "y", "x0": cx - vx, "y0": cy - vy, "x1": cx + vx,
                    "y1": cy + vy, "line": {"color": "rgba(255,255,255,0.9)", "width": 1.5, "dash": dash}})
    return out


def summary(q: Quadratic, runs) -> list[str]:
    """Lines of the theory box; ``runs`` are the configuration's runs (SGD lrs are compared to the limit)."""
    lines = [f"Quadratic: λ = {q.lam_min:.4g} and {q.lam_max:.4g} (dotted: slow direction, dashed: steep), "
             f"κ = {q.kappa:.4g}.",
             f"Gradient descent is stable for lr < 2/λmax = {q.gd_limit:.4g}; fastest at 2/(λmin + λmax) = "
             f"{q.gd_best:.4g}, shrinking the error by (κ − 1)/(κ + 1) = {q.gd_rate:.3f} per step.",
             f"Heavy ball (Distill): optimal lr α* = {q.hb_lr:.4g} with momentum β* = {q.hb_momentum:.4g}, "
             f"rate √β* = {math.sqrt(q.hb_momentum):.3f}."]
    for run in runs:
        if run.optimizer != "SGD" or run.kwargs.get("momentum"):
            continue
        lr = float(run.kwargs["lr"])
        ratio = lr / q.gd_limit
        verdict = ("diverges" if ratio > 1 + 1e-9 else "on the stability edge: oscillates forever"
                   if ratio > 1 - 1e-9 else "stable")
        lines.append(f"{run.label}: lr {lr:.4g} = {ratio:.3g} × 2/λmax — {verdict}.")
    return lines
