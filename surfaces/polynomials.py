"""Classic polynomial test functions: Beale, Goldstein–Price, six-hump camel, Styblinski–Tang.

Minimum coordinates that are not exact were polished with Newton's method in
50-digit arithmetic and rounded to float64 (tests check that they are stationary).
"""
from __future__ import annotations

from .base import Surface, full, split, stack_grad, stack_hessian


def beale() -> Surface:
    """f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²; minimum f(3, 0.5) = 0 (Beale 1958)."""

    def terms(x, y):
        return 1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y ** 3

    def value(xy):
        x, y = split(xy)
        a1, a2, a3 = terms(x, y)
        return a1 * a1 + a2 * a2 + a3 * a3

    def grad(xy):
        x, y = split(xy)
        a1, a2, a3 = terms(x, y)
        gx = 2.0 * (a1 * (y - 1.0) + a2 * (y * y - 1.0) + a3 * (y ** 3 - 1.0))
        gy = 2.0 * x * (a1 + 2.0 * y * a2 + 3.0 * y * y * a3)
        return stack_grad(gx, gy)

    def hessian(xy):
        x, y = split(xy)
        a1, a2, a3 = terms(x, y)
        # f = Σ a_i²: H = 2 Σ (∇a_i ∇a_iᵀ + a_i ∇²a_i)
        d1x, d2x, d3x = y - 1.0, y * y - 1.0, y ** 3 - 1.0
        d1y, d2y, d3y = x, 2.0 * x * y, 3.0 * x * y * y
        hxx = 2.0 * (d1x * d1x + d2x * d2x + d3x * d3x)
        hxy = 2.0 * (d1x * d1y + d2x * d2y + d3x * d3y + a1 + 2.0 * y * a2 + 3.0 * y * y * a3)
        hyy = 2.0 * (d1y * d1y + d2y * d2y + d3y * d3y + 2.0 * x * a2 + 6.0 * x * y * a3)
        return stack_hessian(hxx, hxy, hyy)

    return Surface(
        name="beale",
        title="Beale",
        formula=r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        value=value, grad=grad, hessian=hessian,
        bounds=((-4.5, 4.5), (-4.5, 4.5)),
        minima=[(3.0, 0.5)],
        min_values=(0.0,),
        start=(1.0, 1.5),
        log_scale=True,
        lr_range={"sgd": (1e-4, 1e-2), "adaptive": (1e-3, 0.1), "second_order": (0.1, 1.0)},
        summary="Flat plateaus and sharp ridges in the corners (values up to 10⁵): "
                "steps that suit one region fail in the other.",
    )


# (x, y, f): global minimum first, then the local minima inside the window (all exact).
_GP_MINIMA = [
    (0.0, -1.0, 3.0),
    (-0.6, -0.4, 30.0),
    (1.8, 0.2, 84.0),
    (1.2, 0.8, 840.0),
]


def goldstein_price() -> Surface:
    """f = [1 + (x+y+1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]
         · [30 + (2x−3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)].

    Global minimum f(0, −1) = 3 (Goldstein & Price 1971); local minima of value
    30, 84 and 840 inside (−2, 2)². Values span six decades.
    """

    def parts(x, y):
        s, d = x + y + 1.0, 2.0 * x - 3.0 * y
        p = 19.0 - 14.0 * x + 3.0 * x * x - 14.0 * y + 6.0 * x * y + 3.0 * y * y
        q = 18.0 - 32.0 * x + 12.0 * x * x + 48.0 * y - 36.0 * x * y + 27.0 * y * y
        return s, d, p, q

    def value(xy):
        x, y = split(xy)
        s, d, p, q = parts(x, y)
        return (1.0 + s * s * p) * (30.0 + d * d * q)

    def factors(x, y):
        """A = 1 + s²P and B = 30 + d²Q with their first and second partials."""
        s, d, p, q = parts(x, y)
        pd = -14.0 + 6.0 * x + 6.0 * y  # ∂P/∂x = ∂P/∂y; P's second partials are all 6
        qx, qy = -32.0 + 24.0 * x - 36.0 * y, 48.0 - 36.0 * x + 54.0 * y  # Q_xx 24, Q_xy −36, Q_yy 54
        a = 1.0 + s * s * p
        ax = ay = 2.0 * s * p + s * s * pd
        axx = axy = ayy = 2.0 * p + 4.0 * s * pd + 6.0 * s * s
        b = 30.0 + d * d * q
        bx, by = 4.0 * d * q + d * d * qx, -6.0 * d * q + d * d * qy
        bxx = 8.0 * q + 8.0 * d * qx + 24.0 * d * d
        bxy = -12.0 * q + 4.0 * d * qy - 6.0 * d * qx - 36.0 * d * d
        byy = 18.0 * q - 12.0 * d * qy + 54.0 * d * d
        return (a, ax, ay, axx, axy, ayy), (b, bx, by, bxx, bxy, byy)

    def grad(xy):
        x, y = split(xy)
        (a, ax, ay, *_), (b, bx, by, *_) = factors(x, y)
        return stack_grad(ax * b + a * bx, ay * b + a * by)

    def hessian(xy):
        x, y = split(xy)
        (a, ax, ay, axx, axy, ayy), (b, bx, by, bxx, bxy, byy) = factors(x, y)
        return stack_hessian(axx * b + 2.0 * ax * bx + a * bxx,
                             axy * b + ax * by + ay * bx + a * bxy,
                             ayy * b + 2.0 * ay * by + a * byy)

    return Surface(
        name="goldstein_price",
        title="Goldstein–Price",
        formula=r"[1 + (x+y+1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)]"
                r"\,[30 + (2x-3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)]",
        value=value, grad=grad, hessian=hessian,
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        minima=[(x, y) for x, y, _ in _GP_MINIMA],
        min_values=tuple(f for *_, f in _GP_MINIMA),
        start=(1.0, -1.8),
        log_scale=True,
        lr_range={"sgd": (1e-6, 2e-5), "adaptive": (1e-2, 0.3), "second_order": (0.1, 1.0)},
        summary="Gradients spanning six decades and four minima: one lr cannot suit everywhere.",
    )


