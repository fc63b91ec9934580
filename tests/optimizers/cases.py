"""Option sets that change each optimizer's math, used by the parity tests.

Keyed by registry name; `test_every_optimizer_has_cases` keeps this table in
step with the registry (every entry with a torch class). Each option that
changes the trajectory appears in at least one case; options are combined
where torch's code paths nest (RMSprop's centered + momentum).
"""

OPTION_CASES = {
    "SGD": [
        {},
        {"momentum": 0.9},
        {"momentum": 0.9, "dampening": 0.5},
        {"momentum": 0.9, "nesterov": True},
        {"momentum": 0.5, "weight_decay": 0.1},
        {"weight_decay": 0.05},
        {"momentum": 0.9, "maximize": True},
    ],
    "Adam": [
        {},
        {"betas": (0.8, 0.99)},
        {"amsgrad": True},
        {"weight_decay": 0.1},
        {"weight_decay": 0.1, "decoupled_weight_decay": True},
        {"eps": 1e-3},
        {"maximize": True},
    ],
    "AdamW": [
        {},
        {"weight_decay": 0.1, "betas": (0.8, 0.99)},
        {"amsgrad": True, "eps": 1e-3},
        {"maximize": True},
    ],
    "RMSprop": [
        {},
        {"alpha": 0.9, "eps": 1e-3},
        {"momentum": 0.9},
        {"centered": True},
        {"centered": True, "momentum": 0.5},
        {"weight_decay": 0.1},
        {"maximize": True},
    ],
    "Adagrad": [
        {},
        {"lr_decay": 0.01},
        {"initial_accumulator_value": 0.5, "eps": 1e-3},
        {"weight_decay": 0.1},
        {"maximize": True},
    ],
    "Adadelta": [
        {},
        {"rho": 0.5, "eps": 1e-3},
        {"weight_decay": 0.1},
        {"maximize": True},
    ],
    "NAdam": [
        {},
        {"betas": (0.8, 0.99), "momentum_decay": 0.01},
        {"weight_decay": 0.1},
        {"weight_decay": 0.1, "decoupled_weight_decay": True},
        {"eps": 1e-3},
        {"maximize": True},
    ],
    "RAdam": [
        {},
        {"betas": (0.8, 0.99)},
        {"weight_decay": 0.1},
        {"weight_decay": 0.1, "decoupled_weight_decay": True},
        {"eps": 1e-3},
        {"maximize": True},
    ],
    "Adamax": [
        {},
        {"betas": (0.8, 0.99)},
        {"eps": 1e-3},
        {"weight_decay": 0.1},
        {"maximize": True},
    ],
    "Rprop": [
        {},
        {"etas": (0.3, 1.5)},
        {"step_sizes": (1e-3, 0.1)},
        {"maximize": True},
    ],
    "ASGD": [
        {},
        {"lambd": 0.05, "alpha": 0.5},
        {"lambd": 0.01, "t0": 10.0},   # t0 moves only the average w̄; checked in test_state.py
        {"weight_decay": 0.1},
        {"maximize": True},
    ],
    "Adafactor": [
        {},
        {"beta2_decay": -0.5},
        {"eps": (1e-2, 0.5)},
        {"d": 1.5},
        {"weight_decay": 0.1},
        {"maximize": True},
    ],
}

# A stable lr per optimizer family and surface for 300 steps.
PARITY_LR = {
    ("sgd", "ravine"): 0.02,
    ("sgd", "rosenbrock"): 1e-3,
    ("adaptive", "ravine"): 0.05,
    ("adaptive", "rosenbrock"): 0.01,
    ("sgd", "himmelblau"): 0.005,
    ("adaptive", "himmelblau"): 0.05,
}

# Where the family's lr does not suit an optimizer. Adadelta's lr multiplies a
# step of order √ε (it is 1 in the paper). Adafactor's nearly sign-like steps of
# size lr·RMS(w) bounce chaotically across Rosenbrock's valley at lr = 0.01: there
# the one-ulp differences between torch and NumPy (torch's CPU kernels fuse
# multiply-adds, NumPy cannot; autograd and the analytic gradient round
# differently) grow to 1e-5 within 300 steps, so no NumPy code could match it.
PARITY_LR_OVERRIDE = {
    ("Adadelta", "ravine"): 1.0,
    ("Adadelta", "rosenbrock"): 0.2,
    ("Adadelta", "himmelblau"): 1.0,
    ("Adafactor", "rosenbrock"): 1e-3,
}


def parity_lr(spec, surface: str) -> float:
    """The lr of the parity runs of registry entry ``spec`` on ``surface``."""
    return PARITY_LR_OVERRIDE.get((spec.name, surface), PARITY_LR[(spec.family, surface)])

PARITY_SURFACES = ["ravine", "rosenbrock", "himmelblau"]


# Positions along each slider (in its own scale) for per-run hyperparameter
# arrays: the low end of the UI range (0 momentum, a flat gain step...) and three
# values inside it, so that per-run special cases (runs with momentum 0, RAdam's
# rectification starting at different steps) meet in one call.
PER_RUN_FRACTIONS = (0.0, 0.35, 0.65, 0.9)


def per_run_values(h):
    """Per-run values of hyperparameter ``h`` from its metadata: an array of
    ``len(PER_RUN_FRACTIONS)``, or a tuple of arrays for a pair."""
    import numpy as np

    if h.kind == "pair":
        return tuple(per_run_values(item) for item in h.items)
    lo, hi = h.ui
    f = np.array(PER_RUN_FRACTIONS)
    if h.scale == "log":
        return lo * (hi / lo) ** f
    if h.scale == "one_minus_log":
        return 1.0 - (1.0 - lo) * ((1.0 - hi) / (1.0 - lo)) ** f
    return lo + (hi - lo) * f


def per_run_hyperparams(spec):
    """Every float hyperparameter of ``spec`` as per-run arrays (``lr`` excluded)."""
    return {h.name: per_run_values(h) for h in spec.hyperparams[1:]
            if h.kind == "float" or (h.kind == "pair" and all(i.kind == "float" for i in h.items))}
