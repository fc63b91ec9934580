"""Compute a scene: every selected run on one surface, as plain arrays (no dash here)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import optimizers
import surfaces


@dataclass(frozen=True)
class RunRequest:
    label: str
    optimizer: str
    hyperparams: dict


@dataclass(frozen=True)
class RunResult:
    label: str
    path: np.ndarray         # (steps + 1, 2)
    loss: np.ndarray         # (steps + 1,)
    lr: np.ndarray           # (steps,)
    diverged_at: int         # -1 if never
    error: str = ""          # invalid hyperparameters: the run is not shown


def compute(surface: surfaces.Surface, requests: list[RunRequest], start, steps: int) -> list[RunResult]:
    """Simulate each request from ``start``; invalid settings become an error, not an exception."""
    results = []
    starts = np.array([start], dtype=np.float64)
    for req in requests:
        try:
            opt = optimizers.get(req.optimizer, **req.hyperparams)
        except ValueError as err:
            results.append(RunResult(req.label, np.empty((0, 2)), np.empty(0), np.empty(0), -1, str(err)))
            continue
        run = optimizers.simulate(surface, opt, starts, steps)
        results.append(RunResult(req.label, run.path[:, 0], run.loss[:, 0], run.lr[:, 0],
                                 int(run.diverged_at[0])))
    return results


def compute_settings(settings) -> tuple[surfaces.Surface, list[RunResult]]:
    """The surface and every run of a validated `viz.settings.Settings`."""
    from .catalog import ENTRIES, hyperparams_for

    surface = surfaces.get(settings.surface)
    requests = [RunRequest(ENTRIES[k].label, ENTRIES[k].optimizer,
                           hyperparams_for(ENTRIES[k], settings.lr, settings.shared))
                for k in settings.entries]
    return surface, compute(surface, requests, surface.start, settings.steps)


def min_value(surface: surfaces.Surface) -> float | None:
    """The lowest listed minimum's value, or None if the surface lists none."""
    if not surface.minima:
        return None
    return float(np.min(surface.value(np.array(surface.minima, dtype=np.float64))))
