"""The course's optimizers that torch does not have, against their papers' formulas.

The first steps are computed by hand here (on the ravine f = x² + 10y², whose
gradient is (2x, 20y), unless stated otherwise), not by calling the code under test.
"""
import numpy as np
import pytest

import optimizers
import surfaces
from tests.reference import torch_run

RAVINE = surfaces.get("ravine")
START = np.array([[10.0, 1.0]])


def _steps(name, n, start=START, lrs=None, surface=RAVINE, **hyperparams):
    """Positions after each of ``n`` calls of ``update`` (lr ``lrs[t]`` at step t)."""
    if lrs is not None:
        hyperparams["lr"] = lrs[0]
    opt = optimizers.get(name, **hyperparams)
    params, state = start.copy(), opt.init(start)
    out = []
    for t in range(n):
        kwargs = {"hessian": surface.hessian(params)} if opt.needs_hessian else {}
        params, state = opt.update(surface.grad(params), state, params, opt.lr if lrs is None else lrs[t], **kwargs)
        out.append(params[0].copy())
    return np.array(out), state


# --- Classical momentum: Δw ← αΔw + η∇L, w ← w − Δw -----------------------------

def test_momentum_first_steps_by_hand():
    # Δw₁ = 0.1·(20, 20) = (2, 2)                       → w₁ = (8, −1)
    # Δw₂ = 0.9·(2, 2) + 0.1·(16, −20) = (3.4, −0.2)     → w₂ = (4.6, −0.8)
    # Δw₃ = 0.9·(3.4, −0.2) + 0.1·(9.2, −16) = (3.98, −1.78) → w₃ = (0.62, 0.98)
    path, _ = _steps("Momentum", 3, lr=0.1, momentum=0.9)
    np.testing.assert_allclose(path, [(8, -1), (4.6, -0.8), (0.62, 0.98)], rtol=1e-13)


def test_momentum_keeps_the_old_lr_in_the_velocity_when_the_lr_changes():
    lrs = [0.1, 0.05]
    # Classical: Δw₂ = 0.9·(2, 2) + 0.05·(16, −20) = (2.6, 0.8)  → w₂ = (5.4, −1.8)
    classical, _ = _steps("Momentum", 2, lrs=lrs, momentum=0.9)
    np.testing.assert_allclose(classical, [(8, -1), (5.4, -1.8)], rtol=1e-13)
    # torch: v₂ = 0.9·(20, 20) + (16, −20) = (34, −2); w₂ = (8, −1) − 0.05·v₂ = (6.3, −0.9)
    torch_form, _ = _steps("SGD", 2, lrs=lrs, momentum=0.9)
    np.testing.assert_allclose(torch_form, [(8, -1), (6.3, -0.9)], rtol=1e-13)


def test_momentum_equals_torch_sgd_for_a_constant_lr_and_not_for_a_schedule():
    """The course notes: identical for constant lr, different once the lr changes."""
    s = surfaces.get("rosenbrock")
    kwargs = {"lr": 1e-3, "momentum": 0.9}
    expected, _ = torch_run("rosenbrock", "SGD", kwargs, s.start, 100)
    run = optimizers.simulate(s, optimizers.get("Momentum", **kwargs), [s.start], 100)
    np.testing.assert_allclose(run.path[:, 0], expected, rtol=1e-10)

    sched = ("StepLR", {"step_size": 10, "gamma": 0.5})
    expected, _ = torch_run("rosenbrock", "SGD", kwargs, s.start, 100, *sched)
    run = optimizers.simulate(s, optimizers.get("Momentum", **kwargs), [s.start], 100,
                              schedule=optimizers.schedules.get(sched[0], **sched[1]))
    np.testing.assert_allclose(run.path[:11, 0], expected[:11], rtol=1e-10)  # same until the first drop
    assert np.abs(run.path[-1, 0] - expected[-1]).max() > 1e-3


# --- Adaptive local gains ------------------------------------------------------

def test_local_gains_grow_additively_while_the_sign_holds():
    path, state = _steps("LocalGains", 3, lr=0.01, beta=0.05)
    # Step 1: no previous gradient, gains 1:    w₁ = (10, 1) − 0.01·(20, 20) = (9.8, 0.8)
    # Step 2: g = (19.6, 16), same signs, 1.05:  w₂ = (9.8 − 0.2058, 0.8 − 0.168)
    # Step 3: g = (19.1884, 12.64), gains 1.1:   w₃ = w₂ − 0.011·g
    np.testing.assert_allclose(path, [(9.8, 0.8), (9.5942, 0.632), (9.3831276, 0.49296)], rtol=1e-13)
    np.testing.assert_allclose(state.gain, [[1.1, 1.1]], rtol=1e-14)


