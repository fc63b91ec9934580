"""Quadratic bowls: the course's x² + 10y² ravine."""
from __future__ import annotations

import numpy as np

from .base import Surface, split, stack_grad, stack_hessian


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
        return stack_hessian(np.full_like(x, 2.0), np.zeros_like(x), np.full_like(x, 20.0))

    return Surface(
        name="ravine",
        title="Ravine  x² + 10y²",
        formula=r"x^2 + 10y^2",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-12.0, 12.0), (-4.0, 4.0)),
        minima=[(0.0, 0.0)],
        start=(10.0, 1.0),
        log_scale=True,
        lr_range={"sgd": (1e-3, 0.1), "adaptive": (1e-2, 1.0)},
    )
