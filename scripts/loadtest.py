"""Bounded load test: simulated students dragging an lr slider against gunicorn on loopback.

    python scripts/loadtest.py                       # 50 students, 60 s, one worker per CPU
    python scripts/loadtest.py --clients 5 --seconds 5 --workers 2
    python scripts/loadtest.py --attack --workers 4  # 4 attackers beside 20 students (scripts/attack.py)

Starts ``gunicorn -w N app:server`` itself on 127.0.0.1 and a free port, waits for
it, then runs ``--clients`` threads for ``--seconds``. Each thread is one student
dragging a run's learning rate back and forth: it posts the scene callback
(``/_dash-update-component``, built from ``/_dash-dependencies`` and
``/_dash-layout``) with a new lr, waits for the answer (as the browser does), pauses
``--think`` seconds, and goes on. Then it stops gunicorn and prints the request
count, errors, latency percentiles and each worker's resident memory at the start,
middle and end. Exits 1 on any error (a status other than 200, a body that is not
strict JSON, a worker that died or was replaced) or if a worker's memory grew by more
than ``--max-growth-mb`` over the second half of the run.

``--attack`` adds ``--attackers`` clients sending the most expensive requests the server
accepts (the largest scene on the costliest formula, the inspector at the last step,
every export, the PyTorch check, sweeps started and abandoned) while ``--clients``
students (20 by default) drag; it reports the students' latency, requests refused and
errors per kind, the RSS of the server's whole process tree and the disk used by its
cache directory, and exits 1 past ``--max-p95``, ``--max-rss-mb`` or ``--max-disk-mb``
or on any error. See scripts/attack.py.
"""
from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.dash_requests import RequestBuilder, encode, layout_props, server_callbacks  # noqa: E402

UPDATE = "/_dash-update-component"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(server, timeout: float) -> None:
    """Wait (bounded) until ``server`` (``proc``, ``url``, ``workers``, ``worker_pids()``,
    ``output()``) answers and has all its workers; `RuntimeError` with its log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.proc.returncode}:\n{server.output()}")
        try:
            with urllib.request.urlopen(server.url + "/_dash-dependencies", timeout=5) as resp:
                if resp.status == 200 and len(server.worker_pids()) == server.workers:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:g} s:\n{server.output()}")


class Gunicorn:
    """``gunicorn -w N app:server`` on 127.0.0.1 and a free port, as a context manager."""

    def __init__(self, workers: int, timeout: float = 60.0, env: dict | None = None, new_session: bool = False,
                 worker_timeout: float = 60, graceful_timeout: float | None = None):
        """``timeout``: seconds to wait for it to answer; ``env``: its environment (default: ours);
        ``new_session``: start it as the leader of its own process group (so that whatever its
        workers start can be found afterwards); ``worker_timeout`` and ``graceful_timeout``:
        gunicorn's ``--timeout`` and ``--graceful-timeout`` (its default, 30 s, when None)."""
        self.workers, self.timeout = workers, timeout
        self.env, self.new_session = env, new_session
        self.worker_timeout, self.graceful_timeout = worker_timeout, graceful_timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        cmd = [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
               "--timeout", f"{self.worker_timeout:g}", "app:server"]
        if self.graceful_timeout is not None:
            cmd[-1:-1] = ["--graceful-timeout", f"{self.graceful_timeout:g}"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env=self.env,
                                     start_new_session=self.new_session)
        try:
            wait_until_serving(self, self.timeout)
        except RuntimeError:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)      # graceful stop of the master and its workers
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def output(self) -> str:
        return self.log_text()[-4000:]

    def log_text(self) -> str:
        """Everything gunicorn wrote so far (its log, and the workers' errors)."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def worker_pids(self) -> list[int]:
        """PIDs of the master's children (the workers), from /proc."""
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
            return sorted(int(p) for p in text.split())
        except OSError:   # kernels without CONFIG_PROC_CHILDREN: scan every process's parent
            pids = []
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    if int(stat.read_text().rpartition(")")[2].split()[1]) == self.proc.pid:
                        pids.append(int(stat.parent.name))
                except (OSError, ValueError, IndexError):
                    continue
            return sorted(pids)

    def get_json(self, path: str):
        with urllib.request.urlopen(self.url + path, timeout=30) as resp:
            return json.loads(resp.read())


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process (VmRSS in /proc/PID/status), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _reject(name):
    raise ValueError(f"{name} in a response")


