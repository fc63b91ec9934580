"""RMSprop: divide by a running RMS of the gradient (torch.optim.RMSprop)."""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from . import scalar
from .base import EPS, LR, MAXIMIZE, WEIGHT_DECAY, Array, Hyperparam, Optimizer, OptimizerSpec, lerp, per_run, nonzero


class RMSpropState(NamedTuple):
    square_avg: Array   # s, running mean of g², (K, 2)
    grad_avg: Array     # running mean of g (centered only), (K, 2)
    momentum_buffer: Array   # b, (K, 2)


def rmsprop_step(grads, state: RMSpropState, params, lr, *, alpha, eps, weight_decay, momentum,
                 centered, maximize):
    """One RMSprop step in torch's operation order.

        g ← ∇L(w) + λ w
        s ← γ s + (1 − γ) g²                     (γ = alpha)
        s̃ ← s − ḡ²  with  ḡ ← γ ḡ + (1 − γ) g     (centered only)
        b ← μ b + g / (√s̃ + ε);   w ← w − η b      (momentum μ > 0)
        w ← w − η g / (√s̃ + ε)                    (otherwise)

    ε is added after the root (TensorFlow puts it inside).
    """
    g = -grads if maximize else grads
    if nonzero(weight_decay):
        g = g + weight_decay * params
    square_avg = state.square_avg * alpha + ((1.0 - alpha) * g) * g
    grad_avg = state.grad_avg
    if centered:
        grad_avg = lerp(grad_avg, g, 1.0 - alpha)
        avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps
    else:
        avg = np.sqrt(square_avg) + eps
    buf = state.momentum_buffer
    if nonzero(momentum):
        buf = buf * momentum + g / avg
        new = params + (-lr) * buf
        if np.ndim(momentum):
            # torch skips the buffer of runs whose momentum is 0.
            active = momentum > 0
            buf = np.where(active, buf, state.momentum_buffer)
            new = np.where(active, new, params + ((-lr) * g) / avg)
    else:
        new = params + ((-lr) * g) / avg
    return new, RMSpropState(square_avg, grad_avg, buf)


def RMSprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
            maximize=False) -> Optimizer:
    """RMSprop (Hinton, Coursera lecture 6e, 2012; centered: Graves 2013).

    Equals ``torch.optim.RMSprop``: no bias correction (the first steps are
    large because s starts at 0), ε outside the root, momentum on the scaled step.
    """
    hp = dict(alpha=per_run(alpha), eps=per_run(eps), weight_decay=per_run(weight_decay),
              momentum=per_run(momentum), centered=bool(centered), maximize=bool(maximize))

    def init(params):
        zeros = np.zeros_like(params, dtype=np.float64)
        return RMSpropState(zeros, zeros, zeros)

    def update(grads, state, params, lr, **overrides):
        return rmsprop_step(grads, state, params, lr, **(hp | overrides if overrides else hp))

    return Optimizer("RMSprop", dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                     momentum=momentum, centered=centered, maximize=maximize),
                     init, update, fast=scalar.rmsprop(hp))


SPEC = OptimizerSpec(
    name="RMSprop",
    summary="Divides the step by a running RMS of recent gradients (per coordinate).",
    factory=RMSprop,
    hyperparams=(
        replace(LR, default=1e-2),
        Hyperparam("alpha", 0.99, low=0.0, high=1.0, scale="one_minus_log", ui=(0.5, 0.9999),
                   label="decay γ", doc="smoothing of the running mean of g² (typical 0.9–0.99)"),
        EPS,
        WEIGHT_DECAY,
        Hyperparam("momentum", 0.0, low=0.0, scale="linear", ui=(0.0, 0.999), label="momentum μ",
                   doc="momentum on the scaled step"),
        Hyperparam("centered", False, kind="bool", label="centered",
                   doc="divide by the running variance of g instead of E[g²] (Graves 2013)"),
        MAXIMIZE,
    ),
    family="adaptive",
    torch_class="RMSprop",
    reference="Hinton, Srivastava & Swersky 2012 (Coursera lecture 6e); Graves 2013, arXiv:1308.0850",
)
