"""The landscape view: sweep controls on the left, the heatmap with run/cancel/progress on the right.

Every control has a visible label tied to it (``htmlFor``) and so an accessible name;
choices come from the registries (optimizers, surfaces, schedules) and the axis
choices from the hyperparameter metadata (`compute.axis_params`).
"""
from __future__ import annotations

from dash import dcc, html

import optimizers
import surfaces
from optimizers import schedules

from .. import ids as page_ids
from . import ids
from .compute import BASIN, MAX_SIDE, MAX_STEPS, MAX_TOLERANCE, MIN_TOLERANCE, NO_SCHEDULE, SWEEP, \
    axis_params, default_range
from .figures import FINAL_LOSS, METRICS, MINIMUM, STEPS_TO_TOL, empty_figure

DEFAULT = {"optimizer": "SGD", "surface": "ravine", "x": "lr", "y": "momentum", "n": 100, "steps": 500}
SIZES = (10, 25, 50, 100, 150, MAX_SIDE)
SHOW, HIDE = {}, {"display": "none"}
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False,  # no upload to Plotly Cloud
                "toImageButtonOptions": {"format": "png", "scale": 2}}


def _labelled(label: str, component, for_id: str, cls: str = "control") -> html.Div:
    return html.Div(className=cls, children=[html.Label(label, htmlFor=for_id), component])


def _number(id_: str, value, **kw) -> dcc.Input:
    return dcc.Input(id=id_, type="number", value=value, debounce=True, step=kw.pop("step", "any"), **kw)


def axis_options(optimizer: str, surface: str, schedule: str | None) -> list[dict]:
    out = []
    for key, h in axis_params(optimizer, surface, schedule).items():
        label = h.label or h.name
        if key.startswith("schedule."):
            label = f"{schedule}: {label}"
        out.append({"label": f"{label} ({key})" if label != key else label, "value": key, "title": h.doc})
    return out


def metric_options(mode: str) -> list[dict]:
    keys = (MINIMUM, FINAL_LOSS, STEPS_TO_TOL) if mode == BASIN else (FINAL_LOSS, STEPS_TO_TOL)
    return [{"label": METRICS[k], "value": k} for k in keys]


def _axis_row(which: str, param_id: str, min_id: str, max_id: str, key: str, lo: float, hi: float) -> html.Div:
    return html.Div(className="sweep-axis", role="group", **{"aria-label": f"{which} axis"}, children=[
        _labelled(f"{which} axis", dcc.Dropdown(id=param_id, value=key, clearable=False, searchable=False,
                                                options=axis_options(DEFAULT["optimizer"], DEFAULT["surface"],
                                                                     None)), param_id),
        html.Div(className="pair", children=[
            _labelled(f"{which} from", _number(min_id, lo), min_id, "control typed"),
            _labelled(f"{which} to", _number(max_id, hi), max_id, "control typed"),
        ]),
    ])


