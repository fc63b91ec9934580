"""Build ``/_dash-update-component`` request bodies the way Dash's renderer does.

Reads what the server publishes (``/_dash-dependencies`` and ``/_dash-layout``),
so tools built on it (the hardening fuzz test, scripts/loadtest.py) cover every
callback, including ones added later. Standard library only.
"""
from __future__ import annotations

import json
from typing import Any, Iterator

WILDCARDS = ("ALL", "ALLSMALLER", "MATCH")
FILLER = "fuzz"   # wildcard value of a synthesized id when the layout has no matching component


def stringify_id(id_: Any) -> str:
    """Dash's string form of an id: dict ids become sorted compact JSON (as in ``changedPropIds``)."""
    if isinstance(id_, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{json.dumps(id_[k])}" for k in sorted(id_)) + "}"
    return id_


def parse_id(id_str: str) -> Any:
    return json.loads(id_str) if id_str.startswith("{") else id_str


def _is_wildcard(v: Any) -> bool:
    return isinstance(v, list) and len(v) == 1 and v[0] in WILDCARDS


def multi_valued(pattern: Any) -> bool:
    """ALL / ALLSMALLER patterns are sent as a list of components; MATCH and plain ids as one."""
    return isinstance(pattern, dict) and any(_is_wildcard(v) and v[0] != "MATCH" for v in pattern.values())


def matches(pattern: Any, id_: Any) -> bool:
    if isinstance(pattern, str):
        return pattern == id_
    return isinstance(id_, dict) and set(id_) == set(pattern) and all(
        _is_wildcard(want) or id_[key] == want for key, want in pattern.items())


def components(layout: Any) -> Iterator[dict]:
    """Every component (``{"type", "namespace", "props"}``) of a serialized layout, depth first."""
    stack = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if isinstance(node.get("props"), dict) and "type" in node:
                yield node
                stack.extend(reversed(list(node["props"].values())))
            else:
                stack.extend(reversed(list(node.values())))


def layout_props(layout: Any) -> dict[str, tuple[Any, dict]]:
    """``{stringified id: (id, props)}`` of every component with an id."""
    out = {}
    for comp in components(layout):
        id_ = comp["props"].get("id")
        if id_ is not None:
            out[stringify_id(id_)] = (id_, comp["props"])
    return out


def output_deps(output: str) -> list[dict]:
    """``{id, property}`` of each output named by a callback's key (split as the renderer does)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    out = []
    for part in parts:
        id_str, _, prop = part.rpartition(".")
        out.append({"id": id_str, "property": prop})
    return out


def server_callbacks(dependencies: list[dict]) -> list[dict]:
    """Callbacks that run on the server (clientside ones carry a ``clientside_function``)."""
    return [d for d in dependencies if not d.get("clientside_function")]


class RequestBuilder:
    """Bodies for one callback, with every input/state at its layout value unless overridden."""

    def __init__(self, dependency: dict, index: dict[str, tuple[Any, dict]]):
        self.dep = dependency
        self.index = index
        self.deps = [*dependency["inputs"], *dependency.get("state", [])]
        self.n_inputs = len(dependency["inputs"])
        self.match: dict[str, Any] = {}   # MATCH key -> the concrete value all dependencies share
        self.ids = [self._concrete(parse_id(d["id"])) for d in self.deps]
        self.output_ids = [self._concrete(parse_id(d["id"])) for d in output_deps(dependency["output"])]

    def _concrete(self, pattern: Any) -> list:
        """Concrete ids of ``pattern`` found in the layout (one synthesized if a single one is needed)."""
        if isinstance(pattern, str):
            return [pattern]
        match_keys = [k for k, v in pattern.items() if _is_wildcard(v) and v[0] == "MATCH"]
        found = [id_ for id_, _ in self.index.values() if matches(pattern, id_)
                 and all(id_[k] == self.match[k] for k in match_keys if k in self.match)]
        if multi_valued(pattern):
            return found
        if not found:
            found = [{k: self.match.get(k, FILLER) if _is_wildcard(v) else v for k, v in pattern.items()}]
        for k in match_keys:
            self.match.setdefault(k, found[0][k])
        return found[:1]

    def default(self, i: int) -> list[dict]:
        """The components sent for dependency ``i`` (inputs first, then state), at layout values."""
        prop = self.deps[i]["property"]
        out = []
        for id_ in self.ids[i]:
            item = {"id": id_, "property": prop}
            props = self.index.get(stringify_id(id_), (None, {}))[1]
            if prop in props:
                item["value"] = props[prop]
            out.append(item)
        return out

    def body(self, items: dict[int, list[dict]] | None = None, trigger: tuple[int, int] | None = (0, 0),
             extra: dict[str, list] | None = None) -> dict:
        """A request body.

        ``items`` replaces the components of some dependencies (by index, inputs first);
        ``extra`` maps an ALL pattern (its id string) to more component ids, added wherever
        the pattern appears (as the renderer would list a component that exists);
        ``trigger`` = (dependency, component) names the changed input (None: none changed).
        """
        items, extra = items or {}, extra or {}
        sent = []
        for i, dep in enumerate(self.deps):
            comps = items[i] if i in items else self.default(i) + [
                {"id": id_, "property": dep["property"]} for id_ in extra.get(dep["id"], ())]
            multi = multi_valued(parse_id(dep["id"]))
            sent.append(comps if multi else (comps[0] if comps else {"id": self.ids[i][0],
                                                                     "property": dep["property"]}))
        outputs = []
        for d, ids in zip(output_deps(self.dep["output"]), self.output_ids):
            comps = [{"id": id_, "property": d["property"]} for id_ in [*ids, *extra.get(d["id"], ())]]
            outputs.append(comps if multi_valued(parse_id(d["id"])) else comps[0])
        changed = []
        if trigger is not None and trigger[0] < self.n_inputs:
            entry = sent[trigger[0]]
            entry = entry[trigger[1]] if isinstance(entry, list) and trigger[1] < len(entry) else entry
            if isinstance(entry, dict):
                changed = [f"{stringify_id(entry['id'])}.{entry['property']}"]
        return {"output": self.dep["output"],
                "outputs": outputs if self.dep["output"].startswith("..") else outputs[0],
                "inputs": sent[:self.n_inputs], "state": sent[self.n_inputs:], "changedPropIds": changed}


def encode(body: dict) -> bytes:
    """JSON bytes; NaN/Infinity become their (non-JSON) tokens, as a hostile client would send."""
    return json.dumps(body, allow_nan=True).encode()
