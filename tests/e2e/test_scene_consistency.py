"""One consistent scene in headless Chromium: a landscape cell loaded after a preset, a run that
leaves the plot, a preset opened by its key alone, and a schedule that cycles the momentum."""
import re

import numpy as np
import pytest

import surfaces
from tests.e2e.helpers import FIRST_SLOT, HEADS, settle, wait_for_runs_drawn
from tests.e2e.test_sweep import TRAJECTORY_VIEW_SHOWN, click_plot, open_landscape
from tests.e2e.test_teaching import click_preset
from viz import urlstate
from viz.scene import compute

pytestmark = pytest.mark.browser

CONTOUR = """() => {
    const gd = document.querySelector('#contour-graph .js-plotly-plot');
    return {minima: [Array.from(gd._fullData[1].x), Array.from(gd._fullData[1].y)],
            xrange: gd.layout.xaxis.range, yrange: gd.layout.yaxis.range,
            legend: gd._fullData.filter(d => d.showlegend).map(d => d.name),
            runs: gd._fullData.filter(d => d.index >= %d && d.index < %d && d.x && d.x.length).map(d => d.name)};
}""" % (FIRST_SLOT, HEADS)


def test_a_landscape_cell_after_a_preset_is_one_consistent_scene(page):
    click_preset(page, "adam-rosenbrock")
    wait_for_runs_drawn(page, ["Adam #1", "Adam #2"])
    assert page.locator("#preset-caption").is_visible()
    open_landscape(page)                    # sweeps SGD on the ravine by itself on first open
    click_plot(page, 0.455, 0.405)
    page.wait_for_function(TRAJECTORY_VIEW_SHOWN)
    ravine = surfaces.get("ravine")
    (x0, x1), (y0, y1) = ravine.bounds
    # The contour, its window, its minimum and its legend are the ravine's and the one new run's ...
    page.wait_for_function("([x0, x1]) => { const c = (" + CONTOUR + ")(); return c.xrange[0] === x0"
                           " && c.xrange[1] === x1 && c.minima[0].length === 1 && c.minima[0][0] === 0"
                           " && c.minima[1][0] === 0; }", arg=[x0, x1])
    wait_for_runs_drawn(page, ["SGD"])
    # ... the caption is closed and the preset has left the URL.
    page.wait_for_function("() => !window.location.search.includes('preset=')"
                           " && window.location.search.includes('surface=ravine')")
    settle(page, 1000)
    contour = page.evaluate(CONTOUR)
    assert contour["xrange"] == [x0, x1] and contour["yrange"] == [y0, y1]
    assert contour["legend"] == ["minimum", "start", "SGD"] and contour["runs"] == ["SGD"]
    assert page.locator("#preset-caption-box").is_hidden()
    assert "preset=" not in page.evaluate("() => window.location.search")
    assert page.locator("#surface-picker").text_content().startswith("Ravine")
    # The lr written into the box and the URL is what the lr box resolves: 3 significant digits.
    lr = re.search(r"run=SGD:lr=([0-9.e-]+)", page.evaluate("() => window.location.search")).group(1)
    assert float(lr) == float(f"{float(lr):.3g}")
    assert float(page.locator(".card input[type=number]").input_value()) == float(lr)
    assert page.console.errors() == []


def test_a_run_that_leaves_the_plot_keeps_its_cross_on_the_edge(page, server_url):
    search = "?surface=ravine&start=10,1&steps=100&run=SGD:lr=0.15&run=SGD:lr=0.05"
    config, _ = urlstate.decode(search)
    scene = compute(config)
    gone = scene.results[0]
    assert gone.diverged_at > 0
    # Where the path last crossed the window's edge: the segment from its last point inside.
    (x0, x1), (y0, y1) = scene.surface.bounds
    path = gone.path[:gone.diverged_at]
    inside = np.flatnonzero((path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1))
    a, b = path[inside[-1]], path[inside[-1] + 1]
    edge = y1 if b[1] > y1 else y0                  # the ravine's run leaves through the top or bottom
    t = (edge - a[1]) / (b[1] - a[1])
    expected = (a[0] + t * (b[0] - a[0]), edge)
    page.goto(server_url + "/" + search)
    page.wait_for_selector("#contour-graph .main-svg")
    wait_for_runs_drawn(page, ["SGD #1", "SGD #2"])
    settle(page)
    # The playback redraws the heads in the browser: step back and forth, then read them.
    page.locator("#step-back").click()
    page.locator("#step-forward").click()
    settle(page)
    heads = page.evaluate("""(i) => { const t = document.querySelector('#contour-graph .js-plotly-plot')._fullData
        .find(d => d.index === i); return [Array.from(t.x), Array.from(t.y), t.marker.symbol]; }""", HEADS)
    assert x0 <= heads[0][0] <= x1 and y0 <= heads[1][0] <= y1
    np.testing.assert_allclose([heads[0][0], heads[1][0]], expected, rtol=1e-5)
    assert heads[2][0] == "x"
    # The cross is drawn inside the plot area (on its edge), not off-screen.
    inside = page.evaluate("""(i) => {
        const gd = document.querySelector('#contour-graph .js-plotly-plot');
        const area = gd.querySelector('.nsewdrag').getBoundingClientRect();
        const uid = gd._fullData.find(d => d.index === i).uid;
        const group = gd.querySelector('.scatterlayer .trace' + uid);
        const cross = group.querySelector('.point').getBoundingClientRect();
        const cx = cross.x + cross.width / 2, cy = cross.y + cross.height / 2;
        return cross.width > 0 && cx >= area.left - 1 && cx <= area.right + 1
            && cy >= area.top - 1 && cy <= area.bottom + 1;
    }""", HEADS)
    assert inside
    assert page.console.errors() == []


def test_a_preset_key_alone_opens_the_preset(page, server_url):
    page.goto(server_url + "/?preset=ravine")
    page.wait_for_selector("#contour-graph .main-svg")
    page.wait_for_function("() => document.querySelectorAll('.card').length === 2")
    wait_for_runs_drawn(page, ["SGD #1", "SGD #2"])
    caption = page.locator("#preset-caption")
    caption.wait_for(state="visible")
    assert "(4.6, −0.8)" in caption.text_content()
    page.wait_for_function("() => window.location.search.includes('surface=ravine')"
                           " && window.location.search.includes('preset=ravine')")
    assert page.locator("#steps-input").input_value() == "100"
    assert page.locator("#link-notice").inner_text() == ""
    assert page.console.errors() == []


def test_a_cycled_momentum_is_said_on_the_run_the_rules_and_the_lr_panel(page, server_url):
    page.goto(server_url + "/?surface=ravine&steps=200&run=SGD:lr=0.0105&schedule=CyclicLR")
    page.wait_for_selector("#contour-graph .main-svg")
    page.wait_for_function("() => document.getElementById('results-table').textContent"
                           ".includes('momentum μ cycled 0.8–0.9 by CyclicLR')")
    page.wait_for_function("() => document.getElementById('equations').textContent"
                           ".includes('cycles momentum μ between 0.8 and 0.9')")
    rules = page.locator("#equations").inner_text()
    assert "from η₀ = 0.001" in rules and "η₀ = 0.0105" not in rules
    legend = page.evaluate("""() => Array.from(document.querySelectorAll('#lr-graph .legendtext'))
        .map(e => e.textContent)""")
    assert legend == ["SGD: momentum μ (cycled)"]
    assert "it runs with momentum" in page.locator("#status").inner_text()
    assert page.console.errors() == []
