"""viz.server through Flask's test client: body limit, request shape checks, clean errors, headers."""
import io
import json
import re

import pytest

from scripts.dash_requests import RequestBuilder, encode, multi_valued, parse_id
from tests.hardening.conftest import UPDATE, post, strict_json
from viz.server import MAX_BODY, SECURITY_HEADERS, BadCallbackRequest, check_callback_body

MB = 1 << 20


@pytest.fixture(scope="module")
def toggle(callbacks, layout_index):
    """Builder of the smallest plain server callback (fewest dependencies): a cheap valid request."""
    plain = [d for d in callbacks if not d.get("background")]
    smallest = min(plain, key=lambda d: len(d["inputs"]) + len(d.get("state", [])))
    return RequestBuilder(smallest, layout_index)


@pytest.fixture(scope="module")
def scene(callbacks, layout_index):
    """Builder of a callback with an ALL input that has components in the layout (the scene's sliders)."""
    for dep in callbacks:
        builder = RequestBuilder(dep, layout_index)
        if not dep.get("background") and any(
                multi_valued(parse_id(d["id"])) and builder.default(i) for i, d in enumerate(builder.deps[:builder.n_inputs])):
            return builder
    pytest.fail("no server callback has a pattern-matching input with components in the layout")


def assert_json_error(resp, status):
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == "application/json"
    text = resp.get_data(as_text=True)
    assert len(text) < 400 and "Traceback" not in text and "<html" not in text.lower()
    return strict_json(text)


def test_valid_request_answers(client, toggle):
    resp = post(client, encode(toggle.body()))
    assert resp.status_code == 200
    assert "response" in strict_json(resp.get_data(as_text=True))


def test_one_megabyte_body_gets_413(client):
    body = assert_json_error(post(client, b"{" + b" " * MB + b"}"), 413)
    assert "256 KB" in body["message"]


def test_one_megabyte_chunked_body_gets_413(client, toggle):
    """No Content-Length: the server (gunicorn, werkzeug) marks the stream terminated instead."""
    def chunked(data: bytes):
        return client.post(UPDATE, input_stream=io.BytesIO(data), content_type="application/json",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})

    assert_json_error(chunked(b" " * MB + encode(toggle.body())), 413)
    assert_json_error(chunked(b" " * MAX_BODY + b"{}"), 413)
    assert chunked(encode(toggle.body())).status_code == 200


def test_body_under_the_limit_is_served(client, toggle):
    data = encode(toggle.body())
    padded = data[:-1] + b" " * (MAX_BODY - len(data) - 1) + b"}"
    assert len(padded) == MAX_BODY - 1
    assert post(client, padded).status_code == 200


def _mutations(toggle, scene):
    """(name, body bytes) of requests Dash would answer with a 500 or worse, had nothing checked them."""
    good = toggle.body()
    pattern = scene.body()
    yield "not JSON", b"{'output': 1"
    yield "a JSON array", b"[1, 2]"
    yield "an empty object", b"{}"
    yield "NaN token", encode({**good, "inputs": [{**good["inputs"][0], "value": float("nan")}]})
    yield "huge integer", encode({**good, "inputs": [{**good["inputs"][0], "value": 10 ** 400}]})
    yield "deep nesting", b'{"output": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    yield "unknown output", encode({**good, "output": "nope.value"})
    yield "output not a string", encode({**good, "output": ["x"]})
    yield "outputs missing", encode({k: v for k, v in good.items() if k != "outputs"})
    yield "outputs for another component", encode({**good, "outputs": [{"id": "status", "property": "children"}] * 2})
    yield "inputs missing", encode({k: v for k, v in good.items() if k != "inputs"})
    yield "inputs not a list", encode({**good, "inputs": "x"})
    yield "an extra input", encode({**good, "inputs": good["inputs"] * 2})
    yield "input of another component", encode({**good, "inputs": [{**good["inputs"][0], "id": "steps-input"}]})
    yield "input with another property", encode({**good, "inputs": [{**good["inputs"][0], "property": "style"}]})
    yield "input not an object", encode({**good, "inputs": [5]})
    yield "state not a list", encode({**good, "state": {"a": 1}})
    yield "changedPropIds not a list", encode({**good, "changedPropIds": "view-3d.value"})
    yield "changedPropIds unknown", encode({**good, "changedPropIds": ["{junk.value"]})
    i = next(i for i, item in enumerate(pattern["inputs"]) if isinstance(item, list) and item)
    yield "pattern input not a list", encode({**pattern, "inputs": [*pattern["inputs"][:i], pattern["inputs"][i][0],
                                                                     *pattern["inputs"][i + 1:]]})
    bad_id = {**pattern["inputs"][i][0], "id": {"type": "evil"}}
    yield "pattern id of another type", encode({**pattern, "inputs": [
        *pattern["inputs"][:i], [bad_id], *pattern["inputs"][i + 1:]]})
    unhashable = {**pattern["inputs"][i][0], "id": {**pattern["inputs"][i][0]["id"], "run": ["x"]}}
    yield "wildcard value not a scalar", encode({**pattern, "inputs": [
        *pattern["inputs"][:i], [unhashable], *pattern["inputs"][i + 1:]]})


