"""Learning-rate schedules with torch.optim.lr_scheduler's names, minus the optimizer.

    >>> from optimizers import schedules
    >>> schedules.get("StepLR", step_size=10, gamma=0.1)([0, 10, 20], 0.1)
    array([0.1  , 0.01 , 0.001])

torch's parity set lives in lambdas.py (LambdaLR, MultiplicativeLR), step.py
(StepLR, MultiStepLR, ExponentialLR), linear.py (ConstantLR, LinearLR,
PolynomialLR), cosine.py (CosineAnnealingLR, CosineAnnealingWarmRestarts),
cyclic.py (CyclicLR, OneCycleLR), sequential.py (SequentialLR) and plateau.py
(ReduceLROnPlateau); the course's closed forms torch lacks in course.py.
"""
from .base import Schedule, ScheduleSpec
from .registry import get, names, spec

__all__ = ["Schedule", "ScheduleSpec", "get", "names", "spec"]
