"""One BLAS/OpenMP thread per server process: workers (and sweeps) are one per core already.

With OpenBLAS's default threads, the engine's fused path ran 2.2x slower when another core
was busy, as it always is under gunicorn with a worker per core (app.py's comment has the figures).
"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = ("import app, sys, numpy; assert 'numpy' in sys.modules; import os; "
         "print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'])")


def test_the_app_loads_numpy_with_one_blas_thread():
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                           "MKL_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["1", "1"]
    # ... set before NumPy is first imported (else OpenBLAS has already started its threads).
    source = (ROOT / "app.py").read_text()
    assert source.index("OPENBLAS_NUM_THREADS") < source.index("import dash")


def test_an_operator_can_still_choose():
    env = dict(os.environ, OPENBLAS_NUM_THREADS="2", OMP_NUM_THREADS="2")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.split() == ["2", "2"]
