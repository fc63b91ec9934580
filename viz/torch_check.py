"""'Check against PyTorch': each run's trajectory computed by torch.optim itself (float64, server-side).

The optimizer and lr scheduler are torch's own classes; the gradient at each point
is the surface's (the same analytic or minibatch gradient the engine sees), so what
is checked is the update rule and the schedule. Runs whose optimizer torch.optim
lacks (Momentum, LocalGains, Lion, SWATS, Newton) are skipped, and at most
`MAX_STEPS` steps are computed.
"""
from __future__ import annotations

import numpy as np

import optimizers
from optimizers import schedules

from .config import Config, start_of
from .scene import _noise, build_surface, run_noise

MAX_STEPS = 1000


def _scheduler(torch, opt, name: str, params: dict, base_lr: float):
    lr_scheduler = torch.optim.lr_scheduler
    defaults = {h.name: h.default for h in schedules.spec(name).params}
    params = defaults | dict(params)
    if name in ("LambdaLR", "MultiplicativeLR"):
        from surfaces.formula import parse_formula

        expr = parse_formula(params["lr_lambda"], variables=("t",))
        return getattr(lr_scheduler, name)(opt, lambda t: float(expr(t=np.float64(t))))
    if name == "SequentialLR":
        inner = [_scheduler(torch, opt, n, p, base_lr) for n, p in params["schedulers"]]
        return lr_scheduler.SequentialLR(opt, schedulers=inner, milestones=list(params["milestones"]))
    if getattr(lr_scheduler, name, None) is None or name in ("LRScheduler",):
        schedule = schedules.get(name, **params)            # the course's closed forms
        return lr_scheduler.LambdaLR(opt, lambda t: float(schedule(t, base_lr)) / base_lr)
    if name == "MultiStepLR":
        params["milestones"] = list(params["milestones"])
    return getattr(lr_scheduler, name)(opt, **params)


def torch_paths(config: Config, max_steps: int = MAX_STEPS, deadline: float | None = None) -> dict[str, np.ndarray]:
    """``{run id: path (steps + 1, 2)}`` from torch.optim for every run it can express.

    ``deadline``: a `time.monotonic()` value after which `TimeoutError` is raised.
    """
    import torch

    from .budget import Pacer

    try:
        surface = build_surface(config)
        shared = _noise(config, surface)
    except ValueError:
        return {}
    steps = min(config.steps, max_steps)
    pacer = Pacer(until=deadline) if deadline is not None else None
    start = np.array(start_of(config), dtype=np.float64)
    out = {}
    for run in config.runs:
        spec = optimizers.spec(run.optimizer)
        if spec.torch_class is None:
            continue
        kwargs = dict(run.kwargs)
        if spec.torch_class == "Adam" and not kwargs.get("decoupled_weight_decay"):
            kwargs.pop("decoupled_weight_decay", None)
        try:
            noise = run_noise(config, surface, run, shared)
            grad = noise.bind(surface, 1, steps) if noise is not None else (lambda p, t: surface.grad(p))
            w = torch.tensor(start, dtype=torch.float64, requires_grad=True)
            opt = getattr(torch.optim, spec.torch_class)([w], **kwargs)
            sch = _scheduler(torch, opt, run.schedule[0], run.schedule[1], float(kwargs["lr"])) \
                if run.schedule else None
        except (ValueError, TypeError, KeyError):
            continue
        path = np.full((steps + 1, 2), np.nan)
        path[0] = start
        with np.errstate(all="ignore"):
            for t in range(steps):
                if deadline is not None and not t % 16:
                    pacer.tick()
                point = w.detach().numpy().copy()
                g = np.asarray(grad(point[None], t), dtype=np.float64)[0]
                if not np.all(np.isfinite(g)):
                    break
                w.grad = torch.from_numpy(g.copy())
                opt.step()
                if sch is not None:
                    if run.schedule[0] == "ReduceLROnPlateau":
                        sch.step(float(surface.value(point)))
                    else:
                        sch.step()
                path[t + 1] = w.detach().numpy()
                if not np.all(np.abs(path[t + 1]) < 1e3 * surface.extent):
                    path[t + 1] = np.nan
                    break
        out[run.id] = path
    return out


def overlay_trace(config: Config | None, on: bool) -> dict:
    """The contour trace of torch's paths: open circles along each path (a gap between runs)."""
    trace = {"type": "scatter", "mode": "markers", "x": [], "y": [], "name": "torch.optim",
             "showlegend": False, "hoverinfo": "skip",
             "marker": {"symbol": "circle-open", "size": 7, "color": "white", "line": {"width": 1.5}}}
    if not on or config is None:
        return trace
    from .budget import deadline

    paths = torch_paths(config, deadline=deadline("torch-check"))
    xs: list = []
    ys: list = []
    for path in paths.values():
        finite = path[np.all(np.isfinite(path), axis=1)]
        every = max(1, len(finite) // 150)                    # ≤ 150 circles per run
        pts = finite[::every]
        xs += [float(v) for v in pts[:, 0]] + [None]
        ys += [float(v) for v in pts[:, 1]] + [None]
    trace.update(x=xs, y=ys, showlegend=bool(paths), hovertemplate="torch.optim<br>x=%{x:.4g}<br>y=%{y:.4g}<extra></extra>")
    trace.pop("hoverinfo")
    return trace
