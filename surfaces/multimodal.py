"""Egg-crate landscapes with many local minima: Rastrigin, Ackley, Lévi N.13.

Only the global minimum is listed; the local ones are too many to be useful markers.
"""
from __future__ import annotations

import math

import numpy as np

from .base import Surface, split, stack_grad, stack_hessian

TWO_PI = 2.0 * math.pi
PI2 = math.pi * math.pi


def rastrigin() -> Surface:
    """f = 20 + Σ (t² − 10 cos 2πt) over t = x, y; global minimum f(0, 0) = 0 (Rastrigin 1974).

    A bowl covered in a grid of local minima one unit apart.
    """

    def value(xy):
        x, y = split(xy)
        return 20.0 + (x * x - 10.0 * np.cos(TWO_PI * x)) + (y * y - 10.0 * np.cos(TWO_PI * y))

    def grad(xy):
        x, y = split(xy)
        k = 10.0 * TWO_PI
        return stack_grad(2.0 * x + k * np.sin(TWO_PI * x), 2.0 * y + k * np.sin(TWO_PI * y))

    def hessian(xy):
        x, y = split(xy)
        k = 10.0 * TWO_PI * TWO_PI
        return stack_hessian(2.0 + k * np.cos(TWO_PI * x), np.zeros_like(x), 2.0 + k * np.cos(TWO_PI * y))

    return Surface(
        name="rastrigin",
        title="Rastrigin",
        formula=r"20 + \sum_{t \in \{x, y\}} (t^2 - 10\cos 2\pi t)",
        value=value, grad=grad, hessian=hessian,
        bounds=((-5.12, 5.12), (-5.12, 5.12)),
        minima=[(0.0, 0.0)],
        min_values=(0.0,),
        start=(-4.6, 3.3),
        lr_range={"sgd": (1e-4, 4e-3), "adaptive": (1e-2, 0.5), "second_order": (0.1, 1.0)},
        summary="A grid of local minima: plain gradient descent stops in the nearest one; noise and large steps hop.",
    )


def ackley() -> Surface:
    """f = −20 exp(−0.2 ρ) − exp(½(cos 2πx + cos 2πy)) + e + 20, ρ = √(½(x² + y²)) (Ackley 1987).

    Global minimum f(0, 0) = 0 at the tip of a cone. The cone term is not
    differentiable at that single point: there `grad` returns its subgradient 0
    (so the minimum is stationary) and `hessian` returns only the smooth cosine
    term's Hessian 2π²e·I, leaving out the cone's unbounded curvature.
    """

    def value(xy):
        x, y = split(xy)
        rho = np.sqrt(0.5 * (x * x + y * y))
        return (-20.0 * np.exp(-0.2 * rho) - np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
                + math.e + 20.0)

    def cone(x, y):
        rho = np.sqrt(0.5 * (x * x + y * y))
        tip = rho == 0.0
        return rho, tip, np.where(tip, 1.0, rho), 2.0 * np.exp(-0.2 * rho)

    def grad(xy):
        x, y = split(xy)
        _, tip, rho, k = cone(x, y)
        c = np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
        # cone: ∂/∂x −20e^(−0.2ρ) = 2e^(−0.2ρ)·x/ρ, set to 0 (a subgradient) at the tip
        gx = np.where(tip, 0.0, k * x / rho) + math.pi * c * np.sin(TWO_PI * x)
        gy = np.where(tip, 0.0, k * y / rho) + math.pi * c * np.sin(TWO_PI * y)
        return stack_grad(gx, gy)

    def hessian(xy):
        x, y = split(xy)
        _, tip, rho, k = cone(x, y)
        c = np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
        sx, sy = np.sin(TWO_PI * x), np.sin(TWO_PI * y)
        r2, r3 = rho * rho, rho ** 3
        cone_xx = k * (1.0 / rho - 0.1 * x * x / r2 - 0.5 * x * x / r3)
        cone_yy = k * (1.0 / rho - 0.1 * y * y / r2 - 0.5 * y * y / r3)
        cone_xy = -k * x * y * (0.1 / r2 + 0.5 / r3)
        hxx = np.where(tip, 0.0, cone_xx) + PI2 * c * (2.0 * np.cos(TWO_PI * x) - sx * sx)
        hyy = np.where(tip, 0.0, cone_yy) + PI2 * c * (2.0 * np.cos(TWO_PI * y) - sy * sy)
        hxy = np.where(tip, 0.0, cone_xy) - PI2 * c * sx * sy
        return stack_hessian(hxx, hxy, hyy)

    return Surface(
        name="ackley",
        title="Ackley",
        formula=r"-20 e^{-0.2\sqrt{(x^2 + y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20",
        value=value, grad=grad, hessian=hessian,
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=[(0.0, 0.0)],
        min_values=(0.0,),
        start=(-4.2, 3.6),
        lr_range={"sgd": (1e-3, 0.03), "adaptive": (1e-2, 0.5), "second_order": (0.1, 1.0)},
        summary="A funnel under a rippled sheet: the global slope is weak next to the local ripples.",
    )


