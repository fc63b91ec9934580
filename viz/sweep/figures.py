"""Pure figure builders of the landscape view: a `SweepResult` in, a Plotly figure dict out.

Axes are drawn in slider coordinates (log10 lr, −log10(1 − β), plain values), so a
log or "finer near 1" parameter gets evenly spaced cells; tick labels and the hover
read in value units. Arrays go out as base64 typed arrays (`viz.figures.typed`), so
NaN cells (diverged, tolerance not reached) never reach the JSON.

Colours (colour-blind safe): Viridis for the metric, a neutral grey for diverged
runs, white for runs that never reach the tolerance; basin maps use the Okabe–Ito
colours for the minima.
"""
from __future__ import annotations

import math

import numpy as np

from ..controls import to_slider
from ..figures import FONT, typed
from ..palette import OKABE_ITO
from .compute import BASIN, GAP_FLOOR, Axis, SweepResult
from .theory import theory_applies

DIVERGED = "#9A9A9A"
NOT_REACHED = "#FFFFFF"
THEORY = "#FFFFFF"
FINAL_LOSS, STEPS_TO_TOL, MINIMUM = "final_loss", "steps", "minimum"
METRICS = {FINAL_LOSS: "final loss", STEPS_TO_TOL: "steps to tolerance", MINIMUM: "minimum reached"}
# Basin colours: Okabe–Ito without black (too close to the dark end of the contour) and grey.
BASIN_COLORS = [c for c in OKABE_ITO if c != "#000000"]


def positions(axis: Axis) -> np.ndarray:
    """Plot coordinates of an axis' values (its slider scale)."""
    if axis.scale == "log":
        return np.log10(axis.values)
    if axis.scale == "one_minus_log":
        return -np.log10(1.0 - axis.values)
    return np.asarray(axis.values, dtype=np.float64)


def position_of(axis: Axis, value: float) -> float:
    return float(to_slider(axis.param, value)) if axis.scale != "linear" else float(value)


def _fmt(v: float) -> str:
    return f"{float(f'{v:.3g}'):g}"


def _ticks(axis: Axis) -> dict:
    """Tick positions labelled in value units (decades; 0.9, 0.99 ... near 1; powers of 2 for a batch size)."""
    p = positions(axis)
    lo, hi = float(p.min()), float(p.max())
    if axis.scale == "log":
        if axis.param.kind == "int":
            vals = [math.log10(2 ** k) for k in range(0, 31) if lo - 1e-9 <= math.log10(2 ** k) <= hi + 1e-9]
            return {"tickvals": vals, "ticktext": [f"{round(10 ** v)}" for v in vals]}
        vals = list(range(math.ceil(lo - 1e-9), math.floor(hi + 1e-9) + 1))
        if len(vals) < 2:
            return {}
        return {"tickvals": vals, "ticktext": [_fmt(10.0 ** v) for v in vals]}
    if axis.scale == "one_minus_log":
        vals = list(range(math.ceil(lo - 1e-9), math.floor(hi + 1e-9) + 1))
        if len(vals) < 2:
            vals = [lo, hi]
        return {"tickvals": vals, "ticktext": [_fmt(1.0 - 10.0 ** -v) for v in vals]}
    return {}


def _axis_layout(axis: Axis) -> dict:
    p = positions(axis)
    half = (p[1] - p[0]) / 2 if len(p) > 1 else 0.5
    title = axis.label + {"log": " (log scale)", "one_minus_log": " (log scale of 1 − value)"}.get(axis.scale, "")
    return {"title": {"text": title}, "range": [float(p[0] - half), float(p[-1] + half)],
            "showgrid": False, "zeroline": False, "ticks": "outside", **_ticks(axis)}


def _mask_trace(mask: np.ndarray, xs, ys, color: str, name: str) -> dict:
    z = np.where(mask, 1.0, np.nan)
    return {"type": "heatmap", "x": typed(xs), "y": typed(ys), "z": typed(z), "zmin": 0, "zmax": 1,
            "colorscale": [[0, color], [1, color]], "showscale": False, "name": name,
            "hoverongaps": False, "hovertemplate": f"{name}<extra></extra>"}


def _legend_square(color: str, name: str) -> dict:
    return {"type": "scatter", "mode": "markers", "x": [None], "y": [None], "name": name, "showlegend": True,
            "marker": {"symbol": "square", "size": 14, "color": color, "line": {"width": 1, "color": "#555"}},
            "hoverinfo": "skip"}


