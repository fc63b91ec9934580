"""Component ids, in one place so layout, callbacks and tests agree.

Controls generated from metadata use dict ids (Dash pattern matching):
``{"type": HP, "run": run_id, "name": parameter, "scale": slider scale}``.
"""

# Surface
SURFACE = "surface-picker"
SURFACE_PARAMS = "surface-params"
SURFACE_PARAM = "surface-param"          # dict id type, one per surface parameter
CUSTOM_BOX = "custom-box"
FORMULA = "formula-input"
FORMULA_ERROR = "formula-error"
BOUNDS = ("xmin-input", "xmax-input", "ymin-input", "ymax-input")
START_X, START_Y = "start-x", "start-y"
STEPS = "steps-input"
SIGMA = "noise-sigma"
BATCH = "batch-input"
BATCH_BOX = "batch-box"
SEED = "seed-input"
TOLERANCE = "tolerance-input"
VIEW_3D = "view-3d"

# Optimizers
OPTIMIZERS = "optimizer-picker"
RUNS = "runs-store"
CARDS = "optimizer-cards"
HP = "hp"                                # dict id type: a hyperparameter slider of a run
HPV = "hpv"                              # dict id type: any other hyperparameter control (typed lr, switches)
LR_SLIDER = "lr-slider"                  # dict id type: the log slider beside a run's typed lr
DUPLICATE, REMOVE, RESET = "duplicate", "remove", "reset"

# Schedules
SCHEDULES = "schedules-store"
SCHEDULE_TARGET = "schedule-target"
SCHEDULE = "schedule-picker"
SCHEDULE_PARAMS = "schedule-params"
SP = "sp"                                # dict id type: a schedule parameter slider
SPV = "spv"                              # dict id type: any other schedule parameter control

# Views
CONTOUR = "contour-graph"
CONTOUR_DRAWN = "contour-drawn"          # store: which surface the contour shows, and how many run slots it fills
SURFACE_3D = "surface3d-graph"
LOSS = "loss-graph"
LR_GRAPH = "lr-graph"
RESULTS = "results-table"
STATUS = "status"

# Page views: the trajectory view and the hyperparameter-landscape view (viz/sweep/)
VIEW = "view-store"                      # "trajectories" or "landscape"
VIEW_TRAJECTORIES, VIEW_LANDSCAPE = "view-trajectories", "view-landscape"   # the header's toggle buttons
TRAJECTORY_VIEW, LANDSCAPE_VIEW = "trajectory-view", "landscape-view"

# Playback
PLAY = "play-button"
STEP_BACK, STEP_FORWARD = "step-back", "step-forward"
SCRUB = "scrub-slider"
SPEED = "speed-picker"
FRAME_LABEL = "frame-label"


def readout(id_: dict) -> dict:
    """The id of the live value read-out that belongs to slider ``id_``."""
    return {**id_, "type": id_["type"] + "-readout"}

# Teaching aids (viz/teaching.py, viz/callbacks/teaching.py)
URL = "url"                              # dcc.Location: the configuration lives in its query
URL_STATE = "url-state"                  # store: {"search": the query of the current configuration}
SETTLED = "url-state-settled"            # store: url-state once it has stayed put for a moment (see assets/urlstate.js)
PENDING = "pending-scene"                # store: start/parameters to set once a new surface's controls exist
PRESET = "preset"                        # dict id type: one button per lecture preset
PRESET_KEY = "preset-key"                # store: the preset whose caption is shown
CAPTION = "preset-caption"
CAPTION_CLOSE = "preset-caption-close"
LINK_NOTICE = "link-notice"
EQUATIONS = "equations"
EXPORT_CSV, EXPORT_JSON, EXPORT_TORCH, EXPORT_GIF = "export-csv", "export-json", "export-torch", "export-gif"
DOWNLOAD = "download"
EXPORT_NOTICE = "export-notice"           # why an export or the PyTorch check did nothing
TORCH_CHECK = "torch-check"
TORCH_CHECK_REQUEST = "torch-check-request"   # store: set (clientside) when the overlay needs a refresh
PRESENTER = "presenter-mode"
INSPECTOR = "step-inspector"
INSPECTOR_REQUEST = "step-inspector-request"   # store: set (clientside) when the inspector needs a refresh
THEORY = "theory-box"
