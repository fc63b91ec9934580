"""A smooth plateau with a cliff: tiny gradients on the flats, huge ones on the cliff face.

    f(x, y) = 1 − exp(−((x − x₀)² + y²) / (2w²))  +  (H/2)·(1 + tanh(s(x − c)))
              └──────── Gaussian well ────────┘    └──── step of height H ────┘

with the well at x₀ = −2 (width w = 2), a cliff of height H = 2 at x = c = 1
and steepness s = 8. Right of the cliff lies a high plateau (f ≈ 3) whose only
slope is the well's far tail (≈ 0.04 at the start, 5.2 from the well's centre);
the cliff face has slope up to H·s/2 = 8 and curvature up to 0.385·H·s² ≈ 49.
Far left of the well the ground is flat again, at f ≈ 1.

What it shows: plain SGD crawls on the plateau (its step is proportional to a
tiny gradient) while momentum and Adam pick up speed; at the edge the gradient
grows by two orders of magnitude, and an lr large enough to cross the plateau
quickly can fling SGD across the valley (the exploding-gradient problem that
gradient clipping and Adam's normalisation tame). With the default lr range,
SGD at lr ≈ 0.3 crawls for about 60 steps, drops over the edge and settles in
the well; at lr ≈ 2 or more the cliff may throw it out of the window.

The minimum is the well's centre (−2, 0), exact up to the cliff's tail
e^(−2s(c − x₀)) ≈ 1e-21, far below float64 resolution.
"""
from __future__ import annotations

import numpy as np

from .base import Surface, split, stack_grad, stack_hessian

WELL_X, WELL_WIDTH = -2.0, 2.0
CLIFF_X, CLIFF_HEIGHT, CLIFF_STEEPNESS = 1.0, 2.0, 8.0


def plateau_cliff() -> Surface:
    """A high flat plateau ending in a steep cliff above a Gaussian well (see the module docstring)."""
    w2 = WELL_WIDTH ** 2
    h, s = CLIFF_HEIGHT, CLIFF_STEEPNESS

    def value(xy):
        x, y = split(xy)
        well = 1.0 - np.exp(-((x - WELL_X) ** 2 + y * y) / (2.0 * w2))
        return well + 0.5 * h * (1.0 + np.tanh(s * (x - CLIFF_X)))

    def parts(x, y):
        dx = x - WELL_X
        g = np.exp(-(dx * dx + y * y) / (2.0 * w2)) / w2  # the well's Gaussian, divided by w²
        t = np.tanh(s * (x - CLIFF_X))
        return dx, g, t, 1.0 - t * t

    def grad(xy):
        x, y = split(xy)
        dx, g, _, sech2 = parts(x, y)
        return stack_grad(g * dx + 0.5 * h * s * sech2, g * y)

    def hessian(xy):
        x, y = split(xy)
        dx, g, t, sech2 = parts(x, y)
        return stack_hessian(g * (1.0 - dx * dx / w2) - h * s * s * t * sech2,
                             -g * dx * y / w2,
                             g * (1.0 - y * y / w2))

    return Surface(
        name="plateau_cliff",
        title="Plateau and cliff",
        formula=r"1 - e^{-((x + 2)^2 + y^2)/8} + (1 + \tanh 8(x - 1))",
        value=value, grad=grad, hessian=hessian,
        bounds=((-5.0, 5.0), (-3.0, 3.0)),
        minima=[(WELL_X, 0.0)],
        min_values=(0.0,),
        start=(3.0, 1.5),
        log_scale=False,
        lr_range={"sgd": (0.05, 2.0), "adaptive": (0.02, 0.5), "second_order": (0.1, 1.0)},
        summary="Tiny gradients on a plateau, huge ones on the cliff: SGD crawls, then gets thrown.",
    )
