"""Plots offer PNG download but no "Share chart…" (Plotly's upload to Plotly Cloud, on by default)."""
import pytest

pytestmark = pytest.mark.browser


def test_no_plot_offers_to_upload_to_the_cloud(page):
    page.hover("#contour-graph")
    page.wait_for_selector("#contour-graph .modebar-btn")
    titles = page.evaluate("() => Array.from(document.querySelectorAll('.modebar-btn')).map(b => b.getAttribute('data-title'))")
    assert "Download plot as a PNG" in titles
    assert not [t for t in titles if "Share" in (t or "") or "Cloud" in (t or "")]
    assert page.console.errors() == []
