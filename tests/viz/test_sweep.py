"""The landscape view: sweeps equal single runs, theory, figures, and its callbacks with hostile inputs."""
import json

import numpy as np
import dash
import pytest
from dash import no_update

import optimizers
import surfaces
from optimizers import schedules
from viz import ids as page_ids, urlstate
from viz.config import read_config, read_runs
from viz.controls import show
from viz.runs import flat_params, to_kwargs
from viz.sweep import compute, ids
from viz.sweep.callbacks import form_response, load_response, pending_response, sweep_response
from viz.sweep.figures import FINAL_LOSS, MINIMUM, STEPS_TO_TOL, heatmap_figure, positions
from viz.sweep.manager import background_manager, celery_of
from viz.sweep.theory import quadratic_theory, theory_applies


def _reject_constant(name):
    raise AssertionError(f"{name} in a response")


def _json(obj):
    """Serialize like Dash does; fail on NaN/Infinity (JSON has no such values)."""
    import plotly.io.json as pj

    return json.loads(pj.to_json_plotly(obj), parse_constant=_reject_constant)


def single_run(cell: dict):
    """The cell as one plain simulate() call of one run (what the trajectory view computes)."""
    opt = optimizers.get(cell["optimizer"], **to_kwargs(cell["optimizer"], cell["values"]))
    schedule = schedules.get(cell["schedule"][0], **cell["schedule"][1]) if cell["schedule"] else None
    noise = surfaces.noise.Minibatch(cell["batch"], seed=cell["seed"]) if cell["batch"] else None
    return optimizers.simulate(surfaces.get(cell["surface"]), opt, np.array([cell["start"]]), cell["steps"],
                               schedule=schedule, noise=noise)


# Each sweep the issue names, plus schedules that cycle momentum and a basin map.
SWEEPS = {
    "SGD lr x momentum": dict(),
    "Adam lr x beta1": dict(optimizer="Adam", x="lr", y="beta1"),
    "Adam beta1 x beta2": dict(optimizer="Adam", x="beta1", y="beta2", values={"lr": 0.3}),
    "SGD lr x ExponentialDecay k": dict(schedule="ExponentialDecay", x="lr", y="schedule.k"),
    "SGD StepLR step_size x lr": dict(schedule="StepLR", x="schedule.step_size", y="lr"),
    "SGD lr x CyclicLR max_momentum": dict(schedule="CyclicLR", schedule_params={"step_size_up": 20},
                                           x="lr", y="schedule.max_momentum"),
    "SGD StepLR step_size x gamma": dict(schedule="StepLR", x="schedule.step_size", y="schedule.gamma",
                                         values={"lr": 0.05}),
    "SGD lr x batch size": dict(surface="linear_regression", x="lr", y="batch_size"),
    "RMSprop lr x alpha, fixed batch": dict(optimizer="RMSprop", surface="linear_regression", x="lr",
                                            y="alpha", batch=16, seed=3),
    "basin map on Himmelblau": dict(mode="basin", surface="himmelblau", values={"lr": 0.01}),
}


@pytest.mark.parametrize("kwargs", SWEEPS.values(), ids=SWEEPS.keys())
def test_sweep_cells_equal_single_runs(kwargs):
    spec = compute.make_spec(n=9, steps=120, **kwargs)
    result = compute.run(spec)
    ny, nx = spec.shape
    for i in range(0, ny, 2):
        for j in range(0, nx, 2):
            sim = single_run(compute.cell_config(spec, i, j))
            assert result.diverged_at[i, j] == sim.diverged_at[0], (i, j)
            if sim.diverged_at[0] >= 0:
                assert np.isnan(result.final_loss[i, j])
                continue
            # Per-run arrays and Python floats round alike except in the last bits of a power or two.
            np.testing.assert_allclose(result.final_loss[i, j], sim.loss[-1, 0], rtol=1e-9, atol=1e-12)


def test_chunks_are_simulate_calls_and_agree_with_one_call(monkeypatch):
    spec = compute.make_spec(n=12, steps=60)
    whole = compute.run(spec)
    assert whole.calls == 1
    monkeypatch.setattr(compute, "MAX_CHUNK", 64)
    monkeypatch.setattr(compute, "CHUNK_CELL_STEPS", 64)
    seen = []
    chunked = compute.run(spec, lambda done, total: seen.append((done, total)))
    assert chunked.calls == 3 and seen == [(64, 144), (128, 144), (144, 144)]
    np.testing.assert_array_equal(chunked.final_loss, whole.final_loss)
    np.testing.assert_array_equal(chunked.steps_to_tolerance, whole.steps_to_tolerance)


