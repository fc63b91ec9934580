"""Compute a scene: every configured run on one surface, as plain arrays (no dash here)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import optimizers
import surfaces
from optimizers import schedules

from .config import CUSTOM, Config, start_of


@dataclass(frozen=True)
class RunResult:
    label: str
    path: np.ndarray         # (steps + 1, 2)
    loss: np.ndarray         # (steps + 1,)
    lr: np.ndarray           # (steps,)
    diverged_at: int         # -1 if never
    error: str = ""          # invalid settings: the run is not shown
    cycled: dict = field(default_factory=dict)   # e.g. {"momentum": (steps,)} when a schedule cycles it
    run_id: str = ""
    cycled_label: str = ""   # what is cycled, as its control is labelled ("momentum μ", "β₁")
    note: str = ""           # e.g. "momentum μ cycled 0.8–0.9 by CyclicLR (its own μ = 0 is not used)"


@dataclass(frozen=True)
class Scene:
    surface: surfaces.Surface | None
    results: list[RunResult]
    start: tuple[float, float]
    error: str = ""          # e.g. a custom formula that does not parse
    refused: bool = False    # over the cost budget (viz.budget) or stopped at its deadline: ``error`` says so


def build_surface(config: Config) -> surfaces.Surface:
    """The configured surface; ``ValueError`` (with a user-facing message) if it cannot be built."""
    if config.surface == CUSTOM:
        return surfaces.custom(config.formula, bounds=config.bounds)
    return surfaces.get(config.surface, **config.surface_params)


def _noise(config: Config, surface: surfaces.Surface):
    from surfaces import noise

    if config.batch is not None and getattr(surface, "dataset", None) is not None:
        return noise.Minibatch(config.batch, seed=config.seed)
    if config.sigma > 0:
        return noise.GaussianNoise(config.sigma, seed=config.seed)
    return None


def run_noise(config: Config, surface: surfaces.Surface, run, shared):
    """The run's own minibatch plan (B growing ×factor at milestones) on a data surface, else ``shared``."""
    from surfaces import noise

    if run.batch is None or getattr(surface, "dataset", None) is None:
        return shared
    size, milestones, factor = run.batch
    return noise.Minibatch(size, seed=config.seed, milestones=milestones, factor=factor)


def _failed(label: str, run_id: str, message: str) -> RunResult:
    return RunResult(label, np.empty((0, 2)), np.empty(0), np.empty(0), -1, message, run_id=run_id)


def compute(config: Config, kind: str = "scene") -> Scene:
    """Simulate every run of ``config``; bad settings become messages, never exceptions.

    A configuration over the cost budget of ``kind`` (`viz.budget`) is not simulated, and one
    that runs past its deadline is stopped: both give a scene without a surface whose
    ``error`` says why (``refused``).
    """
    from . import budget

    cost = budget.estimate(config, kind)          # before anything: even building a custom surface costs
    if not cost.ok:
        return Scene(None, [], config.start or (0.0, 0.0), cost.message(budget.hint(config, kind)), refused=True)
    try:
        with budget.heavy_slot(cost):
            return _compute(config, kind)
    except budget.Busy as err:
        return Scene(None, [], config.start or (0.0, 0.0), str(err), refused=True)


def _compute(config: Config, kind: str) -> Scene:
    from . import budget

    deadline = budget.deadline(kind)
    try:
        surface = build_surface(config)
    except ValueError as err:
        return Scene(None, [], (0.0, 0.0), str(err))
    start = start_of(config, surface)
    starts = np.array([start], dtype=np.float64)
    try:
        noise = _noise(config, surface)
    except ValueError as err:
        return Scene(surface, [], start, str(err))
    results = []
    for run in config.runs:
        try:
            opt = optimizers.get(run.optimizer, **run.kwargs)
            schedule = schedules.get(run.schedule[0], **run.schedule[1]) if run.schedule else None
            sim = optimizers.simulate(surface, opt, starts, config.steps, schedule=schedule,
                                      noise=run_noise(config, surface, run, noise), deadline=deadline)
        except TimeoutError:
            return Scene(None, [], start, budget.stopped(kind), refused=True)
        except ValueError as err:   # e.g. a schedule that cycles a momentum the optimizer lacks
            results.append(_failed(run.label, run.id, str(err)))
            continue
        cycled = {name: np.asarray(seq)[:, 0] for name, seq in (sim.hyperparams or {}).items()}
        label, note = _cycled_note(run, cycled)
        results.append(RunResult(run.label, sim.path[:, 0], sim.loss[:, 0], sim.lr[:, 0],
                                 int(sim.diverged_at[0]), cycled=cycled, run_id=run.id,
                                 cycled_label=label, note=note))
    return Scene(surface, results, tuple(float(v) for v in start))


def _cycled_note(run, cycled: dict) -> tuple[str, str]:
    """What the run's schedule cycles besides the lr, as its label and a note for the run.

    CyclicLR and OneCycleLR replace the optimizer's momentum (or β₁) at every step, as torch
    does: plain SGD then runs with momentum, and the note says so.
    """
    from .cycling import cycled as cycled_of

    c = cycled_of(run)
    seq = cycled.get(c.key) if c is not None else None
    if c is None or seq is None or len(seq) == 0:
        return "", ""
    low, high = float(np.min(seq)), float(np.max(seq))
    span = f"{low:.3g}–{high:.3g}" if f"{low:.3g}" != f"{high:.3g}" else f"{low:.3g}"
    note = f"{c.label} cycled {span} by {c.schedule}"
    if c.own == 0:
        note += f" (its own {c.symbol} = 0 is not used: it runs with momentum)"
    else:
        note += f" (its own {c.symbol} = {c.own:.3g} is not used)"
    return c.label, note


def summary(surface: surfaces.Surface, result: RunResult, tolerance: float) -> dict:
    """Results-table row: final loss, distance to the nearest minimum, steps to tolerance, divergence."""
    row = {"optimizer": result.label, "final loss": None, "distance to minimum": None,
           "steps to tolerance": None, "diverged at": None, "note": result.note}
    if result.error:
        row["final loss"] = "invalid settings"
        return row
    end = len(result.path) if result.diverged_at < 0 else result.diverged_at
    if result.diverged_at >= 0:
        row["diverged at"] = result.diverged_at
    if end == 0:
        return row
    final = result.path[end - 1]
    row["final loss"] = float(result.loss[end - 1])
    if surface.minima:
        row["distance to minimum"] = float(np.min(np.linalg.norm(np.array(surface.minima) - final, axis=1)))
        gap = result.loss[:end] - surface.min_value
        hit = np.flatnonzero(gap <= tolerance)
        row["steps to tolerance"] = int(hit[0]) if hit.size else None
    return row
