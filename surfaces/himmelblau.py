"""Himmelblau's function: four minima of equal depth."""
from __future__ import annotations

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
    )
