"""Labelled controls generated from Hyperparam metadata, and control ↔ value conversions.

One generator serves optimizer hyperparameters and schedule parameters alike:
float → slider (``linear``, ``log`` = log10(value), ``one_minus_log`` = −log10(1 − value),
finer near 1); int → number box; bool → switch; choice → dropdown; formula / ints → text box.
Every control has a visible ``<label>`` and an accessible name.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any

from dash import dcc, html

from optimizers import Hyperparam

from .validate import finite


# The ends of the log scales. A log slider cannot reach 0, so it stops at LOG_FLOOR; a
# one_minus_log slider stops at 1 − ONE_GAP, and that end stop stands for exactly 1 (γ = 1 is
# "no decay", the default of CyclicLR's γ), so every valid value has a position and a slider
# whose range reaches 1 can be set back to 1 exactly (assets/clientside.js does the same).
LOG_FLOOR = 1e-12
ONE_GAP = 1e-6
ONE_STOP = -math.log10(ONE_GAP)          # the position of that end stop (6)


def to_slider(h: Hyperparam, value: float) -> float:
    """The slider position of ``value``; values past an end of the scale sit at that end."""
    if h.scale == "log":
        return math.log10(max(value, LOG_FLOOR))
    if h.scale == "one_minus_log":
        return -math.log10(max(1.0 - value, ONE_GAP))
    return value


def from_slider(h: Hyperparam, position: float) -> float:
    if h.scale == "log":
        return 10.0 ** position
    if h.scale == "one_minus_log":
        return 1.0 if position >= ONE_STOP - 1e-9 else 1.0 - 10.0 ** (-position)
    return position


def slider_bounds(h: Hyperparam) -> tuple[float, float]:
    """The slider's range in value units: ``h.ui`` within what its scale can show."""
    lo, hi = h.ui
    if h.scale == "log":
        lo = max(lo, LOG_FLOOR)
    if h.scale == "one_minus_log":
        hi = min(hi, 1.0)
    return lo, hi


def slider_range(h: Hyperparam) -> tuple[float, float]:
    lo, hi = slider_bounds(h)
    return to_slider(h, lo), to_slider(h, hi)


def show(h: Hyperparam, value: float) -> str:
    """The read-out text of a value (the same format as assets/clientside.js)."""
    if h.scale == "one_minus_log":
        # Two significant digits of 1 − β, trailing zeros dropped: 0.9, 0.99, 0.9995.
        digits = max(0, math.floor(to_slider(h, value) + 1e-9)) + 2
        text = f"{value:.{digits}f}".rstrip("0")
        return text + "0" if text.endswith(".") else text
    return f"{float(f'{value:.3g}'):g}"


def _marks(h: Hyperparam, lo: float, hi: float) -> dict:
    if h.scale == "log":
        return {i: f"1e{i}" if i else "1" for i in range(math.ceil(lo), math.floor(hi) + 1)}
    if h.scale == "one_minus_log":
        return {i: f"{from_slider(h, i):g}" for i in range(math.ceil(lo), math.floor(hi) + 1)}
    return {lo: f"{lo:g}", hi: f"{hi:g}"}


def _label_text(h: Hyperparam) -> str:
    return h.label or h.name


def dom_id(id_: Any) -> str:
    """The DOM id Dash gives a component id (dict ids become sorted compact JSON)."""
    if isinstance(id_, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{json.dumps(id_[k])}" for k in sorted(id_)) + "}"
    return str(id_)


def label_id_for(id_: Any) -> str:
    """A plain DOM id for the visible label of control ``id_``."""
    return re.sub(r"[^A-Za-z0-9_]+", "-", dom_id(id_)).strip("-") + "-label"


