"""Teaching aids: lecture presets and the configuration in the URL (shareable links, back/forward).

One path sets a whole scene: `apply_response` turns a validated `Config` (from a
preset or a link, both read by `viz.urlstate.decode`) into the values of every
control and store. `write_url` goes the other way after any change; the browser
side (assets/urlstate.js) pushes or replaces the history entry.
"""
from __future__ import annotations

from dataclasses import replace

import optimizers
import surfaces
from dash import (ALL, ClientsideFunction, Input, Output, Patch, State, callback, clientside_callback, ctx,
                  html, no_update)

from .. import budget, ids, presets, urlstate
from ..config import CUSTOM, Config, default_runs, read_config, read_runs, start_of
from ..controls import to_slider
from ..equations import markdown
from ..exports import export
from ..figures import TORCH_TRACE
from ..inspector import arrows, inspect, rows
from ..scene import build_surface
from ..theory import analyse, summary
from ..torch_check import overlay_trace
from ..layout import SIGMA
from ..teaching import CAPTION_BOX, INITIAL_SEARCH
from .scene import CONFIG_INPUTS, _by_name, _values_by_run

NOISE_ID = {"type": "noise", "name": "sigma", "scale": "linear"}


def config_of(surface, surface_params, formula, bounds, start, steps, sigma, batch, seed, tolerance,
              hp_items, runs, schedules_store) -> Config:
    """The configuration the scene callback computes from the same raw values."""
    if isinstance(start, (list, tuple)) and any(v is None for v in start):
        start = None
    config, _ = read_config(surface, _by_name(surface_params), formula, bounds, start, steps, sigma, batch,
                            seed, runs, _values_by_run(hp_items), schedules_store, tolerance)
    return config


def config_from_context() -> Config:
    """`config_of` for a callback whose first inputs are `CONFIG_INPUTS`."""
    lists = ctx.inputs_list
    value = lambda k: lists[k].get("value") if isinstance(lists[k], dict) else None  # noqa: E731
    pairs = lambda k: [(d.get("id"), d.get("value")) for d in lists[k]]  # noqa: E731
    sigma = _by_name(pairs(10)).get("sigma")
    return config_of(value(0), pairs(1), value(2), [[value(3), value(4)], [value(5), value(6)]],
                     [value(7), value(8)], value(9), sigma, value(11), value(12), value(13),
                     pairs(14) + pairs(15), value(16), value(17))


# ---------------------------------------------------------------- the URL follows the page

def url_response(config: Config, preset_key) -> dict:
    search = urlstate.encode(config)
    if presets.get(preset_key) is not None:
        search += f"&preset={preset_key}"
    return {"search": search}


@callback(
    Output(ids.URL_STATE, "data"),
    *CONFIG_INPUTS, Input(ids.PRESET_KEY, "data"), State(ids.URL_STATE, "data"),
    prevent_initial_call=True,
)
def write_url(*args):
    preset_key, url_state = args[-2], args[-1]
    if ctx.triggered_id == ids.PRESET_KEY and preset_key is None and not (url_state or {}).get("search"):
        return no_update          # the stores' first report on load: nothing has changed yet
    return url_response(config_from_context(), preset_key)


clientside_callback(
    ClientsideFunction(namespace="viz", function_name="syncUrl"),
    Output(ids.URL, "search"), Output(ids.URL, "href"), Input(ids.URL_STATE, "data"),
    prevent_initial_call=True,
)

# The typeset update rules and the theory box follow the configuration once it stays put for
# a moment: while a slider is dragged only the plots move (MathJax on every tick would double
# the time to repaint them, and a class of students would send three times the requests).
clientside_callback(
    ClientsideFunction(namespace="viz", function_name="settle"),
    Output(ids.SETTLED, "data"), Input(ids.URL_STATE, "data"),
    prevent_initial_call=True,
)

# The query the page was opened with (the Location component reports it too late to rely on).
clientside_callback(
    "function (_) { return window.location.search; }",
    Output(INITIAL_SEARCH, "data"), Input(ids.URL, "refresh"),
)


# ---------------------------------------------------------------- a preset or a link sets the page

