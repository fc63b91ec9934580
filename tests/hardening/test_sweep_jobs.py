"""Sweeps on a class server: a cap, a line, abandoned and overlong jobs stopped, identical ones shared.

Found against the production server: 24 sweep starts never polled were all accepted (35
processes, 6.5 GB, ran ~80 s); six pages starting the same sweep ran it six times and three
of them never got a result (the first read deleted it); ~300 abandoned sweeps evicted the
signing secret from the shared cache; the cache lived in the checkout without expiry.
These tests drive the real manager: jobs are real processes from its fork server, and
each wait is bounded. Nothing depends on timing beyond generous bounds: a job that must
wait is held by a file the test creates, not by a sleep.
"""
import os
import time
from pathlib import Path

import pytest

from viz.sweep import compute
from viz.sweep.manager import ROOT, ExpiringCache, background_manager, cache_root

WAIT = 60          # seconds: the bound on every wait here (jobs take well under a second)


def _sweep(set_progress, folder, name, hold):
    """A job that reports progress like a sweep, waits while ``hold`` (a file) exists, and logs its run."""
    folder = Path(folder)
    with open(folder / "runs.log", "a") as log:
        log.write(f"{name} {os.getpid()}\n")
    set_progress(("0", "started"))
    while hold and (folder / hold).exists():
        set_progress(("0.5", "held"))
        time.sleep(0.05)
    set_progress(("1", "done"))
    return ["result", name]


def _stoppable(set_progress, folder, name, hold):
    from viz.sweep.manager import SweepStopped

    try:
        return _sweep(set_progress, folder, name, hold)
    except SweepStopped as err:
        return ["stopped", str(err)]


@pytest.fixture
def make(tmp_path):
    managers = []

    def make(slots=2, **limits):
        manager = background_manager({"VIZ_CACHE_DIR": str(tmp_path / f"m{len(managers)}"),
                                      "VIZ_SWEEP_SLOTS": str(slots)})
        manager.limits.update(limits)
        managers.append(manager)
        return manager, manager.make_job_fn(_stoppable, progress=True)

    yield make
    for manager in managers:
        manager.handle.close()