def test_local_gains_shrink_multiplicatively_on_a_sign_flip():
    # lr 0.08 overshoots in y (1 − 0.08·20 < 0), so y's gradient flips every step.
    path, state = _steps("LocalGains", 3, lr=0.08, beta=0.05)
    # Step 1: gains 1:                  w₁ = (10 − 1.6, 1 − 1.6) = (8.4, −0.6)
    # Step 2: g = (16.8, −12): x 1.05, y 0.95: w₂ = (8.4 − 1.4112, −0.6 + 0.912) = (6.9888, 0.312)
    # Step 3: g = (13.9776, 6.24): x 1.1, y 0.9025: w₃ = (6.9888 − 1.2300288, 0.312 − 0.450528)
    np.testing.assert_allclose(path, [(8.4, -0.6), (6.9888, 0.312), (5.7587712, -0.138528)], rtol=1e-13)
    np.testing.assert_allclose(state.gain, [[1.1, 0.9025]], rtol=1e-14)


def test_local_gains_are_clipped_to_their_range():
    _, state = _steps("LocalGains", 3, lr=0.08, beta=0.05, gain_range=(0.92, 1.08))
    # x: 1 → 1.05 → min(1.10, 1.08); y: 1 → 0.95 → max(0.9025, 0.92)
    np.testing.assert_allclose(state.gain, [[1.08, 0.92]], rtol=1e-14)


# --- Lion ------------------------------------------------------------------------

def test_lion_first_steps_by_hand():
    path, state = _steps("Lion", 2, lr=0.1, betas=(0.9, 0.99))
    # Step 1: m = 0, c = 0.1·(20, 20) > 0        → w₁ = (9.9, 0.9); m = 0.01·(20, 20) = (0.2, 0.2)
    # Step 2: g = (19.8, 18), c = 0.18 + 0.1·g > 0 → w₂ = (9.8, 0.8); m = 0.198 + 0.01·g
    np.testing.assert_allclose(path, [(9.9, 0.9), (9.8, 0.8)], rtol=1e-14)
    np.testing.assert_allclose(state.mu, [[0.396, 0.378]], rtol=1e-14)


def test_lion_steps_by_the_sign_of_the_interpolation_not_of_the_gradient():
    opt = optimizers.get("Lion", lr=0.1, betas=(0.9, 0.99))
    state = opt.init(START)._replace(mu=np.array([[1.0, -1.0]]))
    # c = 0.9·(1, −1) + 0.1·(−2, 5) = (0.7, −0.4): the signs oppose the gradient's.
    params, state = opt.update(np.array([[-2.0, 5.0]]), state, START, 0.1)
    np.testing.assert_allclose(params, [[9.9, 1.1]], rtol=1e-14)
    np.testing.assert_allclose(state.mu, [[0.99 - 0.02, -0.99 + 0.05]], rtol=1e-14)


def test_lion_decoupled_weight_decay():
    path, _ = _steps("Lion", 1, lr=0.1, weight_decay=0.5)
    # w₁ = w₀ − η(sign(c) + λw₀) = (10 − 0.1·6, 1 − 0.1·1.5)
    np.testing.assert_allclose(path, [(9.4, 0.85)], rtol=1e-14)


# --- Newton's method ---------------------------------------------------------------

def test_newton_solves_a_quadratic_in_one_step():
    path, _ = _steps("Newton", 2)
    np.testing.assert_allclose(path, [(0, 0), (0, 0)], atol=1e-14)


def test_newton_first_step_on_rosenbrock_by_hand():
    s = surfaces.get("rosenbrock")
    # At (−1.5, 2): g = (−2·2.5 − 400·(−1.5)·(−0.25), 200·(−0.25)) = (−155, −50);
    # H = [[2 − 400·(2 − 6.75), 600], [600, 200]] = [[1902, 600], [600, 200]], det = 20400;
    # H⁻¹g = [200·(−155) − 600·(−50), −600·(−155) + 1902·(−50)] / 20400 = (−1000, −2100) / 20400.
    path, _ = _steps("Newton", 1, start=np.array([[-1.5, 2.0]]), surface=s)
    np.testing.assert_allclose(path, [(-1.5 + 1000 / 20400, 2.0 + 2100 / 20400)], rtol=1e-13)
    damped, _ = _steps("Newton", 1, start=np.array([[-1.5, 2.0]]), surface=s, lr=0.5)
    np.testing.assert_allclose(damped, [(-1.5 + 500 / 20400, 2.0 + 1050 / 20400)], rtol=1e-13)
    run = optimizers.simulate(s, optimizers.get("Newton"), [s.start], 20)
    np.testing.assert_allclose(run.path[-1, 0], (1.0, 1.0), atol=1e-12)


