"""One request cannot hold a worker: a cost budget before any work, a deadline behind it.

Found over HTTP: the formula ``x/(x/(x/(...x...)))`` nested 60 deep passes the parser's
limits; with 16 runs × 5,000 steps the CSV export took 43–52 s, the step inspector at
step 4,999 took 105 s and the torch check 6.9 s. Each is now refused before any
simulation (the tests make `simulate` fail if it is called) with a message naming the
limit, and a request under budget that meets a slow machine stops at its deadline.
"""
import time
from urllib.parse import quote

import numpy as np
import pytest

import optimizers
import surfaces
from scripts.dash_requests import RequestBuilder, encode
from viz import budget, ids, scene as scene_module
from viz.callbacks.scene import scene_response
from viz.callbacks.teaching import default_config, download_response, inspector_response, torch_response
from viz.exports import export
from viz.urlstate import decode

from .conftest import post, strict_json

NESTED = "x/(" * 60 + "x" + ")" * 60
RUNS = "&".join(f"run={name}:lr=0.001" for name in ["SWATS", "Adam", "SGD", "NAdam"] * 4)
ATTACK = f"?surface=custom&f={quote(NESTED)}&bounds=1,4,1,4&start=2,2&steps=5000&{RUNS}"
LARGEST = "?surface=ravine&start=10,1&steps=5000&" + "&".join(
    f"run=Adam:lr={lr}" for lr in np.geomspace(1e-3, 1e-1, 16).round(6))


