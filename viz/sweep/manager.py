"""The background-callback manager app.py installs (sweeps run outside the request that asked).

- Default: `dash.DiskcacheManager`, embedded, nothing to start. Each sweep runs in
  its own process (``multiprocess``), forked from a single-threaded fork server rather
  than from the web server: forking a threaded server (werkzeug's, gunicorn's gthread)
  while another thread is inside SQLite leaves the child waiting on a lock forever.
  Results and progress go through a diskcache directory that every gunicorn worker of
  the machine shares, outside the checkout: ``$VIZ_CACHE_DIR``, else
  ``$XDG_CACHE_HOME/optimizer-viz`` (``~/.cache/optimizer-viz``). Every entry expires
  (`ENTRY_TTL`) and the directory is bounded (`CACHE_LIMIT`, least recently stored
  evicted). The secret that signs the pages' job handles lives beside it in a file of
  its own (`signing_secret`), so no eviction can take it.
- A class server stays responsive however many sweeps are asked for (`JobGuard`): at
  most `slots()` sweeps compute at once per machine (default: the number of cores;
  ``VIZ_SWEEP_SLOTS``), the others wait in line and their pages show their place; a
  line longer than `MAX_WAITING` is refused with a message; a sweep whose pages stop
  polling for `ABANDON_AFTER` seconds is stopped, and so is one that runs longer than
  `JOB_LIMIT` or waits longer than `QUEUE_LIMIT`; sweeps run niced (`JOB_NICENESS`), so the
  web workers' short requests go first on the CPU. Identical sweeps (same settings,
  whichever page or worker asks) share one job: every page that asked polls it, sees
  its progress and gets its result, which is kept (`ENTRY_TTL`) instead of being
  deleted by the first reader; a page's cancel stops the job only when no other page
  is waiting for it.
- With ``REDIS_URL`` set (e.g. ``redis://host:6379/0``): `dash.CeleryManager` on a
  Celery app whose broker and result backend are that Redis, so several web servers
  and worker machines share one queue. Start workers with
  ``celery -A app:celery_app worker --concurrency=4``
  from the repository, with the same ``REDIS_URL``.
"""
from __future__ import annotations

import fcntl
import os
import secrets
import signal
import time
from pathlib import Path

import dash
import diskcache
import psutil

ROOT = Path(__file__).resolve().parents[2]
CACHE_LIMIT = 64 * 2**20             # bytes of job results and progress (a sweep's result is ~1 MB)
ENTRY_TTL = 3600                     # seconds any job entry (result, progress, registry) is kept
RESULT_TTL = 3600                    # seconds a Celery result is kept in Redis
TASK_LIMIT = 600                     # seconds: a 200 × 200 × 10,000 sweep takes about a minute
JOB_LIMIT = 300                      # seconds a sweep may compute (embedded mode) before it is stopped
QUEUE_LIMIT = 120                    # seconds a sweep may wait for a slot
ABANDON_AFTER = 10                   # seconds without a poll from any page: the sweep is stopped
MAX_WAITING = 8                      # sweeps waiting for a slot; more are refused
JOB_NICENESS = 10                    # sweeps run at a lower CPU priority than the web workers
LIMITS = {"job": JOB_LIMIT, "queue": QUEUE_LIMIT, "abandon": ABANDON_AFTER, "waiting": MAX_WAITING}