def levi13() -> Surface:
    """f = sin²3πx + (x − 1)²(1 + sin²3πy) + (y − 1)²(1 + sin²2πy); global minimum f(1, 1) = 0.

    (In float64 f(1, 1) = sin²(3π) ≈ 1e-31, not exactly 0.)
    """

    def value(xy):
        x, y = split(xy)
        return (np.sin(3.0 * math.pi * x) ** 2 + (x - 1.0) ** 2 * (1.0 + np.sin(3.0 * math.pi * y) ** 2)
                + (y - 1.0) ** 2 * (1.0 + np.sin(TWO_PI * y) ** 2))

    def grad(xy):
        x, y = split(xy)
        sy3, sy2 = np.sin(3.0 * math.pi * y), np.sin(TWO_PI * y)
        gx = 3.0 * math.pi * np.sin(6.0 * math.pi * x) + 2.0 * (x - 1.0) * (1.0 + sy3 * sy3)
        gy = (3.0 * math.pi * (x - 1.0) ** 2 * np.sin(6.0 * math.pi * y) + 2.0 * (y - 1.0) * (1.0 + sy2 * sy2)
              + TWO_PI * (y - 1.0) ** 2 * np.sin(4.0 * math.pi * y))
        return stack_grad(gx, gy)

    def hessian(xy):
        x, y = split(xy)
        sy3, sy2 = np.sin(3.0 * math.pi * y), np.sin(TWO_PI * y)
        hxx = 18.0 * PI2 * np.cos(6.0 * math.pi * x) + 2.0 * (1.0 + sy3 * sy3)
        hxy = 6.0 * math.pi * (x - 1.0) * np.sin(6.0 * math.pi * y)
        hyy = (18.0 * PI2 * (x - 1.0) ** 2 * np.cos(6.0 * math.pi * y) + 2.0 * (1.0 + sy2 * sy2)
               + 8.0 * math.pi * (y - 1.0) * np.sin(4.0 * math.pi * y)
               + 8.0 * PI2 * (y - 1.0) ** 2 * np.cos(4.0 * math.pi * y))
        return stack_hessian(hxx, hxy, hyy)

    return Surface(
        name="levi13",
        title="Lévi N.13",
        formula=r"\sin^2 3\pi x + (x-1)^2 (1 + \sin^2 3\pi y) + (y-1)^2 (1 + \sin^2 2\pi y)",
        value=value, grad=grad, hessian=hessian,
        bounds=((-2.0, 4.0), (-2.0, 4.0)),
        minima=[(1.0, 1.0)],
        min_values=(0.0,),
        start=(-1.5, 3.5),
        lr_range={"sgd": (1e-4, 5e-3), "adaptive": (1e-2, 0.5), "second_order": (0.1, 1.0)},
        summary="Ripples along x over a bowl: many shallow traps between the start and (1, 1).",
    )
