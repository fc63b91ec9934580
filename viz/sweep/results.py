"""Finished sweeps kept on disk, so that another look at the same grid does not simulate it again.

Showing another colour metric (final loss, steps to tolerance, minimum reached) of a
grid, or coming back to the same settings, reads the per-cell results of the first
run instead of re-running it. Entries live in a diskcache directory beside the
background manager's (``results`` under `manager.cache_root`: ``$VIZ_CACHE_DIR`` or the user's cache directory),
shared by every gunicorn worker and sweep process of the machine, bounded in size
(least recently used evicted) and each entry expires after `TTL`. The key is the sweep's normalised settings plus a
digest of the engine's source, so an entry is never served for other settings or
after the code changed; a miss, an unreadable entry or a full disk only mean the
grid is simulated. Under Celery (``REDIS_URL`` set) nothing is kept: workers may be
on other machines.

The answer is the same with or without an entry (the simulation is deterministic);
an entry only saves the time.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from .compute import SweepResult, SweepSpec
from .manager import ROOT, cache_root

LIMIT = 128 * 2**20          # bytes of results kept
TTL = 7 * 24 * 3600          # seconds a result is kept
FIELDS = ("final_loss", "steps_to_tolerance", "diverged_at", "basin")


def _source_digest() -> str:
    """A digest of the code a result depends on (the engine, surfaces, schedules, the sweep)."""
    h = hashlib.sha256()
    files = sorted([*(ROOT / "optimizers").rglob("*.py"), *(ROOT / "surfaces").rglob("*.py"),
                    Path(__file__).with_name("compute.py"), ROOT / "viz" / "schedule_defaults.py"])
    for path in files:
        h.update(path.relative_to(ROOT).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


CODE = _source_digest()


def directory(environ=None) -> Path | None:
    """Where results are kept, or ``None`` under Celery."""
    environ = os.environ if environ is None else environ
    if environ.get("REDIS_URL", "").strip():
        return None
    return cache_root(environ) / "results"


def key(spec: SweepSpec) -> str:
    settings = json.dumps(spec.args, sort_keys=True, separators=(",", ":"), default=repr)
    return "sweep-" + hashlib.sha256(f"{CODE}:{settings}".encode()).hexdigest()


def _open(path: Path):
    import diskcache

    path.mkdir(parents=True, exist_ok=True)
    return diskcache.Cache(str(path), size_limit=LIMIT, eviction_policy="least-recently-used")


def load(spec: SweepSpec) -> SweepResult | None:
    """The stored result of ``spec``, or ``None``."""
    path = directory()
    if path is None:
        return None
    try:
        with _open(path) as cache:
            entry = cache.get(key(spec))
    except Exception:        # an unreadable cache only means simulating the grid again
        return None
    if not isinstance(entry, dict):
        return None
    try:
        arrays = {name: np.asarray(entry[name]) for name in FIELDS}
        if any(a.shape != spec.shape for a in arrays.values()):
            return None
        return SweepResult(spec=spec, seconds=float(entry["seconds"]), calls=int(entry["calls"]), **arrays)
    except (KeyError, TypeError, ValueError):
        return None


def store(spec: SweepSpec, result: SweepResult) -> None:
    """Keep ``result`` for the next look at ``spec`` (best effort)."""
    path = directory()
    if path is None:
        return
    entry = {name: getattr(result, name) for name in FIELDS}
    entry.update(seconds=result.seconds, calls=result.calls)
    try:
        with _open(path) as cache:
            cache.set(key(spec), entry, expire=TTL)
    except Exception:        # a full or read-only disk: the next look simulates again
        pass
