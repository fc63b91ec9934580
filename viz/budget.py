"""What one request may cost, known before any work starts, and a wall-clock stop behind it.

A class server is shared: one student's request must not hold a worker for a minute.
Every request that simulates (a scene, an export, the step inspector, the PyTorch check,
a GIF) first estimates its cost from the configuration alone — runs × steps × the cost
of one step, where a step costs the optimizer's update plus the surface's gradient (for
a custom formula: the operations of its derivative graph, `surfaces.formula.node_count`)
plus the loss when a schedule reads it — and is refused with a message naming the limit
when the estimate is over. The costs are microseconds per step measured on a 2-core
EPYC VM (`benchmarks` reports estimate against measurement); they are deliberately on
the high side. A request that is under budget but meets a slow machine is stopped by a
deadline (`deadline`, passed on to `optimizers.simulate`) at a multiple of its limit.

Pure functions of a validated `viz.config.Config`; nothing here keeps state.
"""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import optimizers
import surfaces
from optimizers import schedules
from optimizers.engine import Clock
from surfaces.formula import FormulaError, node_count, parse_formula

from .config import CUSTOM, Config

# Seconds of estimated computing one request may take, per kind of request.
LIMITS = {"scene": 1.0, "csv": 1.5, "json": 1.5, "gif": 1.5, "torch-script": 1.0, "torch-check": 1.5,
          "inspector": 0.1}
# A request under budget is still stopped once it has run this many times its limit (a busy machine).
DEADLINE_FACTOR = 2.0
# Requests estimated over this many seconds take turns for the machine's heavy slots (`heavy_slot`),
# waiting at most HEAVY_WAIT seconds for one.
HEAVY_SECONDS, HEAVY_WAIT = 0.1, 2.0

# µs per step of one run: the update rule on (1, 2) arrays (`Optimizer.update`) ...
ARRAY_US = {"SGD": 8, "ASGD": 12, "Rprop": 22, "Adagrad": 10, "RMSprop": 12, "Adadelta": 15, "Adam": 12,
            "AdamW": 12, "Adamax": 12, "NAdam": 14, "RAdam": 14, "Adafactor": 28, "Momentum": 10,
            "LocalGains": 35, "Lion": 22, "SWATS": 50, "Newton": 80}
FAST_US = 3          # ... or its Python-float kernel (`Optimizer.fast`), when `simulate` can take it
# The surface's gradient and value at one point (µs); the scalar gradient (`Surface.grad_scalar`) ~1 µs.
GRAD_US = {"ravine": 7, "rosenbrock": 12, "quadratic": 20, "booth": 17, "matyas": 10, "beale": 35,
           "himmelblau": 18, "goldstein_price": 105, "six_hump_camel": 19, "styblinski_tang": 16,
           "rastrigin": 14, "ackley": 39, "levi13": 36, "saddle": 7, "monkey_saddle": 10,
           "plateau_cliff": 22, "linear_regression": 20}
DEFAULT_GRAD_US = 110
SCALAR_GRAD_US = 1
HESSIAN_US = 140     # a built-in Hessian (Newton)
# A custom formula: a fixed cost per call plus each operation of its derivative graph on (1,) arrays.
FORMULA_CALL_US, FORMULA_NODE_US = 30, 3.5
LOSS_SCHEDULE_US = 35   # ReduceLROnPlateau reads the loss at each step
NOISE_US = 10
# Whole-path passes after the loop (losses, divergence, figures): per point of every run.
PATH_US = 0.3
# Writing one step of one run: CSV and JSON rows; a torch.optim step (the PyTorch check).
WRITE_US = {"csv": 13.0, "json": 13.0}
TORCH_STEP_US = 160
GIF_US = 250_000     # drawing the 48 frames of a GIF
REPLAY_US = 15       # the inspector's Python loop around each replayed update


@dataclass(frozen=True)
class Estimate:
    seconds: float
    limit: float
    what: str                      # e.g. "this scene", "the CSV export"

    @property
    def ok(self) -> bool:
        return self.seconds <= self.limit

    def message(self, hint: str = "") -> str:
        return (f"Not computed: {self.what} would need about {_seconds(self.seconds)} of computing, over "
                f"the server's limit of {_seconds(self.limit)} per request{hint}.")


def _seconds(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.1f} s"


