"""Fixtures for end-to-end tests: the app on a free loopback port, and headless Debian Chromium.

No browser is downloaded: Playwright drives /usr/bin/chromium (CHROMIUM_PATH overrides).
"""
import os
import socket
import threading
import time
import urllib.request

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server_url():
    from app import app

    port = _free_port()
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (it installs Debian's chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Console:
    """Collects console errors/warnings and page errors of one page."""

    def __init__(self, page):
        self.messages = []
        page.on("console", lambda m: self.messages.append((m.type, m.text)) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.messages.append(("pageerror", str(e))))

    def errors(self):
        return [m for m in self.messages if m[0] in ("error", "pageerror")]


@pytest.fixture
def page(browser, server_url):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    pg = context.new_page()
    # Generous waits: CI machines are shared, and two test workers, their browsers and a background
    # sweep process share two cores. A wait that succeeds returns at once; only failures wait this long.
    pg.set_default_timeout(45000)
    pg.console = Console(pg)
    pg.goto(server_url)
    pg.wait_for_selector("#contour-graph .main-svg")
    yield pg
    context.close()
