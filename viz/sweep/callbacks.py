"""Callbacks of the landscape view; importing this module registers them.

- `update_form`: axis choices, default ranges and which boxes show, from the
  optimizer, surface, schedule and mode;
- `run_sweep`: a Dash *background* callback (its own process with diskcache, a
  Celery worker with Redis) with a progress bar and a cancel button, so a long
  sweep never blocks other users' requests;
- `load_cell`: a click on a cell loads its configuration into the trajectory view
  (surface, start, steps, schedule, batch, and one run: the runs store and the
  optimizer picker, from which the cards callback renders its card) and switches to it;
- `apply_pending_start`: the start point, once the trajectory view's own surface
  callback has reset it for a new surface.

Each callback is a thin wrapper over a pure ``*_response`` function that tests call
directly; nothing here keeps module-level state.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, no_update

import optimizers
import surfaces
from optimizers import schedules
from optimizers.base import LR

from .. import ids as page_ids
from ..config import MAX_STEPS as VIEW_MAX_STEPS, MIN_STEPS as VIEW_MIN_STEPS, NO_SCHEDULE
from ..controls import show
from ..teaching import CAPTION_BOX
from ..urlstate import raw_value
from ..validate import round_to_window
from ..layout import surface_param_controls
from ..runs import default_lr, flat_params, new_run
from . import compute, ids, layout, results
from .compute import BASIN, BATCH, SWEEP
from .figures import FINAL_LOSS, METRICS, MINIMUM, heatmap_figure, positions
from .layout import HIDE, SHOW, axis_options, metric_options
from .manager import SweepStopped
from .theory import theory_applies

PREFERRED_Y = ("momentum", "beta1", "alpha", "rho", "beta", "lambd", "etaminus", "damping")
NOISE_SIGMA = {"type": "noise", "name": "sigma", "scale": "linear"}   # the trajectory view's σ slider


# ---------------------------------------------------------------- the form

def _choice(value: Any, allowed, default):
    return value if isinstance(value, str) and value in allowed else default


def form_response(trigger, mode, optimizer, surface, schedule, x_key, y_key, ranges, metric):
    """Axis options/values/ranges, box visibility, metric choices and the start for the form.

    ``ranges`` is ``[x_min, x_max, y_min, y_max]`` as currently typed; an axis whose
    parameter was just picked or had to change (and every axis when the optimizer,
    surface or schedule changes) gets the default range of its parameter.
    """
    mode = _choice(mode, (SWEEP, BASIN), SWEEP)
    optimizer = _choice(optimizer, optimizers.names(), "SGD")
    surface = _choice(surface, surfaces.names(), "ravine")
    schedule = _choice(schedule, schedules.names(), None)
    params = compute.axis_params(optimizer, surface, schedule)
    keys = list(params)
    old = (x_key, y_key)
    ranges = list(ranges) if isinstance(ranges, (list, tuple)) and len(ranges) == 4 else [None] * 4
    x_key = _choice(x_key, keys, "lr" if "lr" in keys else keys[0])
    if trigger == ids.X_PARAM and x_key == y_key:
        y_key = None      # the user moved y's parameter to x: pick another for y
    data = getattr(surfaces.get(surface), "dataset", None) is not None
    if not isinstance(y_key, str) or y_key not in keys or y_key == x_key:
        prefer = ([BATCH] if data else []) + list(PREFERRED_Y) + keys
        y_key = next(k for k in prefer if k in keys and k != x_key)
    if trigger == ids.Y_PARAM and y_key == x_key:
        x_key = next(k for k in keys if k != y_key)
    reset_all = trigger in (ids.OPTIMIZER, ids.SURFACE, ids.SCHEDULE)
    out_ranges = []
    for key, given, picked, (lo, hi) in ((x_key, old[0], ids.X_PARAM, ranges[0:2]),
                                         (y_key, old[1], ids.Y_PARAM, ranges[2:4])):
        if reset_all or trigger == picked or key != given or lo is None or hi is None:
            out_ranges += list(compute.default_range(key, params[key], optimizer, surface))
        else:
            out_ranges += [no_update, no_update]
    lr_on_axis = mode == SWEEP and "lr" in (x_key, y_key)
    options = axis_options(optimizer, surface, schedule)
    metrics = metric_options(mode)
    metric = _choice(metric, [m["value"] for m in metrics], MINIMUM if mode == BASIN else FINAL_LOSS)
    if trigger == ids.MODE:
        metric = MINIMUM if mode == BASIN else FINAL_LOSS
    s = surfaces.get(surface)
    start = (s.start[0], s.start[1]) if trigger == ids.SURFACE else (no_update, no_update)
    lr = default_lr(optimizer, s) if trigger in (ids.OPTIMIZER, ids.SURFACE) else no_update
    return (options, x_key, options, y_key, *out_ranges, lr,
            HIDE if lr_on_axis else SHOW, SHOW if mode == SWEEP else HIDE, SHOW if data else HIDE,
            SHOW if mode == SWEEP else HIDE, metrics, metric, *start)


@callback(
    Output(ids.X_PARAM, "options"), Output(ids.X_PARAM, "value"),
    Output(ids.Y_PARAM, "options"), Output(ids.Y_PARAM, "value"),
    Output(ids.X_MIN, "value"), Output(ids.X_MAX, "value"), Output(ids.Y_MIN, "value"), Output(ids.Y_MAX, "value"),
    Output(ids.LR, "value"), Output(ids.LR_BOX, "style"), Output(ids.START_BOX, "style"),
    Output(ids.DATA_BOX, "style"), Output(ids.AXES_BOX, "style"),
    Output(ids.METRIC, "options"), Output(ids.METRIC, "value"),
    Output(ids.START_X, "value"), Output(ids.START_Y, "value"),
    Input(ids.MODE, "value"), Input(ids.OPTIMIZER, "value"), Input(ids.SURFACE, "value"),
    Input(ids.SCHEDULE, "value"), Input(ids.X_PARAM, "value"), Input(ids.Y_PARAM, "value"),
    State(ids.X_MIN, "value"), State(ids.X_MAX, "value"), State(ids.Y_MIN, "value"), State(ids.Y_MAX, "value"),
    State(ids.METRIC, "value"),
    prevent_initial_call=True,
)
def update_form(mode, optimizer, surface, schedule, x_key, y_key, x_min, x_max, y_min, y_max, metric):
    return form_response(ctx.triggered_id, mode, optimizer, surface, schedule, x_key, y_key,
                         [x_min, x_max, y_min, y_max], metric)


# ---------------------------------------------------------------- the sweep

def spec_from_form(mode, optimizer, surface, schedule, x_key, x_min, x_max, y_key, y_min, y_max, lr,
                   start_x, start_y, batch, seed, n, steps, tolerance) -> compute.SweepSpec:
    """A validated spec from the form's raw values; ``ValueError`` with a message otherwise."""
    values = {}
    on_axes = mode == SWEEP and "lr" in (x_key, y_key)
    if not on_axes and lr is not None:
        lr = compute.as_number(lr, "learning rate")
        meta = next((h for h in flat_params(optimizer) if h.name == "lr"), LR) \
            if isinstance(optimizer, str) and optimizer in optimizers.names() else LR
        lo, hi = meta.ui
        if not lo <= lr <= hi:
            raise ValueError(f"learning rate: {lr:g} is outside [{lo:g}, {hi:g}]")
        values["lr"] = lr
    data = isinstance(surface, str) and surface in surfaces.names() and \
        getattr(surfaces.get(surface), "dataset", None) is not None
    return compute.make_spec(
        mode=mode, optimizer=optimizer, surface=surface, start=[start_x, start_y] if mode == SWEEP else None,
        values=values, schedule=schedule, x=(x_key, x_min, x_max), y=(y_key, y_min, y_max), n=n, steps=steps,
        tolerance=tolerance, batch=batch if data and BATCH not in (x_key, y_key) else None,
        seed=seed if data else 0)


