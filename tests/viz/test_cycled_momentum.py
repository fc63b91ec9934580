"""CyclicLR and OneCycleLR cycle the momentum (or β₁) by default, as torch does: the run, its
update rule and the lr panel say so, and the rule starts from the schedule's own first lr."""
import numpy as np
import pytest

from tests.viz.helpers import default_args
from viz import equations, figures, ids, urlstate
from viz.callbacks.scene import scene_response
from viz.scene import compute

CYCLIC = "?surface=ravine&steps=200&run=SGD:lr=0.0105&run=SGD:lr=0.0105,momentum=0.9&schedule=CyclicLR"
ONE_CYCLE = "?surface=ravine&steps=200&run=SGD:lr=0.0105&run=Adam:lr=0.0105&schedule=OneCycleLR"


def scene(query):
    config, notices = urlstate.decode(query)
    assert notices == []
    return config, compute(config)


def test_plain_sgd_under_cyclic_lr_runs_with_momentum_and_says_so():
    config, s = scene(CYCLIC)
    plain, heavy = s.results
    # As in torch: the schedule's momentum replaces both runs' own, so they are one run.
    np.testing.assert_array_equal(plain.path, heavy.path)
    assert plain.note == "momentum μ cycled 0.8–0.9 by CyclicLR (its own μ = 0 is not used: it runs with momentum)"
    assert heavy.note == "momentum μ cycled 0.8–0.9 by CyclicLR (its own μ = 0.9 is not used)"
    table = str(scene_response(ids.SCHEDULES, **default_args(
        steps=200, runs=urlstate.run_records(config), schedules_store=urlstate.schedule_store(config)))[4])
    assert "momentum μ cycled 0.8–0.9 by CyclicLR" in table
    status = figures.status_text(s.results, [])
    assert "SGD #1: momentum μ cycled 0.8–0.9 by CyclicLR (its own μ = 0 is not used" in status


def test_no_note_without_cycling():
    config, s = scene(CYCLIC.replace("schedule=CyclicLR", "schedule=CyclicLR:cycle_momentum=0"))
    assert all(r.note == "" and r.cycled == {} for r in s.results)
    assert figures.status_text(s.results, []) == ""
    config, s = scene("?surface=ravine&steps=200&run=SGD:lr=0.01&schedule=StepLR")
    assert s.results[0].note == ""


def test_the_update_rule_writes_the_cycled_momentum_and_the_schedule_s_first_lr():
    config, _ = scene(CYCLIC)
    text = equations.markdown(config)
    assert r"w \leftarrow w - {\eta_t}\,g" not in text          # not plain SGD: it has momentum
    assert r"v \leftarrow {\mu_t}\,v + g" in text and r"w \leftarrow w - {\eta_t}\,v" in text
    assert r"\mu_t \in [0.8,\ 0.9]" in text
    assert "η₀ = 0.001" in text and "η₀ = 0.0105" not in text and "0.0105 is not used" in text
    config, _ = scene(ONE_CYCLE)
    text = equations.markdown(config)
    # OneCycleLR starts at max_lr / div_factor = 0.1 / 25.
    assert "OneCycleLR from η₀ = 0.004" in text and "η₀ = 0.0105" not in text
    assert r"m \leftarrow {\beta_{1,t}}\,m" in text and r"\beta_{1,t} \in [0.85,\ 0.95]" in text
    assert "cycles β₁ between 0.85 and 0.95" in text
    # A warmup's rule starts from its own first lr, and says the base lr.
    config, _ = scene("?surface=ravine&steps=200&run=SGD:lr=0.3&schedule=LinearLR")
    assert "LinearLR from η₀ = 0.1 at step 0 (base lr 0.3)" in equations.markdown(config)


def test_the_lr_panel_labels_each_cycled_curve():
    _, s = scene(ONE_CYCLE)
    fig = figures.lr_figure(s.results)
    dotted = [t for t in fig["data"] if t.get("yaxis") == "y2"]
    assert [t["name"] for t in dotted] == ["SGD: momentum μ (cycled)", "Adam: β₁ (cycled)"]
    assert all(t["showlegend"] and t["line"]["dash"] == "dot" for t in dotted)
    assert not any(t.get("showlegend") for t in fig["data"] if t.get("yaxis") != "y2")
    assert fig["layout"]["showlegend"] is True
    assert "momentum μ / β₁" in fig["layout"]["yaxis2"]["title"]["text"]
    _, s = scene(CYCLIC)
    fig = figures.lr_figure(s.results)
    assert fig["layout"]["yaxis2"]["title"]["text"] == "cycled momentum μ"
    assert "cycled momentum μ (dotted)" in fig["layout"]["title"]["text"]


@pytest.mark.parametrize("query", [CYCLIC, ONE_CYCLE])
def test_the_cycled_range_is_what_the_run_used(query):
    _, s = scene(query)
    for r in s.results:
        (seq,) = r.cycled.values()
        assert f"{seq.min():.3g}–{seq.max():.3g}" in r.note
