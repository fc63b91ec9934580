"""simulate(): shapes, per-run hyperparameters, divergence, and the course's oracle numbers."""
import numpy as np
import pytest

import optimizers
import surfaces
from tests.optimizers.cases import OPTION_CASES


def test_shapes_and_start():
    s = surfaces.get("rosenbrock")
    starts = np.array([[-1.5, 2.0], [0.5, -0.5], [1.2, 1.0]])
    run = optimizers.simulate(s, optimizers.get("Adam", lr=0.01), starts, 50)
    assert run.path.shape == (51, 3, 2)
    assert run.loss.shape == (51, 3)
    assert run.lr.shape == (50, 3)
    assert run.diverged_at.shape == (3,)
    np.testing.assert_array_equal(run.path[0], starts)
    np.testing.assert_allclose(run.loss, s.value(run.path))
    assert np.all(run.lr == 0.01)


def test_zero_steps():
    run = optimizers.simulate(surfaces.get("ravine"), optimizers.get("SGD"), [[1.0, 1.0]], 0)
    assert run.path.shape == (1, 1, 2) and run.lr.shape == (0, 1)


@pytest.mark.parametrize("name", sorted(OPTION_CASES))
def test_k_runs_equal_k_single_runs_with_per_run_hyperparameters(name):
    s = surfaces.get("rosenbrock")
    starts = np.array([[-1.5, 2.0], [0.0, 0.0], [1.5, 1.5], [-1.0, -0.5]])
    lrs = np.array([1e-4, 5e-4, 1e-3, 2e-4])
    extra = {"momentum": np.array([0.0, 0.5, 0.9, 0.99])} if name == "SGD" else \
        {"betas": (np.array([0.0, 0.5, 0.9, 0.95]), np.array([0.9, 0.99, 0.999, 0.9999]))}
    sched = optimizers.schedules.get("CosineAnnealingLR", T_max=40)
    many = optimizers.simulate(s, optimizers.get(name, lr=lrs, **extra), starts, 200, schedule=sched)
    for k in range(4):
        single_extra = {key: (tuple(v[k] for v in val) if isinstance(val, tuple) else val[k])
                        for key, val in extra.items()}
        one = optimizers.simulate(s, optimizers.get(name, lr=lrs[k], **single_extra), starts[k:k + 1], 200,
                                  schedule=sched)
        # Not bitwise: NumPy's vectorized pow (per-run betas) and Python's scalar pow
        # (torch's bias corrections) may differ in the last bit.
        np.testing.assert_allclose(many.path[:, k], one.path[:, 0], rtol=1e-10, atol=1e-14)
        np.testing.assert_array_equal(many.lr[:, k], one.lr[:, 0])


def test_course_oracle_ravine():
    """COURSE_NOTES oracle: x² + 10y² from (10, 1), lr 0.1."""
    s = surfaces.get("ravine")
    sgd = optimizers.simulate(s, optimizers.get("SGD", lr=0.1), [s.start], 5)
    np.testing.assert_allclose(sgd.path[1:, 0], [(8, -1), (6.4, 1), (5.12, -1), (4.096, 1), (3.2768, -1)])
    mom = optimizers.simulate(s, optimizers.get("SGD", lr=0.1, momentum=0.9), [s.start], 5)
    np.testing.assert_allclose(mom.path[1:, 0],
                               [(8, -1), (4.6, -0.8), (0.62, 0.98), (-3.086, 0.622), (-5.8042, -0.9442)])


def test_divergence_is_marked_and_isolated():
    s = surfaces.get("ravine")
    lrs = np.array([0.01, 0.5, 1e6])   # stable, unstable (|1 − 20·0.5| > 1), overflow at once
    run = optimizers.simulate(s, optimizers.get("SGD", lr=lrs), np.array([s.start] * 3), 400)
    assert run.diverged_at[0] == -1
    assert np.all(np.isfinite(run.path[:, 0]))
    for k in (1, 2):
        d = run.diverged_at[k]
        assert d > 0
        assert np.all(np.isfinite(run.path[:d, k])) and np.all(np.isnan(run.path[d:, k]))
        assert np.all(np.isnan(run.loss[d:, k]))
    assert run.diverged_at[2] == 1
    # The stable run is unaffected by its neighbours.
    alone = optimizers.simulate(s, optimizers.get("SGD", lr=0.01), [s.start], 400)
    np.testing.assert_array_equal(run.path[:, 0], alone.path[:, 0])


@pytest.mark.parametrize("name,kwargs,word", [
    ("SGD", {"lr": -1.0}, "lr"),
    ("SGD", {"momentum": -0.1}, "momentum"),
    ("SGD", {"nesterov": True}, "nesterov"),
    ("SGD", {"lr": float("nan")}, "lr"),
    ("SGD", {"lr": "fast"}, "lr"),
    ("SGD", {"momentum_": 0.9}, "momentum_"),
    ("Adam", {"betas": (1.0, 0.999)}, "betas parameter at index 0"),
    ("Adam", {"betas": (0.9, -0.1)}, "betas parameter at index 1"),
    ("Adam", {"eps": -1e-8}, "eps"),
    ("Adam", {"lr": np.array([0.1, -0.1])}, "lr"),
    ("Nope", {}, "Nope"),
])
def test_invalid_hyperparameters_name_the_argument(name, kwargs, word):
    with pytest.raises(ValueError, match=word):
        optimizers.get(name, **kwargs)


@pytest.mark.parametrize("starts,steps", [
    (np.zeros((2, 3)), 10), ([[np.nan, 0.0]], 10), ([[0.0, 0.0]], -1), ([[0.0, 0.0]], 2.5),
])
def test_invalid_simulate_arguments(starts, steps):
    with pytest.raises(ValueError):
        optimizers.simulate(surfaces.get("ravine"), optimizers.get("SGD"), starts, steps)


def test_registry_metadata_is_complete():
    for name, spec in optimizers.names().items():
        assert spec.summary and spec.family in {"sgd", "adaptive", "second_order"}
        assert spec.hyperparams[0].name == "lr"
        for h in spec.hyperparams:
            for item in h.items or (h,):
                if item.kind == "float":
                    assert item.ui is not None and item.scale in {"log", "linear", "one_minus_log"}, (name, item)
        assert optimizers.get(name).hyperparams == spec.defaults() | {}
