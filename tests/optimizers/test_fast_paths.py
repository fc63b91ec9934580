"""`simulate`'s fast paths (scalar kernels, `Optimizer.fast`) equal the array rules bit for bit."""
import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import engine
from surfaces.noise import GaussianNoise
from tests.optimizers.cases import OPTION_CASES, PARITY_SURFACES, parity_lr

FAST = [(spec, kwargs) for spec in optimizers.names().values() for kwargs in OPTION_CASES.get(spec.name, [{}])
        if optimizers.get(spec.name, **kwargs).fast is not None]


def _both(monkeypatch, surface, opt, *args, **kwargs):
    """The run with the optimizer's fast paths, and with its array rule only."""
    return (optimizers.simulate(surface, opt, *args, **kwargs),
            optimizers.simulate(surface, opt._replace(fast=None, inplace=None), *args, **kwargs))


def _same(a, b):
    np.testing.assert_array_equal(a.path, b.path)
    np.testing.assert_array_equal(a.loss, b.loss)
    np.testing.assert_array_equal(a.lr, b.lr)
    np.testing.assert_array_equal(a.diverged_at, b.diverged_at)


def test_common_optimizers_have_fast_paths():
    for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "NAdam", "RAdam", "Adamax"):
        assert optimizers.get(name).fast is not None, name
    assert optimizers.get("Adam", eps=np.array([1e-8, 1e-6])).fast is None   # per-run values: arrays


@pytest.mark.parametrize("spec,kwargs", FAST, ids=lambda v: getattr(v, "name", None) or str(v))
@pytest.mark.parametrize("surface_name", PARITY_SURFACES)
def test_scalar_kernel_equals_array_rule(monkeypatch, spec, kwargs, surface_name):
    surface = surfaces.get(surface_name)
    lr = parity_lr(spec, surface_name) / (100 if kwargs.get("maximize") else 1)
    opt = optimizers.get(spec.name, lr=lr, **kwargs)
    _same(*_both(monkeypatch, surface, opt, [surface.start], 200))
    starts = np.array([surface.start, [0.5, -0.5], [1.0, 2.0]])           # K = 3
    sched = optimizers.schedules.get("CosineAnnealingLR", T_max=37, eta_min=lr / 10)
    _same(*_both(monkeypatch, surface, opt, starts, 100, sched))


INPLACE = [(spec, kwargs) for spec in optimizers.names().values() for kwargs in OPTION_CASES.get(spec.name, [{}])
           if optimizers.get(spec.name, **kwargs).inplace is not None]


@pytest.mark.parametrize("spec,kwargs", INPLACE, ids=lambda v: getattr(v, "name", None) or str(v))
def test_inplace_kernel_equals_array_rule(monkeypatch, spec, kwargs):
    assert engine.SCALAR_MAX_K < 50
    surface = surfaces.get("rosenbrock")
    lr = parity_lr(spec, "rosenbrock") / (100 if kwargs.get("maximize") else 1)
    opt = optimizers.get(spec.name, lr=lr, **kwargs)
    rng = np.random.default_rng(0)
    starts = np.column_stack([rng.uniform(-2, 2, 50), rng.uniform(-1, 3, 50)])
    _same(*_both(monkeypatch, surface, opt, starts, 200))
    sched = optimizers.schedules.get("CosineAnnealingLR", T_max=37, eta_min=lr / 10)
    _same(*_both(monkeypatch, surface, opt, starts, 100, sched))
    big = optimizers.get(spec.name, lr=lr * 100, **kwargs)                  # some runs diverge
    _same(*_both(monkeypatch, surface, big, starts, 100, noise=GaussianNoise(0.5, seed=1)))


def test_common_optimizers_have_inplace_paths():
    for name in ("SGD", "Adam", "AdamW"):
        assert optimizers.get(name).inplace is not None, name


def test_scalar_kernel_with_noise_and_divergence(monkeypatch):
    surface = surfaces.get("rosenbrock")
    opt = optimizers.get("SGD", lr=0.05, momentum=0.9)                     # diverges
    fast, slow = _both(monkeypatch, surface, opt, [surface.start], 50)
    _same(fast, slow)
    assert fast.diverged_at[0] > 0
    noisy = optimizers.get("Adam", lr=0.01)
    _same(*_both(monkeypatch, surface, noisy, [surface.start, [0.0, 0.0]], 50, noise=GaussianNoise(0.5, seed=1)))


def test_scalar_kernel_falls_back_where_python_raises():
    """eps = 0 at the minimum: 0/0 raises in Python, NumPy gives NaN; the array rule reruns."""
    surface = surfaces.get("ravine")
    for name in ("Adam", "Adagrad", "RMSprop"):
        run = optimizers.simulate(surface, optimizers.get(name, eps=0.0), [[0.0, 0.0]], 5)
        assert run.diverged_at[0] == 1, name


