"""Option sets that change each optimizer's math, used by the parity tests.

Keyed by registry name; `test_every_optimizer_has_cases` keeps this table in
step with the registry.
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

PARITY_SURFACES = ["ravine", "rosenbrock", "himmelblau"]
