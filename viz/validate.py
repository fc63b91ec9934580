"""Validation of callback inputs: Dash does not validate what a client sends.

Each helper returns a safe value and, when it had to change the input, a short
notice for the user. Nothing here raises on hostile input.
"""
from __future__ import annotations

import math
from typing import Any, Iterable


MAX_NUMBER_TEXT = 64   # characters of a typed number worth parsing


def finite(value: Any) -> float | None:
    """``value`` as a finite float if it is a JSON number (or numeric text), else ``None``.

    Booleans are not numbers here, and an integer beyond float range (JSON allows
    any digits; ``math.isfinite`` raises ``OverflowError`` on it) is not finite.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if len(value) > MAX_NUMBER_TEXT:
            return None
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, int):
        try:
            value = float(value)
        except OverflowError:
            return None
    if not isinstance(value, float) or not math.isfinite(value):
        return None
    return value


def number(value: Any, low: float, high: float, default: float, name: str,
           notices: list[str], integer: bool = False) -> float:
    """A finite number clamped to ``[low, high]`` (rounded if ``integer``); ``default`` if not a number."""
    x = finite(value)
    if x is None:
        if value is not None or name:
            notices.append(f"{name}: not a valid number, using {default:g}")
        return default
    clamped = min(max(x, low), high)
    if clamped != x:
        notices.append(f"{name}: {x:g} is outside [{low:g}, {high:g}], using {clamped:g}")
    if integer:
        rounded = float(round(clamped))
        if rounded != clamped:
            notices.append(f"{name}: {clamped:g} is not a whole number, using {rounded:g}")
        return int(rounded)
    return clamped


def choice(value: Any, allowed: Iterable[str], default: str, name: str, notices: list[str]) -> str:
    """``value`` if it is one of ``allowed`` (as a string), else ``default``."""
    allowed = list(allowed)
    if isinstance(value, str) and value in allowed:
        return value
    notices.append(f"{name}: unknown choice, using {default}")
    return default


def known(value: Any, allowed) -> bool:
    """Whether ``value`` is a string among ``allowed`` (a hostile list or dict is simply not)."""
    return isinstance(value, str) and value in allowed


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


def window_step(lo: float, hi: float) -> float:
    """The resolution of a plot window [lo, hi]: a power of ten, 200 to 2,000 of them across it
    (0.1 on a window 20 wide, 0.01 on one 4 wide)."""
    extent = hi - lo
    if not (math.isfinite(extent) and extent > 0):
        return 1e-4
    return 10.0 ** math.floor(math.log10(extent / 200))


def round_to_window(value: float, lo: float, hi: float) -> float:
    """``value`` (a point of the window [lo, hi]) rounded to the window's resolution: −7.9664 → −8.0."""
    step = window_step(lo, hi)
    digits = max(0, -int(round(math.log10(step))))
    return round(round(value / step) * step, digits) + 0.0    # + 0.0: no −0.0 in a box
