"""Small helpers to read plots from the browser."""

FIRST_SLOT = 3  # viz.figures.FIRST_SLOT, kept literal so the helper reads like the page


def trace_xy(page, graph_id: str, index: int):
    """The x and y values Plotly is drawing for one trace (decoded typed arrays)."""
    return page.evaluate(
        """([id, i]) => {
            const gd = document.querySelector('#' + id + ' .js-plotly-plot');
            const t = gd && gd._fullData && gd._fullData.find(d => d.index === i);
            return t ? [Array.from(t.x || []), Array.from(t.y || [])] : null;
        }""", [graph_id, index])


def wait_for_change(page, graph_id: str, index: int, before, timeout_ms: int = 10000):
    page.wait_for_function(
        """([id, i, before]) => {
            const gd = document.querySelector('#' + id + ' .js-plotly-plot');
            const t = gd && gd._fullData && gd._fullData.find(d => d.index === i);
            return t && JSON.stringify([Array.from(t.x || []), Array.from(t.y || [])]) !== before;
        }""", arg=[graph_id, index, before], timeout=timeout_ms)


def settle(page, ms: int = 300):
    """Wait until Dash has no callback in flight."""
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=10000)
    page.wait_for_timeout(ms)