def test_a_batch_axis_makes_one_call_per_batch_value():
    spec = compute.make_spec(surface="linear_regression", x="batch_size", y="lr", n=6, steps=20)
    assert spec.x.values.tolist() == [1, 3, 12, 42, 147, 512]      # distinct whole numbers, log-spaced
    assert compute.run(spec).calls == 6


def test_grid_values_follow_the_parameter_scale():
    spec = compute.make_spec(optimizer="Adam", x=("lr", 1e-3, 1e-1), y=("beta2", 0.9, 0.999), n=3)
    np.testing.assert_allclose(spec.x.values, [1e-3, 1e-2, 1e-1])
    np.testing.assert_allclose(spec.y.values, [0.9, 0.99, 0.999])    # evenly spaced in −log10(1 − β)
    np.testing.assert_allclose(positions(spec.y), [1, 2, 3])


def test_course_numbers_for_the_ravine():
    theory = quadratic_theory(surfaces.get("ravine"))
    assert (theory.lam_min, theory.lam_max) == (2.0, 20.0)
    assert theory.gd_limit == pytest.approx(0.1)
    assert theory.gd_best == pytest.approx(0.0909, abs=1e-4)
    assert theory.hb_lr == pytest.approx(0.1154, abs=1e-4)
    assert theory.hb_momentum == pytest.approx(0.2699, abs=1e-4)
    assert quadratic_theory(surfaces.get("rosenbrock")) is None
    assert quadratic_theory(surfaces.get("saddle")) is None      # not positive definite


def test_the_stability_boundary_matches_the_sweep():
    """On the ravine, heavy ball diverges iff lr > 2(1 + β)/λmax (away from the boundary itself)."""
    spec = compute.make_spec(x=("lr", 0.01, 1.0), y=("momentum", 0.0, 0.9), n=40, steps=500)
    result = compute.run(spec)
    theory = theory_applies(spec)
    limit = theory.momentum_limit(spec.y.values)[:, None]
    lr = spec.x.values[None, :]
    diverged = result.diverged_at >= 0
    assert not diverged[lr < 0.95 * limit].any()
    assert diverged[lr > 1.05 * limit].all()


def test_theory_only_for_heavy_ball_lr_by_momentum_on_quadratics():
    assert theory_applies(compute.make_spec(n=3)) is not None
    assert theory_applies(compute.make_spec(optimizer="Momentum", surface="quadratic", n=3)) is not None
    assert theory_applies(compute.make_spec(surface="rosenbrock", n=3)) is None
    assert theory_applies(compute.make_spec(optimizer="Adam", x="lr", y="beta1", n=3)) is None
    assert theory_applies(compute.make_spec(values={"weight_decay": 0.01}, n=3)) is None
    assert theory_applies(compute.make_spec(schedule="StepLR", n=3)) is None


def test_basin_map_finds_all_four_himmelblau_minima():
    spec = compute.make_spec(mode="basin", surface="himmelblau", values={"lr": 0.01}, n=20, steps=300)
    result = compute.run(spec)
    assert set(np.unique(result.basin)) == {0, 1, 2, 3}
    # A start right next to a minimum ends there.
    for k, (mx, my) in enumerate(spec.surface.minima):
        j = int(np.argmin(np.abs(spec.x.values - mx)))
        i = int(np.argmin(np.abs(spec.y.values - my)))
        assert result.basin[i, j] == k


@pytest.mark.parametrize("metric", [FINAL_LOSS, STEPS_TO_TOL, MINIMUM])
def test_figures_carry_no_nan_and_show_divergence(metric):
    result = compute.run(compute.make_spec(n=20, steps=200))
    fig = _json(heatmap_figure(result, metric))
    names = [t.get("name") for t in fig["data"]]
    assert fig["data"][0]["type"] == "heatmap" and "bdata" in fig["data"][0]["z"]
    assert "diverged" in names
    assert any("optimum" in (n or "") for n in names) and any("2/λmax" in (n or "") for n in names)
    if metric == STEPS_TO_TOL:
        assert "tolerance not reached" in names


