"""What the optimizer picker offers: named entries built from the optimizer registry.

Each entry is a registry optimizer plus the shared sliders it listens to. The
sliders themselves come from the registry's Hyperparam metadata.
"""
from __future__ import annotations

from dataclasses import dataclass

import optimizers


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    optimizer: str                      # registry name
    fixed: tuple[tuple[str, object], ...] = ()   # keyword values this entry pins
    sliders: tuple[str, ...] = ()       # shared sliders it reads (besides lr)


ENTRIES: dict[str, Entry] = {e.key: e for e in (
    Entry("sgd", "SGD", "SGD"),
    Entry("momentum", "SGD + momentum", "SGD", sliders=("momentum",)),
    Entry("adam", "Adam", "Adam", sliders=("beta1", "beta2")),
)}

DEFAULT_ENTRIES = ["sgd", "momentum", "adam"]


def slider_meta() -> dict:
    """Metadata of the shared sliders, taken from the registry (momentum, beta1, beta2)."""
    sgd = {h.name: h for h in optimizers.spec("SGD").hyperparams}
    betas = {h.name: h for h in optimizers.spec("Adam").hyperparams}["betas"]
    meta = {"momentum": sgd["momentum"]}
    meta.update({item.name: item for item in betas.items})
    return meta


SLIDER_DEFAULTS = {"momentum": 0.9, "beta1": 0.9, "beta2": 0.999}


def hyperparams_for(entry: Entry, lr: float, shared: dict) -> dict:
    """Keyword arguments for ``optimizers.get`` from the entry and the slider values."""
    kwargs = dict(entry.fixed)
    kwargs["lr"] = lr
    if "momentum" in entry.sliders:
        kwargs["momentum"] = shared["momentum"]
    if "beta1" in entry.sliders:
        kwargs["betas"] = (shared["beta1"], shared["beta2"])
    return kwargs