def drag_bodies(server: Gunicorn, positions: int = 64) -> list[bytes]:
    """Request bodies of one lr drag, from 1e-3 up to 1e-1 and back, on the first run's typed lr.

    The lr slider itself is clientside: it writes the typed lr, whose change the server sees.
    """
    index = layout_props(server.get_json("/_dash-layout"))
    for dep in server_callbacks(server.get_json("/_dash-dependencies")):
        builder = RequestBuilder(dep, index)
        for i in range(builder.n_inputs):
            comps = builder.default(i)
            for j, comp in enumerate(comps):
                if isinstance(comp["id"], dict) and comp["id"].get("name") == "lr" \
                        and isinstance(comp.get("value"), (int, float)):
                    up = [10 ** (-3 + 2 * k / (positions - 1)) for k in range(positions)]
                    bodies = []
                    for lr in up + up[::-1]:
                        changed = [dict(c) for c in comps]
                        changed[j]["value"] = float(f"{lr:.4g}")
                        bodies.append(encode(builder.body({i: changed}, trigger=(i, j))))
                    return bodies
    raise RuntimeError("no server callback takes a typed lr as input")


def post(port: int, body: bytes, timeout: float = 60.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", UPDATE, body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def student(port: int, bodies: list[bytes], offset: int, stop: float, think: float,
            latencies: list[float], errors: list[str]) -> None:
    k = offset
    while time.monotonic() < stop:
        body = bodies[k % len(bodies)]
        k += 1
        t0 = time.perf_counter()
        try:
            status, data = post(port, body)
            elapsed = time.perf_counter() - t0
            if status != 200:
                errors.append(f"HTTP {status}: {data[:120]!r}")
            else:
                json.loads(data, parse_constant=_reject)
                latencies.append(elapsed)
        except (OSError, ValueError, http.client.HTTPException) as err:
            errors.append(f"{type(err).__name__}: {err}")
        if think:
            time.sleep(think)


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return math.nan
    return sorted_values[min(len(sorted_values) - 1, max(0, math.ceil(q / 100 * len(sorted_values)) - 1))]


