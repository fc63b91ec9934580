"""Pure figure builders: data in, Plotly figure dicts out (no callbacks, no state).

Figures are plain dicts rather than ``go.Figure`` objects: building them is
cheap, and arrays are sent as base64 typed arrays (see `typed`).
Every panel holds `MAX_RUNS` trajectory slots at fixed trace indices, so a
slider update can replace the slots with a `dash.Patch` without resending the
contour, whatever the previous figure held.
"""
from __future__ import annotations

import base64
import json

import numpy as np

import surfaces

from . import theory
from .config import CUSTOM
from .palette import run_style
from .scene import RunResult, Scene, summary

from .runs import MAX_RUNS

GRID = 120
# Trace indices of the contour figure.
CONTOUR_TRACE, MINIMA_TRACE, START_TRACE = 0, 1, 2
FIRST_SLOT = 3
HEADS_TRACE = FIRST_SLOT + MAX_RUNS
TORCH_TRACE = HEADS_TRACE + 1      # torch.optim's own paths ("Check against PyTorch", viz/torch_check.py)
# Loss gaps are floored here for the log axis (and to fit float32).
LOSS_FLOOR = 1e-30
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 14}


def typed(values, dtype: str = "f4") -> dict:
    """A Plotly base64 typed array (compact, and never a JSON NaN)."""
    arr = np.ascontiguousarray(values, dtype="<" + dtype)
    return {"dtype": dtype, "bdata": base64.b64encode(arr.tobytes()).decode("ascii"),
            "shape": ",".join(map(str, arr.shape))} if arr.ndim > 1 else \
        {"dtype": dtype, "bdata": base64.b64encode(arr.tobytes()).decode("ascii")}


def _finite_part(result: RunResult):
    """The trajectory up to its last finite point (a diverged run stops there)."""
    end = len(result.path) if result.diverged_at < 0 else result.diverged_at
    return result.path[:end], result.loss[:end]


def contour_grid(surface: surfaces.Surface, n: int = GRID):
    """x, y axes and the colour values z over the surface's bounds.

    With ``surface.log_scale`` the colour is log10(f − f* + 1e-3·spread) so
    that both the valley floor and the walls show structure.
    """
    (x0, x1), (y0, y1) = surface.bounds
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    xy = np.stack(np.meshgrid(xs, ys), axis=-1)
    with np.errstate(all="ignore"):
        z = surface.value(xy)
        z = np.where(np.isfinite(z), z, np.nan)
        if surface.log_scale:
            floor = np.nanmin(z)
            spread = max(np.nanmax(z) - floor, 1e-12)
            z = np.log10(z - floor + 1e-3 * spread)
    z = np.where(np.isfinite(z), z, np.nanmax(z[np.isfinite(z)]) if np.isfinite(z).any() else 0.0)
    return xs, ys, z


def empty_slot(i: int) -> dict:
    color, dash = run_style(i)
    return {"type": "scatter", "mode": "lines", "x": [], "y": [], "name": "", "showlegend": False,
            "line": {"color": color, "dash": dash, "width": 2.5}, "hoverinfo": "skip"}


def trajectory_trace(i: int, result: RunResult) -> dict:
    """Slot ``i`` of the contour: the path up to its last finite point, or an empty slot."""
    trace = empty_slot(i)
    path, _ = _finite_part(result)
    if len(path) == 0:
        return trace
    trace.update(x=typed(path[:, 0]), y=typed(path[:, 1]), name=result.label, showlegend=True,
                 hovertemplate=f"{result.label}<br>x=%{{x:.4g}}<br>y=%{{y:.4g}}<extra></extra>")
    return trace


def _inside(p, bounds) -> bool:
    (x0, x1), (y0, y1) = bounds
    return x0 <= p[0] <= x1 and y0 <= p[1] <= y1


def head_point(path: np.ndarray, bounds) -> tuple[tuple[float, float], bool]:
    """Where to draw the head of ``path`` (its last point) in the plot window ``bounds``, and
    whether it is outside the window.

    Inside the window: the point itself. Outside: the point where the path last left the
    window, on its edge (or, for a path that never was inside, the point clamped to the
    window), so that a run that left the plot still shows where it went — its divergence
    cross included. assets/playback.js draws the heads of other steps by the same rule.
    """
    last = (float(path[-1, 0]), float(path[-1, 1]))
    if bounds is None or _inside(last, bounds):
        return last, False
    (x0, x1), (y0, y1) = bounds
    inside = np.flatnonzero((path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1))
    if inside.size == 0:
        return (min(max(last[0], x0), x1), min(max(last[1], y0), y1)), True
    j = int(inside[-1])
    a, b = path[j].astype(np.float64), path[j + 1].astype(np.float64)
    t = 1.0
    with np.errstate(all="ignore"):
        for k, (lo, hi) in enumerate(bounds):
            d = b[k] - a[k]
            if b[k] > hi and d > 0:
                t = min(t, (hi - a[k]) / d)
            elif b[k] < lo and d < 0:
                t = min(t, (lo - a[k]) / d)
    t = t if np.isfinite(t) else 0.0
    p = a + t * (b - a) if t > 0 else a
    p = (float(min(max(p[0], x0), x1)), float(min(max(p[1], y0), y1)))
    return p, True


