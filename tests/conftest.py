import warnings

warnings.filterwarnings("ignore", message=".*lr_scheduler.*")

# The landscape view runs sweeps as Dash background callbacks, whose results go through a
# diskcache directory (app.py reads VIZ_CACHE_DIR on import): one per test process, removed at
# the end, never the repository's .cache/. Tests never use Celery, even if REDIS_URL is set.
import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

_BACKGROUND_CACHE = tempfile.mkdtemp(prefix="viz-background-")
os.environ["VIZ_CACHE_DIR"] = _BACKGROUND_CACHE
os.environ.pop("REDIS_URL", None)


def pytest_unconfigure(config):
    shutil.rmtree(_BACKGROUND_CACHE, ignore_errors=True)
