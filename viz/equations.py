r"""Each registered optimizer's update rule in the course's notation, with the current values substituted.

`EQUATIONS` is metadata keyed by registry name: a list of LaTeX lines, each shown
always or only when a condition on the run's flat hyperparameters holds
(``"weight_decay"``: non-zero / true; ``"!nesterov"``: zero / false). ``{name}``
stands for the value of a flat hyperparameter (``lr``, ``beta1`` ...), typeset as a
number. `markdown` renders the runs of a configuration for ``dcc.Markdown(mathjax=True)``.
g is the gradient at the current point, t the step (from 1).
"""
from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from optimizers import schedules

from .config import Config, RunConfig
from .cycling import cycled
from .urlstate import _flat_values

Line = tuple[str, str | None]      # (LaTeX, condition)

# Adam's moments, bias corrections and step: shared by Adam and AdamW (which differ in weight decay).
ADAM_MOMENTS: list[Line] = [
    (r"m \leftarrow {beta1}\,m + (1 - {beta1})\,g", None),
    (r"v \leftarrow {beta2}\,v + (1 - {beta2})\,g^2", None),
    (r"\hat m = \frac{m}{1 - {beta1}^t},\quad \hat v = \frac{v}{1 - {beta2}^t}", "!amsgrad"),
    (r"\hat m = \frac{m}{1 - {beta1}^t},\quad \hat v = \frac{\max_{\tau \le t} v_\tau}{1 - {beta2}^t}",
     "amsgrad"),
    (r"w \leftarrow w - {lr}\,\frac{\hat m}{\sqrt{\hat v} + {eps}}", None),
]

