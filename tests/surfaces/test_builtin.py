"""Built-in surfaces: analytic derivatives equal torch.autograd, minima are stationary, metadata is sound."""
import math
import subprocess
import sys

import numpy as np
import pytest
import torch

import optimizers
import surfaces
from surfaces.base import FAMILIES, SurfaceParam
from tests.reference import torch_value
from tests.surfaces.torch_formulas import TORCH_SURFACES

NAMES = surfaces.names()
LR_STEPS = 200


def _params_at_ui_ends():
    """Each parametrized surface at the low and the high end of its sliders, as extra cases."""
    cases = []
    for name in NAMES:
        specs = surfaces.get(name).param_specs
        for end in (0, 1):
            if specs:
                kwargs = {p.name: p.ui[end] for p in specs}
                case_id = f"{name}-" + ",".join(f"{k}={v}" for k, v in kwargs.items())
                cases.append(pytest.param(name, kwargs, id=case_id))
    return cases


def test_every_surface_has_a_torch_formula():
    assert set(NAMES) <= set(TORCH_SURFACES)


def test_names_order_and_custom():
    assert NAMES[:2] == ["ravine", "rosenbrock"]
    assert len(set(NAMES)) == len(NAMES)
    assert surfaces.CUSTOM not in NAMES  # built from user input, not a fixed entry
    assert surfaces.get(surfaces.CUSTOM).name == "custom"


