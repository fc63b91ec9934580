"""Built-in surfaces: analytic derivatives equal torch.autograd, minima are stationary."""
import numpy as np
import pytest
import torch

import surfaces
from tests.reference import torch_value
from tests.surfaces.torch_formulas import TORCH_SURFACES

NAMES = surfaces.names()


def test_every_surface_has_a_torch_formula():
    assert set(NAMES) <= set(TORCH_SURFACES)


def _points(s, n=1000, seed=0):
    (x0, x1), (y0, y1) = s.bounds
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


@pytest.mark.parametrize("name", NAMES)
def test_value_grad_hessian_match_autograd(name):
    s = surfaces.get(name)
    pts = _points(s)
    f = torch_value(name, dict(s.params))
    w = torch.tensor(pts, requires_grad=True)
    val = f(w)
    (grad,) = torch.autograd.grad(val.sum(), w, create_graph=True)
    hess = torch.stack([torch.autograd.grad(grad[:, i].sum(), w, retain_graph=True)[0] for i in range(2)], 1)
    np.testing.assert_allclose(s.value(pts), val.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(s.grad(pts), grad.detach().numpy(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(s.hessian(pts), hess.detach().numpy(), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_vectorized_shapes(name):
    s = surfaces.get(name)
    xy = np.zeros((3, 4, 2))
    assert s.value(xy).shape == (3, 4)
    assert s.grad(xy).shape == (3, 4, 2)
    assert s.hessian(xy).shape == (3, 4, 2, 2)


@pytest.mark.parametrize("name", NAMES)
def test_minima_are_stationary_and_inside_bounds(name):
    s = surfaces.get(name)
    (x0, x1), (y0, y1) = s.bounds
    assert x0 <= s.start[0] <= x1 and y0 <= s.start[1] <= y1
    for m in s.minima:
        assert x0 <= m[0] <= x1 and y0 <= m[1] <= y1
        np.testing.assert_allclose(s.grad(np.array(m)), 0.0, atol=1e-9)
        assert np.all(np.linalg.eigvalsh(s.hessian(np.array(m))) >= -1e-9)


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
