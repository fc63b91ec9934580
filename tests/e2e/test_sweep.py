"""The landscape view in headless Chromium: sweep, click a cell, see it in the trajectory view."""
import numpy as np
import pytest

import optimizers
import surfaces
from tests.e2e.helpers import pick, unlabelled_controls
from viz.controls import show
from viz.runs import flat_params, to_kwargs
from viz.sweep import compute
from viz.sweep.figures import positions
from viz.sweep.layout import DEFAULT

pytestmark = pytest.mark.browser

HEATMAP_DRAWN = """(title) => {
    const gd = document.querySelector('#sweep-graph .js-plotly-plot');
    return gd && gd._fullData && gd._fullData.length && gd._fullData[0].type === 'heatmap'
        && gd._fullLayout.title.text.includes(title); }"""


def open_landscape(page, title="final loss"):
    first = page.locator("#sweep-graph").count() == 0
    page.locator("#view-landscape").click()
    page.wait_for_function(HEATMAP_DRAWN, arg=title)
    assert page.locator("#view-landscape").get_attribute("aria-pressed") == "true"
    assert not page.locator("#trajectory-view").is_visible()
    if first:      # mounted on this first open: its controls are labelled too
        assert unlabelled_controls(page) == []


TRAJECTORY_VIEW_SHOWN = "() => document.getElementById('trajectory-view').offsetParent !== null"


def click_plot(page, fx: float, fy: float):
    """Click at a fraction of the heatmap's plot area, as a user does, until the trajectory view
    opens; return the plot coordinates clicked. A click that lands while a busy machine's browser
    is still settling the heatmap can go unseen by Plotly: like a user, click again (at most 3 times)."""
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")
    plot = page.locator("#sweep-graph .nsewdrag").first
    box = plot.bounding_box()
    px, py = box["width"] * fx, box["height"] * fy
    x, y = page.evaluate("""([px, py]) => {
        const l = document.querySelector('#sweep-graph .js-plotly-plot')._fullLayout;
        return [l.xaxis.p2d(px), l.yaxis.p2d(py)]; }""", [px, py])
    for attempt in range(3):
        plot.click(position={"x": px, "y": py})
        try:
            page.wait_for_function(TRAJECTORY_VIEW_SHOWN, timeout=15000)
            break
        except Exception:
            if attempt == 2:
                raise
    return x, y


def test_sweep_then_click_a_cell_to_open_it(page):
    open_landscape(page)
    status = page.locator("#sweep-status").text_content()
    assert "10,000 runs × 500 steps" in status and "α* = 0.115" in status
    names = [t["name"] for t in page.evaluate(
        "() => document.querySelector('#sweep-graph .js-plotly-plot').data.map(t => ({name: t.name}))")]
    assert "diverged" in names and any("optimum" in (n or "") for n in names)
    # Every visible control of the view has a label that names it.
    unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll(
            '#landscape-view input, #landscape-view .dash-dropdown-wrapper button, #landscape-view progress'))
        .filter(i => i.offsetParent !== null && i.type !== 'hidden' && i.getAttribute('aria-hidden') !== 'true')
        .filter(i => !(i.labels && i.labels.length) && !i.getAttribute('aria-label')
                     && !i.getAttribute('aria-labelledby') && !i.closest('label'))
        .map(i => i.id || i.outerHTML.slice(0, 80))""")
    assert unlabelled == []

    x, y = click_plot(page, 0.455, 0.405)   # a cell centre (100 cells): lr ≈ 0.006, momentum ≈ 0.6
    params = compute.axis_params("SGD", "ravine")
    spec = compute.make_spec(x=("lr", *compute.default_range("lr", params["lr"], "SGD", "ravine")),
                             y=("momentum", *compute.default_range("momentum", params["momentum"], "SGD", "ravine")),
                             n=DEFAULT["n"], steps=DEFAULT["steps"])
    i, j = compute.nearest_cell(spec, x, y, positions)
    cell = compute.cell_config(spec, i, j)
    page.wait_for_function(TRAJECTORY_VIEW_SHOWN)
    assert page.locator("#view-trajectories").get_attribute("aria-pressed") == "true"
    page.wait_for_function("() => document.querySelectorAll('.card').length === 1")
    # The cell's values as the trajectory view's controls resolve them: the lr box's 3 significant
    # digits, the momentum slider's read-out.
    momentum = next(h for h in flat_params("SGD") if h.name == "momentum")
    values = cell["values"] | {"lr": float(f"{cell['values']['lr']:.3g}"),
                               "momentum": float(show(momentum, cell["values"]["momentum"]))}
    page.wait_for_function("""(lr) => {
        const box = document.querySelector('.card input[type=number]');
        return box && parseFloat(box.value) === lr; }""", arg=values["lr"])
    page.wait_for_function("(text) => document.querySelector('.card').textContent.includes('momentum μ = ' + text)",
                           arg=show(momentum, values["momentum"]))
    # The trajectory view runs that very configuration: its final loss is the rounded cell's.
    s = surfaces.get("ravine")
    sim = optimizers.simulate(s, optimizers.get("SGD", **to_kwargs("SGD", values)),
                              np.array([s.start]), 500)
    page.wait_for_function("(text) => document.getElementById('results-table').textContent.includes(text)",
                           arg=f"{sim.loss[-1, 0]:.4g}")
    assert page.console.errors() == []


def test_basin_map_click_sets_the_surface_and_start(page):
    open_landscape(page)
    pick(page, "sweep-size", "25 × 25")     # small grids keep the test quick on a busy machine
    page.wait_for_function(HEATMAP_DRAWN, arg="25 × 25 runs")
    page.get_by_text("Basin map of start points").click()
    pick(page, "sweep-surface", "Himmelblau")
    page.wait_for_function(HEATMAP_DRAWN, arg="Himmelblau")
    ticks = page.evaluate("() => document.querySelector('#sweep-graph .js-plotly-plot').data[0].colorbar.ticktext")
    assert len(ticks) == 4                  # Himmelblau's four minima, one colour each
    x, y = click_plot(page, 0.82, 0.22)     # a cell centre (25 cells) in the upper right of the window
    page.wait_for_function(TRAJECTORY_VIEW_SHOWN)
    page.wait_for_function("""([x, y]) => Math.abs(parseFloat(document.getElementById('start-x').value) - x) < 0.3
        && Math.abs(parseFloat(document.getElementById('start-y').value) - y) < 0.3
        && document.querySelector('#surface-picker').textContent.includes('Himmelblau')""",
                           arg=[x, y])
    assert page.console.errors() == []


def test_a_long_sweep_shows_progress_and_can_be_cancelled(page):
    open_landscape(page)
    before = page.locator("#sweep-status").text_content()
    pick(page, "sweep-size", "200 × 200")
    steps = page.locator("#sweep-steps")
    steps.fill("4000")
    steps.press("Enter")                    # 40,000 runs × 4,000 steps: far over a second
    page.wait_for_function("""() => document.getElementById('sweep-progress-text').textContent.includes('/ 40,000')
        && !document.getElementById('sweep-cancel').disabled""", timeout=60000)
    assert page.locator("#sweep-run").is_disabled()
    page.locator("#sweep-cancel").click()
    page.wait_for_function("""() => document.getElementById('sweep-cancel').disabled
        && !document.getElementById('sweep-run').disabled
        && getComputedStyle(document.getElementById('sweep-progress-box')).visibility === 'hidden'""")
    assert page.locator("#sweep-status").text_content() == before     # the last finished sweep stays
    assert page.console.errors() == []