def slider(h: Hyperparam, id_: Any, value: float, label: str | None = None, readout_id: Any = None) -> html.Div:
    """A slider with a visible label, a live read-out and an accessible name.

    The thumb gets ``aria-labelledby`` (and ``aria-valuetext`` in value units) from
    assets/a11y.js, which reads the ``data-*`` attributes of the wrapper.
    """
    lo, hi = slider_range(h)
    label_id = label_id_for(id_)
    if readout_id is None and isinstance(id_, dict):
        readout_id = {**id_, "type": id_["type"] + "-readout"}
    position = min(max(to_slider(h, value), lo), hi)
    readout = html.Output(children=show(h, value), **({"id": readout_id} if readout_id else {}))
    return html.Div(className="control", children=[
        html.Label([label or _label_text(h), " = ", readout], id=label_id, title=h.doc),
        html.Div(dcc.Slider(id=id_, min=lo, max=hi, step=0.01 if h.scale != "linear" else (hi - lo) / 1000,
                            value=position, marks=_marks(h, lo, hi), updatemode="drag",
                            allow_direct_input=False),
                 className="slider-wrap", **{"data-label-id": label_id, "data-scale": h.scale}),
    ])


def control(h: Hyperparam, id_: Any, value: Any) -> html.Div | None:
    """The control for one parameter, or ``None`` if it is not editable in the UI."""
    label_id = label_id_for(id_)
    label = html.Label(_label_text(h), id=label_id, title=h.doc, htmlFor=dom_id(id_))
    if h.kind == "float" and h.ui is not None and not h.optional:
        return slider(h, id_, value)
    if h.kind == "bool":
        return html.Div(className="control toggle", children=dcc.Checklist(
            id=id_, options=[{"label": _label_text(h), "value": "on"}], value=["on"] if value else [],
            inputClassName="switch"))
    if h.kind == "choice":
        return html.Div(className="control", children=[
            html.Label(_label_text(h), id=label_id, title=h.doc),
            dcc.Dropdown(id=id_, options=[{"label": c, "value": c} for c in h.choices], value=value,
                         clearable=False, searchable=False)])
    if h.kind in ("int", "float"):
        lo, hi = h.ui if h.ui else (None, None)
        box = dcc.Input(id=id_, type="number", value=value, min=lo, max=hi,
                        step=1 if h.kind == "int" else "any", debounce=True,
                        placeholder="auto" if h.optional or value is None else None)
        return html.Div(className="control typed", children=[label, box])
    if h.kind in ("formula", "ints"):
        text = value if isinstance(value, str) else ", ".join(str(v) for v in (value or ()))
        return html.Div(className="control typed", children=[
            label, dcc.Input(id=id_, type="text", value=text, debounce=True, maxLength=300)])
    return None


def parse(h: Hyperparam, raw: Any) -> Any:
    """The parameter value a control's raw value stands for; ``ValueError`` if it is unusable.

    Range checks are left to the registry (which names the argument).
    """
    if h.kind == "bool":
        if not isinstance(raw, list):
            raise ValueError(f"Invalid {h.name}: expected a switch state")
        return "on" in raw
    if h.kind == "choice":
        if raw not in h.choices:
            raise ValueError(f"Invalid {h.name}: {str(raw)[:40]!r}")
        return raw
    if h.kind == "formula":
        if not isinstance(raw, str):
            raise ValueError(f"Invalid {h.name}: expected a formula")
        return raw
    if h.kind == "ints":
        if not isinstance(raw, str) or len(raw) > 300:
            raise ValueError(f"Invalid {h.name}: expected numbers separated by commas")
        try:
            return tuple(int(part) for part in raw.replace(";", ",").split(",") if part.strip())
        except ValueError:
            raise ValueError(f"Invalid {h.name}: expected whole numbers separated by commas") from None
    if raw is None and (h.optional or h.default is None):
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or finite(raw) is None:
        raise ValueError(f"Invalid {h.name}: expected a number")
    if h.kind == "int":
        if abs(raw) > 1e9 or raw != int(raw):
            raise ValueError(f"Invalid {h.name}: expected a whole number")
        return int(raw)
    if h.ui is not None and not h.optional:
        lo, hi = slider_range(h)
        return from_slider(h, min(max(float(raw), lo), hi))
    return float(raw)
