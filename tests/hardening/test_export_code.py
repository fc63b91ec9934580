"""No code through a link: exported scripts and shown formulas come from parsed trees.

Found over HTTP: a link whose formula had a newline and `import os; os.system(...)`
(or `(lambda: __import__('os')...)() or ...`) put that code into the exported PyTorch
script; a `#` in an lr_lambda made a script that did not compile; a `#` comment in a
formula became a link in the contour's title. Every generated script is walked with
`ast` here and may use only the names, attributes and imports that the template itself
uses (collected from scripts of trusted configurations).
"""
import ast
import json
from functools import lru_cache
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import surfaces
from scripts.dash_requests import RequestBuilder, encode
from viz import ids, presets
from viz.callbacks.teaching import default_config
from viz.exports import export
from viz.urlstate import decode

from .conftest import post, strict_json

PWNED = ("?surface=custom&f=sin(x)*cos(y)%20%2B%200.1*(x**2%20%2B%20y**2)%0Aimport%20os%3B%20os.system("
         "'echo%20PWNED')%0Ax%20%3D%200&start=1,1&steps=20&run=SGD:lr=0.01")
LAMBDA = "?surface=custom&f=" + quote("(lambda: __import__('os').system('echo PWNED'))() or x**2 + y**2") + \
    "&start=1,1&steps=20&run=SGD:lr=0.01"
HASH_LAMBDA = "?surface=ravine&steps=20&run=SGD:lr=0.01&schedule=LambdaLR:lr_lambda=0.95**t%20%23%20)"
HASH_FORMULA = "?surface=custom&f=" + quote('x**2 + y**2 # <a href="https://evil.example">answers</a>') + \
    "&start=1,1&steps=20&run=SGD:lr=0.01"


def _walk(source: str) -> tuple[set, set, set]:
    """Names (loaded, stored, arguments, definitions), attributes and imported modules of a script."""
    tree = ast.parse(source)
    names, attrs, imports = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Attribute):
            attrs.add(node.attr)
        elif isinstance(node, ast.Import):
            imports.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            imports.update(f"{node.module}.{a.name}" for a in node.names)
    return names, attrs, imports


def _trusted_scripts() -> list[str]:
    """Scripts of configurations no user wrote: the default scene, every preset, a custom formula
    using every allowed function, and every lambda schedule."""
    from surfaces.formula import FUNCTIONS

    every = " + ".join(f"{fn}(x, y)" if FUNCTIONS[fn][0] == 2 else f"{fn}(x)" for fn in FUNCTIONS)
    queries = [p.query for p in presets.names().values()] + [
        "surface=custom&f=" + quote(every + " + pi + e") + "&start=1,1&steps=20&run=SGD:lr=0.01",
        "surface=ravine&steps=20&run=SGD:lr=0.01&schedule=LambdaLR:lr_lambda=" + quote("max(0.1, 0.95**t)"),
        "surface=ravine&steps=20&run=SGD:lr=0.01&schedule=MultiplicativeLR:lr_lambda=0.99",
    ] + [f"surface=ravine&steps=20&run={name}" for name in ("Momentum", "LocalGains", "Lion", "Newton", "SWATS")]
    configs = [default_config()] + [decode("?" + q)[0] for q in queries]
    out = []
    for config in configs:
        payload, notice = export("torch", config)
        assert payload is not None, notice
        out.append(payload["content"])
    return out


@lru_cache(maxsize=1)
def allowed() -> tuple[frozenset, frozenset, frozenset]:
    names, attrs, imports = set(), set(), set()
    for source in _trusted_scripts():
        n, a, i = _walk(source)
        names |= n
        attrs |= a
        imports |= i
    return frozenset(names), frozenset(attrs), frozenset(imports)


def check_script(source: str) -> None:
    """The script compiles and uses only the template's names, attributes and imports."""
    names, attrs, imports = _walk(source)
    ok_names, ok_attrs, ok_imports = allowed()
    assert names <= ok_names, f"names not in the template: {sorted(names - ok_names)}"
    assert attrs <= ok_attrs, f"attributes not in the template: {sorted(attrs - ok_attrs)}"
    assert imports <= ok_imports, f"imports not in the template: {sorted(imports - ok_imports)}"
    compile(source, "trajectories_torch.py", "exec")


def test_the_allowed_set_is_the_template_s_own():
    names, attrs, imports = allowed()
    assert {"torch", "math", "np", "sin", "f", "run", "START"} <= names
    assert not {"os", "system", "__import__", "eval", "exec", "open", "subprocess"} & (names | attrs)
    assert imports == {"builtins", "json", "math", "sys", "numpy", "torch", "torch.cos", "torch.exp", "torch.sin",
                       "torch.sqrt", "torch.tan", "torch.tanh", "torch.log"}


@pytest.mark.parametrize("query, what", [(PWNED, "custom formula"), (LAMBDA, "custom formula"),
                                         (HASH_FORMULA, "custom formula")])
