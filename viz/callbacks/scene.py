"""The scene callback: validate every input, simulate every run, update all views."""
from __future__ import annotations

from dash import ALL, Input, Output, Patch, State, callback, ctx, no_update

from .. import figures, ids
from ..config import read_config
from ..figures import FIRST_SLOT, HEADS_TRACE, START_TRACE
from ..runs import MAX_RUNS
from ..scene import compute
from ..tables import results_table

# Every input of the configuration (the teaching callbacks write it into the URL from the same list).
CONFIG_INPUTS = (
    Input(ids.SURFACE, "value"),
    Input({"type": ids.SURFACE_PARAM, "name": ALL, "scale": ALL}, "value"),
    Input(ids.FORMULA, "value"),
    *(Input(b, "value") for b in ids.BOUNDS),
    Input(ids.START_X, "value"), Input(ids.START_Y, "value"), Input(ids.STEPS, "value"),
    Input({"type": "noise", "name": ALL, "scale": ALL}, "value"),
    Input(ids.BATCH, "value"), Input(ids.SEED, "value"), Input(ids.TOLERANCE, "value"),
    Input({"type": ids.HP, "run": ALL, "name": ALL, "scale": ALL}, "value"),
    Input({"type": ids.HPV, "run": ALL, "name": ALL, "scale": ALL}, "value"),
    Input(ids.RUNS, "data"), Input(ids.SCHEDULES, "data"),
)

# Inputs after which the contour itself must be redrawn (not just the trajectories).
REDRAW = {ids.SURFACE, ids.SURFACE_PARAM, ids.FORMULA, *ids.BOUNDS}


def _values_by_run(items) -> dict:
    """``{(run, name): value}`` from pattern-matching ``(id, value)`` pairs; junk ids are dropped."""
    out = {}
    for id_, value in items or ():
        if isinstance(id_, dict) and isinstance(id_.get("run"), str) and isinstance(id_.get("name"), str):
            out[(id_["run"], id_["name"])] = value
    return out


def _by_name(items) -> dict:
    return {id_["name"]: value for id_, value in items or ()
            if isinstance(id_, dict) and isinstance(id_.get("name"), str)}


def _trigger_type(trigger) -> str | None:
    return trigger.get("type") if isinstance(trigger, dict) else trigger


def scene_response(trigger, surface, surface_params, formula, bounds, start, steps, sigma, batch, seed,
                   tolerance, hp_items, runs, schedules_store, view, shown=None):
    """Outputs of the scene callback. ``*_items`` are pattern-matching ``(id, value)`` pairs.

    ``shown``: the contour-drawn store (`figures.drawn`), what the contour shows now. The
    contour is sent whole when the trigger changes the surface or when it shows another
    surface than the configuration's; else the trajectory slots are patched (every slot the
    contour fills, so runs that are gone disappear). Without it, the trigger alone decides.
    The last output is the store's new value.
    """
    kind = _trigger_type(trigger)
    if kind == ids.SURFACE:
        start, surface_params = None, {}
    elif isinstance(start, (list, tuple)) and any(v is None for v in start):
        start = None
    config, notices = read_config(surface, _by_name(surface_params), formula, bounds, start, steps,
                                  sigma, batch, seed, runs, _values_by_run(hp_items), schedules_store,
                                  tolerance)
    scene = compute(config)
    if scene.refused:           # over the cost budget: keep the last views and say why
        return (no_update,) * 5 + (scene.error, "", no_update, no_update, no_update)
    if scene.surface is None:   # e.g. a formula that does not parse: keep the last good views
        return (no_update,) * 6 + (scene.error, no_update, no_update, no_update)
    results = scene.results
    now = figures.drawn(config, results)
    known = isinstance(shown, dict)
    if kind in REDRAW or kind is None or (known and shown.get("surface") != now["surface"]):
        contour = figures.contour_figure(scene.surface, results, scene.start)
    else:
        contour = Patch()
        # Only a change of the runs store can change how many runs there are: other
        # triggers leave the empty slots as they are and resend just the occupied ones
        # (and those the contour still fills, should a call that emptied them have been dropped).
        traces = figures.slots(results, figures.trajectory_trace)
        filled = shown.get("runs") if known else 0
        filled = filled if isinstance(filled, int) and not isinstance(filled, bool) else MAX_RUNS
        if kind != ids.RUNS:
            traces = traces[:max(len(results), min(filled, MAX_RUNS))]
        for i, trace in enumerate(traces):
            contour["data"][FIRST_SLOT + i] = trace
        contour["data"][HEADS_TRACE] = figures.heads_trace(results, scene.surface.bounds)
        contour["data"][START_TRACE] = figures.start_trace(scene.start)
    show_3d = isinstance(view, list) and "3d" in view
    surface3d = figures.surface3d_figure(scene.surface, results) if show_3d else no_update
    table = results_table(figures.results_rows(scene, config.tolerance), config.tolerance)
    status = figures.status_text(results, notices + ([scene.error] if scene.error else []))
    return (contour, surface3d, figures.loss_figure(scene.surface, results), figures.lr_figure(results),
            table, status, "", config.steps, config.steps, now)


def _main_trigger():
    """The trigger that decides how much to resend: a redraw, then a change of runs, then anything."""
    props = [t.get("prop_id", "") for t in ctx.triggered or ()]
    if any(p.startswith(ids.SURFACE + ".") for p in props):
        if any(p.startswith((ids.START_X + ".", ids.START_Y + ".")) for p in props):
            return ids.FORMULA               # ... whose start was set with it (surface controls, preset, link)
        return ids.SURFACE                   # a new surface: reset its start and parameters
    if any(p.split(".")[0] in REDRAW or f'"{ids.SURFACE_PARAM}"' in p for p in props):
        return ids.FORMULA                   # same surface, new shape: redraw the contour
    if any(p.startswith(ids.RUNS + ".") for p in props):
        return ids.RUNS
    return ctx.triggered_id


@callback(
    Output(ids.CONTOUR, "figure"), Output(ids.SURFACE_3D, "figure"), Output(ids.LOSS, "figure"),
    Output(ids.LR_GRAPH, "figure"), Output(ids.RESULTS, "children"), Output(ids.STATUS, "children"),
    Output(ids.FORMULA_ERROR, "children"), Output(ids.SCRUB, "max"), Output(ids.SCRUB, "value"),
    Output(ids.CONTOUR_DRAWN, "data"),
    *CONFIG_INPUTS, Input(ids.VIEW_3D, "value"), State(ids.CONTOUR_DRAWN, "data"),
    prevent_initial_call=True,   # the layout already holds the default scene
)
def update_scene(surface, surface_params, formula, xmin, xmax, ymin, ymax, start_x, start_y, steps,
                 noise, batch, seed, tolerance, hp, hpv, runs, schedules_store, view, shown):
    """Recompute every run; the contour is resent only when the surface itself changes."""
    lists = ctx.inputs_list
    pairs = lambda k: [(d.get("id"), d.get("value")) for d in lists[k]]  # noqa: E731
    sigma = _by_name(pairs(10)).get("sigma")
    return scene_response(_main_trigger(), surface, pairs(1), formula, [[xmin, xmax], [ymin, ymax]],
                          [start_x, start_y], steps, sigma, batch, seed, tolerance, pairs(14) + pairs(15), runs,
                          schedules_store, view, shown)