def test_malformed_requests_get_400_with_a_short_message(client, toggle, scene):
    for name, data in _mutations(toggle, scene):
        body = assert_json_error(post(client, data), 400)
        assert body["message"], name


def test_wrong_content_type_gets_415(client, toggle):
    resp = client.post(UPDATE, data=encode(toggle.body()), content_type="text/plain")
    assert_json_error(resp, 415)


def test_get_on_the_callback_route_is_not_a_500(client):
    assert client.get(UPDATE).status_code < 500


def test_match_ids_must_agree():
    callback_map = {"o.children": {"inputs": [{"id": '{"i":["MATCH"],"t":"a"}', "property": "value"}],
                                   "state": [{"id": '{"i":["MATCH"],"t":"b"}', "property": "value"}]}}
    body = {"output": "o.children", "outputs": {"id": "o", "property": "children"},
            "inputs": [{"id": {"i": 1, "t": "a"}, "property": "value", "value": 1}],
            "state": [{"id": {"i": 1, "t": "b"}, "property": "value", "value": 2}], "changedPropIds": []}
    check_callback_body(body, callback_map)
    body["state"][0]["id"]["i"] = 2
    with pytest.raises(BadCallbackRequest, match="MATCH"):
        check_callback_body(body, callback_map)


def test_exception_in_a_callback_is_a_short_json_500(client, toggle, monkeypatch, caplog):
    from app import app

    def boom(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setitem(app.callback_map[toggle.dep["output"]], "callback", boom)
    body = assert_json_error(post(client, encode(toggle.body())), 500)
    assert "secret" not in json.dumps(body)
    assert "secret detail" in caplog.text   # logged on the server


def test_prevent_update_is_still_204(client, toggle, monkeypatch):
    """Dash's PreventUpdate handler is more specific than the catch-all one and keeps answering 204."""
    from dash.exceptions import PreventUpdate

    from app import app

    def prevent(*args, **kwargs):
        raise PreventUpdate

    monkeypatch.setitem(app.callback_map[toggle.dep["output"]], "callback", prevent)
    assert post(client, encode(toggle.body())).status_code == 204


def _assert_headers(resp, where):
    for name, value in SECURITY_HEADERS.items():
        assert resp.headers.get(name) == value, f"{where}: {name}"
    assert "script-src" not in resp.headers["Content-Security-Policy"]   # Dash's inline config must run


def test_security_headers_on_every_kind_of_response(client, toggle):
    page = client.get("/")
    _assert_headers(page, "/")
    for path in ("/_dash-layout", "/_dash-dependencies", "/assets/style.css", "/assets/playback.js",
                 "/no/such/page", "/assets/missing.js"):
        _assert_headers(client.get(path), path)
    _assert_headers(post(client, encode(toggle.body())), "callback 200")
    _assert_headers(post(client, b"[]"), "callback 400")
    _assert_headers(post(client, b" " * MB), "callback 413")
    script = re.search(r'<script src="([^"]+)"', page.get_data(as_text=True)).group(1)
    _assert_headers(client.get(script), script)


def test_nosniff_blocks_nothing_the_page_loads(client):
    """With nosniff a browser refuses a script or stylesheet served under another MIME type."""
    html = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert scripts and styles
    for url in scripts:
        resp = client.get(url)
        assert resp.status_code == 200 and "javascript" in resp.mimetype, (url, resp.mimetype)
    for url in styles:
        resp = client.get(url)
        assert resp.status_code == 200 and resp.mimetype == "text/css", (url, resp.mimetype)


def test_all_ids_must_agree():
    """An ALL pattern names the same components wherever it appears (output, input, state)."""
    pattern = '{"n":["ALL"],"t":"p"}'
    callback_map = {"..o.children...{\"n\":[\"ALL\"],\"t\":\"p\"}.value..": {
        "inputs": [{"id": "i", "property": "value"}], "state": [{"id": pattern, "property": "id"}]}}
    output = next(iter(callback_map))
    comps = [{"id": {"n": "a", "t": "p"}, "property": "id", "value": 1}]
    body = {"output": output, "outputs": [{"id": "o", "property": "children"},
                                          [{"id": {"n": "a", "t": "p"}, "property": "value"}]],
            "inputs": [{"id": "i", "property": "value", "value": 1}], "state": [comps], "changedPropIds": []}
    check_callback_body(body, callback_map)
    body["state"] = [comps + [{"id": {"n": "b", "t": "p"}, "property": "id", "value": 2}]]
    with pytest.raises(BadCallbackRequest, match="ALL"):
        check_callback_body(body, callback_map)
