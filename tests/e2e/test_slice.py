"""The foundation slice in real headless Chromium: load, drag the lr slider, switch surface."""
import json

import pytest

from tests.e2e.helpers import FIRST_SLOT, settle, trace_xy, wait_for_change

pytestmark = pytest.mark.browser


def test_page_loads_with_three_trajectories_and_labelled_controls(page):
    for i in range(3):
        x, y = trace_xy(page, "contour-graph", FIRST_SLOT + i)
        assert len(x) == 501 and len(y) == 501
    # Every slider thumb has an accessible name pointing at a visible label.
    names = page.evaluate("""() => Array.from(document.querySelectorAll('[role=slider]')).map(t => {
        const l = document.getElementById(t.getAttribute('aria-labelledby'));
        return l && l.offsetParent !== null ? l.textContent : null; })""")
    assert len(names) == 4 and all(names), names
    assert page.get_by_label("Steps").is_visible()
    assert page.get_by_label("type a value").is_visible()
    assert page.console.errors() == []


def test_moving_the_lr_slider_changes_the_trajectory(page):
    before = json.dumps(trace_xy(page, "contour-graph", FIRST_SLOT))
    thumb = page.locator("#lr-slider [role=slider]")
    thumb.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    wait_for_change(page, "contour-graph", FIRST_SLOT, before)
    settle(page)
    assert page.locator("#lr-input").input_value() != "0.01"
    assert float(page.locator("#lr-input").input_value()) > 0.01
    # Drag the thumb with the mouse too, like a user.
    before = json.dumps(trace_xy(page, "contour-graph", FIRST_SLOT))
    box = thumb.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] - 40, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    wait_for_change(page, "contour-graph", FIRST_SLOT, before)
    settle(page)
    assert page.console.errors() == []


def test_typed_lr_and_surface_switch(page):
    before = json.dumps(trace_xy(page, "contour-graph", FIRST_SLOT))
    box = page.locator("#lr-input")
    box.fill("0.002")
    box.press("Enter")
    wait_for_change(page, "contour-graph", FIRST_SLOT, before)
    settle(page)
    # Pick Rosenbrock from the dropdown.
    page.locator("#surface-picker").click()
    page.get_by_role("option", name="Rosenbrock").click()
    page.wait_for_function("""() => {
        const gd = document.querySelector('#contour-graph .js-plotly-plot');
        return gd && gd.layout.title.text.startsWith('Rosenbrock'); }""", timeout=10000)
    settle(page)
    x, _ = trace_xy(page, "contour-graph", FIRST_SLOT)
    assert x[0] == pytest.approx(-1.5)
    assert page.console.errors() == []
