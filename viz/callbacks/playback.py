"""Playback runs in the browser (assets/playback.js): these only wire its clientside callbacks."""
from dash import ClientsideFunction, Input, Output, State, clientside_callback, MATCH

from .. import ids

clientside_callback(
    ClientsideFunction(namespace="viz", function_name="togglePlay"),
    Output(ids.PLAY, "children"), Input(ids.PLAY, "n_clicks"), State(ids.SPEED, "value"),
    prevent_initial_call=True,
)

clientside_callback(
    ClientsideFunction(namespace="viz", function_name="stepFrame"),
    Output(ids.SCRUB, "value", allow_duplicate=True),
    Input(ids.STEP_BACK, "n_clicks"), Input(ids.STEP_FORWARD, "n_clicks"),
    State(ids.SCRUB, "value"), State(ids.SCRUB, "max"),
    prevent_initial_call=True,
)

clientside_callback(
    ClientsideFunction(namespace="viz", function_name="showFrame"),
    Output(ids.FRAME_LABEL, "children"), Input(ids.SCRUB, "value"), Input(ids.CONTOUR, "figure"),
    prevent_initial_call=True,
)

clientside_callback(
    ClientsideFunction(namespace="viz", function_name="setSpeed"),
    Output(ids.SPEED, "className"), Input(ids.SPEED, "value"),
)

# Slider read-outs and the lr slider ↔ typed value, all in the browser.
for kind in (ids.LR_SLIDER, ids.HP, ids.SP, ids.SURFACE_PARAM, "noise"):
    pattern = {"type": kind, "name": MATCH, "scale": MATCH}
    if kind in (ids.LR_SLIDER, ids.HP):
        pattern["run"] = MATCH
    clientside_callback(
        ClientsideFunction(namespace="viz", function_name="showValue"),
        Output(ids.readout(pattern), "children"), Input(pattern, "value"),
        prevent_initial_call=True,
    )

clientside_callback(
    ClientsideFunction(namespace="viz", function_name="syncLogSlider"),
    Output({"type": ids.LR_SLIDER, "run": MATCH, "name": "lr", "scale": "log"}, "value"),
    Output({"type": ids.HPV, "run": MATCH, "name": "lr", "scale": ""}, "value"),
    Input({"type": ids.LR_SLIDER, "run": MATCH, "name": "lr", "scale": "log"}, "value"),
    Input({"type": ids.HPV, "run": MATCH, "name": "lr", "scale": ""}, "value"),
    prevent_initial_call=True,
)
