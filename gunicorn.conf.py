"""Production settings, read by ``.venv/bin/gunicorn app:server`` run from the repository.

gunicorn loads ``./gunicorn.conf.py`` by itself; options on the command line win over
these (the tests and scripts/loadtest.py add ``-b 127.0.0.1:PORT -w N``). The measurements
behind each choice are in the README ("Deploying for a class").
"""
import gc
import os

# One BLAS/OpenMP thread per process (workers are one per core; see app.py), set before the master
# imports PyTorch below.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

wsgi_app = "app:server"
bind = "0.0.0.0:8050"
# One worker per core: every request is a short, CPU-bound NumPy computation (10-200 ms).
workers = os.cpu_count() or 2
timeout = 120                  # s a worker may spend on one request before the master replaces it

# Slow clients. A sync worker (gunicorn's default) reads a request's headers itself, one
# connection at a time: 4 connections sending a header line every 2 s held 4 workers, and a
# plain GET waited 16 s. gthread also reads headers in its pool threads, blocking: 200 such
# connections held 2 workers x 32 threads. gevent reads each connection in a greenlet of its
# own, with gunicorn's HTTP parser (the same limits and WSGI environ as sync), and the app only
# ever sees complete requests: with 200 trickling connections a GET still answers in < 10 ms.
worker_class = "gevent"
worker_connections = 1000      # open connections per worker (slow or not) before it stops accepting
# Seconds an idle connection is kept open; with gevent also the time a client has to send its
# request line and headers before it is dropped (a browser sends them in one packet).
keepalive = 2

# Memory. gevent patches the standard library in each worker as it starts, and the app must be
# imported after that (its locks and sockets would otherwise be the blocking kind): the app is
# not preloaded. PyTorch (for "Check against PyTorch") is pure computation and large: the master
# imports it before forking, with torch._dynamo (which torch.optim imports on its first step),
# so the workers share those pages instead of each adding ~190 MB of its own, and a worker's
# first check takes 0.2 s instead of holding all of that worker's clients for 3-5 s.
preload_app = False


def on_starting(server):
    try:
        import torch  # noqa: F401
        import torch._dynamo  # noqa: F401
    except ImportError as err:     # the check then imports it in the worker, as `python app.py` does
        server.log.warning("PyTorch not preloaded: %s", err)


def pre_fork(server, worker):
    # Objects that exist before the fork are left alone by the worker's garbage collector (and by
    # gevent's scan for locks as it patches): their pages stay shared with the master.
    gc.freeze()
