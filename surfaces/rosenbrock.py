"""Rosenbrock's banana valley."""
from __future__ import annotations

from .base import Surface, split, stack_grad, stack_hessian


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Surface:
    """f(x, y) = (a − x)² + b(y − x²)², minimum f(a, a²) = 0 (Rosenbrock 1960).

    Args:
      a: position of the minimum along x.
      b: steepness of the valley walls (must be > 0).
    """
    a, b = float(a), float(b)
    if not b > 0:
        raise ValueError(f"Invalid b: {b} (must be > 0)")

    def value(xy):
        x, y = split(xy)
        return (a - x) ** 2 + b * (y - x * x) ** 2

    def grad(xy):
        x, y = split(xy)
        r = y - x * x
        return stack_grad(-2.0 * (a - x) - 4.0 * b * x * r, 2.0 * b * r)

    def hessian(xy):
        x, y = split(xy)
        return stack_hessian(2.0 - 4.0 * b * (y - 3.0 * x * x), -4.0 * b * x, 2.0 * b + 0.0 * x)

    return Surface(
        name="rosenbrock",
        title="Rosenbrock  (a − x)² + b(y − x²)²",
        formula=r"(a - x)^2 + b\,(y - x^2)^2",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-2.0, 2.0), (-1.0, 3.0)),
        minima=[(a, a * a)],
        start=(-1.5, 2.0),
        log_scale=True,
        lr_range={"sgd": (1e-4, 2e-3), "adaptive": (1e-3, 0.1)},
        params={"a": a, "b": b},
    )