def cache_root(environ=None) -> Path:
    """Where the embedded mode keeps its caches: ``$VIZ_CACHE_DIR`` or the user's cache directory."""
    environ = os.environ if environ is None else environ
    if environ.get("VIZ_CACHE_DIR"):
        return Path(environ["VIZ_CACHE_DIR"])
    base = environ.get("XDG_CACHE_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".cache")
    return Path(base) / "optimizer-viz"


def slots(environ=None) -> int:
    """Sweeps that may compute at once on this machine (``VIZ_SWEEP_SLOTS``, default the cores)."""
    environ = os.environ if environ is None else environ
    try:
        n = int(environ.get("VIZ_SWEEP_SLOTS", ""))
    except ValueError:
        n = os.cpu_count() or 1
    return max(1, min(n, 64))


def celery_app(url: str):
    """A Celery app with ``url`` (Redis) as broker and result backend, tuned for short CPU-bound jobs."""
    from celery import Celery

    app = Celery("viz", broker=url, backend=url)
    app.conf.update(
        result_expires=RESULT_TTL,
        task_time_limit=TASK_LIMIT,
        worker_prefetch_multiplier=1,      # a sweep is long: do not hoard queued ones
        broker_connection_retry_on_startup=True,
    )
    return app


def background_manager(environ=None):
    """`dash.CeleryManager` when ``REDIS_URL`` is set, else an embedded `dash.DiskcacheManager`."""
    environ = os.environ if environ is None else environ
    url = environ.get("REDIS_URL", "").strip()
    if url:
        return dash.CeleryManager(celery_app(url))
    root = cache_root(environ)
    path = root / "background"
    path.mkdir(parents=True, exist_ok=True)
    return ForkServerDiskcacheManager(ExpiringCache(str(path), size_limit=CACHE_LIMIT), root=root,
                                      slots=slots(environ))


class ExpiringCache(diskcache.Cache):
    """A `diskcache.Cache` whose entries expire after `ENTRY_TTL` unless told otherwise
    (Dash's job code stores results and progress without an expiry)."""

    def set(self, key, value, expire=None, read=False, tag=None, retry=False):
        return super().set(key, value, expire=ENTRY_TTL if expire is None else expire, read=read, tag=tag,
                           retry=retry)

    def add(self, key, value, expire=None, read=False, tag=None, retry=False):
        return super().add(key, value, expire=ENTRY_TTL if expire is None else expire, read=read, tag=tag,
                           retry=retry)


def signing_secret(root: Path, generate) -> bytes:
    """The secret in ``root/signing-secret``, created once (atomically, mode 0600) by whoever comes first."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / "signing-secret"
    if not path.exists():
        tmp = root / f".signing-secret-{os.getpid()}-{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            value = generate()
            f.write(value if isinstance(value, bytes) else str(value).encode())
        try:
            os.link(tmp, path)             # fails if another worker made it first: theirs is kept
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes()


class SweepStopped(Exception):
    """Raised by a job's progress function: the sweep must stop; ``str(err)`` says why, for the page."""


class JobGuard:
    """The progress function a sweep job is handed, with the machine's rules behind it.

    Its first call takes one of the machine's slots (an exclusive `fcntl.flock` on one of
    ``slots`` lock files, released by the kernel whatever way the process ends), waiting in
    line meanwhile and reporting the place; every call checks that some page still polls
    (`ABANDON_AFTER`) and that the job is within `JOB_LIMIT`, and raises `SweepStopped` if not.
    """

    def __init__(self, cache, key: str, root: Path, n_slots: int, report, limits: dict | None = None):
        self.cache, self.key, self.root, self.n_slots, self.report = cache, key, root, n_slots, report
        self.limits = dict(LIMITS, **(limits or {}))
        self.slot = None
        self.started = None
        self.created = time.time()
        self.stopped = False

    def __call__(self, value) -> None:
        if self.slot is None:
            self._take_slot()
        self._check(self.limits["job"], self.started)
        self.report(value)

    def _stop(self, why: str):
        self.stopped = True
        raise SweepStopped(why)

    def _check(self, limit: float, since: float) -> None:
        beat = max(self.cache.get(_beat_key(self.key)) or 0.0, self.created)
        if time.time() - beat > self.limits["abandon"]:
            self._stop(f"no page has asked for this sweep for {self.limits['abandon']:g} s")
        if time.monotonic() - since > limit:
            self._stop(f"it ran past the server's limit of {limit:g} s per sweep")

    def _try_slot(self):
        folder = self.root / "slots"
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(self.n_slots):
            f = open(folder / f"slot-{i}.lock", "a+")
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return f
            except OSError:
                f.close()
        return None

    def _take_slot(self) -> None:
        waited = time.monotonic()
        self.slot = self._try_slot()
        if self.slot is not None:
            self.started = time.monotonic()
            return
        line = self.root / "queue"
        line.mkdir(parents=True, exist_ok=True)
        ticket = line / f"{time.time_ns():020d}-{os.getpid()}"
        ticket.touch()
        try:
            while True:
                ahead = _waiting_before(line, ticket.name)
                if ahead >= self.limits["waiting"]:
                    self._stop(f"the server is busy ({ahead} sweeps are waiting); try again in a minute")
                self.report(("0", f"Waiting for a free slot: {ahead + 1} in line "
                                   f"({self.n_slots} sweep{'s' if self.n_slots > 1 else ''} at a time)"))
                self._check(self.limits["queue"], waited)
                time.sleep(0.25)
                self.slot = self._try_slot()
                if self.slot is not None:
                    self.started = time.monotonic()
                    return
        finally:
            ticket.unlink(missing_ok=True)


def _waiting_before(line: Path, name: str) -> int:
    """Tickets in ``line`` older than ``name`` whose process still lives (stale ones are removed)."""
    ahead = 0
    for other in line.iterdir():
        if other.name >= name:
            continue
        try:
            alive = psutil.pid_exists(int(other.name.rsplit("-", 1)[1]))
        except (ValueError, IndexError):
            alive = False
        if alive:
            ahead += 1
        else:
            other.unlink(missing_ok=True)
    return ahead


def _beat_key(key: str) -> str:
    return f"viz-beat-{key}"


def _job_key(key: str) -> str:
    return f"viz-job-of-{key}"


def _watchers_key(key: str) -> str:
    return f"viz-watchers-{key}"


def _failed_key(key: str) -> str:
    return f"viz-failed-{key}"


def _key_of_job(pid) -> str:
    return f"viz-key-of-{pid}"


NO_JOB = 0     # the job id handed out when a finished result is served: no process has it


class ForkServerDiskcacheManager(dash.DiskcacheManager):
    """`dash.DiskcacheManager` whose jobs start from a fork server, one job per distinct sweep,
    under `JobGuard`'s rules (see the module docstring).

    The fork server is one clean process per web-server process, started on the first
    sweep with the sweep code preloaded, so a job still starts in milliseconds. Its
    children are reaped at once, not left as zombies of the web server, so a finished
    job's pid is free for reuse: a job is known by its pid *and* its start time
    (recorded in the shared cache), and a pid that now belongs to another process is
    neither "running" nor killed.
    """

    def __init__(self, cache, *args, root: Path | None = None, slots: int = 1, limits: dict | None = None,
                 **kwargs):
        import multiprocess

        self.limits = dict(LIMITS, **(limits or {}))
        self.root = Path(root) if root is not None else Path(cache.directory).parent   # (read by register)
        self.n_slots = slots
        super().__init__(cache, *args, **kwargs)
        self._context = multiprocess.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)     # once, when the app is built

    def get_or_create_signing_secret(self, generate):
        return signing_secret(self.root, generate)

    def make_job_fn(self, fn, progress, key=None):
        from dash.background_callback.managers.diskcache_manager import _make_job_fn

        cache, root, n_slots, limits = self.handle, self.root, self.n_slots, self.limits

        def job_fn(result_key, progress_key, user_args, context):
            import multiprocess

            if multiprocess.parent_process() is not None:       # a job process of its own:
                signal.alarm(int(limits["queue"] + limits["job"] + 60))  # the last resort: the kernel ends it
                try:
                    os.nice(JOB_NICENESS)    # the web workers' requests (sliders) go first on the CPU
                except OSError:
                    pass
            guards = []

            def guarded(*args, **kwargs):
                if not progress:
                    return fn(*args, **kwargs)
                guard = JobGuard(cache, result_key, root, n_slots, args[0], limits)
                guards.append(guard)
                return fn(guard, *args[1:], **kwargs)

            _make_job_fn(guarded, cache, progress)(result_key, progress_key, user_args, context)
            if any(g.stopped for g in guards):
                cache.set(_failed_key(result_key), True)      # shown to the pages waiting, never reused

        return job_fn

    def call_job_fn(self, key, job_fn, args, context):
        """Start the sweep's job, or join the one already running (or finished) for the same settings."""
        handle = self.handle
        handle.set(_beat_key(key), time.time())
        with handle.transact():
            if handle.get(key) is not None:
                if not handle.get(_failed_key(key)):
                    return NO_JOB                    # computed already: every page reads the same result
                for stale in (key, _failed_key(key), self._make_progress_key(key)):
                    handle.delete(stale)
            running = handle.get(_job_key(key))
            if running is not None and self._process(running) is not None:
                handle.set(_watchers_key(key), int(handle.get(_watchers_key(key)) or 0) + 1)
                return running
        process = self._context.Process(target=job_fn, args=(key, self._make_progress_key(key), args, context))
        process.start()
        try:
            handle.set(_started_key(process.pid), psutil.Process(process.pid).create_time(), expire=JOB_TTL)
        except psutil.NoSuchProcess:      # already done: its result is in the cache
            pass
        with handle.transact():
            handle.set(_job_key(key), process.pid)
            handle.set(_key_of_job(process.pid), key)
            handle.set(_watchers_key(key), 1)
        return process.pid

    def get_progress(self, key):
        """The job's progress, left in place for the other pages polling the same sweep; a poll
        is also the page's heartbeat (a sweep nobody polls is stopped by its `JobGuard`)."""
        self.handle.set(_beat_key(key), time.time())
        return self.handle.get(self._make_progress_key(key))

    def get_result(self, key, job):
        """The result, kept (until it expires) so that every page waiting for it gets it."""
        self.handle.set(_beat_key(key), time.time())
        return self.handle.get(key, self.UNDEFINED)

    def _process(self, job) -> psutil.Process | None:
        """The job's process, if ``job`` still names the process that was started for it."""
        try:
            pid = int(job)
            started = self.handle.get(_started_key(pid))
            proc = psutil.Process(pid)
            return proc if started is not None and proc.create_time() == started else None
        except (psutil.Error, TypeError, ValueError):
            return None

    def job_running(self, job):
        proc = self._process(job)
        try:
            return proc is not None and proc.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    def terminate_job(self, job):
        """One page lets go of the job (cancel, or a new sweep of its own); it ends when none is left."""
        proc = self._process(job)
        if proc is None:
            return
        key = self.handle.get(_key_of_job(job))
        if key is not None:
            with self.handle.transact():
                if self.handle.get(key) is not None:
                    return                           # finished: its result is there for everyone
                left = int(self.handle.get(_watchers_key(key)) or 1) - 1
                self.handle.set(_watchers_key(key), left)
            if left > 0:
                return                               # other pages still wait for this sweep
        try:
            victims = [*proc.children(recursive=True), proc]
        except psutil.Error:
            victims = [proc]
        for victim in victims:
            try:
                victim.kill()
            except psutil.Error:
                pass
        try:
            proc.wait(1)
        except psutil.Error:
            pass


def _started_key(pid: int) -> str:
    return f"viz-job-started-{pid}"


JOB_TTL = 24 * 3600                  # seconds a job's start time is kept in the cache
PRELOAD = ["numpy", "optimizers", "surfaces", "viz.sweep.compute"]


def celery_of(manager):
    """The Celery app behind ``manager`` (the worker's ``-A`` target), or None for diskcache."""
    return manager.handle if isinstance(manager, dash.CeleryManager) else None
