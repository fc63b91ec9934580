"""The classroom flows in real headless Chromium, as a user would do them."""
import pytest

from tests.e2e.helpers import (FIRST_SLOT, HEADS, pick, settle, snapshot, trace_xy, trajectories, unlabelled_controls,
                              wait_for_change, wait_for_runs_drawn)

pytestmark = pytest.mark.browser


def test_controls_are_labelled_and_page_is_clean(page):
    assert len(trajectories(page)) == 3
    names = page.evaluate("""() => Array.from(document.querySelectorAll('[role=slider]')).map(t => {
        const l = document.getElementById(t.getAttribute('aria-labelledby'));
        return l && l.offsetParent !== null ? l.textContent : null; })""")
    visible = page.evaluate("""() => Array.from(document.querySelectorAll('[role=slider]'))
        .filter(t => t.offsetParent !== null).length""")
    assert sum(1 for n in names if n) >= visible > 5
    # Every visible text/number box has a label that names it.
    assert unlabelled_controls(page) == []
    assert page.console.errors() == []


def test_pick_surfaces_and_three_optimizers(page):
    pick(page, "surface-picker", "Rosenbrock")
    page.wait_for_function("""() => {
        const gd = document.querySelector('#contour-graph .js-plotly-plot');
        const t = gd._fullData.find(d => d.index === 2);
        return t && Math.abs(t.x[0] + 1.5) < 1e-9; }""")
    settle(page)
    pick(page, "optimizer-picker", "RMSprop")
    wait_for_runs_drawn(page, ["SGD #1", "SGD #2", "Adam", "RMSprop"])
    settle(page)
    paths = trajectories(page)
    assert all(abs(p[1][0] + 1.5) < 1e-6 for p in paths)
    assert page.console.errors() == []


def test_drag_the_lr_slider(page):
    before = snapshot(page, "contour-graph", FIRST_SLOT)
    thumb = page.locator(".card").first.locator("[role=slider]").first
    thumb.focus()
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    wait_for_change(page, "contour-graph", FIRST_SLOT, before)
    settle(page)
    typed = page.locator(".card").first.locator("input[type=number]").first.input_value()
    assert float(typed) > 0.01
    before = snapshot(page, "contour-graph", FIRST_SLOT)
    box = thumb.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] - 30, box["y"] + box["height"] / 2, steps=6)
    page.mouse.up()
    wait_for_change(page, "contour-graph", FIRST_SLOT, before)
    settle(page)
    assert page.console.errors() == []


def test_click_the_contour_to_restart_there(page):
    before = snapshot(page, "contour-graph", FIRST_SLOT)
    plot = page.locator("#contour-graph .nsewdrag").first
    box = plot.bounding_box()
    plot.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.25})
    wait_for_change(page, "contour-graph", FIRST_SLOT, before)
    settle(page)
    x, y = trace_xy(page, "contour-graph", FIRST_SLOT)
    assert x[0] < 0 and y[0] > 0   # upper-left quarter of the ravine window
    assert float(page.locator("#start-x").input_value()) == pytest.approx(x[0], abs=1e-3)
    assert page.console.errors() == []


def test_play_and_pause_moves_the_heads_and_cursors(page):
    page.locator("#play-button").click()          # at the end (500): play restarts from 0
    page.wait_for_timeout(700)
    page.locator("#play-button").click()          # pause
    settle(page, 300)
    frame = int(page.locator("#frame-label").text_content())
    assert 0 < frame < 500
    page.wait_for_function("f => document.querySelector('#scrub-slider [role=slider]')"
                           ".getAttribute('aria-valuenow') === f", arg=str(frame))
    heads_x, _ = trace_xy(page, "contour-graph", HEADS)
    x, _ = trace_xy(page, "contour-graph", FIRST_SLOT)
    assert heads_x[0] == pytest.approx(x[frame])
    cursor = page.evaluate("() => document.querySelector('#loss-graph .js-plotly-plot').layout.shapes[0].x0")
    assert cursor == frame
    page.wait_for_timeout(300)
    assert int(page.locator("#frame-label").text_content()) == frame   # paused stays put
    page.locator("#step-forward").click()
    page.wait_for_function(f"() => document.getElementById('frame-label').textContent === '{frame + 1}'")
    page.locator("#step-back").click()
    page.locator("#step-back").click()
    page.wait_for_function(f"() => document.getElementById('frame-label').textContent === '{frame - 1}'")
    assert page.console.errors() == []


