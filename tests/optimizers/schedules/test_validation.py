"""Invalid parameters raise ValueError naming the argument; the registry metadata drives the UI."""
import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import schedules
from optimizers.base import Optimizer
from surfaces.formula import FormulaError

LINEAR_THEN_STEP = [("LinearLR", {}), ("StepLR", {"step_size": 5})]


@pytest.mark.parametrize("name,kwargs,word", [
    ("StepLR", {"step_size": 0}, "step_size"),
    ("StepLR", {"step_size": 10, "gamma": -1}, "gamma"),
    ("StepLR", {"step_size": 10, "gamma": np.array([0.1, 0.5])}, "gamma"),
    ("MultiStepLR", {"milestones": [30, 10]}, "milestones"),
    ("MultiStepLR", {"milestones": [10, 10]}, "milestones"),
    ("MultiStepLR", {"milestones": [0, 10]}, "milestones"),
    ("MultiStepLR", {"milestones": [1.5]}, "milestones"),
    ("MultiStepLR", {"milestones": 5}, "milestones"),
    ("ConstantLR", {"factor": 0}, "factor"),
    ("ConstantLR", {"factor": 1.5}, "factor"),
    ("ConstantLR", {"total_iters": 0}, "total_iters"),
    ("LinearLR", {"start_factor": 0}, "start_factor"),
    ("LinearLR", {"end_factor": 1.5}, "end_factor"),
    ("LinearLR", {"total_iters": 2.5}, "total_iters"),
    ("ExponentialLR", {"gamma": -0.5}, "gamma"),
    ("ExponentialLR", {"gamma": "slow"}, "gamma"),
    ("PolynomialLR", {"power": -1}, "power"),
    ("CosineAnnealingLR", {"T_max": 0}, "T_max"),
    ("CosineAnnealingLR", {"T_max": 10, "eta_min": float("nan")}, "eta_min"),
    ("CosineAnnealingLR", {"T_max": 10, "bogus": 1}, "bogus"),
    ("CosineAnnealingWarmRestarts", {"T_0": 0}, "T_0"),
    ("CosineAnnealingWarmRestarts", {"T_0": 2.5}, "T_0"),
    ("CosineAnnealingWarmRestarts", {"T_0": 10, "T_mult": 0}, "T_mult"),
    ("CyclicLR", {"mode": "sawtooth"}, "mode"),
    ("CyclicLR", {"step_size_up": 0}, "step_size_up"),
    ("CyclicLR", {"step_size_down": 0}, "step_size_down"),
    ("CyclicLR", {"cycle_momentum": "yes"}, "cycle_momentum"),
    ("CyclicLR", {"max_momentum": 1.5}, "max_momentum"),
    ("OneCycleLR", {"total_steps": 0}, "total_steps"),
    ("OneCycleLR", {"epochs": None}, "total_steps"),
    ("OneCycleLR", {"total_steps": None, "steps_per_epoch": None}, "total_steps"),
    ("OneCycleLR", {"epochs": 0}, "epochs"),
    ("OneCycleLR", {"anneal_strategy": "exp"}, "anneal_strategy"),
    ("OneCycleLR", {"pct_start": 1.5}, "pct_start"),
    ("OneCycleLR", {"total_steps": 100, "pct_start": 0.01}, "pct_start"),   # empty first phase
    ("OneCycleLR", {"div_factor": 0}, "div_factor"),
    ("SequentialLR", {"schedulers": [], "milestones": []}, "schedulers"),
    ("SequentialLR", {"schedulers": 3, "milestones": []}, "schedulers"),
    ("SequentialLR", {"schedulers": [42], "milestones": []}, "schedulers"),
    ("SequentialLR", {"schedulers": LINEAR_THEN_STEP, "milestones": []}, "milestones"),
    ("SequentialLR", {"schedulers": LINEAR_THEN_STEP, "milestones": [0]}, "milestones"),
    ("SequentialLR", {"schedulers": [*LINEAR_THEN_STEP, ("StepLR", {"step_size": 3})],
                      "milestones": [20, 10]}, "milestones"),
    ("SequentialLR", {"schedulers": [("StepLR", {"step_size": 0})], "milestones": []}, "step_size"),
    ("SequentialLR", {"schedulers": [("NoSuchLR", {})], "milestones": []}, "NoSuchLR"),
    ("SequentialLR", {"schedulers": [("ReduceLROnPlateau", {}), ("StepLR", {"step_size": 5})],
                      "milestones": [10]}, "ReduceLROnPlateau"),
    ("SequentialLR", {"schedulers": [("LinearLR", {}), ("CyclicLR", {})], "milestones": [10]}, "CyclicLR"),
    ("ReduceLROnPlateau", {"mode": "maximum"}, "mode"),
    ("ReduceLROnPlateau", {"threshold_mode": "relative"}, "threshold_mode"),
    ("ReduceLROnPlateau", {"factor": 1.0}, "factor"),
    ("ReduceLROnPlateau", {"patience": -1}, "patience"),
    ("ReduceLROnPlateau", {"min_lr": -1}, "min_lr"),
    ("LambdaLR", {"lr_lambda": "__import__('os').system('ls')"}, "lr_lambda"),
    ("LambdaLR", {"lr_lambda": "(lambda: 1)()"}, "lr_lambda"),
    ("LambdaLR", {"lr_lambda": "0.9**x"}, "lr_lambda"),
    ("LambdaLR", {"lr_lambda": "0.9**"}, "lr_lambda"),
    ("MultiplicativeLR", {"lr_lambda": 0.9}, "lr_lambda"),
    ("ExponentialDecay", {"k": -1}, "k"),
    ("HalvingLR", {"T_0": 0}, "T_0"),
    ("WarmupCosine", {"T_max": 0}, "T_max"),
    ("WarmupCosine", {"warmup_steps": -1}, "warmup_steps"),
    ("NoSuchLR", {}, "NoSuchLR"),
])
def test_invalid_parameters_name_the_argument(name, kwargs, word):
    with pytest.raises(ValueError, match=word):
        schedules.get(name, **kwargs)