APPLY_OUTPUTS = (
    Output(ids.SURFACE, "value", allow_duplicate=True),
    Output(ids.PENDING, "data", allow_duplicate=True),
    Output(ids.FORMULA, "value", allow_duplicate=True),
    *(Output(b, "value", allow_duplicate=True) for b in ids.BOUNDS),
    Output(ids.START_X, "value", allow_duplicate=True), Output(ids.START_Y, "value", allow_duplicate=True),
    Output(ids.STEPS, "value", allow_duplicate=True),
    Output(NOISE_ID, "value", allow_duplicate=True),
    Output(ids.BATCH, "value", allow_duplicate=True), Output(ids.SEED, "value", allow_duplicate=True),
    Output(ids.TOLERANCE, "value", allow_duplicate=True),
    Output(ids.RUNS, "data", allow_duplicate=True),
    Output(ids.OPTIMIZERS, "value", allow_duplicate=True),
    Output(ids.SCHEDULES, "data", allow_duplicate=True), Output(ids.SCHEDULE_TARGET, "value", allow_duplicate=True),
    Output(ids.CAPTION, "children", allow_duplicate=True), Output(CAPTION_BOX, "hidden", allow_duplicate=True),
    Output(ids.PRESET_KEY, "data", allow_duplicate=True),
    Output(ids.LINK_NOTICE, "children", allow_duplicate=True),
)
N_APPLY = len(APPLY_OUTPUTS)


def _notice(notices: list[str]) -> str:
    if not notices:
        return ""
    shown = notices[:6] + ([f"… and {len(notices) - 6} more"] if len(notices) > 6 else [])
    return "Link: some values could not be used — " + "; ".join(shown)


def default_config() -> Config:
    """The scene a page opened without a query shows (as `viz.layout.build` does)."""
    return Config(runs=tuple(read_runs(default_runs(), {}, {}, [])))


def fresh_ids(config: Config, runs) -> Config:
    """``config`` with run ids unused on the page, so no card control of an old run is taken for a new one."""
    taken = {r.get("id") for r in runs if isinstance(r, dict)} if isinstance(runs, list) else set()
    n, out = 0, []
    for run in config.runs:
        n += 1
        while f"r{n}" in taken:
            n += 1
        out.append(replace(run, id=f"r{n}"))
    return replace(config, runs=tuple(out))


def scene_values(config: Config, preset_key: str | None, notices: list[str], current_surface,
                 runs_now=None) -> tuple:
    """Every control and store value that shows ``config`` (the outputs `APPLY_OUTPUTS`).

    The cards are rendered by the cards callback (the picker's change triggers it), from
    the runs store with ids that are new to the page.
    """
    start = start_of(config)
    params = {}
    if config.surface != CUSTOM:

        for p in surfaces.get(config.surface).param_specs:
            if p.name in config.surface_params and p.ui is not None:
                v = config.surface_params[p.name]
                params[p.name] = to_slider(p, v) if p.scale == "log" else v
    pending = {"surface": config.surface, "start": list(start), "params": params}
    (x0, x1), (y0, y1) = config.bounds
    config = fresh_ids(config, runs_now)
    runs = urlstate.run_records(config)
    order = list(optimizers.names())
    picker = sorted({r["optimizer"] for r in runs}, key=order.index)
    preset = presets.get(preset_key)
    return (
        config.surface if config.surface != current_surface else no_update,
        pending,
        config.formula if config.surface == CUSTOM else no_update,
        *((x0, x1, y0, y1) if config.surface == CUSTOM else (no_update,) * 4),
        start[0], start[1], config.steps,
        urlstate.raw_value(SIGMA, config.sigma, notices, "noise "),
        config.batch if config.batch is not None else urlstate.DEFAULT_BATCH, config.seed, config.tolerance,
        runs, picker,
        urlstate.schedule_store(config), "shared",
        preset.caption if preset else "", preset is None, preset.key if preset else None,
        _notice(notices),
    )


def apply_response(trigger, search, url_state, current_surface, runs=None) -> tuple:
    """Outputs after a preset click (``trigger`` its id) or a new URL query (back/forward, a link)."""
    if isinstance(trigger, dict) and trigger.get("type") == ids.PRESET:
        preset = presets.get(trigger.get("key"))
        if preset is None:
            return (no_update,) * N_APPLY
        config, notices = urlstate.decode("?" + preset.query)
        return scene_values(config, preset.key, notices, current_surface, runs)
    if trigger != ids.URL or not isinstance(search, str):
        return (no_update,) * N_APPLY
    if search.strip("?") == "":
        if isinstance(url_state, dict) and url_state.get("search"):
            # Back to the page as it was first opened (no query): the default scene.
            return scene_values(default_config(), None, [], current_surface, runs)
        return (no_update,) * N_APPLY
    if isinstance(url_state, dict) and search == url_state.get("search"):
        return (no_update,) * N_APPLY           # the page wrote this query itself
    config, notices = urlstate.decode(search)
    if config is None:
        return (no_update,) * (N_APPLY - 1) + (_notice(notices),)
    return scene_values(config, urlstate.preset_of(search), notices, current_surface, runs)


