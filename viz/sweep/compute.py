"""Hyperparameter sweeps and basin maps as plain arrays (no dash, no plotly here).

A sweep simulates a whole grid of runs with one vectorized `optimizers.simulate`
call per chunk of cells, every swept hyperparameter passed as a per-run array:

- **hyperparameter sweep** (``mode="sweep"``): one start, two hyperparameters on
  the axes — any float hyperparameter of the optimizer (``lr``, ``momentum``,
  ``beta1``, ``beta2`` ...), a parameter of the schedule (``schedule.gamma``), or
  the minibatch size (``batch_size``, on data surfaces such as linear_regression);
- **basin map** (``mode="basin"``): fixed hyperparameters, a grid of start points
  over the surface's plot window.

Chunks: `simulate` keeps the whole path, ``(steps + 1) × K × 2`` floats, so a
200 × 200 × 500 sweep in one call would hold ~0.5 GB; cells are therefore split
into chunks of at most ``CHUNK_CELL_STEPS / (steps + 1)`` runs (about 2,000 at
500 steps, 100 at 10,000), each one `simulate` call: memory stays near 25 MB per
sweep, a grid that fits is one call, and the progress bar has something to report.
Chunks of a few thousand runs are as fast as one huge call (which leaves the cache).

The batch size is not an optimizer hyperparameter but a property of the gradient
noise, so a batch-size axis makes one call per batch value (each with all the cells
of that value). Every run sees the same minibatch sequence as a single run with
that seed (common random numbers), so a cell equals what the trajectory view shows.

Every input is validated here (`make_spec` raises ``ValueError`` with a message
for the user); results never hold anything but finite numbers, NaN for
"not applicable" and -1 / -2 codes, documented on `SweepResult`.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

import optimizers
import surfaces
from optimizers import Hyperparam, schedules
from optimizers.schedules import Schedule

from ..runs import default_lr, flat_params, to_kwargs
from ..schedule_defaults import scaled

MAX_SIDE = 200                      # cells per axis
MAX_CELLS = MAX_SIDE * MAX_SIDE     # 40,000 runs
MAX_STEPS = 10_000
MIN_TOLERANCE, MAX_TOLERANCE = 1e-12, 1e3
CHUNK_CELL_STEPS = 1_000_000        # runs × (steps + 1) per simulate() call: ≤ 25 MB of path and loss
MAX_CHUNK = 8192                    # beyond this, one call gets no faster (measured) and progress gets coarse
MAX_START = 1e6
SWEEP, BASIN = "sweep", "basin"
BATCH = "batch_size"
SCHEDULE_PREFIX = "schedule."
NO_SCHEDULE = "none"
# A basin map counts a run as having reached a listed minimum within this fraction of the window.
BASIN_RADIUS = 0.05
# Loss gaps are floored here before taking log10 (converged runs reach 0 exactly).
GAP_FLOOR = 1e-16

BATCH_PARAM = Hyperparam(BATCH, 32, kind="int", low=1, scale="log", ui=(1, 512), label="batch size B",
                         doc="examples per minibatch (linear_regression has 512)")


def _start_param(axis: str, bounds: tuple[float, float]) -> Hyperparam:
    return Hyperparam(axis, (bounds[0] + bounds[1]) / 2, low=-MAX_START, high=MAX_START, scale="linear",
                      ui=bounds, label=f"start {axis}", doc=f"{axis} coordinate of the start point")


@dataclass(frozen=True)
class Axis:
    """One axis of the grid.

    Attributes:
      key: ``"lr"``, ``"beta1"`` ..., ``"schedule.<param>"``, ``"batch_size"``, or ``"x"``/``"y"`` (basin map).
      param: its metadata (scale, label, kind).
      low, high: the requested range, in value units.
      values: ``(n,)`` grid values, increasing (whole numbers for int parameters, without repeats).
    """

    key: str
    param: Hyperparam
    low: float
    high: float
    values: np.ndarray

    @property
    def scale(self) -> str:
        return self.param.scale

    @property
    def label(self) -> str:
        return self.param.label or self.param.name


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: everything `run` needs, in plain values.

    ``args`` holds the (normalised) keyword arguments of `make_spec`, JSON-able, so a
    browser store can carry the spec and `make_spec(**args)` rebuild (and re-validate) it.
    """

    mode: str
    optimizer: str
    surface: surfaces.Surface
    start: tuple[float, float]
    values: dict                  # flat optimizer values of every cell, swept ones excluded
    schedule: tuple[str, dict] | None
    x: Axis
    y: Axis
    steps: int
    tolerance: float
    batch: int | None             # fixed minibatch size on a data surface (None: exact gradients)
    seed: int
    args: dict = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.y.values), len(self.x.values)


