"""The configuration in the URL: exact round trips, hostile queries, and the apply/write callbacks."""
import json

import numpy as np
import pytest
from dash import no_update
from hypothesis import given, settings, strategies as st

from tests.viz.helpers import default_args
from viz import ids, presets, urlstate
from viz.callbacks.teaching import (APPLY_OUTPUTS, N_APPLY, apply_response, config_of, default_config,
                                    pending_response, url_response)
from viz.config import read_config
from viz.scene import compute

OUT = {f"{o.component_id}.{o.component_property}": i for i, o in enumerate(APPLY_OUTPUTS)
       if isinstance(o.component_id, str)}


def _json(obj):
    import plotly.io.json as pj

    def reject(name):
        raise AssertionError(f"{name} in a response")

    return json.loads(pj.to_json_plotly(obj), parse_constant=reject)


def paths(config):
    return [r.path for r in compute(config).results]


LINK = ("?surface=quadratic&sp=kappa=50,angle=-20&start=7.5,-3.25&steps=137&seed=4&tol=1e-8"
        "&run=SGD:lr=0.013,momentum=0.85,nesterov=1&run=Adam:lr=0.03,beta1=0.95,beta2=0.9995,amsgrad=1"
        "&run=SGD:lr=0.02&schedule1=StepLR:step_size=30,gamma=0.3&schedule2=none"
        "&schedule3=LambdaLR:lr_lambda=1%2F(1%2B0.01*t)&sigma=0.25")


def test_a_link_round_trips_exactly():
    config, notices = urlstate.decode(LINK)
    assert notices == []
    assert config.surface == "quadratic" and config.surface_params["kappa"] == pytest.approx(50)
    assert config.start == (7.5, -3.25) and config.steps == 137 and config.seed == 4
    assert config.runs[0].kwargs["nesterov"] is True and config.runs[1].kwargs["betas"] == (0.95, 0.9995)
    assert config.runs[2].schedule == ("LambdaLR", {"lr_lambda": "1/(1+0.01*t)"})
    again, notices = urlstate.decode(urlstate.encode(config))
    assert notices == [] and urlstate.encode(again) == urlstate.encode(config)
    for a, b in zip(paths(config), paths(again)):
        np.testing.assert_array_equal(a, b)


def test_the_page_state_and_the_link_compute_the_same_scene():
    # What the page shows (the scene callback's inputs) → link → decoded: identical trajectories.
    args = default_args(start=[3.5, -1.25], steps=80)
    args.pop("view")
    config = config_of(args["surface"], args["surface_params"], args["formula"], args["bounds"], args["start"],
                       args["steps"], args["sigma"], args["batch"], args["seed"], args["tolerance"],
                       args["hp_items"], args["runs"], args["schedules_store"])
    decoded, notices = urlstate.decode(urlstate.encode(config))
    assert notices == []
    for a, b in zip(paths(config), paths(decoded)):
        np.testing.assert_array_equal(a, b)


def test_surface_parameters_are_slider_positions():
    config, _ = read_config("quadratic", {"kappa": 2.0}, "", None, None, 100, 0, None, 0, [], {}, {})
    assert config.surface_params["kappa"] == pytest.approx(100.0)      # log slider: 10² = 100


def test_a_run_with_its_own_batch():
    config, notices = urlstate.decode("?surface=linear_regression&steps=40&run=SGD:lr=0.1&run=SGD:lr=0.1"
                                      "&batch1=512&batch2=8:milestones=10/20,factor=4")
    assert notices == []
    assert config.runs[0].batch == (512, (), 2.0) and config.runs[1].batch == (8, (10, 20), 4.0)
    full, small = compute(config).results
    exact, _ = urlstate.decode("?surface=linear_regression&steps=40&run=SGD:lr=0.1")
    from dataclasses import replace
    gd = compute(replace(exact, batch=512)).results[0]
    np.testing.assert_allclose(full.path, gd.path, atol=1e-12)       # B = N: gradient descent
    assert not np.allclose(small.path, full.path)


