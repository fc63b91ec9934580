"""Shared pieces of the suite: sizes, timing, result rows and the printed table.

Every row carries a headline figure, the baseline it was compared with in the
same run, the ratio between the two (worded so that its direction is plain:
"12.3× faster", "3.4× smaller", "0.8× the budget") and the target from issue 9.
Medians everywhere; p95 where the issue asks for it.
"""
from __future__ import annotations

import gc
import math
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

PASS, FAIL, NA, INFO, ERROR = "PASS", "FAIL", "n/a", "INFO", "ERROR"


@dataclass(frozen=True)
class Config:
    """Problem sizes and repeat counts; `full()` is `make bench`, `tiny()` the smoke test."""

    engine_steps: int = 1000
    engine_many: int = 10_000          # K of the "many runs" case
    engine_repeats: int = 5            # K = 1
    engine_many_repeats: int = 7       # K = 10,000 (noisy: a shared machine)
    engine_many_torch_steps: int = 250  # torch at K = 10,000: timed on this many steps, per-step scaled
    scene_small: tuple[int, int] = (4, 500)      # (optimizers, steps): target ≤ 25 ms
    scene_big: tuple[int, int] = (8, 1000)       # target ≤ 80 ms
    scene_repeats: int = 11
    scene_big_repeats: int = 5
    scene_torch_steps: int = 250       # torch baselines of scenes: measured on this many steps, per-step scaled
    scene_torch_repeats: int = 3
    sweep_runs: int = 10_000
    sweep_steps: int = 500
    sweep_repeats: int = 3
    payload_samples: int = 5
    browser_samples: int = 30
    browser_warmup: int = 3
    playback_seconds: float = 3.0
    server_workers: int = 2
    server_clients: int = 30
    server_seconds: float = 10.0
    server_warmup_seconds: float = 1.5
    server_unloaded_samples: int = 30

    @classmethod
    def full(cls) -> "Config":
        return cls()

    @classmethod
    def tiny(cls) -> "Config":
        """Seconds, not minutes: for the smoke test (numbers are meaningless)."""
        return cls(engine_steps=20, engine_many=50, engine_repeats=1, engine_many_repeats=1,
                   engine_many_torch_steps=10, scene_small=(4, 20), scene_big=(8, 20),
                   scene_repeats=1, scene_big_repeats=1, scene_torch_steps=5, scene_torch_repeats=1,
                   sweep_runs=50, sweep_steps=10, sweep_repeats=1, payload_samples=1,
                   browser_samples=3, browser_warmup=1, playback_seconds=0.5,
                   server_clients=3, server_seconds=2.0, server_warmup_seconds=0.2,
                   server_unloaded_samples=3)


@dataclass(frozen=True)
class Target:
    """``op`` is ``">="`` or ``"<="``; ``on`` says whether the ratio or the measured value is judged."""

    op: str
    value: float
    on: str = "value"     # "value" or "ratio"
    text: str = ""

    def check(self, value: float | None, ratio: float | None) -> str:
        x = ratio if self.on == "ratio" else value
        if x is None or not math.isfinite(x):
            return FAIL
        ok = x >= self.value if self.op == ">=" else x <= self.value
        return PASS if ok else FAIL


@dataclass
class Result:
    """One row of the table (and of latest.json)."""

    key: str                  # stable id, e.g. "engine.k1.adam"
    name: str                 # what was measured, for humans
    value: float | None       # the headline figure, in ``unit``
    unit: str
    shown: str                # the headline as printed
    baseline: str             # what the ratio compares against, with its measured figure
    ratio: float | None       # numeric ratio (see ``ratio_text``)
    ratio_text: str           # e.g. "12.3× faster"
    target: str               # e.g. "≥ 10× faster", "≤ 25 ms", "—"
    status: str               # PASS / FAIL / n/a / INFO / ERROR
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)


def judged(key, name, value, unit, shown, baseline, ratio, ratio_text, target: Target | None,
           extra=None) -> Result:
    """A row whose status follows from ``target`` (INFO when the issue sets none)."""
    status = target.check(value, ratio) if target is not None else INFO
    return Result(key, name, value, unit, shown, baseline, ratio, ratio_text,
                  target.text if target is not None else "—", status, extra or {})


def error_row(key: str, name: str, err: BaseException) -> Result:
    msg = f"{type(err).__name__}: {err}".splitlines()[0][:160]
    return Result(key, name, None, "", "—", msg, None, "—", "—", ERROR, {"error": msg})


def na_row(key: str, name: str, why: str, target: str = "—") -> Result:
    return Result(key, name, None, "", "n/a", why, None, "—", target, NA, {"reason": why})


def median(xs) -> float:
    s = sorted(xs)
    n = len(s)
    if n == 0:
        return math.nan
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])


def percentile(xs, q: float) -> float:
    """Linear-interpolated percentile (numpy's default), q in [0, 100]."""
    s = sorted(xs)
    if not s:
        return math.nan
    pos = (len(s) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def time_once(fn: Callable[[], object]) -> float:
    """Seconds for one call, with the cyclic GC paused as `timeit` does."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    finally:
        if was_enabled:
            gc.enable()


def interleaved(fns: dict[str, Callable[[], object]], repeats: int, warmup: int = 1) -> dict[str, list[float]]:
    """Times of each function over ``repeats`` rounds, alternating them within each round.

    Interleaving spreads any slow spell of a shared machine over both sides of a
    ratio instead of charging it to one of them.
    """
    names = list(fns)
    for _ in range(warmup):
        for name in names:
            fns[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeats):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            times[name].append(time_once(fns[name]))
    return times


def fmt_time(seconds: float) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "—"
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def fmt_ratio(ratio: float | None, better: str, worse: str) -> str:
    """``12.3× faster`` when ratio ≥ 1, else ``1/ratio× slower`` (both honest, one direction each)."""
    if ratio is None or not math.isfinite(ratio) or ratio <= 0:
        return "—"
    if ratio >= 1:
        return f"{ratio:.1f}× {better}"
    return f"{1 / ratio:.1f}× {worse}"


def headroom(ratio: float | None) -> str:
    """target / measured for a ceiling: ``1.4× headroom`` passes, ``0.7× (over)`` does not."""
    if ratio is None or not math.isfinite(ratio) or ratio <= 0:
        return "—"
    return f"{ratio:.2f}× headroom" if ratio >= 1 else f"{ratio:.2f}× (over)"


COLUMNS = ("benchmark", "measured (median)", "baseline, same run", "ratio", "target", "result")


def table(results: list[Result]) -> str:
    """The plain-text table printed by ``python -m benchmarks``."""
    rows = [COLUMNS] + [(r.name, r.shown, r.baseline, r.ratio_text, r.target, r.status) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(c.ljust(w) for c, w in zip(rows[0], widths)), line]
    for row in rows[1:]:
        out.append("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    return "\n".join(out)
