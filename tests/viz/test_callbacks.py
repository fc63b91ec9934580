"""Callbacks called directly, including hostile inputs."""
import json
import math

import numpy as np
import plotly.io.json as pj
import pytest
from dash import Patch

from viz import ids
from viz.callbacks import scene_response
from viz.figures import FIRST_SLOT, HEADS_TRACE
from viz.settings import DEFAULTS

GOOD = ("ravine", ["sgd", "momentum", "adam"], 0.01, 0.9, 1.0, 3.0, 200)


def _reject_constant(name):
    raise AssertionError(f"{name} in a response")


def _json(obj):
    """Serialize like Dash does; fail on NaN/Infinity (JSON has no such values)."""
    return json.loads(pj.to_json_plotly(obj), parse_constant=_reject_constant)


def test_surface_change_sends_the_full_contour():
    contour, loss, lr, status = scene_response(ids.SURFACE, *GOOD)
    assert isinstance(contour, dict) and contour["data"][0]["type"] == "contour"
    assert status == ""


def test_slider_change_patches_only_the_trajectories():
    contour, loss, lr, status = scene_response(ids.LR_INPUT, *GOOD)
    assert isinstance(contour, Patch)
    ops = _json(contour)["operations"]
    touched = {op["location"][1] for op in ops}
    assert 0 not in touched  # the contour trace is not resent
    assert touched == set(range(FIRST_SLOT, HEADS_TRACE + 1))


def test_lr_changes_the_trajectory():
    a = _json(scene_response(ids.LR_INPUT, *GOOD)[0])["operations"][0]["params"]["value"]["x"]
    args = list(GOOD)
    args[2] = 0.02
    b = _json(scene_response(ids.LR_INPUT, *args)[0])["operations"][0]["params"]["value"]["x"]
    assert a != b


@pytest.mark.parametrize("bad", [
    ("nope", ["sgd"], 0.01, 1, 1, 3, 100),
    ("ravine", "sgd", 0.01, 1, 1, 3, 100),
    ("ravine", ["sgd", 5, None, "x" * 10000], 0.01, 1, 1, 3, 100),
    ("ravine", ["sgd"], float("nan"), 1, 1, 3, 100),
    ("ravine", ["sgd"], -1.0, 1, 1, 3, 100),
    ("ravine", ["sgd"], 1e308, 1, 1, 3, 100),
    ("ravine", ["sgd"], "0.1; import os", 1, 1, 3, 100),
    ("ravine", ["momentum"], 0.01, float("inf"), None, [1], 100),
    ("ravine", ["adam"], 0.01, 1, {"a": 1}, 1e9, 100),
    ("ravine", ["sgd"], 0.01, 1, 1, 3, 10 ** 12),
    ("ravine", ["sgd"], 0.01, 1, 1, 3, -5),
    (None, None, None, None, None, None, None),
    ("rosenbrock", ["sgd", "momentum", "adam"], 10.0, 0.999, 3, 4, 5000),
])
def test_hostile_inputs_get_a_notice_and_a_valid_response(bad):
    for trigger in (ids.SURFACE, ids.LR_INPUT):
        outputs = scene_response(trigger, *bad)
        for out in outputs[:3]:
            _json(out)
        assert isinstance(outputs[3], str)


def test_hostile_values_are_reported():
    status = scene_response(ids.SURFACE, "nope", ["sgd"], float("nan"), 1, 1, 3, 10 ** 12)[3]
    assert "surface" in status and "learning rate" in status and "steps" in status


def test_divergence_is_reported():
    status = scene_response(ids.SURFACE, "ravine", ["sgd"], 0.5, 1, 1, 3, 100)[3]
    assert "SGD diverged at step" in status


def test_defaults_are_valid():
    assert DEFAULTS.surface == "ravine" and not math.isnan(DEFAULTS.lr)
    assert np.isfinite(DEFAULTS.steps)
