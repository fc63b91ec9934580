"""The `Surface` record: a 2-D loss with its analytic derivatives and plot metadata."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

Array = np.ndarray


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
      minima: global/local minima as ``(x, y)`` tuples (may be empty, e.g. saddles).
      start: default start point ``(x, y)``.
      log_scale: whether the contour needs logarithmic colour scaling.
      lr_range: sensible ``(low, high)`` learning rate per optimizer family,
        keyed by family name (``"sgd"``, ``"adaptive"``, ...).
      params: the surface's own parameters (e.g. Rosenbrock's ``a``, ``b``).
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

    @property
    def extent(self) -> float:
        """Largest absolute coordinate of the plot window (used for divergence bounds)."""
        (x0, x1), (y0, y1) = self.bounds
        return float(max(abs(x0), abs(x1), abs(y0), abs(y1), 1.0))


def split(xy: Array) -> tuple[Array, Array]:
    """Return the x and y components of an ``(..., 2)`` array."""
    xy = np.asarray(xy, dtype=np.float64)
    return xy[..., 0], xy[..., 1]


def stack_grad(gx: Array, gy: Array) -> Array:
    """Stack two partial derivatives into an ``(..., 2)`` gradient."""
    return np.stack(np.broadcast_arrays(gx, gy), axis=-1)


def stack_hessian(hxx: Array, hxy: Array, hyy: Array) -> Array:
    """Assemble a symmetric ``(..., 2, 2)`` Hessian from its three entries."""
    hxx, hxy, hyy = np.broadcast_arrays(hxx, hxy, hyy)
    return np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], -2)
