"""Surface-dependent controls: parameters, the custom-formula box, batch size, and the start point."""
from __future__ import annotations

import surfaces
from dash import Input, Output, State, callback, ctx, no_update

from .. import ids
from ..config import CUSTOM, DEFAULT_BOUNDS, _bounds, default_start
from ..validate import round_to_window
from ..layout import surface_param_controls

SHOW, HIDE = {"display": "block"}, {"display": "none"}


def _window(surface_name, bounds):
    """The plot window of the surface (a formula's: its bounds boxes, else the default window)."""
    if surface_name == CUSTOM:
        try:
            return _bounds(bounds, [])
        except (TypeError, ValueError):
            return DEFAULT_BOUNDS
    if surface_name in surfaces.names():
        return surfaces.get(surface_name).bounds
    return None


def surface_controls(trigger, surface_name, click, bounds=None):
    """Start point, parameter sliders and visibility of the custom/batch boxes.

    A click on the contour sets the start to the point clicked, rounded to the window's
    resolution (`round_to_window`); a new surface gets its default start (`default_start`).
    """
    if trigger == ids.CONTOUR:
        try:
            point = click["points"][0]
            x, y = float(point["x"]), float(point["y"])
        except (TypeError, KeyError, IndexError, ValueError):
            return (no_update,) * 5
        if not (abs(x) < 1e6 and abs(y) < 1e6):
            return (no_update,) * 5
        window = _window(surface_name, bounds)
        if window is None:
            return round(x, 4), round(y, 4), no_update, no_update, no_update
        (x0, x1), (y0, y1) = window
        return round_to_window(x, x0, x1), round_to_window(y, y0, y1), no_update, no_update, no_update
    if surface_name == CUSTOM:
        x, y = default_start(CUSTOM, bounds=_window(CUSTOM, bounds))
        return x, y, [], SHOW, HIDE
    if surface_name not in surfaces.names():
        return (no_update,) * 5
    s = surfaces.get(surface_name)
    batch = SHOW if getattr(s, "dataset", None) is not None else HIDE
    return s.start[0], s.start[1], surface_param_controls(surface_name), HIDE, batch


@callback(
    Output(ids.START_X, "value"), Output(ids.START_Y, "value"), Output(ids.SURFACE_PARAMS, "children"),
    Output(ids.CUSTOM_BOX, "style"), Output(ids.BATCH_BOX, "style"),
    Input(ids.SURFACE, "value"), Input(ids.CONTOUR, "clickData"),
    *(State(b, "value") for b in ids.BOUNDS),
    prevent_initial_call=True,
)
def update_surface_controls(surface_name, click, xmin, xmax, ymin, ymax):
    return surface_controls(ctx.triggered_id, surface_name, click, [[xmin, xmax], [ymin, ymax]])


@callback(
    Output("contour-wrap", "style"), Output("surface3d-wrap", "style"),
    Input(ids.VIEW_3D, "value"), prevent_initial_call=True,
)
def toggle_3d(view):
    on = isinstance(view, list) and "3d" in view
    return (HIDE, SHOW) if on else (SHOW, HIDE)