HOSTILE = [
    "?", "?&&&", "?=", "?surface", "?surface=", "?surface=nope&run=SGD:lr=0.1", "?run=Nope:lr=1",
    "?surface=ravine&start=1e999,nan&steps=-5&run=SGD:lr=1e999,momentum=7,nesterov=maybe",
    "?surface=ravine&steps=99999999999999999999999&run=SGD:lr=-1",
    "?surface=ravine&run=" + "&run=".join(["SGD:lr=0.1"] * 40),
    "?surface=custom&f=__import__(%27os%27)&bounds=1,0,2&run=SGD:lr=0.1",
    "?surface=custom&f=x**2%2By**2&bounds=-1,1,-1,1&run=SGD:lr=0.1",
    "?surface=ravine&run=SGD:lr=0.1&schedule=StepLR:step_size=-3,gamma=abc,bogus=1",
    "?surface=ravine&run=SGD:lr=0.1&schedule=LambdaLR:lr_lambda=__import__",
    "?surface=ravine&run=SGD:lr=0.1&schedule9=StepLR&batch7=3&schedule99999999999999999999999=x",
    "?surface=linear_regression&run=SGD:lr=0.1&batch1=99999:milestones=a/5/3/-1,factor=1e9",
    "?surface=quadratic&sp=kappa=-5,angle=1e400,zzz=1&run=Adam",
    "?surface=rosenbrock&run=Adafactor:eps1=auto,d=nan&run=CyclicLR:lr=1",
    "?surface=ravine&run=SGD:lr=0.1&preset=nope&preset=%3Cscript%3E",
    "?" + "x" * 7000,
    "?surface=%F0%9F%98%80&run=%00%01:lr=%FF",
]


@pytest.mark.parametrize("search", HOSTILE)
def test_hostile_links_are_clamped_or_ignored_with_notices(search):
    config, notices = urlstate.decode(search)
    if config is not None:
        scene = compute(config)
        assert all(np.all(np.isfinite(r.path[: r.diverged_at if r.diverged_at >= 0 else None])) for r in scene.results)
        assert len(config.runs) <= 16
    out = apply_response(ids.URL, search, {"search": "?surface=ravine"}, "ravine", [])
    assert len(out) == N_APPLY
    _json([o for o in out if o is not no_update])
    if search not in ("?", "?&&&"):
        assert notices or config is not None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_decode_never_raises(text):
    config, notices = urlstate.decode("?" + text)
    assert config is None or config.steps >= 10
    assert isinstance(notices, list)


def test_apply_a_preset_sets_every_control():
    out = apply_response({"type": ids.PRESET, "key": "schedules"}, None, {"search": ""}, "ravine", [])
    assert out[OUT[f"{ids.SURFACE}.value"]] == "rastrigin"
    runs = out[OUT[f"{ids.RUNS}.data"]]
    assert [r["optimizer"] for r in runs] == ["SGD"] * 3
    assert [r["ghost_of"] for r in runs] == [None, runs[0]["id"], runs[0]["id"]]
    store = out[OUT[f"{ids.SCHEDULES}.data"]]
    assert [store[r["id"]]["name"] for r in runs] == ["StepLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts"]
    assert "Rastrigin" in out[OUT[f"{ids.CAPTION}.children"]]
    assert out[OUT[f"{ids.PRESET_KEY}.data"]] == "schedules"
    assert out[OUT[f"{ids.LINK_NOTICE}.children"]] == ""
    _json([o for o in out if o is not no_update])


def test_applied_runs_get_ids_new_to_the_page():
    out = apply_response({"type": ids.PRESET, "key": "ravine"}, None, {"search": ""}, "ravine",
                         [{"id": "r1"}, {"id": "r2"}, {"id": "r3"}])
    assert [r["id"] for r in out[OUT[f"{ids.RUNS}.data"]]] == ["r4", "r5"]


