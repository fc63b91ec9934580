"""The course's closed forms (no torch class): checked against their formulas with arrays
of t, and against the torch schedules they coincide with."""
import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import schedules
from optimizers.schedules import course

T = np.arange(1000)
T_2D = np.array([[0.0, 0.5, 3.0], [10.0, 99.5, 250.0]])   # fractional and 2-D t work too

COURSE_NAMES = ["ExponentialDecay", "InverseTimeDecay", "InverseSqrtDecay", "HalvingLR", "WarmupCosine"]


def test_course_schedules_are_registered_without_torch_class():
    specs = schedules.names()
    for name in COURSE_NAMES:
        assert specs[name].torch_class is None and specs[name].formula


@pytest.mark.parametrize("name,kwargs,formula", [
    ("ExponentialDecay", {"k": 0.01}, lambda t, eta0: eta0 * np.exp(-0.01 * t)),
    ("ExponentialDecay", {"k": 0.5}, lambda t, eta0: eta0 * np.exp(-0.5 * t)),
    ("InverseTimeDecay", {"k": 0.01}, lambda t, eta0: eta0 / (1 + 0.01 * t)),
    ("InverseTimeDecay", {"k": 2.0}, lambda t, eta0: eta0 / (1 + 2.0 * t)),
    ("InverseSqrtDecay", {}, lambda t, eta0: eta0 * (t + 1) ** -0.5),
    ("HalvingLR", {"T_0": 100}, lambda t, eta0: eta0 / 2 ** np.floor(t / 100)),
    ("HalvingLR", {"T_0": 1}, lambda t, eta0: eta0 / 2 ** np.floor(t)),
])
@pytest.mark.parametrize("t", [T, T_2D, 7.0], ids=["range", "2d", "scalar"])
def test_closed_form_matches_its_formula(name, kwargs, formula, t):
    sch = schedules.get(name, **kwargs)
    got = sch(t, 0.1)
    assert np.shape(got) == np.shape(t)
    np.testing.assert_allclose(got, formula(np.asarray(t, dtype=float), 0.1), rtol=1e-14)


@pytest.mark.parametrize("name,kwargs", [(n, {}) for n in COURSE_NAMES])
def test_sequence_is_the_closed_form_at_integer_steps(name, kwargs):
    sch = schedules.get(name, **kwargs)
    bases = np.array([0.1, 3e-4])
    seq = sch.lr_sequence(bases, 700)
    assert seq.shape == (700, 2)
    for k, base in enumerate(bases):
        np.testing.assert_array_equal(seq[:, k], sch(np.arange(700), base))


def test_pure_functions_broadcast_over_t_and_base():
    eta0 = np.array([[0.1, 0.01]])
    t = np.arange(5)[:, None]
    np.testing.assert_allclose(course.exponential_decay(t, eta0, 0.1), eta0 * np.exp(-0.1 * t))
    np.testing.assert_allclose(course.inverse_time_decay(t, eta0, 0.1), eta0 / (1 + 0.1 * t))
    np.testing.assert_allclose(course.inverse_sqrt_decay(t, eta0), eta0 / np.sqrt(t + 1))
    np.testing.assert_allclose(course.halving(t, eta0, 2), eta0 * 0.5 ** (t // 2))


def test_warmup_cosine_formula():
    W, T_max, s, eta_min, eta0 = 20, 80, 0.1, 1e-3, 0.5
    t = np.array([0, 5, 19.5, 20, 60, 100, 150])
    expected = [eta0 * (s + (1 - s) * 0 / W), eta0 * (s + (1 - s) * 5 / W), eta0 * (s + (1 - s) * 19.5 / W),
                eta0, eta_min + (eta0 - eta_min) / 2, eta_min, eta_min]
    sch = schedules.get("WarmupCosine", warmup_steps=W, T_max=T_max, start_factor=s, eta_min=eta_min)
    np.testing.assert_allclose(sch(t, eta0), expected, rtol=1e-14)


def test_warmup_cosine_equals_sequential_linear_then_cosine():
    """The one-formula warmup + cosine equals torch's usual SequentialLR composition."""
    W, T_max, s, eta_min = 50, 450, 0.01, 1e-4
    seq = schedules.get("SequentialLR", schedulers=[
        ("LinearLR", {"start_factor": s, "total_iters": W}),
        ("CosineAnnealingLR", {"T_max": T_max, "eta_min": eta_min})], milestones=[W])
    one = schedules.get("WarmupCosine", warmup_steps=W, T_max=T_max, start_factor=s, eta_min=eta_min)
    np.testing.assert_allclose(one.lr_sequence(0.1, W + T_max + 1), seq.lr_sequence(0.1, W + T_max + 1),
                               rtol=1e-10)


def test_halving_equals_step_lr_exactly():
    np.testing.assert_array_equal(schedules.get("HalvingLR", T_0=37).lr_sequence(0.3, 1000),
                                  schedules.get("StepLR", step_size=37, gamma=0.5).lr_sequence(0.3, 1000))


def test_exponential_decay_equals_exponential_lr():
    k = 0.02
    np.testing.assert_allclose(schedules.get("ExponentialDecay", k=k).lr_sequence(0.1, 1000),
                               schedules.get("ExponentialLR", gamma=float(np.exp(-k))).lr_sequence(0.1, 1000),
                               rtol=1e-12)


def test_lambda_lr_writes_the_course_forms():
    """LambdaLR with a formula is another way to get the closed forms."""
    for text, name, kwargs in [("1/sqrt(t + 1)", "InverseSqrtDecay", {}),
                               ("1/(1 + 0.05*t)", "InverseTimeDecay", {"k": 0.05}),
                               ("exp(-0.03*t)", "ExponentialDecay", {"k": 0.03})]:
        lam = schedules.get("LambdaLR", lr_lambda=text)
        np.testing.assert_allclose(lam(T_2D, 0.1), schedules.get(name, **kwargs)(T_2D, 0.1), rtol=1e-14)


@pytest.mark.parametrize("name", COURSE_NAMES)
def test_simulate_uses_the_closed_form(name):
    surface = surfaces.get("ravine")
    lrs = np.array([0.01, 0.002])
    sch = schedules.get(name)
    run = optimizers.simulate(surface, optimizers.get("SGD", lr=lrs, momentum=0.9),
                              np.array([surface.start] * 2), 200, schedule=sch)
    for k in range(2):
        np.testing.assert_array_equal(run.lr[:, k], sch(np.arange(200), lrs[k]))
