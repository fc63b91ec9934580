"""Step inspector: at playback step t, each run's gradient, optimizer state and effective step.

The engine keeps only positions, so each run is replayed with its optimizer's own
``init``/``update`` for t steps, fed the same gradients (noise included), the lr
`simulate` applied at each step and any momentum a schedule cycled. What it shows
at step t is the update from w_t to w_{t+1}: g = ∇L(w_t) as the optimizer saw it,
the state after the update (m, v, velocity ...), Δw = w_{t+1} − w_t and, per
coordinate, the effective lr Δw/(−g) (what plain SGD would need to take the same step).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import optimizers
from optimizers import schedules

from .budget import Pacer
from .config import Config, start_of
from .palette import run_style
from .scene import _noise, build_surface, run_noise


@dataclass(frozen=True)
class StepView:
    label: str
    step: int
    point: np.ndarray          # w_t
    grad: np.ndarray           # g_t
    delta: np.ndarray          # w_{t+1} − w_t
    lr: float
    state: dict                # name → (2,) array or scalar, after the update


def inspect(config: Config, step: int, deadline: float | None = None) -> list[StepView]:
    """The step ``step`` of every valid run of ``config`` (runs that diverged before it are left out).

    ``deadline``: a `time.monotonic()` value after which `TimeoutError` is raised (the caller
    checks the cost budget, `viz.budget`, before).
    """
    try:
        surface = build_surface(config)
        shared = _noise(config, surface)
    except ValueError:
        return []
    step = int(min(max(step, 0), config.steps - 1))
    pacer = Pacer(until=deadline) if deadline is not None else None
    start = np.array([start_of(config)], dtype=np.float64)
    views = []
    for run in config.runs:
        try:
            opt = optimizers.get(run.optimizer, **run.kwargs)
            schedule = schedules.get(run.schedule[0], **run.schedule[1]) if run.schedule else None
            noise = run_noise(config, surface, run, shared)
            sim = optimizers.simulate(surface, opt, start, step + 1, schedule=schedule, noise=noise,
                                      deadline=deadline)
        except ValueError:
            continue
        if sim.diverged_at[0] >= 0:
            continue
        grad = noise.bind(surface, 1, step + 1) if noise is not None else (lambda p, t: surface.grad(p))
        cycled = {name: seq[:, 0] for name, seq in (sim.hyperparams or {}).items()}
        params, state = start.copy(), opt.init(start.copy())
        with np.errstate(all="ignore"):
            for t in range(step + 1):
                if pacer is not None and not t % 16:
                    pacer.tick()
                g = grad(params, t)
                kwargs = {name: float(seq[t]) for name, seq in cycled.items()}
                if opt.needs_hessian:
                    kwargs["hessian"] = surface.hessian(params)
                new, state = opt.update(g, state, params, float(sim.lr[t, 0]), **kwargs)
                if t < step:
                    params = new
        fields = {}
        for name, value in (state._asdict().items() if hasattr(state, "_asdict") else ()):
            arr = np.asarray(value, dtype=np.float64) if not isinstance(value, (bool, np.bool_)) else None
            if arr is None:
                continue
            if arr.size == 2:
                fields[name] = arr.reshape(2)
            elif arr.size == 1:
                fields[name] = float(arr.reshape(()))
        views.append(StepView(run.label, step, params[0], np.asarray(g[0]), new[0] - params[0],
                              float(sim.lr[step, 0]), fields))
    return views


def _fmt(v) -> str:
    if isinstance(v, np.ndarray):
        return "(" + ", ".join(_fmt(float(x)) for x in v) + ")"
    return f"{v:.4g}" if np.isfinite(v) else "—"


def rows(views: list[StepView]) -> list[dict]:
    """Table rows: run, g, Δw, effective lr per coordinate, and the state."""
    out = []
    for view in views:
        with np.errstate(all="ignore"):
            effective = np.where(view.grad != 0, -view.delta / view.grad, np.nan)
        state = "; ".join(f"{k} = {_fmt(v)}" for k, v in view.state.items() if k not in ("count",))
        out.append({"run": view.label, "w": _fmt(view.point), "g": _fmt(view.grad), "Δw": _fmt(view.delta),
                    "lr": _fmt(view.lr), "effective lr": _fmt(effective), "state": state or "—"})
    return out


def arrows(views: list[StepView], surface) -> list[dict]:
    """Contour annotations at each head: −g (direction, dashed-looking thin arrow) and Δw (to scale)."""
    (x0, x1), (y0, y1) = surface.bounds
    length = 0.08 * max(x1 - x0, y1 - y0)
    out = []
    for i, view in enumerate(views):
        color = run_style(i)[0]
        px, py = (float(v) for v in view.point)
        norm = float(np.hypot(*view.grad))
        if np.isfinite(norm) and norm > 0:
            gx, gy = -view.grad / norm * length
            out.append(_arrow(px, py, px + gx, py + gy, "white", 1.5, "−∇L"))
        dx, dy = (float(v) for v in view.delta)
        if np.isfinite(dx) and np.isfinite(dy) and (dx or dy):
            out.append(_arrow(px, py, px + dx, py + dy, color, 3, "Δw"))
    return out


def _arrow(x0, y0, x1, y1, color, width, text) -> dict:
    return {"x": x1, "y": y1, "ax": x0, "ay": y0, "xref": "x", "yref": "y", "axref": "x", "ayref": "y",
            "showarrow": True, "arrowhead": 2, "arrowsize": 1, "arrowwidth": width, "arrowcolor": color,
            "text": text, "font": {"color": color, "size": 12}, "standoff": 0}
