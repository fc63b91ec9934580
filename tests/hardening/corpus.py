"""The fixed corpus of hostile callback values, shared by the fuzz and statelessness tests."""
import math

from scripts.dash_requests import RequestBuilder, multi_valued, parse_id

# (name, value): values JSON can carry, every one wrong for some input.
HOSTILE = [
    ("empty string", ""),
    ("10 KB string", "x" * 10_240),
    ("number-like string", "1e999"),
    ("None", None),
    ("True", True),
    ("False", False),
    ("zero", 0),
    ("negative", -1),
    ("1e308", 1e308),
    ("-1e308", -1e308),
    ("2**64", 2 ** 64),
    ("10**30", 10 ** 30),
    ("empty list", []),
    ("nested list", [[[1, [2, [3]]]], "x"]),
    ("list of junk", [None, "x", {"a": 1}, 1e308]),
    ("nested dict", {"a": {"b": [1, {"c": None}]}, "id": "r1", "optimizer": "SGD", "name": "StepLR",
                     "params": {"gamma": "x"}, "shared": 5, "points": [{"x": "1e999"}]}),
]
# Not JSON at all: a browser never sends these (JSON.stringify writes null).
NOT_JSON = [("NaN", math.nan), ("Infinity", math.inf), ("-Infinity", -math.inf), ("10**400", 10 ** 400)]
ODD_ID_VALUE = "__proto__"     # wildcard value of an extra pattern-matching component


def hostile_body(builder: RequestBuilder, i: int, value) -> dict:
    """A request with ``value`` in every component of dependency ``i`` (inputs first, then state).

    An ALL pattern also gets one more component, with an odd id, wherever it appears
    (outputs, inputs, state), as if such a component existed. The changed input is
    dependency ``i`` itself, or the first input when ``i`` is a state.
    """
    dep = builder.deps[i]
    comps = [{**c, "value": value} for c in builder.default(i)]
    pattern = parse_id(dep["id"])
    extra = {}
    if multi_valued(pattern):
        odd = {k: (ODD_ID_VALUE if isinstance(v, list) else v) for k, v in pattern.items()}
        comps.append({"id": odd, "property": dep["property"], "value": value})
        extra[dep["id"]] = [odd]
    return builder.body({i: comps}, (i, 0) if i < builder.n_inputs else (0, 0), extra)