@callback(
    *APPLY_OUTPUTS,
    Input(ids.URL, "search"), Input(INITIAL_SEARCH, "data"), Input({"type": ids.PRESET, "key": ALL}, "n_clicks"),
    State(ids.URL_STATE, "data"), State(ids.SURFACE, "value"), State(ids.RUNS, "data"),
    prevent_initial_call=True,
)
def apply_scene(search, initial, _clicks, url_state, current_surface, runs):
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and not any(t.get("value") for t in ctx.triggered):
        return (no_update,) * N_APPLY
    if trigger == INITIAL_SEARCH:
        trigger, search = ids.URL, initial
    return apply_response(trigger, search, url_state, current_surface, runs)


def pending_response(pending, surface, param_ids) -> tuple:
    """Start and surface parameters of a scene, set once the (new) surface's controls exist."""
    keep = (no_update, no_update, [no_update] * len(param_ids))
    if not isinstance(pending, dict):
        return keep + (no_update,)
    if pending.get("surface") != surface:
        return keep + (None,)
    start = pending.get("start")
    params = pending.get("params") if isinstance(pending.get("params"), dict) else {}
    ok = isinstance(start, list) and len(start) == 2 and all(isinstance(v, (int, float)) for v in start)
    values = [params.get(i.get("name"), no_update) if isinstance(i, dict) else no_update for i in param_ids]
    return (start[0] if ok else no_update, start[1] if ok else no_update, values, None)


@callback(
    Output(ids.START_X, "value", allow_duplicate=True), Output(ids.START_Y, "value", allow_duplicate=True),
    Output({"type": ids.SURFACE_PARAM, "name": ALL, "scale": ALL}, "value"),
    Output(ids.PENDING, "data", allow_duplicate=True),
    Input(ids.PENDING, "data"), Input(ids.SURFACE_PARAMS, "children"),
    State(ids.SURFACE, "value"), State({"type": ids.SURFACE_PARAM, "name": ALL, "scale": ALL}, "id"),
    prevent_initial_call=True,
)
def apply_pending(pending, _children, surface, param_ids):
    return pending_response(pending, surface, param_ids or [])


@callback(
    Output(ids.CAPTION, "children", allow_duplicate=True), Output(CAPTION_BOX, "hidden", allow_duplicate=True),
    Output(ids.PRESET_KEY, "data", allow_duplicate=True),
    Input(ids.CAPTION_CLOSE, "n_clicks"), prevent_initial_call=True,
)
def close_caption(_clicks):
    return "", True, None


# ---------------------------------------------------------------- equations

def equations_response(url_state) -> str:
    """The update rules of the configuration the URL state holds (the page's own, validated)."""
    search = url_state.get("search") if isinstance(url_state, dict) else None
    config, _ = urlstate.decode(search) if isinstance(search, str) and search else (default_config(), [])
    return markdown(config)


@callback(Output(ids.EQUATIONS, "children"), Input(ids.SETTLED, "data"), prevent_initial_call=True)
def update_equations(url_state):
    return equations_response(url_state)


# ---------------------------------------------------------------- exports and the PyTorch check

def current_config(url_state) -> Config:
    """The page's configuration: from the URL state the page wrote (the default scene before any change)."""
    search = url_state.get("search") if isinstance(url_state, dict) else None
    if isinstance(search, str) and search:
        config, _ = urlstate.decode(search)
        if config is not None:
            return config
    return default_config()


EXPORTS = {ids.EXPORT_CSV: "csv", ids.EXPORT_JSON: "json", ids.EXPORT_TORCH: "torch", ids.EXPORT_GIF: "gif"}


def download_response(trigger, url_state):
    """The download (or no update) and the export notice: empty, or why nothing was exported."""
    kind = EXPORTS.get(trigger) if isinstance(trigger, str) else None
    if kind is None:
        return no_update, no_update
    payload, notice = export(kind, current_config(url_state))
    return (payload if payload is not None else no_update), notice


@callback(
    Output(ids.DOWNLOAD, "data"), Output(ids.EXPORT_NOTICE, "children"),
    *(Input(i, "n_clicks") for i in EXPORTS), State(ids.URL_STATE, "data"),
    prevent_initial_call=True,
)
def download(*args):
    if not any(t.get("value") for t in ctx.triggered):
        return no_update, no_update
    return download_response(ctx.triggered_id, args[-1])


def torch_response(toggle, url_state):
    """A Patch of the contour's torch.optim trace (emptied when the switch is off) and the export
    notice (why the check was not run, if it was not)."""
    on = isinstance(toggle, list) and "on" in toggle
    patch = Patch()
    config = current_config(url_state) if on else None
    notice = ""
    cost = None
    if config is not None:
        cost = budget.estimate(config, "torch-check")
        if not cost.ok:
            config, notice = None, cost.message(budget.hint(config, "torch-check"))
    try:
        with budget.heavy_slot(cost if config is not None else budget.Estimate(0.0, 1.0, "")):
            patch["data"][TORCH_TRACE] = overlay_trace(config, on)
    except TimeoutError:
        patch["data"][TORCH_TRACE] = overlay_trace(None, False)
        notice = budget.stopped("torch-check")
    except budget.Busy as err:
        patch["data"][TORCH_TRACE] = overlay_trace(None, False)
        notice = str(err)
    return patch, notice


