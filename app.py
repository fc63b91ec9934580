"""Entry point: ``python app.py`` serves the visualizer; ``gunicorn app:server`` in production."""
from __future__ import annotations

import os

# One BLAS/OpenMP thread per process, set before NumPy or PyTorch load: the server runs a worker
# per core (and a sweep per core), so more threads only fight over the cores. Measured: 10,000
# Adam runs on Rosenbrock took 0.24 s with OpenBLAS's default threads and one core busy, 0.11 s
# with one thread (0.12 / 0.11 s on an idle machine).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import ipaddress  # noqa: E402

import dash  # noqa: E402

import viz.callbacks  # noqa: F401  (registers the callbacks)
from viz import layout  # noqa: E402
from viz.server import harden  # noqa: E402
from viz.sweep.manager import background_manager, celery_of  # noqa: E402

# Sweeps run as background callbacks: embedded diskcache, or Celery + Redis when REDIS_URL is set.
background = background_manager()
celery_app = celery_of(background)   # with REDIS_URL: `celery -A app:celery_app worker`
# Callbacks name components of views mounted later (the landscape's body): checked by
# tests/viz/test_wiring.py against `layout.validation()` instead of in every browser.
app = dash.Dash(__name__, title="Optimizer trajectories", update_title=None,
                background_callback_manager=background, suppress_callback_exceptions=True)
harden(app)
app.layout = layout.build
server = app.server


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only: ``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Serve the optimizer trajectory visualizer.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--debug", action="store_true",
                        help="reload on changes and show Werkzeug's debugger (loopback --host only)")
    args = parser.parse_args(argv)
    if args.debug and not is_loopback(args.host):
        # Werkzeug's debugger runs any Python a visitor types: never on an address others can reach.
        parser.error(f"--debug serves Werkzeug's interactive debugger, which runs any code a visitor "
                     f"sends: use it only with a loopback --host (127.0.0.1, localhost, ::1), "
                     f"not {args.host!r}; in production run gunicorn (see README)")
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