# Global minima first, then the four local minima; values from the 50-digit polish.
_CAMEL_MINIMA = [
    (0.08984201310031806, -0.7126564030207396, -1.0316284534898774),
    (-0.08984201310031806, 0.7126564030207396, -1.0316284534898774),
    (-1.703606714969981, 0.7960835686726251, -0.21546382438371764),
    (1.703606714969981, -0.7960835686726251, -0.21546382438371764),
    (-1.6071047529201972, -0.5686514548841314, 2.1042503103112584),
    (1.6071047529201972, 0.5686514548841314, 2.1042503103112584),
]


def six_hump_camel() -> Surface:
    """f = (4 − 2.1x² + x⁴/3)x² + xy + (4y² − 4)y²; global minima f ≈ −1.0316 at ±(0.0898, −0.7127)."""

    def value(xy):
        x, y = split(xy)
        x2, y2 = x * x, y * y
        return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (4.0 * y2 - 4.0) * y2

    def grad(xy):
        x, y = split(xy)
        x2 = x * x
        return stack_grad(8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y, x - 8.0 * y + 16.0 * y ** 3)

    def hessian(xy):
        x, y = split(xy)
        x2 = x * x
        return stack_hessian(8.0 - 25.2 * x2 + 10.0 * x2 * x2, full(x, 1.0), -8.0 + 48.0 * y * y)

    return Surface(
        name="six_hump_camel",
        title="Six-hump camel",
        formula=r"(4 - 2.1x^2 + x^4/3)\,x^2 + xy + (4y^2 - 4)\,y^2",
        value=value, grad=grad, hessian=hessian,
        bounds=((-2.2, 2.2), (-1.2, 1.2)),
        minima=[(x, y) for x, y, _ in _CAMEL_MINIMA],
        min_values=tuple(f for *_, f in _CAMEL_MINIMA),
        start=(-0.5, -1.1),
        lr_range={"sgd": (1e-3, 0.1), "adaptive": (1e-3, 0.1), "second_order": (0.1, 1.0)},
        summary="Two global and four local minima: start and step size decide where a run ends.",
    )


# Roots of 2t³ − 16t + 2.5 = 0 (the 1-D derivative) that are minima.
_ST_LOW, _ST_HIGH = -2.903534027771177, 2.746802770990837


def _st_1d(t):
    return 0.5 * (t ** 4 - 16.0 * t ** 2 + 5.0 * t)


def styblinski_tang() -> Surface:
    """f = ½ Σ (t⁴ − 16t² + 5t) over t = x, y; global minimum f ≈ −78.332 at (−2.9035, −2.9035).

    Separable: each coordinate has a global minimum near −2.90 and a local one
    near 2.75, so there are three local minima besides the global one.
    """

    def value(xy):
        x, y = split(xy)
        return _st_1d(x) + _st_1d(y)

    def grad(xy):
        x, y = split(xy)
        return stack_grad(2.0 * x ** 3 - 16.0 * x + 2.5, 2.0 * y ** 3 - 16.0 * y + 2.5)

    def hessian(xy):
        x, y = split(xy)
        return stack_hessian(6.0 * x * x - 16.0, full(x, 0.0), 6.0 * y * y - 16.0)

    minima = [(_ST_LOW, _ST_LOW), (_ST_LOW, _ST_HIGH), (_ST_HIGH, _ST_LOW), (_ST_HIGH, _ST_HIGH)]
    return Surface(
        name="styblinski_tang",
        title="Styblinski–Tang",
        formula=r"\tfrac12 \sum_{t \in \{x, y\}} (t^4 - 16t^2 + 5t)",
        value=value, grad=grad, hessian=hessian,
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=minima,
        min_values=tuple(float(_st_1d(a) + _st_1d(b)) for a, b in minima),
        start=(-0.5, 4.5),
        lr_range={"sgd": (1e-3, 0.02), "adaptive": (1e-2, 0.5), "second_order": (0.1, 1.0)},
        summary="One global and three local minima on a grid: gradient descent keeps whichever basin it starts in.",
    )