def run(clients: int, seconds: float, workers: int, think: float, max_growth_mb: float) -> int:
    load = os.getloadavg()
    with Gunicorn(workers) as server:
        bodies = drag_bodies(server)
        pids = server.worker_pids()
        # Warm-up: every worker imports, sets Dash up and computes a few scenes before "start".
        warm_errors: list[str] = []
        warm = [threading.Thread(target=student, args=(server.port, bodies, 7 * c, time.monotonic() + 2.0, 0.0,
                                                       [], warm_errors)) for c in range(2 * workers)]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        memory = {"start": {pid: rss_mb(pid) for pid in pids}}
        latencies: list[list[float]] = [[] for _ in range(clients)]
        errors: list[str] = list(warm_errors)
        started = time.monotonic()
        stop = started + seconds
        threads = [threading.Thread(target=student, args=(server.port, bodies, (c * len(bodies)) // clients, stop,
                                                          think, latencies[c], errors), daemon=True)
                   for c in range(clients)]
        for t in threads:
            t.start()
        time.sleep(seconds / 2)
        memory["middle"] = {pid: rss_mb(pid) for pid in pids}
        time.sleep(max(0.0, stop - time.monotonic() - 0.2))
        memory["end"] = {pid: rss_mb(pid) for pid in pids}
        for t in threads:
            t.join(timeout=90)
        elapsed = time.monotonic() - started
        if server.worker_pids() != pids:
            errors.append(f"workers changed during the run: {pids} -> {server.worker_pids()}")
    values = sorted(v for per in latencies for v in per)
    ms = lambda q: 1000 * percentile(values, q)  # noqa: E731
    print(f"load test: {clients} clients, {seconds:g} s, {workers} gunicorn workers, think {think:g} s")
    print(f"requests: {len(values) + len(errors)} ({len(values) / elapsed:.1f}/s)   errors: {len(errors)}")
    worst = 1000 * max(values, default=math.nan)
    print(f"latency ms: p50 {ms(50):.0f}   p95 {ms(95):.0f}   p99 {ms(99):.0f}   max {worst:.0f}")
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    grew = []
    for pid in pids:
        start, middle, end = (memory[k].get(pid) for k in ("start", "middle", "end"))
        fmt = lambda v: "gone" if v is None else f"{v:.1f}"  # noqa: E731
        print(f"worker {pid} RSS MB: start {fmt(start)}   middle {fmt(middle)}   end {fmt(end)}")
        if middle is not None and end is not None and end - middle > max_growth_mb:
            grew.append(pid)
    for err in errors[:10]:
        print("error:", err)
    if grew:
        print(f"memory grew by more than {max_growth_mb:g} MB over the second half in workers {grew}")
    return 1 if errors or grew or not values else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=None,
                        help="simulated students (threads); 50, or 20 with --attack")
    parser.add_argument("--seconds", type=float, default=60.0, help="duration of the run")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    parser.add_argument("--think", type=float, default=0.05, help="pause between a student's requests (s)")
    parser.add_argument("--max-growth-mb", type=float, default=64.0,
                        help="fail if a worker's RSS grows more than this over the second half (default mode)")
    attack = parser.add_argument_group("attacker mode (scripts/attack.py)")
    attack.add_argument("--attack", action="store_true",
                        help="add attackers sending the most expensive requests the server accepts")
    attack.add_argument("--attackers", type=int, default=4, help="attacking clients (threads)")
    attack.add_argument("--max-p95", type=float, default=1.0, help="fail if the students' p95 is over this (s)")
    attack.add_argument("--max-rss-mb", type=float, default=3000.0,
                        help="fail if the server's process tree (workers, sweeps) peaks over this RSS")
    attack.add_argument("--max-disk-mb", type=float, default=600.0,
                        help="fail if the cache directory (VIZ_CACHE_DIR) grows over this")
    attack.add_argument("--abort-rss-mb", type=float, default=None,
                        help="stop the run early past this tree RSS (default: twice --max-rss-mb, at least +2 GB)")
    attack.add_argument("--abort-disk-mb", type=float, default=None,
                        help="stop the run early past this cache size (default: 4 × --max-disk-mb)")
    attack.add_argument("--worker-timeout", type=float, default=120.0,
                        help="gunicorn --timeout in attacker mode (the README's deployment uses 120)")
    attack.add_argument("--request-timeout", type=float, default=None,
                        help="an attacker's wait for one answer (default: worker timeout + 30 s)")
    attack.add_argument("--student-timeout", type=float, default=30.0,
                        help="a student's wait for one answer; longer is an error (s)")
    attack.add_argument("--grace", type=float, default=5.0,
                        help="wait for attackers' last answers after the end (s); later ones are cut off")
    attack.add_argument("--no-probe", dest="probe", action="store_false",
                        help="do not resend a refused request at the step count its message allows")
    attack.add_argument("--refused-pattern", default="",
                        help="extra regular expression marking a 200 answer as refused")
    attack.add_argument("--allow-student-refusals", action="store_true",
                        help="do not fail when a student's request is refused")
    args = parser.parse_args(argv)
    if args.clients is None:
        args.clients = 20 if args.attack else 50
    if args.clients < 1 or args.workers < 1 or not 0 < args.seconds <= 3600:
        parser.error("need clients >= 1, workers >= 1 and 0 < seconds <= 3600")
    if not args.attack:
        return run(args.clients, args.seconds, args.workers, args.think, args.max_growth_mb)
    if not 0 <= args.attackers <= 64 or args.workers > 64 or args.clients > 500:
        parser.error("need 0 <= attackers <= 64, workers <= 64 and clients <= 500")
    if args.abort_rss_mb is None:
        args.abort_rss_mb = max(2 * args.max_rss_mb, args.max_rss_mb + 2000)
    if args.abort_disk_mb is None:
        args.abort_disk_mb = 4 * args.max_disk_mb
    if args.request_timeout is None:
        args.request_timeout = args.worker_timeout + 30
    from scripts.attack import run_attack

    return run_attack(args, Gunicorn, drag_bodies)


if __name__ == "__main__":
    sys.exit(main())
