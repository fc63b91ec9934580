"""Fixtures for the hardening tests: Flask's test client on the real app, and what it publishes.

Background callbacks (``background=True``, e.g. the sweep) run inline here: the app's
background manager gets a ``call_job_fn`` that runs the job in the request's process
and stores its result as usual, so `call` can fetch it with the next (polling)
request, exactly as the renderer does, without spawning a process per request.
The fixtures are module-scoped so that the patch is undone before another test file
(the browser tests' real background sweeps, say) runs in the same process.
"""
import json

import plotly.utils
import pytest

from scripts.dash_requests import layout_props, server_callbacks

UPDATE = "/_dash-update-component"


def _reject_constant(name):
    raise AssertionError(f"{name} in a response (not JSON)")


def strict_json(text: str):
    """Parse a response body; NaN / Infinity fail the test."""
    return json.loads(text, parse_constant=_reject_constant)


FAKE_JOB = 2 ** 31 - 1   # the "pid" of an inline job: no process has it, and the stubs below never signal it


def run_background_inline(app, mp: pytest.MonkeyPatch) -> None:
    """Make every background-callback manager of ``app`` run jobs synchronously, in-process."""
    managers = [getattr(app, "_background_manager", None), *(cb.get("manager") for cb in app.callback_map.values())]
    for manager in {id(m): m for m in managers if m is not None}.values():
        def call_job_fn(key, job_fn, args, context, manager=manager):
            job_fn(key, manager._make_progress_key(key), args, context)
            return FAKE_JOB

        mp.setattr(manager, "call_job_fn", call_job_fn)
        mp.setattr(manager, "job_running", lambda job: False)
        mp.setattr(manager, "terminate_job", lambda job: None)


@pytest.fixture(scope="module")
def client():
    from app import app

    c = app.server.test_client()
    assert c.get("/").status_code == 200   # Dash finishes its setup on the first request
    with pytest.MonkeyPatch.context() as mp:
        run_background_inline(app, mp)
        yield c


@pytest.fixture(scope="module")
def dependencies(client):
    resp = client.get("/_dash-dependencies")
    assert resp.status_code == 200
    return resp.get_json()


def page_index(layout: dict) -> dict:
    """`layout_props` of the page as served, plus the components of views it mounts later (the
    landscape's body, once opened: `viz.layout.validation` holds them), so that their callbacks
    are called with the values a user would have on the page."""
    from viz.layout import validation

    later = layout_props(json.loads(json.dumps(validation(), cls=plotly.utils.PlotlyJSONEncoder)))
    return later | layout_props(layout)


@pytest.fixture(scope="module")
def layout_index(client):
    resp = client.get("/_dash-layout")
    assert resp.status_code == 200
    return page_index(resp.get_json())


@pytest.fixture(scope="module")
def callbacks(dependencies):
    found = server_callbacks(dependencies)
    assert found, "no server-side callbacks published"
    return found


def post(client, data: bytes, **kwargs):
    return client.post(UPDATE, data=data, content_type="application/json", **kwargs)


def call(client, dep: dict, data: bytes):
    """POST a callback request; for a background callback, also the renderer's poll for its result."""
    resp = post(client, data)
    if not dep.get("background") or resp.status_code != 200:
        return resp
    handles = json.loads(resp.get_data(as_text=True))
    if "cacheKey" not in handles:
        return resp
    # Inline jobs are finished by now: one poll (as the renderer's, every `interval` ms) gets the result.
    return post(client, data, query_string={"cacheKey": handles["cacheKey"], "job": handles["job"]})
