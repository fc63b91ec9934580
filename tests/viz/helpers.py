"""Build scenes and callback arguments for the viz tests."""
from viz.config import Config, read_runs
from viz.runs import new_run
from viz.scene import compute

import surfaces


def scene_for(surface="ravine", runs=(("SGD", {"lr": 0.05}),), steps=100, schedules=None, **config):
    s = surfaces.get(surface)
    stored = [new_run(f"r{i + 1}", name, s, **values) for i, (name, values) in enumerate(runs)]
    run_configs = read_runs(stored, {}, schedules or {}, [])
    return compute(Config(surface=surface, steps=steps, runs=tuple(run_configs), **config))


def default_args(**overrides):
    """Keyword arguments of viz.callbacks.scene.scene_response for the default page."""
    from viz.config import default_runs

    args = dict(surface="ravine", surface_params=[], formula="", bounds=[[-4, 4], [-4, 4]], start=[10, 1],
                steps=200, sigma=0.0, batch=32, seed=0, tolerance=1e-6, hp_items=[], runs=default_runs(),
                schedules_store={"shared": {"name": "none", "params": {}}}, view=[])
    args.update(overrides)
    return args
