"""One start for one scene, one default window for formulas, heads kept in the plot window,
and clicked points rounded to what the window resolves."""
import re

import numpy as np
import pytest

import surfaces
from surfaces.custom import DEFAULT_BOUNDS as SURFACE_BOUNDS
from tests.viz.helpers import default_args
from viz import figures, ids, urlstate
from viz.callbacks.scene import scene_response
from viz.callbacks.surface import surface_controls
from viz.callbacks.teaching import apply_response
from viz.config import DEFAULT_BOUNDS, Config, read_config, start_of
from viz.inspector import inspect
from viz.scene import compute
from viz.torch_check import torch_paths
from viz.torch_code import script
from viz.validate import round_to_window

FORMULA = "sin(x)*cos(y) + 0.1*(x**2 + y**2)"


def custom_config(start=None):
    config, notices = read_config("custom", {}, FORMULA, [[-4, 4], [-4, 4]], start, 30, 0.0, None, 0,
                                  [{"id": "r1", "optimizer": "SGD", "values": {"lr": 0.05}}], {}, {})
    assert notices == []
    return config


def test_one_default_window_for_formulas():
    assert DEFAULT_BOUNDS == SURFACE_BOUNDS
    assert surfaces.get("custom", formula=FORMULA).bounds == DEFAULT_BOUNDS


def test_a_cleared_start_box_gives_one_start_to_every_consumer():
    config = custom_config(start=None)          # the scene callback's reading of two emptied boxes
    assert config.start is None
    start = start_of(config)
    assert start == surfaces.get("custom", formula=FORMULA, bounds=DEFAULT_BOUNDS).start == (-2.4, 2.4)
    scene = compute(config)
    assert scene.start == start and tuple(scene.results[0].path[0]) == start
    # The step inspector replays from the same point ...
    (view,) = inspect(config, 0)
    assert tuple(view.point) == start
    # ... the PyTorch check and the exported script start there too.
    (path,) = torch_paths(config).values()
    assert tuple(path[0]) == pytest.approx(start)
    assert re.search(r"START = \(-2\.4, 2\.4\)", script(config))
    # The scene callback with an emptied box plots from it, too.
    out = scene_response(ids.FORMULA, **default_args(surface="custom", formula=FORMULA, start=[None, None],
                                                    runs=[{"id": "r1", "optimizer": "SGD", "values": {"lr": 0.05}}]))
    start_trace = out[0]["data"][figures.START_TRACE]
    assert (start_trace["x"], start_trace["y"]) == ([-2.4], [2.4])


def test_a_formula_link_without_a_start_uses_the_same_start():
    config, notices = urlstate.decode("?surface=custom&f=x**2%2By**2&bounds=-1,1,-1,1&run=SGD:lr=0.1")
    assert notices == [] and config.start is None
    assert start_of(config) == (-0.6, 0.6) == tuple(compute(config).results[0].path[0])
    # The controls a link sets show that start.
    out = apply_response(ids.URL, "?surface=custom&f=x**2%2By**2&bounds=-1,1,-1,1&run=SGD:lr=0.1",
                         {"search": ""}, "ravine", [])
    from tests.viz.test_teaching_url import OUT
    assert (out[OUT[f"{ids.START_X}.value"]], out[OUT[f"{ids.START_Y}.value"]]) == (-0.6, 0.6)
    # Picking "Custom formula" fills the start boxes with it as well.
    x, y, *_ = surface_controls(ids.SURFACE, "custom", None, [[-4, 4], [-4, 4]])
    assert (x, y) == start_of(Config(surface="custom"))


def test_the_built_in_start_is_the_surface_s():
    config = Config(surface="rosenbrock")
    assert start_of(config) == surfaces.get("rosenbrock").start


def _diverging_scene():
    config, notices = urlstate.decode("?surface=ravine&start=10,1&steps=100&run=SGD:lr=0.15&run=SGD:lr=0.05")
    assert notices == []
    return compute(config)


def test_a_diverged_run_s_cross_is_drawn_where_it_left_the_window():
    scene = _diverging_scene()
    gone, kept = scene.results
    assert gone.diverged_at > 0 and kept.diverged_at < 0
    (x0, x1), (y0, y1) = bounds = scene.surface.bounds
    last = gone.path[gone.diverged_at - 1]
    assert not (y0 <= last[1] <= y1)                # its last finite point is far off the plot
    heads = figures.heads_trace(scene.results, bounds)
    (hx, hy), (kx, ky) = zip(heads["x"], heads["y"])
    assert x0 <= hx <= x1 and y0 <= hy <= y1
    assert hy in (y0, y1) or hx in (x0, x1)         # on the window's edge ...
    path = gone.path[:gone.diverged_at]
    inside = np.flatnonzero((path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1))
    a, b = path[inside[-1]], path[inside[-1] + 1]   # ... on the segment where the path left it
    t = (hy - a[1]) / (b[1] - a[1])
    assert 0 <= t <= 1 and hx == pytest.approx(a[0] + t * (b[0] - a[0]))
    assert heads["marker"]["symbol"][0] == "x" and "diverged at step" in heads["text"][0]
    assert "left the plot" in heads["text"][0] and "left the plot" not in heads["text"][1]
    assert (kx, ky) == tuple(kept.path[-1])         # a run inside the window: its own point
    assert heads["cliponaxis"] is False and heads["meta"]["window"] == [[x0, x1], [y0, y1]]
    # The contour and its patches draw the heads the same way.
    contour = figures.contour_figure(scene.surface, scene.results, scene.start)
    assert contour["data"][figures.HEADS_TRACE]["x"] == heads["x"]


def test_head_point_of_a_path_never_inside_is_clamped():
    path = np.array([[20.0, 20.0], [30.0, -30.0]])
    assert figures.head_point(path, ((-1, 1), (-2, 2))) == ((1.0, -2.0), True)
    assert figures.head_point(path, None) == ((30.0, -30.0), False)


@pytest.mark.parametrize("value, lo, hi, expected", [
    (-7.9664, -12, 12, -8.0), (1.9832, -4, 4, 1.98), (3.14159, -2, 2, 3.14), (0.123456, -0.5, 0.5, 0.123),
    (-0.0004, -4, 4, 0.0), (5.0, -5, 5, 5.0)])
def test_points_round_to_the_window_s_resolution(value, lo, hi, expected):
    assert round_to_window(value, lo, hi) == expected


def test_a_click_on_the_contour_sets_a_rounded_start():
    x, y, *_ = surface_controls(ids.CONTOUR, "ravine", {"points": [{"x": -7.9664, "y": 1.9832}]})
    assert (x, y) == (-8.0, 1.98)          # the ravine's window is 24 × 8
    x, y, *_ = surface_controls(ids.CONTOUR, "custom", {"points": [{"x": 0.123456, "y": -0.98765}]},
                                [[-0.5, 0.5], [-1, 1]])
    assert (x, y) == (0.123, -0.99)        # 0.001 across a window 1 wide, 0.01 across one 2 high