def test_basin_figure_colours_each_minimum():
    result = compute.run(compute.make_spec(mode="basin", surface="himmelblau", values={"lr": 0.01}, n=10,
                                           steps=100))
    fig = _json(heatmap_figure(result, MINIMUM))
    assert len(fig["data"][0]["colorbar"]["ticktext"]) == 4
    stars = next(t for t in fig["data"] if t.get("name") == "listed minima")
    assert len(set(stars["marker"]["color"])) == 4


def test_saddle_without_minimum_colours_the_loss():
    result = compute.run(compute.make_spec(surface="saddle", x="lr", y="momentum", n=5, steps=50))
    assert result.gap is None and (result.steps_to_tolerance == -1).all()
    _json(heatmap_figure(result, FINAL_LOSS))


BAD_SPECS = {
    "grid too large": (dict(n=201), "grid size"),
    "grid too small": (dict(n=1), "grid size"),
    "grid not a number": (dict(n="lots"), "grid size"),
    "grid NaN": (dict(n=float("nan")), "grid size"),
    "too many steps": (dict(steps=10_001), "steps"),
    "steps infinite": (dict(steps=float("inf")), "steps"),
    "unknown optimizer": (dict(optimizer="__import__('os')"), "optimizer"),
    "unknown surface": (dict(surface=["ravine"]), "surface"),
    "unknown mode": (dict(mode={"a": 1}), "mode"),
    "same axes": (dict(x="lr", y="lr"), "different"),
    "unknown axis": (dict(x="gamma"), "cannot be swept"),
    "log axis from zero": (dict(x=("lr", 0, 1)), "x axis"),
    "range reversed": (dict(x=("lr", 1, 0.1)), "below the maximum"),
    "range beyond the sliders": (dict(x=("lr", 1e-3, 100)), "within"),
    "range NaN": (dict(y=("momentum", float("nan"), 0.5)), "finite"),
    "schedule axis without schedule": (dict(y="schedule.gamma"), "schedule"),
    "unknown schedule": (dict(schedule="eval"), "schedule"),
    "batch on a surface without data": (dict(batch=8), "batch size"),
    "batch above the data set": (dict(surface="linear_regression", batch=10_000), "batch size"),
    "tolerance zero": (dict(tolerance=0), "tolerance"),
    "start infinite": (dict(start=[float("inf"), 0]), "start"),
    "start too far": (dict(start=[1e9, 0]), "start"),
    "start not a pair": (dict(start="10,1"), "start"),
    "unknown hyperparameter": (dict(values={"__class__": 1}), "no hyperparameter"),
    "hyperparameter NaN": (dict(x="lr", y="dampening", values={"momentum": float("nan")}), "finite"),
    "hyperparameter out of range": (dict(x="lr", y="dampening", values={"momentum": -1}), "momentum"),
    "seed negative": (dict(seed=-1), "seed"),
}


@pytest.mark.parametrize("kwargs, words", BAD_SPECS.values(), ids=BAD_SPECS.keys())
def test_hostile_specs_get_a_message(kwargs, words):
    with pytest.raises(ValueError, match=words):
        compute.make_spec(**kwargs)


def form(**overrides):
    """Raw values of the sweep form, as the background callback receives them."""
    args = dict(mode="sweep", optimizer="SGD", surface="ravine", schedule="none", x_key="lr", x_min=1e-3,
                x_max=0.3, y_key="momentum", y_min=0.0, y_max=0.99, lr=0.01, start_x=10, start_y=1, batch=32,
                seed=0, n=10, steps=100, metric=FINAL_LOSS, tolerance=1e-6)
    args.update(overrides)
    return args


def test_sweep_response_reports_progress_and_stores_the_spec():
    seen = []
    fig, spec, status = sweep_response(seen.append, **form())
    assert fig["data"][0]["type"] == "heatmap" and "100 runs × 100 steps" in status
    assert seen[-1] == ("1.0", "100 / 100 runs")
    _json([fig, spec])
    assert compute.make_spec(**spec).args == spec       # the stored spec rebuilds itself


HOSTILE = [None, "", "1e999", float("nan"), float("inf"), -1e308, 10**400, "9" * 5000, [], {}, [1, 2], {"x": 1},
           True, "<script>"]


