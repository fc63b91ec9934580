"""HTTP hardening of the Dash server: body limit, request shape checks, clean errors, security headers.

Dash trusts what a client posts to ``/_dash-update-component``: a malformed body or
one that names unknown ids ends in an HTML 500, and Flask accepts a body of any
size. `harden(app)` (called once, right after the app is created) adds:

- a 256 KB request body limit (413), for chunked bodies too;
- a check of every callback request before Dash sees it (400 with a short reason):
  strict JSON (no NaN/Infinity, no number beyond float range, bounded nesting), the
  shape Dash's renderer sends (``output``, ``outputs``, ``inputs``, ``state``,
  ``changedPropIds``), and ids/properties that match the callback's definition;
- short JSON bodies for every HTTP error and for any exception a callback raises
  (logged on the server; never a traceback or an HTML page to the client); an unknown
  ``/_dash-component-suites/`` path is a 404, not logged;
- security headers that leave Dash and Plotly working (no ``script-src``: Dash's
  page carries inline JSON config and Plotly builds styles at run time).

Nothing here keeps state between requests.
"""
from __future__ import annotations

import json
import math
import sys
from typing import Any

import dash
from dash.exceptions import DependencyException
from flask import Response, request
from werkzeug.exceptions import BadRequest, HTTPException, NotFound, RequestEntityTooLarge

MAX_BODY = 256 * 1024          # bytes; the largest real callback body is a few KB
MAX_DEPTH = 100                # nesting of arrays/objects in a callback body
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-ancestors 'self'",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
WILDCARDS = ("ALL", "ALLSMALLER", "MATCH")
_FLOAT_MAX = sys.float_info.max


class BadCallbackRequest(ValueError):
    """A callback request that does not have the shape Dash's renderer sends."""


