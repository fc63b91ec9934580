"""The page layout: controls on the left, the contour and the step panels on the right."""
from __future__ import annotations

from dash import dcc, html

import surfaces
from optimizers.base import LR

from . import figures, ids
from .catalog import ENTRIES, slider_meta
from .controls import labelled_slider
from .scene import compute_settings
from .settings import DEFAULTS, MAX_STEPS, MIN_STEPS, SHARED

GRAPH_CONFIG = {"displaylogo": False, "responsive": True}


def _surface_picker() -> html.Div:
    options = [{"label": surfaces.get(name).title, "value": name} for name in surfaces.names()]
    return html.Div(className="control", children=[
        html.Label("Loss surface", htmlFor=ids.SURFACE, id=f"{ids.SURFACE}-label"),
        dcc.Dropdown(id=ids.SURFACE, options=options, value=DEFAULTS.surface, clearable=False,
                     searchable=False),
    ])


def _optimizer_picker() -> html.Fieldset:
    return html.Fieldset(className="control", children=[
        html.Legend("Optimizers"),
        dcc.Checklist(id=ids.OPTIMIZERS, value=list(DEFAULTS.entries), className="checklist",
                      options=[{"label": e.label, "value": key} for key, e in ENTRIES.items()]),
    ])


def _lr_control() -> html.Div:
    slider = labelled_slider(LR, ids.LR_SLIDER, DEFAULTS.lr, label="Learning rate η")
    slider.children.append(html.Div(className="typed", children=[
        html.Label("type a value", htmlFor=ids.LR_INPUT),
        dcc.Input(id=ids.LR_INPUT, type="number", value=DEFAULTS.lr, min=LR.ui[0], max=LR.ui[1],
                  step="any", debounce=True, inputMode="decimal"),
    ]))
    return slider


def _steps_control() -> html.Div:
    return html.Div(className="control typed", children=[
        html.Label("Steps", htmlFor=ids.STEPS),
        dcc.Input(id=ids.STEPS, type="number", value=DEFAULTS.steps, min=MIN_STEPS, max=MAX_STEPS, step=1, debounce=True),
    ])


def _graph(graph_id: str, figure: dict) -> dcc.Graph:
    return dcc.Graph(id=graph_id, config=GRAPH_CONFIG, style={"height": "100%"}, figure=figure,
                     className="panel")


def build() -> html.Div:
    """The whole page, holding the default scene (so no callback runs on load)."""
    meta = slider_meta()
    hyper = [labelled_slider(meta[name], ids.hyperparam_slider(name), DEFAULTS.shared[name])
             for name in SHARED]
    surface, results = compute_settings(DEFAULTS)
    contour, loss, lr = figures.scene_figures(surface, results)
    return html.Div(className="page", children=[
        html.Header(className="header", children=[
            html.H1("Optimizer trajectories"),
            html.P("Pick a surface and optimizers, then move the sliders: every view updates as you drag."),
        ]),
        html.Main(className="body", children=[
            html.Section(className="controls", **{"aria-label": "Controls"}, children=[
                _surface_picker(), _optimizer_picker(), _lr_control(), *hyper, _steps_control(),
                html.Div(figures.status_text(results, []), id=ids.STATUS, className="status", role="status", **{"aria-live": "polite"}),
            ]),
            html.Section(className="views", **{"aria-label": "Plots"}, children=[
                html.Div(_graph(ids.CONTOUR, contour),
                         className="contour-wrap", role="img",
                         **{"aria-label": "Contour of the loss surface with one trajectory per optimizer"}),
                html.Div(className="side", children=[
                    html.Div(_graph(ids.LOSS, loss), className="side-panel", role="img",
                             **{"aria-label": "Loss versus step"}),
                    html.Div(_graph(ids.LR_GRAPH, lr), className="side-panel",
                             role="img", **{"aria-label": "Learning rate versus step"}),
                ]),
            ]),
        ]),
    ])
