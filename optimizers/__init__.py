"""Optimizers as pure NumPy update rules, vectorized over K runs, equal to torch.optim.

    >>> import numpy as np, surfaces, optimizers
    >>> opt = optimizers.get("Adam", lr=0.01)
    >>> run = optimizers.simulate(surfaces.get("rosenbrock"), opt, np.array([[-1.5, 2.0]]), 100)
    >>> run.path.shape
    (101, 1, 2)

This package never imports dash or plotly.
"""
from . import schedules
from .base import Hyperparam, Optimizer, OptimizerSpec
from .engine import Run, simulate
from .registry import get, names, spec

__all__ = ["Hyperparam", "Optimizer", "OptimizerSpec", "Run", "get", "names", "schedules",
           "simulate", "spec"]
