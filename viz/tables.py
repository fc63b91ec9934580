"""The results table: one row per run (a pure builder, data in, component out)."""
from __future__ import annotations

from dash import html

from .palette import run_style

COLUMNS = ("optimizer", "final loss", "distance to minimum", "steps to tolerance", "diverged at")


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def results_table(rows: list[dict], tolerance: float) -> html.Table:
    head = html.Thead(html.Tr([html.Th(c if c != "steps to tolerance" else f"steps to f − f* ≤ {tolerance:g}",
                                       scope="col") for c in COLUMNS]))
    body = []
    for i, row in enumerate(rows):
        color, _ = run_style(i)
        name = [html.Span(className="swatch", style={"background": color}), row["optimizer"]]
        if row.get("note"):     # e.g. the momentum a schedule cycles in place of the optimizer's own
            name += [html.Br(), html.Small(row["note"], className="muted run-note")]
        cells = [html.Th(name, scope="row")]
        cells += [html.Td(_cell(row[c]), className="diverged" if c == "diverged at" and row[c] is not None else None)
                  for c in COLUMNS[1:]]
        body.append(html.Tr(cells))
    return html.Table([html.Caption("Results"), head, html.Tbody(body)], className="results")