@dataclass(frozen=True)
class SweepResult:
    """Per-cell results, arrays shaped ``(ny, nx)`` (row = y value, column = x value).

    Attributes:
      final_loss: f at the last step; NaN where the run diverged.
      steps_to_tolerance: first step with f − f* ≤ tolerance; -1 if never (or f* unknown).
      diverged_at: first diverged step (see `optimizers.Run`), -1 if never.
      basin: index into ``surface.minima`` of the minimum the run ended within
        ``BASIN_RADIUS × extent`` of; -1 none; -2 diverged.
      seconds: wall time of the simulation; calls: number of `simulate` calls.
    """

    spec: SweepSpec
    final_loss: np.ndarray
    steps_to_tolerance: np.ndarray
    diverged_at: np.ndarray
    basin: np.ndarray
    seconds: float
    calls: int

    @property
    def gap(self) -> np.ndarray | None:
        """f − f* (≥ 0 up to round-off), or None if the surface lists no minimum."""
        if not self.spec.surface.minima:
            return None
        return self.final_loss - self.spec.surface.min_value


# ---------------------------------------------------------------- what can be swept

def axis_params(optimizer: str, surface: str | None = None, schedule: str | None = None) -> dict[str, Hyperparam]:
    """The parameters a hyperparameter sweep may put on an axis, by key, in display order.

    Float hyperparameters of the optimizer with a slider range (pairs split: ``beta1``,
    ``beta2``), float/int parameters of the schedule (unless it depends on the loss),
    and the batch size on a data surface.
    """
    out: dict[str, Hyperparam] = {}
    if optimizer in optimizers.names():
        for h in flat_params(optimizer):
            if h.kind == "float" and h.ui is not None and not h.optional:
                out[h.name] = h
    if schedule in schedules.names() and not schedules.spec(schedule).needs_loss:
        for h in schedules.spec(schedule).params:
            if h.kind in ("float", "int") and h.ui is not None and h.default is not None and not h.optional:
                out[SCHEDULE_PREFIX + h.name] = h
    if surface in surfaces.names() and getattr(surfaces.get(surface), "dataset", None) is not None:
        out[BATCH] = BATCH_PARAM
    return out


def default_range(key: str, param: Hyperparam, optimizer: str, surface: str) -> tuple[float, float]:
    """A range worth looking at: a decade either side of the surface's lr range, else the slider range."""
    lo, hi = param.ui
    if key == "lr" and surface in surfaces.names() and optimizer in optimizers.names():
        rng = (surfaces.get(surface).lr_range or {}).get(optimizers.spec(optimizer).family)
        if rng:
            lo, hi = max(lo, float(f"{rng[0] / 10:.3g}")), min(hi, float(f"{rng[1] * 10:.3g}"))
    if key == BATCH:
        data = getattr(surfaces.get(surface), "dataset", None) if surface in surfaces.names() else None
        hi = data.n if data is not None else hi
    return float(lo), float(hi)


# ---------------------------------------------------------------- validation