def heads_trace(results: list[RunResult], bounds=None) -> dict:
    """Current point of every run; a diverged run ends in a cross labelled with its step.

    With the plot window ``bounds``, a head outside it is drawn where its path left the window
    (`head_point`), and its label says so.
    """
    xs, ys, colors, symbols, texts = [], [], [], [], []
    for i, r in enumerate(results[:MAX_RUNS]):
        path, _ = _finite_part(r)
        if len(path) == 0:
            continue
        (x, y), out = head_point(path, bounds)
        xs.append(x)
        ys.append(y)
        colors.append(run_style(i)[0])
        diverged = r.diverged_at >= 0
        symbols.append("x" if diverged else "circle")
        text = f"{r.label}: diverged at step {r.diverged_at}" if diverged else r.label
        texts.append(text + (" (left the plot here)" if out else ""))
    return {"type": "scatter", "mode": "markers+text", "x": xs, "y": ys, "text": texts,
            "textposition": "top center", "texttemplate": ["%{text}" if s == "x" else "" for s in symbols],
            "name": "current point", "showlegend": False, "hovertemplate": "%{text}<extra></extra>",
            "cliponaxis": False,       # a head on the window's edge is drawn whole
            # The window assets/playback.js keeps the heads in as they move.
            "meta": {"window": [[float(v) for v in b] for b in bounds]} if bounds is not None else {},
            "marker": {"size": 13, "color": colors, "symbol": symbols, "line": {"width": 2, "color": "white"}}}


def contour_figure(surface: surfaces.Surface, results: list[RunResult], start) -> dict:
    """The full contour panel: surface colours, minima, start point and trajectory slots."""
    xs, ys, z = contour_grid(surface)
    (x0, x1), (y0, y1) = surface.bounds
    colorbar_title = "log₁₀ loss" if surface.log_scale else "loss"
    data = [
        {"type": "contour", "x": typed(xs), "y": typed(ys), "z": typed(z), "colorscale": "Viridis",
         "ncontours": 30, "contours": {"coloring": "heatmap", "showlines": True},
         "line": {"width": 0.5, "color": "rgba(255,255,255,0.35)"},
         "colorbar": {"title": {"text": colorbar_title}, "thickness": 14}, "hoverinfo": "none",
         "name": "surface", "showlegend": False},
        {"type": "scatter", "mode": "markers", "x": [m[0] for m in surface.minima],
         "y": [m[1] for m in surface.minima], "name": "minimum", "showlegend": bool(surface.minima),
         "marker": {"symbol": "star", "size": 16, "color": "white", "line": {"width": 1.5, "color": "black"}},
         "hovertemplate": "minimum (%{x:.4g}, %{y:.4g})<extra></extra>"},
        start_trace(start),
    ]
    data += slots(results, trajectory_trace)
    data.append(heads_trace(results, surface.bounds))
    data.append({"type": "scatter", "mode": "markers", "x": [], "y": [], "name": "torch.optim",
                 "showlegend": False, "hoverinfo": "skip"})   # filled by the teaching callbacks
    return {
        "data": data,
        "layout": {
            "font": FONT, "margin": {"l": 50, "r": 10, "t": 30, "b": 40},
            "xaxis": {"range": [x0, x1], "title": {"text": "x"}, "constrain": "domain"},
            "yaxis": {"range": [y0, y1], "title": {"text": "y"}},
            "legend": {"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom",
                       "bgcolor": "rgba(255,255,255,0.8)"},
            "uirevision": surface.name,
            "clickmode": "event",
            # On quadratics, the eigen-directions (viz.theory): part of the figure, so no later patch
            # has to redraw the contour for them.
            "shapes": theory.shapes(theory.analyse(surface), surface),
        },
    }