@pytest.mark.parametrize("field", list(form()))
def test_sweep_response_never_raises_on_hostile_values(field):
    for value in HOSTILE:
        out = sweep_response(None, **form(**{field: value}))
        if out[0] is no_update:
            assert out[1] is no_update and out[2].startswith("Not run: ")
        else:
            _json(out)


def test_sweep_response_reports_engine_rejections():
    out = sweep_response(None, **form(optimizer="Adagrad", schedule="CyclicLR", y_key="lr_decay", y_min=0,
                                      y_max=0.1))
    assert out[0] is no_update and "cycle" in out[2]


def _click(spec, i, j):
    return {"points": [{"x": float(positions(spec.x)[j]), "y": float(positions(spec.y)[i]), "curveNumber": 0}]}


def test_click_loads_the_cell_into_the_trajectory_view():
    spec = compute.make_spec(schedule="ExponentialDecay", x="lr", y="schedule.k", n=5, steps=50)
    cell = compute.cell_config(spec, 3, 1)
    runs_before = [{"id": "r1", "optimizer": "Adam", "values": {}}]
    out = load_response(_click(spec, 3, 1), spec.args, "ravine", runs_before)
    (runs, picker, surface, params, sx, sy, pending, steps, tol, store, batch, seed, sigma, view,
     caption, caption_hidden, preset, msg) = out
    lr = float(f"{cell['values']['lr']:.3g}")      # what the lr box shows (3 significant digits)
    assert picker == ["SGD"] and runs[0]["id"] == "r2" and runs[0]["values"]["lr"] == lr
    assert surface is no_update and (sx, sy) == (10.0, 1.0) and pending is None and view == "trajectories"
    assert (steps, tol, sigma) == (50, 1e-6, 0.0) and "lr = " in msg and " k = " in msg
    assert (caption, caption_hidden, preset) == ("", True, None)     # a preset's caption closes
    # The trajectory view reads the stored schedule back to the cell's schedule (to its slider's digits).
    notices = []
    (run,) = read_runs(runs, {}, store, notices)
    assert notices == [] and run.schedule[0] == "ExponentialDecay"
    assert run.schedule[1]["k"] == pytest.approx(cell["schedule"][1]["k"], rel=5e-3)
    assert run.kwargs["lr"] == lr


def test_a_loaded_cell_is_rounded_to_what_its_controls_resolve():
    spec = compute.make_spec(x="lr", y="momentum", n=100, steps=50)
    cell = compute.cell_config(spec, 37, 61)
    assert len(repr(cell["values"]["lr"])) > 12           # e.g. 0.002364489412645407
    out = load_response(_click(spec, 37, 61), spec.args, "ravine", [])
    values = out[0][0]["values"]
    momentum = next(h for h in flat_params("SGD") if h.name == "momentum")
    assert values["lr"] == float(f"{cell['values']['lr']:.3g}")
    assert values["momentum"] == float(show(momentum, cell["values"]["momentum"]))
    assert values["lr"] == pytest.approx(cell["values"]["lr"], rel=5e-3)
    # The link written for it is short: the typed lr and the momentum as their boxes show them.
    config, notices = read_config("ravine", {}, "", None, [10, 1], 50, 0.0, None, 0, out[0], {}, out[9])
    assert notices == []
    assert f"run=SGD:lr={values['lr']!r},momentum={values['momentum']!r}" in urlstate.encode(config)
    assert f"lr = {values['lr']:.4g}" in out[-1]


def test_a_basin_cell_loads_a_start_rounded_to_the_window():
    spec = compute.make_spec(mode="basin", surface="himmelblau", values={"lr": 0.01}, n=37, steps=50)
    cell = compute.cell_config(spec, 5, 7)
    out = load_response(_click(spec, 5, 7), spec.args, "ravine", [])
    assert out[6]["start"] == [round(v, 2) for v in cell["start"]]   # 0.01 across Himmelblau's 10


