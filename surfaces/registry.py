"""The one registry of surfaces: names, factories and their parameter metadata."""
from __future__ import annotations

import inspect
from typing import Callable

from .base import Surface
from .custom import custom
from .himmelblau import himmelblau
from .multimodal import ackley, levi13, rastrigin
from .plateau import plateau_cliff
from .polynomials import beale, goldstein_price, six_hump_camel, styblinski_tang
from .quadratics import booth, matyas, quadratic, ravine
from .regression import linear_regression
from .rosenbrock import rosenbrock
from .saddles import monkey_saddle, saddle

# Display order: the course's two first, then bowls, valleys, multimodal, saddles, data.
_FACTORIES: dict[str, Callable[..., Surface]] = {
    "ravine": ravine,
    "rosenbrock": rosenbrock,
    "quadratic": quadratic,
    "booth": booth,
    "matyas": matyas,
    "beale": beale,
    "himmelblau": himmelblau,
    "goldstein_price": goldstein_price,
    "six_hump_camel": six_hump_camel,
    "styblinski_tang": styblinski_tang,
    "rastrigin": rastrigin,
    "ackley": ackley,
    "levi13": levi13,
    "saddle": saddle,
    "monkey_saddle": monkey_saddle,
    "plateau_cliff": plateau_cliff,
    "linear_regression": linear_regression,
}

# Built from user input, so not listed by names(): get("custom", formula=..., bounds=..., start=...).
CUSTOM = "custom"
_EXTRA: dict[str, Callable[..., Surface]] = {CUSTOM: custom}


def names() -> list[str]:
    """All built-in surface names, in display order (``"custom"`` is not listed; see `CUSTOM`)."""
    return list(_FACTORIES)


def get(name: str, **params) -> Surface:
    """Build the surface ``name`` with optional parameters (e.g. ``a=1, b=100``).

    ``get("custom", formula="x**2 + y**2", bounds=((-3, 3), (-3, 3)), start=(2, 2))``
    builds a surface from a formula (see `surfaces.custom`).

    Raises:
      ValueError: unknown surface name or keyword, or an invalid parameter value
        (`surfaces.formula.FormulaError`, a ``ValueError``, for a rejected formula).
    """
    factory = _FACTORIES.get(name) if isinstance(name, str) else None
    if factory is None:
        factory = _EXTRA.get(name) if isinstance(name, str) else None
    if factory is None:
        raise ValueError(f"Unknown surface {name!r}; choose from {', '.join([*_FACTORIES, *_EXTRA])}")
    accepted = inspect.signature(factory).parameters
    for key in params:
        if key not in accepted:
            raise ValueError(f"Unknown parameter {key!r} for surface {name!r}")
    return factory(**params)
