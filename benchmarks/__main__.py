"""``python -m benchmarks [--only a,b] [--skip a,b] [--quick] [--json PATH] [--strict]``.

Prints the machine, one line of progress per benchmark (on stderr), then the table;
writes the same results as JSON (default ``benchmarks/results/latest.json``).
Exit status: 1 if a benchmark could not run (ERROR), or with ``--strict`` if a
target FAILs; 0 otherwise (a FAIL is a measurement, not a crash).
"""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict
import os
import platform
import sys
import time
from pathlib import Path

from . import NAMES, run_one
from .common import ERROR, FAIL, Config, error_row, table

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
BUDGET_S = 180   # issue 9: the suite runs in under 3 minutes


def _first_line(path: str, prefix: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def machine() -> dict:
    """What the figures came from: CPU, memory, load, and library versions."""
    from importlib.metadata import PackageNotFoundError, version

    def v(pkg):
        try:
            return version(pkg)
        except PackageNotFoundError:
            return None

    info = {
        "cpus": os.cpu_count(),
        "cpu_model": _first_line("/proc/cpuinfo", "model name"),
        "memory": _first_line("/proc/meminfo", "MemTotal"),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "loadavg_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }
    info.update({pkg: v(pkg) for pkg in ("numpy", "torch", "dash", "plotly", "gunicorn", "playwright")})
    try:
        import torch
        info["torch_threads"] = torch.get_num_threads()
    except ImportError:
        pass
    return info


def _names(text: str | None) -> list[str]:
    if not text:
        return []
    names = [n.strip() for n in text.split(",") if n.strip()]
    for n in names:
        if n not in NAMES:
            raise SystemExit(f"unknown benchmark {n!r}; choose from {', '.join(NAMES)}")
    return names


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(NAMES)}")
    parser.add_argument("--skip", help="comma-separated benchmarks to leave out")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (seconds; figures meaningless)")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"where to write the JSON (default {RESULTS})")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any target fails")
    args = parser.parse_args(argv)

    selected = _names(args.only) or list(NAMES)
    selected = [n for n in selected if n not in _names(args.skip)]
    cfg = Config.tiny() if args.quick else Config.full()
    info = machine()
    print(f"machine: {info['cpus']} CPUs ({info['cpu_model']}), {info['memory']} RAM, "
          f"load average {', '.join(f'{x:.2f}' for x in info['loadavg_start'] or ())}; "
          f"Python {info['python']}, NumPy {info['numpy']}, torch {info['torch']} "
          f"({info.get('torch_threads')} threads), Dash {info['dash']}, Plotly {info['plotly']}",
          flush=True)

    t_start = time.perf_counter()
    results, durations = [], {}
    for name in selected:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            results.extend(run_one(name, cfg))
        except Exception as err:  # one broken benchmark must not hide the others
            results.append(error_row(name, name, err))
        durations[name] = time.perf_counter() - t0
        print(f"[bench] {name} done in {durations[name]:.1f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - t_start
    info["loadavg_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None

    print()
    print(table(results))
    print()
    print("Medians over repeated runs; each ratio compares with the baseline measured in the same run.\n"
          "Engine rows are judged on the ratio; scenes, sweep, payload and browser rows on the measured\n"
          "figure (their targets are absolute), with the ratio as the machine-independent companion.\n"
          f"Total {elapsed:.0f} s ({', '.join(f'{k} {v:.0f} s' for k, v in durations.items())})"
          + ("." if elapsed <= BUDGET_S else f": over the {BUDGET_S} s budget of issue 9."))

    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "quick": args.quick, "elapsed_s": elapsed,
        "durations_s": durations, "machine": info, "config": asdict(cfg),
        "results": [r.to_json() for r in results],
    }, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"JSON: {args.json}")

    if any(r.status == ERROR for r in results):
        return 1
    if args.strict and any(r.status == FAIL for r in results):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