def test_a_sweep_s_schedule_gets_the_run_length_defaults_and_loads_them():
    spec = compute.make_spec(schedule="OneCycleLR", x="lr", y="momentum", n=3, steps=200)
    assert spec.schedule == ("OneCycleLR", {"total_steps": 200}) and spec.args["schedule_params"] == {}
    assert compute.make_spec(**spec.args).schedule == spec.schedule
    out = load_response(_click(spec, 1, 1), spec.args, "ravine", [])
    notices = []
    (run,) = read_runs(out[0], {}, out[9], notices, steps=200)
    assert notices == [] and run.schedule == ("OneCycleLR", {"total_steps": 200})
    spec = compute.make_spec(schedule="SequentialLR", n=3, steps=300)
    out = load_response(_click(spec, 1, 1), spec.args, "ravine", [])
    assert "schedulers" not in out[9]["shared"]["params"]
    (run,) = read_runs(out[0], {}, out[9], notices, steps=300)
    assert notices == [] and run.schedule[1]["milestones"] == (30,)


def test_click_on_another_surface_waits_for_its_start():
    spec = compute.make_spec(mode="basin", surface="himmelblau", values={"lr": 0.01}, n=5, steps=50)
    out = load_response(_click(spec, 0, 4), spec.args, "ravine", [])
    assert out[2] == "himmelblau" and out[4] is no_update
    assert out[6] == {"surface": "himmelblau", "start": [5.0, -5.0]}
    assert pending_response(out[6], "himmelblau") == (5.0, -5.0, None)
    assert pending_response(out[6], "ravine") == (no_update, no_update, None)


def test_click_on_a_batch_sweep_sets_the_batch_and_seed():
    spec = compute.make_spec(surface="linear_regression", x="lr", y="batch_size", n=4, steps=20, seed=5)
    out = load_response(_click(spec, 3, 0), spec.args, "linear_regression", [])
    assert out[10:12] == (512, 5) and "batch size 512" in out[-1]


@pytest.mark.parametrize("click", [None, {}, {"points": []}, {"points": [{"x": "a", "y": 1}]},
                                   {"points": [{"x": float("nan"), "y": 1}]}, {"points": [{"x": 10**400, "y": 1}]},
                                   {"points": "x"}, [1, 2]])
def test_hostile_clicks_change_nothing(click):
    spec = compute.make_spec(n=3)
    assert load_response(click, spec.args, "ravine", []) == (no_update,) * 18


@pytest.mark.parametrize("store", [None, "x", [], {"n": 10_000}, {"optimizer": "nope"}, {"x": ["lr", -1, 1]},
                                   {"values": {"lr": float("inf")}}, {"start": [1e300, 0]}])
def test_hostile_spec_stores_get_a_message(store):
    out = load_response({"points": [{"x": 0, "y": 0}]}, store, "ravine", [])
    assert all(o is no_update for o in out[:-1])
    if isinstance(store, dict) and store not in ({},):
        assert out[-1] is no_update or out[-1].startswith("Cannot load that cell")


@pytest.mark.parametrize("pending", [None, "x", {"surface": "ravine"}, {"surface": "ravine", "start": [1e300, 0]},
                                     {"surface": "ravine", "start": ["a", 0]}, {"surface": "ravine", "start": [1]}])
def test_hostile_pending_starts_are_dropped(pending):
    out = pending_response(pending, "ravine")
    assert out[:2] == (no_update, no_update)


def test_form_offers_the_axes_of_the_optimizer_and_schedule():
    out = form_response(ids.OPTIMIZER, "sweep", "Adam", "ravine", "none", "lr", "momentum", [1, 2, 3, 4], FINAL_LOSS)
    options, x, _, y = out[:4]
    assert x == "lr" and y == "beta1" and "beta2" in [o["value"] for o in options]
    out = form_response(ids.SCHEDULE, "sweep", "SGD", "ravine", "StepLR", "lr", "momentum", [1, 2, 3, 4],
                        FINAL_LOSS)
    assert "schedule.gamma" in [o["value"] for o in out[0]]
    out = form_response(ids.SURFACE, "sweep", "SGD", "linear_regression", "none", "lr", "momentum",
                        [1, 2, 3, 4], FINAL_LOSS)
    assert out[3] == "momentum" and "batch_size" in [o["value"] for o in out[0]]
    assert out[11] == {}          # the batch and seed box shows on a data surface
    out = form_response(ids.MODE, "basin", "SGD", "ravine", "none", "lr", "momentum", [1, 2, 3, 4], FINAL_LOSS)
    assert out[14] == MINIMUM and out[12] == {"display": "none"}      # no axes to pick on a basin map


