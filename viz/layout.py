"""The page layout: controls on the left, the contour with playback and the step panels on the right."""
from __future__ import annotations

from dash import dcc, html

import optimizers
import surfaces
from optimizers import schedules

from . import figures, ids
from .cards import cards
from .config import CUSTOM, DEFAULT_BOUNDS, DEFAULT_FORMULA, MAX_STEPS, MIN_STEPS, NO_SCHEDULE, Config, \
    default_runs, read_runs
from .controls import slider
from .scene import compute
from .tables import results_table
from .sweep import layout as sweep_layout
from . import teaching

GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False,  # no upload to Plotly Cloud
                "toImageButtonOptions": {"format": "png", "scale": 2}}
SIGMA = optimizers.Hyperparam("sigma", 0.0, low=0.0, scale="linear", ui=(0.0, 5.0), label="gradient noise σ",
                              doc="standard deviation of Gaussian noise added to each gradient")


def _labelled(label: str, component, for_id: str | None = None, cls: str = "control") -> html.Div:
    return html.Div(className=cls, children=[html.Label(label, htmlFor=for_id), component])


def surface_options() -> list[dict]:
    return [{"label": surfaces.get(n).title, "value": n} for n in surfaces.names()] + \
        [{"label": "Custom formula f(x, y)…", "value": CUSTOM}]


def surface_param_controls(name: str) -> list:
    if name == CUSTOM:
        return []
    out = []
    for p in surfaces.get(name).param_specs:
        if p.ui is None:
            continue
        h = optimizers.Hyperparam(p.name, p.default, scale=p.scale, ui=p.ui, label=p.label or p.name, doc=p.doc)
        out.append(slider(h, {"type": ids.SURFACE_PARAM, "name": p.name, "scale": p.scale}, p.default))
    return out


def _surface_section(surface: str) -> html.Fieldset:
    (x0, x1), (y0, y1) = DEFAULT_BOUNDS
    bounds = html.Div(className="bounds", children=[
        _labelled(text, dcc.Input(id=bid, type="number", value=v, debounce=True, step="any"), bid, "typed")
        for text, bid, v in zip(("x min", "x max", "y min", "y max"), ids.BOUNDS, (x0, x1, y0, y1))])
    return html.Fieldset(className="section", children=[
        html.Legend("Surface"),
        _labelled("Loss surface", dcc.Dropdown(id=ids.SURFACE, options=surface_options(), value=surface,
                                              clearable=False, searchable=False), ids.SURFACE),
        html.Div(surface_param_controls(surface), id=ids.SURFACE_PARAMS),
        html.Div(id=ids.CUSTOM_BOX, style={"display": "none"}, children=[
            _labelled("f(x, y) =", dcc.Input(id=ids.FORMULA, type="text", value=DEFAULT_FORMULA, debounce=True,
                                            maxLength=300, className="formula"), ids.FORMULA),
            html.Div(id=ids.FORMULA_ERROR, className="error", role="alert"),
            html.P("Use x, y, pi, e, + − * / **, and sin cos tan exp log sqrt abs tanh sinh cosh arctan min max.",
                   className="hint"),
            bounds,
        ]),
    ])


def _run_section(surface: str, steps: int) -> html.Fieldset:
    return html.Fieldset(className="section", children=[
        html.Legend("Run"),
        html.Div(className="pair", children=[
            _labelled("start x", dcc.Input(id=ids.START_X, type="number", value=surfaces.get(surface).start[0],
                                           debounce=True, step="any"), ids.START_X, "typed"),
            _labelled("start y", dcc.Input(id=ids.START_Y, type="number", value=surfaces.get(surface).start[1],
                                           debounce=True, step="any"), ids.START_Y, "typed"),
        ]),
        html.P("…or click anywhere on the contour to start there.", className="hint"),
        _labelled("Steps", dcc.Input(id=ids.STEPS, type="number", value=steps, min=MIN_STEPS, max=MAX_STEPS,
                                     step=1, debounce=True), ids.STEPS, "control typed"),
        slider(SIGMA, {"type": "noise", "name": "sigma", "scale": "linear"}, 0.0),
        html.Div(id=ids.BATCH_BOX, style={"display": "none"}, children=_labelled(
            "Batch size B", dcc.Input(id=ids.BATCH, type="number", value=32, min=1, max=512, step=1,
                                      debounce=True), ids.BATCH, "control typed")),
        _labelled("Noise seed", dcc.Input(id=ids.SEED, type="number", value=0, min=0, step=1, debounce=True),
                  ids.SEED, "control typed"),
        _labelled("Tolerance for 'steps to tolerance'", dcc.Input(
            id=ids.TOLERANCE, type="number", value=1e-6, min=1e-12, step="any", debounce=True),
            ids.TOLERANCE, "control typed"),
    ])


def _optimizer_section(runs: list[dict]) -> html.Fieldset:
    return html.Fieldset(className="section", children=[
        html.Legend("Optimizers"),
        _labelled("Compare", dcc.Dropdown(
            id=ids.OPTIMIZERS, multi=True, value=sorted({r["optimizer"] for r in runs},
                                                       key=list(optimizers.names()).index),
            options=[{"label": n, "value": n, "title": s.summary} for n, s in optimizers.names().items()],
            placeholder="Pick optimizers…"), ids.OPTIMIZERS),
        teaching.theory_box(),
        html.Div(cards(runs), id=ids.CARDS),
    ])