# STATUS is written with every new scene, so the gate fires after the scene callback and a
# redrawn contour (whose torch trace is empty) gets the overlay back.
clientside_callback(
    ClientsideFunction(namespace="viz", function_name="whenOn"),
    Output(ids.TORCH_CHECK_REQUEST, "data"),
    Input(ids.TORCH_CHECK, "value"), Input(ids.URL_STATE, "data"), Input(ids.STATUS, "children"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.CONTOUR, "figure", allow_duplicate=True), Output(ids.EXPORT_NOTICE, "children", allow_duplicate=True),
    Input(ids.TORCH_CHECK_REQUEST, "data"), State(ids.TORCH_CHECK, "value"), State(ids.URL_STATE, "data"),
    prevent_initial_call=True,
)
def check_against_torch(_request, toggle, url_state):
    return torch_response(toggle, url_state)


clientside_callback(
    ClientsideFunction(namespace="viz", function_name="presenterMode"),
    Output(ids.PRESENTER, "className"), Input(ids.PRESENTER, "value"),
)


# ---------------------------------------------------------------- theory on quadratics, step inspector

def theory_lines(config: Config) -> list:
    """The theory box's children for ``config`` (empty unless its surface is a convex quadratic)."""
    try:
        surface = build_surface(config)
    except ValueError:
        return []
    q = analyse(surface)
    return [html.P(line) for line in summary(q, config.runs)] if q is not None else []


@callback(Output(ids.THEORY, "children"), Input(ids.SETTLED, "data"), prevent_initial_call=True)
def update_theory(url_state):
    """The theory box (its eigen-direction lines are drawn with the contour, viz.figures)."""
    return theory_lines(current_config(url_state))


def inspector_response(toggle, step, url_state):
    """The inspector table and a Patch of the contour's arrows (none while the switch is off)."""
    patch = Patch()
    on = isinstance(toggle, list) and "on" in toggle
    step_ok = isinstance(step, (int, float)) and not isinstance(step, bool) and 0 <= step <= 1e6
    if not on or not step_ok:
        patch["layout"]["annotations"] = []
        return [], patch
    config = current_config(url_state)
    cost = budget.estimate(config, "inspector", int(step))
    if not cost.ok:
        patch["layout"]["annotations"] = []
        return html.P(cost.message(": inspect an earlier step, or fewer runs"), className="notice"), patch
    try:
        with budget.heavy_slot(cost):
            views = inspect(config, int(step), deadline=budget.deadline("inspector"))
    except TimeoutError:
        patch["layout"]["annotations"] = []
        return html.P(budget.stopped("inspector"), className="notice"), patch
    except budget.Busy as err:
        patch["layout"]["annotations"] = []
        return html.P(str(err), className="notice"), patch
    table = rows(views)
    columns = ("run", "w", "g", "Δw", "lr", "effective lr", "state")
    head = html.Thead(html.Tr([html.Th(c, scope="col") for c in columns]))
    body = html.Tbody([html.Tr([html.Th(r["run"], scope="row")] + [html.Td(r[c]) for c in columns[1:]])
                       for r in table])
    caption = html.Caption(f"Step {min(int(step), config.steps - 1)} → {min(int(step), config.steps - 1) + 1}: "
                           "g = ∇L(w) as the optimizer saw it; effective lr = Δw / (−g) per coordinate")
    patch["layout"]["annotations"] = arrows(views, build_surface(config)) if views else []
    return html.Table([caption, head, body], className="results inspector-table"), patch


clientside_callback(
    ClientsideFunction(namespace="viz", function_name="whenOn"),
    Output(ids.INSPECTOR_REQUEST, "data"),
    Input(ids.INSPECTOR + "-on", "value"), Input(ids.SCRUB, "value"), Input(ids.URL_STATE, "data"),
    Input(ids.STATUS, "children"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.INSPECTOR, "children"), Output(ids.CONTOUR, "figure", allow_duplicate=True),
    Input(ids.INSPECTOR_REQUEST, "data"), State(ids.INSPECTOR + "-on", "value"), State(ids.SCRUB, "value"),
    State(ids.URL_STATE, "data"),
    prevent_initial_call=True,
)
def update_inspector(_request, toggle, step, url_state):
    return inspector_response(toggle, step, url_state)
