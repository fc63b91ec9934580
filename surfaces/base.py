"""The `Surface` record: a 2-D loss with its analytic derivatives and plot metadata."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

Array = np.ndarray

# Optimizer families that `Surface.lr_range` may be keyed by (see optimizers' `OptimizerSpec.family`).
FAMILIES = ("sgd", "adaptive", "second_order")


@dataclass(frozen=True)
class SurfaceParam:
    """Metadata of one surface parameter (e.g. Rosenbrock's ``b``): validation and UI hints.

    The surfaces' counterpart of `optimizers.Hyperparam` (surfaces never import optimizers).

    Attributes:
      name: keyword of the surface factory (``surfaces.get(name, **{self.name: value})``).
      default: the factory's default.
      low, high: valid range, ``None`` for unbounded.
      low_open, high_open: whether the range excludes the end point.
      ui: slider range ``(low, high)`` in value units.
      scale: slider scale, ``"linear"`` or ``"log"``.
      label: short label for the UI (defaults to ``name``).
      doc: one-line description.
    """

    name: str
    default: float
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    ui: tuple[float, float] | None = None
    scale: str = "linear"
    label: str = ""
    doc: str = ""

    def check(self, value: Any) -> float:
        """``value`` as a float, or ``ValueError`` naming this parameter and its valid range."""
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"Invalid {self.name}: {value!r} (must be a number)") from None
        if not math.isfinite(v):
            raise ValueError(f"Invalid {self.name}: {value!r} (must be finite)")
        if self.low is not None and (v <= self.low if self.low_open else v < self.low):
            raise ValueError(f"Invalid {self.name}: {v} (must be {'>' if self.low_open else '>='} {self.low})")
        if self.high is not None and (v >= self.high if self.high_open else v > self.high):
            raise ValueError(f"Invalid {self.name}: {v} (must be {'<' if self.high_open else '<='} {self.high})")
        return v


@dataclass(frozen=True)
class Surface:
    """A loss f(x, y) with analytic derivatives, vectorized over leading axes.

    Attributes:
      name: registry name, e.g. ``"rosenbrock"``.
      title: human-readable name for the UI.
      formula: the loss in LaTeX, for captions.
      value: ``xy (..., 2) -> (...)``.
      grad: ``xy (..., 2) -> (..., 2)``.
      hessian: ``xy (..., 2) -> (..., 2, 2)``.
      bounds: ``((xmin, xmax), (ymin, ymax))`` of the default plot window.
      minima: global/local minima as ``(x, y)`` tuples (may be empty, e.g. saddles);
        each is stationary to float64 round-off.
      start: default start point ``(x, y)``.
      log_scale: whether the contour needs logarithmic colour scaling.
      lr_range: sensible ``(low, high)`` learning rate per optimizer family,
        keyed by family name (`FAMILIES`: ``"sgd"``, ``"adaptive"``, ``"second_order"``);
        the geometric middle converges visibly from ``start``.
      params: the surface's own parameter values (e.g. Rosenbrock's ``a``, ``b``),
        as passed to `surfaces.get`.
      min_values: ``f`` at each of ``minima``, same order.
      param_specs: metadata of each parameter in ``params`` (`SurfaceParam`), for the UI.
      summary: one sentence on what the surface demonstrates.
      dataset: for data-driven surfaces (``linear_regression``), the per-example
        loss that minibatch noise samples from (`surfaces.regression.Dataset`); else ``None``.
      fused: optional fast form of ``value`` and ``grad`` for many runs at once:
        ``fused(k) -> fill(x, y, gx, gy, value)`` takes contiguous ``(k,)`` coordinate
        arrays and writes the gradient and the loss into the other three, with
        buffers allocated once and the same operations in the same order as
        ``value`` and ``grad`` (so the numbers are bit for bit theirs).
      grad_scalar: optional ``(x, y) -> (gx, gy)`` on Python floats, the same operations
        in the same order as ``grad`` (so bit for bit it): `simulate` steps a handful of
        runs in Python floats, where NumPy's per-call overhead would dominate.
    """

    name: str
    title: str
    formula: str
    value: Callable[[Array], Array]
    grad: Callable[[Array], Array]
    hessian: Callable[[Array], Array]
    bounds: tuple[tuple[float, float], tuple[float, float]]
    minima: list[tuple[float, float]]
    start: tuple[float, float]
    log_scale: bool = False
    lr_range: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    params: Mapping[str, float] = field(default_factory=dict)
    min_values: tuple[float, ...] = ()
    param_specs: tuple[SurfaceParam, ...] = ()
    summary: str = ""
    dataset: Any = None
    fused: Callable[[int], Callable[..., None]] | None = None
    grad_scalar: Callable[[float, float], tuple[float, float]] | None = None

    def __post_init__(self):
        if len(self.min_values) != len(self.minima):
            raise ValueError(f"{self.name}: {len(self.minima)} minima but {len(self.min_values)} min_values")
        unknown = set(self.lr_range) - set(FAMILIES)
        if unknown:
            raise ValueError(f"{self.name}: unknown optimizer families in lr_range: {sorted(unknown)}")

    @property
    def min_value(self) -> float | None:
        """The lowest listed minimum's value (the global minimum if it is listed), or ``None``."""
        return min(self.min_values) if self.min_values else None

    @property
    def extent(self) -> float:
        """Largest absolute coordinate of the plot window (used for divergence bounds)."""
        (x0, x1), (y0, y1) = self.bounds
        return float(max(abs(x0), abs(x1), abs(y0), abs(y1), 1.0))


def split(xy: Array) -> tuple[Array, Array]:
    """Return the x and y components of an ``(..., 2)`` array."""
    if type(xy) is not np.ndarray or xy.dtype != np.float64:
        xy = np.asarray(xy, dtype=np.float64)
    return xy[..., 0], xy[..., 1]


def stack_grad(gx: Array, gy: Array) -> Array:
    """Stack two partial derivatives into an ``(..., 2)`` gradient.

    Filled into one preallocated array: this runs at every optimizer step, where
    ``np.stack`` + ``np.broadcast_arrays`` would cost more than the gradient itself.
    """
    sx, sy = np.shape(gx), np.shape(gy)
    shape = sx if sx == sy else np.broadcast_shapes(sx, sy)   # equal shapes: the common case, and cheaper
    out = np.empty(shape + (2,))
    out[..., 0] = gx
    out[..., 1] = gy
    return out


def full(x: Array, c: float) -> Array:
    """The constant ``c`` in the shape of ``x`` (for constant Hessian entries)."""
    return np.full(np.shape(x), float(c))


def stack_hessian(hxx: Array, hxy: Array, hyy: Array) -> Array:
    """Assemble a symmetric ``(..., 2, 2)`` Hessian from its three entries."""
    hxx, hxy, hyy = np.broadcast_arrays(hxx, hxy, hyy)
    return np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], -2)
