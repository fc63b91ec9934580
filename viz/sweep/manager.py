"""The background-callback manager app.py installs (sweeps run outside the request that asked).

- Default: `dash.DiskcacheManager`, embedded, nothing to start. Each sweep runs in
  its own process (``multiprocess``), forked from a single-threaded fork server rather
  than from the web server: forking a threaded server (werkzeug's, gunicorn's gthread)
  while another thread is inside SQLite leaves the child waiting on a lock forever. Results and progress go through a diskcache
  directory that every gunicorn worker of the machine shares: ``$VIZ_CACHE_DIR``,
  or ``.cache/background`` in the repository (git-ignored). The cache is bounded
  (``size_limit``, least recently stored entries evicted) since a cancelled job
  leaves its entry behind.
- With ``REDIS_URL`` set (e.g. ``redis://host:6379/0``): `dash.CeleryManager` on a
  Celery app whose broker and result backend are that Redis, so several web servers
  and worker machines share one queue. Start workers with
  ``celery -A app:celery_app worker --concurrency=4``
  from the repository, with the same ``REDIS_URL``.
"""
from __future__ import annotations

import os
from pathlib import Path

import dash
import psutil

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE = ROOT / ".cache" / "background"
CACHE_LIMIT = 256 * 2**20            # bytes of diskcache
RESULT_TTL = 3600                    # seconds a Celery result is kept in Redis
TASK_LIMIT = 600                     # seconds: a 200 × 200 × 10,000 sweep takes about a minute


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
    import diskcache

    path = Path(environ.get("VIZ_CACHE_DIR") or DEFAULT_CACHE)
    path.mkdir(parents=True, exist_ok=True)
    return ForkServerDiskcacheManager(diskcache.Cache(str(path), size_limit=CACHE_LIMIT))


class ForkServerDiskcacheManager(dash.DiskcacheManager):
    """`dash.DiskcacheManager` whose jobs start from a fork server (see the module docstring).

    The fork server is one clean process per web-server process, started on the first
    sweep with the sweep code preloaded, so a job still starts in milliseconds. Its
    children are reaped at once, not left as zombies of the web server, so a finished
    job's pid is free for reuse: a job is known by its pid *and* its start time
    (recorded in the shared cache), and a pid that now belongs to another process is
    neither "running" nor killed.
    """

    def __init__(self, *args, **kwargs):
        import multiprocess

        super().__init__(*args, **kwargs)
        self._context = multiprocess.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)     # once, when the app is built

    def call_job_fn(self, key, job_fn, args, context):
        process = self._context.Process(target=job_fn, args=(key, self._make_progress_key(key), args, context))
        process.start()
        try:
            self.handle.set(_started_key(process.pid), psutil.Process(process.pid).create_time(), expire=JOB_TTL)
        except psutil.NoSuchProcess:      # already done: its result is in the cache
            pass
        return process.pid

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
        proc = self._process(job)
        if proc is None:
            return
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
