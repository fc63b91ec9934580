"""Himmelblau's function: four minima of equal depth."""
from __future__ import annotations

import numpy as np

from .base import Surface, split, stack_grad, stack_hessian

_MINIMA = [(3.0, 2.0), (-2.805118086952745, 3.131312518250573),
           (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404)]


def himmelblau() -> Surface:
    """f(x, y) = (x² + y − 11)² + (x + y² − 7)² (Himmelblau 1972); four minima with f = 0."""

    def value(xy):
        x, y = split(xy)
        return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2

    def grad(xy):
        x, y = split(xy)
        a, b = x * x + y - 11.0, x + y * y - 7.0
        return stack_grad(4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b)

    def hessian(xy):
        x, y = split(xy)
        return stack_hessian(12.0 * x * x + 4.0 * y - 42.0, 4.0 * (x + y), 12.0 * y * y + 4.0 * x - 26.0)

    def grad_scalar(x, y):
        a, b = x * x + y - 11.0, x + y * y - 7.0
        return 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b

    def fused(k):
        a, b, tmp = np.empty(k), np.empty(k), np.empty(k)

        def fill(x, y, gx, gy, loss):
            np.multiply(x, x, out=a)
            np.add(a, y, out=a)
            np.subtract(a, 11.0, out=a)                   # a = x² + y − 11
            np.multiply(y, y, out=b)
            np.add(x, b, out=b)
            np.subtract(b, 7.0, out=b)                    # b = x + y² − 7
            np.multiply(a, a, out=loss)
            np.multiply(b, b, out=tmp)
            np.add(loss, tmp, out=loss)
            np.multiply(4.0, x, out=tmp)
            np.multiply(tmp, a, out=tmp)
            np.multiply(2.0, b, out=gx)
            np.add(tmp, gx, out=gx)                       # 4x a + 2b
            np.multiply(4.0, y, out=tmp)
            np.multiply(tmp, b, out=tmp)
            np.multiply(2.0, a, out=gy)
            np.add(gy, tmp, out=gy)                       # 2a + 4y b
        return fill

    return Surface(
        name="himmelblau",
        title="Himmelblau  (x² + y − 11)² + (x + y² − 7)²",
        formula=r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        value=value, grad=grad, hessian=hessian,
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=list(_MINIMA),
        min_values=(0.0,) * 4,
        start=(-0.5, -0.5),
        log_scale=True,
        lr_range={"sgd": (1e-3, 0.02), "adaptive": (1e-2, 0.5), "second_order": (0.1, 1.0)},
        summary="Four minima of equal depth: which one a run reaches depends on its start and optimizer.",
        fused=fused,
        grad_scalar=grad_scalar,
    )
