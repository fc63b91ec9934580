"""The benchmark suite runs: every benchmark at tiny sizes gives finite numbers (no timing asserted)."""
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

import benchmarks
from benchmarks.__main__ import main
from benchmarks.common import ERROR, FAIL, Config, table

TINY = Config.tiny()
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["engine", "scenes", "sweep", "payload"])
def test_benchmark_runs_and_reports_finite_numbers(name):
    rows = benchmarks.run_one(name, TINY)
    assert rows
    for row in rows:
        assert row.status != ERROR, row.extra
        assert row.value is not None and math.isfinite(row.value) and row.value > 0, row
        assert row.ratio is None or (math.isfinite(row.ratio) and row.ratio > 0), row
        if name == "engine":  # the torch baseline does the same work: same positions
            assert row.extra["max_abs_diff_vs_torch"] < 1e-9, row.extra
    assert all(row.name in table(rows) for row in rows)


@pytest.mark.browser
def test_browser_benchmark_drives_the_page(tmp_path):
    """5: lr moves in headless Chromium, the bytes received, Plotly's floor and playback. Run as
    `make bench` runs it, in its own process (Playwright's sync API cannot start inside the event
    loop the browser tests' fixture leaves in this one)."""
    out = tmp_path / "browser.json"
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--only", "browser", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {row["key"]: row for row in json.loads(out.read_text())["results"]}
    assert {"browser.contour", "browser.all", "browser.bytes", "browser.floor", "browser.playback"} <= set(rows)
    for row in rows.values():
        assert row["status"] != ERROR, row["extra"]
        assert row["value"] is not None and math.isfinite(row["value"]) and row["value"] > 0, row
    assert rows["browser.contour"]["extra"]["console_errors"] == []
    assert rows["browser.bytes"]["value"] < 200_000            # a Patch, not the whole page


def test_server_benchmark_loads_gunicorn_without_errors():
    """6: simulated clients against gunicorn -w 2: latencies, and no request errs."""
    rows = benchmarks.run_one("server", TINY)
    assert len(rows) == 1 and rows[0].status not in (ERROR, FAIL), rows[0].extra
    assert math.isfinite(rows[0].value) and rows[0].value > 0


def test_command_line_writes_the_json(tmp_path, capsys):
    out = tmp_path / "latest.json"
    assert main(["--quick", "--only", "sweep", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert [r["key"] for r in data["results"]] == ["sweep.sgd", "sweep.adam"]
    assert data["machine"]["cpus"] >= 1
    assert "3 sweep" in capsys.readouterr().out


def test_unknown_benchmark_is_refused():
    with pytest.raises(ValueError, match="Unknown benchmark"):
        benchmarks.run_one("nope", TINY)
