"""Component ids, in one place so layout, callbacks and tests agree."""

SURFACE = "surface-picker"
OPTIMIZERS = "optimizer-picker"
LR_SLIDER = "lr-slider"
LR_INPUT = "lr-input"
STEPS = "steps-input"
CONTOUR = "contour-graph"
LOSS = "loss-graph"
LR_GRAPH = "lr-graph"
STATUS = "status"


def hyperparam_slider(name: str) -> str:
    """Id of the slider for a shared hyperparameter (``momentum``, ``beta1``, ...)."""
    return f"{name}-slider"
