"""Learning-rate schedules with torch.optim.lr_scheduler's names, minus the optimizer."""
from .base import Schedule, ScheduleSpec
from .registry import get, names, spec

__all__ = ["Schedule", "ScheduleSpec", "get", "names", "spec"]
