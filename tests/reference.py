"""Independent torch oracles: surface formulas in torch, and the float64 torch.optim loop.

These are written separately from the NumPy code under test so that a mistake
in one is not copied into the other.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from tests.surfaces.torch_formulas import TORCH_SURFACES

torch.set_default_dtype(torch.float64)


def torch_value(name: str, params: dict | None = None):
    """The torch formula of surface ``name`` as ``w (..., 2) -> (...)``."""
    fn = TORCH_SURFACES[name]
    return (lambda w: fn(w, **params)) if params else fn


def torch_scheduler(opt, sched_name: str, sched_kwargs: dict):
    """``torch.optim.lr_scheduler.<sched_name>(opt, **sched_kwargs)``.

    SequentialLR's ``schedulers`` may be given as ``(name, kwargs)`` pairs: they
    are built here, in order, on the same optimizer, as a torch user would.
    """
    cls = getattr(torch.optim.lr_scheduler, sched_name)
    if sched_name == "SequentialLR":
        subs = [torch_scheduler(opt, name, kw) for name, kw in sched_kwargs["schedulers"]]
        return cls(opt, schedulers=subs, milestones=list(sched_kwargs["milestones"]))
    return cls(opt, **sched_kwargs)


def torch_run(surface: str, opt_name: str, opt_kwargs: dict, start, steps: int,
              sched_name: str | None = None, sched_kwargs: dict | None = None,
              surface_params: dict | None = None):
    """The reference loop of the public API, on one parameter tensor.

    Returns ``(path (steps+1, 2), lrs (steps,))``.
    """
    f = torch_value(surface, surface_params)
    w = torch.tensor(np.asarray(start, dtype=np.float64), dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, opt_name)([w], **opt_kwargs)
    sch = torch_scheduler(opt, sched_name, sched_kwargs or {}) if sched_name else None
    path, lrs = [w.detach().numpy().copy()], []
    for _ in range(steps):
        opt.zero_grad()
        loss = f(w)
        loss.backward()
        lrs.append(float(opt.param_groups[0]["lr"]))
        opt.step()
        if sch is not None:
            if sched_name == "ReduceLROnPlateau":
                sch.step(loss.item())
            else:
                sch.step()
        path.append(w.detach().numpy().copy())
    return np.array(path), np.array(lrs)


def torch_lrs(sched_name: str, sched_kwargs: dict, steps: int, base_lr: float = 0.1,
              opt_name: str = "SGD", opt_kwargs: dict | None = None, losses=None):
    """The lr (and momentum/beta1, if present) torch's scheduler sets at each step."""
    w = torch.zeros(2, requires_grad=True)
    opt = getattr(torch.optim, opt_name)([w], lr=base_lr, **(opt_kwargs or {}))
    sch = torch_scheduler(opt, sched_name, sched_kwargs)
    lrs, moms = [], []
    for t in range(steps):
        group = opt.param_groups[0]
        lrs.append(float(group["lr"]))
        moms.append(float(group["betas"][0]) if "betas" in group else float(group.get("momentum", math.nan)))
        opt.step()
        sch.step(losses[t]) if losses is not None else sch.step()
    return np.array(lrs), np.array(moms)