EQUATIONS: dict[str, list[Line]] = {
    "SGD": [
        (r"g \leftarrow \nabla L(w) + {weight_decay}\,w", "weight_decay"),
        (r"v \leftarrow {momentum}\,v + (1 - {dampening})\,g \quad (v_1 = g)", "momentum&dampening"),
        (r"v \leftarrow {momentum}\,v + g \quad (v_1 = g)", "momentum&!dampening"),
        (r"w \leftarrow w - {lr}\,\big(g + {momentum}\,v\big)", "nesterov"),
        (r"w \leftarrow w - {lr}\,v", "momentum&!nesterov"),
        (r"w \leftarrow w - {lr}\,g", "!momentum"),
    ],
    "ASGD": [
        (r"g \leftarrow \nabla L(w) + {weight_decay}\,w", "weight_decay"),
        (r"w \leftarrow w\,(1 - {lambd}\,\eta_t) - \eta_t\,g", None),
        (r"\eta_{t+1} = {lr} \,/\, (1 + {lambd}\cdot {lr}\cdot t)^{{alpha}}", None),
        (r"\bar w \leftarrow \bar w + \mu_t (w - \bar w),\quad \mu_t = 1/\max(1, t - {t0})", None),
    ],
    "Rprop": [
        (r"\Delta \leftarrow \operatorname{clip}\big(\Delta\cdot{etaplus}\ \text{if } g\,g_{\text{prev}} > 0,"
         r"\ \Delta\cdot{etaminus}\ \text{if } < 0;\ {step_size_min}, {step_size_max}\big),\quad \Delta_0 = {lr}",
         None),
        (r"w \leftarrow w - \operatorname{sign}(g)\,\Delta", None),
    ],
    "Adagrad": [
        (r"g \leftarrow \nabla L(w) + {weight_decay}\,w", "weight_decay"),
        (r"\eta_t = {lr} \,/\, (1 + (t-1)\cdot{lr_decay})", "lr_decay"),
        (r"s \leftarrow s + g^2 \quad (s_0 = {initial_accumulator_value})", None),
        (r"w \leftarrow w - \eta_t\,\frac{g}{\sqrt{s} + {eps}}", "lr_decay"),
        (r"w \leftarrow w - {lr}\,\frac{g}{\sqrt{s} + {eps}}", "!lr_decay"),
    ],
    "RMSprop": [
        (r"g \leftarrow \nabla L(w) + {weight_decay}\,w", "weight_decay"),
        (r"s \leftarrow {alpha}\,s + (1 - {alpha})\,g^2", None),
        (r"\bar g \leftarrow {alpha}\,\bar g + (1 - {alpha})\,g,\quad \tilde s = s - \bar g^2", "centered"),
        (r"\tilde s = s", "!centered"),
        (r"b \leftarrow {momentum}\,b + \frac{g}{\sqrt{\tilde s} + {eps}},\quad w \leftarrow w - {lr}\,b", "momentum"),
        (r"w \leftarrow w - {lr}\,\frac{g}{\sqrt{\tilde s} + {eps}}", "!momentum"),
    ],
    "Adadelta": [
        (r"g \leftarrow \nabla L(w) + {weight_decay}\,w", "weight_decay"),
        (r"s \leftarrow {rho}\,s + (1 - {rho})\,g^2", None),
        (r"g' = \frac{\sqrt{\Delta x + {eps}}}{\sqrt{s + {eps}}}\,g", None),
        (r"\Delta x \leftarrow {rho}\,\Delta x + (1 - {rho})\,g'^2", None),
        (r"w \leftarrow w - {lr}\,g'", None),
    ],
    "Adam": [
        (r"g \leftarrow \nabla L(w) + {weight_decay}\,w", "weight_decay&!decoupled_weight_decay"),
        (r"w \leftarrow w\,(1 - {lr}\cdot{weight_decay})", "weight_decay&decoupled_weight_decay"),
        *ADAM_MOMENTS,
    ],
    "AdamW": [
        (r"w \leftarrow w\,(1 - {lr}\cdot{weight_decay})", None),
        *ADAM_MOMENTS,
    ],
    "Adamax": [
        (r"g \leftarrow \nabla L(w) + {weight_decay}\,w", "weight_decay"),
        (r"m \leftarrow {beta1}\,m + (1 - {beta1})\,g", None),
        (r"u \leftarrow \max({beta2}\,u,\ |g| + {eps})", None),
        (r"w \leftarrow w - \frac{{lr}}{1 - {beta1}^t}\,\frac{m}{u}", None),
    ],
    "NAdam": [
        (r"g \leftarrow \nabla L(w) + {weight_decay}\,w", "weight_decay&!decoupled_weight_decay"),
        (r"w \leftarrow w\,(1 - {lr}\cdot{weight_decay})", "weight_decay&decoupled_weight_decay"),
        (r"\mu_t = {beta1}\,\big(1 - \tfrac12\,0.96^{t\cdot{momentum_decay}}\big)", None),
        (r"m \leftarrow {beta1}\,m + (1 - {beta1})\,g,\quad v \leftarrow {beta2}\,v + (1 - {beta2})\,g^2", None),
        (r"\delta = \sqrt{v/(1 - {beta2}^t)} + {eps}", None),
        (r"w \leftarrow w - {lr}\,\frac{1 - \mu_t}{1 - \prod_{i \le t}\mu_i}\,\frac{g}{\delta}"
         r" - {lr}\,\frac{\mu_{t+1}}{1 - \prod_{i \le t+1}\mu_i}\,\frac{m}{\delta}", None),
    ],
    "RAdam": [
        (r"g \leftarrow \nabla L(w) + {weight_decay}\,w", "weight_decay&!decoupled_weight_decay"),
        (r"w \leftarrow w\,(1 - {lr}\cdot{weight_decay})", "weight_decay&decoupled_weight_decay"),
        (r"m \leftarrow {beta1}\,m + (1 - {beta1})\,g,\quad v \leftarrow {beta2}\,v + (1 - {beta2})\,g^2,"
         r"\quad \hat m = m/(1 - {beta1}^t)", None),
        (r"\rho_\infty = \frac{2}{1 - {beta2}} - 1,\quad \rho_t = \rho_\infty - \frac{2t\,{beta2}^t}{1 - {beta2}^t}",
         None),
        (r"w \leftarrow w - {lr}\,\hat m\,r_t\,\frac{\sqrt{1 - {beta2}^t}}{\sqrt v + {eps}}\ \text{ if } \rho_t > 5,"
         r"\quad w \leftarrow w - {lr}\,\hat m\ \text{ otherwise}", None),
    ],
    "Adafactor": [
        (r"\hat\beta_2 = 1 - t^{{beta2_decay}},\quad \alpha_t = \max({eps2}, \mathrm{RMS}(w))\,\min({lr}, 1/\sqrt t)",
         None),
        (r"w \leftarrow w\,(1 - {lr}\cdot{weight_decay})", "weight_decay"),
        (r"\hat V \leftarrow \hat\beta_2 \hat V + (1 - \hat\beta_2)\,g^2,\quad U = g / \max(\sqrt{\hat V}, {eps1})",
         None),
        (r"w \leftarrow w - \alpha_t\,\frac{U}{\max(1, \mathrm{RMS}(U)/{d})}", None),
    ],
    "Momentum": [
        (r"\Delta w \leftarrow {momentum}\,\Delta w + {lr}\,g", None),
        (r"w \leftarrow w - \Delta w", None),
    ],
    "LocalGains": [
        (r"\text{gain} \leftarrow \text{gain} + {beta}\ \text{ if } g\,g_{\text{prev}} > 0,\quad "
         r"\text{gain} \leftarrow \text{gain}\cdot(1 - {beta})\ \text{ if } g\,g_{\text{prev}} < 0", None),
        (r"\text{gain} \leftarrow \operatorname{clip}(\text{gain}, {gain_min}, {gain_max})", None),
        (r"w \leftarrow w - {lr}\cdot\text{gain}\cdot g", None),
    ],
    "Lion": [
        (r"c = {beta1}\,m + (1 - {beta1})\,g", None),
        (r"w \leftarrow w - {lr}\,\big(\operatorname{sign}(c) + {weight_decay}\,w\big)", None),
        (r"m \leftarrow {beta2}\,m + (1 - {beta2})\,g", None),
    ],
    "SWATS": [
        (r"\text{Adam phase: } m \leftarrow {beta1}\,m + (1 - {beta1})\,g,\ a \leftarrow {beta2}\,a + (1 - {beta2})\,g^2,"
         r"\ w \leftarrow w + p", None),
        (r"p = -{lr}\,\frac{\sqrt{1 - {beta2}^k}}{1 - {beta1}^k}\,\frac{m}{\sqrt a + {eps}},\quad "
         r"\gamma = \frac{p^\top p}{-p^\top g}", None),
        (r"\text{switch once } |\Lambda - \gamma| < {switch_tol},\ \Lambda = \text{EMA}_{\beta_2}(\gamma)", None),
        (r"\text{SGD phase: } v \leftarrow {beta1}\,v + g,\quad w \leftarrow w - (1 - {beta1})\,\Lambda\,v", None),
    ],
    "Newton": [
        (r"H = \nabla^2 L(w) = Q\,\mathrm{diag}(\mu_1, \mu_2)\,Q^\top", None),
        (r"\mu_i \leftarrow |\mu_i|", "saddle_free"),
        (r"\mu_i \leftarrow \mu_i + {damping}", "damping"),
        (r"w \leftarrow w - {lr}\,Q\,\mathrm{diag}(1/\mu_i)\,Q^\top\,g", None),
    ],
}


