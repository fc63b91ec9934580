"""Unknown ``/_dash-component-suites/...`` paths are a short JSON 404, with nothing logged.

Dash raises `DependencyException` for a package or file it does not serve; that used
to reach the catch-all handler: an HTTP 500 and a 2.5 KB traceback in the log per request.
"""
import logging
import re

import pytest

from tests.hardening.test_server import assert_json_error

UNKNOWN = [
    "/_dash-component-suites/nope/x.js",
    "/_dash-component-suites/dash/nope.js",
    "/_dash-component-suites/dash/dcc/nope.v1_2_3m4.js",
    "/_dash-component-suites/dash/deps/react@0.0.0.min.js",
    "/_dash-component-suites/plotly/package_data/nope.min.js",
    "/_dash-component-suites/dash/..%2f..%2fsetup.py",
    "/_dash-component-suites/os/path.py",
    "/_dash-component-suites/" + "a" * 2000 + "/b.js",
]


@pytest.mark.parametrize("path", UNKNOWN)
def test_unknown_component_suite_is_a_short_404_without_a_logged_traceback(client, caplog, path):
    with caplog.at_level(logging.DEBUG):
        resp = client.get(path)
        body = assert_json_error(resp, 404)
    assert body["error"] == 404 and body["message"]
    assert "registered" not in body["message"]            # Dash's text lists every registered path
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert not logged, [r.getMessage()[:200] for r in logged]
    assert "Traceback" not in caplog.text


def test_known_component_suites_are_still_served(client):
    html = client.get("/").get_data(as_text=True)
    suites = re.findall(r'src="(/_dash-component-suites/[^"]+)"', html)
    assert suites
    for url in suites:
        resp = client.get(url)
        assert resp.status_code == 200 and "javascript" in resp.mimetype, url
