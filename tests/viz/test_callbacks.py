"""Callbacks called directly, including hostile inputs."""
import json

import pytest
from dash import Patch, no_update

from tests.viz.helpers import default_args
from viz import ids
from viz.callbacks.cards import cards_response
from viz.callbacks.scene import scene_response
from viz.callbacks.schedule import editor_response, save_response
from viz.callbacks.surface import surface_controls
from viz.config import default_runs
from viz.figures import FIRST_SLOT, HEADS_TRACE, START_TRACE


def _reject_constant(name):
    raise AssertionError(f"{name} in a response")


def _json(obj):
    """Serialize like Dash does; fail on NaN/Infinity (JSON has no such values)."""
    import plotly.io.json as pj

    return json.loads(pj.to_json_plotly(obj), parse_constant=_reject_constant)


def hp(run, name, value, scale=""):
    return ({"type": ids.HP if scale else ids.HPV, "run": run, "name": name, "scale": scale}, value)


def test_surface_change_sends_the_full_contour():
    out = scene_response(ids.SURFACE, **default_args())
    assert isinstance(out[0], dict) and out[0]["data"][0]["type"] == "contour"
    assert out[5] == ""


def test_slider_change_patches_only_the_trajectories():
    trigger = {"type": ids.HPV, "run": "r1", "name": "lr", "scale": ""}
    contour = scene_response(trigger, **default_args())[0]
    assert isinstance(contour, Patch)
    touched = {op["location"][1] for op in _json(contour)["operations"]}
    assert 0 not in touched  # the contour trace is not resent
    assert touched == set(range(FIRST_SLOT, FIRST_SLOT + 3)) | {HEADS_TRACE, START_TRACE}
    # A change of the runs themselves rewrites every slot (removed runs must disappear).
    contour = scene_response(ids.RUNS, **default_args())[0]
    touched = {op["location"][1] for op in _json(contour)["operations"]}
    assert touched == set(range(FIRST_SLOT, HEADS_TRACE + 1)) | {START_TRACE}


def test_lr_changes_the_trajectory():
    trigger = {"type": ids.HPV, "run": "r1", "name": "lr", "scale": ""}
    a = _json(scene_response(trigger, **default_args(hp_items=[hp("r1", "lr", 0.01)]))[0])
    b = _json(scene_response(trigger, **default_args(hp_items=[hp("r1", "lr", 0.02)]))[0])
    assert a["operations"][0] != b["operations"][0]


def test_per_run_hyperparameters_reach_the_engine():
    args = default_args(hp_items=[hp("r2", "momentum", 0.0, "linear"), hp("r1", "momentum", 0.9, "linear")])
    rows = scene_response(ids.STEPS, **args)[4]
    assert "SGD #1" in str(rows)


def test_schedule_changes_the_lr_panel():
    store = {"shared": {"name": "StepLR", "params": {"step_size": 50, "gamma": 0.5}}}
    lr_fig = scene_response(ids.SCHEDULES, **default_args(schedules_store=store))[3]
    assert "bdata" in lr_fig["data"][0]["y"]  # no longer a constant (two-point) line


@pytest.mark.parametrize("field,value", [
    ("surface", "nope"), ("surface", None), ("surface", ["ravine"]),
    ("surface_params", [({"type": "surface-param", "name": "kappa"}, "1e999")]),
    ("formula", 12), ("bounds", "x"), ("bounds", [[5, -5], [1, 1]]), ("start", [float("nan"), 1e308]),
    ("start", "here"), ("steps", 10 ** 12), ("steps", -5), ("steps", "many"), ("sigma", float("inf")),
    ("batch", -3), ("seed", 1e300), ("tolerance", -1),
    ("hp_items", [hp("r1", "lr", float("nan")), hp("r1", "momentum", "x", "linear"), ("junk", 1),
                  ({"run": 5, "name": None}, 3), hp("r3", "beta2", 1e9, "one_minus_log")]),
    ("runs", "all"), ("runs", [{"id": "r1", "optimizer": "os.system"}, 5, None]),
    ("runs", [{"id": f"r{i}", "optimizer": "SGD"} for i in range(100)]),
    ("schedules_store", {"shared": {"name": "StepLR", "params": {"step_size": "x", "gamma": -1}}}),
    ("schedules_store", {"shared": {"name": "__import__"}, "r1": 5}),
    ("view", "3d"),
])
def test_hostile_inputs_get_a_notice_and_a_valid_response(field, value):
    for trigger in (ids.SURFACE, ids.STEPS):
        outputs = scene_response(trigger, **default_args(**{field: value}))
        for out in outputs:
            if out is not no_update:
                _json(out)


def test_hostile_values_are_reported():
    status = scene_response(ids.SURFACE, **default_args(surface="nope", steps=10 ** 12))[5]
    assert "surface" in status and "steps" in status


def test_divergence_is_reported():
    status = scene_response(ids.STEPS, **default_args(hp_items=[hp("r1", "lr", 0.5)]))[5]
    assert "SGD #1 diverged at step" in status


def test_bad_formula_gets_an_inline_message_and_keeps_the_views():
    out = scene_response(ids.FORMULA, **default_args(surface="custom", formula="os.system(1)"))
    assert out[0] is no_update and "column" in out[6]


