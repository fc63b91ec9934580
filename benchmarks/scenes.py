"""2. Scenes: the server work of one slider update (validation + simulate + figures).

Times the scene callback's plain function (``scene_response``: what Dash calls,
minus JSON handling) for a learning-rate move, on the default surface:

- the page's default scene (the runs the layout starts with);
- 4 different optimizers × 500 steps (target ≤ 25 ms);
- 8 different optimizers × 1,000 steps (target ≤ 80 ms).

Optimizers are distinct registry names picked at run time (torch's common ones
first); if the registry has fewer, names repeat with a halved lr. Each run gets
the lr a fresh optimizer card gets on that surface. PASS/FAIL is judged on the
absolute median (the targets are absolute). The ratio is the machine-independent
companion: the same runs as plain torch.optim + autograd loops (one per run, as
a user would write them; measured on `scene_torch_steps` steps and scaled per
step) divided by the scene time, figures included.
"""
from __future__ import annotations

import inspect

import numpy as np

import optimizers
import surfaces

from . import torch_loops
from .common import Config, Result, Target, fmt_ratio, fmt_time, interleaved, judged, median

# torch's everyday optimizers first, so the 4- and 8-optimizer scenes stay comparable
# as the registry grows; any others follow in registry order.
PREFERRED = ("SGD", "Adam", "RMSprop", "Adagrad", "AdamW", "NAdam", "RAdam", "Adamax",
             "Adadelta", "ASGD", "Rprop", "Adafactor")
OVERRIDES = {"SGD": {"momentum": 0.9}}      # the classroom's "SGD + momentum"


def page_defaults() -> tuple[str, int]:
    """The page's default surface and number of steps."""
    try:
        from viz.config import Config as VizConfig
        return VizConfig().surface, VizConfig().steps
    except (ImportError, TypeError):
        return ("ravine" if "ravine" in surfaces.names() else surfaces.names()[0]), 500


def _default_tolerance() -> float:
    try:
        from viz.config import Config as VizConfig
        return VizConfig().tolerance
    except (ImportError, TypeError, AttributeError):
        return 1e-6


def describe(record: dict) -> str:
    """``SGD+momentum`` for a run record with momentum, else its optimizer name."""
    momentum = record.get("values", {}).get("momentum")
    return record["optimizer"] + ("+momentum" if record["optimizer"] == "SGD" and momentum else "")