def _schedule_section(runs: list[dict]) -> html.Fieldset:
    return html.Fieldset(className="section", children=[
        html.Legend("Learning-rate schedule"),
        _labelled("Applies to", dcc.Dropdown(id=ids.SCHEDULE_TARGET, value="shared", clearable=False,
                                             searchable=False, options=schedule_targets(runs)), ids.SCHEDULE_TARGET),
        _labelled("Schedule", dcc.Dropdown(id=ids.SCHEDULE, value=NO_SCHEDULE, clearable=False,
                                           options=schedule_options(shared=True)), ids.SCHEDULE),
        html.Div(id=ids.SCHEDULE_PARAMS),
    ])


def schedule_options(shared: bool) -> list[dict]:
    first = [{"label": "Constant lr (no schedule)", "value": NO_SCHEDULE}]
    if not shared:
        first = [{"label": "Same as the shared schedule", "value": "shared"}] + first
    return first + [{"label": n, "value": n, "title": s.summary} for n, s in schedules.names().items()]


def schedule_targets(runs: list[dict]) -> list[dict]:
    from .runs import label

    return [{"label": "All optimizers (shared)", "value": "shared"}] + \
        [{"label": label(r, runs), "value": r["id"]} for r in runs]


def _playback() -> html.Div:
    return html.Div(className="playback", role="group", **{"aria-label": "Playback"}, children=[
        html.Button("▶ Play", id=ids.PLAY, className="play", **{"aria-label": "Play or pause"}),
        html.Button("−1", id=ids.STEP_BACK, **{"aria-label": "Step back"}),
        html.Button("+1", id=ids.STEP_FORWARD, **{"aria-label": "Step forward"}),
        html.Div(className="scrub", children=[
            html.Label(["step ", html.Output(id=ids.FRAME_LABEL, children="500")], id="scrub-label"),
            html.Div(dcc.Slider(id=ids.SCRUB, min=0, max=500, step=1, value=500, marks=None, updatemode="drag",
                                allow_direct_input=False),
                     className="slider-wrap", **{"data-label-id": "scrub-label", "data-scale": "linear"}),
        ]),
        _labelled("speed", dcc.Dropdown(id=ids.SPEED, value=60, clearable=False, searchable=False, options=[
            {"label": f"{v} steps/s", "value": v} for v in (10, 30, 60, 120, 240, 480)]), ids.SPEED, "speed"),
    ])


def build() -> html.Div:
    """The whole page, holding the default scene (so no callback has to run on load)."""
    config = Config(runs=tuple(read_runs(default_runs(), {}, {}, [])))
    runs = default_runs()
    scene = compute(config)
    contour, loss, lr = figures.scene_figures(scene)
    return html.Div(className="page", children=[
        *teaching.stores(),
        *sweep_layout.stores(),
        dcc.Store(id=ids.RUNS, data=runs),
        dcc.Store(id=ids.CONTOUR_DRAWN, data=figures.drawn(config, scene.results)),
        dcc.Store(id=ids.SCHEDULES, data={"shared": {"name": NO_SCHEDULE, "params": {}}}),
        html.Header(className="header", children=[
            html.H1("Optimizer trajectories"),
            sweep_layout.view_switch(),
            html.P("Pick a surface and optimizers, then drag the sliders: every view updates as you drag."),
            teaching.presenter_toggle(),
            dcc.Checklist(id=ids.VIEW_3D, options=[{"label": "3-D view", "value": "3d"}], value=[],
                          className="toggle-3d"),
        ]),
        html.Main(className="body", id=ids.TRAJECTORY_VIEW, children=[
            html.Section(className="controls", **{"aria-label": "Controls"}, children=[
                teaching.presets_section(),
                _surface_section(config.surface), _optimizer_section(runs), _schedule_section(runs),
                _run_section(config.surface, config.steps),
                teaching.export_section(),
            ]),
            html.Section(className="views", **{"aria-label": "Plots"}, children=[
                html.Div(className="main-view", children=[
                    html.Div(id=ids.STATUS, className="status", role="status", **{"aria-live": "polite"},
                             children=figures.status_text(scene.results, [])),
                    teaching.caption_box(),
                    html.Div(dcc.Graph(id=ids.CONTOUR, figure=contour, config=GRAPH_CONFIG, className="panel",
                                       style={"height": "100%"}), className="contour-wrap", id="contour-wrap"),
                    html.Div(dcc.Graph(id=ids.SURFACE_3D, figure={"data": [], "layout": {}}, config=GRAPH_CONFIG,
                                       style={"height": "100%"}), className="contour-wrap", id="surface3d-wrap",
                             style={"display": "none"}),
                    _playback(),
                    teaching.equations_panel(),
                    teaching.inspector_panel(),
                ]),
                html.Div(className="side", children=[
                    html.Div(dcc.Graph(id=ids.LOSS, figure=loss, config=GRAPH_CONFIG, style={"height": "100%"}),
                             className="side-panel"),
                    html.Div(dcc.Graph(id=ids.LR_GRAPH, figure=lr, config=GRAPH_CONFIG, style={"height": "100%"}),
                             className="side-panel"),
                    html.Div(results_table(figures.results_rows(scene, config.tolerance), config.tolerance),
                             id=ids.RESULTS, className="results-wrap"),
                ]),
            ]),
        ]),
        sweep_layout.view(),
    ])


def validation() -> html.Div:
    """Every component any callback names: the page plus the views mounted later (what
    tests/viz/test_wiring.py checks the callbacks against, since the app runs with
    ``suppress_callback_exceptions``)."""
    return html.Div([build(), html.Div(sweep_layout.body())])
