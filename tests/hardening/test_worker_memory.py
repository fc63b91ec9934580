"""Worker memory under the production command: PyTorch is loaded once, by the master.

"Check against PyTorch" imports torch. A worker that imported it itself grew from about
50 MB to about 240 MB of memory of its own (USS; 80 → 330+ MB RSS), and each worker did.
./gunicorn.conf.py imports torch (and torch._dynamo, which torch.optim loads on its first
step) in the master before forking, so the workers share those pages, and freezes the
master's objects (gc.freeze) so that no worker's garbage collector copies them.
"""
import http.client
import json

import psutil

from scripts.dash_requests import RequestBuilder, encode, layout_props, server_callbacks
from tests.hardening.production import ProductionServer

MB = 2 ** 20
MAX_USS = 150 * MB             # a worker's own memory after a torch check (was ~240 MB)
MAX_GROWTH = 80 * MB           # what a torch check adds to it (was ~190 MB)


def _torch_check_body(server) -> bytes:
    """The callback that draws torch.optim's trace on the contour (triggered by the check's request
    store), with the "Check against PyTorch" switch on and the page's default scene."""
    index = layout_props(server.get_json("/_dash-layout"))
    dep = next(d for d in server_callbacks(server.get_json("/_dash-dependencies"))
               if "contour-graph.figure" in d["output"] and d["inputs"][0]["id"] == "torch-check-request")
    builder = RequestBuilder(dep, index)
    toggle = next(i for i, d in enumerate(builder.deps) if d["id"] == "torch-check")
    on = [{**c, "value": ["on"]} for c in builder.default(toggle)]
    return encode(builder.body({toggle: on}, trigger=(0, 0)))


def _maps_torch(pid: int) -> bool:
    return any("libtorch_cpu" in m.path for m in psutil.Process(pid).memory_maps(grouped=True))


def test_a_torch_check_does_not_load_pytorch_into_each_worker():
    with ProductionServer(workers=1) as server:
        (pid,) = server.worker_pids()
        worker = psutil.Process(pid)
        assert _maps_torch(server.proc.pid), "the master did not import PyTorch"
        body = _torch_check_body(server)
        before = worker.memory_full_info().uss
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        try:
            conn.request("POST", "/_dash-update-component", body=body, headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            status, data = resp.status, resp.read()
        finally:
            conn.close()
        after = worker.memory_full_info()
        assert server.worker_pids() == [pid]
    assert status == 200, data[:300]
    patch = json.loads(data)["response"]["contour-graph"]["figure"]
    assert any(op["params"].get("value", {}).get("x") for op in patch["operations"]), "no torch.optim trace"
    assert after.uss < MAX_USS, f"worker USS {after.uss / MB:.0f} MB after a torch check"
    assert after.uss - before < MAX_GROWTH, f"a torch check added {(after.uss - before) / MB:.0f} MB to the worker"