def pick(n: int) -> list[tuple[str, dict, int]]:
    """``n`` runs ``(optimizer, overrides, repeat)``: distinct names while the registry has them."""
    registry = list(optimizers.names())
    ordered = [name for name in PREFERRED if name in registry] + \
        [name for name in registry if name not in PREFERRED]
    return [(ordered[i % len(ordered)], dict(OVERRIDES.get(ordered[i % len(ordered)], {})), i // len(ordered))
            for i in range(n)]


def scene_function():
    """The scene callback's plain function, wherever the app keeps it."""
    try:
        from viz.callbacks.scene import scene_response
    except ImportError:
        from viz.callbacks import scene_response
    return scene_response


def _records(surface_name: str, runs: list[tuple[str, dict, int]]) -> list[dict]:
    """Run records as the page stores them (``viz.runs.new_run``): a fresh card's lr, halved per repeat."""
    from viz.runs import default_lr, new_run

    surface = surfaces.get(surface_name)
    records = []
    for i, (name, overrides, repeat) in enumerate(runs):
        if repeat:
            overrides = overrides | {"lr": default_lr(name, surface) * 0.5 ** repeat}
        records.append(new_run(f"r{i + 1}", name, surface, **overrides))
    return records


def scene_call(surface_name: str, records: list[dict], steps: int):
    """A zero-argument call doing the server work of one lr-slider move in this scene."""
    from viz import ids

    fn = scene_function()
    trigger = {"type": getattr(ids, "HPV", "hpv"), "run": records[0]["id"], "name": "lr", "scale": ""}
    known = dict(trigger=trigger, surface=surface_name, surface_params=[], formula="", bounds=None,
                 start=[None, None], steps=steps, sigma=None, batch=None, seed=None,
                 tolerance=_default_tolerance(),
                 hp_items=[], runs=records, schedules_store={}, view=[])
    params = inspect.signature(fn).parameters
    missing = [p for p, spec in params.items() if p not in known and spec.default is inspect.Parameter.empty]
    if missing:
        raise TypeError(f"scene_response takes {missing}, unknown to benchmarks/scenes.py: update scene_call")
    kwargs = {p: known[p] for p in params if p in known}
    return lambda: fn(**kwargs)


def _torch_kwargs(name: str, values: dict) -> tuple[str | None, dict]:
    """torch class and the keywords of a run that torch's constructor accepts."""
    import torch
    from viz.runs import to_kwargs

    cls = optimizers.spec(name).torch_class
    if not torch_loops.has_class(cls):
        return None, {}
    accepted = inspect.signature(getattr(torch.optim, cls).__init__).parameters
    return cls, {k: v for k, v in to_kwargs(name, values).items() if k in accepted}


def torch_call(surface_name: str, records: list[dict], steps: int, torch_steps: int):
    """The same runs as torch.optim loops; returns ``(call, scale)`` or ``(None, why)``."""
    f = torch_loops.surface_fn(surface_name)
    if f is None:
        return None, f"no torch formula for {surface_name}"
    surface = surfaces.get(surface_name)
    start = np.array([surface.start], dtype=np.float64)
    loops = []
    for rec in records:
        cls, kwargs = _torch_kwargs(rec["optimizer"], rec["values"])
        if cls is None:
            return None, f"{rec['optimizer']} has no torch class"
        loops.append((cls, kwargs))
    n = min(steps, torch_steps)

    def call():
        for cls, kwargs in loops:
            torch_loops.run(f, cls, kwargs, start, n)

    return call, steps / n


def engine_call(surface_name: str, records: list[dict], steps: int):
    """Only the simulations (registry build + `simulate`), to split engine and figure time."""
    from viz.runs import to_kwargs

    surface = surfaces.get(surface_name)
    start = np.array([surface.start], dtype=np.float64)
    built = [(rec["optimizer"], to_kwargs(rec["optimizer"], rec["values"])) for rec in records]
    return lambda: [optimizers.simulate(surface, optimizers.get(name, **kw), start, steps) for name, kw in built]


def measure(key: str, label: str, surface_name: str, records: list[dict], steps: int, repeats: int,
            cfg: Config, target_ms: float | None) -> Result:
    scene = scene_call(surface_name, records, steps)
    engine = engine_call(surface_name, records, steps)
    baseline, scale = torch_call(surface_name, records, steps, cfg.scene_torch_steps)
    fns = {"scene": scene, "engine": engine}
    times = interleaved(fns, repeats, warmup=1)
    t_scene, t_engine = median(times["scene"]), median(times["engine"])
    texts = [out for out in scene() if isinstance(out, str) and out]   # status: notices and run errors
    extra = {"runs": [(describe(r), r["values"].get("lr")) for r in records], "steps": steps,
             "text_outputs": texts,
             "surface": surface_name, "scene_s": times["scene"], "simulate_only_s": times["engine"],
             "simulate_share": t_engine / t_scene}
    if baseline is not None:
        t_torch = median(interleaved({"torch": baseline}, cfg.scene_torch_repeats, warmup=0)["torch"]) * scale
        ratio = t_torch / t_scene
        base_text = f"torch.optim loops {fmt_time(t_torch)}"
        extra.update(torch_s_scaled=t_torch, torch_steps_measured=min(steps, cfg.scene_torch_steps))
    else:
        ratio, base_text = None, f"torch: n/a ({scale})"
    target = Target("<=", target_ms / 1e3, text=f"≤ {target_ms:g} ms") if target_ms is not None else None
    return judged(key, label, t_scene, "s",
                  f"{fmt_time(t_scene)} (simulate {fmt_time(t_engine)})",
                  base_text, ratio, fmt_ratio(ratio, "faster", "slower"), target, extra)


def run(cfg: Config) -> list[Result]:
    surface_name, default_steps = page_defaults()
    rows = []
    try:
        from viz.config import default_runs
        defaults = default_runs(surface_name)
    except ImportError:
        defaults = None
    if defaults:
        names = ", ".join(describe(r) for r in defaults)
        rows.append(measure("scenes.default",
                            f"2 page default scene ({names}) × {default_steps} steps",
                            surface_name, defaults, default_steps, cfg.scene_repeats, cfg, 25.0))
    for (n, steps), repeats, target in ((cfg.scene_small, cfg.scene_repeats, 25.0),
                                        (cfg.scene_big, cfg.scene_big_repeats, 80.0)):
        runs = pick(n)
        distinct = len({name for name, _, _ in runs})
        label = f"2 scene {n} optimizers × {steps:,} steps" + ("" if distinct == n else f" ({distinct} distinct)")
        rows.append(measure(f"scenes.n{n}", label, surface_name, _records(surface_name, runs), steps,
                            repeats, cfg, target))
    return rows
