"""Figure and table builders, called directly."""
import base64

import numpy as np
import pytest

from tests.viz.helpers import scene_for
from viz import figures, tables
from viz.runs import MAX_RUNS
from viz.scene import RunResult, summary


def decode(spec):
    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype="<" + spec["dtype"])


@pytest.fixture
def scene():
    return scene_for("ravine", [("SGD", {"lr": 0.05}), ("SGD", {"lr": 0.2}), ("Adam", {"lr": 0.1})], 100)


def test_contour_figure_layout(scene):
    fig = figures.contour_figure(scene.surface, scene.results, scene.start)
    data = fig["data"]
    assert len(data) == figures.FIRST_SLOT + MAX_RUNS + 2          # + heads + the torch.optim overlay
    assert data[figures.TORCH_TRACE]["name"] == "torch.optim" and data[figures.TORCH_TRACE]["x"] == []
    assert data[figures.CONTOUR_TRACE]["type"] == "contour"
    assert data[figures.MINIMA_TRACE]["x"] == [0.0] and data[figures.MINIMA_TRACE]["y"] == [0.0]
    assert data[figures.START_TRACE]["x"] == [10.0]
    z = decode(data[0]["z"])
    assert z.size == figures.GRID ** 2 and np.all(np.isfinite(z))
    slots = data[figures.FIRST_SLOT:figures.FIRST_SLOT + MAX_RUNS]
    assert [t["name"] for t in slots[:3]] == ["SGD #1", "SGD #2", "Adam"]
    assert all(t["x"] == [] for t in slots[3:])
    assert len({t["line"]["color"] for t in slots[:3]}) == 3
    np.testing.assert_allclose(decode(slots[0]["x"]), scene.results[0].path[:, 0], rtol=1e-6)


def test_diverged_run_stops_at_last_finite_point_with_marker(scene):
    big = scene.results[1]
    assert big.diverged_at > 0
    trace = figures.trajectory_trace(1, big)
    assert len(decode(trace["x"])) == big.diverged_at
    heads = figures.heads_trace(scene.results)
    assert heads["marker"]["symbol"][1] == "x"
    assert f"diverged at step {big.diverged_at}" in heads["text"][1]
    assert "diverged" in figures.status_text(scene.results, [])


def test_log_scale_contour_handles_wide_ranges():
    s = scene_for("rosenbrock").surface
    _, _, z = figures.contour_grid(s)
    assert np.all(np.isfinite(z)) and z.max() - z.min() > 3


def test_loss_panel_is_gap_on_log_axis(scene):
    fig = figures.loss_figure(scene.surface, scene.results)
    assert fig["layout"]["yaxis"]["type"] == "log"
    y = decode(fig["data"][0]["y"])
    assert np.all(y > 0)
    np.testing.assert_allclose(y[:5], scene.results[0].loss[:5], rtol=1e-6)


def test_lr_panel_shows_schedules_and_cycled_momentum():
    const = scene_for("ravine", [("SGD", {"lr": 0.05})], 50)
    fig = figures.lr_figure(const.results)
    assert fig["data"][0]["x"] == [0, 49] and fig["data"][0]["y"] == [0.05, 0.05]
    changing = RunResult("c", np.zeros((4, 2)), np.zeros(4), np.array([0.1, 0.05, 0.025]), -1,
                         cycled={"momentum": np.array([0.9, 0.85, 0.8])})
    fig = figures.lr_figure([changing])
    assert decode(fig["data"][0]["y"]).tolist() == pytest.approx([0.1, 0.05, 0.025])
    extra = fig["data"][1]
    assert extra["yaxis"] == "y2" and "momentum" in extra["name"]


def test_surface3d_figure_has_surface_and_paths(scene):
    fig = figures.surface3d_figure(scene.surface, scene.results)
    assert fig["data"][0]["type"] == "surface"
    assert [t["type"] for t in fig["data"][1:]] == ["scatter3d"] * 3


def test_results_table_rows(scene):
    rows = figures.results_rows(scene, 1e-6)
    assert rows[0]["optimizer"] == "SGD #1" and rows[0]["diverged at"] is None
    assert rows[1]["diverged at"] == scene.results[1].diverged_at
    assert rows[0]["distance to minimum"] == pytest.approx(np.linalg.norm(scene.results[0].path[-1]))
    table = tables.results_table(rows, 1e-6)
    assert "Results" in str(table)


def test_steps_to_tolerance_is_first_step_below():
    s = scene_for("ravine", [("SGD", {"lr": 0.05})], 300)
    row = summary(s.surface, s.results[0], 1e-3)
    gap = s.results[0].loss
    assert gap[row["steps to tolerance"]] <= 1e-3 < gap[row["steps to tolerance"] - 1]


def test_invalid_hyperparameters_become_an_error_not_a_crash():
    s = scene_for("ravine", [("Adam", {"lr": 0.1, "beta1": 1.5})], 10)
    assert "betas" in s.results[0].error
    assert figures.trajectory_trace(0, s.results[0])["x"] == []
