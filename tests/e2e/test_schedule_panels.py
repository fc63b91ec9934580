"""Every schedule's panel in headless Chromium: picked from the dropdown, and opened by a link
(``?schedule=NAME``). Its controls appear, and nothing fails: no console error, no HTTP error."""
import pytest

from optimizers import schedules
from tests.e2e.helpers import settle
from viz import ids
from viz.controls import control

pytestmark = pytest.mark.browser

NAMES = list(schedules.names())


def labels(name):
    """The visible labels of the schedule's controls (parameters without a control have none)."""
    return [h.label or h.name for h in schedules.spec(name).params
            if control(h, {"type": ids.SPV, "name": h.name, "scale": ""}, h.default) is not None]


def record_failures(page):
    """HTTP responses with a 4xx/5xx status, as they arrive."""
    bad = []
    page.on("response", lambda r: bad.append(f"{r.status} {r.request.method} {r.url}") if r.status >= 400 else None)
    return bad


def wait_for_panel(page, name):
    expected = labels(name)
    page.wait_for_function(
        """([name, expected]) => {
            const picker = document.getElementById('schedule-picker');
            const panel = document.getElementById('schedule-params');
            if (!picker || !panel || !picker.textContent.includes(name)) return false;
            const shown = Array.from(panel.querySelectorAll('.control')).map(c => c.textContent);
            return shown.length === expected.length
                && expected.every(label => shown.some(text => text.includes(label)));
        }""", arg=[name, expected])


def test_pick_every_schedule_from_the_dropdown(page):
    bad = record_failures(page)
    for name in NAMES:
        page.locator(f"#{ids.SCHEDULE}").click()
        page.get_by_role("option", name=name, exact=True).click()
        page.keyboard.press("Escape")
        wait_for_panel(page, name)
        settle(page, 200)
        assert bad == [], name
        assert page.console.errors() == [], name
    # CyclicLR's own lr range, steps up and mode are on its panel (its γ slider once made it fail).
    page.locator(f"#{ids.SCHEDULE}").click()
    page.get_by_role("option", name="CyclicLR", exact=True).click()
    page.keyboard.press("Escape")
    wait_for_panel(page, "CyclicLR")
    text = page.locator(f"#{ids.SCHEDULE_PARAMS}").inner_text()
    assert all(label in text for label in ("base lr", "max lr", "steps up", "mode"))
    assert bad == [] and page.console.errors() == []


@pytest.mark.parametrize("chunk", [NAMES[:len(NAMES) // 2], NAMES[len(NAMES) // 2:]],
                         ids=["first half", "second half"])
def test_open_a_link_to_every_schedule(page, server_url, chunk):
    bad = record_failures(page)
    for name in chunk:
        page.goto(f"{server_url}/?schedule={name}")
        page.wait_for_selector("#contour-graph .main-svg")
        wait_for_panel(page, name)
        settle(page, 200)
        # The scene runs that schedule: the lr panel draws it.
        assert page.locator(f"#{ids.LINK_NOTICE}").inner_text() == "", name
        assert bad == [], name
        assert page.console.errors() == [], name
