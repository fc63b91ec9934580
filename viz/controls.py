"""Labelled controls generated from Hyperparam metadata, and slider ↔ value conversions.

Slider scales: ``linear`` shows the value itself; ``log`` shows log10(value);
``one_minus_log`` shows −log10(1 − value), which is finer near 1 (0.9, 0.99, 0.999 are
evenly spaced), as β₂ needs.
"""
from __future__ import annotations

import math

from dash import dcc, html

from optimizers import Hyperparam


def to_slider(h: Hyperparam, value: float) -> float:
    if h.scale == "log":
        return math.log10(value)
    if h.scale == "one_minus_log":
        return -math.log10(1.0 - value)
    return value


def from_slider(h: Hyperparam, position: float) -> float:
    if h.scale == "log":
        return 10.0 ** position
    if h.scale == "one_minus_log":
        return 1.0 - 10.0 ** (-position)
    return position


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
        return {i: str(from_slider(h, i)) if i else "0" for i in range(math.ceil(lo), math.floor(hi) + 1)}
    return {lo: f"{lo:g}", hi: f"{hi:g}"}


def labelled_slider(h: Hyperparam, slider_id: str, value: float, label: str | None = None) -> html.Div:
    """A slider with a visible label, a live value read-out and an accessible name.

    The thumb gets ``aria-labelledby`` (and ``aria-valuetext`` in value units) from
    assets/a11y.js, which reads the ``data-*`` attributes of the wrapper.
    """
    lo, hi = (to_slider(h, v) for v in h.ui)
    label_id = f"{slider_id}-label"
    scale_attrs = {"data-label-id": label_id, "data-scale": h.scale}
    return html.Div(className="control", children=[
        html.Label([label or h.label or h.name, " = ", html.Output(id=f"{slider_id}-value", children=show(h, value))],
                   id=label_id, htmlFor=slider_id, title=h.doc),
        html.Div(dcc.Slider(id=slider_id, min=lo, max=hi, step=0.01 if h.scale != "linear" else 0.001,
                            value=to_slider(h, value), marks=_marks(h, lo, hi), updatemode="drag",
                            allow_direct_input=False),
                 className="slider-wrap", **scale_attrs),
    ])