def summary(result: compute.SweepResult) -> str:
    """One status line: what ran, how long it took, what diverged, and the theory where it applies."""
    spec = result.spec
    ny, nx = spec.shape
    d = int((result.diverged_at >= 0).sum())
    calls = f"{result.calls} vectorized simulate() call{'s' if result.calls != 1 else ''}"
    text = f"{nx * ny:,} runs × {spec.steps:,} steps in {result.seconds:.2f} s ({calls}); {d:,} diverged."
    theory = theory_applies(spec)
    if theory is not None:
        text += (f" Hessian eigenvalues λ = {theory.lam_min:.3g}, {theory.lam_max:.3g} (κ = {theory.kappa:.3g}):"
                 f" GD is stable iff lr < 2/λmax = {theory.gd_limit:.3g}; heavy ball iff lr < 2(1 + β)/λmax;"
                 f" optimum α* = {theory.hb_lr:.3g}, β* = {theory.hb_momentum:.3g}.")
    return text


def sweep_response(progress: Callable | None, mode, optimizer, surface, schedule, x_key, x_min, x_max,
                   y_key, y_min, y_max, lr, start_x, start_y, batch, seed, n, steps, metric, tolerance):
    """Figure, spec store and status after running the sweep; a message (and no update) if invalid."""
    try:
        spec = spec_from_form(mode, optimizer, surface, schedule, x_key, x_min, x_max, y_key, y_min, y_max,
                              lr, start_x, start_y, batch, seed, n, steps, tolerance)
    except ValueError as err:
        return no_update, no_update, f"Not run: {err}"
    total = spec.shape[0] * spec.shape[1]

    def report(done: int, _total: int) -> None:
        if progress is not None:
            progress((str(done / total), f"{done:,} / {total:,} runs"))

    try:
        report(0, total)               # the bar and the cancel button show at once (or the place in line)
        result = results.load(spec)    # the same grid seen before (e.g. only the colour metric changed)
        if result is not None:
            report(total, total)
        else:
            try:
                result = compute.run(spec, report)
            except ValueError as err:  # settings the engine rejects, e.g. a schedule cycling a missing momentum
                return no_update, no_update, f"Not run: {err}"
            results.store(spec, result)
    except SweepStopped as err:        # the machine's rules (viz.sweep.manager.JobGuard)
        return no_update, no_update, f"Stopped: {err}."
    metric = metric if isinstance(metric, str) and metric in METRICS else FINAL_LOSS
    return heatmap_figure(result, metric), spec.args, summary(result)