def test_picking_an_axis_parameter_resets_its_range():
    out = form_response(ids.Y_PARAM, "sweep", "SGD", "linear_regression", "none", "lr", "batch_size",
                        [1e-3, 1, 0.0, 0.999], FINAL_LOSS)
    assert out[3] == "batch_size" and out[6:8] == (1.0, 512.0) and out[4] is no_update
    out = form_response(ids.X_PARAM, "sweep", "SGD", "ravine", "none", "momentum", "momentum",
                        [1e-3, 1, 0.0, 0.999], FINAL_LOSS)      # x took y's parameter: y moves on
    assert out[1] == "momentum" and out[3] == "lr" and out[4:6] == (0.0, 0.999) and out[6:8] == (1e-4, 1.0)


@pytest.mark.parametrize("junk", HOSTILE)
def test_form_never_raises(junk):
    for trigger in (ids.MODE, ids.OPTIMIZER, ids.SURFACE, ids.SCHEDULE, ids.X_PARAM, ids.Y_PARAM, None, junk):
        out = form_response(trigger if isinstance(trigger, str) else None, junk, junk, junk, junk, junk, junk,
                            junk, junk)
        assert len(out) == 17


def test_diskcache_manager_lives_in_the_given_directory(tmp_path):
    manager = background_manager({"VIZ_CACHE_DIR": str(tmp_path / "bg")})
    assert isinstance(manager, dash.DiskcacheManager) and celery_of(manager) is None
    assert (tmp_path / "bg").is_dir()
    manager.handle.close()


def _job(key, _progress_key, args, _context):
    """A background job: write who ran it (pid, parent pid) under ``key``."""
    import os

    import diskcache

    diskcache.Cache(args[0]).set(key, (os.getpid(), os.getppid()))


def test_jobs_start_cleanly_while_other_threads_use_the_cache(tmp_path):
    """Jobs come from the fork server, not from this threaded process: a fork taken while another
    thread is inside SQLite would wait forever in the child (as it once did in the browser tests)."""
    import os
    import threading
    import time

    manager = background_manager({"VIZ_CACHE_DIR": str(tmp_path / "bg")})
    stop = threading.Event()

    def hammer():                        # a busy web server: progress polls from request threads
        while not stop.is_set():
            manager.handle.get("poll")
            manager.handle.set("poll", 1)

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        keys = [f"job-{i}" for i in range(6)]
        for key in keys:
            manager.call_job_fn(key, _job, (manager.handle.directory,), {})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(manager.handle.get(k) for k in keys):
            time.sleep(0.05)
    finally:
        stop.set()
        for t in threads:
            t.join()
    ran = [manager.handle.get(k) for k in keys]
    manager.handle.close()
    assert all(ran), f"jobs did not finish: {ran}"
    assert all(ppid != os.getpid() for _, ppid in ran)     # children of the fork server


def _sleep_job(key, _progress_key, args, _context):
    import time

    time.sleep(args[0])


def test_a_job_is_known_by_pid_and_start_time(tmp_path):
    """Running and killable while it runs; once reaped, its pid means nothing — even if another
    process has it now (here: this test's own pid, which no job was started as)."""
    import os
    import time

    manager = background_manager({"VIZ_CACHE_DIR": str(tmp_path / "bg")})
    try:
        job = manager.call_job_fn("k", _sleep_job, (30,), {})
        assert manager.job_running(job)
        manager.terminate_job(job)
        deadline = time.monotonic() + 10
        while manager.job_running(job) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not manager.job_running(job)
        manager.terminate_job(job)                     # gone: nothing to do, nothing raised
        assert not manager.job_running(os.getpid())    # a live process that is no job
        manager.terminate_job(os.getpid())             # ... is left alone (this test goes on)
        manager.terminate_job(None)
        manager.terminate_job("junk")
    finally:
        manager.handle.close()


def test_redis_url_selects_celery_without_connecting():
    manager = background_manager({"REDIS_URL": "redis://127.0.0.1:1/0"})
    assert type(manager).__name__ == "CeleryManager"
    app = celery_of(manager)
    assert app.conf.broker_url == "redis://127.0.0.1:1/0" and app.conf.task_time_limit >= 60