def _newton_update(hessian, grads, **hyperparams):
    opt = optimizers.get("Newton", **hyperparams)
    params = np.zeros((len(grads), 2))
    new, _ = opt.update(np.array(grads, dtype=float), opt.init(params), params, opt.lr,
                        hessian=np.array(hessian, dtype=float))
    return new


def test_newton_damping_indefinite_and_singular_hessians():
    # Damping λ = 2 on H = diag(2, 20): step (g₀/4, g₁/22).
    np.testing.assert_allclose(_newton_update([np.diag([2.0, 20.0])], [[4.0, 44.0]], damping=2.0), [[-1.0, -2.0]])
    # Indefinite H = diag(2, −4), g = (2, 4): pure Newton heads for the saddle
    # (step (1, −1), uphill in y); saddle-free uses |H| and descends: step (1, 1).
    indefinite = [np.diag([2.0, -4.0])]
    np.testing.assert_allclose(_newton_update(indefinite, [[2.0, 4.0]]), [[-1.0, 1.0]], atol=1e-15)
    np.testing.assert_allclose(_newton_update(indefinite, [[2.0, 4.0]], saddle_free=True), [[-1.0, -1.0]],
                               atol=1e-15)
    # Singular: no step along the flat direction, no error; all-zero H → no step at all.
    np.testing.assert_allclose(_newton_update([np.diag([2.0, 0.0])], [[4.0, 3.0]]), [[-2.0, 0.0]], atol=1e-15)
    np.testing.assert_array_equal(_newton_update([np.zeros((2, 2))], [[4.0, 3.0]]), [[0.0, 0.0]])
    # Rotated singular H = 2uuᵀ, u = (1, 1)/√2: the pseudo-inverse steps along u only, by uᵀg/2.
    np.testing.assert_allclose(_newton_update([[[1.0, 1.0], [1.0, 1.0]]], [[3.0, 1.0]]), [[-1.0, -1.0]], atol=1e-14)
    # Non-finite Hessians give NaN steps (the engine marks the run diverged), never an exception.
    with np.errstate(all="ignore"):
        bad = _newton_update([[[np.nan, 0.0], [0.0, 1.0]], np.eye(2)], [[1.0, 1.0], [1.0, 1.0]])
    assert np.all(np.isnan(bad[0])) and np.allclose(bad[1], [-1.0, -1.0])


def test_newton_finds_himmelblaus_maximum_and_saddle_free_newton_descends():
    """From (−0.5, −0.5) H is negative definite: pure Newton climbs to the local maximum."""
    s = surfaces.get("himmelblau")
    pure = optimizers.simulate(s, optimizers.get("Newton"), [s.start], 30)
    np.testing.assert_allclose(pure.path[-1, 0], (-0.270845, -0.923039), atol=1e-6)
    assert pure.loss[-1, 0] > pure.loss[0, 0]
    free = optimizers.simulate(s, optimizers.get("Newton", saddle_free=True), [s.start], 30)
    np.testing.assert_allclose(free.path[-1, 0], (-2.805118, 3.131313), atol=1e-6)   # a minimum
    assert free.loss[1, 0] < free.loss[0, 0]


# --- SWATS ---------------------------------------------------------------------------

def _swats_steps(gradients, lrs, **hyperparams):
    opt = optimizers.get("SWATS", lr=lrs[0], **hyperparams)
    k = len(gradients[0])
    params = np.zeros((k, 2))
    state, out = opt.init(params), []
    for g, lr in zip(gradients, lrs):
        params, state = opt.update(np.array(g, dtype=float), state, params, lr)
        out.append(params.copy())
    return np.array(out), state