@callback(
    Output(ids.GRAPH, "figure"), Output(ids.SPEC, "data"), Output(ids.STATUS, "children"),
    Input(ids.RUN, "n_clicks"),
    Input(ids.MODE, "value"), Input(ids.OPTIMIZER, "value"), Input(ids.SURFACE, "value"),
    Input(ids.SCHEDULE, "value"),
    Input(ids.X_PARAM, "value"), Input(ids.X_MIN, "value"), Input(ids.X_MAX, "value"),
    Input(ids.Y_PARAM, "value"), Input(ids.Y_MIN, "value"), Input(ids.Y_MAX, "value"),
    Input(ids.LR, "value"), Input(ids.START_X, "value"), Input(ids.START_Y, "value"),
    Input(ids.BATCH, "value"), Input(ids.SEED, "value"), Input(ids.SIZE, "value"), Input(ids.STEPS, "value"),
    Input(ids.METRIC, "value"), Input(ids.TOLERANCE, "value"),
    background=True,
    progress=[Output(ids.PROGRESS, "value"), Output(ids.PROGRESS_TEXT, "children")],
    progress_default=["0", ""],
    running=[(Output(ids.RUN, "disabled"), True, False), (Output(ids.CANCEL, "disabled"), False, True),
             (Output(ids.PROGRESS_BOX, "style"), {"visibility": "visible"}, {"visibility": "hidden"})],
    cancel=[Input(ids.CANCEL, "n_clicks")],
    cache_args_to_ignore=[0],       # the Run button's clicks: the same settings are the same sweep
    interval=250,
    prevent_initial_call=True,
)
def run_sweep(set_progress, _clicks, mode, optimizer, surface, schedule, x_key, x_min, x_max, y_key, y_min,
              y_max, lr, start_x, start_y, batch, seed, n, steps, metric, tolerance):
    return sweep_response(set_progress, mode, optimizer, surface, schedule, x_key, x_min, x_max, y_key,
                          y_min, y_max, lr, start_x, start_y, batch, seed, n, steps, metric, tolerance)


# ---------------------------------------------------------------- click → trajectory view

def _schedule_store(cell_schedule) -> dict:
    """The trajectory view's schedules store for one shared schedule (raw control values, as its editor
    keeps: slider positions, switch lists, step lists as text; sub-schedules have no control)."""
    if not cell_schedule:
        return {"shared": {"name": NO_SCHEDULE, "params": {}}}
    name, params = cell_schedule
    specs = {h.name: h for h in schedules.spec(name).params}
    raw = {key: raw_value(specs[key], value) for key, value in params.items()
           if key in specs and specs[key].kind != "schedules"}
    return {"shared": {"name": name, "params": raw}}