@pytest.mark.parametrize("spec,kwargs", INPLACE, ids=lambda v: getattr(v, "name", None) or str(v))
@pytest.mark.parametrize("surface_name", ["rosenbrock", "ravine", "quadratic", "himmelblau"])
def test_fused_surface_path_equals_array_rule(monkeypatch, spec, kwargs, surface_name):
    """Many runs on a surface with a fused value-and-gradient kernel, some diverging."""
    monkeypatch.setattr(engine, "FUSED_MIN_K", 5)
    surface = surfaces.get(surface_name)
    assert surface.fused is not None
    like = "ravine" if surface_name == "quadratic" else surface_name          # the same curvatures (κ = 10)
    lr = parity_lr(spec, like) / (100 if kwargs.get("maximize") else 1)
    rng = np.random.default_rng(1)
    (x0, x1), (y0, y1) = surface.bounds
    starts = np.column_stack([rng.uniform(x0, x1, 40), rng.uniform(y0, y1, 40)])
    opt = optimizers.get(spec.name, lr=lr, **kwargs)
    fast, slow = _both(monkeypatch, surface, opt, starts, 150)
    _same(fast, slow)
    wild = optimizers.get(spec.name, lr=lr * 300, **kwargs)                 # SGD's runs diverge
    _same(*_both(monkeypatch, surface, wild, starts, 150))


def test_fused_path_flags_divergence_like_the_array_rule(monkeypatch):
    monkeypatch.setattr(engine, "FUSED_MIN_K", 5)
    surface = surfaces.get("rosenbrock")
    starts = np.array([[1.0, 1.0], [1.2, 1.4], [-1.9, 2.9], [1.9, -0.9], [0.0, 0.0]] * 2)
    opt = optimizers.get("SGD", lr=0.004, momentum=0.9)
    fast = optimizers.simulate(surface, opt, starts, 60)
    slow = optimizers.simulate(surface, opt._replace(fast=None, inplace=None), starts, 60)
    _same(fast, slow)
    np.testing.assert_array_equal(fast.diverged_at, [-1, 12, 4, 3, -1] * 2)   # the others converge
    assert np.isnan(fast.path[-1, 1:4]).all() and np.isnan(fast.loss[-1, 1:4]).all()
    assert np.isfinite(fast.path[-1, [0, 4]]).all()


def test_shared_lr_is_one_column_broadcast():
    """One rate for all runs: ``run.lr`` is a read-only view, not K copies."""
    run = optimizers.simulate(surfaces.get("ravine"), optimizers.get("SGD", lr=0.05), np.zeros((1000, 2)), 100)
    assert run.lr.shape == (100, 1000) and (run.lr == 0.05).all()
    assert not run.lr.flags.writeable and run.lr.strides[1] == 0


def test_fused_path_skips_the_separate_loss_pass(monkeypatch):
    """Converging runs on a fused surface get their losses from the stepping loop itself."""
    monkeypatch.setattr(engine, "FUSED_MIN_K", 5)
    surface = surfaces.get("rosenbrock")
    starts = np.array([[1.0, 1.0], [0.0, 0.0]] * 10)
    expected = optimizers.simulate(surface, optimizers.get("Adam", lr=0.01), starts, 50)

    def unexpected(*args):
        raise AssertionError("separate loss pass")
    monkeypatch.setattr(engine, "_loss_and_bad", unexpected)
    _same(optimizers.simulate(surface, optimizers.get("Adam", lr=0.01), starts, 50), expected)


def test_fused_path_is_a_view_of_coordinate_planes(monkeypatch):
    """Many runs on a fused surface: the path is (steps + 1, K, 2) over (steps + 1, 2, K) planes,
    and it behaves as any path (indexing, NaN after divergence, copies)."""
    monkeypatch.setattr(engine, "FUSED_MIN_K", 5)
    surface = surfaces.get("rosenbrock")
    starts = np.array([[1.0, 1.0], [1.2, 1.4], [-1.9, 2.9], [0.0, 0.0]] * 3)
    opt = optimizers.get("SGD", lr=0.004, momentum=0.9)
    run = optimizers.simulate(surface, opt, starts, 30)
    k = len(starts)
    assert run.path.shape == (31, k, 2)
    assert run.path.strides == (2 * k * 8, 8, k * 8)        # x of every run, then y of every run
    np.testing.assert_array_equal(run.path[0], starts)
    slow = optimizers.simulate(surface, opt._replace(fast=None, inplace=None), starts, 30)
    np.testing.assert_array_equal(np.ascontiguousarray(run.path), slow.path)
    assert np.isnan(run.path[-1, 2]).all() and np.isfinite(run.path[-1, 0]).all()