def harden(app: dash.Dash) -> None:
    """Install the body limit, request checks, error handlers and headers on ``app.server``."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    update_path = app.config.routes_pathname_prefix + "_dash-update-component"

    @server.before_request
    def _check_callback_request():
        # Registered after Dash's own first-request setup, so `app.callback_map` is filled.
        if request.path != update_path or request.method != "POST":
            return None
        if not request.is_json:
            return error_response(415, "expected a JSON body (Content-Type: application/json)")
        if request.content_length is None:
            _check_unsized_body()
        try:
            # Flask caches the parsed body: Dash's dispatch reads this same object.
            body = request.get_json()
            check_callback_body(body, app.callback_map)
        except BadRequest:
            return error_response(400, "invalid JSON body")
        except RecursionError:
            return error_response(400, "JSON nested too deeply")
        except BadCallbackRequest as err:
            return error_response(400, str(err))
        return None

    @server.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @server.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        # Registered for HTTPException itself, so it also wins over the Exception handler that
        # Dash's debug mode installs. Redirects and other non-errors pass through.
        if err.code is None or err.code < 400:
            return err
        message = f"request body larger than {MAX_BODY // 1024} KB" if err.code == 413 else err.description
        response = error_response(err.code, message)
        for name, value in err.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value   # e.g. Allow on a 405
        return response

    @server.errorhandler(DependencyException)
    def _unknown_component_suite(err: DependencyException):
        # Dash raises this for a /_dash-component-suites/ package or file it does not serve (its
        # message lists every registered path): a client's mistake, not worth a traceback in the log.
        return error_response(404, NotFound.description)

    @server.errorhandler(Exception)
    def _internal_error(err: Exception):
        # More specific handlers win: Dash's PreventUpdate (204), unknown component suites (404, above).
        # `python app.py --debug` replaces this one with Dash's traceback page, for developers.
        server.logger.error("Exception on %s [%s]", request.path, request.method, exc_info=err)
        return error_response(500, "internal error (logged on the server)")


def _check_unsized_body() -> None:
    """413 for a chunked body over the limit.

    Werkzeug stops reading such a body at ``MAX_CONTENT_LENGTH`` and hands on the
    truncated bytes; one more byte from the server's stream tells whether there was more.
    """
    data = request.get_data(cache=True)   # cached: get_json() parses these same bytes
    if len(data) >= MAX_BODY and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()


def error_response(status: int, message: str) -> Response:
    """A short JSON error: ``{"error": status, "message": ...}``."""
    body = json.dumps({"error": status, "message": str(message)[:200]})
    return Response(body, status=status, mimetype="application/json")


# --- Shape of a callback request ------------------------------------------------------------------

def check_callback_body(body: Any, callback_map: dict) -> None:
    """Raise `BadCallbackRequest` unless ``body`` is a request for a registered callback.

    Checks what Dash itself assumes: the types of every field, that ``inputs`` and
    ``state`` follow the callback's definition item by item (ids, properties, one
    value per component or a list for ``ALL`` patterns), that ``outputs`` name the
    callback's outputs, and that ``changedPropIds`` are among the sent inputs.
    """
    if not isinstance(body, dict):
        raise BadCallbackRequest("expected a JSON object")
    _check_numbers(body)
    output = body.get("output")
    if not isinstance(output, str):
        raise BadCallbackRequest("'output' must be a string")
    callback = callback_map.get(output)
    if callback is None:
        raise BadCallbackRequest("unknown callback output")
    seen: list = []
    sent_inputs = _items(body, "inputs", callback.get("inputs", []), seen)
    _items(body, "state", callback.get("state", []), seen)
    _check_outputs(body, output, callback, seen)
    _check_changed(body, sent_inputs)
    _check_match(seen)
    _check_all(seen)


def _check_numbers(body: Any) -> None:
    """No NaN/Infinity (not JSON; a browser sends null), no integer beyond float range, bounded depth."""
    stack = [(body, 0)]
    while stack:
        container, depth = stack.pop()
        if depth >= MAX_DEPTH:
            raise BadCallbackRequest("JSON nested too deeply")
        for value in container.values() if isinstance(container, dict) else container:
            if isinstance(value, (dict, list)):
                stack.append((value, depth + 1))
            elif isinstance(value, float):
                if not math.isfinite(value):
                    raise BadCallbackRequest("NaN and Infinity are not JSON numbers")
            elif isinstance(value, int) and abs(value) > _FLOAT_MAX:
                raise BadCallbackRequest("number out of range")


def _parse_id(id_str: str) -> Any:
    """A dependency id as registered: a string, or a dict with wildcards as ``["ALL"]`` etc."""
    return json.loads(id_str) if id_str.startswith("{") else id_str


def _is_wildcard(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 1 and value[0] in WILDCARDS


def _multi_valued(pattern: Any) -> bool:
    """Dash sends a list of components for ALL / ALLSMALLER patterns, one component otherwise."""
    return isinstance(pattern, dict) and any(_is_wildcard(v) and v[0] != "MATCH" for v in pattern.values())


def _id_matches(pattern: Any, id_: Any) -> bool:
    if isinstance(pattern, str):
        return id_ == pattern
    if not isinstance(id_, dict) or set(id_) != set(pattern):
        return False
    for key, want in pattern.items():
        got = id_[key]
        if _is_wildcard(want):
            if not isinstance(got, (str, int, float, bool)):
                return False
        elif got != want or type(got) is not type(want):
            return False
    return True


def _clean_property(prop: str) -> str:
    return prop.split("@", 1)[0]   # allow_duplicate outputs carry "@<hash>"


def _component(item: Any, pattern: Any, prop: str, where: str) -> dict:
    if not isinstance(item, dict):
        raise BadCallbackRequest(f"{where}: expected an object")
    if not isinstance(item.get("property"), str) or _clean_property(item["property"]) != _clean_property(prop):
        raise BadCallbackRequest(f"{where}: unexpected property")
    if not _id_matches(pattern, item.get("id")):
        raise BadCallbackRequest(f"{where}: unexpected id")
    return item


def _dependency(item: Any, dep: dict, where: str) -> list[dict]:
    """The components sent for one dependency, checked against its definition."""
    pattern = _parse_id(dep["id"])
    if _multi_valued(pattern):
        if not isinstance(item, list):
            raise BadCallbackRequest(f"{where}: expected a list")
        return [_component(sub, pattern, dep["property"], where) for sub in item]
    return [_component(item, pattern, dep["property"], where)]


def _items(body: dict, key: str, definition: list, seen: list) -> list[dict]:
    sent = body.get(key, [])
    if not isinstance(sent, list) or len(sent) != len(definition):
        raise BadCallbackRequest(f"'{key}' does not match the callback")
    out = []
    for i, (item, dep) in enumerate(zip(sent, definition)):
        components = _dependency(item, dep, f"{key}[{i}]")
        seen.append((_parse_id(dep["id"]), components))
        out += components
    return out


def _output_deps(output: str) -> list[dict]:
    """``{id, property}`` of each output named by a callback key (as Dash's renderer splits it)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    deps = []
    for part in parts:
        id_str, _, prop = part.rpartition(".")
        deps.append({"id": id_str, "property": prop})
    return deps


def _check_outputs(body: dict, output: str, callback: dict, seen: list) -> None:
    sent = body.get("outputs")
    if callback.get("no_output"):
        if sent not in (None, []):
            raise BadCallbackRequest("'outputs' does not match the callback")
        return
    deps = _output_deps(output)
    multi = output.startswith("..")
    if multi and (not isinstance(sent, list) or len(sent) != len(deps)):
        raise BadCallbackRequest("'outputs' does not match the callback")
    for i, (item, dep) in enumerate(zip(sent if multi else [sent], deps)):
        seen.append((_parse_id(dep["id"]), _dependency(item, dep, f"outputs[{i}]")))


def stringify_id(id_: Any) -> str:
    """The string Dash makes of a component id (dict ids: sorted compact JSON), as in ``changedPropIds``."""
    if isinstance(id_, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{json.dumps(id_[k])}" for k in sorted(id_)) + "}"
    return id_


def _check_changed(body: dict, inputs: list[dict]) -> None:
    changed = body.get("changedPropIds", [])
    known = {f"{stringify_id(c['id'])}.{c['property']}" for c in inputs}
    if not isinstance(changed, list) or not all(isinstance(c, str) and c in known for c in changed):
        raise BadCallbackRequest("'changedPropIds' must name inputs of the request")


def _check_all(seen: list) -> None:
    """Every dependency on the same ALL pattern names the same components, as the renderer sends them.

    Callbacks (and Dash's own check of the returned values) pair an ALL input or state
    with the ALL output of the same pattern item by item; a request that lists other
    components under each would end in an exception.
    """
    resolved: dict[str, list[str]] = {}
    for pattern, components in seen:
        if not isinstance(pattern, dict) or not _multi_valued(pattern) or \
                any(_is_wildcard(v) and v[0] != "ALL" for v in pattern.values()):
            continue
        key = json.dumps(pattern, sort_keys=True)
        ids = [stringify_id(c["id"]) for c in components]
        if resolved.setdefault(key, ids) != ids:
            raise BadCallbackRequest("ALL ids disagree")


def _check_match(seen: list) -> None:
    """Components sent for MATCH patterns agree on the matched keys (as Dash's renderer guarantees)."""
    matched: dict[str, set] = {}
    for pattern, components in seen:
        if not isinstance(pattern, dict):
            continue
        for key, want in pattern.items():
            if _is_wildcard(want) and want[0] == "MATCH":
                matched.setdefault(key, set()).update(json.dumps(c["id"][key]) for c in components)
    if any(len(values) > 1 for values in matched.values()):
        raise BadCallbackRequest("MATCH ids disagree")