def _points(s, n=1000, seed=0):
    (x0, x1), (y0, y1) = s.bounds
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def _check_against_autograd(name, params):
    s = surfaces.get(name, **params)
    pts = _points(s)
    f = torch_value(name, dict(s.params))
    w = torch.tensor(pts, requires_grad=True)
    val = f(w)
    (grad,) = torch.autograd.grad(val.sum(), w, create_graph=True)
    hess = torch.stack([torch.autograd.grad(grad[:, i].sum(), w, retain_graph=True)[0] for i in range(2)], 1)
    expected = val.detach().numpy()
    # atol: values that cancel to near zero (x² − y² with x ≈ y) carry the round-off of their terms.
    np.testing.assert_allclose(s.value(pts), expected, rtol=1e-12, atol=1e-13 * np.abs(expected).max())
    np.testing.assert_allclose(s.grad(pts), grad.detach().numpy(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(s.hessian(pts), hess.detach().numpy(), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_value_grad_hessian_match_autograd(name):
    _check_against_autograd(name, {})


@pytest.mark.parametrize("name,params", _params_at_ui_ends())
def test_parameters_match_autograd(name, params):
    _check_against_autograd(name, params)


@pytest.mark.parametrize("name", NAMES)
def test_vectorized_shapes(name):
    s = surfaces.get(name)
    xy = np.zeros((3, 4, 2))
    assert s.value(xy).shape == (3, 4)
    assert s.grad(xy).shape == (3, 4, 2)
    assert s.hessian(xy).shape == (3, 4, 2, 2)
    assert s.hessian(np.array([0.5, 0.5])).shape == (2, 2)


@pytest.mark.parametrize("name", NAMES)
def test_minima_are_stationary_and_inside_bounds(name):
    s = surfaces.get(name)
    (x0, x1), (y0, y1) = s.bounds
    assert x0 <= s.start[0] <= x1 and y0 <= s.start[1] <= y1
    for m in s.minima:
        assert x0 <= m[0] <= x1 and y0 <= m[1] <= y1
        np.testing.assert_allclose(s.grad(np.array(m)), 0.0, atol=1e-9)
        assert np.all(np.linalg.eigvalsh(s.hessian(np.array(m))) >= -1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_listed_minimum_values(name):
    s = surfaces.get(name)
    assert len(s.min_values) == len(s.minima)
    if s.minima:
        np.testing.assert_allclose(s.value(np.array(s.minima)), s.min_values, rtol=1e-12, atol=1e-12)
        assert s.min_value == min(s.min_values)
        # no listed minimum is beaten by a sample of the window (the global one is listed)
        assert np.nanmin(s.value(_points(s, 20_000))) >= s.min_value - 1e-9
    else:
        assert s.min_value is None


@pytest.mark.parametrize("name", NAMES)
def test_metadata(name):
    s = surfaces.get(name)
    assert s.name == name and s.title and s.formula and s.summary
    assert set(s.lr_range) == set(FAMILIES)
    for low, high in s.lr_range.values():
        assert 0 < low < high
    assert [p.name for p in s.param_specs] == list(s.params)
    for p in s.param_specs:
        assert isinstance(p, SurfaceParam) and p.scale in ("linear", "log") and p.label
        assert s.params[p.name] == p.default
        assert p.ui[0] < p.ui[1]
        p.check(p.ui[0]), p.check(p.ui[1])
    assert np.all(np.isfinite(s.value(_points(s, 500))))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("optimizer,family", [("SGD", "sgd"), ("Adam", "adaptive")])
def test_lr_range_middle_makes_progress(name, optimizer, family):
    """The geometric middle of lr_range, from the default start, lowers the loss without diverging."""
    s = surfaces.get(name)
    low, high = s.lr_range[family]
    lr = math.sqrt(low * high)
    run = optimizers.simulate(s, optimizers.get(optimizer, lr=lr), np.array([s.start]), LR_STEPS)
    assert run.diverged_at[0] == -1
    loss = run.loss[:, 0]
    assert loss[-1] < loss[0] - 0.01 * abs(loss[0] - (s.min_value if s.minima else loss[-1]) + 1e-12)
    if s.minima and name not in ("rastrigin", "ackley", "levi13", "rosenbrock", "beale"):
        # unimodal-enough surfaces: the middle lr gets visibly close to some minimum
        end = run.path[-1, 0]
        assert min(np.hypot(*(end - np.array(m))) for m in s.minima) < 0.1 * s.extent


def test_ackley_tip_is_finite():
    s = surfaces.get("ackley")
    tip = np.zeros(2)
    assert s.value(tip) == pytest.approx(0.0, abs=1e-15)
    np.testing.assert_array_equal(s.grad(tip), [0.0, 0.0])
    # only the smooth cosine term's curvature, 2π²e, at the cone's tip
    np.testing.assert_allclose(s.hessian(tip), 2 * math.pi ** 2 * math.e * np.eye(2), rtol=1e-14)
    # next to the tip the gradient has the cone's norm 2·√2 ≈ 2.83 (the subgradient set's radius)
    near = s.grad(np.array([1e-12, 0.0]))
    assert np.all(np.isfinite(near)) and np.linalg.norm(near) == pytest.approx(2 * math.sqrt(2), rel=1e-6)


def test_saddles_have_no_minima():
    for name in ("saddle", "monkey_saddle"):
        s = surfaces.get(name)
        assert s.minima == [] and s.min_values == ()
        np.testing.assert_array_equal(s.grad(np.zeros(2)), [0.0, 0.0])


def test_quadratic_parameters():
    ravine = surfaces.get("ravine")
    q = surfaces.get("quadratic", kappa=10, angle=0)
    pts = _points(ravine, 100)
    np.testing.assert_allclose(q.value(pts), ravine.value(pts), rtol=1e-14)
    assert q.start == pytest.approx(ravine.start)
    q = surfaces.get("quadratic", kappa=50, angle=37)
    np.testing.assert_allclose(np.linalg.eigvalsh(q.hessian(np.zeros(2))), [2.0, 100.0], rtol=1e-12)
    # the shallow axis points along the angle
    axis = np.array([math.cos(math.radians(37)), math.sin(math.radians(37))])
    np.testing.assert_allclose(q.hessian(np.zeros(2)) @ axis, 2.0 * axis, atol=1e-12)
    assert q.lr_range["sgd"][1] == pytest.approx(1 / 50)  # 2/λmax
    with pytest.raises(ValueError, match="kappa"):
        surfaces.get("quadratic", kappa=0.5)
    with pytest.raises(ValueError, match="angle"):
        surfaces.get("quadratic", angle=float("nan"))


def test_rosenbrock_parameters():
    s = surfaces.get("rosenbrock", a=2.0, b=10.0)
    assert s.minima == [(2.0, 4.0)]
    assert s.value(np.array([2.0, 4.0])) == 0.0
    with pytest.raises(ValueError, match="b"):
        surfaces.get("rosenbrock", b=-1)
    with pytest.raises(ValueError, match="c"):
        surfaces.get("rosenbrock", c=1)
    with pytest.raises(ValueError, match="nope"):
        surfaces.get("nope")


def test_linear_regression_is_the_full_batch_loss():
    s = surfaces.get("linear_regression")
    data = s.dataset
    assert data.n == 512
    pts = _points(s, 50)
    direct = 0.5 * np.mean((pts[:, :1] * data.x + pts[:, 1:] - data.y) ** 2, axis=1)
    np.testing.assert_allclose(s.value(pts), direct, rtol=1e-12)
    np.testing.assert_allclose(s.grad(pts), data.example_grads(pts).mean(axis=1), rtol=1e-10, atol=1e-12)
    # least squares recovers the generating line up to the noise
    np.testing.assert_allclose(s.minima[0], (2.0, -1.0), atol=0.15)


def test_surfaces_stay_pure_numpy():
    code = ("import sys, surfaces, surfaces.noise, surfaces.formula; "
            "print(sorted(m for m in ('torch', 'dash', 'plotly', 'optimizers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


FUSED = [name for name in surfaces.names() if surfaces.get(name).fused is not None]
SCALAR = [name for name in surfaces.names() if surfaces.get(name).grad_scalar is not None]
# Surfaces with parameters, at values other than their defaults.
RESHAPED = [("quadratic", {"kappa": 250.0, "angle": -37.0}), ("rosenbrock", {"a": -0.7, "b": 3.0})]


def probe_points(surface, seed: int) -> np.ndarray:
    """300 points over the plot window, and overflowing, NaN, infinite, zero and subnormal ones."""
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = surface.bounds
    xy = np.column_stack([rng.uniform(x0, x1, 300), rng.uniform(y0, y1, 300)])
    return np.vstack([xy, [[1e200, -1e200], [np.nan, 0.0], [np.inf, 1.0], [0.0, 0.0], [-0.0, 5e-324]]])


def test_the_fast_surfaces_have_their_kernels():
    assert {"rosenbrock", "ravine", "quadratic", "himmelblau"} <= set(FUSED)
    assert {"ravine", "quadratic", "rosenbrock", "himmelblau", "booth", "matyas", "saddle"} <= set(SCALAR)


@pytest.mark.parametrize("name,params", [(n, {}) for n in FUSED] + RESHAPED)
def test_fused_kernel_equals_value_and_grad_bit_for_bit(name, params):
    surface = surfaces.get(name, **params)
    xy = probe_points(surface, 3)
    k = len(xy)
    x, y = xy[:, 0].copy(), xy[:, 1].copy()
    g, loss = np.full((k, 2), 7.0), np.full(k, 7.0)
    fill = surface.fused(k)
    with np.errstate(all="ignore"):
        fill(x, y, g[:, 0], g[:, 1], loss)
        fill(x, y, g[:, 0], g[:, 1], loss)             # buffers are reused: same answer twice
        np.testing.assert_array_equal(loss, surface.value(xy))
        np.testing.assert_array_equal(g, surface.grad(xy))
    np.testing.assert_array_equal(x, xy[:, 0])          # inputs untouched


@pytest.mark.parametrize("name,params", [(n, {}) for n in SCALAR] + RESHAPED)
def test_scalar_gradient_equals_grad_bit_for_bit(name, params):
    surface = surfaces.get(name, **params)
    xy = probe_points(surface, 4)
    with np.errstate(all="ignore"):
        expected = surface.grad(xy)
    got = np.array([surface.grad_scalar(float(x), float(y)) for x, y in xy])
    np.testing.assert_array_equal(got, expected)
    assert all(type(v) is float for v in surface.grad_scalar(0.5, -0.25))
