"""Every callback names components that exist: on the page, or in a view mounted later.

The app runs with ``suppress_callback_exceptions`` (the landscape view's body is mounted
on first open, and Dash would otherwise send a second copy of the whole layout with every
page, for its own check in the browser); this test is that check.
"""
import json

import plotly.utils
from dash._callback import GLOBAL_CALLBACK_LIST
from dash._utils import split_callback_id

import app  # noqa: F401  (registers the callbacks)
from scripts.dash_requests import components
from viz import layout


def _ids(component) -> list:
    """The id of every component, as the page serializes it."""
    tree = json.loads(json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder))
    return [c["props"]["id"] for c in components(tree) if c["props"].get("id") is not None]


def _string_ids(cb: dict) -> set[str]:
    outputs = split_callback_id(cb["output"]) if not cb.get("no_output") else []
    outputs = outputs if isinstance(outputs, list) else [outputs]
    deps = [o["id"] for o in outputs] + [d["id"] for d in cb["inputs"] + cb["state"]]
    running = (cb.get("running") or {}).get("running") or {}
    deps += [key.rsplit(".", 1)[0] for key in running]
    return {d for d in deps if not d.startswith("{")}          # pattern-matching ids may match none


def test_ids_are_unique_across_the_page_and_the_mounted_views():
    ids = [json.dumps(i, sort_keys=True) if isinstance(i, dict) else i for i in _ids(layout.validation())]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_every_callback_names_existing_components():
    known = {i for i in _ids(layout.validation()) if isinstance(i, str)}
    # (Dash moves the registered callbacks to the app once it has served a request.)
    callbacks = GLOBAL_CALLBACK_LIST + app.app._callback_list
    missing = {cb["output"]: sorted(_string_ids(cb) - known) for cb in callbacks if _string_ids(cb) - known}
    assert missing == {}
    assert len(callbacks) > 30


def test_the_page_is_sent_once():
    """No validation copy of the layout in the page's config (it doubled every page load)."""
    page = app.app.server.test_client().get("/")
    assert page.status_code == 200 and b"validation_layout" not in page.data
    assert len(page.data) < 20_000
