"""Loss surfaces f(x, y) with analytic gradients and Hessians, vectorized over points.

Pure NumPy: this package never imports dash, plotly, torch or optimizers.

    >>> import surfaces, numpy as np
    >>> s = surfaces.get("rosenbrock")
    >>> s.value(np.array([[1.0, 1.0], [0.0, 0.0]]))
    array([0., 1.])
    >>> surfaces.get("custom", formula="x**2 + 3*y**2").grad(np.array([1.0, 1.0]))
    array([2., 6.])

Modules: `base` (the `Surface` record), one small module per family of built-in
surfaces, `formula` (safe user formulas), `custom` (a surface from a formula),
`regression` (a data set for minibatches) and `noise` (stochastic gradients for
``optimizers.simulate(..., noise=...)``).
"""
from .base import FAMILIES, Surface, SurfaceParam
from .custom import custom
from .formula import FormulaError, parse_formula
from .noise import GaussianNoise, Minibatch
from .registry import CUSTOM, get, names

__all__ = ["CUSTOM", "FAMILIES", "FormulaError", "GaussianNoise", "Minibatch", "Surface", "SurfaceParam",
           "custom", "get", "names", "parse_formula"]
