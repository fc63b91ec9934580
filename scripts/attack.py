"""The attacker mode of scripts/loadtest.py (``--attack``): hostile clients beside the students.

    python scripts/loadtest.py --attack --workers 4          # 4 attackers, 20 students, 60 s
    python scripts/loadtest.py --attack --attackers 1 --clients 2 --seconds 5 --workers 1

While ``--clients`` students drag an lr slider (as in the default mode), ``--attackers``
clients loop until the end over the most expensive requests the server accepts:

- the scene callback with `viz.runs.MAX_RUNS` runs × `viz.config.MAX_STEPS` steps, the 3-D
  view on, on a custom surface whose formula is the costliest the parser accepts (nested
  quotients as deep as `surfaces.formula`'s limits allow: the family whose derivatives take
  longest to evaluate here) and on a variant of the default formula padded to the limits,
  with Newton, SWATS, Adafactor and NAdam under per-run schedules (ReduceLROnPlateau,
  CyclicLR, OneCycleLR, SequentialLR, LambdaLR);
- the step inspector at the last step, every export (each input of the download callback:
  CSV, JSON, PyTorch script, GIF) and the PyTorch check, on the same configuration (the
  URL-state store the page writes, ``{"search": "?surface=custom&f=…&steps=…&run=…"}``);
- landscape sweeps at the largest size (200 × 200 cells × the sweep's most steps), with
  other optimizers, surfaces and ranges each time, one after every two other requests:
  started (the POST that returns a ``cacheKey``/``job`` handle) and abandoned (never
  polled, never cancelled).

A request refused with a message that names a number of steps ("use at most N steps") is
sent again at once with N steps (up to `PROBES` times, following each new message): the
most expensive request the server accepts. Those are counted on rows "… at its limit".

Every request is built from what the server publishes, as the page's renderer would:
callbacks are found in ``/_dash-dependencies`` by the components they read and write
(`viz.ids`), values come from ``/_dash-layout``, from the landscape's body (mounted
through its own callback) and from the server's answers (opening the attack's URL
query through the link callback gives the runs and schedule stores; the sweep form's
callback gives axes, ranges and start points). A request that cannot be built is
reported by name with the reason, and fails the run. A cheap version of each (10
steps, a 2 × 2 sweep) is checked before the run starts.

Answers are classified: *ok*; *refused* (HTTP 413/429, or a 200 whose short texts say
the server would not do the work: "Not computed … over the server's limit", "busy",
"queued" …, see `REFUSED`); *error* (any other status ≥ 400, a body that is not strict
JSON, a connection error or a timeout). Requests still running when the run ends are
*cut off* (reported, not errors).

A monitor samples, every 0.5 s, the RSS of each gunicorn worker and of every process in
the server's tree (psutil, children recursive: the sweep fork server and its jobs
included), how many there are, and the disk used by the cache directory: a fresh
``VIZ_CACHE_DIR`` made for the run and removed after it (``REDIS_URL`` is dropped from the
server's environment, so sweeps run on this machine). RSS is summed per process, so pages
shared between forked processes (the PyTorch the master preloads) count once per process:
an upper bound, which ``--max-rss-mb`` applies to; the summed PSS (shared pages split among
their users) is reported beside it.

Exit status 1 if the students' p95 is over ``--max-p95``, on any error, a worker that
died or was replaced, a student request refused, a request that could not be built, a
peak tree RSS over ``--max-rss-mb`` or cache disk over ``--max-disk-mb``. The run is
stopped early (and fails) if the tree's RSS passes ``--abort-rss-mb`` or the machine
runs low on memory, so the machine itself stays usable. Only loopback traffic; every
loop is bounded in count and time; every process the run started is stopped by PID
(gunicorn, then whatever is left of its tree) with bounded waits.
"""
from __future__ import annotations

import http.client
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.dash_requests import (RequestBuilder, encode, layout_props, multi_valued, output_deps,  # noqa: E402
                                   parse_id, server_callbacks, stringify_id)

UPDATE = "/_dash-update-component"
MB = 2 ** 20

# Short texts in a 200 answer that mean "not done": the cost budget ("Not computed: … over the
# server's limit"), a deadline ("Stopped: the server is busy"), a queue or a refusal.
REFUSED = (r"not computed|\bnot run\b|\bstopped:|over the server'?s limit|\brefus|\bqueued?\b|\bbusy\b|"
           r"\bbudget\b|too many|try again|overloaded|rate limit|\bthrottl")
MESSAGE_CHARS = 600          # longer strings (figures' data, downloads) are not messages
AT_MOST = re.compile(r"at most ([\d,]+) steps")


class BuildError(RuntimeError):
    """A request of the attack cannot be built from what the server publishes."""


# ---------------------------------------------------------------- answers

def _reject(name):
    raise ValueError(f"{name} in a response")


def short_texts(obj: Any, limit: int = MESSAGE_CHARS) -> list[str]:
    """Strings of at most ``limit`` characters in a JSON answer, skipping base64 payloads (downloads)."""
    out, stack, seen = [], [obj], 0
    while stack and seen < 200_000:
        seen += 1
        x = stack.pop()
        if isinstance(x, dict):
            if x.get("base64") is True:
                continue
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
        elif isinstance(x, str) and 0 < len(x) <= limit:
            out.append(x)
    return out


def classify(status: int, data: bytes, refused: re.Pattern) -> tuple[str, str, Any]:
    """(``"ok"`` | ``"refused"`` | ``"error"``, a short reason, the parsed body or None)."""
    if status in (413, 429):
        return "refused", f"HTTP {status}", None
    if status == 204:
        return "ok", "", None
    if status != 200:
        return "error", f"HTTP {status}: {data[:160]!r}", None
    try:
        body = json.loads(data, parse_constant=_reject)
    except ValueError as err:
        return "error", f"not strict JSON: {err}", None
    for text in short_texts(body):
        if refused.search(text):
            return "refused", text[:300], body
    return "ok", "", body


def response_values(body: Any) -> dict[tuple[str, str], Any]:
    """``{(id string, property): value}`` of a callback's answer (``allow_duplicate`` suffixes dropped)."""
    out = {}
    response = body.get("response") if isinstance(body, dict) else None
    for id_str, props in (response or {}).items():
        if isinstance(props, dict):
            for prop, value in props.items():
                out[(id_str, prop.split("@", 1)[0])] = value
    return out


def post(port: int, body: bytes, timeout: float, query: str = "") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", UPDATE + query, body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def get_json(port: int, path: str, timeout: float = 30.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise BuildError(f"GET {path}: HTTP {resp.status}")
        return json.loads(data)
    finally:
        conn.close()


