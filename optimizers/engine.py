"""`simulate()`: step K runs of one optimizer over a surface, all at once."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import time

import numpy as np

from .base import Optimizer
from .schedules.base import Schedule

Array = np.ndarray

# A run has diverged once a coordinate leaves this multiple of the plot window.
DIVERGENCE_FACTOR = 1e3


@dataclass(frozen=True)
class Run:
    """The result of `simulate()` for K runs over ``steps`` steps.

    Attributes:
      path: ``(steps + 1, K, 2)`` positions; ``path[0]`` are the starts. (Many runs
        on a surface with a fused kernel give a strided view of ``(steps + 1, 2, K)``
        coordinate planes.)
      loss: ``(steps + 1, K)`` loss at each position.
      lr: ``(steps, K)`` the learning rate applied at each step.
      diverged_at: ``(K,)`` index of the first non-finite or out-of-bounds
        position (from which path and loss are NaN), or -1 if the run never diverged.
      hyperparams: ``{name: (steps, K)}`` other per-step values a schedule drove
        (cycled ``momentum`` or ``beta1``); empty otherwise.
    """

    path: Array
    loss: Array
    lr: Array
    diverged_at: Array
    hyperparams: dict

    @property
    def steps(self) -> int:
        return self.lr.shape[0]


def _check_starts(starts: Any) -> Array:
    starts = np.array(starts, dtype=np.float64)
    if starts.ndim == 1:
        starts = starts.reshape(1, -1)
    if starts.ndim != 2 or starts.shape[1] != 2 or starts.shape[0] == 0:
        raise ValueError(f"Invalid starts: shape {starts.shape} (must be (K, 2))")
    if not np.all(np.isfinite(starts)):
        raise ValueError("Invalid starts: must be finite")
    return starts


def _check_steps(steps: Any) -> int:
    if isinstance(steps, bool) or not float(steps).is_integer() or steps < 0:
        raise ValueError(f"Invalid steps: {steps!r} (must be an integer >= 0)")
    return int(steps)


def _per_step(seq: Array, k: int) -> Array:
    """``(steps, K')`` → ``(steps, K, 1)`` ready to broadcast against ``(K, 2)``."""
    return np.ascontiguousarray(np.broadcast_to(seq, (seq.shape[0], k)))[..., None]


def _loss_and_bad(value, path: Array, limit: float, chunk: int = 32) -> tuple[Array, Array]:
    """Loss at every position, and where a position is non-finite or beyond ``limit``.

    Evaluated a few steps at a time: for K = 10,000 runs one whole-path call would
    allocate hundreds of MB of temporaries (x and y are compared separately for
    the same reason).
    """
    n, k, _ = path.shape
    loss = np.empty((n, k))
    bad = np.empty((n, k), dtype=bool)
    for i in range(0, n, chunk):
        block = path[i:i + chunk]
        loss[i:i + chunk] = value(block)
        ok = np.isfinite(loss[i:i + chunk])
        ok &= np.abs(block[..., 0]) <= limit
        ok &= np.abs(block[..., 1]) <= limit
        np.logical_not(ok, out=bad[i:i + chunk])
    return loss, bad


def _cycled_hyperparams(schedule: Schedule, optimizer: Optimizer, k: int, steps: int) -> dict:
    """The per-step overrides a schedule drives (CyclicLR/OneCycleLR momentum), ``{name: (steps, K)}``.

    ``schedule.cycles`` is keyed by the optimizer-side keyword. Like torch, the
    momentum is cycled in ``betas[0]`` (override ``beta1``) when the optimizer has
    ``betas`` and in ``momentum`` otherwise; an optimizer with neither cannot run a
    schedule that cycles momentum (torch raises too).
    """
    if not schedule.cycles:
        return {}
    hp = optimizer.hyperparams
    if "betas" in hp:
        current = {"beta1": hp["betas"][0]}
    elif "momentum" in hp:
        current = {"momentum": hp["momentum"]}
    else:
        current = {}
    names = [name for name in schedule.cycles if name in current]
    if not names:
        raise ValueError(f"Invalid schedule: {schedule.name} cycles {' or '.join(schedule.cycles)}, "
                         f"which {optimizer.name} does not have (set cycle_momentum=False)")
    return {name: schedule.cycles[name](np.broadcast_to(np.asarray(current[name], dtype=np.float64),
                                                        (1, k)), steps)
            for name in names}


# Up to this many runs, optimizers with a scalar kernel (`Optimizer.fast`) step in Python floats.
SCALAR_MAX_K = 4
# From this many runs on, the in-place kernels take gradients and losses from a surface's fused
# value-and-gradient kernel (`Surface.fused`): below it, its extra calls per step cost more than
# the separate loss pass over the whole path. (With per-run arrays it measured no faster.)
FUSED_MIN_K = 512


# Steps between two looks at the clock when `simulate` was given a deadline.
CLOCK_EVERY = 16
# ... and at most this long (seconds) between two chances for other work to run: `time.sleep(0)`
# gives up the GIL to other threads, and under a cooperative server (gevent, which patches
# `time.sleep`) lets other requests of the same process go ahead, so a long simulation never
# holds them up for more than this.
YIELD_EVERY = 0.005


class Clock:
    """A deadline for a loop: `tick` raises `TimeoutError` once ``deadline`` (a `time.monotonic()`
    value) has passed, and every `YIELD_EVERY` seconds gives other work a turn (`simulate` ticks
    every `CLOCK_EVERY` steps; a server's own loops can tick the same way)."""

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.last = time.monotonic()

    def tick(self) -> None:
        now = time.monotonic()
        if now > self.deadline:
            raise TimeoutError("the deadline passed before the work finished")
        if now - self.last > YIELD_EVERY:
            time.sleep(0)
            self.last = time.monotonic()


def _scalar_loop(step, grad, stochastic, path: Array, lr_seq: list, grad_scalar=None,
                 deadline: Clock | None = None) -> bool:
    """Fill ``path[1:]`` with a scalar kernel; False if Python raised (the caller reruns on arrays).

    With the surface's ``grad_scalar`` (and exact gradients) no NumPy call is made per step.
    """
    steps, k = path.shape[0] - 1, path.shape[1]
    buf = path[0].copy()            # (K, 2): the positions handed to the gradient
    flat = buf.reshape(-1)
    p = flat.tolist()
    two = len(p) == 2
    rows = [None] * steps
    try:
        if grad_scalar is not None and stochastic is None and two:
            for t in range(steps):
                if deadline is not None and not t % CLOCK_EVERY:
                    deadline.tick()
                step(grad_scalar(p[0], p[1]), p, lr_seq[t])
                rows[t] = (p[0], p[1])
        elif grad_scalar is not None and stochastic is None:
            for t in range(steps):
                if deadline is not None and not t % CLOCK_EVERY:
                    deadline.tick()
                g = []
                for i in range(0, 2 * k, 2):
                    g.extend(grad_scalar(p[i], p[i + 1]))
                step(g, p, lr_seq[t])
                rows[t] = p[:]
        else:
            for t in range(steps):
                if deadline is not None and not t % CLOCK_EVERY:
                    deadline.tick()
                g = grad(buf) if stochastic is None else stochastic(buf, t)
                step(g.reshape(-1).tolist(), p, lr_seq[t])
                rows[t] = p[:]
                if two:
                    flat[0], flat[1] = p
                else:
                    flat[:] = p
    except (ArithmeticError, ValueError):
        return False
    if steps:
        path[1:] = np.array(rows).reshape(steps, k, 2)
    return True


def _inplace_loop(step, grad, stochastic, path: Array, lr_seq: list, deadline: Clock | None = None) -> None:
    """Fill ``path[1:]`` with an in-place array kernel writing each step straight into the path."""
    for t in range(path.shape[0] - 1):
        if deadline is not None and not t % CLOCK_EVERY:
            deadline.tick()
        p = path[t]
        step(grad(p) if stochastic is None else stochastic(p, t), p, path[t + 1], lr_seq[t])


class _Fused:
    """A surface's fused value-and-gradient kernel on positions held as coordinate planes.

    The path is stored as ``(steps + 1, 2, K)`` planes (all x, then all y: every ufunc
    of the kernel and of the update runs unstrided, with no copies in and out) and
    handed back to the caller as a ``(steps + 1, K, 2)`` view of them. Each call writes
    the loss and the gradient planes of one step. ``clean`` stays True while every
    position was finite and within ``limit``: one dot product a call checks it (the sum
    of squared coordinates exceeds ``limit²`` if any coordinate does, and is NaN or inf
    if any position or loss is; a sum that is merely large sends `simulate` to the exact
    per-run check, which finds the first bad step of each run).
    """

    def __init__(self, fused, k: int, limit: float):
        self.fill = fused(k)
        self.g = np.empty((2, k))
        self.ones = np.ones(k)
        self.bound = limit * limit
        self.clean = True

    def __call__(self, p: Array, loss: Array) -> Array:
        """Loss into ``loss`` and the gradient planes (returned flat) at planes ``p`` (2, K)."""
        g = self.g
        self.fill(p[0], p[1], g[0], g[1], loss)
        if self.clean:
            flat = p.reshape(-1)
            self.clean = np.dot(flat, flat) <= self.bound and abs(np.dot(loss, self.ones)) < np.inf
        return g.reshape(-1)


def _fused_loop(step, fused: _Fused, planes: Array, loss: Array, lr_seq: list,
                deadline: Clock | None = None) -> None:
    """`_inplace_loop` on coordinate planes ``(steps + 1, 2, K)`` with the surface's fused
    kernel, filling ``loss`` too (the in-place kernels are elementwise: they step the
    flattened planes as they would the interleaved positions)."""
    steps = planes.shape[0] - 1
    flat = planes.reshape(steps + 1, -1)
    for t in range(steps):
        if deadline is not None and not t % CLOCK_EVERY:
            deadline.tick()
        step(fused(planes[t], loss[t]), flat[t], flat[t + 1], lr_seq[t])
    fused(planes[steps], loss[steps])


def _array_loop(surface, optimizer: Optimizer, schedule, sched_state, stochastic, path: Array,
                lrs: Array, lr_seq, overrides_seq: dict, deadline: Clock | None = None) -> None:
    """Step all runs as ``(K, 2)`` arrays with ``optimizer.update``, filling ``path[1:]``."""
    params = path[0].copy()
    state = optimizer.init(params)
    value = surface.value
    grad, update, hessian = surface.grad, optimizer.update, surface.hessian
    plain = not overrides_seq and not optimizer.needs_hessian
    for t in range(path.shape[0] - 1):
        if deadline is not None and not t % CLOCK_EVERY:
            deadline.tick()
        g = grad(params) if stochastic is None else stochastic(params, t)
        if sched_state is not None:
            lrs[t] = sched_state.lr
            lr = lrs[t][:, None]
        else:
            lr = lr_seq[t]
        if plain:
            params, state = update(g, state, params, lr)
        else:
            kwargs = {name: seq[t] for name, seq in overrides_seq.items()}
            if optimizer.needs_hessian:
                kwargs["hessian"] = hessian(params)
            params, state = update(g, state, params, lr, **kwargs)
        path[t + 1] = params
        if sched_state is not None:
            sched_state = schedule.step(sched_state, value(path[t]))


def simulate(surface, optimizer: Optimizer, starts: Any, steps: int,
             schedule: Schedule | None = None, *, noise: Any = None, deadline: float | None = None) -> Run:
    """Run ``optimizer`` from each start for ``steps`` steps on ``surface``.

    Run k equals, to float64 round-off, the loop ``opt.zero_grad(); L = f(w);
    L.backward(); opt.step(); sch.step()`` of torch.optim on its own parameter
    tensor (``sch.step(L.item())`` for ReduceLROnPlateau). Hyperparameters may
    be per-run arrays of length K. Runs that overflow or leave the generous
    bound ``DIVERGENCE_FACTOR × surface.extent`` are marked in ``diverged_at``
    and NaN from there on; they never disturb the other runs and nothing raises.

    Args:
      surface: a `surfaces.Surface`.
      optimizer: from `optimizers.get`.
      starts: ``(K, 2)`` start points.
      steps: number of optimizer steps.
      schedule: from `optimizers.schedules.get`, or ``None`` for a constant lr.
      noise: ``None`` for exact gradients, or a stochastic-gradient model with
        ``bind(surface, K, steps) -> fn(params (K, 2), t) -> grads (K, 2)``
        (see `surfaces.noise`: Gaussian noise, minibatches).
      deadline: ``None``, or a `time.monotonic()` value: the clock is read every
        `CLOCK_EVERY` steps and `TimeoutError` is raised once it has passed (a
        server's wall-clock limit on one request); meanwhile other threads (or a
        cooperative server's other requests) get a turn every `YIELD_EVERY` seconds.

    Returns:
      A `Run`.
    """
    params = _check_starts(starts)
    steps = _check_steps(steps)
    deadline = Clock(deadline) if deadline is not None else None
    k = params.shape[0]
    base_lr = np.broadcast_to(np.asarray(optimizer.lr, dtype=np.float64), (k,)) \
        if np.ndim(optimizer.lr) else float(optimizer.lr)
    if np.ndim(base_lr) and base_lr.shape != (k,):
        raise ValueError(f"Invalid lr: {np.shape(optimizer.lr)} values for {k} runs")

    cycled: dict[str, Array] = {}
    with np.errstate(all="ignore"):
        if schedule is not None and schedule.needs_loss:
            lrs = np.empty((steps, k))                  # filled as the runs go
        else:
            if schedule is None:
                lrs = np.empty((steps, np.size(base_lr)))
                lrs[:] = base_lr
            else:
                lrs = np.asarray(schedule.lr_sequence(base_lr, steps), dtype=np.float64)
                cycled = _cycled_hyperparams(schedule, optimizer, k, steps)
            # One rate for all runs: a read-only (steps, K) view of one column (no K copies).
            lrs = np.broadcast_to(lrs, (steps, k))
        if np.ndim(base_lr):
            lr_seq = _per_step(lrs, k)           # per-run rates: (steps, K, 1)
        else:
            # One rate for all runs: a Python float per step, as torch's param_group holds it
            # (and scalar arithmetic costs far less than broadcasting a (K, 1) array).
            lr_seq = lrs[:, 0].tolist()
        # Values shared by all runs go in as Python floats, the way torch's param_group holds them.
        overrides_seq = {name: seq[:, 0].tolist() if np.all(seq == seq[:, :1]) else _per_step(seq, k)
                         for name, seq in cycled.items()}

        sched_state = schedule.init(np.broadcast_to(base_lr, (k,))) if schedule is not None and schedule.needs_loss else None
        stochastic = noise.bind(surface, k, steps) if noise is not None else None
        plain = (sched_state is None and not overrides_seq and not optimizer.needs_hessian
                 and type(lr_seq) is list)
        fast = getattr(optimizer, "fast", None) if plain and k <= SCALAR_MAX_K else None
        inplace = getattr(optimizer, "inplace", None) if plain and k > SCALAR_MAX_K else None
        limit = DIVERGENCE_FACTOR * surface.extent
        loss = fused = None
        if (inplace is not None and k >= FUSED_MIN_K and stochastic is None
                and getattr(surface, "fused", None) is not None):
            # The surface's fused kernel gives each step's loss with its gradient (no separate
            # loss pass), on coordinate planes; the path is a (steps + 1, K, 2) view of them.
            planes = np.empty((steps + 1, 2, k))
            planes[0] = params.T
            path = planes.transpose(0, 2, 1)
            fused, loss = _Fused(surface.fused, k, limit), np.empty((steps + 1, k))
            _fused_loop(inplace(planes[0].reshape(-1)), fused, planes, loss, lr_seq, deadline)
            done = True
        else:
            path = np.empty((steps + 1, k, 2))
            path[0] = params
            done = False
            if fast is not None:
                done = _scalar_loop(fast(2 * k), surface.grad, stochastic, path, lr_seq,
                                    getattr(surface, "grad_scalar", None), deadline)
            elif inplace is not None:
                _inplace_loop(inplace(path[0]), surface.grad, stochastic, path, lr_seq, deadline)
                done = True
        if not done:      # (or Python raised where NumPy gives inf/NaN: rerun on the array rule)
            _array_loop(surface, optimizer, schedule, sched_state, stochastic, path, lrs, lr_seq,
                        overrides_seq, deadline)
        if fused is not None and fused.clean:
            bad = None
        else:
            loss, bad = _loss_and_bad(surface.value, path, limit)
    hyperparams = {name: np.broadcast_to(seq, (steps, k)).copy() for name, seq in cycled.items()}
    if bad is None:
        return Run(path=path, loss=loss, lr=lrs, diverged_at=np.full(k, -1), hyperparams=hyperparams)
    diverged = bad.any(axis=0)
    diverged_at = np.where(diverged, bad.argmax(axis=0), -1)
    if diverged.any():
        after = np.arange(steps + 1)[:, None] >= np.where(diverged, diverged_at, steps + 1)
        path[after] = np.nan
        loss[after] = np.nan
    return Run(path=path, loss=loss, lr=lrs, diverged_at=diverged_at, hyperparams=hyperparams)
