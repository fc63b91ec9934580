"""Statelessness: callbacks never touch module-level state, so any worker gives the same answer.

Static: no ``global`` statement in surfaces/, optimizers/, viz/ or app.py.
Runtime: every server callback answers byte-identically when asked twice, and again
after a round of hostile requests; and no module-level value (containers, objects,
function defaults) of those packages changes while the callbacks run.
"""
import ast
import pickle
import re
import sys
import types
from pathlib import Path

import pytest

from scripts.dash_requests import RequestBuilder, encode
from tests.hardening.conftest import call
from tests.hardening.corpus import HOSTILE, hostile_body

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("surfaces", "optimizers", "viz")
# A status may report how long a computation took ("10,000 runs in 0.61 s"): not state, masked.
WALL_TIME = re.compile(rb"\b\d+\.\d+ s\b")


def _sources():
    files = [ROOT / "app.py"]
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def test_no_global_statement():
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Global):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} global {', '.join(node.names)}")
    assert not found, "module-level state rebound from functions:\n" + "\n".join(found)


def _freeze(value):
    try:
        return pickle.dumps(value, protocol=5)
    except Exception:   # lambdas, locks ...: their repr still shows what they hold
        return repr(value)


def _module_state() -> dict:
    """Every module-level value of our packages that could hold state, frozen to bytes or text."""
    state = {}
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "app" or name.split(".")[0] in PACKAGES):
            continue
        for attr, value in vars(module).items():
            if attr.startswith("__") or isinstance(value, types.ModuleType):
                continue
            key = f"{name}.{attr}"
            if isinstance(value, types.FunctionType):
                if value.__defaults__ or value.__kwdefaults__:
                    state[key + " defaults"] = _freeze((value.__defaults__, value.__kwdefaults__))
            elif isinstance(value, type):
                if getattr(value, "__module__", None) == name:   # class attributes such as caches
                    fields = {k: v for k, v in vars(value).items() if not k.startswith("__") and not callable(v)
                              and not isinstance(v, (property, staticmethod, classmethod))}
                    if fields:
                        state[key + " class attributes"] = _freeze(fields)
            elif not callable(value):
                state[key] = _freeze(value)
    return state


def _answers(client, builders) -> list[bytes]:
    """The response of every server callback at layout values, once per input as the trigger
    (background callbacks, a whole sweep each: with no trigger and their first input only)."""
    out = []
    for b in builders:
        for i in [None, *range(1 if b.dep.get("background") else b.n_inputs)]:
            resp = call(client, b.dep, encode(b.body(trigger=None if i is None else (i, 0))))
            out.append(resp.status_code.to_bytes(2, "big") + WALL_TIME.sub(b"<t> s", resp.get_data()))
    return out


@pytest.fixture(scope="module")
def builders(callbacks, layout_index):
    return [RequestBuilder(d, layout_index) for d in callbacks]


def test_same_request_same_answer_and_no_module_state_changes(client, builders):
    first = _answers(client, builders)           # also warms lazy, per-process setup
    before = _module_state()
    assert _answers(client, builders) == first, "a callback answered the same request differently"
    for b in builders:                           # hostile requests must not leave anything behind either
        for i in range(min(len(b.deps), 4) if b.dep.get("background") else len(b.deps)):
            for _, value in [HOSTILE[i % len(HOSTILE)]] if b.dep.get("background") else HOSTILE[::3]:
                call(client, b.dep, encode(hostile_body(b, i, value)))
    assert _answers(client, builders) == first, "an earlier (hostile) request changed a later answer"
    after = _module_state()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"module-level state changed while callbacks ran: {changed}"


def test_the_state_check_sees_a_mutation(monkeypatch):
    import viz.ids

    monkeypatch.setattr(viz.ids, "probe_cache", {}, raising=False)
    before = _module_state()
    viz.ids.probe_cache["k"] = 1
    assert _module_state()["viz.ids.probe_cache"] != before["viz.ids.probe_cache"]
    assert len(before) > 50   # registries, constants, defaults: the check covers real ground