def test_apply_ignores_its_own_query_and_restores_the_first_page_on_back():
    state = {"search": "?surface=ravine&steps=100&run=SGD:lr=0.1"}
    assert apply_response(ids.URL, state["search"], state, "ravine") == (no_update,) * N_APPLY
    assert apply_response(ids.URL, "", {"search": ""}, "ravine") == (no_update,) * N_APPLY
    back = apply_response(ids.URL, "", state, "ravine")
    assert [r["optimizer"] for r in back[OUT[f"{ids.RUNS}.data"]]] == ["SGD", "SGD", "Adam"]
    assert back[OUT[f"{ids.STEPS}.value"]] == default_config().steps
    assert apply_response({"type": ids.PRESET, "key": "nope"}, None, state, "ravine") == (no_update,) * N_APPLY
    assert apply_response("junk", 42, None, None) == (no_update,) * N_APPLY


def test_a_link_that_names_a_preset_shows_its_caption():
    search = "?" + presets.get("newton").query + "&preset=newton"
    out = apply_response(ids.URL, search, {"search": ""}, "ravine", [])
    assert out[OUT[f"{ids.CAPTION}.children"]].startswith("On the ravine")
    assert url_response(urlstate.decode(search)[0], "newton")["search"].endswith("&preset=newton")
    assert "preset" not in url_response(urlstate.decode(search)[0], "<script>")["search"]


def test_pending_start_waits_for_its_surface():
    pending = {"surface": "quadratic", "start": [1.5, -2.0], "params": {"kappa": 1.5}}
    param_ids = [{"type": ids.SURFACE_PARAM, "name": "kappa", "scale": "log"},
                 {"type": ids.SURFACE_PARAM, "name": "angle", "scale": "linear"}]
    assert pending_response(pending, "quadratic", param_ids) == (1.5, -2.0, [1.5, no_update], None)
    assert pending_response(pending, "ravine", []) == (no_update, no_update, [], None)
    assert pending_response(None, "ravine", []) == (no_update, no_update, [], no_update)
    assert pending_response({"surface": "quadratic", "start": "x"}, "quadratic", ["junk"])[:3] == \
        (no_update, no_update, [no_update])


def test_a_preset_key_alone_loads_the_preset():
    config, notices = urlstate.decode("?preset=ravine")
    assert notices == [] and config == urlstate.decode("?" + presets.get("ravine").query)[0]
    out = apply_response(ids.URL, "?preset=ravine", {"search": ""}, "rosenbrock", [])
    assert out[OUT[f"{ids.SURFACE}.value"]] == "ravine"
    assert [r["optimizer"] for r in out[OUT[f"{ids.RUNS}.data"]]] == ["SGD", "SGD"]
    assert out[OUT[f"{ids.CAPTION}.children"]] == presets.get("ravine").caption
    assert out[OUT[f"{ids.PRESET_KEY}.data"]] == "ravine" and out[OUT[f"{ids.LINK_NOTICE}.children"]] == ""
    # Fields beside the key change the preset's scene.
    config, notices = urlstate.decode("?preset=ravine&steps=50")
    assert notices == [] and config.steps == 50 and config.surface == "ravine" and len(config.runs) == 2
    assert urlstate.decode("?preset=nope")[0] is None


def test_a_link_with_some_fields_completes_them_with_the_default_page():
    config, notices = urlstate.decode("?schedule=CyclicLR")
    assert notices == [] and config.surface == "ravine"
    assert [r.optimizer for r in config.runs] == [r.optimizer for r in default_config().runs]
    assert all(r.schedule[0] == "CyclicLR" for r in config.runs)
    config, notices = urlstate.decode("?steps=200")
    assert notices == [] and config.steps == 200 and len(config.runs) == 3
    out = apply_response(ids.URL, "?schedule=OneCycleLR", {"search": ""}, "ravine", [])
    assert out[OUT[f"{ids.SCHEDULES}.data"]]["shared"]["name"] == "OneCycleLR"