def number(value: Any) -> str:
    """A value typeset for LaTeX: 0.1, 0.999, 10^{-8}, 1.5 \\times 10^{-4}; booleans as text."""
    if isinstance(value, bool):
        return r"\text{" + ("on" if value else "off") + "}"
    if value is None:
        return r"\text{auto}"
    if isinstance(value, str):
        return r"\text{" + re.sub(r"[^A-Za-z0-9_.*+/() -]", "", value)[:40] + "}"
    v = float(value)
    if not math.isfinite(v):
        return r"\text{?}"
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e5:
        return f"{v:.4g}"
    mantissa, exponent = f"{v:.3e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    exponent = str(int(exponent))
    if mantissa == "1":
        return f"10^{{{exponent}}}"
    return f"{mantissa} \\times 10^{{{exponent}}}"


def _holds(condition: str | None, values: dict) -> bool:
    if not condition:
        return True
    for part in condition.split("&"):
        negate = part.startswith("!")
        value = values.get(part.lstrip("!"))
        truthy = bool(value) and value != 0
        if truthy == negate:
            return False
    return True


def lines(name: str, values: dict, symbols: dict | None = None) -> list[str]:
    """The update rule of optimizer ``name`` with ``values`` (flat) substituted, one LaTeX line each.

    ``symbols`` typesets some parameters as symbols instead (a scheduled lr is η_t).
    """
    symbols = symbols or {}
    out = []
    for template, condition in EQUATIONS.get(name, []):
        if _holds(condition, values):
            # {name} placeholders; LaTeX's own braces never hold a bare parameter name.
            out.append(re.sub(r"\{([a-z_0-9]+)\}",
                              lambda m: "{" + symbols[m.group(1)] + "}" if m.group(1) in symbols
                              else "{" + number(values[m.group(1)]) + "}" if m.group(1) in values
                              else m.group(0), template))
    return out


