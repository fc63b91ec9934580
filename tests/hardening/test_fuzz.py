"""Hostile values for every input and state of every server callback, posted over HTTP.

The callbacks come from ``/_dash-dependencies`` (clientside ones skipped), so callbacks
added later are fuzzed too; the other inputs keep their values from ``/_dash-layout``.
Each response must be a 200 with strict JSON (no NaN/Infinity) or a 204 (no update); a
body that is not JSON (NaN, Infinity, numbers beyond float range) is refused with 400
before Dash sees it — and, with that check switched off, the callbacks must cope too.
"""
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import viz.server
from scripts.dash_requests import RequestBuilder, encode
from tests.hardening.conftest import call, strict_json
from tests.hardening.corpus import HOSTILE, NOT_JSON, hostile_body

# Known gaps: (callback, dependency, value name) cases that still fail. A listed case that stops
# failing fails the test, so that this list stays true. Empty: every case passes.
KNOWN_GAPS: set[tuple[str, str, str]] = set()


def _published():
    from app import app

    client = app.server.test_client()
    client.get("/")
    deps = client.get("/_dash-dependencies").get_json()
    return [d for d in deps if not d.get("clientside_function")]


CALLBACKS = _published()


def check(resp, where: str, refused: bool = False):
    """200 with strict JSON, or 204; 400 with a JSON message when ``refused``."""
    text = resp.get_data(as_text=True)
    assert resp.status_code != 500, f"{where}: HTTP 500 {text[:300]}"
    assert "Traceback" not in text, where
    if refused:
        assert resp.status_code == 400, f"{where}: {resp.status_code} {text[:200]}"
        assert "message" in strict_json(text)
        return
    assert resp.status_code in (200, 204), f"{where}: {resp.status_code} {text[:300]}"
    if resp.status_code == 200:
        assert resp.mimetype == "application/json", where
        strict_json(text)


def callback_name(dep: dict) -> str:
    """A readable id: the first output (without an allow_duplicate hash), and how many more there are."""
    parts = re.sub(r"@[0-9a-f]+", "", dep["output"]).strip(".").split("...")
    return parts[0] + (f"+{len(parts) - 1}" if len(parts) > 1 else "")


def fuzz_callback(client, layout_index, dep, corpus, refused=False):
    """Every (dependency, value) pair; all failures are reported together.

    A background callback (a whole sweep per request) gets one value per dependency,
    taken in turn from the corpus, to stay within the time budget.
    """
    builder = RequestBuilder(dep, layout_index)
    failures, fixed = [], []
    for i, d in enumerate(builder.deps):
        where = f"{d['id']}.{d['property']}"
        for name, value in [corpus[i % len(corpus)]] if dep.get("background") else corpus:
            body = hostile_body(builder, i, value)
            known = not refused and (callback_name(dep), where, name) in KNOWN_GAPS
            try:
                check(call(client, dep, encode(body)), f"{where} = {name}", refused)
            except AssertionError as err:
                if not known:
                    failures.append(str(err).splitlines()[0])
            else:
                if known:
                    fixed.append(f"{where} = {name}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
    assert not fixed, "fixed, delete from KNOWN_GAPS: " + ", ".join(fixed)


@pytest.mark.parametrize("dep", CALLBACKS, ids=callback_name)
def test_layout_values_and_every_trigger_answer(client, layout_index, dep):
    builder = RequestBuilder(dep, layout_index)
    check(call(client, dep, encode(builder.body(trigger=None))), "no trigger")
    for i in range(1 if dep.get("background") else builder.n_inputs):
        check(call(client, dep, encode(builder.body(trigger=(i, 0)))), f"trigger {builder.deps[i]['id']}")


@pytest.mark.parametrize("dep", CALLBACKS, ids=callback_name)
def test_hostile_values(client, layout_index, dep):
    fuzz_callback(client, layout_index, dep, HOSTILE)


@pytest.mark.parametrize("dep", CALLBACKS, ids=callback_name)
def test_non_json_numbers_are_refused(client, layout_index, dep):
    fuzz_callback(client, layout_index, dep, NOT_JSON, refused=True)


@pytest.mark.parametrize("dep", CALLBACKS, ids=callback_name)
def test_callbacks_cope_with_non_json_numbers_themselves(client, layout_index, dep, monkeypatch):
    """Defence in depth: with the server's number check off, NaN and friends reach the callbacks."""
    monkeypatch.setattr(viz.server, "_check_numbers", lambda body: None)
    fuzz_callback(client, layout_index, dep, NOT_JSON)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2 ** 70, 2 ** 70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_json_values(request, data):
    """Random JSON (deterministic examples) in a random input or state of a random callback."""
    client, layout_index = request.getfixturevalue("client"), request.getfixturevalue("layout_index")
    dep = data.draw(st.sampled_from(CALLBACKS), label="callback")
    builder = RequestBuilder(dep, layout_index)
    gaps = {where for name, where, _ in KNOWN_GAPS if name == callback_name(dep)}
    choices = [i for i, d in enumerate(builder.deps) if f"{d['id']}.{d['property']}" not in gaps]
    i = data.draw(st.sampled_from(choices), label="dependency")
    value = data.draw(json_values, label="value")
    body = hostile_body(builder, i, value)
    check(call(client, dep, encode(body)), f"{builder.deps[i]['id']} = {value!r}"[:200])
