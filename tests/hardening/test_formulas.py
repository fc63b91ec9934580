"""The formula attack corpus through the real scene callback, over HTTP, as a hostile page would send it.

Each attack is typed into the custom-formula box (surface "custom", the formula as the
trigger). The answer must be a 200 with strict JSON whose formula-error output says
what is wrong, while the plots stay as they were (no update); a valid formula after
them still draws. Unit tests of the parser (tests/surfaces/test_formula.py) time each
attack; here it is the whole request path.
"""
import json

import pytest

from scripts.dash_requests import RequestBuilder, encode
from tests.hardening.conftest import call, strict_json
from tests.surfaces.test_formula import ATTACKS
from viz import ids

LONG = {"10 KB": "x+" * 5120, "1 MB of digits": "1" * 200_000}   # the body limit (256 KB) answers the rest


@pytest.fixture(scope="module")
def scene(callbacks, layout_index):
    dep = next(d for d in callbacks if d["output"].startswith(f"..{ids.CONTOUR}.figure"))
    return RequestBuilder(dep, layout_index)


def post_formula(client, builder, formula):
    index = {f"{d['id']}": i for i, d in enumerate(builder.deps)}
    surface, box = index[ids.SURFACE], index[ids.FORMULA]
    items = {surface: [{**builder.default(surface)[0], "value": "custom"}],
             box: [{**builder.default(box)[0], "value": formula}]}
    return call(client, builder.dep, encode(builder.body(items, trigger=(box, 0))))


def outputs(resp) -> dict:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    text = resp.get_data(as_text=True)
    assert "Traceback" not in text
    return strict_json(text)["response"]


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attacks_are_refused_with_a_message(client, scene, name):
    out = outputs(post_formula(client, scene, ATTACKS[name]))
    message = out[ids.FORMULA_ERROR]["children"]
    assert isinstance(message, str) and message, name
    assert ids.CONTOUR not in out                 # the last good plots stay


@pytest.mark.parametrize("name", sorted(LONG))
def test_long_formulas_are_refused(client, scene, name):
    resp = post_formula(client, scene, LONG[name])
    if resp.status_code == 413:                   # over the body limit: refused before any parsing
        assert "message" in json.loads(resp.get_data(as_text=True))
        return
    assert "long" in outputs(resp)[ids.FORMULA_ERROR]["children"].lower()


def test_a_valid_formula_still_draws_after_the_attacks(client, scene):
    for formula in ATTACKS.values():
        post_formula(client, scene, formula)
    out = outputs(post_formula(client, scene, "sin(x)*cos(y) + 0.1*(x**2 + y**2)"))
    assert out[ids.FORMULA_ERROR]["children"] == ""
    assert out[ids.CONTOUR]["figure"]["data"][0]["type"] == "contour"
