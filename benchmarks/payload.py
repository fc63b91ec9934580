"""4. Payload: bytes sent per slider update in the default scene (target ≤ 40 KB).

The real HTTP exchange, through the Flask test client: the body a browser sends
when the lr slider moves one step (built from ``/_dash-dependencies`` and the
layout, see `dash_client`), POSTed to ``/_dash-update-component``; the figure is
the size of the response body (summed if one move fires several server
callbacks). Dash sends it uncompressed; the gzip size is in the JSON for reference.
Baseline: the response that redraws everything (the surface picker firing the
same callback), i.e. what each update would cost without `Patch`.
KB = 1,000 bytes.
"""
from __future__ import annotations

import gzip
import json

from .common import Config, Result, Target, fmt_ratio, judged, median
from .dash_client import UPDATE_PATH, DashClient, lr_body_factory

TARGET_BYTES = 40_000


def app_client():
    """The Flask test client of the app (``app.py`` at the repository root)."""
    from app import app
    return app.server.test_client()


def post(client, body: bytes) -> bytes:
    resp = client.post(UPDATE_PATH, data=body, content_type="application/json")
    if resp.status_code != 200:
        raise RuntimeError(f"{UPDATE_PATH} answered {resp.status_code}: {resp.data[:200]!r}")
    return resp.data


def breakdown(data: bytes) -> dict:
    """Bytes per output of one response (JSON re-encoded compactly: a close estimate)."""
    response = json.loads(data).get("response", {})
    return {f"{cid}.{prop}": len(json.dumps(value, separators=(",", ":")))
            for cid, props in response.items() for prop, value in props.items()}


def lr_steps(start: float, n: int) -> list[float]:
    """lr values one slider step (0.01 in log10 units) apart, as ArrowRight would give."""
    return [start * 10 ** (0.01 * (i + 1)) for i in range(n)]


def run(cfg: Config) -> list[Result]:
    client = app_client()
    dc = DashClient.from_get(lambda path: client.get(path).get_json())
    triggers, bodies = lr_body_factory(dc)
    lr0 = dc.current(*triggers[0].changed)
    lr0 = lr0 if isinstance(lr0, (int, float)) and lr0 > 0 else 0.01
    sizes, request_sizes, last = [], [], []
    for lr in lr_steps(lr0, cfg.payload_samples):
        payloads = bodies(lr)
        last = [post(client, b) for b in payloads]
        sizes.append(sum(len(d) for d in last))
        request_sizes.append(sum(len(b) for b in payloads))
    patch_bytes = median(sizes)
    surface_id = "surface-picker"
    full = dc.server_callback_with_input(surface_id, "value", "contour-graph")
    full_data = post(client, json.dumps(dc.body(full, dc.current(surface_id, "value"))).encode())
    ratio = len(full_data) / patch_bytes
    return [judged(
        "payload.lr_update", "4 payload per lr-slider update, default scene (HTTP)",
        patch_bytes, "bytes", f"{patch_bytes / 1e3:.1f} KB",
        f"full redraw (surface change) {len(full_data) / 1e3:.1f} KB", ratio,
        fmt_ratio(ratio, "smaller", "larger"),
        Target("<=", TARGET_BYTES, text=f"≤ {TARGET_BYTES / 1e3:g} KB"),
        extra={"response_bytes": sizes, "request_bytes": request_sizes,
               "callbacks_per_update": len(triggers),
               "changed_props": [f"{t.changed[0]}.{t.changed[1]}" for t in triggers],
               "gzip_bytes": sum(len(gzip.compress(d, 6)) for d in last),
               "per_output_bytes": [breakdown(d) for d in last],
               "full_redraw_bytes": len(full_data), "full_redraw_per_output": breakdown(full_data)},
    )]
