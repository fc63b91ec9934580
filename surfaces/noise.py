"""Stochastic gradients for `optimizers.simulate(..., noise=...)`, pure NumPy.

A noise model has ``bind(surface, K, steps) -> fn`` where ``fn(params (K, 2), t)``
returns the gradient the optimizer sees at step ``t`` (``0 <= t < steps``).

Randomness is reproducible and independent per run: run k draws from its own
stream ``SeedSequence(seed, spawn_key=(k, ...))``, so the same seed gives the
same trajectory, runs never share noise, and run k's noise does not depend on
how many other runs are simulated with it (K runs == K single runs).

- `GaussianNoise`: the exact gradient plus σ·ξ, ξ ~ N(0, I) — an idealised model.
- `Minibatch`: the mean gradient over a minibatch of a data surface such as
  ``linear_regression``, sampled without replacement within each epoch, with an
  optional batch-size schedule ("don't decay the learning rate, increase the
  batch size", Smith, Kindermans, Ying & Le 2017).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

Array = np.ndarray
GradFn = Callable[[Array, int], Array]


def _run_rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"Invalid seed: {seed!r} (must be an integer >= 0)")
    return int(seed)


@dataclass(frozen=True)
class GaussianNoise:
    """g̃ = ∇f(w) + σ·ξ_t, ξ_t ~ N(0, I), fresh for every run and step.

    Args:
      sigma: standard deviation σ ≥ 0 per coordinate; a scalar or one value per run (length K).
      seed: seed of the noise streams (integer ≥ 0).
    """

    sigma: Any = 1.0
    seed: int = 0

    def __post_init__(self):
        sigma = np.asarray(self.sigma, dtype=np.float64)
        if sigma.ndim > 1 or sigma.size == 0 or not np.all(np.isfinite(sigma)) or np.any(sigma < 0):
            raise ValueError(f"Invalid sigma: {self.sigma!r} (must be >= 0, a scalar or one value per run)")
        _check_seed(self.seed)

    def bind(self, surface, k: int, steps: int) -> GradFn:
        sigma = np.asarray(self.sigma, dtype=np.float64)
        if sigma.ndim == 1:
            if sigma.shape != (k,):
                raise ValueError(f"Invalid sigma: {sigma.size} values for {k} runs")
            sigma = sigma[:, None]
        # (steps, K, 2), drawn up front: run j's stream is the same whatever K is.
        xi = np.stack([_run_rng(self.seed, j).standard_normal((steps, 2)) for j in range(k)], axis=1) \
            if k else np.zeros((steps, 0, 2))
        grad = surface.grad

        def noisy_grad(params: Array, t: int) -> Array:
            return grad(params) + sigma * xi[t]

        return noisy_grad


@dataclass(frozen=True)
class Minibatch:
    """Minibatch gradients of a data surface, B examples per step without replacement.

    Each run shuffles the N examples at the start of every epoch and takes
    consecutive slices of B; when fewer than B examples are left the epoch ends
    and they are skipped (like ``DataLoader(shuffle=True, drop_last=True)``), so
    every step averages exactly B distinct examples. With B = N every step is
    the full batch: plain gradient descent up to round-off. The gradient's
    covariance is Σ/B · (N − B)/(N − 1), Σ the per-example covariance.

    Batch-size schedule: B is multiplied by ``factor`` at each step in
    ``milestones`` (capped at N) — the mirror image of MultiStepLR(milestones,
    gamma = 1/factor). Since SGD's noise scale is ≈ lr·N/B, growing B by 2
    damps the noise like halving lr, with fewer steps per epoch. Alternatively
    ``growth`` lists ``(step, B)`` pairs explicitly.

    Args:
      batch_size: B at step 0, an integer ≥ 1 (and ≤ N, checked at bind time).
      seed: seed of the shuffles (integer ≥ 0).
      milestones: increasing steps at which B grows.
      factor: growth factor ≥ 1 applied at each milestone (B is rounded down).
      growth: ``[(step, B), ...]`` with increasing steps: from ``step`` on the
        batch size is ``B``; cannot be combined with ``milestones``.
    """

    batch_size: int = 32
    seed: int = 0
    milestones: Sequence[int] = ()
    factor: float = 2.0
    growth: Sequence[tuple[int, int]] | None = None

    def __post_init__(self):
        b = self.batch_size
        if isinstance(b, bool) or not isinstance(b, (int, np.integer)) or b < 1:
            raise ValueError(f"Invalid batch_size: {b!r} (must be an integer >= 1)")
        _check_seed(self.seed)
        ms = list(self.milestones)
        if any(isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 0 for m in ms) \
                or any(a >= b for a, b in zip(ms, ms[1:])):
            raise ValueError(f"Invalid milestones: {self.milestones!r} (must be increasing integers >= 0)")
        if not (np.isfinite(self.factor) and self.factor >= 1.0):
            raise ValueError(f"Invalid factor: {self.factor!r} (must be >= 1)")
        object.__setattr__(self, "milestones", tuple(int(m) for m in ms))
        if self.growth is not None:
            if ms:
                raise ValueError("Invalid growth: give either milestones or growth, not both")
            try:
                pairs = [(int(step), int(size)) for step, size in self.growth]
                exact = all(step == s_ and size == b_ and not isinstance(step, bool)
                            for (step, size), (s_, b_) in zip(self.growth, pairs))
            except (TypeError, ValueError):
                pairs, exact = [], False
            if not exact or not pairs or any(st < 0 or b_ < 1 for st, b_ in pairs) \
                    or any(a[0] >= b[0] for a, b in zip(pairs, pairs[1:])):
                raise ValueError(f"Invalid growth: {self.growth!r} (must be (step, batch_size) integer pairs "
                                 f"with increasing steps >= 0 and sizes >= 1)")
            object.__setattr__(self, "growth", tuple(pairs))

    def batch_sizes(self, steps: int, n: int) -> Array:
        """B at each of ``steps`` steps for a data set of ``n`` examples: ``(steps,)`` ints."""
        if self.growth is not None:
            sizes = np.full(steps, self.batch_size, dtype=np.int64)
            for step, size in self.growth:
                sizes[step:] = size
            return sizes
        grown = np.searchsorted(np.asarray(self.milestones, dtype=np.int64), np.arange(steps), side="right")
        sizes = np.floor(self.batch_size * float(self.factor) ** grown.astype(np.float64))
        return np.minimum(sizes, n).astype(np.int64)

    def plan(self, steps: int, n: int) -> tuple[Array, Array, Array]:
        """``(epoch, offset, size)`` of each step's slice of its epoch's shuffle, ``(steps,)`` each."""
        sizes = self.batch_sizes(steps, n)
        epoch, offset = np.empty(steps, np.int64), np.empty(steps, np.int64)
        e, pos = 0, 0
        for t, b in enumerate(sizes):
            if pos + b > n:  # not enough examples left: drop them, reshuffle
                e, pos = e + 1, 0
            epoch[t], offset[t] = e, pos
            pos += b
        return epoch, offset, sizes

    def bind(self, surface, k: int, steps: int) -> GradFn:
        data = getattr(surface, "dataset", None)
        if data is None:
            raise ValueError(f"Surface {surface.name!r} has no data set; minibatch noise needs a data "
                             f"surface such as 'linear_regression'")
        n = data.n
        largest = max([self.batch_size, *(size for _, size in self.growth or ())])
        if largest > n:
            raise ValueError(f"Invalid batch_size: {largest} (must be <= {n}, the data set size)")
        epoch, offset, sizes = self.plan(steps, n)
        seed = self.seed
        current: dict[str, Any] = {"epoch": -1, "order": None}  # the shuffle of the epoch in use

        def order(e: int, b: int) -> Array:
            if b == n:  # a full batch averages everything: no shuffle needed
                return np.broadcast_to(np.arange(n), (k, n))
            if current["epoch"] != e:
                current["epoch"] = e
                current["order"] = np.stack([_run_rng(seed, j, e).permutation(n) for j in range(k)]) \
                    if k else np.zeros((0, n), np.int64)
            return current["order"]

        def minibatch_grad(params: Array, t: int) -> Array:
            b = int(sizes[t])
            index = order(int(epoch[t]), b)[:, offset[t]:offset[t] + b]
            return data.batch_grad(np.asarray(params, dtype=np.float64), index)

        return minibatch_grad