def drawn(config, results: list[RunResult]) -> dict:
    """What a freshly sent contour shows (kept in a store beside it): its surface and its runs.

    The scene callback compares the next configuration with it, so that the contour is
    redrawn whenever its surface differs, whichever inputs triggered the call: Dash drops a
    call whose inputs change again while it runs, and the one that replaces it may be
    triggered by the start or the runs alone (a landscape cell or a preset on another surface).
    """
    custom = config.surface == CUSTOM
    key = [config.surface, sorted(config.surface_params.items()), config.formula if custom else "",
           [list(b) for b in config.bounds] if custom else None]
    return {"surface": json.dumps(key, default=repr), "runs": min(len(results), MAX_RUNS)}


def start_trace(start) -> dict:
    return {"type": "scatter", "mode": "markers", "x": [float(start[0])], "y": [float(start[1])],
            "name": "start", "showlegend": True,
            "marker": {"symbol": "circle-open", "size": 14, "color": "white", "line": {"width": 3}},
            "hovertemplate": "start (%{x:.4g}, %{y:.4g})<extra></extra>"}


def slots(results: list[RunResult], build) -> list[dict]:
    """``MAX_RUNS`` traces: one per result (built by ``build(i, result)``), the rest empty."""
    return [build(i, r) for i, r in enumerate(results[:MAX_RUNS])] + \
        [empty_slot(i) for i in range(len(results), MAX_RUNS)]


def round_off_floor(results: list[RunResult], f_star: float) -> float:
    """The smallest loss gap float64 resolves in this scene: one ulp-scale (2.2e-16) of the
    scene's loss scale (|f*| or the largest starting loss). Below it the gap of a converged run
    is round-off that flickers over ~15 decades and squeezes every curve into a thin band."""
    starts = [abs(float(r.loss[0])) for r in results if len(r.loss) and np.isfinite(r.loss[0])]
    scale = max([abs(f_star), *starts], default=1.0)
    return max(LOSS_FLOOR, float(np.finfo(np.float64).eps) * scale)


def loss_trace(i: int, result: RunResult, offset: float | None, floor: float = LOSS_FLOOR) -> dict:
    """Loss per step (x is implicit: 0, 1, 2 ...); the gap to ``offset`` on a log axis, floored at
    ``floor`` (see `round_off_floor`)."""
    trace = empty_slot(i)
    _, loss = _finite_part(result)
    if len(loss) == 0:
        return trace
    y = loss if offset is None else np.maximum(loss - offset, floor)
    trace.update(y=typed(y), name=result.label, showlegend=False,
                 hovertemplate=f"{result.label}<br>step %{{x}}<br>%{{y:.4g}}<extra></extra>")
    del trace["x"]
    return trace


def lr_trace(i: int, result: RunResult) -> dict:
    """Learning rate per step; a constant lr is sent as its two end points."""
    trace = empty_slot(i)
    lr = result.lr
    if len(lr) == 0:
        return trace
    hover = f"{result.label}<br>step %{{x}}<br>lr %{{y:.4g}}<extra></extra>"
    if np.all(lr == lr[0]):
        trace.update(x=[0, len(lr) - 1], y=[float(lr[0])] * 2)
    else:
        trace.update(y=typed(lr))
        del trace["x"]
    trace.update(name=result.label, showlegend=False, hovertemplate=hover)
    return trace


def _panel(title: str, ytitle: str, log_y: bool, data: list[dict]) -> dict:
    return {"data": data, "layout": {
        "font": FONT, "margin": {"l": 60, "r": 10, "t": 30, "b": 36}, "title": {"text": title, "x": 0.01},
        "xaxis": {"title": {"text": "step"}},
        "yaxis": {"title": {"text": ytitle}, "type": "log" if log_y else "linear", "exponentformat": "power"},
        "showlegend": False, "uirevision": "keep",
    }}


def loss_figure(surface: surfaces.Surface, results: list[RunResult]) -> dict:
    """Loss vs step: the gap f − f* on a log axis where the minimum value is known."""
    f_star = surface.min_value if surface.minima else None
    if f_star is None:
        return _panel("Loss", "f(x, y)", False, [loss_trace(i, r, None) for i, r in enumerate(results)])
    floor = round_off_floor(results, f_star)
    return _panel("Loss gap to the minimum", "f − f*", True,
                  [loss_trace(i, r, f_star, floor) for i, r in enumerate(results)])


def lr_spans_decades(results: list[RunResult]) -> bool:
    """A log lr axis only when the curves span a decade or more: on a log axis a linear warmup
    looks curved, a cosine like a cliff, and a constant lr sits on an unlabelled minor tick."""
    values = np.concatenate([np.asarray(r.lr, dtype=np.float64) for r in results] or [np.empty(0)])
    values = values[np.isfinite(values) & (values > 0)]
    return bool(values.size) and float(values.max()) >= 10.0 * float(values.min())


