"""The production command, ``gunicorn app:server`` (settings from ./gunicorn.conf.py), on loopback.

Only ``-b 127.0.0.1:PORT`` (a free port) and ``-w N`` are added. On exit the master gets
SIGTERM (then SIGKILL), and any worker or worker's child (a sweep's fork server, a job)
still alive after that is killed by PID: every wait is bounded.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import psutil

from scripts.dash_requests import RequestBuilder, encode, layout_props, server_callbacks
from scripts.loadtest import wait_until_serving

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120.0          # s: the master imports PyTorch first (a few seconds, more on a busy machine)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ProductionServer:
    def __init__(self, workers: int, extra: tuple[str, ...] = ()):
        self.workers, self.extra = workers, tuple(extra)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.proc: subprocess.Popen | None = None
        self.seen: dict[int, psutil.Process] = {}     # every worker (and child of one) seen, by PID

    @property
    def command(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{self.port}", "-w", str(self.workers),
                *self.extra, "app:server"]

    def __enter__(self) -> "ProductionServer":
        self.proc = subprocess.Popen(self.command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait_until_serving(self, START_TIMEOUT)
            return self
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def __exit__(self, *exc) -> None:
        if self.proc is None:
            return
        self._remember()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)       # graceful: the workers finish and exit
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        alive = [p for p in self.seen.values() if p.is_running()]   # is_running() checks the PID's start time
        _, alive = psutil.wait_procs(alive, timeout=10)
        for p in alive:
            try:
                p.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(alive, timeout=10)

    def _remember(self) -> None:
        try:
            for child in psutil.Process(self.proc.pid).children(recursive=True):
                self.seen.setdefault(child.pid, child)
        except psutil.Error:
            pass

    def worker_pids(self) -> list[int]:
        """PIDs of the master's direct children (the workers)."""
        try:
            workers = psutil.Process(self.proc.pid).children()
        except psutil.Error:
            return []
        self._remember()
        return sorted(p.pid for p in workers)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def get_json(self, path: str):
        with urllib.request.urlopen(self.url + path, timeout=30) as resp:
            return json.loads(resp.read())


def cheapest_callback_body(server: ProductionServer) -> bytes:
    """A valid request for the plain server callback with the fewest dependencies (a cheap, real POST)."""
    index = layout_props(server.get_json("/_dash-layout"))
    plain = [d for d in server_callbacks(server.get_json("/_dash-dependencies")) if not d.get("background")]
    smallest = min(plain, key=lambda d: len(d["inputs"]) + len(d.get("state", [])))
    return encode(RequestBuilder(smallest, index).body())
