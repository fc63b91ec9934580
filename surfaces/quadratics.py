"""Quadratic bowls: the course's x² + 10y² ravine, a tunable rotated ellipse, Booth, Matyas.

On a quadratic with Hessian eigenvalues λ_1 ≤ λ_2 gradient descent is stable
for lr < 2/λ_2 and the slow direction contracts by |1 − lr·λ_1| per step, so
each ``lr_range["sgd"]`` ends at (or just below) the stability edge 2/λ_2.
Newton's method reaches the minimum in one step with lr = 1.
"""
from __future__ import annotations

import math

import numpy as np

from .base import Surface, SurfaceParam, full, split, stack_grad, stack_hessian

NEWTON_LR = (0.1, 1.0)


def ravine() -> Surface:
    """f(x, y) = x² + 10y²: eigenvalues 2 and 20, condition number 10.

    The course's demo starts at (10, 1); lr 0.1 = 2/λmax is gradient descent's
    stability edge, so plain SGD oscillates in y forever there.
    """

    def value(xy):
        x, y = split(xy)
        return x * x + 10.0 * y * y

    def grad(xy):
        x, y = split(xy)
        return stack_grad(2.0 * x, 20.0 * y)

    def hessian(xy):
        x, _ = split(xy)
        return stack_hessian(full(x, 2.0), full(x, 0.0), full(x, 20.0))

    def fused(k):
        tmp = np.empty(k)

        def fill(x, y, gx, gy, loss):
            np.multiply(x, x, out=loss)
            np.multiply(10.0, y, out=tmp)
            np.multiply(tmp, y, out=tmp)
            np.add(loss, tmp, out=loss)                   # x² + 10y²
            np.multiply(2.0, x, out=gx)
            np.multiply(20.0, y, out=gy)
        return fill

    return Surface(
        name="ravine",
        title="Ravine  x² + 10y²",
        formula=r"x^2 + 10y^2",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-12.0, 12.0), (-4.0, 4.0)),
        minima=[(0.0, 0.0)],
        min_values=(0.0,),
        start=(10.0, 1.0),
        log_scale=True,
        lr_range={"sgd": (1e-3, 0.1), "adaptive": (1e-2, 1.0), "second_order": NEWTON_LR},
        summary="The course's long valley: SGD zig-zags across it, momentum rolls along it.",
        fused=fused,
        grad_scalar=lambda x, y: (2.0 * x, 20.0 * y),
    )


KAPPA = SurfaceParam("kappa", 10.0, low=1.0, ui=(1.0, 1000.0), scale="log", label="condition number κ",
                     doc="ratio of the steep to the shallow curvature")
ANGLE = SurfaceParam("angle", 30.0, ui=(-90.0, 90.0), label="rotation (degrees)",
                     doc="angle of the shallow axis from the x axis")