def lr_figure(results: list[RunResult]) -> dict:
    """Learning rate per step, plus the momentum/β₁ a schedule cycles (dashed, right axis)."""
    # Sent whole (no Patch), so no empty slots: one trace per run, then the cycled curves.
    fig = _panel("Learning rate", "lr", lr_spans_decades(results), [lr_trace(i, r) for i, r in enumerate(results)])
    cycled, labels = [], []
    for i, r in enumerate(results[:MAX_RUNS]):
        for name, seq in r.cycled.items():
            color, _ = run_style(i)
            what = r.cycled_label or name
            labels.append(what)
            # Labelled in a legend of their own: which run's momentum, and which symbol.
            cycled.append({"type": "scatter", "mode": "lines", "y": typed(seq), "yaxis": "y2",
                           "name": f"{r.label}: {what} (cycled)", "showlegend": True,
                           "line": {"color": color, "dash": "dot", "width": 2},
                           "hovertemplate": f"{r.label}<br>step %{{x}}<br>{what} %{{y:.4g}}<extra></extra>"})
    if cycled:
        fig["data"] += cycled
        axis = labels[0] if len(set(labels)) == 1 else "momentum μ / β₁"
        fig["layout"]["title"]["text"] = f"Learning rate (solid) and cycled {axis} (dotted)"
        fig["layout"]["yaxis2"] = {"overlaying": "y", "side": "right", "title": {"text": f"cycled {axis}"},
                                   "showgrid": False}
        fig["layout"]["showlegend"] = True
        fig["layout"]["legend"] = {"orientation": "h", "x": 0, "y": -0.25, "yanchor": "top",
                                   "font": {"size": 11}, "bgcolor": "rgba(255,255,255,0.8)"}
        fig["layout"]["margin"] = {**fig["layout"]["margin"], "b": 70}
    return fig


def surface3d_figure(surface: surfaces.Surface, results: list[RunResult], n: int = 60) -> dict:
    """The surface in 3-D with the same trajectories drawn on it."""
    xs, ys, z = contour_grid(surface, n)
    (x0, x1), (y0, y1) = surface.bounds
    xy = np.stack(np.meshgrid(xs, ys), axis=-1)
    with np.errstate(all="ignore"):
        height = surface.value(xy)
    lift = lambda v: np.log10(v - np.nanmin(height) + 1e-3 * (np.nanmax(height) - np.nanmin(height) + 1e-12)) \
        if surface.log_scale else v  # noqa: E731
    with np.errstate(all="ignore"):
        zz = lift(height)
    zz = np.where(np.isfinite(zz), zz, np.nanmax(zz[np.isfinite(zz)]) if np.isfinite(zz).any() else 0.0)
    data = [{"type": "surface", "x": typed(xs), "y": typed(ys), "z": typed(zz), "colorscale": "Viridis",
             "showscale": False, "opacity": 0.9, "hoverinfo": "skip", "name": "surface"}]
    for i, r in enumerate(results[:MAX_RUNS]):
        path, loss = _finite_part(r)
        if len(path) == 0:
            continue
        inside = (path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1)
        with np.errstate(all="ignore"):
            zpath = lift(loss)
        color, dash = run_style(i)
        data.append({"type": "scatter3d", "mode": "lines", "x": typed(np.where(inside, path[:, 0], np.nan)),
                     "y": typed(np.where(inside, path[:, 1], np.nan)), "z": typed(zpath), "name": r.label,
                     "line": {"color": color, "width": 6}})
    ztitle = "log₁₀ loss" if surface.log_scale else "loss"
    return {"data": data, "layout": {
        "font": FONT, "margin": {"l": 0, "r": 0, "t": 36, "b": 0}, "title": {"text": surface.title, "x": 0.01},
        "scene": {"xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}},
                  "zaxis": {"title": {"text": ztitle}}},
        "legend": {"orientation": "h"}, "uirevision": surface.name}}


def results_rows(scene: Scene, tolerance: float) -> list[dict]:
    return [summary(scene.surface, r, tolerance) for r in scene.results]


def status_text(results: list[RunResult], notices: list[str]) -> str:
    """One line for the status region: input notices, invalid settings, divergences."""
    lines = list(notices)
    for r in results:
        if r.error:
            lines.append(f"{r.label}: {r.error}")
        elif r.diverged_at >= 0:
            lines.append(f"{r.label} diverged at step {r.diverged_at}.")
        if r.note and not r.error:
            lines.append(f"{r.label}: {r.note}.")
    return " ".join(lines)


def scene_figures(scene: Scene) -> tuple[dict, dict, dict]:
    """Contour, loss and lr panels of a whole scene."""
    return (contour_figure(scene.surface, scene.results, scene.start),
            loss_figure(scene.surface, scene.results), lr_figure(scene.results))
