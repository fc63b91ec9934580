"""Exports of a scene: trajectories as CSV and JSON, and the playback as an animated GIF (Pillow).

Pure functions of a validated `Config` (no dash here). The PyTorch script is in
`viz.torch_code`; PNG comes from Plotly's own toolbar.
"""
from __future__ import annotations

import base64
import csv
import io
import json
import math

import numpy as np

from .budget import Pacer, stopped
from .config import Config
from .figures import contour_grid
from .palette import run_style
from .scene import Scene, compute
from .torch_code import ExportError, script
from .urlstate import _flat_values, encode

GIF_SIZE = 360            # pixels along the longer side
GIF_FRAMES = 48
GIF_MS = 70               # per frame; the last frame holds 1.5 s


def _finite(v) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def to_csv(scene: Scene, pacer: Pacer | None = None) -> str:
    """One row per run and step: run (its label), step, x, y, loss, lr (empty after a divergence)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run", "step", "x", "y", "loss", "lr"])
    for r in scene.results:
        for t in range(len(r.path)):
            if pacer is not None and not t % 256:
                pacer.tick()
            row = [_finite(r.path[t, 0]), _finite(r.path[t, 1]), _finite(r.loss[t]),
                   _finite(r.lr[t]) if t < len(r.lr) else None]
            writer.writerow([r.label, t] + ["" if v is None else repr(v) for v in row])
    return out.getvalue()


def to_json(config: Config, scene: Scene, pacer: Pacer | None = None) -> str:
    """The configuration (its link and each run's settings) and every run's path, loss and lr."""
    runs = []
    for run, r in zip(config.runs, scene.results):
        if pacer is not None:
            pacer.tick()
        runs.append({
            "label": r.label, "optimizer": run.optimizer,
            "hyperparameters": {k: v for k, v in _flat_values(run.optimizer, run.kwargs).items()},
            "schedule": {"name": run.schedule[0], "params": run.schedule[1]} if run.schedule else None,
            "error": r.error or None,
            "diverged_at": r.diverged_at if r.diverged_at >= 0 else None,
            "path": [[_finite(x), _finite(y)] for x, y in r.path],
            "loss": [_finite(v) for v in r.loss],
            "lr": [_finite(v) for v in r.lr],
        })
    doc = {"link": encode(config), "surface": config.surface, "start": list(scene.start),
           "steps": config.steps, "runs": runs}
    return json.dumps(doc, default=lambda o: list(o) if isinstance(o, tuple) else str(o), allow_nan=False)


# ---------------------------------------------------------------- GIF

# Plotly's Viridis stops, as the contour panel shows it.
VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58",
           "#b5de2b", "#fde725"]


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i:i + 2], 16) for i in (1, 3, 5))


def _background(scene: Scene, width: int, height: int):
    from PIL import Image


    xs, ys, z = contour_grid(scene.surface, 90)
    lo, hi = float(np.min(z)), float(np.max(z))
    level = np.clip((z - lo) / (hi - lo if hi > lo else 1.0), 0, 1)
    level = np.floor(level * 14) / 14                      # banded, like contour levels
    stops = np.array([_rgb(c) for c in VIRIDIS], dtype=np.float64)
    pos = level * (len(VIRIDIS) - 1)
    i = np.minimum(pos.astype(int), len(VIRIDIS) - 2)
    frac = (pos - i)[..., None]
    rgb = stops[i] * (1 - frac) + stops[i + 1] * frac
    image = Image.fromarray(np.flipud(rgb).astype(np.uint8), "RGB")      # row 0 is the top (max y)
    return image.resize((width, height), Image.Resampling.BILINEAR)


def to_gif(scene: Scene, pacer: Pacer | None = None) -> bytes:
    """The playback as a small looping GIF: trajectories drawn step by step over the contour."""
    from PIL import ImageDraw

    (x0, x1), (y0, y1) = scene.surface.bounds
    aspect = (y1 - y0) / (x1 - x0)
    width, height = (GIF_SIZE, max(60, round(GIF_SIZE * aspect))) if aspect <= 1 else \
        (max(60, round(GIF_SIZE / aspect)), GIF_SIZE)
    base = _background(scene, width, height)

    def pixel(x, y):
        return ((x - x0) / (x1 - x0) * (width - 1), (y1 - y) / (y1 - y0) * (height - 1))

    steps = max((len(r.path) - 1 for r in scene.results if len(r.path)), default=0)
    marks = sorted({round(steps * k / (GIF_FRAMES - 1)) for k in range(GIF_FRAMES)}) if steps else [0]
    frames = []
    for step in marks:
        if pacer is not None:
            pacer.tick()
        frame = base.copy()
        draw = ImageDraw.Draw(frame)
        for m in scene.surface.minima:
            px, py = pixel(*m)
            draw.regular_polygon((px, py, 5), 5, fill="white", outline="black")
        for i, r in enumerate(scene.results):
            end = len(r.path) if r.diverged_at < 0 else r.diverged_at
            pts = r.path[:min(step, end - 1) + 1] if end > 0 else r.path[:0]
            pts = pts[np.all(np.abs(pts) < 1e6, axis=1)]
            if len(pts) == 0:
                continue
            # Cap the points drawn per frame (long runs) while keeping the head exact.
            if len(pts) > 600:
                pts = np.concatenate([pts[:-1][:: math.ceil(len(pts) / 600)], pts[-1:]])
            xy = [pixel(float(x), float(y)) for x, y in pts]
            color = run_style(i)[0]
            if len(xy) > 1:
                draw.line(xy, fill=color, width=2)
            hx, hy = xy[-1]
            draw.ellipse((hx - 4, hy - 4, hx + 4, hy + 4), fill=color, outline="white")
        draw.rectangle((0, 0, 84, 14), fill="white")
        draw.text((3, 2), f"step {step}", fill="black")
        frames.append(frame.convert("P", palette=1, colors=128))   # adaptive palette: small files
    out = io.BytesIO()
    durations = [GIF_MS] * (len(frames) - 1) + [1500]
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0,
                   optimize=True)
    return out.getvalue()


def export(kind: str, config: Config) -> tuple[dict | None, str]:
    """``(payload, notice)``: a ``dcc.Download`` payload for ``kind`` in csv/json/torch/gif and an
    empty notice, or ``None`` and a message saying why nothing was exported.

    Each kind is checked against its cost budget (`viz.budget`) before any work.
    """
    if kind == "torch":
        try:
            content = script(config, encode(config))
        except ExportError as err:
            return None, str(err)
        return {"content": content, "filename": "trajectories_torch.py", "type": "text/x-python"}, ""
    if kind not in ("csv", "json", "gif"):
        return None, ""
    pacer = Pacer(kind)
    scene = compute(config, kind)
    if scene.surface is None:
        return None, scene.error if scene.refused else f"Nothing exported: {scene.error}"
    try:
        if kind == "csv":
            return {"content": to_csv(scene, pacer), "filename": "trajectories.csv", "type": "text/csv"}, ""
        if kind == "json":
            return {"content": to_json(config, scene, pacer), "filename": "trajectories.json",
                    "type": "application/json"}, ""
        return {"content": base64.b64encode(to_gif(scene, pacer)).decode("ascii"), "filename": "trajectories.gif",
                "type": "image/gif", "base64": True}, ""
    except TimeoutError:
        return None, stopped(kind)
