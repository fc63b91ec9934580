"""The baseline: the torch.optim + autograd loop a user would write for the same runs.

It records what `optimizers.simulate` returns (every position and every loss),
so both sides do the same work. torch runs with one intra-op thread, like the
NumPy engine: on this shared 2-core machine its default of 2 threads is slower for
these sizes and erratic whenever another process takes a core (OpenMP threads wait
for each other), which would flatter the engine. Surfaces are written in torch here; any other
surface is taken from the test suite's independent torch formulas.
"""
from __future__ import annotations

import numpy as np
import torch


def _rosenbrock(w, a=1.0, b=100.0):
    return (a - w[..., 0]) ** 2 + b * (w[..., 1] - w[..., 0] ** 2) ** 2


def _ravine(w):
    return w[..., 0] ** 2 + 10.0 * w[..., 1] ** 2


_OWN = {"rosenbrock": _rosenbrock, "ravine": _ravine}


def surface_fn(name: str):
    """``w (..., 2) -> (...)`` in torch, or ``None`` if no torch formula is known."""
    if name in _OWN:
        return _OWN[name]
    try:
        from tests.surfaces.torch_formulas import TORCH_SURFACES
    except ImportError:
        return None
    return TORCH_SURFACES.get(name)


def has_class(torch_class: str | None) -> bool:
    return bool(torch_class) and hasattr(torch.optim, torch_class)


def run(f, torch_class: str, kwargs: dict, starts: np.ndarray, steps: int):
    """``steps`` steps of ``torch.optim.<torch_class>`` from ``starts`` (K, 2).

    K = 1 is one (2,) parameter, as a user would write it; K > 1 steps all runs as
    one (K, 2) tensor whose summed loss is backpropagated (the runs do not
    interact: each loss depends only on its own row).

    Returns ``(path (steps+1, ..., 2), loss (steps+1, ...))`` as tensors.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _run(f, torch_class, kwargs, starts, steps)
    finally:
        torch.set_num_threads(threads)


def _run(f, torch_class: str, kwargs: dict, starts: np.ndarray, steps: int):
    k = starts.shape[0]
    w = torch.tensor(starts[0] if k == 1 else starts, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, torch_class)([w], **kwargs)
    path = torch.empty((steps + 1, *w.shape), dtype=torch.float64)
    loss = torch.empty((steps + 1, *w.shape[:-1]), dtype=torch.float64)
    path[0] = w.detach()
    for t in range(steps):
        opt.zero_grad()
        value = f(w)
        (value if k == 1 else value.sum()).backward()
        opt.step()
        loss[t] = value.detach()
        path[t + 1] = w.detach()
    with torch.no_grad():
        loss[steps] = f(w)
    return path, loss
