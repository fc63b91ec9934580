"""A surface from a user's formula f(x, y), with symbolic derivatives (see `surfaces.formula`)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .base import Surface, split, stack_grad, stack_hessian
from .formula import evaluate_together, parse_formula

DEFAULT_FORMULA = "sin(x)*cos(y) + 0.1*(x**2 + y**2)"
DEFAULT_BOUNDS = ((-4.0, 4.0), (-4.0, 4.0))   # the plot window of a new formula (the visualizer's too)
_GRID = 41  # points per axis for the cheap lr / colour-scale heuristics


def _check_bounds(bounds: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    try:
        (x0, x1), (y0, y1) = bounds
        x0, x1, y0, y1 = (float(v) for v in (x0, x1, y0, y1))
    except (TypeError, ValueError):
        raise ValueError(f"Invalid bounds: {bounds!r} (must be ((xmin, xmax), (ymin, ymax)))") from None
    if not all(math.isfinite(v) for v in (x0, x1, y0, y1)) or not (x0 < x1 and y0 < y1):
        raise ValueError(f"Invalid bounds: {bounds!r} (must be finite with min < max)")
    return (x0, x1), (y0, y1)


def default_start(bounds: Any = DEFAULT_BOUNDS) -> tuple[float, float]:
    """The start of a formula without one: up and left of centre, so that a bowl centred in the
    window still has a path ((−2.4, 2.4) in the default window)."""
    (x0, x1), (y0, y1) = _check_bounds(bounds)
    # 12 significant digits: −4 + 0.8·8 is 2.4, not 2.4000000000000004, in a start box.
    return (float(f"{x0 + 0.2 * (x1 - x0):.12g}"), float(f"{y0 + 0.8 * (y1 - y0):.12g}"))


def _check_start(start: Any, bounds) -> tuple[float, float]:
    (x0, x1), (y0, y1) = bounds
    if start is None:
        return default_start(bounds)
    try:
        sx, sy = (float(v) for v in start)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid start: {start!r} (must be (x, y))") from None
    if not (x0 <= sx <= x1 and y0 <= sy <= y1):
        raise ValueError(f"Invalid start: {start!r} (must lie inside the bounds {bounds})")
    return sx, sy


def custom(formula: str = DEFAULT_FORMULA, bounds: Any = DEFAULT_BOUNDS, start: Any = None,
           log_scale: bool | None = None) -> Surface:
    """The surface f(x, y) = ``formula`` over ``bounds``.

    Value, gradient and Hessian are evaluated from the parsed tree and its
    symbolic derivatives, vectorized over points; points where the formula is
    undefined give ``nan``/``inf`` (never an exception). No minima are listed.

    ``lr_range`` is a heuristic: SGD's high end is 1/L with L the 90th percentile
    of the Hessian's spectral norm on a grid over the window (half the stability
    edge 2/L of a quadratic); Adam's scales with the window size (it steps
    about lr per coordinate). ``log_scale=None`` picks log colours when most
    of the window sits far below the largest values.

    Raises:
      surfaces.formula.FormulaError: the formula is rejected (a ``ValueError`` with the column).
      ValueError: invalid bounds or start.
    """
    expr = parse_formula(formula, ("x", "y"))
    bounds = _check_bounds(bounds)
    start = _check_start(start, bounds)
    fx, fy = expr.diff("x"), expr.diff("y")
    fxx, fxy, fyy = fx.diff("x"), fx.diff("y"), fy.diff("y")

    def value(xy):
        x, y = split(xy)
        return expr(x=x, y=y)

    def grad(xy):   # both partials in one pass: their shared subtrees are computed once
        x, y = split(xy)
        return stack_grad(*evaluate_together((fx, fy), x=x, y=y))

    def hessian(xy):
        x, y = split(xy)
        return stack_hessian(*evaluate_together((fxx, fxy, fyy), x=x, y=y))

    (x0, x1), (y0, y1) = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, _GRID), np.linspace(y0, y1, _GRID))
    grid = np.stack([gx, gy], axis=-1)
    with np.errstate(all="ignore"):
        z = value(grid)
        norms = np.abs(np.linalg.eigvalsh(np.nan_to_num(hessian(grid), nan=0.0, posinf=0.0, neginf=0.0)))
    curvature = float(np.percentile(norms.max(axis=-1), 90))
    sgd_high = 1.0 / curvature if curvature > 1e-12 else 1.0
    size = max(x1 - x0, y1 - y0)
    if log_scale is None:
        finite = z[np.isfinite(z)]
        if finite.size:
            low, mid, high = np.percentile(finite, [0, 50, 99])
            log_scale = bool(high > low and (mid - low) < 0.05 * (high - low))
        else:
            log_scale = False

    return Surface(
        name="custom",
        title=f"f(x, y) = {expr.text}",
        formula=expr.text,
        value=value, grad=grad, hessian=hessian,
        bounds=bounds,
        minima=[],
        start=start,
        log_scale=bool(log_scale),
        lr_range={"sgd": (sgd_high / 100.0, sgd_high), "adaptive": (size / 1000.0, size / 10.0),
                  "second_order": (0.1, 1.0)},
        summary="Your own formula, differentiated symbolically.",
    )