def as_number(value: Any, name: str) -> float:
    """A finite float from a number (or a numeric string, as a typed box may send); else ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, np.integer, np.floating)) \
            or (isinstance(value, str) and len(value) > 40):
        raise ValueError(f"{name}: expected a number")
    try:
        value = float(value)
    except ValueError:
        raise ValueError(f"{name}: expected a number") from None
    except OverflowError:        # an integer beyond float range (JSON allows any number of digits)
        raise ValueError(f"{name}: must be a finite number") from None
    if not math.isfinite(value):
        raise ValueError(f"{name}: must be a finite number")
    return value


def _integer(value: Any, name: str, low: int, high: int) -> int:
    v = as_number(value, name)
    if v != round(v):
        raise ValueError(f"{name}: expected a whole number")
    if not low <= v <= high:
        raise ValueError(f"{name}: {v:g} is outside [{low:g}, {high:g}]")
    return int(v)


def _in_range(param: Hyperparam, value: float, name: str) -> None:
    try:
        param.check(int(value) if param.kind == "int" else value)
    except ValueError as err:
        raise ValueError(f"{name}: {err}") from None


def _grid_values(param: Hyperparam, lo: float, hi: float, n: int) -> np.ndarray:
    """``n`` values from lo to hi, evenly spaced on the parameter's slider scale."""
    if param.scale == "log":
        values = np.logspace(math.log10(lo), math.log10(hi), n)
    elif param.scale == "one_minus_log":
        values = 1.0 - np.logspace(math.log10(1.0 - lo), math.log10(1.0 - hi), n)
    else:
        values = np.linspace(lo, hi, n)
    values[0], values[-1] = lo, hi      # exact end points, whatever the round-off
    if param.kind == "int":
        values = np.unique(np.round(values))
    return values


def _axis(key: Any, lo: Any, hi: Any, n: int, params: dict[str, Hyperparam], which: str) -> Axis:
    if not isinstance(key, str) or key not in params:
        choices = ", ".join(params) or "none"
        raise ValueError(f"{which} axis: {str(key)[:40]!r} cannot be swept here (choose from {choices})")
    param = params[key]
    lo, hi = as_number(lo, f"{which} axis minimum"), as_number(hi, f"{which} axis maximum")
    if not lo < hi:
        raise ValueError(f"{which} axis: the minimum must be below the maximum")
    label = param.label or param.name
    _in_range(param, lo, f"{which} axis minimum ({label})")
    _in_range(param, hi, f"{which} axis maximum ({label})")
    if param.scale == "log" and lo <= 0:
        raise ValueError(f"{which} axis ({label}): a log axis needs a minimum above 0")
    if param.scale == "one_minus_log" and hi >= 1:
        raise ValueError(f"{which} axis ({label}): the maximum must be below 1")
    if param.kind == "int" and (lo != round(lo) or hi != round(hi)):
        raise ValueError(f"{which} axis ({label}): expected whole numbers")
    if param.ui is not None and (lo < param.ui[0] or hi > param.ui[1]):
        # The trajectory view's controls cover this range, so a clicked cell loads faithfully.
        raise ValueError(f"{which} axis ({label}): the range must lie within [{param.ui[0]:g}, {param.ui[1]:g}]")
    return Axis(key, param, lo, hi, _grid_values(param, lo, hi, n))


def _schedule(name: Any, params: Any, steps: int) -> tuple[tuple[str, dict] | None, dict]:
    """The schedule the cells run and the parameters given for it (what the spec's ``args`` keep).

    Step counts that are not given get their run-length defaults (`viz.schedule_defaults`), as
    in the trajectory view, so a clicked cell loads the very schedule it ran.
    """
    if name in (None, NO_SCHEDULE):
        return None, {}
    if not isinstance(name, str) or name not in schedules.names():
        raise ValueError(f"schedule: unknown schedule {str(name)[:40]!r}")
    params = params if isinstance(params, dict) else {}
    known = {h.name: h for h in schedules.spec(name).params}
    clean = {}
    for key, value in params.items():
        if key not in known or known[key].kind not in ("float", "int"):
            raise ValueError(f"schedule {name}: unknown parameter {str(key)[:40]!r}")
        clean[key] = as_number(value, f"schedule {name} {key}")
        if known[key].kind == "int":
            clean[key] = _integer(value, f"schedule {name} {key}", -10**9, 10**9)
    filled = {k: v for k, v in scaled(name, steps).items() if k not in clean} | clean
    schedules.get(name, **filled)    # ValueError names the parameter
    return (name, filled), clean