def formula_step_us(formula: str, hessian: bool = False) -> float:
    """µs of one gradient (and Hessian) of a custom formula at one point, from its derivative graph."""
    try:
        expr = parse_formula(formula, ("x", "y"))
    except FormulaError:
        return 0.0             # not computed at all: the formula's own message says why
    fx, fy = expr.diff("x"), expr.diff("y")
    parts = [fx, fy] + ([fx.diff("x"), fx.diff("y"), fy.diff("y")] if hessian else [])
    return FORMULA_CALL_US * (2 if hessian else 1) + FORMULA_NODE_US * node_count(*parts)


def _fast_ok(config: Config, run) -> bool:
    """Whether `simulate` steps this run with its Python-float kernel (see optimizers.engine)."""
    spec = optimizers.spec(run.optimizer)
    if getattr(optimizers.get(run.optimizer, **run.kwargs), "fast", None) is None or spec.name == "Newton":
        return False
    if run.schedule is None:
        return True
    try:
        schedule = schedules.get(run.schedule[0], **run.schedule[1])
    except ValueError:
        return True
    return not schedule.needs_loss and not schedule.cycles


def _formula_costs(config: Config) -> dict[bool, float]:
    """µs of the custom formula's gradient, without and with its Hessian (computed once per estimate)."""
    if config.surface != CUSTOM:
        return {}
    newton = any(run.optimizer == "Newton" for run in config.runs)
    return {False: formula_step_us(config.formula), True: formula_step_us(config.formula, True) if newton else 0.0}


def step_us(config: Config, run, formula: dict | None = None) -> float:
    """Estimated µs of one step of ``run`` in ``config`` (the update, the gradient, the schedule)."""
    custom = config.surface == CUSTOM
    newton = run.optimizer == "Newton"
    stochastic = config.sigma > 0 or (config.batch is not None and not custom
                                      and getattr(surfaces.get(config.surface), "dataset", None) is not None)
    try:
        fast = _fast_ok(config, run)
    except ValueError:
        fast = False
    us = FAST_US if fast else ARRAY_US.get(run.optimizer, max(ARRAY_US.values()))
    if custom:
        formula = _formula_costs(config) if formula is None else formula
        us += formula[newton]
    else:
        scalar = fast and not stochastic and getattr(surfaces.get(config.surface), "grad_scalar", None) is not None
        us += SCALAR_GRAD_US if scalar else GRAD_US.get(config.surface, DEFAULT_GRAD_US)
        us += HESSIAN_US if newton else 0
    if run.schedule is not None and run.schedule[0] == "ReduceLROnPlateau":
        us += LOSS_SCHEDULE_US + (us if custom else GRAD_US.get(config.surface, DEFAULT_GRAD_US))
    if stochastic:
        us += NOISE_US
    return us


def scene_seconds(config: Config, steps: int | None = None) -> float:
    """Estimated seconds to simulate every run of ``config`` for ``steps`` (default: all) steps."""
    return _Costs(config).seconds("scene", config.steps if steps is None else steps)


class _Costs:
    """Per-step costs of each run of one configuration, worked out once; `seconds` for any step count."""

    def __init__(self, config: Config):
        self.config = config
        formula = _formula_costs(config)
        self.per_run = [step_us(config, run, formula) for run in config.runs]
        self.torch = [us for us, run in zip(self.per_run, config.runs)
                      if optimizers.spec(run.optimizer).torch_class is not None]
        self.replay = [ARRAY_US.get(run.optimizer, max(ARRAY_US.values())) + REPLAY_US +
                       (formula[False] if formula else GRAD_US.get(config.surface, DEFAULT_GRAD_US))
                       for run in config.runs]

    def seconds(self, kind: str, steps: int, step: int | None = None) -> float:
        scene = steps * sum(us + PATH_US for us in self.per_run) * 1e-6
        runs = len(self.per_run)
        if kind in ("scene", "torch-script"):    # (the script lists runs the engine rejects: one scene)
            return scene
        if kind in WRITE_US:
            return scene + runs * (steps + 1) * WRITE_US[kind] * 1e-6
        if kind == "gif":
            return scene + GIF_US * 1e-6
        if kind == "torch-check":
            from .torch_check import MAX_STEPS

            return min(steps, MAX_STEPS) * sum(TORCH_STEP_US + us for us in self.torch) * 1e-6
        if kind == "inspector":   # simulate() up to the step, then a Python replay with the array rule
            t = min(max(int(step or 0), 0), steps - 1) + 1
            return t * sum(us + replay for us, replay in zip(self.per_run, self.replay)) * 1e-6
        raise ValueError(f"unknown kind of request {kind!r}")


