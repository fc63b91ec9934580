"""State that never shows in the path but torch reports: ASGD's averaged iterate."""
import numpy as np
import torch

import optimizers
import surfaces
from tests.reference import torch_value


def test_asgd_average_equals_torch_ax():
    """t0 only moves the average w̄ (torch's ``state["ax"]``), which starts after t0 steps."""
    s = surfaces.get("rosenbrock")
    kwargs = {"lr": 1e-3, "lambd": 0.01, "t0": 10.0}
    w = torch.tensor(s.start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.ASGD([w], **kwargs)
    f = torch_value("rosenbrock")
    mine = optimizers.get("ASGD", **kwargs)
    params = np.array([s.start])
    state = mine.init(params)
    for _ in range(60):
        opt.zero_grad()
        f(w).backward()
        opt.step()
        params, state = mine.update(s.grad(params), state, params, kwargs["lr"])
    np.testing.assert_allclose(params[0], w.detach().numpy(), rtol=1e-12)
    ax = opt.state[w]["ax"].numpy()
    assert not np.allclose(ax, params[0], rtol=1e-6)   # averaging has started
    np.testing.assert_allclose(state.ax[0], ax, rtol=1e-12)
