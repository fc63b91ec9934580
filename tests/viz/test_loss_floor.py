"""The loss-gap panel floors converged runs at round-off for the scene's scale, not at 1e-30.

Converged runs used to drop to a 1e-30 floor and flicker between 1e-16 and 1e-30, stretching
the axis over ~30 decades and squeezing the runs the lecture is about into a thin band.
"""
import base64

import numpy as np

from viz import figures
from viz.callbacks.teaching import default_config
from viz.scene import compute


def _values(trace) -> np.ndarray:
    y = trace["y"]
    return np.frombuffer(base64.b64decode(y["bdata"]), dtype="<" + y["dtype"]).astype(np.float64)


def test_converged_runs_stop_at_round_off_for_the_scene_s_scale():
    scene = compute(default_config())                # the ravine from (10, 1): f(start) = 110
    raw = min(float(np.nanmin(r.loss)) for r in scene.results)
    assert raw < 1e-20                               # a run converged far below round-off
    fig = figures.loss_figure(scene.surface, scene.results)
    floor = figures.round_off_floor(scene.results, scene.surface.min_value)
    assert floor == np.finfo(np.float64).eps * 110
    lows = [float(_values(t).min()) for t in fig["data"] if isinstance(t.get("y"), dict)]
    assert lows and min(lows) >= np.float32(floor) * 0.999    # (sent as float32)
    assert max(lows) / min(lows) < 1e16                        # no 30-decade stretch


def test_the_floor_follows_the_minimum_s_own_scale():
    scene = compute(default_config())
    assert figures.round_off_floor(scene.results, 3.0e6) == np.finfo(np.float64).eps * 3.0e6
    assert figures.round_off_floor([], 0.0) == figures.LOSS_FLOOR       # nothing to scale by


def test_the_lr_axis_is_linear_unless_the_curves_span_a_decade():
    from viz.urlstate import decode

    constant = compute(default_config())                       # 0.01, 0.01 and 0.1: a decade
    assert figures.lr_figure(constant.results)["layout"]["yaxis"]["type"] == "log"
    one = compute(decode("?surface=ravine&start=10,1&steps=100&run=SGD:lr=0.02")[0])
    assert figures.lr_figure(one.results)["layout"]["yaxis"]["type"] == "linear"   # a constant 0.02
    warm = compute(decode("?surface=ravine&start=10,1&steps=100&run=SGD:lr=0.02"
                          "&schedule=LinearLR:start_factor=0.5,total_iters=50")[0])
    assert figures.lr_figure(warm.results)["layout"]["yaxis"]["type"] == "linear"  # a straight warmup
    cosine = compute(decode("?surface=ravine&start=10,1&steps=100&run=SGD:lr=0.02"
                            "&schedule=CosineAnnealingLR:T_max=100,eta_min=0.00001")[0])
    assert figures.lr_figure(cosine.results)["layout"]["yaxis"]["type"] == "log"