def quadratic(kappa: float = 10.0, angle: float = 30.0) -> Surface:
    """f = u² + κv² with (u, v) the coordinates along axes rotated by ``angle`` degrees.

    u = x cos θ + y sin θ, v = −x sin θ + y cos θ. Eigenvalues 2 and 2κ; with
    κ = 10 and angle 0 this is the ravine. The start is the ravine's (10, 1)
    rotated with the axes, so the picture is the same valley turned; a rotation
    hurts methods with per-coordinate step sizes (AdaGrad, RMSprop, Adam) but not SGD.

    Args:
      kappa: condition number κ ≥ 1.
      angle: rotation of the shallow axis, in degrees.
    """
    kappa, angle = KAPPA.check(kappa), ANGLE.check(angle)
    theta = math.radians(angle)
    c, s = math.cos(theta), math.sin(theta)

    def value(xy):
        x, y = split(xy)
        u, v = c * x + s * y, c * y - s * x
        return u * u + kappa * (v * v)

    def grad(xy):
        x, y = split(xy)
        u, v = 2.0 * (c * x + s * y), 2.0 * kappa * (c * y - s * x)
        return stack_grad(c * u - s * v, s * u + c * v)

    def hessian(xy):
        x, _ = split(xy)
        return stack_hessian(full(x, 2.0 * (c * c + kappa * s * s)), full(x, 2.0 * (1.0 - kappa) * c * s),
                             full(x, 2.0 * (s * s + kappa * c * c)))

    def grad_scalar(x, y):
        u, v = 2.0 * (c * x + s * y), 2.0 * kappa * (c * y - s * x)
        return c * u - s * v, s * u + c * v

    def fused(k):
        u, v, t1, t2 = np.empty(k), np.empty(k), np.empty(k), np.empty(k)
        two_kappa = 2.0 * kappa

        def fill(x, y, gx, gy, loss):
            np.multiply(c, x, out=t1)
            np.multiply(s, y, out=t2)
            np.add(t1, t2, out=u)                         # u = x cos θ + y sin θ
            np.multiply(c, y, out=t1)
            np.multiply(s, x, out=t2)
            np.subtract(t1, t2, out=v)                    # v = y cos θ − x sin θ
            np.multiply(u, u, out=loss)
            np.multiply(v, v, out=t1)
            np.multiply(kappa, t1, out=t1)
            np.add(loss, t1, out=loss)                    # u² + κ v²
            np.multiply(2.0, u, out=u)
            np.multiply(two_kappa, v, out=v)
            np.multiply(c, u, out=t1)
            np.multiply(s, v, out=t2)
            np.subtract(t1, t2, out=gx)
            np.multiply(s, u, out=t1)
            np.multiply(c, v, out=t2)
            np.add(t1, t2, out=gy)
        return fill

    return Surface(
        name="quadratic",
        title="Quadratic  u² + κv²",
        formula=r"u^2 + \kappa v^2,\ (u, v) = R_{-\theta}(x, y)",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-12.0, 12.0), (-12.0, 12.0)),
        minima=[(0.0, 0.0)],
        min_values=(0.0,),
        start=(10.0 * c - s, 10.0 * s + c),
        log_scale=True,
        # 2/λmax = 1/κ is the stability edge; a fixed range for Adam (steps ≈ lr per coordinate).
        lr_range={"sgd": (0.01 / kappa, 1.0 / kappa), "adaptive": (1e-2, 1.0), "second_order": NEWTON_LR},
        params={"kappa": kappa, "angle": angle},
        param_specs=(KAPPA, ANGLE),
        summary="Turn the condition number up to slow gradient descent; rotate to confuse per-coordinate methods.",
        fused=fused,
        grad_scalar=grad_scalar,
    )


def booth() -> Surface:
    """f(x, y) = (x + 2y − 7)² + (2x + y − 5)²; minimum f(1, 3) = 0; eigenvalues 2 and 18."""

    def value(xy):
        x, y = split(xy)
        return (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2

    def grad(xy):
        x, y = split(xy)
        a, b = x + 2.0 * y - 7.0, 2.0 * x + y - 5.0
        return stack_grad(2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b)

    def hessian(xy):
        x, _ = split(xy)
        return stack_hessian(full(x, 10.0), full(x, 8.0), full(x, 10.0))

    def grad_scalar(x, y):
        a, b = x + 2.0 * y - 7.0, 2.0 * x + y - 5.0
        return 2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b

    return Surface(
        name="booth",
        title="Booth  (x + 2y − 7)² + (2x + y − 5)²",
        formula=r"(x + 2y - 7)^2 + (2x + y - 5)^2",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-10.0, 10.0), (-10.0, 10.0)),
        minima=[(1.0, 3.0)],
        min_values=(0.0,),
        start=(-8.0, -6.0),
        log_scale=True,
        lr_range={"sgd": (1e-3, 0.1), "adaptive": (1e-2, 1.0), "second_order": NEWTON_LR},
        summary="A tilted bowl (κ = 9): the valley runs diagonally.",
        grad_scalar=grad_scalar,
    )


def matyas() -> Surface:
    """f(x, y) = 0.26(x² + y²) − 0.48xy; minimum f(0, 0) = 0; eigenvalues 0.04 and 1 (κ = 25)."""

    def value(xy):
        x, y = split(xy)
        return 0.26 * (x * x + y * y) - 0.48 * x * y

    def grad(xy):
        x, y = split(xy)
        return stack_grad(0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x)

    def hessian(xy):
        x, _ = split(xy)
        return stack_hessian(full(x, 0.52), full(x, -0.48), full(x, 0.52))

    return Surface(
        name="matyas",
        title="Matyas  0.26(x² + y²) − 0.48xy",
        formula=r"0.26\,(x^2 + y^2) - 0.48\,xy",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-10.0, 10.0), (-10.0, 10.0)),
        minima=[(0.0, 0.0)],
        min_values=(0.0,),
        start=(-8.0, -3.0),
        log_scale=True,
        lr_range={"sgd": (0.05, 1.9), "adaptive": (0.05, 2.0), "second_order": NEWTON_LR},
        summary="A nearly flat diagonal trough (κ = 25): the gradient is small where progress is needed.",
        grad_scalar=lambda x, y: (0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x),
    )
