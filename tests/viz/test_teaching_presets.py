"""Lecture presets: each is a valid scene, and each caption's claim is what the engine computes."""
import re

import numpy as np
import pytest

from viz import presets, urlstate
from viz.scene import compute

PRESETS = presets.names()


def scene(key):
    config, notices = urlstate.decode("?" + PRESETS[key].query)
    assert notices == []
    return {r.label: r for r in compute(config).results}


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_is_a_clean_scene_with_a_short_caption(key):
    preset = PRESETS[key]
    config, notices = urlstate.decode("?" + preset.query)
    assert notices == [] and config.runs
    results = compute(config).results
    assert all(not r.error and r.diverged_at < 0 for r in results)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", preset.caption.strip()) if s]
    assert 1 <= len(sentences) <= 3, sentences
    # Canonical: the page writes back the same query (so a preset's link is stable).
    assert urlstate.encode(urlstate.decode(urlstate.encode(config))[0]) == urlstate.encode(config)


def test_ravine_follows_the_math_not_the_printed_table():
    # Oracle values from the course notes, computed with torch.optim in float64.
    runs = scene("ravine")
    np.testing.assert_allclose(runs["SGD #1"].path[1:6], [(8, -1), (6.4, 1), (5.12, -1), (4.096, 1), (3.2768, -1)],
                               atol=1e-12)
    np.testing.assert_allclose(runs["SGD #2"].path[1:6],
                               [(8, -1), (4.6, -0.8), (0.62, 0.98), (-3.086, 0.622), (-5.8042, -0.9442)], atol=1e-12)


def test_distill_momentum_spirals_in_while_plain_sgd_crawls():
    runs = scene("distill")
    assert np.linalg.norm(runs["SGD #1"].path[-1]) > 3
    assert np.linalg.norm(runs["SGD #2"].path[-1]) < 0.1


def test_adam_defaults_crawl_on_rosenbrock():
    runs = scene("adam-rosenbrock")
    np.testing.assert_allclose(runs["Adam #1"].path[-1], (-1.3, 1.7), atol=0.05)
    x, y = runs["Adam #1"].path[-1]
    assert abs(y - x * x) < 0.05                      # on the valley floor y = x²
    np.testing.assert_allclose(runs["Adam #2"].path[-1], (1, 1), atol=0.02)


def test_adagrad_stalls_where_rmsprop_arrives():
    runs = scene("adagrad-rmsprop")
    assert 6.5 < runs["Adagrad"].path[-1, 0] < 7.5
    assert np.linalg.norm(runs["RMSprop"].path[-1]) < 1e-3


def test_adam_l2_and_adamw_decay_differently():
    runs = scene("adam-adamw")
    np.testing.assert_allclose(runs["Adam #1"].path[-1], (1, 3), atol=1e-6)
    np.testing.assert_allclose(runs["Adam #2"].path[-1], (1, 3), atol=0.1)
    np.testing.assert_allclose(runs["AdamW"].path[-1], (1.3, 2.1), atol=0.1)


def test_schedules_end_in_different_minima_of_rastrigin():
    runs = scene("schedules")
    np.testing.assert_allclose(runs["SGD #1"].path[-1], (-4, -3), atol=0.1)
    np.testing.assert_allclose(runs["SGD #2"].path[-1], (0, 0), atol=1e-3)
    np.testing.assert_allclose(runs["SGD #3"].path[-1], (1, 1), atol=0.05)
    assert runs["SGD #1"].lr[-1] == pytest.approx(0.02 * 0.5 ** 4)


def test_warm_restarts_reach_the_global_minimum_and_are_knocked_out():
    caption = PRESETS["schedules"].caption
    restarts = scene("schedules")["SGD #3"]
    ends = [restarts.loss[100 * c] for c in range(1, 6)]           # the loss at the end of each cycle
    assert [e < 1e-12 for e in ends] == [False, True, True, True, False]
    assert "end of cycles 2, 3 and 4" in caption
    # The last cycle ends in a local minimum, not the global one (loss 1.99, not 0).
    assert restarts.loss[-1] == pytest.approx(1.99, abs=0.005) and "loss 1.99" in caption
    assert "local minimum near (1, 1)" in caption and "ends in the minimum at (1, 1)" not in caption
    # Each restart puts the lr back to 0.02, above GD's stability limit 2/λ at the minima.
    assert restarts.lr[100] == restarts.lr[200] == 0.02
    config, _ = urlstate.decode("?" + PRESETS["schedules"].query)
    from viz.scene import build_surface
    hessian = build_surface(config).hessian(np.array([[0.0, 0.0], [0.995, 0.995]]))
    limit = 2 / np.linalg.eigvalsh(hessian).max()
    assert limit == pytest.approx(0.005, abs=0.0001) and "2/λ ≈ 0.005" in caption
    leaves = np.flatnonzero(restarts.loss[400:] > 1e-6)[0]
    assert leaves > 0 and restarts.loss[400] < 1e-12             # in the global minimum at the restart, then out


def test_momentum_notations_agree_until_the_lr_drops():
    runs = scene("momentum-notations")
    torch_form, classical = runs["SGD"].path, runs["Momentum"].path
    np.testing.assert_allclose(torch_form[:11], classical[:11], atol=1e-12)
    assert abs(torch_form[-1, 0] - 1.0) < 0.1
    assert classical[10:, 0].max() == pytest.approx(11.5, abs=0.1)


def test_growing_the_batch_damps_the_noise_like_decaying_the_lr():
    runs = scene("batch-size")
    tail = {k: float(np.mean(r.loss[-50:] - 0.4978430948180703)) for k, r in runs.items()}
    assert tail["SGD #2"] < 1e-9                       # the full batch is gradient descent
    assert tail["SGD #1"] > 10 * tail["SGD #3"] and tail["SGD #1"] > 10 * tail["SGD #4"]
    assert 1 / 3 < tail["SGD #3"] / tail["SGD #4"] < 3


def test_newton_lands_in_one_step():
    runs = scene("newton")
    np.testing.assert_allclose(runs["Newton"].path[1], (0, 0), atol=1e-12)
    x = runs["SGD"].path[:, 0]
    assert x[2] / x[1] == pytest.approx(1 - 0.09 * 2)    # the slow direction: |1 − ηλmin|
    assert abs(runs["SGD"].path[2, 1] / runs["SGD"].path[1, 1]) == pytest.approx(abs(1 - 0.09 * 20))
