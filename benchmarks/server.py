"""6. Server: callback latency under 30 concurrent simulated clients, gunicorn with 2 workers.

gunicorn (sync workers) is started on 127.0.0.1 and a free port as a subprocess
and stopped afterwards. Each simulated client is a thread that moves the lr
slider as fast as the server answers (closed loop, no think time: a student
dragging a slider): it POSTs the body the browser would send for an lr move
(`dash_client`, random lr each time) and waits for the whole response. Load runs
for a fixed time; the first moments (warm-up) are not counted. Loopback only.

The issue sets no latency target here, so the row is INFO (FAIL if any request
errs). Baseline: one client alone on the same server, measured just before; the
ratio is the loaded p95 over that unloaded median. For reference the JSON also has
the queueing ideal: with C clients on W busy workers a request waits for about
C / W services, i.e. p50 ≈ (C / W) × the unloaded time.
"""
from __future__ import annotations

import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from .browser import free_port
from .common import FAIL, INFO, Config, Result, fmt_time, median, percentile
from .dash_client import UPDATE_PATH, DashClient, lr_body_factory

ROOT = Path(__file__).resolve().parent.parent


class Gunicorn:
    """``gunicorn -w N app:server`` on a free loopback port, as a subprocess of ours."""

    def __init__(self, workers: int):
        self.workers = workers
        self.port = free_port()
        self.log = open(os.devnull, "wb")

    def __enter__(self):
        cmd = [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
               "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning", "app:server"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.PIPE,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.proc.stderr.read().decode()[-500:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_dash-dependencies", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise TimeoutError("gunicorn did not answer within 60 s")

    def get_json(self, path: str):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as resp:
            return json.loads(resp.read())

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)   # the session we started, nothing else
            self.proc.wait(timeout=5)
        self.proc.stderr.close()
        self.log.close()


def post(port: int, body: bytes) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", UPDATE_PATH, body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, len(resp.read())
    finally:
        conn.close()


def move(port: int, bodies, lr: float) -> tuple[float, bool]:
    """One slider move: every callback it fires, in turn; (seconds, all answered 200)."""
    t0 = time.perf_counter()
    ok = True
    for body in bodies(lr):
        status, _ = post(port, body)
        ok &= status == 200
    return time.perf_counter() - t0, ok


def load(port: int, bodies, lr0: float, clients: int, seconds: float, warmup: float) -> dict:
    """Closed-loop load; latencies of moves started after ``warmup`` and finished before the end."""
    start = time.perf_counter() + 0.2
    t_count, t_end = start + warmup, start + warmup + seconds
    samples, errors, lock = [], [], threading.Lock()

    def client(seed: int):
        rng = random.Random(seed)
        while time.perf_counter() < start:
            time.sleep(0.005)
        while True:
            t0 = time.perf_counter()
            if t0 >= t_end:
                return
            try:
                dt, ok = move(port, bodies, lr0 * 10 ** rng.uniform(-0.5, 0.5))
            except OSError as err:
                dt, ok = time.perf_counter() - t0, False
                with lock:
                    errors.append(str(err))
            if t0 >= t_count and t0 + dt <= t_end:
                with lock:
                    samples.append((dt, ok))

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + warmup + 60)
    lat = [dt for dt, _ in samples]
    return {"latencies_s": lat, "failed": sum(not ok for _, ok in samples) + len(errors),
            "errors": errors[:5], "throughput_per_s": len(lat) / seconds}


def run(cfg: Config) -> list[Result]:
    with Gunicorn(cfg.server_workers) as server:
        dc = DashClient.from_get(server.get_json)
        triggers, bodies = lr_body_factory(dc)
        lr0 = dc.current(*triggers[0].changed)
        lr0 = lr0 if isinstance(lr0, (int, float)) and lr0 > 0 else 0.01
        # Warm both workers (imports, first layout), then one client alone, then the crowd.
        load(server.port, bodies, lr0, cfg.server_workers * 2, cfg.server_warmup_seconds, 0.0)
        alone = [move(server.port, bodies, lr0 * 10 ** (0.01 * i))[0]
                 for i in range(cfg.server_unloaded_samples)]
        crowd = load(server.port, bodies, lr0, cfg.server_clients, cfg.server_seconds,
                     cfg.server_warmup_seconds)
    lat = crowd["latencies_s"]
    p95, p50_alone = percentile(lat, 95), median(alone)
    ratio = p95 / p50_alone if lat else None
    extra = {"clients": cfg.server_clients, "workers": cfg.server_workers, "seconds": cfg.server_seconds,
             "moves": len(lat), "p50_s": median(lat), "p95_s": p95, "p99_s": percentile(lat, 99),
             "max_s": max(lat) if lat else None, "throughput_moves_per_s": crowd["throughput_per_s"],
             "failed": crowd["failed"], "errors": crowd["errors"], "unloaded_s": alone,
             "unloaded_p95_s": percentile(alone, 95),
             "queueing_ideal_p50_s": cfg.server_clients / cfg.server_workers * p50_alone,
             "note": "load generator shares the 2 CPUs with the 2 workers"}
    status = FAIL if crowd["failed"] else INFO
    return [Result(
        "server.p95", f"6 server p95, {cfg.server_clients} clients, gunicorn -w {cfg.server_workers}",
        p95, "s", f"{fmt_time(p95)} (p50 {fmt_time(median(lat))}, {crowd['throughput_per_s']:.0f} moves/s, "
                  f"{crowd['failed']} errors)",
        f"1 client alone p50 {fmt_time(p50_alone)}", ratio,
        f"{ratio:.1f}× slower" if ratio else "—", "none in issue; 0 errors", status, extra)]