def _metric(result: SweepResult, metric: str) -> tuple[np.ndarray, str, str]:
    """Colour values (NaN where not applicable), colour-bar title and hover format."""
    spec = result.spec
    if metric == STEPS_TO_TOL:
        z = np.where(result.steps_to_tolerance >= 0, result.steps_to_tolerance, np.nan).astype(np.float64)
        return z, f"steps to f − f* ≤ {spec.tolerance:g}", "%{z:.0f} steps"
    gap = result.gap
    if gap is None:   # no known minimum (saddles): the loss itself
        return result.final_loss, "final loss f", "f = %{z:.4g}"
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.log10(np.maximum(gap, GAP_FLOOR))
    return z, "log₁₀(f − f*)", "log₁₀(f − f*) = %{z:.2f}"


def _customdata(xv: np.ndarray, yv: np.ndarray) -> dict:
    grid = np.stack(np.broadcast_arrays(xv[None, :], yv[:, None]), axis=-1)
    return typed(grid)


def heatmap_figure(result: SweepResult, metric: str = FINAL_LOSS) -> dict:
    """The heatmap of one metric over the grid, with divergence (and never reaching the tolerance) in
    their own colours, the heavy-ball theory on quadratics, and the start point / minima on a basin map."""
    spec = result.spec
    if spec.mode == BASIN and metric == MINIMUM:
        return basin_figure(result)
    if metric == MINIMUM:
        metric = FINAL_LOSS
    xs, ys = positions(spec.x), positions(spec.y)
    z, title, fmt = _metric(result, metric)
    diverged = result.diverged_at >= 0
    z = np.where(diverged, np.nan, z)
    xname, yname = spec.x.label, spec.y.label
    finite = z[np.isfinite(z)]
    data = [{
        "type": "heatmap", "x": typed(xs), "y": typed(ys), "z": typed(z), "colorscale": "Viridis",
        "customdata": _customdata(spec.x.values, spec.y.values), "hoverongaps": False, "name": METRICS[metric],
        "colorbar": {"title": {"text": title}, "thickness": 14},
        "hovertemplate": f"{xname} = %{{customdata[0]:.4g}}<br>{yname} = %{{customdata[1]:.4g}}<br>{fmt}"
                         "<extra></extra>",
        **({"zmin": float(finite.min()), "zmax": float(finite.max())} if finite.size else {"zmin": 0, "zmax": 1}),
    }]
    if diverged.any():
        data += [_mask_trace(diverged, xs, ys, DIVERGED, "diverged"), _legend_square(DIVERGED, "diverged")]
    if metric == STEPS_TO_TOL:
        never = ~diverged & (result.steps_to_tolerance < 0)
        if never.any():
            data += [_mask_trace(never, xs, ys, NOT_REACHED, "tolerance not reached"),
                     _legend_square(NOT_REACHED, "tolerance not reached")]
    data += theory_traces(result)
    if spec.mode == BASIN:
        data += _minima_traces(result, ["white"] * len(spec.surface.minima), "black")
    return _figure(result, data, METRICS[metric])


def theory_traces(result: SweepResult) -> list[dict]:
    """GD's stability limit lr < 2/λmax, heavy ball's lr < 2(1 + β)/λmax and the optimum (α*, β*)."""
    spec = result.spec
    theory = theory_applies(spec)
    if theory is None:
        return []
    lr_on_x = spec.x.key == "lr"
    lr_axis, m_axis = (spec.x, spec.y) if lr_on_x else (spec.y, spec.x)
    betas = np.linspace(m_axis.values[0], m_axis.values[-1], 60)
    limit = np.log10(theory.momentum_limit(betas))
    gd = math.log10(theory.gd_limit)
    m_pos = positions(m_axis)
    pair = (lambda lr, m: (lr, m)) if lr_on_x else (lambda lr, m: (m, lr))  # noqa: E731
    hb_x, hb_y = pair(limit, betas)
    gd_x, gd_y = pair(np.array([gd, gd]), np.array([m_pos[0], m_pos[-1]]))
    star_x, star_y = pair(np.array([math.log10(theory.hb_lr)]), np.array([theory.hb_momentum]))
    line = {"color": THEORY, "width": 2.5}
    return [
        {"type": "scatter", "mode": "lines", "x": gd_x.tolist(), "y": gd_y.tolist(),
         "name": f"GD stable iff lr < 2/λmax = {theory.gd_limit:.3g}", "line": {**line, "dash": "dot"},
         "hovertemplate": "GD stability limit lr = 2/λmax<extra></extra>"},
        {"type": "scatter", "mode": "lines", "x": hb_x.tolist(), "y": hb_y.tolist(),
         "name": "heavy ball stable iff lr < 2(1 + β)/λmax", "line": {**line, "dash": "dash"},
         "hovertemplate": "heavy-ball stability limit<br>lr = 2(1 + β)/λmax<extra></extra>"},
        {"type": "scatter", "mode": "markers", "x": star_x.tolist(), "y": star_y.tolist(),
         "name": f"optimum α* = {theory.hb_lr:.3g}, β* = {theory.hb_momentum:.3g} (κ = {theory.kappa:.3g})",
         "marker": {"symbol": "star", "size": 18, "color": THEORY, "line": {"width": 1.5, "color": "black"}},
         "hovertemplate": f"heavy-ball optimum<br>α* = (2/(√λ₁+√λₙ))² = {theory.hb_lr:.4g}"
                          f"<br>β* = ((√κ−1)/(√κ+1))² = {theory.hb_momentum:.4g}<extra></extra>"},
    ]