def make_spec(*, mode: str = SWEEP, optimizer: str = "SGD", surface: str = "ravine", start: Any = None,
              values: Any = None, schedule: Any = None, schedule_params: Any = None,
              x: Any = ("lr", None, None), y: Any = ("momentum", None, None), n: Any = 100,
              steps: Any = 500, tolerance: Any = 1e-6, batch: Any = None, seed: Any = 0) -> SweepSpec:
    """A validated `SweepSpec` from plain arguments; ``ValueError`` with a message for the user.

    Args:
      mode: ``"sweep"`` (hyperparameters on the axes) or ``"basin"`` (start points on the axes).
      optimizer, surface: registry names.
      start: ``(x, y)``; ``None`` for the surface's default start (sweep mode).
      values: fixed flat hyperparameter values, e.g. ``{"lr": 0.01}``; others are the registry
        defaults and lr defaults to the middle of the surface's range.
      schedule, schedule_params: a schedule name (or None) and its fixed parameters.
      x, y: ``(key, low, high)``, low/high ``None`` for the default range (sweep mode only;
        a basin map's axes are the start x and y over the surface's window).
      n: cells per axis, 2…200 (an int axis may get fewer: values are distinct whole numbers).
      steps: 1…10,000. tolerance: for "steps to tolerance", in (1e-12, 1e3).
      batch: fixed minibatch size on a data surface (``None``: exact gradients);
        seed: the minibatch seed.
    """
    if mode not in (SWEEP, BASIN):
        raise ValueError("mode: choose a hyperparameter sweep or a basin map")
    if not isinstance(optimizer, str) or optimizer not in optimizers.names():
        raise ValueError(f"optimizer: unknown optimizer {str(optimizer)[:40]!r}")
    if not isinstance(surface, str) or surface not in surfaces.names():
        raise ValueError(f"surface: unknown surface {str(surface)[:40]!r}")
    surf = surfaces.get(surface)
    n = _integer(n, "grid size", 2, MAX_SIDE)
    steps = _integer(steps, "steps", 1, MAX_STEPS)
    tolerance = as_number(tolerance, "tolerance")
    if not MIN_TOLERANCE <= tolerance <= MAX_TOLERANCE:
        raise ValueError(f"tolerance: must be between {MIN_TOLERANCE:g} and {MAX_TOLERANCE:g}")
    seed = _integer(seed, "seed", 0, 2**31 - 1)
    data = getattr(surf, "dataset", None)
    if batch is not None:
        if data is None:
            raise ValueError(f"batch size: {surface} has no data set (use linear_regression)")
        batch = _integer(batch, "batch size", 1, data.n)
    if start is None:
        start = surf.start
    if not isinstance(start, (list, tuple)) or len(start) != 2:
        raise ValueError("start: expected two numbers")
    start = tuple(as_number(v, f"start {c}") for v, c in zip(start, "xy"))
    if any(abs(v) > MAX_START for v in start):
        raise ValueError(f"start: coordinates must be within ±{MAX_START:g}")
    sched, given = _schedule(schedule, schedule_params, steps)

    # Fixed hyperparameters: registry defaults, the surface's lr, then what was given.
    flat = {h.name: h for h in flat_params(optimizer)}
    fixed = {name: h.default for name, h in flat.items()}
    fixed["lr"] = default_lr(optimizer, surf)
    if values is not None and not isinstance(values, dict):
        raise ValueError("hyperparameters: expected a mapping of names to values")
    for key, value in (values or {}).items():
        if key not in flat:
            raise ValueError(f"{optimizer} has no hyperparameter {str(key)[:40]!r}")
        h = flat[key]
        if h.kind == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"{key}: expected true or false")
        elif h.kind == "choice":
            if value not in h.choices:
                raise ValueError(f"{key}: choose from {', '.join(map(str, h.choices))}")
        elif not (h.optional and value is None):
            value = as_number(value, h.label or key)
        fixed[key] = value

    if mode == SWEEP:
        params = axis_params(optimizer, surface, sched[0] if sched else None)
        xk, xlo, xhi = _triple(x, "x")
        yk, ylo, yhi = _triple(y, "y")
        if xk == yk:
            raise ValueError("axes: choose two different parameters")
        if (isinstance(xk, str) and xk.startswith(SCHEDULE_PREFIX)) or \
                (isinstance(yk, str) and yk.startswith(SCHEDULE_PREFIX)):
            if sched is None:
                raise ValueError("axes: pick a schedule to sweep one of its parameters")
        axes = []
        for key, lo, hi, which in ((xk, xlo, xhi, "x"), (yk, ylo, yhi, "y")):
            if key in params and (lo is None or hi is None):
                dlo, dhi = default_range(key, params[key], optimizer, surface)
                lo, hi = dlo if lo is None else lo, dhi if hi is None else hi
            axes.append(_axis(key, lo, hi, n, params, which))
        ax, ay = axes
        if BATCH in (ax.key, ay.key):
            batch = None
    else:
        (x0, x1), (y0, y1) = surf.bounds
        ax = _axis("x", x0, x1, n, {"x": _start_param("x", (x0, x1))}, "x")
        ay = _axis("y", y0, y1, n, {"y": _start_param("y", (y0, y1))}, "y")
    for key in (ax.key, ay.key):
        fixed.pop(key, None)
    if data is not None and batch is None and BATCH not in (ax.key, ay.key):
        batch = 32   # the trajectory view always samples minibatches on a data surface
    spec = SweepSpec(mode, optimizer, surf, start, fixed, sched, ax, ay, steps, tolerance, batch, seed)
    _check_cell(spec)
    args = {"mode": mode, "optimizer": optimizer, "surface": surface, "start": list(start),
            "values": {k: v for k, v in fixed.items()}, "schedule": sched[0] if sched else None,
            "schedule_params": dict(given),
            "x": [ax.key, ax.low, ax.high], "y": [ay.key, ay.low, ay.high], "n": n, "steps": steps,
            "tolerance": tolerance, "batch": batch, "seed": seed}
    return SweepSpec(mode, optimizer, surf, start, fixed, sched, ax, ay, steps, tolerance, batch, seed, args)


