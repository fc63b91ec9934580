"""The one registry of surfaces: names, factories and their parameter metadata."""
from __future__ import annotations

import inspect
from typing import Callable

from .base import Surface
from .himmelblau import himmelblau
from .quadratics import ravine
from .rosenbrock import rosenbrock

_FACTORIES: dict[str, Callable[..., Surface]] = {
    "ravine": ravine,
    "rosenbrock": rosenbrock,
    "himmelblau": himmelblau,
}


def names() -> list[str]:
    """All registered surface names, in display order."""
    return list(_FACTORIES)


def get(name: str, **params) -> Surface:
    """Build the surface ``name`` with optional parameters (e.g. ``a=1, b=100``).

    Raises:
      ValueError: unknown surface name or keyword, or an invalid parameter value.
    """
    try:
        factory = _FACTORIES[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown surface {name!r}; choose from {', '.join(_FACTORIES)}") from None
    accepted = inspect.signature(factory).parameters
    for key in params:
        if key not in accepted:
            raise ValueError(f"Unknown parameter {key!r} for surface {name!r}")
    return factory(**params)
