"""A real minibatch problem: linear regression y ≈ w₀x + w₁ on N = 512 generated examples.

The surface is the full-batch loss

    L(w) = 1/N Σ_i ℓ_i(w),   ℓ_i(w) = ½ (w₀ x_i + w₁ − y_i)²,

a quadratic whose Hessian is [[E x², E x], [E x, 1]] (sample moments). With
x ~ N(1, 1) the two parameters are correlated, so the bowl is a tilted ellipse
(κ ≈ 7). `surfaces.noise.Minibatch` replaces its gradient by the mean of ∇ℓ_i
over a minibatch.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .base import Surface, full, split, stack_grad, stack_hessian

Array = np.ndarray

N_EXAMPLES = 512
DATA_SEED = 2017  # Smith, Kindermans, Ying & Le: "Don't decay the learning rate, increase the batch size"
TRUE_W = (2.0, -1.0)
NOISE_STD = 1.0


@dataclass(frozen=True)
class Dataset:
    """Examples ``(x_i, y_i)`` of the least-squares model, with per-example gradients.

    Attributes:
      x, y: ``(N,)`` read-only inputs and targets.
    """

    x: Array
    y: Array

    @property
    def n(self) -> int:
        return self.x.shape[0]

    def moments(self) -> tuple[float, float, float, float, float]:
        """Sample means E x, E x², E y, E xy, E y² (the full-batch loss is a function of these)."""
        x, y = self.x, self.y
        return float(x.mean()), float((x * x).mean()), float(y.mean()), float((x * y).mean()), float((y * y).mean())

    def example_grads(self, params: Array) -> Array:
        """∇ℓ_i at ``params (..., 2)`` for every example: ``(..., N, 2)``."""
        w0, w1 = split(params)
        r = w0[..., None] * self.x + w1[..., None] - self.y
        return np.stack([r * self.x, r], axis=-1)

    def batch_grad(self, params: Array, index: Array) -> Array:
        """Mean of ∇ℓ_i over the examples ``index (K, B)``, at ``params (K, 2)``: ``(K, 2)``."""
        xb, yb = self.x[index], self.y[index]
        r = params[:, :1] * xb + params[:, 1:] - yb
        return np.stack([(r * xb).mean(axis=1), r.mean(axis=1)], axis=-1)


@lru_cache(maxsize=1)
def dataset() -> Dataset:
    """The fixed data set: x ~ N(1, 1), y = 2x − 1 + N(0, 1), N = 512, from `DATA_SEED`."""
    rng = np.random.default_rng(DATA_SEED)
    x = rng.normal(1.0, 1.0, N_EXAMPLES)
    y = TRUE_W[0] * x + TRUE_W[1] + rng.normal(0.0, NOISE_STD, N_EXAMPLES)
    x.flags.writeable = False
    y.flags.writeable = False
    return Dataset(x, y)


def linear_regression() -> Surface:
    """Full-batch mean squared error of y ≈ w₀x + w₁ on the fixed 512-example data set.

    Pair it with ``surfaces.noise.Minibatch`` for minibatch SGD: small batches
    oscillate more, and growing the batch acts like decaying the lr.
    """
    data = dataset()
    mx, mxx, my, mxy, myy = data.moments()
    hess = np.array([[mxx, mx], [mx, 1.0]])
    w_star = np.linalg.solve(hess, [mxy, my])

    # ½ mean (w₀x + w₁ − y)² expanded in the moments: O(1) per point instead of O(N).
    def value(xy):
        w0, w1 = split(xy)
        return 0.5 * (w0 * w0 * mxx + 2.0 * w0 * w1 * mx + w1 * w1 - 2.0 * w0 * mxy - 2.0 * w1 * my + myy)

    def grad(xy):
        w0, w1 = split(xy)
        return stack_grad(w0 * mxx + w1 * mx - mxy, w0 * mx + w1 - my)

    def hessian(xy):
        w0, _ = split(xy)
        return stack_hessian(full(w0, mxx), full(w0, mx), full(w0, 1.0))

    minimum = (float(w_star[0]), float(w_star[1]))
    lam_max = float(np.linalg.eigvalsh(hess)[-1])
    return Surface(
        name="linear_regression",
        title=f"Linear regression  ½·mean(w₀x + w₁ − y)², N = {data.n}",
        formula=r"\frac{1}{2N}\sum_i (w_0 x_i + w_1 - y_i)^2",
        value=value, grad=grad, hessian=hessian,
        bounds=((-2.0, 6.0), (-5.0, 3.0)),
        minima=[minimum],
        min_values=(float(value(np.array(minimum))),),
        start=(-1.0, 2.0),
        log_scale=True,
        lr_range={"sgd": (0.01, round(1.0 / lam_max, 2)), "adaptive": (1e-2, 1.0), "second_order": (0.1, 1.0)},
        summary="A real least-squares fit: use minibatch noise to see batch size, lr and their trade-off.",
        dataset=data,
    )