def test_steps_and_run_count_are_capped_with_a_message():
    from viz.config import MAX_STEPS
    from viz.runs import MAX_RUNS

    runs = [{"id": f"r{i}", "optimizer": "SGD"} for i in range(100)]
    out = scene_response(ids.RUNS, **default_args(runs=runs, steps=10 ** 12))
    assert f"at most {MAX_RUNS} at once" in out[5] and f"using {MAX_STEPS}" in out[5]
    assert out[7] == MAX_STEPS and len(out[2]["data"]) == MAX_RUNS    # scrub max; one loss curve per run


def test_cards_pick_duplicate_remove_reset():
    runs = default_runs()
    new_runs, cards, picker = cards_response(ids.OPTIMIZERS, ["SGD", "Adam", "RMSprop"], runs, [], "ravine")
    assert [r["optimizer"] for r in new_runs] == ["SGD", "SGD", "Adam", "RMSprop"] and "RMSprop" in picker
    dup, _, _ = cards_response({"type": ids.DUPLICATE, "run": "r3"}, picker, new_runs,
                               [hp("r3", "lr", 0.07)], "ravine")
    assert len(dup) == 5 and dup[3]["ghost_of"] == "r3" and dup[3]["values"]["lr"] == 0.07
    removed, _, _ = cards_response({"type": ids.REMOVE, "run": dup[3]["id"]}, picker, dup, [], "ravine")
    assert len(removed) == 4
    reset, _, _ = cards_response({"type": ids.RESET, "run": "r2"}, picker, removed, [], "ravine")
    assert reset[1]["values"]["momentum"] == 0.0
    dropped, _, picker = cards_response(ids.OPTIMIZERS, ["Adam"], reset, [], "ravine")
    assert [r["optimizer"] for r in dropped] == ["Adam"] and picker == ["Adam"]


def test_eight_optimizers_at_once():
    import optimizers

    names = list(optimizers.names())[:8]
    runs, cards, picker = cards_response(ids.OPTIMIZERS, names, [], [], "rosenbrock")
    assert len(runs) == 8 == len(cards)
    out = scene_response(ids.RUNS, **default_args(surface="rosenbrock", runs=runs))
    assert len(out[4].children[2].children) == 8


def test_cards_ignore_hostile_triggers():
    assert cards_response({"type": ids.DUPLICATE, "run": "nope"}, [], "junk", None, None)[0] is no_update
    runs, _, _ = cards_response(ids.OPTIMIZERS, ["SGD", "evil"] * 50, None, [("x", 1)], 5)
    assert [r["optimizer"] for r in runs] == ["SGD"]


def test_schedule_editor_and_store():
    runs = default_runs()
    name, options, targets, target, params = editor_response(ids.SCHEDULE, "shared", "StepLR", {}, runs)
    assert name == "StepLR" and params and len(targets) == 4
    store = save_response("shared", "StepLR", [({"type": ids.SPV, "name": "step_size"}, 25)], {})
    assert store["shared"] == {"name": "StepLR", "params": {"step_size": 25}}
    store = save_response("r1", "CosineAnnealingLR", [], store)
    name, *_ = editor_response(ids.SCHEDULE_TARGET, "r1", "none", store, runs)
    assert name == "CosineAnnealingLR"
    store = save_response("r1", "shared", [], store)
    assert "r1" not in store
    assert save_response({"evil": 1}, "StepLR", [], {}) is no_update
    assert editor_response(ids.SCHEDULE, "ghost", "__import__", "x", "y")[0] == "none"


def test_click_sets_the_start_and_surface_resets_it():
    x, y, *_ = surface_controls(ids.CONTOUR, "ravine", {"points": [{"x": 3.14159, "y": -2.0}]})
    assert (x, y) == (3.1, -2.0)           # to the window's resolution (0.1 across the ravine's 24)
    assert surface_controls(ids.CONTOUR, "ravine", {"points": "junk"}) == (no_update,) * 5
    assert surface_controls(ids.CONTOUR, "ravine", {"points": [{"x": 1e308, "y": 0}]}) == (no_update,) * 5
    x, y, params, custom, batch = surface_controls(ids.SURFACE, "rosenbrock", None)
    assert (x, y) == (-1.5, 2.0) and custom == {"display": "none"}


def test_the_contour_is_redrawn_when_it_shows_another_surface_whatever_the_trigger():
    """Dash drops a call whose inputs change while it runs: the call that replaces it may be
    triggered by the start or the runs alone (a landscape cell or a preset on another surface)."""
    from viz import figures
    from viz.callbacks.teaching import config_of

    args = default_args(surface="rosenbrock", start=[-1.5, 2.0])
    rosenbrock = figures.drawn(config_of(**{k: v for k, v in args.items() if k != "view"}), [])
    ravine = default_args()
    shown_ravine = figures.drawn(config_of(**{k: v for k, v in ravine.items() if k != "view"}), [])
    assert rosenbrock["surface"] != shown_ravine["surface"]
    out = scene_response(ids.START_X, **ravine, shown=rosenbrock)
    assert isinstance(out[0], dict) and out[0]["data"][0]["type"] == "contour"
    assert out[-1] == {"surface": shown_ravine["surface"], "runs": 3}
    # The same surface: only the trajectories are patched ...
    out = scene_response(ids.START_X, **ravine, shown=out[-1])
    assert isinstance(out[0], Patch)
    # ... and every slot the contour still fills is rewritten, so a run that is gone disappears.
    one_run = default_args(runs=default_runs()[:1])
    out = scene_response(ids.START_X, **one_run, shown={**shown_ravine, "runs": 3})
    touched = {op["location"][1] for op in _json(out[0])["operations"]}
    assert set(range(FIRST_SLOT, FIRST_SLOT + 3)) <= touched
    assert out[-1]["runs"] == 1
