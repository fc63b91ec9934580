"""Per-run URL keys (``scheduleN``, ``batchN``) take ASCII digits only.

``str.isdigit`` accepts superscripts (``²``) and other Unicode digits that ``int`` then
refuses, so ``?...&schedule²=StepLR`` used to end in an HTTP 500 from every callback
that reads the page's query. Such a key is now an unknown field (a notice), through
`viz.urlstate.decode` and through the real callbacks over HTTP.
"""
import json

import pytest

from scripts.dash_requests import RequestBuilder, encode
from tests.hardening.conftest import call, strict_json
from viz import ids, urlstate
from viz.teaching import INITIAL_SEARCH

BASE = "?surface=ravine&run=SGD:lr=0.1&run=Adam:lr=0.01"
ODD_DIGITS = {
    "superscript two": "²",
    "superscript one": "¹",
    "fullwidth one": "１",
    "Arabic-Indic one": "١",
    "Devanagari one": "१",
    "circled one": "①",
    "subscript one": "₁",
}
ODD_KEYS = [f"{prefix}{digit}" for prefix in ("schedule", "batch") for digit in ODD_DIGITS.values()] + [
    "schedule1²", "batch²1", "schedule%C2%B2", "batch%C2%B9", "schedule1%EF%BC%91"]
QUERIES = [f"{BASE}&{key}={'StepLR' if key.startswith('schedule') else '8'}" for key in ODD_KEYS]


@pytest.mark.parametrize("key", ODD_KEYS)
def test_decode_ignores_a_per_run_key_without_ascii_digits(key):
    value = "StepLR:step_size=5" if key.startswith("schedule") else "8"
    config, notices = urlstate.decode(f"{BASE}&{key}={value}")
    plain, plain_notices = urlstate.decode(BASE)
    assert config == plain, "a key without ASCII digits changed the configuration"
    assert any("unknown field" in n for n in notices), notices
    assert not plain_notices


def test_decode_still_reads_ascii_per_run_keys():
    config, notices = urlstate.decode(f"{BASE}&schedule2=StepLR:step_size=5&batch1=8")
    assert not notices, notices
    assert config.runs[1].schedule is not None and config.runs[1].schedule[0] == "StepLR"
    assert config.runs[0].schedule is None
    assert config.runs[0].batch is not None and config.runs[0].batch[0] == 8
    config, notices = urlstate.decode(f"{BASE}&schedule3=StepLR")
    assert any("names no run" in n for n in notices), notices


def test_decode_round_trips_per_run_keys():
    config, _ = urlstate.decode(f"{BASE}&schedule2=StepLR:step_size=5&batch1=8")
    again, notices = urlstate.decode(urlstate.encode(config))
    assert again == config and not notices


SEARCH_DEPS = {(ids.URL, "search"): str, (INITIAL_SEARCH, "data"): str,
               (ids.URL_STATE, "data"): dict, (ids.SETTLED, "data"): dict}


def _cases(callbacks, layout_index):
    """(callback output, dependency index, builder) for every dependency that carries the page's query."""
    for dep in callbacks:
        if dep.get("background"):
            continue
        builder = RequestBuilder(dep, layout_index)
        for i, d in enumerate(builder.deps):
            if (d["id"], d["property"]) in SEARCH_DEPS:
                yield dep, i, builder


def _body(builder, i, query: str) -> bytes:
    d = builder.deps[i]
    value = query if SEARCH_DEPS[(d["id"], d["property"])] is str else {"search": query}
    comps = [{**c, "value": value} for c in builder.default(i)]
    items = {i: comps}
    # Switch the teaching aids on, so that the callbacks that read the query only then do read it.
    for j, other in enumerate(builder.deps):
        if other["id"] in (ids.TORCH_CHECK, ids.INSPECTOR) and other["property"] == "value":
            items[j] = [{**c, "value": ["on"]} for c in builder.default(j)]
    return encode(builder.body(items, trigger=(i, 0) if i < builder.n_inputs else (0, 0)))


def test_callbacks_answer_odd_per_run_keys_without_a_500(client, callbacks, layout_index):
    cases = list(_cases(callbacks, layout_index))
    assert len({dep["output"] for dep, _, _ in cases}) >= 3, "expected the callbacks that read the page's query"
    failures = []
    for dep, i, builder in cases:
        for query in QUERIES:
            resp = call(client, dep, _body(builder, i, query))
            text = resp.get_data(as_text=True)
            where = f"{dep['output'][:50]} {builder.deps[i]['id']} {query[len(BASE):]}"
            if resp.status_code not in (200, 204) or "Traceback" in text:
                failures.append(f"{where}: HTTP {resp.status_code} {text[:120]}")
            elif resp.status_code == 200:
                strict_json(text)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)


def test_apply_scene_reports_the_odd_key(client, callbacks, layout_index):
    """A link with ``schedule²`` opens the scene of the rest of the link, with a notice about the key."""
    dep = next(d for d in callbacks if any(x["id"] == ids.URL and x["property"] == "search" for x in d["inputs"]))
    builder = RequestBuilder(dep, layout_index)
    i = next(i for i, d in enumerate(builder.deps) if d["id"] == ids.URL)
    resp = call(client, dep, _body(builder, i, f"{BASE}&schedule²=StepLR"))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    text = json.dumps(strict_json(resp.get_data(as_text=True)), ensure_ascii=False)
    assert "unknown field" in text and "schedule²" in text
