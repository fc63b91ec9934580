"""Saddle points: x² − y² and the monkey saddle x³ − 3xy². Neither has a minimum.

Starting almost on the stable axis, gradient descent slows down next to the
saddle before it escapes; methods that rescale small gradients (Adam, RMSprop)
escape sooner. Newton's method is attracted to the saddle (it seeks any
stationary point), which is why the course calls it rarely used in deep learning.
"""
from __future__ import annotations

from .base import Surface, full, split, stack_grad, stack_hessian


def saddle() -> Surface:
    """f(x, y) = x² − y²: a saddle at the origin, unbounded below along y."""

    def value(xy):
        x, y = split(xy)
        return x * x - y * y

    def grad(xy):
        x, y = split(xy)
        return stack_grad(2.0 * x, -2.0 * y)

    def hessian(xy):
        x, _ = split(xy)
        return stack_hessian(full(x, 2.0), full(x, 0.0), full(x, -2.0))

    return Surface(
        name="saddle",
        title="Saddle  x² − y²",
        formula=r"x^2 - y^2",
        value=value, grad=grad, hessian=hessian,
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        minima=[],
        start=(-1.8, 0.01),
        lr_range={"sgd": (2e-3, 0.1), "adaptive": (2e-3, 0.1), "second_order": (0.1, 1.0)},
        summary="A saddle approached along its stable axis: watch who slows down and who escapes.",
        grad_scalar=lambda x, y: (2.0 * x, -2.0 * y),
    )


def monkey_saddle() -> Surface:
    """f(x, y) = x³ − 3xy²: a degenerate saddle (zero Hessian) at the origin with three downhill valleys."""

    def value(xy):
        x, y = split(xy)
        return x ** 3 - 3.0 * x * y * y

    def grad(xy):
        x, y = split(xy)
        return stack_grad(3.0 * (x * x - y * y), -6.0 * x * y)

    def hessian(xy):
        x, y = split(xy)
        return stack_hessian(6.0 * x, -6.0 * y, -6.0 * x)

    return Surface(
        name="monkey_saddle",
        title="Monkey saddle  x³ − 3xy²",
        formula=r"x^3 - 3xy^2",
        value=value, grad=grad, hessian=hessian,
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        minima=[],
        start=(1.8, 0.05),
        lr_range={"sgd": (5e-4, 0.01), "adaptive": (1e-3, 0.05), "second_order": (0.1, 1.0)},
        summary="A flat saddle with three valleys: the gradient vanishes like r², so runs crawl past the origin.",
        grad_scalar=lambda x, y: (3.0 * (x * x - y * y), -6.0 * x * y),
    )
