"""Layout pieces of the teaching aids: presets, caption, link notices, equations, exports, presenter mode.

`viz.layout.build` places them; their callbacks live in `viz/callbacks/teaching.py`.
"""
from __future__ import annotations

from dash import dcc, html

from . import ids, presets

CAPTION_BOX = "preset-caption-box"
INITIAL_SEARCH = "initial-search"       # store: the query the page was opened with


def stores() -> list:
    """The URL, the stores of the teaching aids and the download target."""
    return [
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.URL_STATE, data={"search": ""}),
        dcc.Store(id=ids.SETTLED),
        dcc.Store(id=INITIAL_SEARCH),
        dcc.Store(id=ids.PENDING, data=None),
        dcc.Store(id=ids.PRESET_KEY, data=None),
        dcc.Store(id=ids.TORCH_CHECK_REQUEST), dcc.Store(id=ids.INSPECTOR_REQUEST),
        dcc.Download(id=ids.DOWNLOAD),
    ]


def presets_section() -> html.Fieldset:
    """One button per lecture preset; its caption appears above the contour."""
    return html.Fieldset(className="section presets", children=[
        html.Legend("Lecture presets"),
        html.Div(className="preset-buttons", children=[
            html.Button(p.title, id={"type": ids.PRESET, "key": p.key}, className="small preset",
                        title=p.caption) for p in presets.names().values()]),
    ])


def caption_box() -> html.Div:
    """The shown preset's caption (hidden while there is none) and notices about a shared link."""
    return html.Div(className="teaching-notes", children=[
        html.Div(id=CAPTION_BOX, className="caption-box", hidden=True, children=[
            html.P(id=ids.CAPTION, className="caption", role="note"),
            html.Button("×", id=ids.CAPTION_CLOSE, className="small close", title="Hide the caption",
                        **{"aria-label": "Hide the caption"}),
        ]),
        html.Div(id=ids.LINK_NOTICE, className="notice", role="status", **{"aria-live": "polite"}),
    ])


def equations_panel() -> html.Details:
    """Each run's update rule, typeset by MathJax, with its current hyperparameters substituted."""
    from .callbacks.teaching import default_config
    from .equations import markdown

    return html.Details(open=True, className="equations-panel", children=[
        html.Summary("Update rules"),
        dcc.Markdown(markdown(default_config()), id=ids.EQUATIONS, mathjax=True, className="equations"),
    ])


def export_section() -> html.Fieldset:
    """Downloads of the current scene and the PyTorch overlay switch."""
    def button(text, id_, title):
        return html.Button(text, id=id_, className="small", title=title)

    return html.Fieldset(className="section exports", children=[
        html.Legend("Export and check"),
        html.Div(className="export-buttons", children=[
            button("CSV", ids.EXPORT_CSV, "Every run's path, loss and lr per step"),
            button("JSON", ids.EXPORT_JSON, "The configuration (with its link) and every run's path, loss and lr"),
            button("PyTorch code", ids.EXPORT_TORCH,
                   "A runnable script: torch.optim + lr_scheduler on the same surface, same trajectories"),
            button("GIF", ids.EXPORT_GIF, "The playback as an animated GIF"),
        ]),
        html.Div(id=ids.EXPORT_NOTICE, className="notice", role="status", **{"aria-live": "polite"}),
        html.P("PNG: the camera button of each plot's toolbar.", className="hint"),
        dcc.Checklist(id=ids.TORCH_CHECK, className="toggle", inputClassName="switch", value=[], options=[
            {"label": "Check against PyTorch (torch.optim's own paths as circles)", "value": "on"}]),
    ])


def presenter_toggle() -> dcc.Checklist:
    """Presenter mode (large type, thick lines) and a clean slide (controls hidden)."""
    return dcc.Checklist(id=ids.PRESENTER, className="toggle-presenter", value=[], options=[
        {"label": "Presenter mode", "value": "presenter"}, {"label": "Hide controls", "value": "clean"}])


def theory_box() -> html.Div:
    """Eigenvalues, κ, GD's stability limit and Distill's optimal settings (shown on quadratic surfaces)."""
    from .callbacks.teaching import default_config, theory_lines

    return html.Div(theory_lines(default_config()), id=ids.THEORY, className="theory", role="note")


def inspector_panel() -> html.Details:
    """Gradient, state and effective step of every run at the playback step, with arrows on the contour."""
    return html.Details(open=True, className="inspector-panel", children=[
        html.Summary("Step inspector"),
        dcc.Checklist(id=ids.INSPECTOR + "-on", className="toggle", inputClassName="switch", value=[], options=[
            {"label": "Inspect the playback step (arrows: −∇L direction, Δw to scale)", "value": "on"}]),
        html.Div(id=ids.INSPECTOR, className="inspector"),
    ])
