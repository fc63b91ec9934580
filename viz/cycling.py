"""What a schedule cycles besides the lr: CyclicLR's and OneCycleLR's momentum (or β₁).

With ``cycle_momentum`` on (their default, as in torch) these schedules write a momentum
into every step, replacing the optimizer's own, so plain SGD runs with momentum. The run's
note, its update rule and the lr panel say so; this module tells them what is cycled,
mirroring ``optimizers.engine`` (β₁ when the optimizer has ``betas``, else ``momentum``).
"""
from __future__ import annotations

from dataclasses import dataclass

import optimizers
from optimizers import schedules

from .config import RunConfig
from .runs import flat_params

LATEX = {"μ": r"\mu_t", "α": r"\alpha_t", "β₁": r"\beta_{1,t}"}


@dataclass(frozen=True)
class Cycled:
    """The hyperparameter a run's schedule cycles.

    Attributes:
      key: the optimizer-side name, ``"momentum"`` or ``"beta1"``.
      label: its control's label ("momentum μ", "β₁"); symbol: "μ", "α" or "β₁"; latex: its
        per-step symbol (μ_t ...).
      low, high: the schedule's base and max momentum (high while the lr is low).
      own: the optimizer's own value, which the schedule replaces.
      schedule: the schedule's name.
    """

    key: str
    label: str
    symbol: str
    latex: str
    low: float
    high: float
    own: float
    schedule: str


def cycled_key(optimizer: str) -> str | None:
    """The hyperparameter a momentum-cycling schedule drives in ``optimizer`` (None: it cannot run one)."""
    names = {h.name for h in optimizers.spec(optimizer).hyperparams}
    if "betas" in names:
        return "beta1"
    if "momentum" in names:
        return "momentum"
    return None


def cycled(run: RunConfig) -> Cycled | None:
    """What ``run``'s schedule cycles besides the lr, or None."""
    if not run.schedule:
        return None
    name, params = run.schedule
    try:
        schedule = schedules.get(name, **params)
    except ValueError:
        return None
    key = cycled_key(run.optimizer)
    if not schedule.cycles or key not in schedule.cycles:
        return None
    h = next(p for p in flat_params(run.optimizer) if p.name == key)
    label = h.label or h.name
    symbol = label.split()[-1]
    own = run.kwargs["betas"][0] if key == "beta1" else run.kwargs["momentum"]
    return Cycled(key, label, symbol, LATEX.get(symbol, symbol + "_t"), float(schedule.params["base_momentum"]),
                  float(schedule.params["max_momentum"]), float(own), name)