def _as_shown(h, value):
    """A swept value as its control resolves it: an lr or a slider to its read-out's digits
    (3 significant digits; 2 of 1 − β), a whole number for a step count."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if h.kind == "int":
        return int(round(value))
    if h.kind == "float" and h.ui is not None and not h.optional:
        return float(show(h, value))
    return value


def _fresh_id(runs) -> str:
    """A run id no current card uses, so the cards callback folds no old control values into the new run."""
    used = {r.get("id") for r in runs if isinstance(r, dict)} if isinstance(runs, list) else set()
    n = 1
    while f"r{n}" in used:
        n += 1
    return f"r{n}"


def load_response(click, spec_args, current_surface, current_runs=None):
    """Outputs that put the clicked cell into the trajectory view (see `load_cell`), or all no_update.

    The swept values are rounded to what the trajectory view's controls resolve (`_as_shown`;
    a basin map's start to the window's resolution), and a preset's caption is closed: the
    scene is the cell's now.
    """
    nothing = (no_update,) * 18
    try:
        point = click["points"][0]
        x, y = float(point["x"]), float(point["y"])
    except (TypeError, KeyError, IndexError, ValueError, OverflowError):
        return nothing
    if not (np.isfinite(x) and np.isfinite(y)) or not isinstance(spec_args, dict):
        return nothing
    known = ("mode", "optimizer", "surface", "start", "values", "schedule", "schedule_params", "x", "y", "n",
             "steps", "tolerance", "batch", "seed")
    try:
        spec = compute.make_spec(**{k: spec_args[k] for k in known if k in spec_args})
    except (ValueError, TypeError) as err:
        return nothing[:-1] + (f"Cannot load that cell: {err}",)
    i, j = compute.nearest_cell(spec, x, y, positions)
    cell = compute.cell_config(spec, i, j)
    surface = spec.surface
    for axis in (spec.x, spec.y):
        if axis.key in cell["values"]:
            cell["values"][axis.key] = _as_shown(axis.param, cell["values"][axis.key])
        elif axis.key.startswith(compute.SCHEDULE_PREFIX) and cell["schedule"]:
            name = axis.key[len(compute.SCHEDULE_PREFIX):]
            cell["schedule"][1][name] = _as_shown(axis.param, cell["schedule"][1][name])
    if spec.mode == BASIN:
        (x0, x1), (y0, y1) = surface.bounds
        cell["start"] = (round_to_window(cell["start"][0], x0, x1), round_to_window(cell["start"][1], y0, y1))
    run = new_run(_fresh_id(current_runs), spec.optimizer, surface, **cell["values"])
    steps = min(max(cell["steps"], VIEW_MIN_STEPS), VIEW_MAX_STEPS)
    note = "" if steps == cell["steps"] else f" (the trajectory view shows {steps:,} of its {cell['steps']:,} steps)"
    same = current_surface == surface.name
    start = [round(v, 10) for v in cell["start"]]
    data = getattr(surface, "dataset", None) is not None
    described = ", ".join(f"{k} = {v:.4g}" for k, v in cell["values"].items()
                          if k in (spec.x.key, spec.y.key) and isinstance(v, float))
    if cell["schedule"]:
        described += "".join(f", {cell['schedule'][0]} {k} = {v:.4g}" for k, v in cell["schedule"][1].items()
                             if "schedule." + k in (spec.x.key, spec.y.key))
    if spec.mode == BASIN:
        described = f"start ({start[0]:.4g}, {start[1]:.4g})"
    if cell["batch"] is not None and BATCH in (spec.x.key, spec.y.key):
        described += f", batch size {cell['batch']}"
    return (
        [run], [spec.optimizer],
        no_update if same else surface.name,
        surface_param_controls(surface.name) if same else no_update,
        start[0] if same else no_update, start[1] if same else no_update,
        None if same else {"surface": surface.name, "start": start},
        steps, cell["tolerance"], _schedule_store(cell["schedule"]),
        cell["batch"] if data else no_update, cell["seed"] if data else no_update, 0.0,
        "trajectories",
        "", True, None,          # the preset's caption closes, and its key leaves the URL
        f"Loaded {spec.optimizer} with {described.lstrip(', ')} into the trajectory view{note}.",
    )


@callback(
    Output(page_ids.RUNS, "data", allow_duplicate=True),
    Output(page_ids.OPTIMIZERS, "value", allow_duplicate=True),
    Output(page_ids.SURFACE, "value", allow_duplicate=True),
    Output(page_ids.SURFACE_PARAMS, "children", allow_duplicate=True),
    Output(page_ids.START_X, "value", allow_duplicate=True),
    Output(page_ids.START_Y, "value", allow_duplicate=True),
    Output(ids.PENDING, "data", allow_duplicate=True),
    Output(page_ids.STEPS, "value", allow_duplicate=True),
    Output(page_ids.TOLERANCE, "value", allow_duplicate=True),
    Output(page_ids.SCHEDULES, "data", allow_duplicate=True),
    Output(page_ids.BATCH, "value", allow_duplicate=True),
    Output(page_ids.SEED, "value", allow_duplicate=True),
    Output(NOISE_SIGMA, "value", allow_duplicate=True),
    Output(page_ids.VIEW, "data", allow_duplicate=True),
    Output(page_ids.CAPTION, "children", allow_duplicate=True),
    Output(CAPTION_BOX, "hidden", allow_duplicate=True),
    Output(page_ids.PRESET_KEY, "data", allow_duplicate=True),
    Output(ids.STATUS, "children", allow_duplicate=True),
    Input(ids.GRAPH, "clickData"),
    State(ids.SPEC, "data"), State(page_ids.SURFACE, "value"), State(page_ids.RUNS, "data"),
    prevent_initial_call=True,
)
def load_cell(click, spec_args, current_surface, current_runs):
    """The runs store and the picker change together, so the cards callback renders the one new card."""
    return load_response(click, spec_args, current_surface, current_runs)


def pending_response(pending, surface):
    """Start x, start y and the cleared pending store, once the new surface is in place."""
    if not isinstance(pending, dict):
        return no_update, no_update, no_update
    start = pending.get("start")
    ok = pending.get("surface") == surface and isinstance(start, list) and len(start) == 2 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) <= compute.MAX_START for v in start)
    if not ok:
        return no_update, no_update, None
    return start[0], start[1], None


@callback(
    Output(page_ids.START_X, "value", allow_duplicate=True),
    Output(page_ids.START_Y, "value", allow_duplicate=True),
    Output(ids.PENDING, "data", allow_duplicate=True),
    Input(page_ids.SURFACE_PARAMS, "children"),
    State(ids.PENDING, "data"), State(page_ids.SURFACE, "value"),
    prevent_initial_call=True,
)
def apply_pending_start(_children, pending, surface):
    return pending_response(pending, surface)



# ---------------------------------------------------------------- the view switch (clientside, assets/sweep.js)

clientside_callback(
    ClientsideFunction("sweep", "pickView"),
    Output(page_ids.VIEW, "data", allow_duplicate=True),
    Input(page_ids.VIEW_TRAJECTORIES, "n_clicks"), Input(page_ids.VIEW_LANDSCAPE, "n_clicks"),
    prevent_initial_call=True,
)

clientside_callback(
    ClientsideFunction("sweep", "showView"),
    Output(page_ids.TRAJECTORY_VIEW, "style"), Output(page_ids.LANDSCAPE_VIEW, "style"),
    Output(page_ids.VIEW_TRAJECTORIES, "aria-pressed"), Output(page_ids.VIEW_LANDSCAPE, "aria-pressed"),
    Input(page_ids.VIEW, "data"),
    prevent_initial_call=True,
)


def mount_response(view, mounted):
    """The landscape view's body the first time it opens; afterwards it stays (and keeps its state)."""
    if view == "landscape" and mounted is not True:
        return layout.body(), True
    return no_update, no_update


@callback(
    Output(page_ids.LANDSCAPE_VIEW, "children"), Output(ids.MOUNTED, "data"),
    Input(page_ids.VIEW, "data"), State(ids.MOUNTED, "data"),
    prevent_initial_call=True,
)
def mount_view(view, mounted):
    return mount_response(view, mounted)


# Once mounted, the first sweep runs by itself so that a heatmap appears.
clientside_callback(
    ClientsideFunction("sweep", "runOnOpen"),
    Output(ids.RUN, "n_clicks"),
    Input(page_ids.LANDSCAPE_VIEW, "children"), State(ids.SPEC, "data"), State(ids.RUN, "n_clicks"),
    prevent_initial_call=True,
)
