"""Each built-in surface written independently in torch: ``w (..., 2) -> (...)``.

The oracle for gradients and Hessians (torch.autograd) and for the optimizer
parity loops. Keyword arguments are the surface's parameters. The formulas are
the textbook ones, written without looking at the NumPy derivatives.
"""
import math

import torch


def _x(w):
    return w[..., 0]


def _y(w):
    return w[..., 1]


def _rosenbrock(w, a=1.0, b=100.0):
    return (a - w[..., 0]) ** 2 + b * (w[..., 1] - w[..., 0] ** 2) ** 2


def _quadratic(w, kappa=10.0, angle=30.0):
    # ½ wᵀAw with A = R diag(2, 2κ) Rᵀ, R's columns the shallow and steep axes.
    th = math.radians(angle)
    rot = torch.tensor([[math.cos(th), -math.sin(th)], [math.sin(th), math.cos(th)]], dtype=w.dtype)
    a = rot @ torch.diag(torch.tensor([2.0, 2.0 * kappa], dtype=w.dtype)) @ rot.T
    return 0.5 * torch.einsum("...i,ij,...j->...", w, a, w)


def _beale(w):
    x, y = _x(w), _y(w)
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2


def _goldstein_price(w):
    x, y = _x(w), _y(w)
    a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x ** 2 - 14 * y + 6 * x * y + 3 * y ** 2)
    b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x ** 2 + 48 * y - 36 * x * y + 27 * y ** 2)
    return a * b


def _six_hump_camel(w):
    x, y = _x(w), _y(w)
    return (4 - 2.1 * x ** 2 + x ** 4 / 3) * x ** 2 + x * y + (-4 + 4 * y ** 2) * y ** 2


def _styblinski_tang(w):
    return 0.5 * (w ** 4 - 16 * w ** 2 + 5 * w).sum(-1)


def _rastrigin(w):
    return 10 * 2 + (w ** 2 - 10 * torch.cos(2 * math.pi * w)).sum(-1)


def _ackley(w):
    x, y = _x(w), _y(w)
    return (-20 * torch.exp(-0.2 * torch.sqrt(0.5 * (x ** 2 + y ** 2)))
            - torch.exp(0.5 * (torch.cos(2 * math.pi * x) + torch.cos(2 * math.pi * y))) + math.e + 20)


def _levi13(w):
    x, y = _x(w), _y(w)
    return (torch.sin(3 * math.pi * x) ** 2 + (x - 1) ** 2 * (1 + torch.sin(3 * math.pi * y) ** 2)
            + (y - 1) ** 2 * (1 + torch.sin(2 * math.pi * y) ** 2))


def _plateau_cliff(w):
    x, y = _x(w), _y(w)
    well = 1 - torch.exp(-((x + 2) ** 2 + y ** 2) / (2 * 2.0 ** 2))
    return well + 2.0 / 2 * (1 + torch.tanh(8 * (x - 1)))


def _linear_regression(w):
    from surfaces.regression import dataset  # the data, not the formula

    data = dataset()
    x, y = torch.from_numpy(data.x.copy()), torch.from_numpy(data.y.copy())
    pred = w[..., :1] * x + w[..., 1:]
    return 0.5 * ((pred - y) ** 2).mean(-1)


TORCH_SURFACES = {
    "ravine": lambda w: w[..., 0] ** 2 + 10 * w[..., 1] ** 2,
    "rosenbrock": _rosenbrock,
    "quadratic": _quadratic,
    "booth": lambda w: (_x(w) + 2 * _y(w) - 7) ** 2 + (2 * _x(w) + _y(w) - 5) ** 2,
    "matyas": lambda w: 0.26 * (_x(w) ** 2 + _y(w) ** 2) - 0.48 * _x(w) * _y(w),
    "beale": _beale,
    "himmelblau": lambda w: (w[..., 0] ** 2 + w[..., 1] - 11) ** 2 + (w[..., 0] + w[..., 1] ** 2 - 7) ** 2,
    "goldstein_price": _goldstein_price,
    "six_hump_camel": _six_hump_camel,
    "styblinski_tang": _styblinski_tang,
    "rastrigin": _rastrigin,
    "ackley": _ackley,
    "levi13": _levi13,
    "saddle": lambda w: _x(w) ** 2 - _y(w) ** 2,
    "monkey_saddle": lambda w: _x(w) ** 3 - 3 * _x(w) * _y(w) ** 2,
    "plateau_cliff": _plateau_cliff,
    "linear_regression": _linear_regression,
}

__all__ = ["TORCH_SURFACES", "torch"]
