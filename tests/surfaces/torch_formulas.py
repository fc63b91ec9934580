"""Each built-in surface written independently in torch: ``w (..., 2) -> (...)``.

The oracle for gradients and Hessians (torch.autograd) and for the optimizer
parity loops. Keyword arguments are the surface's parameters.
"""
import torch


def _rosenbrock(w, a=1.0, b=100.0):
    return (a - w[..., 0]) ** 2 + b * (w[..., 1] - w[..., 0] ** 2) ** 2


TORCH_SURFACES = {
    "ravine": lambda w: w[..., 0] ** 2 + 10 * w[..., 1] ** 2,
    "rosenbrock": _rosenbrock,
    "himmelblau": lambda w: (w[..., 0] ** 2 + w[..., 1] - 11) ** 2 + (w[..., 0] + w[..., 1] ** 2 - 7) ** 2,
}

__all__ = ["TORCH_SURFACES", "torch"]