def test_change_the_schedule_and_see_the_lr_panel(page):
    before = snapshot(page, "lr-graph", FIRST_SLOT - 3)
    pick(page, "schedule-picker", "StepLR")
    wait_for_change(page, "lr-graph", 0, before)
    settle(page)
    _, lr = trace_xy(page, "lr-graph", 0)
    assert len(lr) == 500 and lr[-1] < lr[0]
    assert page.console.errors() == []


def test_make_a_run_diverge_and_see_its_marker(page):
    box = page.locator(".card").first.locator("input[type=number]").first
    box.fill("0.5")
    box.press("Enter")
    page.wait_for_function("() => document.getElementById('status').textContent.includes('diverged at step')")
    settle(page)
    symbols = page.evaluate("""() => document.querySelector('#contour-graph .js-plotly-plot')
        .data[%d].marker.symbol""" % HEADS)
    assert symbols[0] == "x"
    assert "diverged" in page.locator("#results-table").text_content()
    assert page.console.errors() == []


def test_custom_formula_valid_and_bad(page):
    pick(page, "surface-picker", "Custom formula")
    page.wait_for_selector("#formula-input", state="visible")
    box = page.locator("#formula-input")
    box.fill("(x - 1)**2 + 3*(y + 0.5)**2")
    box.press("Enter")
    # The first run heads for the formula's minimum (1, −0.5).
    page.wait_for_function("""(i) => {
        const t = document.querySelector('#contour-graph .js-plotly-plot')._fullData.find(d => d.index === i);
        return t && t.x.length > 1 && Math.abs(t.x[t.x.length - 1] - 1) < 0.5
            && Math.abs(t.y[t.y.length - 1] + 0.5) < 0.5; }""", arg=FIRST_SLOT)
    settle(page)
    paths = trajectories(page)
    assert paths and abs(paths[0][1][-1] - 1) < 0.5
    box.fill("__import__('os').system('ls')")
    box.press("Enter")
    page.wait_for_function("() => document.getElementById('formula-error').textContent.length > 0")
    assert "column" in page.locator("#formula-error").text_content()
    assert page.console.errors() == []


def test_duplicate_a_run_for_an_ab_comparison_and_reset(page):
    page.locator(".card").nth(2).get_by_role("button", name="Duplicate").click()
    page.wait_for_function("() => document.querySelectorAll('.card').length === 4")
    wait_for_runs_drawn(page, ["SGD #1", "SGD #2", "Adam #1", "Adam #2"])
    settle(page)
    ghost = page.locator(".card").nth(3)
    box = ghost.locator("input[type=number]").first
    box.fill("0.01")
    box.press("Enter")
    page.wait_for_function("""() => {
        const gd = document.querySelector('#contour-graph .js-plotly-plot');
        const a = gd._fullData.find(d => d.index === 5), b = gd._fullData.find(d => d.index === 6);
        return a && b && a.x[50] !== b.x[50]; }""")
    ghost.get_by_role("button", name="Remove").click()
    page.wait_for_function("() => document.querySelectorAll('.card').length === 3")
    settle(page)
    assert page.console.errors() == []


def test_3d_view_toggle(page):
    page.locator("#view-3d").get_by_text("3-D view").click()
    page.wait_for_function("""() => {
        const gd = document.querySelector('#surface3d-graph .js-plotly-plot');
        return gd && gd.data.length === 4 && gd.data[0].type === 'surface'; }""")
    page.wait_for_selector("#contour-wrap", state="hidden")
    page.locator("#view-3d").get_by_text("3-D view").click()
    page.wait_for_selector("#contour-wrap", state="visible")
    assert page.console.errors() == []


def test_surface_parameter_slider_redraws_the_contour(page):
    pick(page, "surface-picker", "Quadratic")
    page.wait_for_selector("text=condition number")
    settle(page)
    before = page.evaluate("() => document.querySelector('#contour-graph .js-plotly-plot')._fullData[0].z.length")
    z_before = snapshot(page, "contour-graph", FIRST_SLOT)
    thumb = page.locator("#surface-params [role=slider]").first
    thumb.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    wait_for_change(page, "contour-graph", FIRST_SLOT, z_before)
    settle(page)
    assert before > 0
    assert page.console.errors() == []
