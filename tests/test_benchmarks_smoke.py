"""The benchmark suite runs: benchmarks 1–4 at tiny sizes give finite numbers (no timing asserted)."""
import json
import math

import pytest

import benchmarks
from benchmarks.__main__ import main
from benchmarks.common import ERROR, Config, table

TINY = Config.tiny()


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
