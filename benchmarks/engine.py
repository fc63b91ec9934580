"""1. Engine vs what a user would write: `simulate()` against a torch.optim + autograd loop.

Adam and SGD + momentum on Rosenbrock. K = 1 run (target ≥ 10× faster) and K =
10,000 runs that torch steps as one (10000, 2) tensor (target ≥ 5× faster).
Both sides record every position and loss. Ratio = torch median / engine median.
For K = 10,000 torch is timed on `engine_many_torch_steps` steps and scaled to the
engine's step count (its cost per step is flat; the row says so).
"""
from __future__ import annotations

import numpy as np

import optimizers
import surfaces

from . import torch_loops
from .common import Config, Result, Target, fmt_ratio, fmt_time, interleaved, judged, median

# (label, registry and torch class, keyword arguments common to both)
CASES = (
    ("Adam", "Adam", {"lr": 0.01}),
    ("SGD+momentum", "SGD", {"lr": 1e-4, "momentum": 0.9}),
)
SURFACE = "rosenbrock"


def starts_for(surface, k: int, seed: int = 0) -> np.ndarray:
    """The default start for K = 1; K uniform starts over the plot window otherwise."""
    if k == 1:
        return np.array([surface.start], dtype=np.float64)
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(x0, x1, k), rng.uniform(y0, y1, k)])


def compare(label: str, name: str, kwargs: dict, k: int, steps: int, torch_steps: int, repeats: int,
            target: float) -> Result:
    """Engine vs torch for K runs; torch may take fewer steps (its cost per step is flat)."""
    surface = surfaces.get(SURFACE)
    f = torch_loops.surface_fn(SURFACE)
    starts = starts_for(surface, k)
    opt = optimizers.get(name, **kwargs)
    out = {}

    def engine(n=steps):
        out["engine"] = optimizers.simulate(surface, opt, starts, n)

    def torch_loop(n=torch_steps):
        out["torch"] = torch_loops.run(f, name, kwargs, starts, n)

    # One full-size warm-up call each: torch's first large-tensor step carries one-off costs,
    # and either side's first calls fault in hundreds of MB of fresh memory for the path.
    times = interleaved({"engine": engine, "torch": torch_loop}, repeats, warmup=1)
    t_engine = median(times["engine"])
    t_torch = median(times["torch"]) * steps / torch_steps
    ratio = t_torch / t_engine
    run_steps = k * steps
    ns_engine, ns_torch = t_engine / run_steps * 1e9, t_torch / run_steps * 1e9
    # Same work: the final positions agree to round-off (runs that diverge are NaN in both).
    # Compared after the same number of steps; chaotic runs amplify round-off, hence max and median.
    n = min(steps, torch_steps)
    at_engine = out["engine"].path[n]
    at_torch = out["torch"][0][n].numpy().reshape(k, 2)
    both = np.isfinite(at_engine).all(axis=1) & np.isfinite(at_torch).all(axis=1)
    diff = np.abs(at_engine[both] - at_torch[both]).max(axis=1) if both.any() else np.array([np.nan])
    scaled = "" if torch_steps == steps else f", measured on {torch_steps} steps, scaled"
    key = f"engine.k{k}.{name.lower()}"
    return judged(
        key, f"1 engine {label}, K={k:,}, {steps} steps", t_engine, "s",
        f"{fmt_time(t_engine)} = {ns_engine:,.0f} ns/run-step",
        f"torch.optim loop {fmt_time(t_torch)} = {ns_torch:,.0f} ns/run-step{scaled}",
        ratio, fmt_ratio(ratio, "faster", "slower"),
        Target(">=", target, on="ratio", text=f"≥ {target:g}× faster"),
        extra={"engine_s": times["engine"], "torch_s": times["torch"], "steps": steps,
               "torch_steps": torch_steps, "k": k,
               "ns_per_run_step_engine": ns_engine, "ns_per_run_step_torch": ns_torch,
               "diverged_runs": int((out["engine"].diverged_at >= 0).sum()),
               "parity_step": n, "max_abs_diff_vs_torch": float(diff.max()),
               "median_abs_diff_vs_torch": float(np.median(diff)),
               "surface": SURFACE, "hyperparams": kwargs},
    )


def run(cfg: Config) -> list[Result]:
    rows = []
    for label, name, kwargs in CASES:
        rows.append(compare(label, name, kwargs, 1, cfg.engine_steps, cfg.engine_steps,
                            cfg.engine_repeats, 10.0))
    for label, name, kwargs in CASES:
        rows.append(compare(label, name, kwargs, cfg.engine_many, cfg.engine_steps,
                            min(cfg.engine_many_torch_steps, cfg.engine_steps), cfg.engine_many_repeats, 5.0))
    return rows
