"""The whole configuration as a URL query, so a link restores a scene exactly.

    ?surface=ravine&start=10,1&steps=100&run=SGD:lr=0.1&run=SGD:lr=0.1,momentum=0.9
     &schedule=StepLR:step_size=20,gamma=0.1      (every run's schedule; ``scheduleN`` for run N alone)
     &batch3=8:milestones=60/120,factor=2         (run 3's own minibatch plan on linear_regression)

`encode` writes a validated `Config` (only what differs from the defaults, plus
the surface, start, steps and each run's lr). `decode` reads any text at all: it
turns the query into the same raw values the controls send (slider positions,
switch states) and validates them with `viz.config.read_config`, so a hostile
link is clamped or ignored with notices, never an error. `control_values` is the
other direction: what the page's controls and stores must hold to show a `Config`.

Structural characters (``& = : , /``) are literal; values are percent-quoted, so
a formula such as ``max(0.1, 0.95**t)`` survives.
"""
from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import quote, unquote

import optimizers
import surfaces
from optimizers import Hyperparam, schedules

from . import presets, schedule_defaults, validate
from .config import (CUSTOM, DEFAULT_BOUNDS, MAX_STEPS, NO_SCHEDULE, Config, RunConfig, default_runs,
                     read_config)
from .controls import slider_bounds, slider_range, to_slider
from .runs import MAX_RUNS, flat_params

MAX_QUERY = 6000          # characters of a query worth reading
MAX_FIELDS = 80
DEFAULT_TOLERANCE = 1e-6
DEFAULT_BATCH = 32
SAFE = "*()/."            # kept literal inside quoted values (plus letters, digits and _-~)
# ``scheduleN`` / ``batchN``: ASCII digits only (str.isdigit also takes "²", which int() refuses).
PER_RUN_KEY = re.compile(r"(schedule|batch)([0-9]{1,9})")


# ---------------------------------------------------------------- numbers and values

def num(v: Any) -> str:
    """Shortest text that reads back as the same float (integers without ``.0``)."""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    v = float(v)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def _text(h: Hyperparam, value: Any) -> str:
    """A parameter value as URL text (before quoting)."""
    if h.kind == "bool":
        return "1" if value else "0"
    if h.kind == "ints":
        return "/".join(str(int(v)) for v in value)
    if value is None:
        return "auto"
    if isinstance(value, str):
        return value
    if h.kind == "float" and h.ui is not None and not h.optional and isinstance(value, float):
        # A slider holds log10(v) etc.: the shortest text that the slider maps to the same value.
        target = _through_slider(h, value)
        for digits in range(1, 18):
            text = f"{value:.{digits}g}"
            if _through_slider(h, float(text)) == target:
                return num(float(text))
    return num(value)


def _surface_text(p, value: float) -> str:
    """A surface parameter as the shortest text its (log) slider maps to the same value."""
    if p is None or p.scale != "log" or value <= 0:
        return num(value)
    for digits in range(1, 18):
        text = f"{value:.{digits}g}"
        if 10.0 ** math.log10(float(text)) == value:
            return num(float(text))
    return num(value)


def _through_slider(h: Hyperparam, value: float) -> float:
    from .controls import parse

    try:
        return parse(h, raw_value(h, value))
    except (ValueError, OverflowError):
        return math.nan


def _read_value(h: Hyperparam, text: str) -> Any:
    """URL text → a parameter value in value units; ``ValueError`` if unusable."""
    if h.kind == "bool":
        if text.lower() in ("1", "true", "on", "yes"):
            return True
        if text.lower() in ("0", "false", "off", "no"):
            return False
        raise ValueError(f"Invalid {h.name}: expected 1 or 0")
    if h.kind in ("choice", "formula"):
        return text
    if h.kind == "ints":
        return text.replace("/", ",")
    if text == "auto" and (h.optional or h.default is None):
        return None
    x = validate.finite(text)
    if x is None:
        raise ValueError(f"Invalid {h.name}: {text[:20]!r} is not a number")
    return x


def raw_value(h: Hyperparam, value: Any, notices: list[str] | None = None, who: str = "") -> Any:
    """What the control of ``h`` sends for ``value`` (the inverse of `viz.controls.parse`).

    Sliders send positions (log10 lr, −log10(1 − β) ...), switches a list, ``ints``
    a text. Out-of-range slider values are clamped to the slider, with a notice.
    """
    if h.kind == "bool":
        return ["on"] if value else []
    if h.kind == "ints":
        return value if isinstance(value, str) else ", ".join(str(int(v)) for v in value)
    if h.kind in ("choice", "formula") or value is None or isinstance(value, str):
        return value
    if h.kind == "float" and h.ui is not None and not h.optional:
        lo_v, hi_v = slider_bounds(h)
        if not lo_v <= value <= hi_v:
            clamped = min(max(value, lo_v), hi_v)
            if notices is not None:
                notices.append(f"{who}{h.name}: {value:g} is outside [{lo_v:g}, {hi_v:g}], using {clamped:g}")
            value = clamped
        lo, hi = slider_range(h)
        return min(max(to_slider(h, value), lo), hi)
    return value


