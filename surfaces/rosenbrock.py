"""Rosenbrock's banana valley."""
from __future__ import annotations

import numpy as np

from .base import Surface, SurfaceParam, split, stack_grad, stack_hessian

A = SurfaceParam("a", 1.0, ui=(-1.5, 1.5), label="a", doc="the minimum is at (a, a²)")
B = SurfaceParam("b", 100.0, low=0.0, low_open=True, ui=(1.0, 1000.0), scale="log", label="b",
                 doc="steepness of the valley walls")


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Surface:
    """f(x, y) = (a − x)² + b(y − x²)², minimum f(a, a²) = 0 (Rosenbrock 1960).

    The plot window is (−2, 2) × (−1, 3), widened if needed so that it holds (a, a²).

    Args:
      a: position of the minimum along x.
      b: steepness of the valley walls (must be > 0).
    """
    a, b = A.check(a), B.check(b)

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

    def grad_scalar(x, y):
        r = y - x * x
        return -2.0 * (a - x) - 4.0 * b * x * r, 2.0 * b * r

    def fused(k):
        ax, r, tmp = np.empty(k), np.empty(k), np.empty(k)
        four_b, two_b = 4.0 * b, 2.0 * b

        def fill(x, y, gx, gy, loss):
            np.subtract(a, x, out=ax)
            np.multiply(x, x, out=r)
            np.subtract(y, r, out=r)                      # r = y − x²
            np.multiply(ax, ax, out=loss)
            np.multiply(r, r, out=tmp)
            np.multiply(b, tmp, out=tmp)
            np.add(loss, tmp, out=loss)                   # (a − x)² + b r²
            np.multiply(four_b, x, out=tmp)
            np.multiply(tmp, r, out=tmp)
            np.multiply(-2.0, ax, out=gx)
            np.subtract(gx, tmp, out=gx)                  # −2(a − x) − 4b x r
            np.multiply(two_b, r, out=gy)                 # 2b r
        return fill

    return Surface(
        name="rosenbrock",
        title="Rosenbrock  (a − x)² + b(y − x²)²",
        formula=r"(a - x)^2 + b\,(y - x^2)^2",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((min(-2.0, a - 1.0), max(2.0, a + 1.0)), (min(-1.0, a * a - 1.0), max(3.0, a * a + 1.0))),
        minima=[(a, a * a)],
        min_values=(0.0,),
        start=(-1.5, 2.0),
        log_scale=True,
        # SGD's stable lr shrinks like 1/b (the valley walls' curvature is ≈ 2b(1 + 4x²)).
        lr_range={"sgd": (1e-4 * 100.0 / b, 2e-3 * 100.0 / b), "adaptive": (1e-3, 0.1),
                  "second_order": (0.1, 1.0)},
        params={"a": a, "b": b},
        fused=fused,
        grad_scalar=grad_scalar,
        param_specs=(A, B),
        summary="A curved, flat-bottomed valley: easy to find, slow to follow to the minimum.",
    )
