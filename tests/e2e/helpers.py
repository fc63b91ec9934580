"""Small helpers to act on the page and read plots from the browser."""
import json

FIRST_SLOT = 3        # viz.figures.FIRST_SLOT
MAX_RUNS = 16         # viz.runs.MAX_RUNS
HEADS = FIRST_SLOT + MAX_RUNS


def trace_xy(page, graph_id: str, index: int):
    """The x and y values Plotly is drawing for one trace (decoded typed arrays)."""
    return page.evaluate(
        """([id, i]) => {
            const gd = document.querySelector('#' + id + ' .js-plotly-plot');
            const t = gd && gd._fullData && gd._fullData.find(d => d.index === i);
            return t ? [Array.from(t.x || []), Array.from(t.y || [])] : null;
        }""", [graph_id, index])


def trajectories(page):
    """Non-empty trajectory slots of the contour: [(name, xs, ys)]."""
    return page.evaluate(
        """([first, n]) => {
            const gd = document.querySelector('#contour-graph .js-plotly-plot');
            return gd._fullData.filter(d => d.index >= first && d.index < first + n && d.x && d.x.length)
                .map(d => [d.name, Array.from(d.x), Array.from(d.y)]);
        }""", [FIRST_SLOT, MAX_RUNS])


def snapshot(page, graph_id: str, index: int) -> str:
    return json.dumps(trace_xy(page, graph_id, index))


def wait_for_change(page, graph_id: str, index: int, before: str, timeout_ms: int = 45000):
    page.wait_for_function(
        """([id, i, before]) => {
            const gd = document.querySelector('#' + id + ' .js-plotly-plot');
            const t = gd && gd._fullData && gd._fullData.find(d => d.index === i);
            return t && JSON.stringify([Array.from(t.x || []), Array.from(t.y || [])]) !== before;
        }""", arg=[graph_id, index, before], timeout=timeout_ms)


def settle(page, ms: int = 300):
    """Wait until Dash has no callback in flight."""
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")
    page.wait_for_timeout(ms)


def pick(page, dropdown_id: str, option: str):
    """Choose ``option`` in a dcc.Dropdown like a user: open it, click the option."""
    page.locator(f"#{dropdown_id}").click()
    page.get_by_role("option", name=option, exact=False).first.click()
    page.keyboard.press("Escape")


def wait_for_runs_drawn(page, names: list[str]):
    """Wait until the contour draws exactly these runs (the cards can update a moment before the plots)."""
    page.wait_for_function(
        """([first, n, names]) => {
            const gd = document.querySelector('#contour-graph .js-plotly-plot');
            const got = gd._fullData.filter(d => d.index >= first && d.index < first + n && d.x && d.x.length)
                .map(d => d.name);
            return JSON.stringify(got) === JSON.stringify(names);
        }""", arg=[FIRST_SLOT, MAX_RUNS, names])


def unlabelled_controls(page) -> list[str]:
    """Visible text/number boxes and dropdowns with no label naming them (ids or markup)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('input, .dash-dropdown-wrapper button'))
        .filter(i => i.offsetParent !== null && i.type !== 'hidden' && i.getAttribute('aria-hidden') !== 'true')
        .filter(i => !(i.labels && i.labels.length) && !i.getAttribute('aria-label')
                     && !i.getAttribute('aria-labelledby') && !i.closest('label'))
        .map(i => i.id || i.outerHTML.slice(0, 80))""")
