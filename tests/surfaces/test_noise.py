"""Stochastic gradients: reproducible, independent per run, and minibatch noise that scales like 1/B."""
import numpy as np
import pytest

import optimizers
import surfaces
from surfaces.noise import GaussianNoise, Minibatch
from surfaces.regression import Dataset

REG = surfaces.get("linear_regression")
N = REG.dataset.n


def _sgd(surface, noise, starts, steps, lr=0.05):
    return optimizers.simulate(surface, optimizers.get("SGD", lr=lr), np.asarray(starts, dtype=float), steps,
                               noise=noise)


# ------------------------------------------------------------------ both noise models

NOISES = [pytest.param(GaussianNoise(sigma=2.0, seed=3), id="gaussian"),
          pytest.param(Minibatch(batch_size=8, seed=3), id="minibatch")]


@pytest.mark.parametrize("noise", NOISES)
def test_same_seed_same_trajectory(noise):
    starts = np.tile(REG.start, (3, 1))
    a, b = _sgd(REG, noise, starts, 100), _sgd(REG, noise, starts, 100)
    np.testing.assert_array_equal(a.path, b.path)
    other = type(noise)(**{**noise.__dict__, "seed": noise.seed + 1})
    assert not np.allclose(_sgd(REG, other, starts, 100).path, a.path)


@pytest.mark.parametrize("noise", NOISES)
def test_runs_get_independent_noise_and_k_runs_equal_k_single_runs(noise):
    starts = np.tile(REG.start, (4, 1))
    run = _sgd(REG, noise, starts, 60)
    for j in range(1, 4):  # same start, different noise
        assert not np.allclose(run.path[1:, 0], run.path[1:, j])
    single = _sgd(REG, noise, starts[:1], 60)
    np.testing.assert_array_equal(single.path[:, 0], run.path[:, 0])


@pytest.mark.parametrize("noise", NOISES)
def test_noise_is_unbiased(noise):
    k, steps = 400, 8
    params = np.tile(REG.start, (k, 1))
    fn = noise.bind(REG, k, steps)
    samples = np.stack([fn(params, t) for t in range(steps)])  # (steps, K, 2)
    exact = REG.grad(params[0])
    err = samples.reshape(-1, 2).mean(axis=0) - exact
    se = samples.reshape(-1, 2).std(axis=0) / np.sqrt(k * steps)
    assert np.all(np.abs(err) < 4 * se)  # 4 standard errors, fixed seed


# ------------------------------------------------------------------ Gaussian noise

def test_gaussian_statistics_and_per_run_sigma():
    k, steps = 3, 5000
    sigma = np.array([0.0, 0.5, 2.0])
    fn = GaussianNoise(sigma=sigma, seed=0).bind(REG, k, steps)
    params = np.tile(REG.start, (k, 1))
    dev = np.stack([fn(params, t) for t in range(steps)]) - REG.grad(params)
    np.testing.assert_array_equal(dev[:, 0], 0.0)
    np.testing.assert_allclose(dev[:, 1:].std(axis=0), sigma[1:, None] * np.ones((2, 2)), rtol=0.05)
    # independent across runs, coordinates and steps
    flat = dev[:, 1:].reshape(steps, -1)
    corr = np.corrcoef(flat.T)
    assert np.all(np.abs(corr[~np.eye(4, dtype=bool)]) < 0.06)
    lag = np.corrcoef(dev[1:, 2, 0], dev[:-1, 2, 0])[0, 1]
    assert abs(lag) < 0.06


def test_gaussian_works_on_any_surface_and_zero_sigma_is_exact():
    s = surfaces.get("rosenbrock")
    exact = optimizers.simulate(s, optimizers.get("SGD", lr=1e-3), np.array([s.start]), 50)
    noisy = _sgd(s, GaussianNoise(sigma=0.0, seed=1), [s.start], 50, lr=1e-3)
    np.testing.assert_array_equal(noisy.path, exact.path)


@pytest.mark.parametrize("kwargs,match", [({"sigma": -1.0}, "sigma"), ({"sigma": [[1.0]]}, "sigma"),
                                          ({"sigma": float("inf")}, "sigma"), ({"seed": -1}, "seed"),
                                          ({"seed": 1.5}, "seed")])
def test_gaussian_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GaussianNoise(**kwargs)


def test_gaussian_per_run_sigma_length_checked():
    with pytest.raises(ValueError, match="sigma"):
        GaussianNoise(sigma=[1.0, 2.0]).bind(REG, 3, 10)


# ------------------------------------------------------------------ minibatches

def test_full_batch_equals_gradient_descent():
    starts = np.array([REG.start, (4.0, -3.0)])
    exact = optimizers.simulate(REG, optimizers.get("SGD", lr=0.2, momentum=0.9), starts, 150)
    full = optimizers.simulate(REG, optimizers.get("SGD", lr=0.2, momentum=0.9), starts, 150,
                               noise=Minibatch(batch_size=N, seed=5))
    np.testing.assert_allclose(full.path, exact.path, rtol=1e-12, atol=1e-12)


def test_batch_gradient_variance_scales_like_one_over_b():
    """Var of the minibatch mean = σ²/B · (N − B)/(N − 1) (sampling without replacement)."""
    k, steps = 500, 8
    w = np.array([0.5, 1.0])
    per_example = REG.dataset.example_grads(w)  # (N, 2)
    sigma2 = per_example.var(axis=0).sum()  # population variance (divides by N)
    params = np.tile(w, (k, 1))
    measured = {}
    for b in (1, 4, 16, 64, 256):
        fn = Minibatch(batch_size=b, seed=11).bind(REG, k, steps)
        g = np.stack([fn(params, t) for t in range(steps)]).reshape(-1, 2)
        measured[b] = g.var(axis=0).sum()
        expected = sigma2 / b * (N - b) / (N - 1)
        assert measured[b] == pytest.approx(expected, rel=0.1), b
    # the 1/B law itself: 64× more examples, ≈ 64·(N−1)/(N−64) less variance
    assert measured[1] / measured[64] == pytest.approx(64 * (N - 1) / (N - 64), rel=0.15)