# ---------------------------------------------------------------- encode

def _q(text: str) -> str:
    return quote(text, safe=SAFE)


def _pairs(params: list[tuple[Hyperparam, Any]]) -> str:
    return ",".join(f"{h.name}={_q(_text(h, v))}" for h, v in params)


def _flat_values(name: str, kwargs: dict) -> dict:
    """Registry keyword arguments → flat UI values (pairs such as ``betas`` split)."""
    out = {}
    for h in optimizers.spec(name).hyperparams:
        value = kwargs.get(h.name, h.default)
        if h.kind == "pair":
            for item, v in zip(h.items, value):
                out[item.name] = v
        else:
            out[h.name] = value
    return out


def _run_text(run: RunConfig) -> str:
    values = _flat_values(run.optimizer, run.kwargs)
    params = [(h, values[h.name]) for h in flat_params(run.optimizer)
              if h.name == "lr" or values[h.name] != h.default]
    return f"{run.optimizer}:{_pairs(params)}"


def _schedule_text(schedule: tuple[str, dict] | None, steps: int | None = None) -> str:
    """``Name:k=v`` with the parameters that differ from their defaults for a ``steps``-step run."""
    if schedule is None:
        return NO_SCHEDULE
    name, params = schedule
    specs = {h.name: h for h in schedules.spec(name).params}
    default = schedule_defaults.defaults(name, steps)
    shown = [(specs[k], v) for k, v in params.items() if k in specs and _differs(v, default[k])
             and specs[k].kind != "schedules"]
    return f"{name}:{_pairs(shown)}" if shown else name


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return list(a) != list(b)
    return a != b


def encode(config: Config) -> str:
    """The query string (with its ``?``) that `decode` turns back into ``config``."""
    fields = [("surface", config.surface)]
    if config.surface_params:
        specs = {p.name: p for p in surfaces.get(config.surface).param_specs}
        fields.append(("sp", ",".join(f"{k}={_surface_text(specs.get(k), v)}"
                                      for k, v in config.surface_params.items())))
    if config.surface == CUSTOM:
        fields.append(("f", _q(config.formula)))
        (x0, x1), (y0, y1) = config.bounds
        fields.append(("bounds", ",".join(num(v) for v in (x0, x1, y0, y1))))
    if config.start is not None:
        fields.append(("start", f"{num(config.start[0])},{num(config.start[1])}"))
    fields.append(("steps", num(config.steps)))
    if config.sigma > 0:
        fields.append(("sigma", num(config.sigma)))
    data = config.surface != CUSTOM and getattr(surfaces.get(config.surface), "dataset", None) is not None
    if data and config.batch is not None and config.batch != DEFAULT_BATCH:
        fields.append(("batch", num(config.batch)))
    if config.seed:
        fields.append(("seed", num(config.seed)))
    if config.tolerance != DEFAULT_TOLERANCE:
        fields.append(("tol", num(config.tolerance)))
    for run in config.runs:
        fields.append(("run", _run_text(run)))
    texts = [_schedule_text(run.schedule, config.steps) for run in config.runs]
    if len(set(texts)) == 1:
        if texts[0] != NO_SCHEDULE:
            fields.append(("schedule", texts[0]))
    else:
        for i, run in enumerate(config.runs, 1):
            fields.append((f"schedule{i}", _schedule_text(run.schedule, config.steps)))
    for i, run in enumerate(config.runs, 1):
        if run.batch is not None:
            size, milestones, factor = run.batch
            text = num(size)
            if milestones:
                text += f":milestones={'/'.join(map(str, milestones))},factor={num(factor)}"
            fields.append((f"batch{i}", text))
    return "?" + "&".join(f"{k}={v}" for k, v in fields)


# ---------------------------------------------------------------- decode

