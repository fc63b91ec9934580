"""Schedule and optimizer panels: every control builds at every edge of its scale, and the
schedules' step counts default to fractions of the run (viz.schedule_defaults)."""
import json

import numpy as np
import pytest

import optimizers
from optimizers import schedules
from viz import ids, urlstate
from viz.callbacks.schedule import editor_response, param_controls, save_response
from viz.config import default_runs, read_runs
from viz.controls import control, from_slider, parse, show, slider_range, to_slider
from viz.runs import flat_params
from viz.scene import compute
from viz.schedule_defaults import defaults, scaled


def _edge_values(h):
    """The default and both ends of the control's range, in value units."""
    if h.kind == "ints":
        return [h.default, (h.ui[0],), (h.ui[0], h.ui[1])] if h.ui else [h.default]
    if h.kind in ("bool",):
        return [h.default, True, False]
    if h.kind == "choice":
        return [h.default, *h.choices]
    values = [h.default]
    if h.ui is not None:
        values += list(h.ui)
    if h.low is not None and h.kind == "float" and not h.low_open:
        values.append(h.low)          # valid, even if below the slider (clamped to its end)
    if h.high is not None and h.kind == "float" and not h.high_open:
        values.append(h.high)
    return values


def _every_param():
    for name, spec in schedules.names().items():
        for h in spec.params:
            yield pytest.param(h, id=f"{name}.{h.name}")
    for name in optimizers.names():
        for h in flat_params(name):
            yield pytest.param(h, id=f"{name}.{h.name}")


@pytest.mark.parametrize("h", list(_every_param()))
def test_every_control_builds_at_its_default_and_both_ends(h):
    for value in _edge_values(h):
        ctl = control(h, {"type": ids.SPV, "name": h.name, "scale": h.scale}, value)
        if ctl is None:
            continue
        json.dumps(ctl.to_plotly_json(), default=lambda o: o.to_plotly_json())
        if h.kind == "float" and h.ui is not None and not h.optional:
            lo, hi = slider_range(h)
            position = to_slider(h, value)
            assert np.isfinite(position) and lo <= min(max(position, lo), hi) <= hi
            assert show(h, value)


@pytest.mark.parametrize("name", list(schedules.names()))
def test_every_schedule_panel_renders_with_its_defaults(name):
    out = editor_response(ids.SCHEDULE, "shared", name, {}, default_runs(), 500)
    assert out[0] == name
    shown = out[4]
    editable = [h for h in schedules.spec(name).params
                if control(h, {"type": ids.SPV, "name": h.name, "scale": ""}, h.default) is not None]
    assert len([c for c in shown if getattr(c, "className", "").startswith("control")]) == len(editable)
    # What the panel shows is what the scene runs: save it, and the run's schedule builds.
    items = []
    for c in shown:
        for node in _walk(c):
            if isinstance(getattr(node, "id", None), dict) and node.id.get("type") in (ids.SP, ids.SPV):
                items.append((node.id, node.value))
    store = save_response("shared", name, items, {})
    assert set(store["shared"]["params"]) == {i[0]["name"] for i in items}
    notices = []
    runs = read_runs(default_runs(), {}, store, notices, steps=500)
    assert notices == [] and all(r.schedule[0] == name for r in runs)


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for c in children:
            yield from _walk(c)
    elif children is not None and hasattr(children, "children") or hasattr(children, "id"):
        yield from _walk(children)


def _values(panel):
    """{parameter: value} of the controls of a schedule panel."""
    return {n.id["name"]: n.value for c in panel for n in _walk(c)
            if isinstance(getattr(n, "id", None), dict) and n.id.get("type") in (ids.SP, ids.SPV)}


def test_cyclic_lr_gamma_one_is_exact_on_its_slider():
    gamma = next(h for h in schedules.spec("CyclicLR").params if h.name == "gamma")
    assert from_slider(gamma, to_slider(gamma, 1.0)) == 1.0          # the slider's top end is exactly 1
    assert parse(gamma, slider_range(gamma)[1]) == 1.0
    assert show(gamma, 1.0) == "1.0"
    config, notices = urlstate.decode("?surface=ravine&run=SGD:lr=0.01&schedule=CyclicLR:gamma=1,mode=exp_range")
    assert notices == [] and config.runs[0].schedule[1]["gamma"] == 1.0
    # The panel of CyclicLR shows base/max lr, the steps up and the mode.
    panel = str(param_controls("CyclicLR", {}, 500))
    for label in ("base lr", "max lr", "steps up", "mode", "γ", "max momentum"):
        assert label in panel