@pytest.fixture
def no_simulation(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("simulate() was called for a request over budget")
    monkeypatch.setattr(optimizers, "simulate", refuse)


def test_the_attack_scene_is_over_every_budget():
    config, _ = decode(ATTACK)
    assert len(config.runs) == 16 and config.steps == 5000
    for kind in ("scene", "csv", "json", "gif", "torch-script", "torch-check"):
        cost = budget.estimate(config, kind)
        assert not cost.ok and cost.seconds > 5 * cost.limit, kind
    assert not budget.estimate(config, "inspector", 4999).ok


def test_everyday_scenes_are_within_budget():
    default = default_config()
    for kind in budget.LIMITS:
        assert budget.estimate(default, kind, step=default.steps - 1).ok, kind
    largest, _ = decode(LARGEST)          # 16 runs × 5,000 steps of Adam on the ravine
    assert budget.estimate(largest, "scene").ok and budget.estimate(largest, "csv").ok
    custom, _ = decode("?surface=custom&f=" + quote("sin(x)*cos(y) + 0.1*(x**2 + y**2)") +
                       "&start=1,1&steps=1000&run=SGD:lr=0.01&run=Adam:lr=0.01&run=RMSprop:lr=0.01")
    assert budget.estimate(custom, "scene").ok


def test_the_cost_grows_with_the_formula_s_derivative_graph():
    costs = [budget.formula_step_us("x/(" * d + "x" + ")" * d) for d in (1, 8, 32)]
    assert costs[0] < costs[1] < costs[2]
    assert budget.formula_step_us("x**2 +") == 0.0      # does not parse: never simulated


def test_over_budget_requests_do_no_work_and_say_why(no_simulation):
    config, _ = decode(ATTACK)
    scene = scene_module.compute(config)
    assert scene.refused and "limit of 1.0 s per request" in scene.error and "at most" in scene.error
    for kind in ("csv", "json", "gif", "torch"):
        payload, notice = export(kind, config)
        assert payload is None and notice.startswith("Not computed"), kind
    table, patch = inspector_response(["on"], 4999, {"search": ATTACK})
    assert "step inspector at step 4,999" in str(table) and "limit of 100 ms" in str(table)
    patch, notice = torch_response(["on"], {"search": ATTACK})
    assert "PyTorch check" in notice
    out = scene_response(ids.RUNS, surface="custom", surface_params=[], formula=NESTED,
                         bounds=[[1, 4], [1, 4]], start=[2, 2], steps=5000, sigma=0.0, batch=None, seed=0,
                         tolerance=1e-6, hp_items=[], runs=config_runs(config), schedules_store={}, view=[])
    assert "Not computed" in out[5]          # status; the plots keep their last picture
    assert all(o is out[0] for o in out[:5])


def config_runs(config):
    return [{"id": r.id, "optimizer": r.optimizer, "values": {"lr": r.kwargs["lr"]}} for r in config.runs]


def test_simulate_stops_at_its_deadline():
    s = surfaces.get("ravine")
    with pytest.raises(TimeoutError):
        optimizers.simulate(s, optimizers.get("Adam", lr=0.01), np.array([[1.0, 1.0]]), 1000,
                            deadline=time.monotonic() - 1)
    run = optimizers.simulate(s, optimizers.get("Adam", lr=0.01), np.array([[1.0, 1.0]]), 1000,
                              deadline=time.monotonic() + 3600)
    assert run.path.shape == (1001, 1, 2)
    for k, name in ((10, "SGD"), (600, "Adam"), (3, "Adafactor")):   # in-place, fused and array loops
        with pytest.raises(TimeoutError):
            optimizers.simulate(s, optimizers.get(name, lr=0.01), np.ones((k, 2)), 300, deadline=0.0)


def test_a_request_past_its_deadline_answers_with_a_message(monkeypatch):
    monkeypatch.setattr(budget, "deadline", lambda kind="scene": time.monotonic() - 1)   # a very slow machine
    config = default_config()
    scene = scene_module.compute(config)
    assert scene.refused and scene.error.startswith("Stopped: the server is busy")
    payload, notice = download_response(ids.EXPORT_CSV, None)
    assert notice.startswith("Stopped")
    table, _ = inspector_response(["on"], 100, None)
    assert "Stopped" in str(table)
    _, notice = torch_response(["on"], None)
    assert notice.startswith("Stopped")


def _scene_body(dependencies, layout_index, formula: str, steps: int, runs: list[dict]) -> bytes:
    dep = next(d for d in dependencies if d["output"].startswith(f"..{ids.CONTOUR}.figure...{ids.SURFACE_3D}"))
    builder = RequestBuilder(dep, layout_index)
    where = {d["id"]: i for i, d in enumerate(builder.deps)}
    body = builder.body(items={
        where[ids.SURFACE]: [{"id": ids.SURFACE, "property": "value", "value": "custom"}],
        where[ids.FORMULA]: [{"id": ids.FORMULA, "property": "value", "value": formula}],
        where[ids.STEPS]: [{"id": ids.STEPS, "property": "value", "value": steps}],
        where[ids.RUNS]: [{"id": ids.RUNS, "property": "data", "value": runs}],
    }, trigger=(where[ids.FORMULA], 0))
    return encode(body)


def test_over_http_the_attack_scene_is_refused_at_once(client, dependencies, layout_index, monkeypatch):
    config, _ = decode(ATTACK)
    resp = post(client, _scene_body(dependencies, layout_index, NESTED, 5000, config_runs(config)))
    assert resp.status_code == 200
    response = strict_json(resp.get_data(as_text=True))["response"]
    assert "Not computed" in response[ids.STATUS]["children"]


def test_over_http_the_attack_csv_export_is_refused(client, dependencies, layout_index):
    dep = next(d for d in dependencies if d["output"].startswith(f"..{ids.DOWNLOAD}.data"))
    builder = RequestBuilder(dep, layout_index)
    where = {d["id"]: i for i, d in enumerate(builder.deps)}
    body = builder.body(items={
        where[ids.EXPORT_CSV]: [{"id": ids.EXPORT_CSV, "property": "n_clicks", "value": 1}],
        where[ids.URL_STATE]: [{"id": ids.URL_STATE, "property": "data", "value": {"search": ATTACK}}]},
        trigger=(where[ids.EXPORT_CSV], 0))
    resp = post(client, encode(body))
    assert resp.status_code == 200
    response = strict_json(resp.get_data(as_text=True))["response"]
    assert ids.DOWNLOAD not in response and "Not computed" in response[ids.EXPORT_NOTICE]["children"]


def test_long_requests_take_turns_and_slider_moves_never_wait(monkeypatch, tmp_path):
    """With the machine's heavy slot taken, a long request waits (bounded) and then says the server is
    busy; a light one (a slider move on the default scene) goes ahead at once."""
    import fcntl

    monkeypatch.setenv("VIZ_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(budget, "HEAVY_WAIT", 0.1)
    largest, _ = decode(LARGEST)
    assert budget.estimate(largest).seconds > budget.HEAVY_SECONDS > budget.estimate(default_config()).seconds
    (tmp_path / "heavy").mkdir()
    with open(tmp_path / "heavy" / "slot-0.lock", "a+") as held:     # another request holds the slot
        fcntl.flock(held, fcntl.LOCK_EX)
        busy = scene_module.compute(largest)
        assert busy.refused and "busy with other long requests (1 at a time)" in busy.error
        payload, notice = export("csv", largest)
        assert payload is None and "busy" in notice
        assert not scene_module.compute(default_config()).refused
    assert not scene_module.compute(largest).refused                    # free again