def test_swats_switches_to_sgd_with_the_learned_lr():
    # A constant gradient g = (1, 2) with ε = 0: m and a are g and g² times their bias
    # corrections, so every Adam step is p = −η·sign(g) = −0.1·(1, 1), and the
    # projected lr is γ = pᵀp / (−pᵀg) = 0.02 / 0.3 = 1/15 at every step.
    # λ_k = (1 − β₂ᵏ)γ, so Λ = γ exactly at k = 2 (k > 1): the run switches after step 2.
    g = [[1.0, 2.0]]
    path, state = _swats_steps([g] * 4, [0.1, 0.1, 0.1, 0.05], eps=0.0)
    np.testing.assert_allclose(path[:2, 0], [(-0.1, -0.1), (-0.2, -0.2)], rtol=1e-14)
    assert state.switched[0, 0]
    np.testing.assert_allclose(state.sgd_lr[0, 0], 1 / 15, rtol=1e-12)
    # SGD phase: v₃ = g;  w₃ = w₂ − (1 − β₁)Λ v₃ = w₂ − (1/150)·(1, 2)
    # v₄ = 0.9·g + g = 1.9·g; the lr halved (0.05 / 0.1): w₄ = w₃ − 0.5·(1/150)·(1.9, 3.8)
    w3 = np.array([-0.2, -0.2]) - np.array([1.0, 2.0]) / 150
    w4 = w3 - 0.5 * np.array([1.9, 3.8]) / 150
    np.testing.assert_allclose(path[2:, 0], [w3, w4], rtol=1e-12)


def test_swats_first_adam_steps_follow_the_paper():
    # Paper's Algorithm 1: p = −η √(1 − β₂ᵏ)/(1 − β₁ᵏ) · m/(√a + ε), ε outside √a.
    eta, b1, b2, eps = 0.1, 0.9, 0.999, 1e-3
    g1, g2 = np.array([3.0, -4.0]), np.array([1.0, 2.0])
    m1, a1 = (1 - b1) * g1, (1 - b2) * g1 ** 2
    w1 = -eta * np.sqrt(1 - b2) / (1 - b1) * m1 / (np.sqrt(a1) + eps)
    m2, a2 = b1 * m1 + (1 - b1) * g2, b2 * a1 + (1 - b2) * g2 ** 2
    w2 = w1 - eta * np.sqrt(1 - b2 ** 2) / (1 - b1 ** 2) * m2 / (np.sqrt(a2) + eps)
    path, state = _swats_steps([[g1], [g2]], [eta, eta], eps=eps)
    np.testing.assert_allclose(path[:, 0], [w1, w2], rtol=1e-13)
    assert not state.switched[0, 0]


def test_swats_runs_switch_independently():
    # Run 0 sees the constant gradient of the test above and switches after step 2;
    # run 1's gradient turns, so its γ changes and it stays with Adam.
    grads = [[[1.0, 2.0], [1.0, 2.0]], [[1.0, 2.0], [3.0, -1.0]], [[1.0, 2.0], [3.0, -1.0]]]
    path, state = _swats_steps(grads, [0.1] * 3, eps=0.0)
    assert state.switched[:, 0].tolist() == [True, False]
    alone, _ = _swats_steps([[g[1]] for g in grads], [0.1] * 3, eps=0.0)
    np.testing.assert_allclose(path[:, 1], alone[:, 0], rtol=1e-14)
    np.testing.assert_allclose(path[2, 0], [-0.2 - 1 / 150, -0.2 - 2 / 150], rtol=1e-12)


def test_swats_never_switches_to_a_negative_lr():
    # pᵀg > 0 (the Adam step climbs, as after momentum overshoots): γ < 0, no switch.
    opt = optimizers.get("SWATS", lr=0.1, eps=0.0, switch_tol=1.0)
    params = np.zeros((1, 2))
    state = opt.init(params)._replace(count=5, mu=np.array([[-5.0, -5.0]]), nu=np.array([[1.0, 1.0]]))
    _, state = opt.update(np.array([[1.0, 1.0]]), state, params, 0.1)
    assert not state.switched[0, 0]


@pytest.mark.parametrize("name,lr", [("Momentum", 0.02), ("LocalGains", 0.02), ("Lion", 0.02), ("SWATS", 0.05),
                                     ("Newton", 1.0)])
def test_beyond_torch_optimizers_descend_on_the_ravine(name, lr):
    # Lion moves every coordinate by lr per step: 10 / 0.02 = 500 steps to cross the ravine.
    run = optimizers.simulate(RAVINE, optimizers.get(name, lr=lr), START, 1000)
    assert run.diverged_at[0] == -1
    assert run.loss[-1, 0] < 1e-2 * run.loss[0, 0]