WHAT = {"scene": "this scene", "csv": "the CSV export", "json": "the JSON export", "gif": "the GIF export",
        "torch-script": "the PyTorch script", "torch-check": "the PyTorch check"}


def estimate(config: Config, kind: str = "scene", step: int | None = None) -> Estimate:
    """The cost of a request of ``kind`` (a key of `LIMITS`) for ``config``, before doing any of it."""
    if kind not in LIMITS:
        raise ValueError(f"unknown kind of request {kind!r}")
    seconds = _Costs(config).seconds(kind, config.steps, step)
    if kind == "inspector":
        t = min(max(int(step or 0), 0), config.steps - 1)
        return Estimate(seconds, LIMITS[kind], f"the step inspector at step {t:,}")
    return Estimate(seconds, LIMITS[kind], WHAT[kind])


def steps_within(config: Config, kind: str = "scene") -> int:
    """The most steps ``config`` could have and stay within the limit of ``kind`` (0 if none would)."""
    costs = _Costs(config)
    lo, hi = 0, config.steps
    while lo < hi:                      # the cost grows with the steps: bisect
        mid = (lo + hi + 1) // 2
        if costs.seconds(kind, mid, mid - 1) <= LIMITS[kind]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def hint(config: Config, kind: str = "scene") -> str:
    """``": use at most N steps, fewer runs or a simpler formula"`` for a message."""
    from .config import MIN_STEPS

    n = steps_within(config, kind)
    return f": use at most {n:,} steps, fewer runs or a simpler formula" if n >= MIN_STEPS else \
        ": use fewer runs or a simpler formula"


def deadline(kind: str = "scene") -> float:
    """The `time.monotonic()` value after which a request of ``kind`` is stopped."""
    return time.monotonic() + DEADLINE_FACTOR * LIMITS[kind]


class Busy(Exception):
    """No heavy slot came free in time; ``str(err)`` is the message for the page."""


@contextmanager
def heavy_slot(cost: Estimate, environ=None) -> Iterator[None]:
    """Hold one of the machine's slots for long requests while the block runs.

    Requests estimated over `HEAVY_SECONDS` (a big scene, an export, the PyTorch check)
    take turns, at most ``VIZ_HEAVY_SLOTS`` (default 1) at once on the machine, whichever
    worker they reach: an exclusive `fcntl.flock` on a lock file beside the caches, freed by
    the kernel however the request ends. A request waits for a slot cooperatively (other
    requests of its worker go on meanwhile) up to `HEAVY_WAIT`, then raises `Busy`. The
    students' slider moves are light and never wait.
    """
    if cost.seconds <= HEAVY_SECONDS:
        yield
        return
    from .sweep.manager import cache_root

    environ = os.environ if environ is None else environ
    try:
        n = max(1, min(int(environ.get("VIZ_HEAVY_SLOTS", "1")), 64))
    except ValueError:
        n = 1
    folder = cache_root(environ) / "heavy"
    folder.mkdir(parents=True, exist_ok=True)
    until = time.monotonic() + HEAVY_WAIT
    held = None
    while held is None:
        for i in range(n):
            f = open(folder / f"slot-{i}.lock", "a+")
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = f
                break
            except OSError:
                f.close()
        if held is None:
            if time.monotonic() > until:
                raise Busy(f"Not computed: the server is busy with other long requests ({n} at a time); "
                           f"{cost.what} needs about {_seconds(cost.seconds)}: try again in a moment, "
                           f"or with fewer runs or steps.")
            time.sleep(0.02)
    try:
        yield
    finally:
        held.close()


class Pacer(Clock):
    """A request's own loops (torch's steps, the inspector's replay, export rows): the engine's
    `Clock` on the request's deadline of ``kind`` (or ``until``)."""

    def __init__(self, kind: str = "scene", until: float | None = None):
        super().__init__(deadline(kind) if until is None else until)


STOPPED = ("Stopped: the server is busy and this took longer than its limit of {limit} per request; "
           "try again in a moment, or with fewer runs or steps.")


def stopped(kind: str = "scene") -> str:
    return STOPPED.format(limit=_seconds(DEADLINE_FACTOR * LIMITS[kind]))