def _ids_in(component) -> str:
    return json.dumps(component, default=lambda o: o.to_plotly_json())


def test_page_has_the_view_switch_and_mounts_the_landscape_on_first_open():
    from viz.layout import build, validation
    from viz.sweep.callbacks import mount_response

    page = _ids_in(build().to_plotly_json())
    for id_ in (page_ids.VIEW_TRAJECTORIES, page_ids.VIEW_LANDSCAPE, page_ids.LANDSCAPE_VIEW, page_ids.VIEW,
                ids.SPEC, ids.PENDING, ids.MOUNTED):
        assert f'"{id_}"' in page
    assert f'"{ids.GRAPH}"' not in page and f'"{ids.RUN}"' not in page      # not mounted until opened
    body, mounted = mount_response("landscape", False)
    assert f'"{ids.GRAPH}"' in _ids_in(body) and f'"{ids.RUN}"' in _ids_in(body) and mounted is True
    assert mount_response("landscape", True) == (no_update, no_update)         # mounted once, then kept
    for hostile in ("trajectories", None, 3, ["landscape"], {"view": "landscape"}):
        assert mount_response(hostile, False) == (no_update, no_update)
    assert mount_response("landscape", "junk")[1] is True
    # Dash checks every callback against a layout that holds both.
    checked = _ids_in(validation().to_plotly_json())
    assert f'"{ids.GRAPH}"' in checked and f'"{page_ids.CONTOUR}"' in checked


def test_a_finished_grid_is_not_simulated_again(monkeypatch, tmp_path):
    """Another colour metric, or the same settings again: the stored per-cell results are used."""
    from viz.sweep import results
    monkeypatch.setenv("VIZ_CACHE_DIR", str(tmp_path))
    first = sweep_response(None, **form())
    assert (tmp_path / "results").is_dir()

    def no_run(*args, **kwargs):
        raise AssertionError("simulated again")
    monkeypatch.setattr(compute, "run", no_run)
    assert _json(sweep_response(None, **form())) == _json(first)              # byte for byte the same answer
    steps = sweep_response(None, **form(metric=STEPS_TO_TOL))
    assert steps[0]["data"][0]["name"] == "steps to tolerance" and steps[2] == first[2]
    fresh = compute.make_spec(**steps[1])
    assert results.load(fresh) is not None

    # Other settings (a tolerance, a step count), Celery, or an unusable entry: simulated.
    simulated = []
    monkeypatch.setattr(compute, "run", lambda spec, progress=None: simulated.append(spec) or real_run(spec))
    sweep_response(None, **form(tolerance=1e-3))
    sweep_response(None, **form(steps=99))
    monkeypatch.setenv("REDIS_URL", "redis://localhost:6379/0")
    sweep_response(None, **form())
    monkeypatch.delenv("REDIS_URL")
    assert len(simulated) == 3
    import diskcache
    with diskcache.Cache(str(tmp_path / "results")) as cache:
        cache.set(results.key(fresh), {"final_loss": np.zeros((2, 2))})           # wrong shape, fields missing
    assert results.load(fresh) is None
    sweep_response(None, **form())
    assert len(simulated) == 4


real_run = compute.run


def _sweep_job(key, _progress_key, args, _context):
    """A background job as the landscape runs one: the sweep, in a process from the fork server."""
    import diskcache

    from viz.sweep.callbacks import sweep_response

    out = sweep_response(None, **args[1])
    diskcache.Cache(args[0]).set(key, (out[1], out[2]))


def test_a_sweep_process_keeps_its_result_for_the_web_server(tmp_path):
    """The grid simulated in a job process is found by the web server's next look at it."""
    import time

    from viz.sweep import results
    manager = background_manager({"VIZ_CACHE_DIR": str(tmp_path / "bg")})
    settings = form(n=7, steps=33, seed=5)
    manager.call_job_fn("sweep-job", _sweep_job, (manager.handle.directory, settings), {})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and manager.handle.get("sweep-job") is None:
        time.sleep(0.05)
    args, status = manager.handle.get("sweep-job")
    manager.handle.close()
    assert "49 runs × 33 steps" in status
    spec = compute.make_spec(**args)
    stored = results.load(spec)
    assert stored is not None and stored.final_loss.shape == (7, 7)
