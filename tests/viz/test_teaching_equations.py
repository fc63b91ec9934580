"""The equations panel: a template for every registered optimizer, with the current values substituted."""
import re

import optimizers
import pytest

from viz import equations, presets, urlstate
from viz.callbacks.teaching import equations_response
from viz.runs import default_values, flat_params


@pytest.mark.parametrize("name", list(optimizers.names()))
def test_every_registered_optimizer_has_an_update_rule(name):
    assert name in equations.EQUATIONS
    values = default_values(name)
    lines = equations.lines(name, values)
    assert lines and any(r"\leftarrow" in line for line in lines)
    placeholders = {m for t, _ in equations.EQUATIONS[name] for m in re.findall(r"\{([a-z_0-9]+)\}", t)}
    names = {h.name for h in flat_params(name)}
    every = {h.name for other in optimizers.names() for h in flat_params(other)}
    assert placeholders & every <= names              # no placeholder of another optimizer's parameter
    assert not any("{" + p + "}" in line for line in lines for p in names)   # all substituted
    assert all(line.count("{") == line.count("}") for line in lines)


def test_values_and_switches_are_substituted():
    values = default_values("SGD") | {"lr": 0.1, "momentum": 0.9}
    assert equations.lines("SGD", values) == [r"v \leftarrow {0.9}\,v + g \quad (v_1 = g)", r"w \leftarrow w - {0.1}\,v"]
    nesterov = equations.lines("SGD", values | {"nesterov": True, "weight_decay": 1e-4})
    assert nesterov[0] == r"g \leftarrow \nabla L(w) + {10^{-4}}\,w" and r"g + {0.9}\,v" in nesterov[-1]
    adam = " ".join(equations.lines("Adam", default_values("Adam") | {"lr": 1e-3}))
    assert "{0.999}" in adam and "{10^{-8}}" in adam and "{0.001}" in adam
    assert equations.number(1.5e-4) == r"1.5 \times 10^{-4}" and equations.number(float("nan")) == r"\text{?}"


def test_a_scheduled_lr_is_written_eta_t():
    config, _ = urlstate.decode("?" + presets.get("momentum-notations").query)
    text = equations.markdown(config)
    assert r"\Delta w \leftarrow {0.9}\,\Delta w + {\eta_t}\,g" in text and "StepLR from η₀ = 0.1" in text
    assert text.count("$$") == 4


def test_the_panel_follows_the_url_state_and_survives_junk():
    assert "SGD #1" in equations_response({"search": ""})
    assert "Newton" in equations_response({"search": "?" + presets.get("newton").query})
    for junk in (None, 5, {"search": 7}, {"search": "?surface=ravine&run=Nope"}, {"search": "?" + "x" * 9000}):
        assert isinstance(equations_response(junk), str)
