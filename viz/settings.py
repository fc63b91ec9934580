"""The scene's settings: defaults, and validation of what a client sends."""
from __future__ import annotations

from dataclasses import dataclass, field

import surfaces
from optimizers.base import LR

from . import validate
from .catalog import DEFAULT_ENTRIES, ENTRIES, SLIDER_DEFAULTS, slider_meta
from .controls import from_slider, to_slider

MAX_RUNS = 16
MAX_STEPS = 5000
MIN_STEPS = 10
SHARED = ("momentum", "beta1", "beta2")


@dataclass(frozen=True)
class Settings:
    surface: str = "ravine"
    entries: tuple[str, ...] = tuple(DEFAULT_ENTRIES)
    lr: float = 0.01
    shared: dict = field(default_factory=lambda: dict(SLIDER_DEFAULTS))
    steps: int = 500


DEFAULTS = Settings()


def read_inputs(surface_name, entries, lr, shared_positions, steps) -> tuple[Settings, list[str]]:
    """Validated settings from raw callback values, and notices about anything changed.

    ``shared_positions`` are slider positions (in slider units) for `SHARED`.
    """
    notices: list[str] = []
    surface_name = validate.choice(surface_name, surfaces.names(), DEFAULTS.surface, "surface", notices)
    keys = validate.subset(entries, ENTRIES, "optimizers", notices, MAX_RUNS)
    lr = validate.number(lr, LR.ui[0], LR.ui[1], DEFAULTS.lr, "learning rate", notices)
    meta = slider_meta()
    shared = {}
    for name, position in zip(SHARED, shared_positions):
        h = meta[name]
        lo, hi = (to_slider(h, v) for v in h.ui)
        default = to_slider(h, SLIDER_DEFAULTS[name])
        shared[name] = from_slider(h, validate.number(position, lo, hi, default, h.label or name, notices))
    steps = validate.number(steps, MIN_STEPS, MAX_STEPS, DEFAULTS.steps, "steps", notices, integer=True)
    return Settings(surface_name, tuple(keys), lr, shared, steps), notices
