"""Profile the slowest paths with cProfile: ``python -m benchmarks.profiling [NAME ...] [--top N]``.

NAME is one of `PATHS` (default: all). Prints the functions with the most own
time and the largest cumulative time for each path, to find where an update goes.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats

import numpy as np


def _default_scene():
    from .scenes import page_defaults, scene_call
    from viz.config import default_runs

    surface, steps = page_defaults()
    return scene_call(surface, default_runs(surface), steps), 20


def _scene8():
    from .scenes import _records, page_defaults, pick, scene_call

    surface, _ = page_defaults()
    return scene_call(surface, _records(surface, pick(8)), 1000), 3


def _engine_many():
    import optimizers
    import surfaces
    from .engine import starts_for

    s = surfaces.get("rosenbrock")
    starts = starts_for(s, 10_000)
    opt = optimizers.get("Adam", lr=0.01)
    return (lambda: optimizers.simulate(s, opt, starts, 200)), 2


def _http_update():
    from .dash_client import DashClient, lr_body_factory
    from .payload import app_client, post

    client = app_client()
    dc = DashClient.from_get(lambda path: client.get(path).get_json())
    _, bodies = lr_body_factory(dc)
    lrs = iter(np.geomspace(0.005, 0.05, 1000))
    return (lambda: [post(client, b) for b in bodies(float(next(lrs)))]), 20


PATHS = {
    "scene": ("one lr move in the page's default scene (scene_response)", _default_scene),
    "scene8": ("one lr move, 8 optimizers × 1,000 steps (scene_response)", _scene8),
    "engine": ("simulate(): Adam, 10,000 runs × 200 steps", _engine_many),
    "http": ("one lr move through Dash over HTTP (Flask test client)", _http_update),
}


def profile(name: str, top: int) -> str:
    title, build = PATHS[name]
    fn, repeats = build()
    fn()                                   # warm caches and imports outside the profile
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeats):
        fn()
    prof.disable()
    out = io.StringIO()
    out.write(f"=== {name}: {title}, {repeats} calls ===\n")
    stats = pstats.Stats(prof, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profiling", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"any of {', '.join(PATHS)} (default: all)")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in PATHS]
    if unknown:
        parser.error(f"unknown path(s) {', '.join(unknown)}; choose from {', '.join(PATHS)}")
    for name in args.names or PATHS:
        print(profile(name, args.top))


if __name__ == "__main__":
    main()
