"""Slow clients do not hold the production server's workers.

The production command (``gunicorn app:server`` with ./gunicorn.conf.py, here with 2
workers on 127.0.0.1) gets 50 connections that each send a partial request and then one
more header line every 2 s, for 15 s; a connection the server drops is opened again, so
50 stay pending throughout. Meanwhile a plain ``GET /`` and a Dash callback POST must
each answer within 1 s. With sync workers (gunicorn's default) they waited for a free
worker: 16 s with 4 workers and 4 such connections.
"""
import http.client
import socket
import threading
import time

from tests.hardening.production import ProductionServer, cheapest_callback_body

TRICKLERS = 50
SECONDS = 15.0
LINE_EVERY = 2.0               # s between two header lines of one slow connection
LIMIT = 1.0                    # s: a GET / and a callback POST answer within this, meanwhile
CLIENT_TIMEOUT = 8.0           # s: a blocked request fails the test instead of hanging it
START = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: trickle\r\n"   # no blank line: never complete


def _timed(port: int, method: str, path: str, body: bytes | None = None) -> tuple[object, float]:
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        resp = conn.getresponse()
        resp.read()
        return resp.status, time.perf_counter() - t0
    except OSError as err:
        return type(err).__name__, time.perf_counter() - t0
    finally:
        conn.close()


class Trickle:
    """``TRICKLERS`` slow connections until ``stop`` (a time.monotonic() value), in one thread."""

    def __init__(self, port: int, stop: float):
        self.port, self.stop = port, stop
        self.socks: list[socket.socket | None] = [None] * TRICKLERS
        self.opened = threading.Event()
        self.lines = self.reopened = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, i: int) -> None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
            sock.sendall(START)
            self.socks[i] = sock
        except OSError:
            self.socks[i] = None

    def _run(self) -> None:
        try:
            for i in range(TRICKLERS):
                self._open(i)
            self.opened.set()
            rounds = int(SECONDS / LINE_EVERY) + 1
            for k in range(rounds):
                if time.monotonic() + LINE_EVERY > self.stop:
                    break
                time.sleep(LINE_EVERY)
                for i, sock in enumerate(self.socks):
                    try:
                        if sock is None:
                            raise OSError("not connected")
                        sock.sendall(b"X-Slow-%d: %d\r\n" % (k, i))
                        self.lines += 1
                    except OSError:            # dropped by the server: open another one
                        if sock is not None:
                            sock.close()
                        self.reopened += 1
                        self._open(i)
        finally:
            self.opened.set()
            for sock in self.socks:
                if sock is not None:
                    sock.close()


def test_slow_clients_do_not_block_the_production_server():
    with ProductionServer(workers=2) as server:
        body = cheapest_callback_body(server)
        for _ in range(4):                     # warm up: Dash's first-request setup in the workers
            _timed(server.port, "GET", "/")
            _timed(server.port, "POST", "/_dash-update-component", body)
        stop = time.monotonic() + SECONDS
        trickle = Trickle(server.port, stop)
        trickle.thread.start()
        assert trickle.opened.wait(30)
        time.sleep(LINE_EVERY + 0.5)           # every slow connection has sent a line more
        answers = []
        while time.monotonic() < stop - 1.0 and len(answers) < 20:
            answers.append(("GET /", *_timed(server.port, "GET", "/")))
            answers.append(("callback POST", *_timed(server.port, "POST", "/_dash-update-component", body)))
            time.sleep(1.0)
        trickle.thread.join(timeout=SECONDS + 30)
        assert not trickle.thread.is_alive()
    slow = [(what, status, round(t, 3)) for what, status, t in answers if status != 200 or t >= LIMIT]
    assert not slow, f"answers over {LIMIT:g} s (or failed) while {TRICKLERS} clients trickled: {slow}"
    assert len(answers) >= 6, answers
    assert trickle.lines >= TRICKLERS, "the slow connections sent (almost) nothing"
