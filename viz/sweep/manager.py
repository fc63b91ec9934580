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
    sweep with the sweep code preloaded, so a job still starts in milliseconds.
    """

    def call_job_fn(self, key, job_fn, args, context):
        import multiprocess

        ctx = multiprocess.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        process = ctx.Process(target=job_fn, args=(key, self._make_progress_key(key), args, context))
        process.start()
        return process.pid


PRELOAD = ["numpy", "optimizers", "surfaces", "viz.sweep.compute"]


def celery_of(manager):
    """The Celery app behind ``manager`` (the worker's ``-A`` target), or None for diskcache."""
    return manager.handle if isinstance(manager, dash.CeleryManager) else None