def _schedule_head(run: RunConfig, lr: float) -> str:
    """'η_t follows <schedule> from η₀ = <its lr at step 0>', saying when that is not the optimizer's lr."""
    name, params = run.schedule
    text = f" — η_t follows {name}"
    try:
        schedule = schedules.get(name, **params)
        if schedule.needs_loss:
            return text + f" from η₀ = {lr:.4g}"
        first = schedule.lr_sequence(np.array([lr, 2.0 * lr if lr else 1.0]), 1)[0]
    except ValueError:
        return text + f" from η₀ = {lr:.4g}"
    if first[0] == first[1]:     # CyclicLR, OneCycleLR: the schedule sets the lr itself
        return text + (f" from η₀ = {first[0]:.4g} (the schedule sets the lr: the optimizer's lr "
                       f"{lr:.4g} is not used)")
    if math.isclose(first[0], lr, rel_tol=1e-12):
        return text + f" from η₀ = {lr:.4g}"
    return text + f" from η₀ = {first[0]:.4g} at step 0 (base lr {lr:.4g})"


def run_markdown(run: RunConfig) -> str:
    """One run: its label, its schedule if any, and its update rule as a display equation.

    A scheduled lr is written η_t; a momentum (or β₁) that the schedule cycles is written μ_t
    (β₁,t), with a line saying between which values it moves.
    """
    values = _flat_values(run.optimizer, run.kwargs)
    head = f"**{run.label}**"
    symbols = {}
    extra = []
    if run.schedule is not None:
        head += _schedule_head(run, float(values["lr"]))
        symbols["lr"] = r"\eta_t"
        c = cycled(run)
        if c is not None:
            values[c.key] = c.high          # in use (non-zero) whatever the optimizer's own value
            symbols[c.key] = c.latex
            head += (f"; it also cycles {c.label} between {c.low:.4g} and {c.high:.4g}, in place of the "
                     f"optimizer's {c.symbol} = {c.own:.4g}")
            extra.append(rf"{c.latex} \in [{number(c.low)},\ {number(c.high)}]\ \text{{cycled by {c.schedule}:"
                         rf" {number(c.high)} where }}\eta_t\text{{ is lowest, {number(c.low)} where highest}}")
    body = r" \\ ".join("&" + line for line in lines(run.optimizer, values, symbols) + extra)
    return f"{head}\n\n$$\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}\n$$\n"


def markdown(config: Config | None) -> str:
    """Every run's update rule, in the order of the runs."""
    if config is None or not config.runs:
        return "No optimizer selected."
    return "\n".join(run_markdown(run) for run in config.runs)
