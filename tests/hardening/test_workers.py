"""The app under gunicorn: two server processes give byte-identical answers; limits hold on a real socket.

Also runs scripts/loadtest.py for a few seconds with 5 clients and expects no error.
"""
import http.client
import json
import select
import socket
import subprocess
import sys
import time

import pytest

from scripts.dash_requests import RequestBuilder, encode, layout_props, server_callbacks
from scripts.loadtest import ROOT, Gunicorn
from tests.hardening.conftest import page_index
from tests.hardening.production import ProductionServer, cheapest_callback_body

REQUESTS = 40


@pytest.fixture(scope="module")
def gunicorn():
    with Gunicorn(workers=2) as server:
        yield server


def _post(server, body: bytes, headers=None, **kwargs):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request("POST", "/_dash-update-component", body=body,
                     headers={"Content-Type": "application/json", **(headers or {})}, **kwargs)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _scene_body(server) -> bytes:
    """The first callback with a pattern-matching input that has components (the scene, with the
    runs' sliders), triggered by that input as a slider drag would."""
    index = layout_props(server.get_json("/_dash-layout"))
    for dep in server_callbacks(server.get_json("/_dash-dependencies")):
        builder = RequestBuilder(dep, index)
        for i in range(builder.n_inputs):
            comps = builder.default(i)
            if not dep.get("background") and comps and isinstance(comps[0]["id"], dict):
                return encode(builder.body(trigger=(i, 0)))
    pytest.fail("no server callback has a pattern-matching input with components in the layout")


def _answers(server, bodies: list[bytes]) -> list[tuple[int, bytes]]:
    """The page's layout, then ``REQUESTS // 2`` callback requests: the bodies in turn, one at a time."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request("GET", "/_dash-layout")
        resp = conn.getresponse()
        out = [(resp.status, resp.read())]
    finally:
        conn.close()
    for _ in range(REQUESTS // 2 // len(bodies)):
        out += [_post(server, body) for body in bodies]
    return out


def test_two_workers_give_byte_identical_answers():
    """Two independent server processes (two single-worker gunicorns, one port each) get the same
    requests and give byte-identical answers. Which process answers is fixed by the port, not left
    to how the kernel spreads connections over the workers of one master."""
    with ProductionServer(workers=1) as first, ProductionServer(workers=1) as second:
        workers = [first.worker_pids(), second.worker_pids()]
        assert len(workers[0]) == len(workers[1]) == 1 and workers[0] != workers[1]
        bodies = [_scene_body(first), cheapest_callback_body(first)]
        assert bodies == [_scene_body(second), cheapest_callback_body(second)]
        answers = [_answers(first, bodies), _answers(second, bodies)]
        assert [first.worker_pids(), second.worker_pids()] == workers, "a worker was replaced"
    for server_answers in answers:
        assert {status for status, _ in server_answers} == {200}
    # The layout as JSON: Dash orders a component's data-* attributes by a set of their names, so
    # their order follows the process's hash seed (the same in two workers of one master, forked).
    assert json.loads(answers[0][0][1]) == json.loads(answers[1][0][1]), "the layouts differ"
    assert answers[0][1:] == answers[1][1:], "the two processes answered differently"
    for server_answers in answers:           # and a repeated request gets the same answer
        for k in range(len(bodies)):
            assert len(set(server_answers[1 + k::len(bodies)])) == 1


def test_one_megabyte_body_gets_413_over_a_socket(gunicorn):
    status, data = _post(gunicorn, b" " * (1 << 20))
    assert status == 413 and b"256 KB" in data


def _post_chunked(server, chunks) -> bytes:
    """Stream a chunked POST like a careful client: stop sending once the server has answered
    (it closes the connection after a 413, so writing on would only meet a broken pipe)."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=60)
    try:
        sock.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            for chunk in chunks:
                if select.select([sock], [], [], 0.01)[0]:
                    break
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            else:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        try:
            while data := sock.recv(65536):
                answer += data
        except (ConnectionResetError, socket.timeout):
            pass
        return answer
    finally:
        sock.close()


