"""Parameter sets per registered schedule, for the parity tests."""

SCHEDULE_CASES = {
    "StepLR": [
        {"step_size": 10, "gamma": 0.1},
        {"step_size": 1, "gamma": 0.99},
        {"step_size": 250, "gamma": 0.5},
    ],
    "CosineAnnealingLR": [
        {"T_max": 50, "eta_min": 0.001},
        {"T_max": 200},
        {"T_max": 1, "eta_min": 1e-4},
        {"T_max": 333, "eta_min": 0.05},
    ],
}
