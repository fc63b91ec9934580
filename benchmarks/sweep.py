"""3. Sweep: 10,000 runs × 500 steps in one `simulate()` call (target ≤ 1 s).

A hyperparameter landscape on Rosenbrock from its default start: a 100 × 100 grid
of per-run arrays (lr × momentum for SGD, lr × β₁ for Adam). Some cells diverge,
as they do in a real landscape; they are counted in the JSON.

PASS/FAIL is judged on the absolute median. The ratio compares with torch.optim
stepping one (10000, 2) tensor for the same number of steps — with scalar
hyperparameters, because one torch.optim tensor cannot take per-run values (it
would need 10,000 param groups, far slower): a lower bound of torch's cost.
"""
from __future__ import annotations

import math

import numpy as np

import optimizers
import surfaces

from . import torch_loops
from .common import Config, Result, Target, fmt_ratio, fmt_time, interleaved, judged, median

SURFACE = "rosenbrock"


def grid(n_runs: int) -> tuple[int, int]:
    side = max(1, int(round(math.sqrt(n_runs))))
    return side, max(1, n_runs // side)


def cases(n_runs: int):
    """(label, registry name, per-run kwargs, torch kwargs with scalars)."""
    a, b = grid(n_runs)
    lr_sgd, momentum = np.meshgrid(np.logspace(-4, np.log10(2e-3), a), np.linspace(0.0, 0.99, b))
    lr_adam, beta1 = np.meshgrid(np.logspace(-3, -1, a), np.linspace(0.5, 0.99, b))
    return (
        ("SGD+momentum, lr × momentum", "SGD",
         {"lr": lr_sgd.ravel(), "momentum": momentum.ravel()}, {"lr": 5e-4, "momentum": 0.9}),
        ("Adam, lr × β₁", "Adam",
         {"lr": lr_adam.ravel(), "betas": (beta1.ravel(), 0.999)}, {"lr": 0.01, "betas": (0.9, 0.999)}),
    )


def run(cfg: Config) -> list[Result]:
    surface = surfaces.get(SURFACE)
    f = torch_loops.surface_fn(SURFACE)
    rows = []
    for label, name, kwargs, torch_kwargs in cases(cfg.sweep_runs):
        opt = optimizers.get(name, **kwargs)
        k = len(np.atleast_1d(kwargs["lr"]))
        starts = np.repeat(np.array([surface.start], dtype=np.float64), k, axis=0)
        out = {}

        def engine():
            out["run"] = optimizers.simulate(surface, opt, starts, cfg.sweep_steps)

        def torch_loop():
            torch_loops.run(f, name, torch_kwargs, starts, cfg.sweep_steps)

        times = interleaved({"engine": engine, "torch": torch_loop}, cfg.sweep_repeats, warmup=0)
        t_engine, t_torch = median(times["engine"]), median(times["torch"])
        ratio = t_torch / t_engine
        ns = t_engine / (k * cfg.sweep_steps) * 1e9
        rows.append(judged(
            f"sweep.{name.lower()}", f"3 sweep {label}, {k:,} runs × {cfg.sweep_steps} steps",
            t_engine, "s", f"{fmt_time(t_engine)} = {ns:,.0f} ns/run-step",
            f"torch.optim, one ({k}, 2) tensor, scalar hyperparams {fmt_time(t_torch)}",
            ratio, fmt_ratio(ratio, "faster", "slower"),
            Target("<=", 1.0, text="≤ 1 s"),
            extra={"engine_s": times["engine"], "torch_s": times["torch"], "runs": k,
                   "steps": cfg.sweep_steps, "diverged_runs": int((out["run"].diverged_at >= 0).sum()),
                   "ns_per_run_step": ns}))
    return rows