# ---------------------------------------------------------------- callbacks, found by what they touch

Key = tuple[str, str]          # (stringified component id, property)


def _outputs(dep: dict) -> set[Key]:
    return {(d["id"], d["property"].split("@", 1)[0]) for d in output_deps(dep["output"])}


def _inputs(dep: dict) -> set[Key]:
    return {(d["id"], d["property"]) for d in dep["inputs"]}


def _all_deps(dep: dict) -> set[Key]:
    return _inputs(dep) | {(d["id"], d["property"]) for d in dep.get("state", [])}


def _names(keys) -> str:
    return ", ".join(f"{i}.{p}" for i, p in keys)


class Site:
    """What the server publishes, and requests built from it."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.port, self.timeout = port, timeout
        self.deps = server_callbacks(get_json(port, "/_dash-dependencies"))
        self.index = layout_props(get_json(port, "/_dash-layout"))

    def find(self, what: str, outputs=(), inputs=(), reads=(), background: bool | None = None) -> dict:
        """The server callback that writes ``outputs``, takes ``inputs`` and reads ``reads`` (inputs or state)."""
        for dep in self.deps:
            if background is not None and bool(dep.get("background")) != background:
                continue
            if set(outputs) <= _outputs(dep) and set(inputs) <= _inputs(dep) and set(reads) <= _all_deps(dep):
                return dep
        wanted = "; ".join(f"{k} {_names(v)}" for k, v in
                           (("writing", outputs), ("with inputs", inputs), ("reading", reads)) if v)
        raise BuildError(f"cannot build the {what} request: no server callback {wanted} "
                         "(the callbacks changed: update scripts/attack.py)")

    def body(self, what: str, dep: dict, values: dict[Key, Any], trigger: Key | None = None,
             required=(), index: dict | None = None) -> bytes:
        """A request for ``dep``: layout values, replaced by ``values`` wherever a component matches.

        A key naming an ALL pattern (its id string) replaces that dependency's whole list.
        ``trigger`` is the changed input (default: the callback's first input); every key
        of ``required`` must be among the callback's dependencies.
        """
        builder = RequestBuilder(dep, self.index if index is None else index)
        items: dict[int, list[dict]] = {}
        found: set[Key] = set()
        trig = None
        trigger = trigger or (dep["inputs"][0]["id"], dep["inputs"][0]["property"])
        for i, d in enumerate(builder.deps):
            comps = builder.default(i)
            key = (d["id"], d["property"])
            if key in values and multi_valued(parse_id(d["id"])):
                comps, changed = [dict(c) for c in values[key]], True
                found.add(key)
            else:
                changed = False
                for c in comps:
                    k = (stringify_id(c["id"]), c["property"])
                    if k in values:
                        c["value"] = values[k]
                        found.add(k)
                        changed = True
            if changed:
                items[i] = comps
            if i < builder.n_inputs and trig is None:
                for j, c in enumerate(comps):
                    if (stringify_id(c["id"]), c["property"]) == trigger:
                        trig = (i, j)
        missing = [k for k in required if k not in found]
        if missing or trig is None:
            lacks = _names(missing or [trigger])
            raise BuildError(f"cannot build the {what} request: the callback writing "
                             f"{_names(sorted(_outputs(dep))[:3])} no longer takes {lacks}")
        return encode(builder.body(items, trigger=trig))

    def call(self, what: str, body: bytes, refused: re.Pattern) -> tuple[str, str, Any]:
        status, data = post(self.port, body, self.timeout)
        verdict, reason, parsed = classify(status, data, refused)
        if verdict == "error":
            raise BuildError(f"{what}: the server answered {reason}")
        return verdict, reason, parsed


# ---------------------------------------------------------------- the costliest formulas

def _nest(heads: tuple[str, ...], leaf: str, k: int) -> str:
    return "".join(heads[i % len(heads)] for i in range(k)) + leaf + ")" * k


FAMILIES = {             # nests of operations whose symbolic derivatives grow fastest with depth
    "quotients": (("x/(", "y/("), "x"),
    "quotients of x": (("x/(",), "y"),
    "powers": (("x**(", "y/("), "x"),
    "tanh": (("tanh(x*", "tanh(y*"), "y"),
    "sin/cos": (("sin(x+", "cos(y*"), "x"),
}
DEFAULT_FORMULA = "sin(x)*cos(y) + 0.1*(x**2 + y**2)"


def _deepest(make: Callable[[int], str], parse, limit: int) -> tuple[int, str] | None:
    best = None
    for k in range(1, limit + 1):
        text = make(k)
        try:
            parse(text)
        except ValueError:
            if best is not None:
                break
            continue
        best = (k, text)
    return best


def _eval_seconds(text: str, parse) -> float:
    """Seconds of one gradient and Hessian of ``text`` at one point (the least of 7: the others met noise)."""
    import numpy as np

    expr = parse(text)
    fx, fy = expr.diff("x"), expr.diff("y")
    parts = [fx, fy, fx.diff("x"), fx.diff("y"), fy.diff("y")]
    x, y = np.array([0.7]), np.array([0.3])
    times = []
    with np.errstate(all="ignore"):
        for _ in range(7):
            t0 = time.perf_counter()
            for p in parts:
                p(x=x, y=y)
            times.append(time.perf_counter() - t0)
    return min(times)


def costliest_formulas() -> list[tuple[str, str, float]]:
    """``[(description, formula, seconds per gradient + Hessian)]``, costliest first, each as deep
    as `surfaces.formula`'s limits allow (read from the parser itself, so they follow it)."""
    from surfaces.formula import MAX_LENGTH, parse_formula

    out = []
    for name, (heads, leaf) in FAMILIES.items():
        found = _deepest(lambda k: _nest(heads, leaf, k), parse_formula, MAX_LENGTH)
        if found is not None:
            k, text = found
            out.append((f"{name} nested {k} deep, {len(text)} characters", text, _eval_seconds(text, parse_formula)))
    # Costliest first; timings within 15 % of each other keep FAMILIES' order, so that runs agree.
    best = 0
    for i, row in enumerate(out):
        if row[2] > 1.15 * out[best][2]:
            best = i
    return [out[best]] + sorted(out[:best] + out[best + 1:], key=lambda r: -r[2])


def default_variant() -> tuple[str, str]:
    """The default formula plus a small nested term, as deep as the limits allow: its paths look like the
    default's (they stay finite, so the inspector replays them) at many times its cost."""
    from surfaces.formula import MAX_LENGTH, parse_formula

    make = lambda k: f"{DEFAULT_FORMULA} + 0.001*{_nest(('sin(x+', 'cos(y*'), 'x', k)}"  # noqa: E731
    found = _deepest(make, parse_formula, MAX_LENGTH)
    if found is None:
        return "the default formula", DEFAULT_FORMULA
    k, text = found
    return f"default + a sin/cos term nested {k} deep, {len(text)} characters", text


# ---------------------------------------------------------------- the attack's configuration

OPTIMIZERS = ("Newton", "SWATS", "Adafactor", "NAdam")
LR = {"Newton": 0.5, "SWATS": 0.01, "Adafactor": 0.01, "NAdam": 0.01}
WITH_BETA1 = {"SWATS", "NAdam"}          # may cycle β₁ under CyclicLR / OneCycleLR


def _schedule(i: int, optimizer: str) -> str:
    cycle = "1" if optimizer in WITH_BETA1 else "0"
    return ("ReduceLROnPlateau:patience=5",
            f"CyclicLR:step_size_up=250,cycle_momentum={cycle}",
            "ReduceLROnPlateau:factor=0.5",
            f"OneCycleLR:cycle_momentum={cycle}",
            "SequentialLR",
            "LambdaLR:lr_lambda=" + quote("0.999**t*(1+0.5*sin(t/7))", safe="*()/."))[i % 6]


def attack_query(formula: str, steps: int, runs: int) -> str:
    """The URL query of the attack's scene (the format of `viz.urlstate.encode`)."""
    fields = ["surface=custom", "f=" + quote(formula, safe="*()/."), "bounds=-4,4,-4,4", "start=1.5,2",
              f"steps={steps}"]
    names = [OPTIMIZERS[i % len(OPTIMIZERS)] for i in range(runs)]
    fields += [f"run={n}:lr={LR[n] * (1 + i / 50):.6g}" for i, n in enumerate(names)]
    fields += [f"schedule{i + 1}={_schedule(i, n)}" for i, n in enumerate(names)]
    return "?" + "&".join(fields)


def with_steps(values: dict[Key, Any], steps: int, ids) -> dict[Key, Any]:
    """``values`` with the step count (the steps box, and ``steps=`` in the URL state) set to ``steps``."""
    out = dict(values)
    if (ids.STEPS, "value") in out:
        out[(ids.STEPS, "value")] = steps
    state = out.get((ids.URL_STATE, "data"))
    if isinstance(state, dict) and isinstance(state.get("search"), str):
        out[(ids.URL_STATE, "data")] = {**state, "search": re.sub(r"(^|[?&])steps=\d+", rf"\g<1>steps={steps}",
                                                                  state["search"])}
    if (ids.SCRUB, "value") in out:
        out[(ids.SCRUB, "value")] = steps
    return out


# ---------------------------------------------------------------- the plan: every request of the attack

@dataclass
class Action:
    kind: str                         # e.g. "scene (quotients)", "export-gif (default+)"
    make: Callable[[int], bytes]      # steps (or a sweep number) -> request body
    steps: int | None                 # the full step count (None for sweeps)
    sweep: bool = False


@dataclass
class Plan:
    actions: list[Action] = field(default_factory=list)
    built: list[str] = field(default_factory=list)          # request kinds built
    problems: list[str] = field(default_factory=list)       # requests that could not be built (fail the run)
    notes: list[str] = field(default_factory=list)          # what the preflight saw
    formulas: list[tuple[str, str]] = field(default_factory=list)
    sweeps: list[str] = field(default_factory=list)


SWEEP_SETTINGS = (          # optimizer, surface, schedule: each sweep also gets its own ranges
    ("Newton", "beale", None),
    ("SGD", "rosenbrock", None),
    ("Adam", "rastrigin", "CosineAnnealingWarmRestarts"),
    ("NAdam", "ackley", None),
    ("SWATS", "goldstein_price", None),
    ("RMSprop", "linear_regression", None),
    ("Adafactor", "levi13", "ExponentialLR"),
)


def build_plan(site: Site, refused: re.Pattern, log=print) -> Plan:
    """Every request of the attack, each checked once at a small size (10 steps; a 2 × 2 sweep)."""
    from viz import ids
    from viz.config import MAX_STEPS
    from viz.runs import MAX_RUNS
    from viz.sweep import ids as sweep_ids
    from viz.sweep.compute import MAX_SIDE, MAX_STEPS as SWEEP_STEPS

    plan = Plan()
    ranked = costliest_formulas()
    variant = default_variant()
    candidates = [(d, f) for d, f, _ in ranked]
    for d, f, s in ranked:
        plan.notes.append(f"formula {d}: {1e3 * s:.1f} ms per gradient + Hessian here")

    def attempt(what: str, fn: Callable[[], None]) -> bool:
        try:
            fn()
            return True
        except BuildError as err:
            plan.problems.append(str(err))
            log(f"attack: {err}")
            return False
        except (OSError, http.client.HTTPException, ValueError, KeyError, TypeError) as err:
            plan.problems.append(f"cannot build the {what} request: {type(err).__name__}: {err}")
            log(f"attack: {plan.problems[-1]}")
            return False

    # The link callback turns the attack's query into the values of every control and store.
    link = [None]
    scene = [None]
    url_writer = [None]

    def find_scene_callbacks():
        link[0] = site.find("link (URL query → controls)", outputs=[(ids.RUNS, "data")], inputs=[(ids.URL, "search")])
        scene[0] = site.find("scene", outputs=[(ids.CONTOUR, "figure"), (ids.STATUS, "children")],
                             inputs=[(ids.FORMULA, "value"), (ids.STEPS, "value"), (ids.RUNS, "data")])
        try:
            url_writer[0] = site.find("URL state", outputs=[(ids.URL_STATE, "data")], inputs=[(ids.FORMULA, "value")])
        except BuildError as err:          # the attack's own query serves as the page's URL state
            plan.notes.append(f"{err}; using the attack's own query as the URL state")

    if not attempt("scene", find_scene_callbacks):
        candidates = []

    def config_values(formula: str, steps: int) -> tuple[dict[Key, Any], str]:
        """Control values (from the link callback's answer) and the URL state of the attack's scene."""
        query = attack_query(formula, steps, MAX_RUNS)
        body = site.body("link", link[0], {(ids.URL, "search"): query}, trigger=(ids.URL, "search"))
        _, _, answer = site.call("link", body, refused)
        values = response_values(answer)
        notice = values.get((ids.LINK_NOTICE, "children"))
        if notice:
            plan.notes.append(f"the link callback said: {str(notice)[:300]}")
        if (ids.RUNS, "data") not in values:
            raise BuildError("cannot build the scene request: the link callback did not set the runs store")
        values[(ids.VIEW_3D, "value")] = ["3d"]
        search = query
        if url_writer[0] is not None:
            body = site.body("URL state", url_writer[0], values, trigger=(ids.FORMULA, "value"))
            _, _, answer = site.call("URL state", body, refused)
            state = response_values(answer).get((ids.URL_STATE, "data"))
            if isinstance(state, dict) and isinstance(state.get("search"), str) and state["search"]:
                search = state["search"]
        values[(ids.URL_STATE, "data")] = {"search": search}
        return values, search

    def scene_body(values):
        return site.body("scene", scene[0], values, trigger=(ids.FORMULA, "value"),
                         required=[(ids.FORMULA, "value"), (ids.STEPS, "value"), (ids.RUNS, "data"),
                                   (ids.SCHEDULES, "data")])

    # The costliest formula the server takes (the parser's limits may differ on the server).
    chosen = []
    for desc, formula in candidates:
        def check(formula=formula, desc=desc):
            values, _ = config_values(formula, 10)
            verdict, reason, answer = site.call("scene", scene_body(values), refused)
            error = response_values(answer).get((ids.FORMULA_ERROR, "children")) if answer else None
            if error:
                raise BuildError(f"the server rejected the formula ({desc}): {str(error)[:200]}")
            table = json.dumps(response_values(answer).get((ids.RESULTS, "children")), ensure_ascii=False)
            if "invalid settings" in table:
                plan.notes.append(f"some runs have invalid settings on {desc}")
            if verdict == "refused":
                plan.notes.append(f"scene ({desc}) refused even at 10 steps: {reason}")
            chosen.append((desc, formula))
        try:
            check()
            break
        except (BuildError, OSError, http.client.HTTPException, ValueError) as err:
            plan.notes.append(f"{type(err).__name__}: {err}" if not isinstance(err, BuildError) else str(err))
    if candidates and not chosen:
        plan.problems.append("cannot build the scene request: the server took none of the costliest formulas")
    if chosen:
        chosen.append(variant)
    plan.formulas = chosen

    # Everything that reads the configuration from the URL state.
    inspector = [None]
    download = [None]
    torch = [None]
    attempt("inspector", lambda: inspector.__setitem__(0, site.find(
        "step inspector", outputs=[(ids.INSPECTOR, "children")], reads=[(ids.URL_STATE, "data")])))
    attempt("export", lambda: download.__setitem__(0, site.find(
        "export", outputs=[(ids.DOWNLOAD, "data")], reads=[(ids.URL_STATE, "data")])))
    attempt("PyTorch check", lambda: torch.__setitem__(0, site.find(
        "PyTorch check", inputs=[(ids.TORCH_CHECK_REQUEST, "data")], reads=[(ids.URL_STATE, "data")])))
    stamp = [0]

    def request_id() -> float:          # what the page's clientside gate writes: a fresh number each time
        stamp[0] += 1
        return time.time() + stamp[0] * 1e-6

    for n, (desc, formula) in enumerate(chosen):
        short = desc.split(" nested")[0] if n == 0 else "default+"
        try:
            base, search = config_values(formula, MAX_STEPS)
        except (BuildError, OSError, http.client.HTTPException, ValueError) as err:
            plan.problems.append(f"cannot build the scene request ({desc}): {err}")
            continue
        if n == 0:
            plan.notes.append(f"URL state of the attack's scene: {len(search)} characters, "
                              f"{search.count('&run=') + search.startswith('?run=')} runs")

        # Each request is sent once at 10 steps on the last (cheaper) formula: its shape is the same on
        # both; the costliest formula's scene was sent at 10 steps when it was chosen.
        checking = n == len(chosen) - 1

        def add(kind, make, steps=MAX_STEPS, check=checking):
            try:
                make_small = make(10)
                if check:
                    verdict, reason, _ = site.call(kind, make_small, refused)
                    if verdict == "refused":
                        plan.notes.append(f"{kind} refused even at 10 steps: {reason}")
                plan.actions.append(Action(kind, make, steps))
                plan.built.append(kind)
            except (BuildError, OSError, http.client.HTTPException, ValueError) as err:
                plan.problems.append(f"{kind}: {err}")

        add(f"scene ({short})", lambda s, b=base: scene_body(with_steps(b, s, ids)))
        if inspector[0] is not None:
            add(f"inspector ({short})", lambda s, b=base: site.body(
                "step inspector", inspector[0],
                with_steps(b, s, ids) | {(ids.INSPECTOR + "-on", "value"): ["on"], (ids.SCRUB, "value"): s,
                                         (ids.INSPECTOR_REQUEST, "data"): request_id()},
                required=[(ids.URL_STATE, "data")]))
        if download[0] is not None:
            for d in download[0]["inputs"]:
                key = (d["id"], d["property"])
                add(f"{d['id']} ({short})", lambda s, b=base, key=key: site.body(
                    "export", download[0], with_steps(b, s, ids) | {key: 1}, trigger=key,
                    required=[(ids.URL_STATE, "data")]))
        if torch[0] is not None:
            add(f"torch-check ({short})", lambda s, b=base: site.body(
                "PyTorch check", torch[0],
                with_steps(b, s, ids) | {(ids.TORCH_CHECK, "value"): ["on"],
                                         (ids.TORCH_CHECK_REQUEST, "data"): request_id()},
                required=[(ids.URL_STATE, "data")]))

    # Landscape sweeps: mount the view as the page does, ask its form for axes and ranges.
    def sweeps():
        mount = site.find("landscape view", outputs=[(ids.LANDSCAPE_VIEW, "children")], inputs=[(ids.VIEW, "data")])
        _, _, answer = site.call("landscape view", site.body("landscape view", mount, {(ids.VIEW, "data"): "landscape"},
                                                             trigger=(ids.VIEW, "data")), refused)
        children = response_values(answer).get((ids.LANDSCAPE_VIEW, "children"))
        if not children:
            raise BuildError("cannot build the sweep request: mounting the landscape view gave no controls")
        index = site.index | layout_props(children)
        form = site.find("sweep form", outputs=[(sweep_ids.X_MIN, "value")], inputs=[(sweep_ids.OPTIMIZER, "value"),
                                                                                    (sweep_ids.SURFACE, "value")])
        run = site.find("sweep", outputs=[(sweep_ids.GRAPH, "figure")], background=True)
        candidates = []
        for optimizer, surface, schedule in SWEEP_SETTINGS:
            chosen_values = {(sweep_ids.MODE, "value"): "sweep", (sweep_ids.OPTIMIZER, "value"): optimizer,
                             (sweep_ids.SURFACE, "value"): surface, (sweep_ids.SCHEDULE, "value"): schedule}
            body = site.body("sweep form", form, chosen_values, trigger=(sweep_ids.SURFACE, "value"), index=index)
            _, _, answer = site.call("sweep form", body, refused)
            values = {k: v for k, v in response_values(answer).items() if k[1] != "options"} | chosen_values
            name = f"{optimizer} on {surface}" + (f" under {schedule}" if schedule else "") + \
                f", {values.get((sweep_ids.X_PARAM, 'value'))} × {values.get((sweep_ids.Y_PARAM, 'value'))}"
            small = values | {(sweep_ids.SIZE, "value"): 2, (sweep_ids.STEPS, "value"): 2,
                              (sweep_ids.RUN, "n_clicks"): 1}
            candidates.append((name, values, site.body("sweep", run, small, trigger=(sweep_ids.RUN, "n_clicks"),
                                                       required=[(sweep_ids.SIZE, "value"), (sweep_ids.STEPS, "value")],
                                                       index=index)))
        # A 2 × 2 sweep of each setting, all at once, polled like the renderer: does the server run it?
        statuses: dict[int, str] = {}

        def once(i: int, body: bytes) -> None:
            try:
                statuses[i] = run_sweep_once(site, body, refused)
            except (BuildError, OSError, http.client.HTTPException, ValueError) as err:
                statuses[i] = f"error: {err}"

        threads = [threading.Thread(target=once, args=(i, c[2]), daemon=True) for i, c in enumerate(candidates)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        settings = []
        for i, (name, values, _) in enumerate(candidates):
            status = statuses.get(i, "")
            if status.startswith("error: "):
                plan.problems.append(f"sweep {name}: {status[7:]}")
                continue
            if status.startswith("Not run") and not refused.search(status.removeprefix("Not run")):
                plan.notes.append(f"sweep {name} dropped: {status[:200]}")
                continue
            if not status:
                plan.notes.append(f"sweep {name}: no answer to a 2 × 2 sweep within 30 s (kept)")
            settings.append((name, values))
            plan.sweeps.append(name)
        if not settings:
            raise BuildError("cannot build the sweep request: the server ran none of the sweep settings")

        def make(k: int) -> bytes:
            name, values = settings[k % len(settings)]
            values = dict(values)
            # Each sweep its own grid: the x range shrinks by a little more every time (staying inside
            # the parameter's range), so no result is reused.
            v = values.get((sweep_ids.X_MAX, "value"))
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0:
                values[(sweep_ids.X_MAX, "value")] = float(f"{v / (1 + 1e-4 * (1 + k % 1000)):.12g}")
            values |= {(sweep_ids.SIZE, "value"): MAX_SIDE, (sweep_ids.STEPS, "value"): SWEEP_STEPS,
                       (sweep_ids.RUN, "n_clicks"): 1 + k, (sweep_ids.SEED, "value"): k % 1000}
            return site.body("sweep", run, values, trigger=(sweep_ids.RUN, "n_clicks"), index=index)

        make(0)
        # A sweep after every two other requests: sweeps are cheap to ask for and dear to run.
        sweep = Action(f"sweep {MAX_SIDE}×{MAX_SIDE}×{SWEEP_STEPS:,}", make, None, sweep=True)
        others = plan.actions
        plan.actions = []
        for i, a in enumerate(others):
            plan.actions.append(a)
            if i % 2 == 1:
                plan.actions.append(sweep)
        if not others or len(others) % 2:
            plan.actions.append(sweep)
        plan.built.append("sweep")

    attempt("sweep", sweeps)
    return plan


def run_sweep_once(site: Site, body: bytes, refused: re.Pattern, seconds: float = 30.0) -> str:
    """Start a (small) sweep and poll it like the renderer until its status line comes; "" if none came."""
    verdict, reason, answer = site.call("sweep", body, refused)
    if verdict == "refused":
        return reason
    if not isinstance(answer, dict) or "cacheKey" not in answer:
        texts = short_texts(answer)
        return texts[0] if texts else ""
    query = f"?cacheKey={quote(answer['cacheKey'])}&job={quote(str(answer['job']))}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, data = post(site.port, body, site.timeout, query)
        if status not in (200, 204):
            raise BuildError(f"sweep: polling answered HTTP {status}: {data[:160]!r}")
        if status == 200:
            got = json.loads(data)
            if "response" in got:
                from viz.sweep import ids as sweep_ids

                text = response_values(got).get((sweep_ids.STATUS, "children"))
                return text if isinstance(text, str) else json.dumps(text)[:300]
        time.sleep(0.1)
    return ""


# ---------------------------------------------------------------- counting

@dataclass
class Tally:
    sent: int = 0
    ok: int = 0
    refused: int = 0
    errors: int = 0
    cut: int = 0
    latencies: list[float] = field(default_factory=list)       # every answer (ok or refused), seconds
    ok_latencies: list[float] = field(default_factory=list)    # the answers that did the work
    samples: list[str] = field(default_factory=list)     # refusal messages and errors, first few

    def note(self, text: str) -> None:
        if len(self.samples) < 3 and text not in self.samples:
            self.samples.append(text)


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_kind: dict[str, Tally] = {}
        self.errors: list[str] = []
        self.sweeps_started = 0      # sweeps sent (their numbers vary their settings)
        self.jobs = 0                # ... and answered with a job handle (started, then abandoned)

    def add(self, kind: str, verdict: str, seconds: float, reason: str = "") -> None:
        with self.lock:
            t = self.by_kind.setdefault(kind, Tally())
            t.sent += 1
            if verdict == "ok":
                t.ok += 1
                t.latencies.append(seconds)
                t.ok_latencies.append(seconds)
            elif verdict == "refused":
                t.refused += 1
                t.latencies.append(seconds)
                t.note(reason)
            elif verdict == "cut":
                t.cut += 1
            else:
                t.errors += 1
                t.note(reason)
                self.errors.append(f"{kind}: {reason}")


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return math.nan
    return sorted_values[min(len(sorted_values) - 1, max(0, math.ceil(q / 100 * len(sorted_values)) - 1))]


# ---------------------------------------------------------------- clients

@dataclass
class Clock:
    stop_at: float
    closing: threading.Event = field(default_factory=threading.Event)   # the server is being stopped
    abort: threading.Event = field(default_factory=threading.Event)     # the monitor stopped the run

    def running(self) -> bool:
        return time.monotonic() < self.stop_at and not self.abort.is_set()


MAX_LOOPS = 100_000          # requests per client, whatever the duration
PROBES = 3                   # resends of a refused request at the step count its message names


def _exchange(port: int, body: bytes, timeout: float, refused: re.Pattern, clock: Clock):
    t0 = time.perf_counter()
    try:
        status, data = post(port, body, timeout)
        verdict, reason, answer = classify(status, data, refused)
    except (OSError, http.client.HTTPException) as err:
        verdict, reason, answer = "error", f"{type(err).__name__}: {err}", None
    if verdict == "error" and (clock.closing.is_set() or clock.abort.is_set()):
        verdict = "cut"          # the server went away under it at the end of the run
    return verdict, reason, answer, time.perf_counter() - t0


def student(port: int, bodies: list[bytes], offset: int, clock: Clock, think: float, timeout: float,
            refused: re.Pattern, counts: Counts) -> None:
    k = offset
    for _ in range(MAX_LOOPS):
        if not clock.running():
            break
        verdict, reason, _, seconds = _exchange(port, bodies[k % len(bodies)], timeout, refused, clock)
        k += 1
        counts.add("student", verdict, seconds, reason)
        if think:
            time.sleep(think)


def attacker(n: int, attackers: int, plan: Plan, port: int, clock: Clock, timeout: float,
             refused: re.Pattern, counts: Counts, probe: bool) -> None:
    actions = plan.actions
    k = (n * len(actions)) // max(attackers, 1)         # each attacker starts elsewhere in the list
    for _ in range(MAX_LOOPS):
        if not clock.running() or not actions:
            break
        action = actions[k % len(actions)]
        k += 1
        try:
            _attack_once(action, port, clock, timeout, refused, counts, probe)
        except Exception as err:          # a bug here must show, not end the attacker silently
            counts.add(action.kind, "error", 0.0, f"attacker failed: {type(err).__name__}: {err}")
            time.sleep(0.5)


def _attack_once(action: Action, port: int, clock: Clock, timeout: float, refused: re.Pattern, counts: Counts,
                 probe: bool) -> None:
    if action.sweep:
        with counts.lock:
            number = counts.sweeps_started = counts.sweeps_started + 1
        body = action.make(number)
    else:
        body = action.make(action.steps)
    verdict, reason, answer, seconds = _exchange(port, body, timeout, refused, clock)
    if action.sweep and verdict == "ok" and isinstance(answer, dict) and "cacheKey" in answer:
        with counts.lock:
            counts.jobs += 1
    counts.add(action.kind, verdict, seconds, reason)
    # Refused with "use at most N steps": the same request at N steps is the costliest one accepted
    # (at most PROBES tries, each at the fewer steps the last refusal named).
    steps = action.steps
    for _ in range(PROBES if probe and action.steps else 0):
        m = AT_MOST.search(reason) if verdict == "refused" else None
        fewer = int(m.group(1).replace(",", "")) if m else 0
        if not (10 <= fewer < steps) or not clock.running():
            break
        steps = fewer
        verdict, reason, _, seconds = _exchange(port, action.make(steps), timeout, refused, clock)
        counts.add(action.kind + " at its limit", verdict, seconds, reason)


# ---------------------------------------------------------------- the server's process tree

def du_bytes(path: Path, limit_files: int = 200_000) -> int:
    """Disk used by the files under ``path`` (allocated blocks, like du)."""
    total = 0
    for n, (dirpath, _, files) in enumerate(os.walk(path)):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
            except OSError:
                pass
        if n > limit_files:
            break
    return total


@dataclass(frozen=True)
class Sample:
    t: float                 # seconds since the monitor started
    rss: float               # MB, summed over the server's tree (shared pages once per process)
    pss: float               # MB, summed proportional set size (shared pages split among their users)
    processes: int
    disk: float              # MB used by the cache directory
    workers_rss: float       # MB, the gunicorn workers' part of ``rss``
    others_rss: float        # MB, processes other than the master and its workers (sweeps, fork servers)


class Monitor:
    """Samples the server's process tree and the cache directory until stopped (bounded in time)."""

    def __init__(self, master_pid: int, cache_dir: Path, interval: float, clock: Clock, abort_rss_mb: float,
                 abort_disk_mb: float, seconds_cap: float):
        self.master = psutil.Process(master_pid)
        self.cache_dir, self.interval, self.clock = cache_dir, interval, clock
        self.abort_rss_mb, self.abort_disk_mb = abort_rss_mb, abort_disk_mb
        self.cap = time.monotonic() + seconds_cap
        self.seen: dict[int, float] = {}                 # pid -> create time, of every process seen in the tree
        self.workers: dict[int, list[tuple[float, float]]] = {}   # pid -> [(t, RSS MB)]
        self.samples: list[Sample] = []
        self.abort_reason = ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.t0 = time.monotonic()

    def sample(self) -> Sample:
        with self._lock:
            return self._sample()

    def _sample(self) -> Sample:
        try:
            procs = [self.master, *self.master.children(recursive=True)]
            workers = {p.pid for p in self.master.children()}
        except psutil.Error:
            procs, workers = [], set()
        rss = pss = in_workers = others = 0.0
        n = 0
        now = time.monotonic() - self.t0
        for p in procs:
            try:
                mem = p.memory_full_info()           # /proc/PID/smaps_rollup: RSS, PSS and USS
                self.seen.setdefault(p.pid, p.create_time())
            except psutil.Error:
                continue
            n += 1
            mb = mem.rss / MB
            rss += mb
            pss += getattr(mem, "pss", mem.rss) / MB
            if p.pid in workers:
                in_workers += mb
                self.workers.setdefault(p.pid, []).append((now, mb))
            elif p.pid != self.master.pid:
                others += mb
        disk = du_bytes(self.cache_dir) / MB if self.cache_dir.exists() else 0.0
        out = Sample(now, rss, pss, n, disk, in_workers, others)
        self.samples.append(out)
        return out

    def _loop(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self.cap:
            got = self.sample()
            available = psutil.virtual_memory().available / MB
            reason = ""
            if got.rss > self.abort_rss_mb:
                reason = f"the server's tree reached {got.rss:,.0f} MB RSS (abort at {self.abort_rss_mb:,.0f} MB)"
            elif available < 1024:
                reason = f"the machine has {available:,.0f} MB of memory left"
            elif got.disk > self.abort_disk_mb:
                reason = f"the cache directory reached {got.disk:,.0f} MB (abort at {self.abort_disk_mb:,.0f} MB)"
            if reason and not self.abort_reason:
                self.abort_reason = reason
                self.clock.abort.set()
            self._stop.wait(self.interval)

    def start(self) -> "Monitor":
        self.sample()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def at(self, when: float) -> Sample | None:
        """The sample nearest to ``when`` seconds after the monitor started."""
        return min(self.samples, key=lambda x: abs(x.t - when)) if self.samples else None


def stop_leftovers(seen: dict[int, float], group: int | None, wait: float = 5.0,
                   linger: float = 3.0) -> list[str]:
    """Kill, by PID, what is left of the server's tree after gunicorn stopped: processes seen in the tree
    (same PID *and* start time) and members of the process group gunicorn was started in. They get
    ``linger`` seconds to exit by themselves first. Returns a description of each one killed."""
    def alive() -> bool:
        for pid, created in seen.items():
            try:
                p = psutil.Process(pid)
                if p.create_time() == created and p.status() != psutil.STATUS_ZOMBIE:
                    return True
            except psutil.Error:
                continue
        return False

    until = time.monotonic() + linger
    while alive() and time.monotonic() < until:
        time.sleep(0.1)
    victims = []
    for pid, created in seen.items():
        try:
            p = psutil.Process(pid)
            if p.create_time() == created and p.pid != os.getpid():
                victims.append(p)
        except psutil.Error:
            continue
    if group is not None:
        known = {p.pid for p in victims}
        for p in psutil.process_iter():
            try:
                if p.pid not in known and p.pid != os.getpid() and os.getpgid(p.pid) == group:
                    victims.append(p)
            except (psutil.Error, OSError):
                continue
    names = []
    for p in victims:
        try:
            names.append(f"{p.pid} ({' '.join(p.cmdline()[:3])[:60] or p.name()}, {p.memory_info().rss / MB:.0f} MB)")
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(victims, timeout=wait)
    return names


# ---------------------------------------------------------------- the run

def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = psutil.virtual_memory().total / 2 ** 30
    try:
        rev = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True,
                             timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = "?"
    return (f"{os.cpu_count()} × {cpu}, {mem:.0f} GiB; Python {platform.python_version()}; "
            f"{platform.system()} {platform.release()}; code {rev or '?'}")


def _ms(values: list[float], q: float) -> str:
    v = percentile(values, q)
    return "-" if math.isnan(v) else f"{1000 * v:,.0f}"


def run_attack(args, gunicorn_cls, drag_bodies: Callable) -> int:
    """The attacker mode (see the module docstring); ``args`` from scripts/loadtest.py's parser."""
    refused = re.compile(REFUSED + (f"|{args.refused_pattern}" if args.refused_pattern else ""), re.IGNORECASE)
    cache_dir = Path(tempfile.mkdtemp(prefix="viz-loadtest-cache-"))
    env = dict(os.environ, VIZ_CACHE_DIR=str(cache_dir))
    redis = env.pop("REDIS_URL", None)
    load = os.getloadavg()
    counts = Counts()
    plan = Plan()
    monitor = None
    leftovers: list[str] = []
    workers_before: list[int] = []
    workers_after: list[int] = []
    log_text = ""
    started = elapsed = preflight = 0.0
    mark = 0
    disk_end = math.nan
    clock = Clock(stop_at=math.inf)
    students: list[threading.Thread] = []
    attackers: list[threading.Thread] = []
    server = gunicorn_cls(args.workers, env=env, new_session=True, worker_timeout=args.worker_timeout,
                          graceful_timeout=5)
    try:
        with server:
            monitor = Monitor(server.proc.pid, cache_dir, 0.5, clock, args.abort_rss_mb, args.abort_disk_mb,
                              seconds_cap=args.seconds + 600).start()
            bodies = drag_bodies(server)
            site = Site(server.port, timeout=min(60.0, args.request_timeout))   # the preflight's calls
            t0 = time.monotonic()
            plan = build_plan(site, refused)
            preflight = time.monotonic() - t0
            # Warm-up: every worker imports, sets Dash up and computes a few scenes before "start".
            warm = Clock(stop_at=time.monotonic() + 2.0)
            warm_counts = Counts()
            threads = [threading.Thread(target=student, args=(server.port, bodies, 7 * c, warm, 0.0,
                                                              args.student_timeout, refused, warm_counts))
                       for c in range(2 * args.workers)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=args.student_timeout + 5)
            counts.errors += [f"warm-up {e}" for e in warm_counts.errors]
            workers_before = server.worker_pids()
            monitor.sample()
            mark = len(monitor.samples) - 1
            started = time.monotonic()
            clock.stop_at = started + args.seconds
            attackers = [threading.Thread(target=attacker, args=(n, args.attackers, plan, server.port, clock,
                                                                 args.request_timeout, refused, counts, args.probe),
                                          daemon=True) for n in range(args.attackers)]
            students = [threading.Thread(target=student, args=(server.port, bodies, (c * len(bodies)) // args.clients,
                                                               clock, args.think, args.student_timeout, refused,
                                                               counts), daemon=True)
                        for c in range(args.clients)]
            for t in attackers + students:
                t.start()
            while clock.running():
                time.sleep(min(0.2, max(0.0, clock.stop_at - time.monotonic())))
            clock.stop_at = min(clock.stop_at, time.monotonic())
            elapsed = clock.stop_at - started
            for t in students:                # a student's last request: answered, or timed out (an error)
                t.join(timeout=max(0.0, started + args.seconds + args.student_timeout + 5 - time.monotonic()))
            grace = time.monotonic() + args.grace
            for t in attackers:
                t.join(timeout=max(0.0, grace - time.monotonic()))
            monitor.sample()
            workers_after = server.worker_pids()
            clock.closing.set()
            monitor.stop()
        log_text = server.log_text()
    finally:
        clock.closing.set()
        clock.abort.set()
        if monitor is not None:
            monitor.stop()
            # gunicorn was started with start_new_session: its PID is its process group's id.
            leftovers = stop_leftovers(monitor.seen, server.proc.pid if server.proc else None)
        elif server.proc is not None:
            leftovers = stop_leftovers({}, server.proc.pid)
        for t in attackers + students:
            t.join(timeout=5)
        disk_end = du_bytes(cache_dir) / MB if cache_dir.exists() else 0.0
        shutil.rmtree(cache_dir, ignore_errors=True)

    # ---------------------------------------------------------------- the report
    print(f"attack: {args.attackers} attackers, {args.clients} students, {args.seconds:g} s, "
          f"{args.workers} gunicorn workers (--timeout {args.worker_timeout:g}), think {args.think:g} s")
    print(f"machine: {machine()}")
    print(f"server: gunicorn pid {server.proc.pid if server.proc else '-'} (its own process group) "
          f"on 127.0.0.1:{server.port}, VIZ_CACHE_DIR {cache_dir}")
    print(f"load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after; preflight {preflight:.1f} s"
          + (f"; REDIS_URL ignored (sweeps ran in this machine's diskcache mode)" if redis else ""))
    for desc, formula in plan.formulas:
        print(f"formula: {desc}: {formula[:70]}{'…' if len(formula) > 70 else ''}")
    for name in plan.sweeps:
        print(f"sweep setting: {name}")
    for note in plan.notes:
        print(f"note: {note}")
    print(f"requests built: {', '.join(plan.built) if plan.built else 'none'}")
    for problem in plan.problems:
        print(f"NOT BUILT: {problem}")

    st = counts.by_kind.get("student", Tally())
    lat = sorted(st.ok_latencies)        # students' answers that did the work
    rate = st.ok / elapsed if elapsed else math.nan
    print()
    print(f"{'requests':<40} {'sent':>6} {'ok':>6} {'refused':>8} {'errors':>7} {'cut':>5} "
          f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>9}")
    rows = [("student (lr drag)", st)] + sorted(((k, v) for k, v in counts.by_kind.items() if k != "student"),
                                                key=lambda kv: kv[0])
    for name, t in rows:
        values = sorted(t.latencies)
        worst = f"{1000 * values[-1]:,.0f}" if values else "-"
        print(f"{name[:40]:<40} {t.sent:>6} {t.ok:>6} {t.refused:>8} {t.errors:>7} {t.cut:>5} "
              f"{_ms(values, 50):>8} {_ms(values, 95):>8} {_ms(values, 99):>8} {worst:>9}")
    print(f"sweeps started and abandoned (answered with a job handle, never polled): {counts.jobs}")
    print()
    p95 = percentile(lat, 95)
    print(f"students: {st.ok} answers ({rate:.1f}/s), latency ms p50 {_ms(lat, 50)}   p95 {_ms(lat, 95)}   "
          f"p99 {_ms(lat, 99)}   errors {st.errors}   refused {st.refused}")
    for name, t in rows:
        for s in t.samples:
            print(f"  {name}: {s[:300]}")

    fails = []
    if monitor is not None and monitor.samples:
        run_samples = monitor.samples[mark:]
        before = monitor.samples[:mark] or monitor.samples[:1]
        first, last = run_samples[0], run_samples[-1]
        top = max(run_samples, key=lambda x: x.rss)
        peak = {k: max(getattr(x, k) for x in run_samples) for k in ("rss", "pss", "processes", "disk")}
        print(f"server tree RSS MB: start {first.rss:,.0f}   peak {peak['rss']:,.0f}   end {last.rss:,.0f}   "
              f"(bound {args.max_rss_mb:,.0f});  processes: start {first.processes}   peak {peak['processes']}   "
              f"end {last.processes}")
        print(f"server tree PSS MB (shared pages counted once): start {first.pss:,.0f}   peak {peak['pss']:,.0f}   "
              f"end {last.pss:,.0f}")
        print(f"  at the RSS peak: workers {top.workers_rss:,.0f} MB, {top.processes - 1 - len(workers_before)} "
              f"other processes (sweep fork servers and jobs) {top.others_rss:,.0f} MB, "
              f"master {top.rss - top.workers_rss - top.others_rss:,.0f} MB")
        print(f"  before the run (start-up, preflight, warm-up): RSS peak {max(x.rss for x in before):,.0f} MB, "
              f"{max(x.processes for x in before)} processes, cache {max(x.disk for x in before):.1f} MB")
        for pid, series in sorted(monitor.workers.items()):
            during = [r for t, r in series if t >= first.t - 0.01] or [math.nan]
            print(f"worker {pid} RSS MB: booted {series[0][1]:.0f}   run start {during[0]:.0f}   "
                  f"peak {max(during):.0f}   end {during[-1]:.0f}")
        print(f"cache directory MB: peak {peak['disk']:.1f}   end {disk_end:.1f}   "
              f"(bound {args.max_disk_mb:,.0f}; removed)")
        timeline = [monitor.at(first.t + f * args.seconds) for f in (0, .25, .5, .75, 1)]
        print("tree RSS / PSS MB at 0/25/50/75/100 % of the run: "
              + " → ".join(f"{x.rss:,.0f}/{x.pss:,.0f}" for x in timeline if x is not None))
        worst_rss = max(peak["rss"], max(x.rss for x in before))
        worst_disk = max(peak["disk"], max(x.disk for x in before), disk_end)
        if worst_rss > args.max_rss_mb:
            fails.append(f"the server's tree reached {worst_rss:,.0f} MB RSS (bound {args.max_rss_mb:,.0f})")
        if worst_disk > args.max_disk_mb:
            fails.append(f"the cache directory reached {worst_disk:,.0f} MB (bound {args.max_disk_mb:,.0f})")
        if monitor.abort_reason:
            fails.append(f"run stopped early: {monitor.abort_reason}")
    timeouts = len(re.findall(r"WORKER TIMEOUT", log_text))
    tracebacks = len(re.findall(r"Traceback", log_text))
    print(f"gunicorn log: {timeouts} worker timeouts, {tracebacks} tracebacks; "
          f"left over 3 s after gunicorn stopped, killed: {len(leftovers)} processes")
    for name in leftovers[:8]:
        print(f"  killed {name}")
    if workers_before and workers_after != workers_before:
        counts.errors.append(f"workers changed during the run: {workers_before} -> {workers_after}")
    if plan.problems:
        fails.append(f"{len(plan.problems)} request kinds could not be built")
    if counts.errors:
        fails.append(f"{len(counts.errors)} errors")
        for err in counts.errors[:10]:
            print("error:", err[:300])
    if not lat:
        fails.append("no student got an answer")
    elif p95 > args.max_p95:
        fails.append(f"students' p95 {1000 * p95:,.0f} ms > {1000 * args.max_p95:,.0f} ms")
    if st.refused and not args.allow_student_refusals:
        fails.append(f"{st.refused} student requests refused")
    print("result:", "PASS" if not fails else "FAIL — " + "; ".join(fails))
    return 1 if fails else 0


