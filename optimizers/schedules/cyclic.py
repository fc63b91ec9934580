"""Cyclical schedules: CyclicLR (Smith 2017) and OneCycleLR (Smith & Topin 2017).

Both set the lr themselves, as in torch: CyclicLR moves between its own
``base_lr`` and ``max_lr``, OneCycleLR between ``max_lr / div_factor``, ``max_lr``
and ``max_lr / div_factor / final_div_factor``. The optimizer's lr is ignored, so
``simulate()``'s ``run.lr`` is the same for every run, and equals torch's.

With ``cycle_momentum=True`` they also cycle the momentum inversely to the lr:
torch writes it into ``momentum`` (SGD, RMSprop) or ``betas[0]`` (Adam family),
and so does ``simulate()`` through ``Schedule.cycles`` (β₂ is left alone).

Each step's values are computed with Python floats and ``math.cos``, in torch's
operation order, so the sequences equal torch's bit for bit.
"""
from __future__ import annotations

import math

import numpy as np

from ..base import Hyperparam
from .base import Schedule, ScheduleSpec, per_run


def CyclicLR(base_lr: float = 1e-3, max_lr: float = 0.1, step_size_up: int = 2000,
             step_size_down: int | None = None, mode: str = "triangular", gamma: float = 1.0,
             cycle_momentum: bool = True, base_momentum: float = 0.8,
             max_momentum: float = 0.9) -> Schedule:
    """Triangular cycles between ``base_lr`` and ``max_lr`` (Smith 2017, arXiv:1506.01186).

    A cycle takes step_size_up steps up and step_size_down steps down (the
    paper's "stepsize" is half a cycle). ``mode``: "triangular" keeps the
    amplitude, "triangular2" halves it every cycle, "exp_range" scales it by
    γ^t. torch's custom ``scale_fn``/``scale_mode`` are not offered.
    Momentum, if cycled, goes from ``max_momentum`` down to ``base_momentum``
    while the lr goes up.
    """
    up = float(step_size_up)
    down = float(step_size_down) if step_size_down is not None else up
    total_size = up + down
    step_ratio = up / total_size

    def values(steps):
        lrs, moms = np.empty(steps), np.empty(steps)
        for t in range(steps):
            cycle = math.floor(1 + t / total_size)
            x = 1.0 + t / total_size - cycle
            if x <= step_ratio:
                scale_factor = x / step_ratio
            else:
                scale_factor = (x - 1) / (step_ratio - 1)
            if mode == "triangular":
                scale = 1.0
            elif mode == "triangular2":
                scale = 1 / (2.0 ** (cycle - 1))
            else:  # exp_range scales by iterations, not cycles
                scale = gamma ** t
            lrs[t] = base_lr + (max_lr - base_lr) * scale_factor * scale
            moms[t] = max_momentum - (max_momentum - base_momentum) * scale_factor * scale
        return lrs, moms

    def sequence(base, steps):
        return per_run(values(steps)[0], base)

    def momentum(current, steps):
        return per_run(values(steps)[1], current)

    cycles = {"momentum": momentum, "beta1": momentum} if cycle_momentum else {}
    params = dict(base_lr=base_lr, max_lr=max_lr, step_size_up=int(step_size_up),
                  step_size_down=None if step_size_down is None else int(step_size_down), mode=mode,
                  gamma=gamma, cycle_momentum=bool(cycle_momentum), base_momentum=base_momentum,
                  max_momentum=max_momentum)
    return Schedule("CyclicLR", params, sequence, cycles=cycles)


