"""The optimizer cards: pick optimizers, duplicate (A/B ghost), remove, reset."""
from __future__ import annotations

import optimizers
import surfaces
from dash import ALL, Input, Output, State, callback, ctx, no_update

from .. import ids
from ..cards import cards as render_cards
from ..config import CUSTOM
from ..controls import parse
from ..runs import MAX_RUNS, default_values, flat_params, new_run
from ..validate import known, number
from optimizers.base import LR


def _fold_values(runs: list[dict], items) -> list[dict]:
    """Runs with the current control values written into their ``values`` (so a re-render keeps them)."""
    current = {}
    for id_, raw in items or ():
        if isinstance(id_, dict) and isinstance(id_.get("run"), str) and isinstance(id_.get("name"), str):
            current[(id_["run"], id_["name"])] = raw
    out = []
    for run in runs:
        values = dict(run.get("values") or {})
        for h in flat_params(run["optimizer"]):
            raw = current.get((run["id"], h.name))
            if raw is None:
                continue
            try:
                values[h.name] = number(raw, LR.ui[0], LR.ui[1], values.get("lr", 1e-3), "lr", []) \
                    if h.name == "lr" else parse(h, raw)
            except ValueError:
                pass
        out.append({**run, "values": values})
    return out


def _clean(runs) -> list[dict]:
    if not isinstance(runs, list):
        return []
    names = optimizers.names()
    return [r for r in runs if isinstance(r, dict) and isinstance(r.get("id"), str)
            and r.get("optimizer") in names][:MAX_RUNS]


def _next_id(runs: list[dict]) -> str:
    used = {r["id"] for r in runs}
    n = 1
    while f"r{n}" in used:
        n += 1
    return f"r{n}"


def cards_response(trigger, picked, runs, hp_items, surface_name):
    """New runs store, cards and picker value after one user action."""
    runs = _fold_values(_clean(runs), hp_items)
    surface = surfaces.get(surface_name) if known(surface_name, surfaces.names()) and surface_name != CUSTOM else None
    kind = trigger.get("type") if isinstance(trigger, dict) else trigger
    target = trigger.get("run") if isinstance(trigger, dict) else None
    by_id = {r["id"]: r for r in runs}
    if kind == ids.OPTIMIZERS:
        picked = [p for p in (picked if isinstance(picked, list) else []) if known(p, optimizers.names())]
        runs = [r for r in runs if r["optimizer"] in picked]
        for name in picked:
            if len(runs) < MAX_RUNS and not any(r["optimizer"] == name for r in runs):
                runs.append(new_run(_next_id(runs), name, surface))
    elif kind == ids.DUPLICATE and target in by_id and len(runs) < MAX_RUNS:
        src = by_id[target]
        runs.insert(runs.index(src) + 1, {"id": _next_id(runs), "optimizer": src["optimizer"],
                                          "values": dict(src["values"]), "ghost_of": src["id"]})
    elif kind == ids.REMOVE and target in by_id:
        runs = [r for r in runs if r["id"] != target]
    elif kind == ids.RESET and target in by_id:
        by_id[target]["values"] = default_values(by_id[target]["optimizer"], surface)
    else:
        return no_update, no_update, no_update
    order = list(optimizers.names())
    picker = sorted({r["optimizer"] for r in runs}, key=order.index)
    return runs, render_cards(runs), picker


@callback(
    Output(ids.RUNS, "data"), Output(ids.CARDS, "children"), Output(ids.OPTIMIZERS, "value"),
    Input(ids.OPTIMIZERS, "value"),
    Input({"type": ids.DUPLICATE, "run": ALL}, "n_clicks"),
    Input({"type": ids.REMOVE, "run": ALL}, "n_clicks"),
    Input({"type": ids.RESET, "run": ALL}, "n_clicks"),
    State(ids.RUNS, "data"),
    State({"type": ids.HP, "run": ALL, "name": ALL, "scale": ALL}, "value"),
    State({"type": ids.HPV, "run": ALL, "name": ALL, "scale": ALL}, "value"),
    State(ids.SURFACE, "value"),
    prevent_initial_call=True,
)
def update_cards(picked, _dup, _rem, _reset, runs, _hp, _hpv, surface_name):
    trigger = ctx.triggered_id
    # A freshly rendered button reports n_clicks None: that is not a click.
    if isinstance(trigger, dict) and not any(t.get("value") for t in ctx.triggered):
        return no_update, no_update, no_update
    hp_items = [(d.get("id"), d.get("value")) for k in (1, 2) for d in ctx.states_list[k]]
    return cards_response(trigger, picked, runs, hp_items, surface_name)