def _triple(value: Any, which: str) -> tuple[Any, Any, Any]:
    if isinstance(value, str):
        return value, None, None
    if isinstance(value, (list, tuple)) and len(value) == 3 and isinstance(value[0], str):
        return tuple(value)
    raise ValueError(f"{which} axis: expected a parameter and its range")


def _check_cell(spec: SweepSpec) -> None:
    """Build the first and last cell's optimizer and schedule, so that range errors surface now."""
    for i, j in ((0, 0), (spec.shape[0] - 1, spec.shape[1] - 1)):
        cell = cell_config(spec, i, j)
        try:
            optimizers.get(spec.optimizer, **to_kwargs(spec.optimizer, cell["values"]))
            if cell["schedule"]:
                schedules.get(cell["schedule"][0], **cell["schedule"][1])
        except ValueError as err:
            raise ValueError(f"{spec.optimizer}: {err}") from None


# ---------------------------------------------------------------- cells

def cell_config(spec: SweepSpec, i: int, j: int) -> dict:
    """The configuration of cell (row ``i``, column ``j``) as plain values.

    ``{"optimizer", "values" (flat), "schedule" (name, params) | None, "start" (x, y),
    "batch" | None, "seed", "steps", "tolerance", "surface"}`` — what a single
    `simulate` call (or the trajectory view) needs to reproduce the cell.
    """
    values = dict(spec.values)
    sched = (spec.schedule[0], dict(spec.schedule[1])) if spec.schedule else None
    start, batch = spec.start, spec.batch
    for axis, k in ((spec.x, j), (spec.y, i)):
        v = axis.values[k].item()
        if axis.key in ("x", "y") and spec.mode == BASIN:
            start = (v, start[1]) if axis.key == "x" else (start[0], v)
        elif axis.key == BATCH:
            batch = int(v)
        elif axis.key.startswith(SCHEDULE_PREFIX):
            name = axis.key[len(SCHEDULE_PREFIX):]
            sched[1][name] = int(v) if axis.param.kind == "int" else v
        else:
            values[axis.key] = v
    return {"optimizer": spec.optimizer, "surface": spec.surface.name, "values": values, "schedule": sched,
            "start": start, "batch": batch, "seed": spec.seed, "steps": spec.steps, "tolerance": spec.tolerance}