def _split_named(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``Name:k=v,k=v`` → ``("Name", [(k, v), ...])`` (values unquoted)."""
    name, _, rest = text.partition(":")
    pairs = []
    for item in rest.split(",") if rest else ():
        k, eq, v = item.partition("=")
        if eq:
            pairs.append((unquote(k), unquote(v)))
    return unquote(name), pairs


def _numbers(text: str, n: int, what: str, notices: list[str]) -> list | None:
    parts = text.split(",")
    if len(parts) != n:
        notices.append(f"link: {what} needs {n} numbers, ignored")
        return None
    return [unquote(p) for p in parts]


def _schedule_entry(text: str, who: str, notices: list[str]) -> dict | None:
    """``Name:k=v`` → a schedules-store entry with raw control values, or None if unusable."""
    name, pairs = _split_named(text)
    if name in (NO_SCHEDULE, ""):
        return {"name": NO_SCHEDULE, "params": {}}
    if name not in schedules.names():
        notices.append(f"{who}: unknown schedule {name[:30]!r} ignored")
        return None
    specs = {h.name: h for h in schedules.spec(name).params}
    params = {}
    for k, v in pairs:
        h = specs.get(k)
        if h is None or h.kind == "schedules":
            notices.append(f"{who}: unknown parameter {k[:30]!r} of {name} ignored")
            continue
        try:
            params[k] = raw_value(h, _read_value(h, v), notices, f"{who} ")
        except ValueError as err:
            notices.append(f"{who}: {err}")
    return {"name": name, "params": params}


def _batch_entry(text: str, who: str, notices: list[str]) -> dict:
    size, pairs = _split_named(text)
    entry: dict = {"size": size}
    for k, v in pairs:
        if k == "milestones":
            entry["milestones"] = v.split("/")[:20]
        elif k == "factor":
            entry["factor"] = v
        else:
            notices.append(f"{who}: unknown batch option {k[:30]!r} ignored")
    return entry


def _run_entry(text: str, run_id: str, index: int, values: dict, notices: list[str]) -> dict | None:
    name, pairs = _split_named(text)
    if name not in optimizers.names():
        notices.append(f"link: unknown optimizer {name[:30]!r} ignored")
        return None
    who = f"run {index} ({name})"
    specs = {h.name: h for h in flat_params(name)}
    for k, v in pairs:
        h = specs.get(k)
        if h is None:
            notices.append(f"{who}: unknown parameter {k[:30]!r} ignored")
            continue
        try:
            value = _read_value(h, v)
            values[(run_id, k)] = value if k == "lr" else raw_value(h, value, notices, f"{who}: ")
        except ValueError as err:
            notices.append(f"{who}: {err}")
    return {"id": run_id, "optimizer": name, "values": {}, "ghost_of": None}


def decode(search: Any) -> tuple[Config | None, list[str]]:
    """A validated `Config` from a query string (``None`` if it holds no configuration), and notices."""
    notices: list[str] = []
    if not isinstance(search, str) or not search.strip("?"):
        return None, notices
    if len(search) > MAX_QUERY:
        return None, [f"link: longer than {MAX_QUERY} characters, ignored"]
    fields: dict[str, str] = {}
    run_texts: list[str] = []
    items = search.lstrip("?").split("&")
    if len(items) > MAX_FIELDS:
        notices.append(f"link: only the first {MAX_FIELDS} fields are read")
        items = items[:MAX_FIELDS]
    per_run: dict[str, str] = {}
    for item in items:
        key, eq, value = item.partition("=")
        key = unquote(key)
        if not eq:
            if key:
                notices.append(f"link: {key[:30]!r} has no value, ignored")
            continue
        if key == "run":
            run_texts.append(value)
        elif key in ("surface", "sp", "f", "bounds", "start", "steps", "sigma", "batch", "seed", "tol",
                     "schedule"):
            fields[key] = value
        elif key == "preset":
            continue                       # read by `preset_of`
        elif PER_RUN_KEY.fullmatch(key):
            per_run[key] = value
        else:
            notices.append(f"link: unknown field {key[:30]!r} ignored")
    if "surface" not in fields and not run_texts:
        key = preset_of(search)
        if key is not None:
            # A preset's key alone stands for its scene; fields beside it change that scene.
            rest = [item for item in items if unquote(item.partition("=")[0]) != "preset"]
            return decode("?" + "&".join([presets.get(key).query, *rest]))
        if not fields and not per_run:
            return None, notices + ["link: no configuration found"]

    surface = unquote(fields.get("surface", "ravine"))
    surface_params = {}
    if surface in surfaces.names():
        specs = {p.name: p for p in surfaces.get(surface).param_specs}
        for k, v in _split_named(":" + fields.get("sp", ""))[1]:
            p = specs.get(k)
            x = validate.finite(v)
            if p is None or x is None:
                notices.append(f"link: surface parameter {k[:30]!r} ignored")
                continue
            # read_config takes slider positions: log10 of a log-scale parameter.
            surface_params[k] = (math.log10(x) if x > 0 else -math.inf) if p.scale == "log" else x
    formula = unquote(fields.get("f", ""))
    bounds = DEFAULT_BOUNDS
    if "bounds" in fields:
        b = _numbers(fields["bounds"], 4, "bounds", notices)
        bounds = [[b[0], b[1]], [b[2], b[3]]] if b else DEFAULT_BOUNDS
    start = _numbers(fields["start"], 2, "start", notices) if "start" in fields else None   # None: config.start_of

    runs, values = [], {}
    if len(run_texts) > MAX_RUNS:
        notices.append(f"link: at most {MAX_RUNS} runs, the rest ignored")
    for i, text in enumerate(run_texts[:MAX_RUNS], 1):
        entry = _run_entry(text, f"r{len(runs) + 1}", i, values, notices)
        if entry is None:
            continue
        entry["index"] = i
        runs.append(entry)
    if not run_texts:
        # Only some fields (``?schedule=CyclicLR``, ``?steps=200``): the page's default runs.
        for i, run in enumerate(default_runs(surface if surface in surfaces.names() else None), 1):
            runs.append({**run, "index": i})
    store: dict = {"shared": {"name": NO_SCHEDULE, "params": {}}}
    if "schedule" in fields:
        store["shared"] = _schedule_entry(fields["schedule"], "schedule", notices) or store["shared"]
    by_index = {r.pop("index"): r for r in runs}
    for key, value in per_run.items():
        index = int(PER_RUN_KEY.fullmatch(key).group(2))
        run = by_index.get(index)
        if run is None:
            notices.append(f"link: {key[:30]!r} names no run, ignored")
        elif key.startswith("schedule"):
            entry = _schedule_entry(value, f"run {index}", notices)
            if entry is not None:
                store[run["id"]] = entry
        else:
            run["batch"] = _batch_entry(value, f"run {index}", notices)
    # Later runs of an optimizer are A/B copies of the first (they get a Remove button).
    first: dict[str, str] = {}
    for run in runs:
        run["ghost_of"] = first.setdefault(run["optimizer"], run["id"]) if run["optimizer"] in first else None
    if not runs:
        notices.append("link: no valid optimizer run")

    config, more = read_config(surface, surface_params, formula, bounds, start, fields.get("steps", 500),
                               fields.get("sigma"), fields.get("batch", DEFAULT_BATCH), fields.get("seed", 0),
                               runs, values, store, fields.get("tol", DEFAULT_TOLERANCE))
    # read_runs takes a missing lr to mean the registry default; seed new runs like a new card.
    return config, notices + more


def preset_of(search: Any) -> str | None:
    """The ``preset=key`` of a query (whose caption to show), if it names a preset."""
    if not isinstance(search, str) or len(search) > MAX_QUERY:
        return None
    for item in search.lstrip("?").split("&"):
        key, _, value = item.partition("=")
        if key == "preset" and presets.get(unquote(value)) is not None:
            return unquote(value)
    return None


# ---------------------------------------------------------------- what the controls must hold

def run_records(config: Config) -> list[dict]:
    """The runs store for ``config``: value units, A/B copies marked, per-run batches kept."""
    out, first = [], {}
    for run in config.runs:
        record = {"id": run.id, "optimizer": run.optimizer, "values": _flat_values(run.optimizer, run.kwargs),
                  "ghost_of": first.get(run.optimizer)}
        first.setdefault(run.optimizer, run.id)
        if run.batch is not None:
            size, milestones, factor = run.batch
            record["batch"] = {"size": size, "milestones": list(milestones), "factor": factor}
        out.append(record)
    return out


def schedule_store(config: Config) -> dict:
    """The schedules store (raw control values, like the editor saves them) for ``config``."""
    def entry(schedule):
        if schedule is None:
            return {"name": NO_SCHEDULE, "params": {}}
        name, params = schedule
        specs = {h.name: h for h in schedules.spec(name).params}
        # Sub-schedules have no control: the configuration rebuilds them from the steps.
        return {"name": name, "params": {k: raw_value(specs[k], v) for k, v in params.items()
                                         if k in specs and specs[k].kind != "schedules"}}

    if len({_schedule_text(run.schedule, config.steps) for run in config.runs}) <= 1:
        return {"shared": entry(config.runs[0].schedule if config.runs else None)}
    store = {"shared": {"name": NO_SCHEDULE, "params": {}}}
    for run in config.runs:
        store[run.id] = entry(run.schedule)
    return store


def clamp_steps(steps: int) -> int:
    return max(1, min(int(steps), MAX_STEPS))
