"""The optimizer runs on the page: what each card holds, and their defaults from the registry."""
from __future__ import annotations

import math
from typing import Any

import optimizers
import surfaces
from optimizers import Hyperparam

MAX_RUNS = 16


def flat_params(name: str) -> list[Hyperparam]:
    """The UI-level parameters of an optimizer: pairs (``betas``) split into their items."""
    out = []
    for h in optimizers.spec(name).hyperparams:
        out.extend(h.items if h.kind == "pair" else (h,))
    return out


def default_lr(name: str, surface: surfaces.Surface | None) -> float:
    """The geometric middle of the surface's lr range for the optimizer's family, or torch's default."""
    spec = optimizers.spec(name)
    rng = (surface.lr_range or {}).get(spec.family) if surface is not None else None
    if rng:
        return float(f"{math.sqrt(rng[0] * rng[1]):.2g}")
    return float(spec.defaults()["lr"])


def default_values(name: str, surface: surfaces.Surface | None = None) -> dict[str, Any]:
    """Flat parameter values of a fresh card (lr suited to the surface)."""
    values = {h.name: h.default for h in flat_params(name)}
    values["lr"] = default_lr(name, surface)
    return values


def new_run(run_id: str, name: str, surface=None, ghost_of: str | None = None, **overrides) -> dict:
    """A run record as stored in the browser: ``{id, optimizer, values, ghost_of}``."""
    values = default_values(name, surface) | overrides
    return {"id": run_id, "optimizer": name, "values": values, "ghost_of": ghost_of}


def to_kwargs(name: str, values: dict) -> dict:
    """Registry keyword arguments from flat values (re-assembling pairs such as ``betas``)."""
    kwargs = {}
    for h in optimizers.spec(name).hyperparams:
        if h.kind == "pair":
            kwargs[h.name] = tuple(values.get(item.name, item.default) for item in h.items)
        else:
            kwargs[h.name] = values.get(h.name, h.default)
    return kwargs


def label(run: dict, runs: list[dict]) -> str:
    """Display name: the optimizer, numbered when it appears more than once (A/B ghosts)."""
    same = [r for r in runs if r["optimizer"] == run["optimizer"]]
    if len(same) == 1:
        return run["optimizer"]
    return f"{run['optimizer']} #{same.index(run) + 1}"
