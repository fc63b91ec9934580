"""A tiny stand-in for the Dash renderer: the request bodies a browser sends for a slider move.

It reads ``/_dash-dependencies`` and ``/_dash-layout`` (from the Flask test client or a live
server), follows the clientside callbacks from the learning-rate slider to the server
callbacks they trigger, and builds each request body the way dash-renderer does:
``{output, outputs, inputs, state, changedPropIds}`` with current values from the layout,
pattern-matching (``ALL``/``MATCH``) dependencies expanded over the components present.
Nothing here knows the app's Python API, so it survives refactors of ``viz``.
"""
from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass
from typing import Any, Callable

UPDATE_PATH = "/_dash-update-component"
WILDCARDS = ("ALL", "MATCH", "ALLSMALLER")
LR_SLIDER_ID = "lr-slider"      # the string id, or the "type" of a pattern-matching id


def stringify_id(id_: Any) -> str:
    """dash-renderer's ``stringifyId``: dict ids as JSON with sorted keys and no spaces."""
    if isinstance(id_, dict):
        return json.dumps(id_, sort_keys=True, separators=(",", ":"))
    return str(id_)


def parse_dep_id(text: str) -> Any:
    """A dependency id from ``/_dash-dependencies``: a string, or a dict whose wildcards are ``["ALL"]``."""
    if text.startswith("{"):
        return json.loads(text)
    return text


def _split_prop(spec: str) -> tuple[Any, str]:
    id_text, prop = spec.rsplit(".", 1)
    return parse_dep_id(id_text), prop.split("@", 1)[0]


def split_output(output: str) -> list[tuple[Any, str]]:
    """``"..a.figure...b.children.."`` (multi) or ``"a.figure"`` → ``[(id, prop), ...]``."""
    if output.startswith("..") and output.endswith(".."):
        return [_split_prop(part) for part in output[2:-2].split("...")]
    return [_split_prop(output)]


def _is_wild(v: Any) -> bool:
    return isinstance(v, list) and len(v) == 1 and v[0] in WILDCARDS


def matches(pattern: Any, id_: Any, match_values: dict | None = None) -> bool:
    """Whether concrete ``id_`` is selected by dependency id ``pattern``."""
    if not isinstance(pattern, dict):
        return pattern == id_
    if not isinstance(id_, dict) or set(pattern) != set(id_):
        return False
    for key, want in pattern.items():
        if _is_wild(want):
            if want[0] == "MATCH" and match_values is not None and key in match_values \
                    and match_values[key] != id_[key]:
                return False
            continue
        if want != id_[key]:
            return False
    return True


def walk_layout(node: Any, out: list) -> list:
    """``[(id, props)]`` of every component with an id, in document order."""
    if isinstance(node, dict):
        if "props" in node and "type" in node and isinstance(node["props"], dict):
            props = node["props"]
            if "id" in props:
                out.append((props["id"], props))
            for value in props.values():
                walk_layout(value, out)
        else:
            for value in node.values():
                walk_layout(value, out)
    elif isinstance(node, list):
        for value in node:
            walk_layout(value, out)
    return out


@dataclass
class Trigger:
    """A server callback to call when ``changed`` (a concrete ``(id, prop)``) changes."""

    dep: dict
    changed: tuple[Any, str]


