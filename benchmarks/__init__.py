"""The benchmark suite of issue 9: ``make bench`` (= ``python -m benchmarks``).

One module per benchmark, each with ``run(cfg: Config) -> list[Result]``:

1. `engine`  — ``simulate()`` vs the torch.optim + autograd loop a user would write;
2. `scenes`  — the server work of one slider update (validation + simulate + figures);
3. `sweep`   — 10,000 runs × 500 steps in one ``simulate()`` call;
4. `payload` — bytes of the real HTTP response to one slider move;
5. `browser` — slider move → repainted plots in headless Chromium, and playback fps;
6. `server`  — callback latency under 30 concurrent clients on gunicorn (2 workers);
7. `budget`  — the cost estimates of `viz.budget` against the work they stand for.

Every figure is a median over repeated runs, printed next to a baseline measured
in the same run (absolute times on a shared machine are noisy), the ratio between
them, the target and PASS/FAIL. ``python -m benchmarks.profiling`` profiles the
slowest paths. Results also go to ``benchmarks/results/latest.json``.
"""
from __future__ import annotations

from .common import Config, Result

NAMES = ("engine", "scenes", "sweep", "payload", "browser", "server", "budget")

__all__ = ["Config", "NAMES", "Result", "run_one"]


def run_one(name: str, cfg: Config) -> list[Result]:
    """Run benchmark ``name`` (one of `NAMES`) with the sizes of ``cfg``."""
    import importlib

    if name not in NAMES:
        raise ValueError(f"Unknown benchmark {name!r}; choose from {', '.join(NAMES)}")
    return importlib.import_module(f"{__name__}.{name}").run(cfg)
