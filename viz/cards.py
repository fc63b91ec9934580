"""One card per optimizer run: its colour, name, buttons and hyperparameter controls."""
from __future__ import annotations

from dash import dcc, html

import optimizers
from optimizers.base import LR

from . import ids
from .controls import control, dom_id, show, slider, to_slider
from .palette import run_style
from .runs import flat_params, label


def hp_id(run_id: str, name: str, scale: str = "") -> dict:
    """Sliders (with a scale and a read-out) are type HP; every other control is HPV."""
    return {"type": ids.HP if scale else ids.HPV, "run": run_id, "name": name, "scale": scale}


def _lr_control(run_id: str, value: float, h=LR) -> html.Div:
    """The log slider of a run's lr and, beside it, the exact typed value (which the scene reads)."""
    sid = {"type": ids.LR_SLIDER, "run": run_id, "name": "lr", "scale": "log"}
    box = slider(h, sid, value, label=f"learning rate {h.label if h.label != LR.label else 'η'}",
                 readout_id=ids.readout(sid))
    typed_id = hp_id(run_id, "lr")
    box.children.append(html.Div(className="typed", children=[
        html.Label("η value", htmlFor=dom_id(typed_id)),
        dcc.Input(id=typed_id, type="number", value=value, min=h.ui[0], max=h.ui[1],
                  step="any", debounce=True, inputMode="decimal"),
    ]))
    return box


def card(run: dict, runs: list[dict], index: int) -> html.Div:
    """The card of ``run`` (``index`` picks its colour)."""
    run_id, name = run["id"], run["optimizer"]
    values = run.get("values", {})
    color, dash = run_style(index)
    title = label(run, runs)
    spec = optimizers.spec(name)
    params = flat_params(name)
    lr_meta = next(h for h in params if h.name == "lr")
    controls = [_lr_control(run_id, values.get("lr", lr_meta.default), lr_meta)]
    if isinstance(run.get("batch"), dict):   # a preset or link gave this run its own minibatch plan
        controls.append(html.P(batch_note(run["batch"]), className="hint run-batch"))
    for h in params:
        if h.name == "lr":
            continue
        ctl = control(h, hp_id(run_id, h.name, h.scale if h.kind == "float" else ""), values.get(h.name, h.default))
        if ctl is not None:
            controls.append(ctl)
    buttons = [html.Button("Duplicate", id={"type": ids.DUPLICATE, "run": run_id}, className="small",
                           title="Add an A/B copy of this run to compare two settings")]
    if run.get("ghost_of"):
        buttons.append(html.Button("Remove", id={"type": ids.REMOVE, "run": run_id}, className="small"))
    buttons.append(html.Button("Reset", id={"type": ids.RESET, "run": run_id}, className="small",
                               title="Reset this run's hyperparameters to their defaults"))
    return html.Details(open=True, className="card", id=f"card-{run_id}", children=[
        html.Summary([html.Span(className="swatch", style={"background": color,
                                                           "borderStyle": "solid" if dash == "solid" else "dashed"}),
                      html.Strong(title), html.Span(f" — {spec.summary}", className="muted")]),
        html.Div(buttons, className="card-buttons"),
        html.Div(controls, className="card-controls"),
    ])


def batch_note(batch: dict) -> str:
    """``{"size": 8, "milestones": [60, 120], "factor": 2}`` → 'Own batch size B = 8, ×2 at steps 60, 120'."""
    from .validate import finite

    size, factor = finite(batch.get("size")), finite(batch.get("factor", 2.0))
    text = f"Own batch size B = {size:g}" if size is not None else "Own batch size"
    milestones = [m for m in batch.get("milestones") or [] if finite(m) is not None] \
        if isinstance(batch.get("milestones"), list) else []
    if milestones and factor is not None:
        text += f", ×{factor:g} at steps " + ", ".join(f"{finite(m):g}" for m in milestones[:20])
    return text + " (on a data surface; the shared batch size applies to the other runs)."


def cards(runs: list[dict]) -> list:
    return [card(r, runs, i) for i, r in enumerate(runs)]


__all__ = ["card", "cards", "hp_id", "show", "to_slider"]
