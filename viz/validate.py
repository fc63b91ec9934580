"""Validation of callback inputs: Dash does not validate what a client sends.

Each helper returns a safe value and, when it had to change the input, a short
notice for the user. Nothing here raises on hostile input.
"""
from __future__ import annotations

import math
from typing import Any, Iterable


def number(value: Any, low: float, high: float, default: float, name: str,
           notices: list[str], integer: bool = False) -> float:
    """A finite number clamped to ``[low, high]``; ``default`` if not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                value = None
        else:
            value = None
    if value is None or not math.isfinite(value):
        if value is not None or name:
            notices.append(f"{name}: not a valid number, using {default:g}")
        return default
    clamped = min(max(float(value), low), high)
    if integer:
        clamped = float(round(clamped))
    if clamped != value:
        notices.append(f"{name}: {value:g} is outside [{low:g}, {high:g}], using {clamped:g}")
    return int(clamped) if integer else clamped


def choice(value: Any, allowed: Iterable[str], default: str, name: str, notices: list[str]) -> str:
    """``value`` if it is one of ``allowed`` (as a string), else ``default``."""
    allowed = list(allowed)
    if isinstance(value, str) and value in allowed:
        return value
    notices.append(f"{name}: unknown choice, using {default}")
    return default


def subset(values: Any, allowed: Iterable[str], name: str, notices: list[str],
           limit: int) -> list[str]:
    """The known strings of ``values`` (order kept, duplicates dropped), at most ``limit``."""
    allowed = set(allowed)
    if not isinstance(values, (list, tuple)):
        notices.append(f"{name}: expected a list")
        return []
    out: list[str] = []
    for v in values:
        if isinstance(v, str) and v in allowed and v not in out:
            out.append(v)
    if len(out) < len(values):
        notices.append(f"{name}: ignored unknown entries")
    if len(out) > limit:
        notices.append(f"{name}: at most {limit} at once")
        out = out[:limit]
    return out
