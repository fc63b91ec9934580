"""The schedule editor: pick the target (all optimizers or one run), the schedule and its parameters."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, html, no_update
import optimizers
from optimizers import schedules

from .. import ids
from ..config import MAX_STEPS, MIN_STEPS, NO_SCHEDULE, Config
from ..controls import control, parse
from ..layout import schedule_options, schedule_targets
from ..schedule_defaults import defaults, scaled
from ..validate import known

SHARED = "shared"


def param_controls(name: str, params: dict, steps=None) -> list:
    """The controls of schedule ``name``: the stored values, else its defaults for a ``steps``-step run."""
    if not known(name, schedules.names()):
        return []
    steps = _steps(steps)
    initial = defaults(name, steps)
    out = []
    for h in schedules.spec(name).params:
        scale = h.scale if h.kind == "float" else ""
        try:   # the store keeps raw control values (slider positions): back to value units
            value = parse(h, params[h.name]) if h.name in params else initial[h.name]
        except ValueError:
            value = initial[h.name]
        ctl = control(h, {"type": ids.SP if scale else ids.SPV, "name": h.name, "scale": scale}, value)
        if ctl is not None:
            out.append(ctl)
    run_length = scaled(name, steps)
    counted = [f"{h.label or h.name} = {_text(run_length[h.name])}" for h in schedules.spec(name).params
               if h.name in run_length and h.kind != "schedules"]
    if counted:   # viz.schedule_defaults: step counts start as fractions of the run
        out.append(html.P(f"Defaults for this run's {steps:,} steps: {', '.join(counted)}.", className="hint"))
    return out


def _text(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def _steps(steps) -> int:
    """The scene's steps from the steps box (its own default when the box holds junk)."""
    ok = isinstance(steps, (int, float)) and not isinstance(steps, bool) and MIN_STEPS <= steps <= MAX_STEPS \
        and steps == int(steps)
    return int(steps) if ok else Config.steps


def editor_response(trigger, target, name, store, runs, steps=None):
    """Picker value/options, target options and parameter controls after a change."""
    store = store if isinstance(store, dict) else {}
    runs = runs if isinstance(runs, list) else []
    run_ids = {r["id"] for r in runs if isinstance(r, dict) and isinstance(r.get("id"), str)}
    if not known(target, run_ids):
        target = SHARED
    targets = schedule_targets([r for r in runs if isinstance(r, dict) and known(r.get("id"), run_ids)
                                and known(r.get("optimizer"), optimizers.names())])
    entry = store.get(target) if isinstance(store.get(target), dict) else None
    if trigger in (ids.SCHEDULE_TARGET, ids.RUNS):
        name = entry.get("name") if entry else (NO_SCHEDULE if target == SHARED else SHARED)
        params = entry.get("params", {}) if entry else {}
    else:
        params = entry.get("params", {}) if entry and entry.get("name") == name else {}
    valid = {NO_SCHEDULE, *schedules.names()} | ({SHARED} if target != SHARED else set())
    if not known(name, valid):
        name = NO_SCHEDULE if target == SHARED else SHARED
    params = params if isinstance(params, dict) else {}
    return name, schedule_options(shared=target == SHARED), targets, target, param_controls(name, params, steps)


@callback(
    Output(ids.SCHEDULE, "value"), Output(ids.SCHEDULE, "options"), Output(ids.SCHEDULE_TARGET, "options"),
    Output(ids.SCHEDULE_TARGET, "value"), Output(ids.SCHEDULE_PARAMS, "children"),
    Input(ids.SCHEDULE_TARGET, "value"), Input(ids.SCHEDULE, "value"), Input(ids.RUNS, "data"),
    State(ids.SCHEDULES, "data"), State(ids.STEPS, "value"),
    prevent_initial_call=True,
)
def update_editor(target, name, runs, store, steps):
    return editor_response(ctx.triggered_id, target, name, store, runs, steps)


def save_response(target, name, items, store):
    """The schedules store with the editor's current choice written for ``target``."""
    store = dict(store) if isinstance(store, dict) else {}
    if not isinstance(target, str) or len(target) > 20:
        return no_update
    if name == SHARED and target != SHARED:
        store.pop(target, None)
        return store
    if not known(name, {NO_SCHEDULE, SHARED, *schedules.names()}):
        return no_update
    params = {}
    specs = {h.name: h for h in schedules.spec(name).params} if known(name, schedules.names()) else {}
    for id_, raw in items or ():
        pname = id_.get("name") if isinstance(id_, dict) else None
        if pname in specs:
            try:
                parse(specs[pname], raw)
                params[pname] = raw          # stored raw (slider position etc.); config parses it again
            except ValueError:
                continue
    store[target] = {"name": name, "params": params}
    return store


@callback(
    Output(ids.SCHEDULES, "data"),
    Input({"type": ids.SP, "name": ALL, "scale": ALL}, "value"),
    Input({"type": ids.SPV, "name": ALL, "scale": ALL}, "value"), Input(ids.SCHEDULE, "value"),
    State(ids.SCHEDULE_TARGET, "value"), State(ids.SCHEDULES, "data"),
    prevent_initial_call=True,
)
def save_schedule(_sliders, _others, name, target, store):
    items = [(d.get("id"), d.get("value")) for k in (0, 1) for d in ctx.inputs_list[k]]
    return save_response(target, name, items, store)
