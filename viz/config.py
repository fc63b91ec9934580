"""The scene's configuration: defaults, and validation of everything a client sends.

A configuration is plain JSON-able data, so it can live in browser stores and
(later) in the URL. `read_config` turns raw callback values into a validated
`Config` plus user-facing notices; it never raises on hostile input.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import optimizers
import surfaces
from optimizers import schedules
from surfaces.custom import DEFAULT_BOUNDS as CUSTOM_BOUNDS, default_start as custom_start

from . import validate
from .controls import parse
from .runs import MAX_RUNS, flat_params, new_run, to_kwargs
from .schedule_defaults import scaled

MIN_STEPS, MAX_STEPS = 10, 5000
MAX_SIGMA = 100.0
MAX_BATCH = 100_000
CUSTOM = "custom"
NO_SCHEDULE = "none"
DEFAULT_FORMULA = "sin(x)*cos(y) + 0.1*(x**2 + y**2)"
DEFAULT_BOUNDS = CUSTOM_BOUNDS        # a formula's plot window: one default, the surface package's


def default_runs(surface_name: str | None = "ravine") -> list[dict]:
    """The runs of a page opened without a query: SGD, an A/B copy with momentum 0.9, and Adam,
    each lr suited to the surface (torch's default lr for ``None``, e.g. a formula)."""
    s = surfaces.get(surface_name) if surface_name is not None else None
    return [new_run("r1", "SGD", s), new_run("r2", "SGD", s, ghost_of="r1", momentum=0.9),
            new_run("r3", "Adam", s)]


@dataclass(frozen=True)
class RunConfig:
    id: str
    label: str
    optimizer: str
    kwargs: dict
    schedule: tuple[str, dict] | None
    # This run's own minibatch plan on a data surface, (B, milestones, factor), else the shared batch.
    batch: tuple[int, tuple[int, ...], float] | None = None


@dataclass(frozen=True)
class Config:
    surface: str = "ravine"
    surface_params: dict = field(default_factory=dict)
    formula: str = ""
    bounds: tuple = DEFAULT_BOUNDS
    start: tuple[float, float] | None = None
    steps: int = 500
    sigma: float = 0.0
    batch: int | None = None
    seed: int = 0
    runs: tuple[RunConfig, ...] = ()
    tolerance: float = 1e-6


def default_start(surface: str, surface_params: dict | None = None,
                  bounds: Any = DEFAULT_BOUNDS) -> tuple[float, float]:
    """Where a run starts when no start is given: the surface's own default start.

    A formula's is up and left of the centre of its window (`surfaces.custom.default_start`);
    it is computed without parsing the formula, so it is cheap for any text.
    """
    if surface == CUSTOM:
        try:
            return custom_start(bounds)
        except ValueError:
            return custom_start(DEFAULT_BOUNDS)
    try:
        return tuple(surfaces.get(surface, **(surface_params or {})).start)
    except (ValueError, TypeError):
        return tuple(surfaces.get(surface).start) if surface in surfaces.names() else (0.0, 0.0)


def start_of(config: Config, surface: surfaces.Surface | None = None) -> tuple[float, float]:
    """The start point of ``config``'s runs: the one given, else the surface's default.

    The one source of the start: the scene, the step inspector, the controls a link sets,
    the exports and the PyTorch check all read it here. ``surface``: the configured surface
    if already built (saves building it again).
    """
    if config.start is not None:
        return (float(config.start[0]), float(config.start[1]))
    if surface is not None and config.surface != CUSTOM:
        x, y = surface.start
    else:
        x, y = default_start(config.surface, config.surface_params, config.bounds)
    return (float(x), float(y))


def _schedule(entry: Any, notices: list[str], who: str, steps: int | None = None) -> tuple[str, dict] | None:
    """A validated (name, params) pair from a stored schedule entry, or None for a constant lr.

    Parameters counted in steps that the entry leaves out get the run-length defaults of a
    ``steps``-step run (`viz.schedule_defaults`); the others are the registry's defaults.
    """
    if not isinstance(entry, dict):
        return None
    name = entry.get("name")
    if name in (None, NO_SCHEDULE):
        return None
    if name not in schedules.names():
        notices.append(f"{who}: unknown schedule ignored")
        return None
    raw = entry.get("params") if isinstance(entry.get("params"), dict) else {}
    params = {}
    for h in schedules.spec(name).params:
        if h.name not in raw:
            continue
        try:
            params[h.name] = parse(h, raw[h.name])
        except ValueError as err:
            notices.append(f"{who}: {err}")
    params = {k: v for k, v in scaled(name, steps).items() if k not in params} | params
    try:
        schedules.get(name, **params)
    except ValueError as err:
        notices.append(f"{who} schedule {name}: {err}")
        return None
    return name, params


def read_runs(runs: Any, values: dict, schedules_store: Any, notices: list[str],
              steps: int | None = None) -> list[RunConfig]:
    """Validated runs from the runs store, the card controls' values and the schedule store.

    ``values`` maps ``(run_id, parameter name)`` to the raw control value (slider
    positions for sliders, the typed number for ``lr``). ``steps``: the run's length, for
    the schedules' run-length defaults (``None``: torch's defaults).
    """
    if not isinstance(runs, list):
        notices.append("optimizers: expected a list")
        runs = []
    schedules_store = schedules_store if isinstance(schedules_store, dict) else {}
    shared = _schedule(schedules_store.get("shared"), notices, "shared", steps)
    out, seen = [], set()
    valid_runs = [r for r in runs if isinstance(r, dict) and isinstance(r.get("id"), str)
                  and r.get("optimizer") in optimizers.names() and r["id"] not in seen
                  and not seen.add(r["id"])]
    if len(valid_runs) < len(runs):
        notices.append("optimizers: ignored unknown entries")
    if len(valid_runs) > MAX_RUNS:
        notices.append(f"optimizers: at most {MAX_RUNS} at once")
        valid_runs = valid_runs[:MAX_RUNS]
    from .runs import label
    for run in valid_runs:
        name = run["optimizer"]
        stored = run.get("values") if isinstance(run.get("values"), dict) else {}
        flat = {}
        for h in flat_params(name):
            raw = values.get((run["id"], h.name), None)
            if raw is None:
                flat[h.name] = stored.get(h.name, h.default) if h.name != "lr" else stored.get("lr")
                continue
            try:
                flat[h.name] = _lr(raw, h, notices) if h.name == "lr" else parse(h, raw)
            except ValueError as err:
                notices.append(f"{label(run, valid_runs)}: {err}")
                flat[h.name] = h.default
        if not _is_number(flat.get("lr")):
            flat["lr"] = optimizers.spec(name).defaults()["lr"]
        own = schedules_store.get(run["id"])
        schedule = _schedule(own, notices, label(run, valid_runs), steps) if isinstance(own, dict) else shared
        batch = _run_batch(run.get("batch"), notices, label(run, valid_runs)) if "batch" in run else None
        out.append(RunConfig(run["id"], label(run, valid_runs), name, to_kwargs(name, flat), schedule, batch))
    return out


def _run_batch(entry: Any, notices: list[str], who: str) -> tuple[int, tuple[int, ...], float] | None:
    """A run's own batch plan ``{"size": B, "milestones": [...], "factor": f}`` as (B, milestones, factor)."""
    if entry is None:
        return None
    if not isinstance(entry, dict):
        notices.append(f"{who}: batch size ignored")
        return None
    size = validate.number(entry.get("size"), 1, MAX_BATCH, 32, f"{who} batch size", notices, integer=True)
    raw = entry.get("milestones", ())
    milestones: list[int] = []
    if isinstance(raw, (list, tuple)) and len(raw) <= 20:
        for m in raw:
            step = validate.number(m, 1, MAX_STEPS, 0, f"{who} batch milestone", notices, integer=True)
            if step and (not milestones or step > milestones[-1]):
                milestones.append(step)
    else:
        notices.append(f"{who}: batch milestones ignored")
    factor = validate.number(entry.get("factor", 2.0), 1.0, 64.0, 2.0, f"{who} batch factor", notices)
    return int(size), tuple(milestones), float(factor)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _lr(raw: Any, h, notices: list[str]) -> float:
    return validate.number(raw, h.ui[0], h.ui[1], h.default, "learning rate", notices)


def read_config(surface_name, surface_params, formula, bounds, start, steps, sigma, batch, seed,
                runs, values, schedules_store, tolerance=1e-6) -> tuple[Config, list[str]]:
    """A validated `Config` from raw callback values, and notices about what had to change."""
    notices: list[str] = []
    names = [*surfaces.names(), CUSTOM]
    surface_name = validate.choice(surface_name, names, "ravine", "surface", notices)
    params = {}
    if surface_name != CUSTOM:
        raw = surface_params if isinstance(surface_params, dict) else {}
        for p in surfaces.get(surface_name).param_specs:
            if p.name in raw and p.ui is not None:
                # Slider positions, like the cards' values: log10(value) on a log slider.
                log = p.scale == "log"
                lo, hi = (math.log10(p.ui[0]), math.log10(p.ui[1])) if log else p.ui
                position = validate.number(raw[p.name], lo, hi, math.log10(p.default) if log else p.default,
                                           p.label or p.name, notices)
                params[p.name] = 10.0 ** position if log else position
    formula = formula if isinstance(formula, str) else ""
    if len(formula) > 1000:
        formula = formula[:1000]
    bounds = _bounds(bounds, notices)
    if start is not None:
        if isinstance(start, (list, tuple)) and len(start) == 2:
            start = (validate.number(start[0], -1e6, 1e6, 0.0, "start x", notices),
                     validate.number(start[1], -1e6, 1e6, 0.0, "start y", notices))
        else:
            notices.append("start: expected two numbers")
            start = None
    steps = validate.number(steps, MIN_STEPS, MAX_STEPS, 500, "steps", notices, integer=True)
    sigma = validate.number(sigma, 0.0, MAX_SIGMA, 0.0, "noise σ", notices) if sigma is not None else 0.0
    batch = validate.number(batch, 1, 100_000, 32, "batch size", notices, integer=True) if batch is not None else None
    seed = validate.number(seed, 0, 2**31 - 1, 0, "seed", notices, integer=True) if seed is not None else 0
    tolerance = validate.number(tolerance, 1e-12, 1e3, 1e-6, "tolerance", notices)
    run_configs = read_runs(runs, values, schedules_store, notices, steps)
    return Config(surface_name, params, formula, bounds, start, steps, sigma, batch, seed,
                  tuple(run_configs), tolerance), notices


def _bounds(bounds: Any, notices: list[str]) -> tuple:
    try:
        (x0, x1), (y0, y1) = bounds
        vals = [validate.number(v, -1e6, 1e6, 0.0, "bounds", notices) for v in (x0, x1, y0, y1)]
        if vals[0] < vals[1] and vals[2] < vals[3]:
            return (vals[0], vals[1]), (vals[2], vals[3])
        notices.append("bounds: each minimum must be below its maximum")
    except (TypeError, ValueError):
        if bounds is not None:
            notices.append("bounds: expected [[xmin, xmax], [ymin, ymax]]")
    return DEFAULT_BOUNDS