def OneCycleLR(max_lr: float = 0.1, total_steps: int | None = None, epochs: int | None = 10,
               steps_per_epoch: int | None = 100, pct_start: float = 0.3,
               anneal_strategy: str = "cos", cycle_momentum: bool = True,
               base_momentum: float = 0.85, max_momentum: float = 0.95, div_factor: float = 25.0,
               final_div_factor: float = 1e4, three_phase: bool = False) -> Schedule:
    """The 1cycle policy (Smith & Topin 2017, arXiv:1708.07120), as fastai and torch do it.

    The lr anneals from max_lr/div_factor up to max_lr over the first pct_start of
    ``total_steps`` (or ``epochs * steps_per_epoch``), then down to
    max_lr/div_factor/final_div_factor; ``three_phase`` comes back down to the
    initial lr first and then annihilates it. Momentum, if cycled, moves inversely
    between max_momentum and base_momentum. Like torch, it cannot run more than
    ``total_steps`` steps (``ValueError``).
    """
    if total_steps is None:
        if epochs is None or steps_per_epoch is None:
            raise ValueError("Invalid total_steps: give total_steps, or epochs and steps_per_epoch")
        total_steps = int(epochs) * int(steps_per_epoch)
    total_steps = int(total_steps)
    initial_lr = max_lr / div_factor
    lr_at = {"initial_lr": initial_lr, "max_lr": max_lr, "min_lr": initial_lr / final_div_factor,
             "max_momentum": max_momentum, "base_momentum": base_momentum}
    if three_phase:
        phases = [
            (float(pct_start * total_steps) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
            (float(2 * pct_start * total_steps) - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
            (total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
        ]
    else:
        phases = [
            (float(pct_start * total_steps) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
            (total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
        ]

    def anneal(start, end, pct):
        if anneal_strategy == "cos":
            cos_out = math.cos(math.pi * pct) + 1
            return end + (start - end) / 2.0 * cos_out
        return (end - start) * pct + start

    def at(step):
        start_step = 0.0
        for i, (end_step, lr0, lr1, m0, m1) in enumerate(phases):
            if step <= end_step or i == len(phases) - 1:
                pct = (step - start_step) / (end_step - start_step)
                return anneal(lr_at[lr0], lr_at[lr1], pct), anneal(lr_at[m0], lr_at[m1], pct)
            start_step = end_step

    # torch divides by the length of the phase a step falls in: an empty first phase
    # fails at step 0 (when built), an empty last phase at step total_steps.
    if phases[0][0] == 0.0 or phases[-1][0] == phases[-2][0]:
        raise ValueError(f"Invalid pct_start: {pct_start!r} leaves a phase of the cycle empty "
                         f"for total_steps={total_steps}")

    def values(steps):
        if steps > total_steps:
            raise ValueError(f"Invalid total_steps: OneCycleLR with total_steps={total_steps} "
                             f"cannot run {steps} steps (torch raises past total_steps)")
        out = np.array([at(t) for t in range(steps)]).reshape(steps, 2)
        return out[:, 0], out[:, 1]

    def sequence(base, steps):
        return per_run(values(steps)[0], base)

    def momentum(current, steps):
        return per_run(values(steps)[1], current)

    cycles = {"momentum": momentum, "beta1": momentum} if cycle_momentum else {}
    params = dict(max_lr=max_lr, total_steps=total_steps, epochs=epochs, steps_per_epoch=steps_per_epoch,
                  pct_start=pct_start, anneal_strategy=anneal_strategy,
                  cycle_momentum=bool(cycle_momentum), base_momentum=base_momentum,
                  max_momentum=max_momentum, div_factor=div_factor, final_div_factor=final_div_factor,
                  three_phase=bool(three_phase))
    return Schedule("OneCycleLR", params, sequence, cycles=cycles)


def _momentum_params(base, top):
    return (
        Hyperparam("cycle_momentum", True, kind="bool", label="cycle momentum",
                   doc="also cycle momentum (SGD) or β₁ (Adam) inversely to the lr"),
        Hyperparam("base_momentum", base, low=0.0, high=1.0, scale="one_minus_log", ui=(0.0, 0.999),
                   label="base momentum", doc="momentum at the lr peak"),
        Hyperparam("max_momentum", top, low=0.0, high=1.0, scale="one_minus_log", ui=(0.0, 0.999),
                   label="max momentum", doc="momentum at the lr trough"),
    )


SPECS = (
    ScheduleSpec(
        name="CyclicLR",
        summary="Cycle the lr between base_lr and max_lr (triangular waves); ignores the optimizer's lr.",
        factory=CyclicLR,
        params=(
            Hyperparam("base_lr", 1e-3, low=0.0, scale="log", ui=(1e-5, 1.0), label="base lr",
                       doc="lower lr of the cycle (replaces the optimizer's lr)"),
            Hyperparam("max_lr", 0.1, low=0.0, scale="log", ui=(1e-5, 10.0), label="max lr",
                       doc="upper lr of the cycle"),
            Hyperparam("step_size_up", 2000, kind="int", low=1, scale="linear", ui=(1, 2000),
                       label="steps up", doc="steps in the rising half of a cycle"),
            Hyperparam("step_size_down", None, kind="int", low=1, scale="linear", ui=(1, 2000),
                       label="steps down", doc="steps in the falling half (None: same as up)"),
            Hyperparam("mode", "triangular", kind="choice",
                       choices=("triangular", "triangular2", "exp_range"), label="mode",
                       doc="amplitude: constant, halved every cycle, or × γ^t"),
            Hyperparam("gamma", 1.0, low=0.0, low_open=True, scale="one_minus_log", ui=(0.99, 1.0),
                       label="γ", doc="amplitude decay per step in exp_range mode"),
            *_momentum_params(0.8, 0.9),
        ),
        torch_class="CyclicLR",
        formula=r"\eta_t = \eta_{base} + (\eta_{max} - \eta_{base})\,"
                r"\max(0, 1 - |t/s - 2c + 1|)\,\text{scale}",
    ),
    ScheduleSpec(
        name="OneCycleLR",
        summary="One warm-up-then-anneal cycle up to max_lr and far below (1cycle); ignores the optimizer's lr.",
        factory=OneCycleLR,
        params=(
            Hyperparam("max_lr", 0.1, low=0.0, scale="log", ui=(1e-5, 10.0), label="max lr",
                       doc="peak lr (the start is max_lr / div_factor)"),
            Hyperparam("total_steps", None, kind="int", low=1, scale="linear", ui=(10, 5000),
                       label="total steps", doc="length of the cycle (None: epochs × steps_per_epoch)"),
            Hyperparam("epochs", 10, kind="int", low=1, scale="linear", ui=(1, 100),
                       label="epochs", doc="with steps_per_epoch, the cycle length if total_steps is None"),
            Hyperparam("steps_per_epoch", 100, kind="int", low=1, scale="linear", ui=(1, 1000),
                       label="steps per epoch", doc="with epochs, the cycle length if total_steps is None"),
            Hyperparam("pct_start", 0.3, low=0.0, high=1.0, scale="linear", ui=(0.01, 0.99),
                       label="pct start", doc="fraction of the cycle spent raising the lr"),
            Hyperparam("anneal_strategy", "cos", kind="choice", choices=("cos", "linear"),
                       label="anneal", doc="cosine or linear annealing"),
            *_momentum_params(0.85, 0.95),
            Hyperparam("div_factor", 25.0, low=0.0, low_open=True, scale="log", ui=(1.0, 1000.0),
                       label="div factor", doc="initial lr = max_lr / div_factor"),
            Hyperparam("final_div_factor", 1e4, low=0.0, low_open=True, scale="log", ui=(1.0, 1e6),
                       label="final div factor", doc="final lr = initial lr / final_div_factor"),
            Hyperparam("three_phase", False, kind="bool", label="three phase",
                       doc="come back to the initial lr before annihilating (the paper's form)"),
        ),
        torch_class="OneCycleLR",
        nullable=frozenset({"total_steps", "epochs", "steps_per_epoch"}),
        formula=r"\eta: \tfrac{\eta_{max}}{d} \nearrow \eta_{max} \searrow \tfrac{\eta_{max}}{d\,d_f}",
    ),
)
