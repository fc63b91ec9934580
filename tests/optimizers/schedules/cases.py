"""Parameter sets per registered schedule, for the parity tests.

Keyed by registry name; `test_every_schedule_has_cases` keeps this table in step
with the registry. Our ``lr_lambda`` is a formula string; torch gets the Python
function in `TORCH_LAMBDAS` (written by hand, never eval-ed from the string).
"""
import math

SCHEDULE_CASES = {
    "LambdaLR": [
        {"lr_lambda": "0.95**t"},
        {"lr_lambda": "1 / (1 + 0.05*t)"},
        {"lr_lambda": "1/sqrt(t + 1)"},
        {"lr_lambda": "max(0.1, 1 - t/500)"},
        {"lr_lambda": "exp(-0.01*t)"},
    ],
    "MultiplicativeLR": [
        {"lr_lambda": "0.99"},
        {"lr_lambda": "1 - 0.5/(t + 10)"},
        {"lr_lambda": "0.999 + 0.001*cos(t/10)"},
    ],
    "StepLR": [
        {"step_size": 10, "gamma": 0.1},
        {"step_size": 1, "gamma": 0.99},
        {"step_size": 250, "gamma": 0.5},
    ],
    "MultiStepLR": [
        {"milestones": [15, 30, 45]},
        {"milestones": [100, 400], "gamma": 0.5},
        {"milestones": [1, 2, 3, 999], "gamma": 0.9},
    ],
    "ConstantLR": [
        {},
        {"factor": 0.5, "total_iters": 40},
        {"factor": 1.0, "total_iters": 1},
        {"factor": 0.1, "total_iters": 999},
    ],
    "LinearLR": [
        {},
        {"start_factor": 0.01, "total_iters": 100},
        {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 500},
        {"start_factor": 0.5, "end_factor": 0.0, "total_iters": 700},
    ],
    "ExponentialLR": [
        {"gamma": 0.95},
        {"gamma": 0.999},
        {"gamma": 0.5},
    ],
    "PolynomialLR": [
        {},
        {"total_iters": 500, "power": 2.0},
        {"total_iters": 1000, "power": 0.5},
        {"total_iters": 30, "power": 1.0},
    ],
    "CosineAnnealingLR": [
        {"T_max": 50, "eta_min": 0.001},
        {"T_max": 200},
        {"T_max": 1, "eta_min": 1e-4},
        {"T_max": 333, "eta_min": 0.05},
    ],
    "CosineAnnealingWarmRestarts": [
        {"T_0": 10},
        {"T_0": 50, "T_mult": 2, "eta_min": 1e-4},
        {"T_0": 1},
        {"T_0": 7, "T_mult": 3, "eta_min": 0.01},
    ],
    "CyclicLR": [
        {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 20},
        {"base_lr": 0.01, "max_lr": 0.05, "step_size_up": 50, "step_size_down": 150, "mode": "triangular2"},
        {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 30, "mode": "exp_range", "gamma": 0.995},
        {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 25, "cycle_momentum": False},
        {"base_lr": 0.002, "max_lr": 0.02, "step_size_up": 7, "step_size_down": 3,
         "base_momentum": 0.5, "max_momentum": 0.95},
    ],
    "OneCycleLR": [
        {"max_lr": 0.1, "total_steps": 1000},
        {"max_lr": 0.05, "epochs": 10, "steps_per_epoch": 100, "anneal_strategy": "linear"},
        {"max_lr": 1.0, "total_steps": 1200, "three_phase": True, "div_factor": 10.0,
         "final_div_factor": 100.0},
        {"max_lr": 0.2, "total_steps": 1000, "pct_start": 0.1, "cycle_momentum": False},
        {"max_lr": 0.1, "total_steps": 1000, "pct_start": 0.45, "three_phase": True,
         "anneal_strategy": "linear", "base_momentum": 0.5, "max_momentum": 0.99},
    ],
    "SequentialLR": [
        {"schedulers": [("LinearLR", {"start_factor": 0.01, "total_iters": 50}),
                        ("CosineAnnealingLR", {"T_max": 450})], "milestones": [50]},
        {"schedulers": [("ConstantLR", {"factor": 0.1, "total_iters": 10}),
                        ("ExponentialLR", {"gamma": 0.99})], "milestones": [10]},
        {"schedulers": [("LinearLR", {"start_factor": 0.1, "total_iters": 100}),
                        ("StepLR", {"step_size": 100, "gamma": 0.5}),
                        ("CosineAnnealingLR", {"T_max": 200, "eta_min": 1e-3})], "milestones": [100, 600]},
        {"schedulers": [("ExponentialLR", {"gamma": 0.99}),
                        ("MultiplicativeLR", {"lr_lambda": "0.995"})], "milestones": [200]},
        {"schedulers": [("PolynomialLR", {"total_iters": 100, "power": 2.0}),
                        ("LambdaLR", {"lr_lambda": "0.95**t"}),
                        ("CosineAnnealingWarmRestarts", {"T_0": 30, "eta_min": 1e-3})], "milestones": [80, 150]},
        {"schedulers": [("LinearLR", {"start_factor": 0.2, "total_iters": 20}),
                        ("ExponentialLR", {"gamma": 0.9})], "milestones": [2000]},
    ],
}

# ReduceLROnPlateau has no lr sequence of its own: it is fed losses (PLATEAU_CASES
# are checked against torch with synthetic losses and inside simulate()).
PLATEAU_CASES = [
    {"factor": 0.5, "patience": 3},
    {"patience": 0, "threshold": 0.05},
    {"mode": "max", "factor": 0.3, "patience": 2, "threshold": 0.01},
    {"threshold_mode": "abs", "threshold": 0.01, "patience": 1, "cooldown": 5, "min_lr": 1e-3},
    {"mode": "max", "threshold_mode": "abs", "threshold": 0.001, "patience": 4, "factor": 0.9, "eps": 1e-3},
]

# The Python functions torch gets for our lr_lambda strings.
TORCH_LAMBDAS = {
    "0.95**t": lambda t: 0.95**t,
    "1 / (1 + 0.05*t)": lambda t: 1 / (1 + 0.05 * t),
    "1/sqrt(t + 1)": lambda t: 1 / math.sqrt(t + 1),
    "max(0.1, 1 - t/500)": lambda t: max(0.1, 1 - t / 500),
    "exp(-0.01*t)": lambda t: math.exp(-0.01 * t),
    "0.99": lambda t: 0.99,
    "1 - 0.5/(t + 10)": lambda t: 1 - 0.5 / (t + 10),
    "0.999 + 0.001*cos(t/10)": lambda t: 0.999 + 0.001 * math.cos(t / 10),
    "0.995": lambda t: 0.995,
}


def torch_kwargs(name: str, kwargs: dict) -> dict:
    """Our keyword values as torch takes them (lr_lambda strings → Python functions)."""
    out = dict(kwargs)
    if "lr_lambda" in out:
        out["lr_lambda"] = TORCH_LAMBDAS[out["lr_lambda"]]
    if name == "SequentialLR":
        out["schedulers"] = [(sub, torch_kwargs(sub, kw)) for sub, kw in out["schedulers"]]
    return out