def nearest_cell(spec: SweepSpec, x: float, y: float, positions: Callable[[Axis], np.ndarray]) -> tuple[int, int]:
    """Row and column of the cell nearest to the plot coordinates ``(x, y)``."""
    j = int(np.argmin(np.abs(positions(spec.x) - x)))
    i = int(np.argmin(np.abs(positions(spec.y) - y)))
    return i, j


# ---------------------------------------------------------------- running

@dataclass(frozen=True)
class SharedNoise:
    """A noise model whose K runs all see run 0's stream (common random numbers).

    ``surfaces.noise`` gives run k its own stream, so cell k of a sweep would not
    equal a single run with the same seed; here every cell does.
    """

    noise: Any

    def bind(self, surface, k: int, steps: int):
        one = self.noise.bind(surface, 1, steps)

        def grad(params, t):
            return np.broadcast_to(one(params, t), params.shape)

        return grad


def _composite_schedule(name: str, fixed: dict, swept: dict[str, tuple[np.ndarray, bool]]) -> Schedule:
    """One schedule whose swept parameters differ per run: each distinct setting's sequence, side by side.

    ``swept`` maps a parameter to its per-run values and whether it is an integer.
    """
    keys = list(swept)
    table = np.stack([swept[key][0] for key in keys], axis=1)          # (K, parameters)
    distinct, inverse = np.unique(table, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    parts = [schedules.get(name, **(fixed | {key: int(v) if swept[key][1] else float(v)
                                             for key, v in zip(keys, row)})) for row in distinct]
    groups = [np.flatnonzero(inverse == g) for g in range(len(distinct))]
    k = len(table)

    def assemble(fns):
        def sequence(base, steps):
            # base: (1, K) per-run values (lr, or the momentum a schedule cycles), or (1, 1) if shared.
            base = np.broadcast_to(base, (1, k))
            out = np.empty((steps, k))
            for fn, cols in zip(fns, groups):
                out[:, cols] = fn(np.ascontiguousarray(base[:, cols]), steps)
            return out
        return sequence

    cycles = {c: assemble([p.cycles[c] for p in parts]) for c in parts[0].cycles}
    return Schedule(name=name, params=dict(parts[0].params), sequence=assemble([p.sequence for p in parts]),
                    cycles=cycles)


def _chunks(spec: SweepSpec) -> list[np.ndarray]:
    """Flat cell indices (row-major) of each simulate() call."""
    ny, nx = spec.shape
    size = max(64, min(MAX_CHUNK, CHUNK_CELL_STEPS // (spec.steps + 1)))
    if spec.x.key == BATCH:        # one call (or more) per batch value: a column
        groups = [np.arange(ny) * nx + j for j in range(nx)]
    elif spec.y.key == BATCH:      # ... or a row
        groups = [i * nx + np.arange(nx) for i in range(ny)]
    else:
        groups = [np.arange(ny * nx)]
    return [g[s:s + size] for g in groups for s in range(0, len(g), size)]


def _simulate_cells(spec: SweepSpec, cells: np.ndarray):
    """One simulate() call for the given flat cell indices."""
    nx = spec.shape[1]
    rows, cols = cells // nx, cells % nx
    k = len(cells)
    values = dict(spec.values)
    starts = np.broadcast_to(np.asarray(spec.start, dtype=np.float64), (k, 2)).copy()
    sched = spec.schedule
    schedule = schedules.get(sched[0], **sched[1]) if sched else None
    batch = spec.batch
    swept = {}
    for axis, index in ((spec.x, cols), (spec.y, rows)):
        v = axis.values[index]
        if spec.mode == BASIN:
            starts[:, 0 if axis.key == "x" else 1] = v
        elif axis.key == BATCH:
            batch = int(v[0])            # a chunk holds one batch value
        elif axis.key.startswith(SCHEDULE_PREFIX):
            swept[axis.key[len(SCHEDULE_PREFIX):]] = (v, axis.param.kind == "int")
        else:
            values[axis.key] = v
    if swept:
        schedule = _composite_schedule(sched[0], sched[1], swept)
        # simulate() reads a scalar base lr as "one lr sequence for every run": make it per-run.
        values["lr"] = np.broadcast_to(np.asarray(values["lr"], dtype=np.float64), (k,)).copy()
    opt = optimizers.get(spec.optimizer, **to_kwargs(spec.optimizer, values))
    noise = SharedNoise(surfaces.noise.Minibatch(batch, seed=spec.seed)) if batch is not None else None
    return optimizers.simulate(spec.surface, opt, starts, spec.steps, schedule=schedule, noise=noise)


def run(spec: SweepSpec, progress: Callable[[int, int], None] | None = None) -> SweepResult:
    """Simulate every cell of ``spec``; ``progress(done, total)`` is called after each chunk.

    Raises ``ValueError`` only for settings the engine rejects (e.g. a schedule that
    cycles a momentum the optimizer lacks); the message is for the user.
    """
    t0 = time.perf_counter()
    ny, nx = spec.shape
    total = ny * nx
    final = np.full(total, np.nan)
    reached = np.full(total, -1, dtype=np.int64)
    diverged = np.full(total, -1, dtype=np.int64)
    basin = np.full(total, -1, dtype=np.int64)
    surf = spec.surface
    f_star = surf.min_value if surf.minima else None
    minima = np.asarray(surf.minima, dtype=np.float64).reshape(-1, 2)
    radius = BASIN_RADIUS * surf.extent
    chunks = _chunks(spec)
    done = 0
    for cells in chunks:
        sim = _simulate_cells(spec, cells)
        d = sim.diverged_at
        diverged[cells] = d
        final[cells] = np.where(d < 0, sim.loss[-1], np.nan)
        if f_star is not None:
            with np.errstate(invalid="ignore"):
                hit = (sim.loss - f_star) <= spec.tolerance
            reached[cells] = np.where(hit.any(axis=0), hit.argmax(axis=0), -1)
        if len(minima):
            end = sim.path[-1]
            dist = np.linalg.norm(end[:, None, :] - minima[None, :, :], axis=-1)
            with np.errstate(invalid="ignore"):
                nearest = np.argmin(np.where(np.isfinite(dist), dist, np.inf), axis=1)
                close = dist[np.arange(len(cells)), nearest] <= radius
            basin[cells] = np.where(close, nearest, -1)
        basin[cells] = np.where(d >= 0, -2, basin[cells])
        del sim
        done += len(cells)
        if progress is not None:
            progress(done, total)
    shape = (ny, nx)
    return SweepResult(spec, final.reshape(shape), reached.reshape(shape), diverged.reshape(shape),
                       basin.reshape(shape), time.perf_counter() - t0, len(chunks))
