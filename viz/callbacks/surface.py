"""Surface-dependent controls: parameters, the custom-formula box, batch size, and the start point."""
from __future__ import annotations

import surfaces
from dash import Input, Output, callback, ctx, no_update

from .. import ids
from ..config import CUSTOM, DEFAULT_BOUNDS
from ..layout import surface_param_controls

SHOW, HIDE = {"display": "block"}, {"display": "none"}


def surface_controls(trigger, surface_name, click):
    """Start point, parameter sliders and visibility of the custom/batch boxes."""
    if trigger == ids.CONTOUR:
        try:
            point = click["points"][0]
            x, y = float(point["x"]), float(point["y"])
        except (TypeError, KeyError, IndexError, ValueError):
            return (no_update,) * 5
        if not (abs(x) < 1e6 and abs(y) < 1e6):
            return (no_update,) * 5
        return round(x, 4), round(y, 4), no_update, no_update, no_update
    if surface_name == CUSTOM:
        (x0, x1), (y0, y1) = DEFAULT_BOUNDS
        return (x0 + x1) / 2 + 1.0, (y0 + y1) / 2 + 1.0, [], SHOW, HIDE
    if surface_name not in surfaces.names():
        return (no_update,) * 5
    s = surfaces.get(surface_name)
    batch = SHOW if getattr(s, "dataset", None) is not None else HIDE
    return s.start[0], s.start[1], surface_param_controls(surface_name), HIDE, batch


@callback(
    Output(ids.START_X, "value"), Output(ids.START_Y, "value"), Output(ids.SURFACE_PARAMS, "children"),
    Output(ids.CUSTOM_BOX, "style"), Output(ids.BATCH_BOX, "style"),
    Input(ids.SURFACE, "value"), Input(ids.CONTOUR, "clickData"),
    prevent_initial_call=True,
)
def update_surface_controls(surface_name, click):
    return surface_controls(ctx.triggered_id, surface_name, click)


@callback(
    Output("contour-wrap", "style"), Output("surface3d-wrap", "style"),
    Input(ids.VIEW_3D, "value"), prevent_initial_call=True,
)
def toggle_3d(view):
    on = isinstance(view, list) and "3d" in view
    return (HIDE, SHOW) if on else (SHOW, HIDE)