@pytest.mark.parametrize("name", list(schedules.names()))
@pytest.mark.parametrize("steps", [10, 37, 200, 500, 5000])
def test_step_defaults_build_and_fit_the_run(name, steps):
    params = defaults(name, steps)
    schedule = schedules.get(name, **params)
    for key, value in scaled(name, steps).items():
        h = next(p for p in schedules.spec(name).params if p.name == key)
        if h.kind == "int" and h.ui is not None:
            assert h.ui[0] <= value <= h.ui[1], (key, value)
    if not schedule.needs_loss:
        lr = schedule.lr_sequence(0.1, steps)
        assert lr.shape == (steps, 1) and np.all(np.isfinite(lr))


def test_step_defaults_follow_the_run_length():
    assert scaled("OneCycleLR", 200) == {"total_steps": 200}
    assert scaled("WarmupCosine", 200) == {"warmup_steps": 20, "T_max": 180}
    assert scaled("CyclicLR", 200) == {"step_size_up": 50}
    assert scaled("CosineAnnealingLR", 200) == {"T_max": 200}
    assert scaled("StepLR", 300) == {"step_size": 100}
    assert scaled("MultiStepLR", 500) == {"milestones": (150, 300, 450)}
    assert scaled("ExponentialLR", 200) == {} and scaled("ReduceLROnPlateau", 200) == {}
    # OneCycleLR's lr completes its cycle in a 200-step run: up, then far below the start.
    lr = schedules.get("OneCycleLR", **defaults("OneCycleLR", 200)).lr_sequence(1.0, 200)[:, 0]
    assert lr.argmax() == pytest.approx(0.3 * 200, abs=1) and lr[-1] < lr[0] / 1000
    # WarmupCosine finishes its cosine by the last step.
    lr = schedules.get("WarmupCosine", **defaults("WarmupCosine", 200)).lr_sequence(1.0, 201)[:, 0]
    assert lr[20] == pytest.approx(1.0) and lr[200] == pytest.approx(0.0, abs=1e-12)


def test_the_editor_shows_defaults_that_follow_the_steps():
    for steps, expected in ((200, 200), (1000, 1000)):
        panel = editor_response(ids.SCHEDULE, "shared", "OneCycleLR", {}, default_runs(), steps)[4]
        assert _values(panel)["total_steps"] == expected
    panel = editor_response(ids.SCHEDULE, "shared", "CyclicLR", {}, default_runs(), 200)[4]
    assert _values(panel)["step_size_up"] == 50


def test_a_link_that_omits_step_counts_gets_the_run_s():
    config, notices = urlstate.decode("?surface=ravine&steps=200&run=SGD:lr=0.01&schedule=OneCycleLR")
    assert notices == [] and config.runs[0].schedule == ("OneCycleLR", {"total_steps": 200})
    lr = compute(config).results[0].lr
    assert lr.argmax() == pytest.approx(60, abs=1) and lr[-1] < 1e-5
    # The link stays short and canonical: the run-length defaults are not written out.
    assert urlstate.encode(config).endswith("&schedule=OneCycleLR")
    # A value that differs from the run-length default is kept, and written.
    config, _ = urlstate.decode("?surface=ravine&steps=200&run=SGD:lr=0.01&schedule=CosineAnnealingLR:T_max=500")
    assert config.runs[0].schedule[1]["T_max"] == 500 and "T_max=500" in urlstate.encode(config)
    config, _ = urlstate.decode("?surface=ravine&steps=200&run=SGD:lr=0.01&schedule=WarmupCosine")
    lr = compute(config).results[0].lr
    assert lr.max() == pytest.approx(0.01) and lr[-1] < 1e-6


def test_a_store_of_the_editor_round_trips_through_the_link():
    config, _ = urlstate.decode("?surface=ravine&steps=300&run=SGD:lr=0.01&schedule=SequentialLR")
    store = urlstate.schedule_store(config)
    assert "schedulers" not in store["shared"]["params"]
    (run,) = config.runs
    assert run.schedule[1]["milestones"] == (30,)
    assert run.schedule[1]["schedulers"][1] == ("CosineAnnealingLR", {"T_max": 270})
