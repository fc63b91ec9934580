"""Callbacks: thin wrappers that validate inputs, compute a scene and build figures.

Registered with ``@dash.callback`` (no import of the app), so each stays a plain
function that tests call directly. No module-level state is read or written.
"""
from __future__ import annotations

from dash import ClientsideFunction, Input, Output, Patch, callback, clientside_callback, ctx

from . import figures, ids
from .catalog import slider_meta
from .figures import FIRST_SLOT, HEADS_TRACE
from .scene import compute_settings
from .settings import SHARED, read_inputs


@callback(
    Output(ids.CONTOUR, "figure"), Output(ids.LOSS, "figure"), Output(ids.LR_GRAPH, "figure"),
    Output(ids.STATUS, "children"),
    Input(ids.SURFACE, "value"), Input(ids.OPTIMIZERS, "value"), Input(ids.LR_INPUT, "value"),
    *(Input(ids.hyperparam_slider(name), "value") for name in SHARED),
    Input(ids.STEPS, "value"),
    prevent_initial_call=True,  # the layout already holds the default scene
)
def update_scene(surface_name, entries, lr, momentum, beta1, beta2, steps):
    """Recompute every run; resend the contour only when the surface changes."""
    return scene_response(ctx.triggered_id, surface_name, entries, lr, momentum, beta1, beta2, steps)


def scene_response(trigger, surface_name, entries, lr, momentum, beta1, beta2, steps):
    """The outputs of `update_scene` for the control that triggered it.

    The contour's trajectory slots sit at fixed trace indices, so the `Patch`
    is valid whatever figure the browser holds.
    """
    settings, notices = read_inputs(surface_name, entries, lr, (momentum, beta1, beta2), steps)
    surface, results = compute_settings(settings)
    if trigger == ids.SURFACE:
        contour = figures.contour_figure(surface, results, surface.start)
    else:
        contour = Patch()
        for i, trace in enumerate(figures.slots(results, figures.trajectory_trace)):
            contour["data"][FIRST_SLOT + i] = trace
        contour["data"][HEADS_TRACE] = figures.heads_trace(results)
    return (contour, figures.loss_figure(surface, results), figures.lr_figure(results),
            figures.status_text(results, notices))


# Slider ↔ typed value for the learning rate, in the browser (no server round trip).
clientside_callback(
    ClientsideFunction(namespace="viz", function_name="syncLogSlider"),
    Output(ids.LR_SLIDER, "value"), Output(ids.LR_INPUT, "value"),
    Input(ids.LR_SLIDER, "value"), Input(ids.LR_INPUT, "value"),
    prevent_initial_call=True,
)

_SCALE_FUNCTIONS = {"log": "showLog", "one_minus_log": "showOneMinusLog", "linear": "showLinear"}
for _slider, _scale in ((ids.LR_SLIDER, "log"),
                        *((ids.hyperparam_slider(n), slider_meta()[n].scale) for n in SHARED)):
    clientside_callback(
        ClientsideFunction(namespace="viz", function_name=_SCALE_FUNCTIONS[_scale]),
        Output(f"{_slider}-value", "children"), Input(_slider, "value"),
        prevent_initial_call=True,
    )