class _Recorder:
    """A data set of n examples that records which ones each step averages."""

    def __init__(self, n):
        self.n, self.batches = n, []

    def batch_grad(self, params, index):
        self.batches.append(np.array(index))
        return np.zeros_like(params)


class _DataSurface:
    name = "recorder"

    def __init__(self, n):
        self.dataset = _Recorder(n)


def test_without_replacement_within_each_epoch_and_reshuffled_per_epoch():
    n, b, k, steps = 10, 3, 2, 9  # 3 batches per epoch, 1 example left over each epoch
    surface = _DataSurface(n)
    fn = Minibatch(batch_size=b, seed=0).bind(surface, k, steps)
    for t in range(steps):
        fn(np.zeros((k, 2)), t)
    batches = np.stack(surface.dataset.batches)  # (steps, K, B)
    epochs = batches.reshape(3, 3, k, b)  # (epoch, step in epoch, K, B)
    for e in range(3):
        for j in range(k):
            seen = epochs[e, :, j].ravel()
            assert len(set(seen)) == 9  # no example twice within an epoch
    assert not np.array_equal(epochs[0, :, 0], epochs[1, :, 0])  # reshuffled
    assert not np.array_equal(epochs[0, :, 0], epochs[0, :, 1])  # per run


def test_batch_size_schedule():
    mb = Minibatch(batch_size=16, milestones=(10, 20, 30), factor=4)
    sizes = mb.batch_sizes(40, 512)
    np.testing.assert_array_equal(sizes, [16] * 10 + [64] * 10 + [256] * 10 + [512] * 10)  # capped at N
    explicit = Minibatch(batch_size=8, growth=[(5, 32), (7, 512)]).batch_sizes(10, 512)
    np.testing.assert_array_equal(explicit, [8] * 5 + [32] * 2 + [512] * 3)
    epoch, offset, size = Minibatch(batch_size=200, milestones=(2,), factor=1.5).plan(5, 512)
    # 200, 200 | (112 left < 300) 300 | (212 left < 300) 300 | 300
    np.testing.assert_array_equal(size, [200, 200, 300, 300, 300])
    np.testing.assert_array_equal(epoch, [0, 0, 1, 2, 3])
    np.testing.assert_array_equal(offset, [0, 200, 0, 0, 0])


def test_growing_the_batch_replaces_lr_decay():
    """Smith et al. 2017: SGD's noise scale is ≈ lr/B, so (lr, 4B) ends as tight as (lr/4, B)."""
    k, steps, b = 300, 300, 4
    w_star = np.array(REG.minima[0])
    starts = np.tile(w_star, (k, 1))

    def spread(lr, noise):
        end = _sgd(REG, noise, starts, steps, lr=lr).path[-100:]
        return np.mean(np.sum((end - w_star) ** 2, axis=-1))

    base = spread(0.2, Minibatch(batch_size=b, seed=1))
    decayed = spread(0.05, Minibatch(batch_size=b, seed=1))
    grown = spread(0.2, Minibatch(batch_size=4 * b, seed=1))
    assert decayed < 0.4 * base and grown < 0.4 * base
    assert grown == pytest.approx(decayed, rel=0.35)


def test_small_batches_oscillate_more():
    k = 50
    starts = np.tile(REG.minima[0], (k, 1))
    ends = {b: _sgd(REG, Minibatch(batch_size=b, seed=2), starts, 100, lr=0.1).path[-1] for b in (1, 32)}
    assert ends[1].var(axis=0).sum() > 10 * ends[32].var(axis=0).sum()


@pytest.mark.parametrize("kwargs,match", [({"batch_size": 0}, "batch_size"), ({"batch_size": 2.5}, "batch_size"),
                                          ({"seed": -3}, "seed"), ({"milestones": (5, 5)}, "milestones"),
                                          ({"milestones": (-1,)}, "milestones"), ({"factor": 0.5}, "factor"),
                                          ({"growth": [(5, 8), (5, 16)]}, "growth"), ({"growth": [(1, 0)]}, "growth"),
                                          ({"growth": [(1.5, 8)]}, "growth"), ({"growth": 3}, "growth"),
                                          ({"growth": [(2, 8)], "milestones": (3,)}, "growth")])
def test_minibatch_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Minibatch(**kwargs)


def test_minibatch_needs_a_data_surface_and_a_batch_that_fits():
    with pytest.raises(ValueError, match="data set"):
        Minibatch(batch_size=4).bind(surfaces.get("ravine"), 1, 10)
    with pytest.raises(ValueError, match="batch_size"):
        Minibatch(batch_size=N + 1).bind(REG, 1, 10)
    with pytest.raises(ValueError, match="batch_size"):
        Minibatch(batch_size=8, growth=[(3, N + 1)]).bind(REG, 1, 10)


def test_dataset_is_fixed():
    data = surfaces.regression.dataset()
    assert isinstance(data, Dataset) and data.n == 512
    assert not data.x.flags.writeable
    np.testing.assert_allclose([data.x.mean(), data.x.std()], [1.0, 1.0], atol=0.1)
