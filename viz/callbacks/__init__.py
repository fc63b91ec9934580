"""Callbacks, one module per concern; importing this package registers them all.

Each registers with ``@dash.callback`` (no import of the app) and stays a plain
function that tests call directly. None reads or writes module-level state.
"""
from . import cards, playback, schedule, scene, surface  # noqa: F401
from ..sweep import callbacks as sweep  # noqa: F401,E402  (the landscape view, viz/sweep/)
from . import teaching  # noqa: F401,E402  (presets, shareable links, equations, exports)