def test_chunked_body_over_the_limit_gets_413_over_a_socket(gunicorn):
    answer = _post_chunked(gunicorn, (b" " * 65536 for _ in range(16)))   # 1 MB, no Content-Length
    assert answer.startswith(b"HTTP/1.1 413") and b"256 KB" in answer


def test_load_test_script_runs_clean():
    proc = subprocess.run([sys.executable, "scripts/loadtest.py", "--seconds", "5", "--clients", "5",
                           "--workers", "2"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "errors: 0" in proc.stdout and "p95" in proc.stdout


def _poll(server, body: bytes, query: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request("POST", "/_dash-update-component" + query, body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_background_sweeps_finish_under_gunicorn(gunicorn):
    """The landscape's background callback, polled like the renderer (but faster, to meet a job
    as it exits), across both workers: each sweep starts and its result arrives. A finished job's
    pid is reaped at once by the fork server, and must not break the poll that collects it."""
    index = page_index(gunicorn.get_json("/_dash-layout"))      # with the landscape's controls
    dep = next(d for d in server_callbacks(gunicorn.get_json("/_dash-dependencies")) if d.get("background"))
    body = encode(RequestBuilder(dep, index).body(trigger=(0, 0)))
    for _ in range(6):
        status, data = _post(gunicorn, body)
        assert status == 200
        handles = json.loads(data)
        query = f"?cacheKey={handles['cacheKey']}&job={handles['job']}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            status, data = _poll(gunicorn, body, query)
            assert status in (200, 204), data[:300]
            answer = json.loads(data) if status == 200 else {}
            if "response" in answer:
                break
            time.sleep(0.01)
        else:
            pytest.fail("the sweep never answered")
        outputs = answer["response"]
        assert any("runs ×" in json.dumps(v, ensure_ascii=False) for v in outputs.values()), str(outputs)[:300]


def test_pages_starting_the_same_sweep_share_it_and_all_get_the_result(gunicorn):
    """Six pages start the same sweep at once (a lecturer: "everyone open the landscape"): one job
    computes it, and every page's polls get its result — before, each page started its own
    process and the first page to read a result deleted it, so half the pages waited forever."""
    index = page_index(gunicorn.get_json("/_dash-layout"))
    dep = next(d for d in server_callbacks(gunicorn.get_json("/_dash-dependencies")) if d.get("background"))
    builder = RequestBuilder(dep, index)
    size = next(i for i, d in enumerate(builder.deps) if d["id"] == "sweep-size")
    steps = next(i for i, d in enumerate(builder.deps) if d["id"] == "sweep-steps")
    body = encode(builder.body(items={size: [{"id": "sweep-size", "property": "value", "value": 150}],
                                      steps: [{"id": "sweep-steps", "property": "value", "value": 3000}]},
                               trigger=(0, 0)))
    handles = []
    for _ in range(6):
        status, data = _post(gunicorn, body)
        assert status == 200
        handles.append(json.loads(data))
    # One process for six pages (a page that asks once it has finished is served its kept result: job 0).
    assert len({h["job"].split("~")[0] for h in handles} - {"0"}) == 1
    answers = {}
    deadline = time.monotonic() + 120
    while len(answers) < len(handles) and time.monotonic() < deadline:
        for i, h in enumerate(handles):
            if i in answers:
                continue
            status, data = _poll(gunicorn, body, f"?cacheKey={h['cacheKey']}&job={h['job']}")
            assert status in (200, 204), data[:300]
            answer = json.loads(data) if status == 200 else {}
            if "response" in answer:
                answers[i] = json.dumps(answer["response"], sort_keys=True, ensure_ascii=False)
        time.sleep(0.05)
    assert len(answers) == len(handles), f"{len(handles) - len(answers)} pages never got the sweep"
    assert len(set(answers.values())) == 1 and "runs ×" in answers[0]