class DashClient:
    """Bodies for one app, from its dependencies and initial layout."""

    def __init__(self, deps: list[dict], layout: Any):
        self.deps = deps
        self.components = walk_layout(layout, [])

    @classmethod
    def from_get(cls, get_json: Callable[[str], Any]) -> "DashClient":
        return cls(get_json("/_dash-dependencies"), get_json("/_dash-layout"))

    # --- finding components and callbacks -------------------------------------------------
    def find(self, pattern: Any) -> list[tuple[Any, dict]]:
        return [(id_, props) for id_, props in self.components if matches(pattern, id_)]

    def lr_slider(self) -> Any:
        """The id of the first learning-rate slider (string id or pattern-matching id)."""
        for id_, _ in self.components:
            if id_ == LR_SLIDER_ID or (isinstance(id_, dict) and id_.get("type") == LR_SLIDER_ID):
                return id_
        raise LookupError(f"no {LR_SLIDER_ID!r} component in the layout")

    def _inputs(self, dep: dict) -> list[tuple[Any, str]]:
        return [(parse_dep_id(d["id"]), d["property"]) for d in dep.get("inputs", [])]

    def triggered_by(self, id_: Any, prop: str, depth: int = 3) -> list[Trigger]:
        """Server callbacks fired when ``id_.prop`` changes, following clientside callbacks."""
        frontier, seen, found = [(id_, prop)], set(), []
        for _ in range(depth):
            nxt = []
            for cid, cprop in frontier:
                key = (stringify_id(cid), cprop)
                if key in seen:
                    continue
                seen.add(key)
                match_values = {k: v for k, v in cid.items()} if isinstance(cid, dict) else None
                for dep in self.deps:
                    if not any(p == cprop and matches(pat, cid) for pat, p in self._inputs(dep)):
                        continue
                    if dep.get("clientside_function") is None:
                        found.append(Trigger(dep, (cid, cprop)))
                        continue
                    for opat, oprop in split_output(dep["output"]):
                        for oid, _ in self.components:
                            if matches(opat, oid, match_values):
                                nxt.append((oid, oprop))
            frontier = nxt
        unique, keys = [], set()
        for t in found:
            k = (t.dep["output"], stringify_id(t.changed[0]), t.changed[1])
            if k not in keys:
                keys.add(k)
                unique.append(t)
        return unique

    def triggers_for_lr(self) -> list[Trigger]:
        """What one move of the lr slider makes the browser POST (one entry per server callback)."""
        triggers = self.triggered_by(self.lr_slider(), "value")
        if not triggers:
            raise LookupError("the lr slider triggers no server callback")
        return triggers

    def server_callback_with_input(self, id_: Any, prop: str, output_id: str) -> Trigger:
        """The server callback that has ``id_.prop`` as an input and ``output_id`` among its outputs."""
        for dep in self.deps:
            if dep.get("clientside_function") is not None:
                continue
            if any(p == prop and matches(pat, id_) for pat, p in self._inputs(dep)) and \
                    any(matches(opat, output_id) for opat, _ in split_output(dep["output"])):
                return Trigger(dep, (id_, prop))
        raise LookupError(f"no server callback with input {stringify_id(id_)}.{prop} and output {output_id}")

    # --- bodies ---------------------------------------------------------------------------
    def _expand(self, pattern: Any, prop: str, match_values: dict | None, with_value: bool,
                overrides: dict):
        def item(id_, props):
            d = {"id": id_, "property": prop}
            if with_value:
                key = (stringify_id(id_), prop)
                if key in overrides:
                    d["value"] = overrides[key]
                elif prop in props:
                    d["value"] = copy.deepcopy(props[prop])
            return d

        if not isinstance(pattern, dict):
            props = next((p for i, p in self.components if i == pattern), {})
            return item(pattern, props)
        hits = [(i, p) for i, p in self.components if matches(pattern, i, match_values)]
        if any(_is_wild(v) and v[0] in ("ALL", "ALLSMALLER") for v in pattern.values()):
            return [item(i, p) for i, p in hits]
        return item(*hits[0]) if hits else {"id": pattern, "property": prop}

    def body(self, trigger: Trigger, value: Any) -> dict:
        """The POST body for ``trigger`` with the changed property set to ``value``."""
        cid, cprop = trigger.changed
        match_values = dict(cid) if isinstance(cid, dict) else None
        overrides = {(stringify_id(cid), cprop): value}
        dep = trigger.dep
        outputs = [self._expand(pat, prop, match_values, False, overrides)
                   for pat, prop in split_output(dep["output"])]
        multi = dep["output"].startswith("..")
        return {
            "output": dep["output"],
            "outputs": outputs if multi else outputs[0],
            "inputs": [self._expand(parse_dep_id(d["id"]), d["property"], match_values, True, overrides)
                       for d in dep.get("inputs", [])],
            "state": [self._expand(parse_dep_id(d["id"]), d["property"], match_values, True, overrides)
                      for d in dep.get("state", [])],
            "changedPropIds": [f"{stringify_id(cid)}.{cprop}"],
        }

    def current(self, id_: Any, prop: str) -> Any:
        for i, props in self.components:
            if i == id_:
                return props.get(prop)
        return None


def lr_body_factory(client: DashClient) -> tuple[list[Trigger], Callable[[float], list[bytes]]]:
    """The triggers of an lr-slider move and ``lr -> [request body bytes, one per callback]``."""
    triggers = client.triggers_for_lr()

    def value(trigger: Trigger, lr: float):
        # A trigger on the slider itself carries its position (log10 units), not the lr.
        cid = trigger.changed[0]
        on_slider = cid == LR_SLIDER_ID or (isinstance(cid, dict) and cid.get("type") == LR_SLIDER_ID)
        return math.log10(lr) if on_slider else lr

    def bodies(lr: float) -> list[bytes]:
        return [json.dumps(client.body(t, value(t, lr)), separators=(",", ":")).encode()
                for t in triggers]

    return triggers, bodies