def _until(condition, poll=()):
    """Wait (bounded) until ``condition()``; meanwhile ``poll`` are (manager, key) pairs kept alive as a page would."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        for manager, key in poll:
            manager.get_progress(key)
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def _runs(tmp_path) -> list[str]:
    log = tmp_path / "runs.log"
    return log.read_text().split("\n")[:-1] if log.exists() else []


def test_identical_sweeps_share_one_job_and_every_page_gets_the_result(make, tmp_path):
    manager, job_fn = make()
    (tmp_path / "hold").touch()
    jobs = [manager.call_job_fn("same", job_fn, (str(tmp_path), "A", "hold"), {}) for _ in range(6)]
    assert len(set(jobs)) == 1 and manager.job_running(jobs[0])              # one process for six pages
    _until(lambda: list(manager.get_progress("same") or []) == ["0.5", "held"])
    assert all(list(manager.get_progress("same") or []) == ["0.5", "held"] for _ in range(6))   # every page sees it
    (tmp_path / "hold").unlink()
    results = [_until(lambda: manager.get_result("same", job) if manager.get_result("same", job)
                      is not manager.UNDEFINED else None, [(manager, "same")]) for job in jobs]
    assert results == [["result", "A"]] * 6                                   # nobody's read deletes it
    assert len(_runs(tmp_path)) == 1
    # A page asking again later is served the kept result without a new job.
    assert manager.call_job_fn("same", job_fn, (str(tmp_path), "A", None), {}) == 0
    assert manager.get_result("same", 0) == ["result", "A"] and len(_runs(tmp_path)) == 1


def test_a_cancel_stops_a_shared_job_only_when_no_page_waits(make, tmp_path):
    manager, job_fn = make()
    (tmp_path / "hold").touch()
    first = manager.call_job_fn("k", job_fn, (str(tmp_path), "A", "hold"), {})
    second = manager.call_job_fn("k", job_fn, (str(tmp_path), "A", "hold"), {})
    assert first == second
    manager.terminate_job(first)
    assert manager.job_running(first)                      # the other page still waits for it
    manager.terminate_job(second)
    _until(lambda: not manager.job_running(first))


def test_at_most_n_sweeps_compute_at_once_and_the_others_wait_in_line(make, tmp_path):
    manager, job_fn = make(slots=1)
    (tmp_path / "hold").touch()
    a = manager.call_job_fn("a", job_fn, (str(tmp_path), "A", "hold"), {})
    _until(lambda: list(manager.get_progress("a") or []) == ["0.5", "held"], [(manager, "a")])
    b = manager.call_job_fn("b", job_fn, (str(tmp_path), "B", None), {})
    waiting = _until(lambda: (manager.get_progress("b") or [None, ""])[1].startswith("Waiting")
                     and list(manager.get_progress("b")), [(manager, "a"), (manager, "b")])
    assert waiting == ["0", "Waiting for a free slot: 1 in line (1 sweep at a time)"]
    assert [r.split()[0] for r in _runs(tmp_path)] == ["A", "B"]       # B started, but computes nothing yet
    (tmp_path / "hold").unlink()
    _until(lambda: manager.get_result("b", b) == ["result", "B"], [(manager, "a"), (manager, "b")])
    assert manager.get_result("a", a) == ["result", "A"]


def test_a_full_line_is_refused_with_a_message(make, tmp_path):
    manager, job_fn = make(slots=1, waiting=1)
    (tmp_path / "hold").touch()
    keep = [(manager, k) for k in "abc"]
    manager.call_job_fn("a", job_fn, (str(tmp_path), "A", "hold"), {})
    _until(lambda: list(manager.get_progress("a") or []) == ["0.5", "held"], keep)
    manager.call_job_fn("b", job_fn, (str(tmp_path), "B", None), {})
    _until(lambda: (manager.get_progress("b") or ["", ""])[1].startswith("Waiting"), keep)
    manager.call_job_fn("c", job_fn, (str(tmp_path), "C", None), {})
    refused = _until(lambda: manager.get_result("c", None) if manager.get_result("c", None)
                     is not manager.UNDEFINED else None, keep)
    assert refused[0] == "stopped" and "the server is busy (1 sweeps are waiting)" in refused[1]
    (tmp_path / "hold").unlink()
    # A refused sweep is not kept: asked again once the line is short, it runs.
    _until(lambda: manager.get_result("b", None) == ["result", "B"], keep)
    job = manager.call_job_fn("c", job_fn, (str(tmp_path), "C", None), {})
    assert job != 0
    _until(lambda: manager.get_result("c", job) == ["result", "C"], [(manager, "c")])


def test_a_sweep_no_page_polls_any_more_is_stopped(make, tmp_path):
    manager, job_fn = make(abandon=1)
    (tmp_path / "hold").touch()
    job = manager.call_job_fn("k", job_fn, (str(tmp_path), "A", "hold"), {})
    result = _until(lambda: manager.get_result("k", job) if manager.handle.get("k") is not None else None)
    assert result[0] == "stopped" and "no page has asked for this sweep for 1 s" in result[1]
    _until(lambda: not manager.job_running(job))


def test_a_sweep_over_its_time_limit_is_stopped(make, tmp_path):
    manager, job_fn = make(job=0.5)
    (tmp_path / "hold").touch()
    job = manager.call_job_fn("k", job_fn, (str(tmp_path), "A", "hold"), {})
    result = _until(lambda: manager.get_result("k", job) if manager.handle.get("k") is not None else None,
                    [(manager, "k")])
    assert result[0] == "stopped" and "limit of 0.5 s per sweep" in result[1]


def test_the_signing_secret_cannot_be_evicted(make, tmp_path):
    manager, _ = make()
    first = manager.get_or_create_signing_secret(lambda: b"s" * 64)
    assert manager.get_or_create_signing_secret(lambda: b"other") == first
    assert manager.handle.get(manager.SIGNING_SECRET_KEY) is None          # not in the evictable cache
    manager.handle.clear()                                                # everything evicted ...
    assert manager.get_or_create_signing_secret(lambda: b"other") == first    # ... but the secret
    assert oct((manager.root / "signing-secret").stat().st_mode & 0o777) == "0o600"


def test_caches_live_outside_the_checkout_and_expire(tmp_path):
    root = cache_root({"HOME": str(tmp_path)})
    assert root == tmp_path / ".cache" / "optimizer-viz" and ROOT not in root.parents
    assert cache_root({"XDG_CACHE_HOME": str(tmp_path / "x")}) == tmp_path / "x" / "optimizer-viz"
    manager = background_manager({"HOME": str(tmp_path)})
    try:
        assert isinstance(manager.handle, ExpiringCache)
        assert Path(manager.handle.directory).is_relative_to(root)
        manager.handle.set("k", 1)                       # as Dash's job code stores results: no expiry given
        _, expires = manager.handle.get("k", expire_time=True)
        assert expires is not None and expires > time.time()
        assert manager.handle.size_limit <= 64 * 2**20
    finally:
        manager.handle.close()
    from viz.sweep import results
    assert results.directory({"HOME": str(tmp_path)}) == root / "results"


def test_a_sweep_job_holds_a_bounded_amount_of_memory():
    """Each simulate() call of a sweep keeps at most ~25 MB of path and loss (24 bytes per cell-step)."""
    for steps in (10, 100, 1000, 10_000):
        spec = compute.make_spec(optimizer="SGD", surface="ravine", start=[1.0, 1.0], values={"lr": 0.01},
                                 x=("lr", 1e-3, 1e-1), y=("momentum", 0.0, 0.9), n=200, steps=steps)
        largest = max(len(c) for c in compute._chunks(spec))
        assert largest * (steps + 1) * 24 <= 32 * 2**20, steps
