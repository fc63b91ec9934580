"""scripts/loadtest.py --attack: at a tiny size against the real server, and its request builder.

The run (one attacker, two students, 5 s, one gunicorn worker) must build every request of the
attack from what the server publishes (scene, step inspector, each export, PyTorch check,
sweep), check each at a small size, run, stop everything it started and print its summary.
Thresholds are lax on purpose (no latency figure is asserted: these machines are shared and
noisy), so the exit status only says that nothing errored, no worker died and no student was
refused. The second test checks, without a server, that built requests pass the server's own
shape check and that a changed callback is named. Not browser tests: both run in the normal
suite (about 30 s together).
"""
import json
import os
import re
import subprocess
import sys

import psutil
import pytest

from scripts.loadtest import ROOT

KINDS = ("scene", "inspector", "export-csv", "export-json", "export-torch", "export-gif", "torch-check", "sweep")


def _group(pgid: int) -> list[int]:
    """Processes still alive in process group ``pgid`` (gunicorn's, and whatever its workers started)."""
    out = []
    for p in psutil.process_iter():
        try:
            if os.getpgid(p.pid) == pgid and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p.pid)
        except (psutil.Error, OSError):
            continue
    return out


def test_attack_mode_runs_and_reports():
    cmd = [sys.executable, "scripts/loadtest.py", "--attack", "--attackers", "1", "--clients", "2", "--seconds", "5",
           "--workers", "1", "--max-p95", "30", "--student-timeout", "60", "--grace", "2",
           "--max-rss-mb", "20000", "--abort-rss-mb", "20000", "--max-disk-mb", "2000"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=180)
    out = proc.stdout
    report = out + proc.stderr
    assert "Traceback" not in proc.stderr, report
    built = re.search(r"^requests built: (.*)$", out, re.M)
    assert built, report
    for kind in KINDS:
        assert kind in built.group(1), f"{kind} request not built:\n{report}"
    assert "NOT BUILT" not in out, report
    students = re.search(r"^students: (\d+) answers .* p95 ([\d,]+) .* errors (\d+)\s+refused (\d+)", out, re.M)
    assert students and int(students.group(1)) > 0, report
    assert re.search(r"^server tree RSS MB: start [\d,]+\s+peak [\d,]+", out, re.M), report
    assert re.search(r"^worker \d+ RSS MB: booted", out, re.M), report
    assert re.search(r"^cache directory MB: peak [\d.]+\s+end [\d.]+", out, re.M), report
    assert re.search(r"^result: (PASS|FAIL)", out, re.M), report
    assert proc.returncode == 0, report
    # Everything the run started (gunicorn, its workers, the sweep fork server and jobs) is gone.
    server = re.search(r"^server: gunicorn pid (\d+) ", out, re.M)
    assert server, report
    assert not _group(int(server.group(1))), report


def test_requests_follow_the_callbacks_or_name_the_one_that_changed(dependencies, layout_index):
    """Requests are built from the published callbacks and pass the server's own shape check; a callback
    that no longer takes what the attack needs is named, with what is missing (no server needed)."""
    from app import app
    from scripts.attack import BuildError, Site
    from scripts.dash_requests import server_callbacks
    from viz import ids
    from viz.server import check_callback_body

    site = Site.__new__(Site)            # what Site() reads over HTTP, from Flask's test client instead
    site.port, site.timeout, site.index = 0, 1.0, layout_index
    site.deps = server_callbacks(dependencies)
    scene = site.find("scene", outputs=[(ids.CONTOUR, "figure"), (ids.STATUS, "children")],
                      inputs=[(ids.FORMULA, "value"), (ids.STEPS, "value")])
    values = {(ids.FORMULA, "value"): "x/(y/(x/y))", (ids.STEPS, "value"): 5000, (ids.VIEW_3D, "value"): ["3d"]}
    body = json.loads(site.body("scene", scene, values, trigger=(ids.FORMULA, "value"),
                                required=[(ids.FORMULA, "value"), (ids.STEPS, "value")]))
    check_callback_body(body, app.callback_map)
    assert body["changedPropIds"] == [f"{ids.FORMULA}.value"]
    sent = {c["id"]: c.get("value") for c in body["inputs"] if isinstance(c, dict)}
    assert sent[ids.FORMULA] == "x/(y/(x/y))" and sent[ids.STEPS] == 5000 and sent[ids.VIEW_3D] == ["3d"]

    # The PyTorch check's trigger renamed: the attack says which request it cannot build, and why.
    site.deps = [dict(d, inputs=[dict(i, id="renamed") if i["id"] == ids.TORCH_CHECK_REQUEST else i
                                 for i in d["inputs"]]) for d in site.deps]
    with pytest.raises(BuildError, match=f"PyTorch check request: no server callback with inputs "
                                         f"{ids.TORCH_CHECK_REQUEST}.data"):
        site.find("PyTorch check", inputs=[(ids.TORCH_CHECK_REQUEST, "data")])
    # The scene no longer takes the step count: named, not sent without it.
    without = dict(scene, inputs=[i for i in scene["inputs"] if i["id"] != ids.STEPS])
    with pytest.raises(BuildError, match=f"scene request: .* no longer takes {ids.STEPS}.value"):
        site.body("scene", without, values, trigger=(ids.FORMULA, "value"), required=[(ids.STEPS, "value")])
