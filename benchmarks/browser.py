"""5. Browser: lr-slider move → repainted plots (p95 ≤ 100 ms), and playback frames/s (≥ 30).

The app is served on a free loopback port by werkzeug in a thread (as in
tests/e2e/conftest.py) and driven by Debian's Chromium through Playwright, like a
user: focus the lr slider's thumb, press ArrowRight, wait until the plots have
repainted, let the page settle, repeat. Timestamps come from the page itself
(``performance.now()``): the keydown, the callback's fetch resolving, and the first
``plotly_afterplot`` of each graph after that response.

Two latencies per move: until the contour has repainted, and until every plot
(contour, loss, lr) has. Target p95 ≤ 100 ms; the ratio is target / p95 (≥ 1 passes).
The JSON splits each move into before-request, round trip and rendering, and the
bytes the browser actually received per move (reported as a row, target ≤ 40 KB).

Playback: if the page has ``#play-button``, it is clicked and, for a few seconds,
animation frames (requestAnimationFrame) in which the contour changed (a Plotly
restyle/redraw or a DOM mutation of the plot) are counted: frames/s of head updates.
Baseline: the page's own frame rate with nothing moving, measured just before.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import urllib.request

from .common import Config, Result, Target, error_row, headroom, judged, median, na_row, percentile

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
GRAPHS = ("contour-graph", "loss-graph", "lr-graph")
TARGET_MS = 100.0
TARGET_FPS = 30.0
TARGET_BYTES = 40_000

INSTRUMENT = """(graphs) => {
  if (window.__bench) return true;
  const B = window.__bench = {keys: [], responses: [], plots: {}, errors: []};
  document.addEventListener('keydown', e => { if (e.key === 'ArrowRight') B.keys.push(performance.now()); }, true);
  const fetch0 = window.fetch;
  window.fetch = function (input) {
    const url = typeof input === 'string' ? input : (input && input.url) || '';
    const t0 = performance.now();
    const p = fetch0.apply(this, arguments);
    if (url.indexOf('_dash-update-component') >= 0) {
      // Registered before dash-renderer's own handler, so t1 precedes any repaint it causes.
      p.then(() => B.responses.push({t0: t0, t1: performance.now()}), () => {});
    }
    return p;
  };
  for (const id of graphs) {
    const gd = document.querySelector('#' + id + ' .js-plotly-plot');
    B.plots[id] = [];
    if (gd && gd.on) gd.on('plotly_afterplot', () => B.plots[id].push(performance.now()));
  }
  return true;
}"""

# Marks the first lr slider (string id "lr-slider" or a pattern-matching id of that type).
MARK_LR = """() => {
  const isLr = e => { if (e.id === 'lr-slider') return true;
    if (!e.id.startsWith('{')) return false;
    try { return JSON.parse(e.id).type === 'lr-slider'; } catch (_) { return false; } };
  const el = Array.from(document.querySelectorAll('[id]')).find(isLr);
  if (!el) return false;
  el.setAttribute('data-bench-lr', '');
  return true;
}"""

DONE = """([nr, graphs]) => {
  const B = window.__bench;
  if (B.responses.length <= nr) return false;
  const t1 = B.responses[nr].t1;
  return graphs.every(id => B.plots[id].some(t => t >= t1));
}"""

IDLE = "() => !document.querySelector('[data-dash-is-loading=\"true\"]')"

IDLE_RAF = """(seconds) => new Promise(resolve => {
  let frames = 0; const t0 = performance.now();
  const tick = now => { frames += 1;
    if (now - t0 < seconds * 1000) requestAnimationFrame(tick); else resolve(frames / ((now - t0) / 1000)); };
  requestAnimationFrame(tick);
})"""

PLAYBACK = """([seconds, graphId]) => new Promise(resolve => {
  const gd = document.querySelector('#' + graphId + ' .js-plotly-plot');
  let dirty = false, frames = 0, updated = 0, stamps = [];
  const mark = () => { dirty = true; };
  for (const ev of ['plotly_afterplot', 'plotly_restyle', 'plotly_redraw', 'plotly_animatingframe']) gd.on(ev, mark);
  const obs = new MutationObserver(mark);
  obs.observe(gd, {subtree: true, attributes: true, childList: true, characterData: true});
  const t0 = performance.now();
  const tick = now => {
    frames += 1;
    if (dirty) { updated += 1; stamps.push(now); dirty = false; }
    if (now - t0 < seconds * 1000) requestAnimationFrame(tick);
    else { obs.disconnect(); resolve({frames, updated, elapsed: (now - t0) / 1000, stamps}); }
  };
  requestAnimationFrame(tick);
})"""


# The cost of the repaint alone: the same three panels redrawn by calling Plotly directly on
# the page, with no network and no Dash (trajectories by Plotly.animate without a full redraw,
# the loss and lr panels by Plotly.react with every run's curve changed).
FLOOR = """async (n) => {
  const gd = id => document.querySelector('#' + id + ' .js-plotly-plot');
  const contour = gd('contour-graph'), loss = gd('loss-graph'), lr = gd('lr-graph');
  const scaled = (arr, s) => Array.from(arr || []).map(v => v * s);
  const out = [];
  for (let k = 0; k < n; k++) {
    const s = 1 - 0.005 * (k + 1);
    const idx = contour._fullData.filter(d => d.mode && d.x && d.x.length && d.index > 2).map(d => d.index);
    const data = idx.map(i => { const d = contour._fullData.find(t => t.index === i);
      return {x: scaled(d.x, s), y: scaled(d.y, s)}; });
    const t0 = performance.now();
    await Plotly.animate(contour, {data: data, traces: idx},
                         {transition: {duration: 0}, frame: {duration: 0, redraw: false}, mode: 'immediate'});
    for (const g of [loss, lr]) {
      await Plotly.react(g, g.data.map(d => Object.assign({}, d, {y: scaled(d.y, s)})), g.layout);
    }
    await new Promise(r => requestAnimationFrame(() => r()));
    out.push(performance.now() - t0);
    await new Promise(r => setTimeout(r, 100));
  }
  return out;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """The app on a free loopback port, in a daemon thread (werkzeug, threaded)."""

    def __enter__(self):
        from werkzeug.serving import make_server
        from app import app

        logging.getLogger("werkzeug").setLevel(logging.WARNING)   # no line per request
        port = free_port()
        self.server = make_server("127.0.0.1", port, app.server, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url, timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


def _settle(page, ms: int = 150) -> None:
    page.wait_for_function(IDLE, timeout=10000)
    page.wait_for_timeout(ms)
    page.wait_for_function(IDLE, timeout=10000)   # and whatever that pause set off (deferred panels)


# Between moves: longer than the page's settle delay for the panels that wait for a pause
# (assets/urlstate.js SETTLE_MS), so that every move starts from a quiet page.
QUIET_MS = 650


def slider_samples(page, cfg: Config, graphs: list[str]) -> dict:
    """Latencies (ms) of ``browser_samples`` single ArrowRight moves of the lr slider."""
    page.evaluate(INSTRUMENT, graphs)
    selector = "#lr-slider [role=slider]"
    if page.locator(selector).count() == 0:
        if not page.evaluate(MARK_LR):
            raise LookupError("no lr slider on the page")
        selector = "[data-bench-lr] [role=slider]"
    thumb = page.locator(selector).first
    thumb.focus()
    responses = []
    page.on("response", lambda r: responses.append(r) if "_dash-update-component" in r.url else None)
    contour, everything, before, trip, render, sizes = [], [], [], [], [], []
    for i in range(cfg.browser_warmup + cfg.browser_samples):
        n_keys, n_resp, n_seen = page.evaluate(
            "() => [window.__bench.keys.length, window.__bench.responses.length]") + [len(responses)]
        page.keyboard.press("ArrowRight")
        page.wait_for_function(DONE, arg=[n_resp, graphs], timeout=15000)
        _settle(page, QUIET_MS)
        b = page.evaluate("() => window.__bench")
        if i < cfg.browser_warmup:
            continue
        key, resp = b["keys"][n_keys], b["responses"][n_resp]
        first = {g: min(t for t in b["plots"][g] if t >= resp["t1"]) for g in graphs}
        contour.append(first[graphs[0]] - key)
        everything.append(max(first.values()) - key)
        before.append(resp["t0"] - key)
        trip.append(resp["t1"] - resp["t0"])
        render.append(max(first.values()) - resp["t1"])
        sizes.append(sum(len(r.body()) for r in responses[n_seen:]))
    return {"contour_ms": contour, "all_ms": everything, "before_request_ms": before,
            "round_trip_ms": trip, "render_ms": render, "bytes_per_move": sizes,
            "responses_per_move": (len(responses) / max(1, cfg.browser_warmup + cfg.browser_samples))}


def playback(page, cfg: Config) -> dict | None:
    if page.locator("#play-button").count() == 0:
        return None
    idle = page.evaluate(IDLE_RAF, 1.0)      # the page's frame rate when nothing moves
    page.locator("#play-button").click()
    data = page.evaluate(PLAYBACK, [cfg.playback_seconds, "contour-graph"])
    page.locator("#play-button").click()      # pause again
    stamps = data.pop("stamps")
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    data.update(fps=data["updated"] / data["elapsed"], raf_fps=data["frames"] / data["elapsed"],
                idle_raf_fps=idle,
                p95_gap_ms=percentile(gaps, 95) if gaps else None)
    return data


def run(cfg: Config) -> list[Result]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        raise FileNotFoundError(f"Chromium not found at {CHROMIUM} (make chromium installs it)")
    rows: list[Result] = []
    with Served() as served, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            page = context.new_page()
            errors = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(served.url)
            page.wait_for_selector("#contour-graph .main-svg", timeout=30000)
            _settle(page, 500)
            graphs = [g for g in GRAPHS if page.locator(f"#{g} .js-plotly-plot").count()]
            s = slider_samples(page, cfg, graphs)
            extra = dict(s, graphs=graphs, console_errors=errors[:5], browser_version=browser.version)
            for key, name, xs, more in (
                    ("browser.contour", "5 browser lr move → contour repainted, p95", s["contour_ms"], extra),
                    ("browser.all", "5 browser lr move → all plots repainted, p95", s["all_ms"],
                     {"all_ms": s["all_ms"], "graphs": graphs})):
                p95 = percentile(xs, 95)
                ratio = TARGET_MS / p95
                rows.append(judged(
                    key, name, p95, "ms", f"{p95:.0f} ms (median {median(xs):.0f} ms, n={len(xs)})",
                    f"target {TARGET_MS:g} ms; round trip median {median(s['round_trip_ms']):.0f} ms",
                    ratio, headroom(ratio),
                    Target("<=", TARGET_MS, text=f"p95 ≤ {TARGET_MS:g} ms"), more))
            b = median(s["bytes_per_move"])
            rows.append(judged(
                "browser.bytes", "4 payload per lr move, as received by Chromium", b, "bytes",
                f"{b / 1e3:.1f} KB ({s['responses_per_move']:.1f} responses/move)",
                f"target {TARGET_BYTES / 1e3:g} KB", TARGET_BYTES / b if b else None,
                headroom(TARGET_BYTES / b) if b else "—",
                Target("<=", TARGET_BYTES, text=f"≤ {TARGET_BYTES / 1e3:g} KB"), {"bytes": s["bytes_per_move"]}))
            floor = page.evaluate(FLOOR, 10) if len(graphs) == len(GRAPHS) else []
            if floor:
                f = median(floor)
                rows.append(judged(
                    "browser.floor", "5 browser Plotly alone redrawing the 3 panels (no network, no Dash)", f, "ms",
                    f"{f:.0f} ms (median, p95 {percentile(floor, 95):.0f} ms)", "what any slider path must add to",
                    TARGET_MS / f, f"{f / TARGET_MS:.0%} of the 100 ms budget", None, {"floor_ms": floor}))
            page.reload()                       # the page's own figures again, for playback
            page.wait_for_selector("#contour-graph .main-svg", timeout=30000)
            _settle(page, 500)
            try:
                pb = playback(page, cfg)
            except Exception as err:  # a broken play button is a finding, not a crash of the suite
                rows.append(error_row("browser.playback", "5 browser playback, head updates/s", err))
            else:
                if pb is None:
                    rows.append(na_row("browser.playback", "5 browser playback, head updates/s",
                                       "no #play-button on the page yet", f"≥ {TARGET_FPS:g} fps"))
                else:
                    rows.append(judged(
                        "browser.playback", "5 browser playback, head updates/s", pb["fps"], "fps",
                        f"{pb['fps']:.0f} fps over {pb['elapsed']:.1f} s",
                        f"idle page {pb['idle_raf_fps']:.0f} frames/s", pb["fps"] / pb["idle_raf_fps"],
                        f"{pb['fps'] / pb['idle_raf_fps']:.2f}× the idle frame rate",
                        Target(">=", TARGET_FPS, text=f"≥ {TARGET_FPS:g} fps"), pb))
            context.close()
        finally:
            browser.close()
    return rows