def test_a_formula_that_does_not_parse_exports_nothing_and_says_why(query, what):
    config, _ = decode(query)
    payload, notice = export("torch", config)
    assert payload is None and f"the {what} does not parse" in notice


def test_a_hash_in_lr_lambda_is_refused_where_the_link_is_read():
    config, notices = decode(HASH_LAMBDA)
    assert config.runs[0].schedule is None and any("comments" in n for n in notices)
    payload, notice = export("torch", config)
    check_script(payload["content"])


def test_the_formula_is_printed_from_its_tree():
    s = surfaces.custom("ｓｉｎ(ｘ)*cos(y)   +0.1*(x**2+y**2)")
    assert s.title == "f(x, y) = sin(x) * cos(y) + 0.1 * (x**2 + y**2)"
    config, _ = decode("?surface=custom&f=" + quote("ｓｉｎ(ｘ) + y**2") + "&start=1,1&steps=20&run=SGD:lr=0.01")
    payload, _ = export("torch", config)
    assert "    return sin(x) + y**2\n" in payload["content"]
    with pytest.raises(ValueError, match="comments"):
        surfaces.custom('x**2 + y**2 # <a href="https://evil.example">answers</a>')


def test_the_surface_s_title_and_formula_are_the_parsed_tree():
    s = surfaces.custom("x**2+y**2")
    assert s.title == "f(x, y) = x**2 + y**2" and s.formula == "x**2 + y**2"
    for text in ("x**2+y**2 # <a href='x'>", "x**2\nimport os"):
        with pytest.raises(ValueError):
            surfaces.custom(text)


def _download_body(client, dependencies, layout_index, search: str, button: str) -> dict:
    dep = next(d for d in dependencies if d["output"].startswith(f"..{ids.DOWNLOAD}.data"))
    builder = RequestBuilder(dep, layout_index)
    index = next(i for i, d in enumerate(builder.deps) if d["id"] == button)
    state = next(i for i, d in enumerate(builder.deps) if d["id"] == ids.URL_STATE)
    body = builder.body(items={index: [{"id": button, "property": "n_clicks", "value": 1}],
                               state: [{"id": ids.URL_STATE, "property": "data", "value": {"search": search}}]},
                        trigger=(index, 0))
    resp = post(client, encode(body))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return strict_json(resp.get_data(as_text=True))["response"]


@pytest.mark.parametrize("query", [PWNED, LAMBDA, HASH_FORMULA])
def test_over_http_the_export_refuses_a_link_with_code(client, dependencies, layout_index, query):
    response = _download_body(client, dependencies, layout_index, query, ids.EXPORT_TORCH)
    assert ids.DOWNLOAD not in response                       # nothing to download ...
    assert "does not parse" in response[ids.EXPORT_NOTICE]["children"]   # ... and the page says why


def test_over_http_a_good_link_exports_a_clean_script(client, dependencies, layout_index):
    query = "?surface=custom&f=" + quote("sin(x)*cos(y) + 0.1*(x**2 + y**2)") + "&start=1,1&steps=20&run=SGD:lr=0.01"
    response = _download_body(client, dependencies, layout_index, query, ids.EXPORT_TORCH)
    check_script(response[ids.DOWNLOAD]["data"]["content"])
    assert response[ids.EXPORT_NOTICE]["children"] == ""


# Pieces an attacker would try: comments, newlines, statements, lambdas, dunders, strings, look-alikes.
PIECES = ["x", "y", "t", "x**2", "0.95**t", "+", "-", "*", "/", "**", "(", ")", ",", " ", "#", "\n", "\r", ";",
          "\\", "'", '"', "lambda: ", "lambda t: ", "__import__('os')", ".system", "('echo PWNED')", "import os",
          "exec", "eval", "open", "or", "and", "if", "else", "sin(", "max(", "ｘ", "ｓｉｎ(", "ｅｘｅｃ", "ᵉval",
          "ｏｓ", "\u2028", "\u00a0", "\u200b", "1e308", "0x10", "1_0", "[0]", "{}", ":=", "@", "%", "<a href='x'>",
          "pi", "e", "# )", "`"]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join) | st.text(max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formula=texts, lam=texts)
def test_any_formula_or_lambda_from_a_link_exports_only_template_code(formula, lam):
    query = (f"?surface=custom&f={quote(formula)}&start=1,1&steps=10&run=SGD:lr=0.01"
             f"&schedule=LambdaLR:lr_lambda={quote(lam)}")
    config, _ = decode(query)
    if config is None:
        return
    payload, notice = export("torch", config)
    if payload is None:
        assert notice.startswith("Nothing exported") or notice.startswith("Not computed")
        return
    check_script(payload["content"])
    # The formula's line is the parsed tree's own printing: no comment, nothing after it.
    line = payload["content"].split("def f(w):\n    x, y = w[0], w[1]\n    return ", 1)[1].split("\n", 1)[0]
    assert "#" not in line and surfaces.parse_formula(line).text == line


def test_every_preset_script_passes_the_check():
    for source in _trusted_scripts():
        check_script(source)
        assert json.dumps(source)   # plain text