def test_formula_errors_keep_their_column():
    with pytest.raises(FormulaError, match="lr_lambda") as err:
        schedules.get("LambdaLR", lr_lambda="0.9**t + y")
    assert err.value.column == 10   # the y


def test_one_cycle_cannot_run_past_total_steps():
    sch = schedules.get("OneCycleLR", total_steps=100)
    assert sch.lr_sequence(0.1, 100).shape == (100, 1)
    with pytest.raises(ValueError, match="total_steps"):
        sch.lr_sequence(0.1, 101)


def test_loss_driven_schedule_has_no_precomputed_sequence():
    sch = schedules.get("ReduceLROnPlateau")
    with pytest.raises(ValueError, match="loss"):
        sch.lr_sequence(0.1, 10)
    with pytest.raises(ValueError, match="loss"):
        schedules.get("StepLR", step_size=3).lr_from_losses(0.1, [1.0, 2.0])


def test_cycling_momentum_needs_an_optimizer_with_momentum():
    """torch: "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"."""
    def init(params):
        return None

    def update(grads, state, params, lr, **overrides):
        assert not overrides
        return params - lr * grads, state

    plain = Optimizer("PlainGD", {"lr": 0.01}, init, update)
    surface = surfaces.get("ravine")
    with pytest.raises(ValueError, match="cycle_momentum"):
        optimizers.simulate(surface, plain, [surface.start], 10,
                            schedule=schedules.get("CyclicLR", step_size_up=5))
    run = optimizers.simulate(surface, plain, [surface.start], 10,
                              schedule=schedules.get("CyclicLR", step_size_up=5, cycle_momentum=False))
    assert run.hyperparams == {}


def test_sequential_accepts_built_schedules():
    parts = [schedules.get("LinearLR", start_factor=0.1, total_iters=10), ("ExponentialLR", {"gamma": 0.9})]
    seq = schedules.get("SequentialLR", schedulers=parts, milestones=[10])
    assert seq.params["schedulers"][0] == ("LinearLR", {"start_factor": 0.1, "end_factor": 1.0,
                                                        "total_iters": 10})
    lrs = seq.lr_sequence(1.0, 13)[:, 0]
    np.testing.assert_allclose(lrs[10:], [1.0, 0.9, 0.81])


def test_registry_metadata_is_complete():
    for spec in schedules.names().values():
        assert spec.summary and spec.formula
        for p in spec.params:
            assert p.label and p.doc
            if p.kind in ("float", "int", "ints"):
                assert p.ui is not None and p.scale in {"log", "linear", "one_minus_log"}
                if p.default is not None:
                    lo, hi = p.ui
                    defaults = np.atleast_1d(p.default)
                    assert np.all(defaults >= lo) and np.all(defaults <= hi), (spec.name, p.name)
            elif p.kind == "choice":
                assert p.default in p.choices
            else:
                assert p.kind in {"bool", "formula", "schedules"}
        built = spec.build()   # the defaults build
        assert built.name == spec.name and built.needs_loss == spec.needs_loss
