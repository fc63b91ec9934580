"""Loss surfaces f(x, y) with analytic gradients and Hessians, vectorized over points.

Pure NumPy: this package never imports dash or plotly.

    >>> import surfaces, numpy as np
    >>> s = surfaces.get("rosenbrock")
    >>> s.grad(np.array([[1.0, 1.0]]))
    array([[0., 0.]])
"""
from .base import Surface
from .registry import get, names

__all__ = ["Surface", "get", "names"]