def _controls() -> html.Section:
    opt, surf = DEFAULT["optimizer"], DEFAULT["surface"]
    params = axis_params(opt, surf, None)
    xlo, xhi = default_range("lr", params["lr"], opt, surf)
    ylo, yhi = default_range("momentum", params["momentum"], opt, surf)
    start = surfaces.get(surf).start
    return html.Section(className="controls", **{"aria-label": "Landscape controls"}, children=[
        html.Fieldset(className="section", children=[
            html.Legend("Landscape"),
            html.Div(className="control", role="radiogroup", **{"aria-labelledby": "sweep-mode-label"}, children=[
                html.Span("Show", id="sweep-mode-label", className="label"),
                dcc.RadioItems(id=ids.MODE, value=SWEEP, className="sweep-mode", options=[
                    {"label": "Hyperparameter sweep", "value": SWEEP},
                    {"label": "Basin map of start points", "value": BASIN}]),
            ]),
            _labelled("Optimizer", dcc.Dropdown(
                id=ids.OPTIMIZER, value=opt, clearable=False,
                options=[{"label": n, "value": n, "title": s.summary} for n, s in optimizers.names().items()]),
                ids.OPTIMIZER),
            _labelled("Loss surface", dcc.Dropdown(
                id=ids.SURFACE, value=surf, clearable=False, searchable=False,
                options=[{"label": surfaces.get(n).title, "value": n} for n in surfaces.names()]), ids.SURFACE),
            _labelled("Schedule", dcc.Dropdown(
                id=ids.SCHEDULE, value=NO_SCHEDULE, clearable=False,
                options=[{"label": "Constant lr (no schedule)", "value": NO_SCHEDULE}] +
                        [{"label": n, "value": n, "title": s.summary} for n, s in schedules.names().items()]),
                ids.SCHEDULE),
            html.P("Parameters not on an axis keep their defaults.", className="hint"),
        ]),
        html.Fieldset(className="section", id=ids.AXES_BOX, children=[
            html.Legend("Axes"),
            _axis_row("x", ids.X_PARAM, ids.X_MIN, ids.X_MAX, "lr", xlo, xhi),
            _axis_row("y", ids.Y_PARAM, ids.Y_MIN, ids.Y_MAX, "momentum", ylo, yhi),
        ]),
        html.Fieldset(className="section", children=[
            html.Legend("Fixed settings"),
            html.Div(id=ids.LR_BOX, style=HIDE, children=_labelled(
                "learning rate η", _number(ids.LR, 0.01, min=0), ids.LR, "control typed")),
            html.Div(id=ids.START_BOX, className="pair", children=[
                _labelled("start x", _number(ids.START_X, start[0]), ids.START_X, "control typed"),
                _labelled("start y", _number(ids.START_Y, start[1]), ids.START_Y, "control typed"),
            ]),
        ]),
        html.Fieldset(className="section", id=ids.DATA_BOX, style=HIDE, children=[
            html.Legend("Minibatches"),
            _labelled("Batch size B", _number(ids.BATCH, 32, min=1, max=512, step=1), ids.BATCH, "control typed"),
            _labelled("Noise seed", _number(ids.SEED, 0, min=0, step=1), ids.SEED, "control typed"),
        ]),
        html.Fieldset(className="section", children=[
            html.Legend("Grid"),
            _labelled("Cells per axis", dcc.Dropdown(
                id=ids.SIZE, value=DEFAULT["n"], clearable=False, searchable=False,
                options=[{"label": f"{n} × {n} = {n * n:,} runs", "value": n} for n in SIZES]), ids.SIZE),
            _labelled("Steps per run", _number(ids.STEPS, DEFAULT["steps"], min=1, max=MAX_STEPS, step=1),
                      ids.STEPS, "control typed"),
            _labelled("Colour by", dcc.Dropdown(id=ids.METRIC, value=FINAL_LOSS, clearable=False,
                                                searchable=False, options=metric_options(SWEEP)), ids.METRIC),
            _labelled("Tolerance on f − f*", _number(ids.TOLERANCE, 1e-6, min=MIN_TOLERANCE, max=MAX_TOLERANCE),
                      ids.TOLERANCE, "control typed"),
        ]),
    ])


def _views() -> html.Section:
    return html.Section(className="sweep-views", **{"aria-label": "Landscape"}, children=[
        html.Div(className="sweep-toolbar", children=[
            html.Button("Run sweep", id=ids.RUN, className="play", n_clicks=0),
            html.Button("Cancel", id=ids.CANCEL, disabled=True, n_clicks=0),
            html.Div(id=ids.PROGRESS_BOX, className="sweep-progress", style={"visibility": "hidden"}, children=[
                html.Label("Progress", htmlFor=ids.PROGRESS),
                html.Progress(id=ids.PROGRESS, value="0", max="1"),
                html.Output(id=ids.PROGRESS_TEXT, htmlFor=ids.PROGRESS),
            ]),
        ]),
        html.Div(id=ids.STATUS, className="status sweep-status", role="status", **{"aria-live": "polite"}),
        html.Div(className="sweep-graph-wrap", children=dcc.Graph(
            id=ids.GRAPH, figure=empty_figure("Open this view or press “Run sweep” to simulate the grid."),
            config=GRAPH_CONFIG, style={"height": "100%"})),
        html.P("Click a cell to open that run in the Trajectories view. Grey: diverged; white: tolerance not "
               "reached (or, on a basin map, no listed minimum).", className="hint"),
    ])


def stores() -> list:
    """The view store and the sweep's stores: on the page from the start (the view's body is not)."""
    return [dcc.Store(id=page_ids.VIEW, data="trajectories"), dcc.Store(id=ids.SPEC), dcc.Store(id=ids.PENDING),
            dcc.Store(id=ids.MOUNTED, data=False)]


def view() -> html.Main:
    """The landscape view: hidden, and empty until it is first opened (see `body`)."""
    return html.Main(id=page_ids.LANDSCAPE_VIEW, className="body sweep-body", style=HIDE, children=[])


def body() -> list:
    """The view's controls and heatmap, mounted the first time the view opens: while the
    trajectory view is used they would only add to the work Dash does on every update
    (its renderer checks every mounted component each time the page's state changes)."""
    return [_controls(), _views()]


def view_switch() -> html.Div:
    """Two toggle buttons in the page header: the trajectory view or the landscape view."""
    return html.Div(className="view-switch", role="group", **{"aria-label": "View"}, children=[
        html.Button("Trajectories", id=page_ids.VIEW_TRAJECTORIES, **{"aria-pressed": "true"}),
        html.Button("Hyperparameter landscape", id=page_ids.VIEW_LANDSCAPE, **{"aria-pressed": "false"}),
    ])
