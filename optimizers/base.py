"""Shared records of the optimizer package: hyperparameter metadata and the `Optimizer` pair.

An optimizer is a pair of pure functions over arrays shaped ``(K, 2)`` (K runs of
a 2-D parameter), in the style of optax:

    state = opt.init(params)
    params, state = opt.update(grads, state, params, lr)

``update`` returns the *new parameters* rather than an increment so that each
rule can apply its terms in exactly torch's order (e.g. AdamW scales the
parameter before adding the step); this keeps float64 parity with torch.optim at
round-off level. Hyperparameters are scalars or length-K arrays (one per run);
``lr`` is passed to every ``update`` because schedules change it per step.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, NamedTuple

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Hyperparam:
    """Metadata of one keyword argument: validation range, default and UI hints.

    Attributes:
      name: torch's keyword name (``lr``, ``momentum``, ``betas`` ...).
      default: torch's default value.
      kind: ``"float"``, ``"bool"``, ``"int"``, ``"pair"`` (a tuple such as ``betas``) or
        ``"choice"`` (one of ``choices``).
      low, high: valid range; ``None`` means unbounded.
      low_open, high_open: whether the range excludes the end point.
      scale: slider scale, ``"log"``, ``"linear"`` or ``"one_minus_log"`` (finer near 1).
      ui: slider range ``(low, high)`` in value units.
      label: short label for the UI (defaults to ``name``).
      doc: one-line description.
      items: component metadata of a ``"pair"`` (e.g. beta1, beta2 of ``betas``).
      choices: the allowed values of a ``"choice"`` (e.g. ``("min", "max")``).
      optional: ``None`` is accepted and means torch's automatic value (Adafactor's
        ``eps[0]``: ``None`` is the machine epsilon of float64).
    """

    name: str
    default: Any
    kind: str = "float"
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    scale: str = "linear"
    ui: tuple[float, float] | None = None
    label: str = ""
    doc: str = ""
    items: tuple["Hyperparam", ...] = ()
    choices: tuple = ()
    optional: bool = False

    def check(self, value: Any, where: str = "") -> None:
        """Raise ``ValueError`` naming this argument if ``value`` is out of range."""
        name = where or self.name
        if value is None and self.optional:
            return
        if self.choices:
            if not isinstance(value, str) or value not in self.choices:
                allowed = ", ".join(repr(c) for c in self.choices)
                raise ValueError(f"Invalid {name}: {value!r} (must be one of {allowed})")
            return
        if self.kind == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise ValueError(f"Invalid {name}: {value!r} (must be True or False)")
            return
        if self.kind == "pair":
            try:
                pair = tuple(value)
            except TypeError:
                raise ValueError(f"Invalid {name}: {value!r} (must be a pair)") from None
            if len(pair) != len(self.items):
                raise ValueError(f"Invalid {name}: {value!r} (must have {len(self.items)} entries)")
            for i, (item, v) in enumerate(zip(self.items, pair)):
                item.check(v, where=f"{name} parameter at index {i}")
            return
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"Invalid {name}: {value!r} (must be a number)") from None
        if arr.ndim > 1 or arr.size == 0:
            raise ValueError(f"Invalid {name}: must be a scalar or a 1-D array of per-run values")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"Invalid {name}: {value!r} (must be finite)")
        if self.kind == "int" and not np.all(arr == np.round(arr)):
            raise ValueError(f"Invalid {name}: {value!r} (must be an integer)")
        if self.low is not None:
            bad = arr <= self.low if self.low_open else arr < self.low
            if np.any(bad):
                op = ">" if self.low_open else ">="
                raise ValueError(f"Invalid {name}: {_show(arr[bad])} (must be {op} {self.low})")
        if self.high is not None:
            bad = arr >= self.high if self.high_open else arr > self.high
            if np.any(bad):
                op = "<" if self.high_open else "<="
                raise ValueError(f"Invalid {name}: {_show(arr[bad])} (must be {op} {self.high})")


def _show(bad: Array) -> str:
    return repr(float(bad.flat[0]))


class Optimizer(NamedTuple):
    """A built optimizer: its name, resolved hyperparameters and pure functions.

    Attributes:
      name: registry name (torch's class name where one exists).
      hyperparams: the validated keyword values, torch's names (``lr`` included).
      init: ``params (K, 2) -> state``.
      update: ``(grads, state, params, lr, **overrides) -> (new_params, state)``;
        ``overrides`` replace hyperparameters for this step (schedules that cycle
        ``momentum`` or ``beta1`` use it).
      needs_hessian: ``update`` takes ``hessian=`` (the surface's (K, 2, 2) Hessian).
      fast: optional scalar form of ``update`` for a few runs (`optimizers.scalar`):
        ``fast(n) -> step(g, p, lr)`` over lists of ``n`` floats, equal to ``update``
        bit for bit; `simulate` uses it when it can, and ``None`` means it has none.
      inplace: optional in-place array form of ``update`` for many runs:
        ``inplace(params) -> step(g, p, out, lr)`` writes the new parameters into ``out``.
    """

    name: str
    hyperparams: Mapping[str, Any]
    init: Callable[[Array], Any]
    update: Callable[..., tuple[Array, Any]]
    needs_hessian: bool = False
    fast: Callable[[int], Callable] | None = None
    inplace: Callable[[Array], Callable] | None = None

    @property
    def lr(self):
        return self.hyperparams["lr"]


@dataclass(frozen=True)
class OptimizerSpec:
    """Registry entry: how to build an optimizer and what its knobs are.

    Attributes:
      name: registry name (torch's class name where one exists).
      summary: one-line description for lists and tooltips.
      factory: ``(**hyperparams) -> Optimizer``; receives every keyword, validated.
      hyperparams: metadata of each keyword, in torch's order.
      family: ``"sgd"``, ``"adaptive"`` or ``"second_order"``, used to pick lr ranges.
      torch_class: the ``torch.optim`` class it equals, or ``None`` if torch has none.
      reference: paper or notes it follows.
    """

    name: str
    summary: str
    factory: Callable[..., Optimizer]
    hyperparams: tuple[Hyperparam, ...]
    family: str = "sgd"
    torch_class: str | None = None
    reference: str = ""

    def defaults(self) -> dict[str, Any]:
        return {h.name: h.default for h in self.hyperparams}

    def build(self, **kwargs) -> Optimizer:
        known = {h.name: h for h in self.hyperparams}
        for key in kwargs:
            if key not in known:
                raise ValueError(f"{self.name} got an unexpected keyword argument {key!r}")
        values = self.defaults() | kwargs
        for key, value in values.items():
            known[key].check(value)
        return self.factory(**values)


def per_run(value: Any) -> Any:
    """A hyperparameter ready to broadcast against ``(K, 2)``.

    Scalars become Python floats (so that arithmetic on them rounds exactly like
    torch's Python-float hyperparameters); per-run arrays become ``(K, 1)``.
    """
    if np.ndim(value) == 0:
        return float(value)
    return np.asarray(value, dtype=np.float64).reshape(-1, 1)


def lerp(start: Array, end: Array, weight: Any) -> Array:
    """torch.lerp, bit for bit: two formulas depending on ``weight < 0.5``."""
    if np.ndim(weight) == 0:
        if weight < 0.5:
            return start + weight * (end - start)
        return end - (end - start) * (1.0 - weight)
    diff = end - start
    return np.where(weight < 0.5, start + weight * diff, end - diff * (1.0 - weight))


def nonzero(value: Any) -> bool:
    """True if a scalar, or any entry of a per-run array, is non-zero.

    The per-step test of optional terms (weight decay, momentum); a Python float
    short-cut, since ``np.any`` costs microseconds and runs at every step.
    """
    if type(value) is float:
        return value != 0.0
    return bool(np.any(value))


def is_zero(value: Any) -> bool:
    """True if a scalar or every entry of a per-run array is zero."""
    return not np.any(value)


LR = Hyperparam("lr", 1e-3, low=0.0, scale="log", ui=(1e-5, 10.0), label="learning rate",
                doc="step size η")
WEIGHT_DECAY = Hyperparam("weight_decay", 0.0, low=0.0, scale="linear", ui=(0.0, 0.1),
                          label="weight decay", doc="L2 penalty λ added to the gradient")
MAXIMIZE = Hyperparam("maximize", False, kind="bool", label="maximize",
                      doc="ascend instead of descend")
EPS = Hyperparam("eps", 1e-8, low=0.0, scale="log", ui=(1e-10, 1e-1), label="ε",
                 doc="denominator guard")

