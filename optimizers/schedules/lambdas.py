"""LambdaLR and MultiplicativeLR with ``lr_lambda`` given as a formula in t.

torch takes a Python function of the epoch; here ``lr_lambda`` is text such as
``"0.95**t"`` or ``"1 / (1 + 0.01*t)"``, parsed by the safe `ast`-whitelist
parser of custom surfaces (`surfaces.formula`), never ``eval``-ed.
"""
from __future__ import annotations

import numpy as np

from surfaces.formula import FormulaError, parse_formula

from ..base import Hyperparam
from .base import Schedule, ScheduleSpec
from .step import multiplier_product


def _parse(text):
    """``lr_lambda`` as a vectorized function of t, or ``FormulaError`` (a ``ValueError``)."""
    try:
        expr = parse_formula(text, variables=("t",))
    except FormulaError as err:
        raise FormulaError(f"Invalid lr_lambda: {err.reason}", err.column) from None

    def fn(t):
        t = np.asarray(t, dtype=np.float64)
        return expr(t=t)

    return fn


def LambdaLR(lr_lambda: str = "0.99**t") -> Schedule:
    """η_t = η₀ · λ(t), for a formula λ in t (e.g. the course's schedules by hand)."""
    lam = _parse(lr_lambda)

    def closed_form(t, base):
        return base * lam(t)

    def sequence(base, steps):
        return base * lam(np.arange(steps))[:, None]

    return Schedule("LambdaLR", dict(lr_lambda=lr_lambda), sequence, closed_form=closed_form)


def MultiplicativeLR(lr_lambda: str = "0.99") -> Schedule:
    """η_t = η_(t−1) · λ(t) for t ≥ 1 (so η_t = η₀ · λ(1) ⋯ λ(t))."""
    lam = _parse(lr_lambda)

    def sequence(base, steps):
        return multiplier_product(base, lam(np.arange(steps))[:, None])

    def resume(base, lr_before, steps):
        # At a SequentialLR milestone torch multiplies the lr reached so far by λ(0).
        if steps == 0:
            return np.empty((0, base.shape[1]))
        factors = lam(np.arange(steps))[:, None]
        return multiplier_product(lr_before * factors[0], factors)

    return Schedule("MultiplicativeLR", dict(lr_lambda=lr_lambda), sequence, resume=resume)


SPECS = (
    ScheduleSpec(
        name="LambdaLR",
        summary="The base lr times a formula λ(t) of the step t.",
        factory=LambdaLR,
        params=(
            Hyperparam("lr_lambda", "0.99**t", kind="formula", label="λ(t)",
                       doc="factor at step t, e.g. 0.95**t or 1/(1 + 0.01*t)"),
        ),
        torch_class="LambdaLR",
        formula=r"\eta_t = \eta_0\,\lambda(t)",
    ),
    ScheduleSpec(
        name="MultiplicativeLR",
        summary="Multiply the lr by a formula λ(t) at every step.",
        factory=MultiplicativeLR,
        params=(
            Hyperparam("lr_lambda", "0.99", kind="formula", label="λ(t)",
                       doc="factor applied when entering step t, e.g. 0.99 or 1 - 0.5/(t + 10)"),
        ),
        torch_class="MultiplicativeLR",
        formula=r"\eta_t = \eta_{t-1}\,\lambda(t)",
    ),
)
