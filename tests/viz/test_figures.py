"""Figure builders, called directly."""
import base64

import numpy as np
import pytest

import surfaces
from viz import figures
from viz.scene import RunRequest, RunResult, compute
from viz.settings import MAX_RUNS


def decode(spec):
    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype="<" + spec["dtype"])


@pytest.fixture
def ravine_results():
    s = surfaces.get("ravine")
    reqs = [RunRequest("SGD", "SGD", {"lr": 0.05}), RunRequest("big", "SGD", {"lr": 0.2}),
            RunRequest("Adam", "Adam", {"lr": 0.1})]
    return s, compute(s, reqs, s.start, 100)


def test_contour_figure_layout(ravine_results):
    s, results = ravine_results
    fig = figures.contour_figure(s, results, s.start)
    data = fig["data"]
    assert len(data) == figures.FIRST_SLOT + MAX_RUNS + 1
    assert data[figures.CONTOUR_TRACE]["type"] == "contour"
    assert data[figures.MINIMA_TRACE]["x"] == [0.0] and data[figures.MINIMA_TRACE]["y"] == [0.0]
    assert data[figures.START_TRACE]["x"] == [10.0]
    z = decode(data[0]["z"]).reshape(figures.GRID, figures.GRID)
    assert np.all(np.isfinite(z))
    # Slots: one per run, rest empty; colours differ.
    slots = data[figures.FIRST_SLOT:figures.FIRST_SLOT + MAX_RUNS]
    assert [t["name"] for t in slots[:3]] == ["SGD", "big", "Adam"]
    assert all(t["x"] == [] for t in slots[3:])
    assert len({t["line"]["color"] for t in slots[:3]}) == 3
    x = decode(slots[0]["x"])
    np.testing.assert_allclose(x, results[0].path[:, 0], rtol=1e-6)


def test_diverged_run_stops_at_last_finite_point_with_marker(ravine_results):
    s, results = ravine_results
    big = results[1]
    assert big.diverged_at > 0
    trace = figures.trajectory_trace(1, big)
    assert len(decode(trace["x"])) == big.diverged_at
    heads = figures.heads_trace(results)
    assert heads["marker"]["symbol"][1] == "x"
    assert f"diverged at step {big.diverged_at}" in heads["text"][1]
    assert "diverged" in figures.status_text(results, [])


def test_log_scale_contour_handles_wide_ranges():
    s = surfaces.get("rosenbrock")
    xs, ys, z = figures.contour_grid(s)
    assert z.shape == (figures.GRID, figures.GRID) and np.all(np.isfinite(z))
    assert z.max() - z.min() > 3  # decades of structure


def test_loss_panel_is_gap_on_log_axis(ravine_results):
    s, results = ravine_results
    fig = figures.loss_figure(s, results)
    assert fig["layout"]["yaxis"]["type"] == "log"
    y = decode(fig["data"][0]["y"])
    assert np.all(y > 0)
    np.testing.assert_allclose(y[:5], results[0].loss[:5], rtol=1e-6)


def test_lr_panel_constant_lr_is_two_points(ravine_results):
    _, results = ravine_results
    fig = figures.lr_figure(results)
    assert fig["data"][0]["x"] == [0, 99] and fig["data"][0]["y"] == [0.05, 0.05]
    changing = RunResult("c", np.zeros((4, 2)), np.zeros(4), np.array([0.1, 0.05, 0.025]), -1)
    assert decode(figures.lr_trace(0, changing)["y"]).tolist() == pytest.approx([0.1, 0.05, 0.025])


def test_invalid_hyperparameters_become_an_error_not_a_crash():
    s = surfaces.get("ravine")
    results = compute(s, [RunRequest("bad", "Adam", {"lr": 0.1, "betas": (1.5, 0.9)})], s.start, 10)
    assert "betas" in results[0].error
    assert figures.trajectory_trace(0, results[0])["x"] == []