def _minima_traces(result: SweepResult, colors: list[str], edge: str) -> list[dict]:
    minima = result.spec.surface.minima
    if not minima:
        return []
    return [{"type": "scatter", "mode": "markers", "x": [m[0] for m in minima], "y": [m[1] for m in minima],
             "name": "listed minima", "showlegend": True,
             "marker": {"symbol": "star", "size": 17, "color": colors, "line": {"width": 1.5, "color": edge}},
             "hovertemplate": "minimum (%{x:.4g}, %{y:.4g})<extra></extra>"}]


def basin_figure(result: SweepResult) -> dict:
    """Start points coloured by the listed minimum their run ends at (grey: diverged, white: none)."""
    spec = result.spec
    minima = spec.surface.minima
    xs, ys = positions(spec.x), positions(spec.y)
    m = len(minima)
    colors = [BASIN_COLORS[i % len(BASIN_COLORS)] for i in range(m)]
    data = []
    if m:
        z = np.where(result.basin >= 0, result.basin, np.nan).astype(np.float64)
        # A stepped colour scale: band i (of m) is minimum i's colour.
        scale = []
        for i, c in enumerate(colors):
            scale += [[i / m, c], [(i + 1) / m, c]]
        ticks = [(i + 0.5) * (m - 1) / m if m > 1 else 0 for i in range(m)]
        data.append({
            "type": "heatmap", "x": typed(xs), "y": typed(ys), "z": typed(z), "zmin": -0.5 if m == 1 else 0,
            "zmax": 0.5 if m == 1 else m - 1, "colorscale": scale, "hoverongaps": False, "name": "minimum reached",
            "customdata": _customdata(spec.x.values, spec.y.values),
            "colorbar": {"title": {"text": "minimum reached"}, "thickness": 14,
                         "tickvals": ticks if m > 1 else [0],
                         "ticktext": [f"({_fmt(a)}, {_fmt(b)})" for a, b in minima]},
            "hovertemplate": "start (%{customdata[0]:.3g}, %{customdata[1]:.3g})<br>ends at minimum #%{z:.0f}"
                             "<extra></extra>"})
    diverged = result.basin == -2
    none = result.basin == -1
    if none.any():
        data += [_mask_trace(none, xs, ys, NOT_REACHED, "no listed minimum"),
                 _legend_square(NOT_REACHED, "no listed minimum")]
    if diverged.any():
        data += [_mask_trace(diverged, xs, ys, DIVERGED, "diverged"), _legend_square(DIVERGED, "diverged")]
    data += _minima_traces(result, colors, "black")
    return _figure(result, data, METRICS[MINIMUM])


def _figure(result: SweepResult, data: list[dict], what: str) -> dict:
    spec = result.spec
    ny, nx = spec.shape
    subject = "start points" if spec.mode == BASIN else f"{spec.x.label} × {spec.y.label}"
    title = f"{spec.optimizer} on {spec.surface.title}: {what} over {subject} ({nx} × {ny} runs, {spec.steps} steps)"
    return {"data": data, "layout": {
        "font": FONT, "margin": {"l": 70, "r": 10, "t": 40, "b": 50},
        "title": {"text": title, "x": 0.01, "font": {"size": 15}},
        "xaxis": _axis_layout(spec.x), "yaxis": _axis_layout(spec.y),
        "plot_bgcolor": "#FFFFFF", "clickmode": "event", "hovermode": "closest",
        "legend": {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top", "bgcolor": "rgba(255,255,255,0.9)"},
        "uirevision": f"{spec.mode}-{spec.x.key}-{spec.y.key}",
    }}


def empty_figure(message: str = "") -> dict:
    """A blank panel with a centred message (before the first sweep, or after an error)."""
    return {"data": [], "layout": {
        "font": FONT, "xaxis": {"visible": False}, "yaxis": {"visible": False},
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "annotations": [{"text": message, "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper",
                         "yref": "paper", "font": {"size": 16}}] if message else []}}
