"""A configuration as a runnable PyTorch script: torch.optim plus lr_scheduler on the same surface.

`script(config)` returns Python source that needs only torch and NumPy. Run as
``python exported.py`` it prints each run's final point; ``--json`` prints every
run's whole path, which equals the app's trajectory to float64 round-off
(tests/viz/test_teaching_exports.py executes it). Optimizers that torch.optim lacks
(the course's classical ``Momentum``, ``LocalGains``, ``Lion``, ``Newton``, and
``SWATS``) are written as small ``torch.optim.Optimizer`` classes in the script, so
lr schedulers drive them too. Stochastic gradients
reproduce the app's noise streams (NumPy's SeedSequence, run 0 of each scene).
"""
from __future__ import annotations

import math

from optimizers import schedules
from surfaces.formula import FormulaError, parse_formula

from . import urlstate
from .config import CUSTOM, Config, start_of

# f(x, y) of each built-in surface in torch; {name} stands for a surface parameter.
SURFACES = {
    "ravine": "x**2 + 10*y**2",
    "rosenbrock": "({a} - x)**2 + {b}*(y - x**2)**2",
    "quadratic": "(c*x + s*y)**2 + {kappa}*(-s*x + c*y)**2",
    "booth": "(x + 2*y - 7)**2 + (2*x + y - 5)**2",
    "matyas": "0.26*(x**2 + y**2) - 0.48*x*y",
    "beale": "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
    "himmelblau": "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
    "goldstein_price": ("(1 + (x + y + 1)**2*(19 - 14*x + 3*x**2 - 14*y + 6*x*y + 3*y**2))"
                        "*(30 + (2*x - 3*y)**2*(18 - 32*x + 12*x**2 + 48*y - 36*x*y + 27*y**2))"),
    "six_hump_camel": "(4 - 2.1*x**2 + x**4/3)*x**2 + x*y + (-4 + 4*y**2)*y**2",
    "styblinski_tang": "0.5*(x**4 - 16*x**2 + 5*x + y**4 - 16*y**2 + 5*y)",
    "rastrigin": "20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)",
    "ackley": "-20*exp(-0.2*sqrt(0.5*(x**2 + y**2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
    "levi13": "sin(3*pi*x)**2 + (x - 1)**2*(1 + sin(3*pi*y)**2) + (y - 1)**2*(1 + sin(2*pi*y)**2)",
    "saddle": "x**2 - y**2",
    "monkey_saddle": "x**3 - 3*x*y**2",
    "plateau_cliff": "1 - exp(-((x + 2)**2 + y**2)/8) + 1 + tanh(8*(x - 1))",
    "linear_regression": "0.5*((x*DATA_X + y - DATA_Y)**2).mean()",
}

COURSE_SCHEDULES = {   # the course's closed forms as LambdaLR factors η_t/η₀
    "ExponentialDecay": "math.exp(-{k}*t)",
    "InverseTimeDecay": "1/(1 + {k}*t)",
    "InverseSqrtDecay": "1/math.sqrt(t + 1)",
    "HalvingLR": "0.5**(t // {T_0})",
    "WarmupCosine": ("(({start_factor} + (1 - {start_factor})*t/{warmup_steps}) if t < {warmup_steps} else "
                     "({eta_min}/ETA0 + (1 - {eta_min}/ETA0)*(1 + math.cos(math.pi*min(max((t - {warmup_steps})"
                     "/{T_max}, 0), 1)))/2))").replace("min(", "builtins.min(").replace("max(", "builtins.max("),
}

HEADER = '''"""Exported from the optimizer-trajectory visualizer: {query}

Each run is torch.optim (plus an lr_scheduler) on its own 2-parameter tensor, the
loop the app's engine equals. `python trajectories_torch.py` prints the final points;
`--json` prints every path.
"""
import builtins
import json
import math
import sys

import numpy as np
import torch
from torch import cos, exp, sin, sqrt, tan, tanh, log

pi, e, inf, nan = math.pi, math.e, math.inf, math.nan
torch.set_default_dtype(torch.float64)
'''

HELPERS = '''

def log10(v): return torch.log10(v)
def sinh(v): return torch.sinh(v)
def cosh(v): return torch.cosh(v)
def arctan(v): return torch.atan(v)
atan = arctan
def sign(v): return torch.sign(v)
def min(a, b): return torch.minimum(torch.as_tensor(a), torch.as_tensor(b))
def max(a, b): return torch.maximum(torch.as_tensor(a), torch.as_tensor(b))


def run_rng(seed, *key):
    """The app's noise stream of run 0 (numpy SeedSequence with a spawn key)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))
'''

CLASSES = {
    "Momentum": '''

class Momentum(torch.optim.Optimizer):
    """Classical momentum, the lr inside the velocity: Δw ← αΔw + η∇L; w ← w − Δw (Qian 1999)."""

    def __init__(self, params, lr=1e-3, momentum=0.9):
        super().__init__(params, dict(lr=lr, momentum=momentum))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                dw = state.get("velocity", torch.zeros_like(p)) * group["momentum"] + group["lr"] * p.grad
                state["velocity"] = dw
                p.sub_(dw)
''',
    "LocalGains": '''

class LocalGains(torch.optim.Optimizer):
    """Per-coordinate gains: +β while the gradient's sign holds, ×(1 − β) on a flip (Jacobs 1988)."""

    def __init__(self, params, lr=1e-2, beta=0.05, gain_range=(0.1, 10.0)):
        super().__init__(params, dict(lr=lr, beta=beta, gain_range=gain_range))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta, (lo, hi) = group["beta"], group["gain_range"]
            for p in group["params"]:
                state = self.state[p]
                gain, prev = state.get("gain", torch.ones_like(p)), state.get("prev", torch.zeros_like(p))
                agree = p.grad * prev
                gain = torch.where(agree > 0, gain + beta, torch.where(agree < 0, gain * (1 - beta), gain))
                gain = gain.clamp(lo, hi)
                state["gain"], state["prev"] = gain, p.grad.clone()
                p.sub_((group["lr"] * gain) * p.grad)
''',
    "Lion": '''

class Lion(torch.optim.Optimizer):
    """Lion (Chen et al. 2023): w ← w − η(sign(β₁m + (1 − β₁)g) + λw); m ← β₂m + (1 − β₂)g."""

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            (beta1, beta2), wd = group["betas"], group["weight_decay"]
            for p in group["params"]:
                mu = self.state[p].get("mu", torch.zeros_like(p))
                update = torch.sign(beta1 * mu + (1 - beta1) * p.grad)
                if wd:
                    update = update + wd * p
                self.state[p]["mu"] = beta2 * mu + (1 - beta2) * p.grad
                p.sub_(group["lr"] * update)
''',
    "Newton": '''

class Newton(torch.optim.Optimizer):
    """w ← w − η H⁻¹∇L with the exact Hessian (|H| if saddle_free, H + λI with damping)."""

    def __init__(self, params, lr=1.0, damping=0.0, saddle_free=False, f=None):
        super().__init__(params, dict(lr=lr, damping=damping, saddle_free=saddle_free))
        self.f = f

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                with torch.enable_grad():
                    hessian = torch.autograd.functional.hessian(self.f, p.detach())
                curv, q = torch.linalg.eigh(0.5 * (hessian + hessian.T))
                if group["saddle_free"]:
                    curv = curv.abs()
                curv = curv + group["damping"]
                flat = curv.abs() <= 1e-12 * curv.abs().max()
                inverse = torch.where(flat, torch.zeros_like(curv), 1 / torch.where(flat, torch.ones_like(curv), curv))
                p.sub_(group["lr"] * (q @ (inverse * (q.T @ p.grad))))
''',
    "SWATS": '''

class SWATS(torch.optim.Optimizer):
    """SWATS (Keskar & Socher 2017): Adam until its projected SGD lr settles, then SGD with momentum.

    Adam phase: m ← β₁m + (1 − β₁)g; a ← β₂a + (1 − β₂)g²; p = −η√(1 − β₂ᵏ)/(1 − β₁ᵏ)·m/(√a + ε);
    γ = pᵀp/(−pᵀg); λ ← β₂λ + (1 − β₂)γ; switch once k > 1, |λ/(1 − β₂ᵏ) − γ| < switch_tol and the
    learned lr Λ = λ/(1 − β₂ᵏ) > 0. SGD phase: v ← β₁v + g; w ← w − (1 − β₁)Λ(η/η_switch)v.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-9, switch_tol=1e-9):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, switch_tol=switch_tol))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            (beta1, beta2), lr = group["betas"], group["lr"]
            for p in group["params"]:
                g, st = p.grad, self.state[p]
                if not st:
                    st.update(k=0, mu=torch.zeros_like(p), nu=torch.zeros_like(p), lam=0.0, switched=False,
                              sgd_lr=0.0, lr_at_switch=1.0, velocity=torch.zeros_like(p))
                st["k"] += 1
                k = float(st["k"])
                if st["switched"]:
                    st["velocity"] = beta1 * st["velocity"] + g
                    p.add_(-(1 - beta1) * (st["sgd_lr"] * (lr / st["lr_at_switch"])) * st["velocity"])
                    continue
                st["mu"] = beta1 * st["mu"] + (1 - beta1) * g
                st["nu"] = beta2 * st["nu"] + (1 - beta2) * g * g
                bias1, bias2 = 1 - beta1 ** k, 1 - beta2 ** k
                step = (-lr * math.sqrt(bias2) / bias1) * st["mu"] / (st["nu"].sqrt() + group["eps"])
                pg, pp = float((step * g).sum()), float((step * step).sum())
                if pg != 0:
                    gamma = pp / -pg
                    st["lam"] = beta2 * st["lam"] + (1 - beta2) * gamma
                    learned = st["lam"] / bias2
                    if k > 1 and abs(learned - gamma) < group["switch_tol"] and learned > 0:
                        st.update(switched=True, sgd_lr=learned, lr_at_switch=lr)
                p.add_(step)
''',
}

LOOP = '''

def run(make_optimizer, make_scheduler=None, plateau=False, grad_noise=None, batches=None):
    """Run 0's loop: opt.zero_grad(); L = f(w); L.backward(); opt.step(); sch.step()."""
    w = torch.tensor(START, requires_grad=True)
    opt = make_optimizer([w])
    sch = make_scheduler(opt) if make_scheduler else None
    path = [w.tolist()]
    for t in range(STEPS):
        opt.zero_grad()
        loss = f(w) if batches is None else f(w, batches(t))
        loss.backward()
        if grad_noise is not None:
            with torch.no_grad():
                w.grad += torch.from_numpy(grad_noise[t])
        opt.step()
        if sch is not None:
            sch.step(loss.item()) if plateau else sch.step()
        path.append(w.tolist())
    return path
'''

MINIBATCH = '''

def minibatches(size, seed, milestones=(), factor=2.0):
    """Example indices of each step: shuffled per epoch, B examples per step without replacement."""
    n = len(DATA_X)
    sizes = [builtins.min(int(math.floor(size * factor ** sum(m <= t for m in milestones))), n)
             for t in range(STEPS)]
    plan, epoch, pos, order = [], 0, 0, {}
    for b in sizes:
        if pos + b > n:
            epoch, pos = epoch + 1, 0
        plan.append((epoch, pos, b))
        pos += b

    def indices(t):
        e, start, b = plan[t]
        if b == n:
            return torch.arange(n)
        if e not in order:
            order[e] = torch.from_numpy(run_rng(seed, 0, e).permutation(n))
        return order[e][start:start + b]

    return indices
'''

_TORCH_ARGS = {"Adam", "AdamW", "SGD", "ASGD", "Rprop", "Adagrad", "RMSprop", "Adadelta", "Adamax", "NAdam",
               "RAdam", "Adafactor"}


def _literal(value) -> str:
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "float('nan')"
    if isinstance(value, tuple):
        return "(" + ", ".join(_literal(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def _kwargs(values: dict) -> str:
    return ", ".join(f"{k}={_literal(v)}" for k, v in values.items())


class ExportError(ValueError):
    """The configuration cannot be written as a script; the message says why (for the user)."""


def formula_code(text: str, variables: tuple[str, ...], what: str) -> str:
    """``text`` parsed by the formula whitelist and printed back from its tree (never the raw text).

    Raises `ExportError` naming ``what`` when the text does not parse.
    """
    try:
        return parse_formula(text, variables).text
    except FormulaError as err:
        raise ExportError(f"Nothing exported: the {what} does not parse ({err}).") from None


def optimizer_code(run) -> str | None:
    """``lambda p: torch.optim.Adam(p, ...)`` for a run, or None if the script cannot express it."""
    name, kwargs = run.optimizer, dict(run.kwargs)
    if name in _TORCH_ARGS:
        if name == "Adam" and kwargs.get("decoupled_weight_decay") is False:
            kwargs.pop("decoupled_weight_decay")      # older torch has no such keyword; False is its default
        return f"lambda p: torch.optim.{name}(p, {_kwargs(kwargs)})"
    if name in ("Momentum", "LocalGains", "Lion", "SWATS"):
        return f"lambda p: {name}(p, {_kwargs(kwargs)})"
    if name == "Newton":
        return f"lambda p: Newton(p, {_kwargs(kwargs)}, f=f)"
    return None


def schedule_code(schedule, lr: float) -> str | None:
    """``lambda o: torch.optim.lr_scheduler.StepLR(o, ...)`` for a (name, params) schedule of base lr ``lr``."""
    if schedule is None:
        return None
    return f"lambda o: {_scheduler(schedule[0], schedule[1], lr)}"


def _scheduler(name: str, params: dict, lr: float) -> str:
    defaults = {h.name: h.default for h in schedules.spec(name).params}
    params = defaults | dict(params)
    if name in COURSE_SCHEDULES:
        body = COURSE_SCHEDULES[name].replace("ETA0", _literal(float(lr))).format(
            **{k: _literal(float(v)) for k, v in params.items()})
        return f"torch.optim.lr_scheduler.LambdaLR(o, lambda t: {body})"
    if name in ("LambdaLR", "MultiplicativeLR"):
        body = formula_code(params["lr_lambda"], ("t",), f"{name} lr_lambda")
        return f"torch.optim.lr_scheduler.{name}(o, lambda t: {body})"
    if name == "SequentialLR":
        inner = ", ".join(_scheduler(n, p, lr) for n, p in params["schedulers"])
        return (f"torch.optim.lr_scheduler.SequentialLR(o, schedulers=[{inner}], "
                f"milestones={list(params['milestones'])})")
    if name == "MultiStepLR":
        params["milestones"] = list(params["milestones"])
    return f"torch.optim.lr_scheduler.{name}(o, {_kwargs(params)})"


def _surface_code(config: Config) -> list[str]:
    if config.surface == CUSTOM:
        return ["", "", "def f(w):", "    x, y = w[0], w[1]",
                f"    return {formula_code(config.formula, ('x', 'y'), 'custom formula')}"]
    import surfaces

    surface = surfaces.get(config.surface)
    params = {p.name: p.default for p in surface.param_specs} | dict(config.surface_params)
    expr = SURFACES[config.surface].format(**{k: _literal(float(v)) for k, v in params.items()})
    lines = [""]
    if config.surface == "linear_regression":
        lines += ["# The app's 512 examples: x ~ N(1, 1), y = 2x − 1 + N(0, 1), generated from seed 2017.",
                  "_rng = np.random.default_rng(2017)",
                  "DATA_X = torch.from_numpy(_rng.normal(1.0, 1.0, 512))",
                  "DATA_Y = torch.from_numpy(2.0 * DATA_X.numpy() - 1.0 + _rng.normal(0.0, 1.0, 512))"]
    if config.surface == "quadratic":
        lines += [f"c, s = math.cos(math.radians({_literal(float(params['angle']))})), "
                  f"math.sin(math.radians({_literal(float(params['angle']))}))"]
    lines += ["", ""]
    if config.surface == "linear_regression":
        lines += ["def f(w, batch=None):", "    x, y = w[0], w[1]",
                  "    if batch is not None:",
                  "        return 0.5*((x*DATA_X[batch] + y - DATA_Y[batch])**2).mean()",
                  f"    return {expr}"]
    else:
        lines += ["def f(w):", "    x, y = w[0], w[1]", f"    return {expr}"]
    return lines


def script(config: Config, query: str = "") -> str:
    """The PyTorch script of ``config`` (``query``: the link it came from, for the header).

    Every piece of user text in it is either a number or a formula printed back from its
    parsed tree (`formula_code`); ``query`` (made by `urlstate.encode`, percent-encoded)
    goes only into the docstring, with quotes, backslashes and non-printing characters dropped.

    Raises:
      ExportError: a formula or lr_lambda does not parse, or the configuration is over the
        script's cost budget; the message says why.
    """
    safe_query = "".join(ch for ch in query if ch.isprintable() and ch not in '"\\')[:2000]
    out = [HEADER.format(query=safe_query), HELPERS]
    out += [CLASSES[name] for name in ("Momentum", "LocalGains", "Lion", "Newton", "SWATS")
            if any(run.optimizer == name for run in config.runs)]
    out.append("\n".join(_surface_code(config)))
    start = start_of(config)
    out.append(f"\n\nSTART = ({_literal(float(start[0]))}, {_literal(float(start[1]))})\nSTEPS = {config.steps}\n")
    out.append(LOOP)
    data = config.surface == "linear_regression"
    if data:
        out.append(MINIBATCH)
    from .scene import compute

    scene = compute(config, "torch-script")
    if scene.refused:
        raise ExportError(scene.error)
    invalid = {r.run_id: r.error for r in scene.results if r.error}
    body = ["", "", "if __name__ == \"__main__\":", "    paths = {}"]
    for run in config.runs:
        opt = optimizer_code(run)
        if run.id in invalid:
            body.append(f"    # {run.label}: left out, invalid settings ({invalid[run.id][:120]!r}).")
            continue
        if opt is None:
            body.append(f"    # {run.label}: {run.optimizer} has no torch.optim counterpart here; left out.")
            continue
        args = [opt]
        sch = schedule_code(run.schedule, run.kwargs["lr"])
        if sch:
            args.append(f"make_scheduler={sch}")
            if run.schedule[0] == "ReduceLROnPlateau":
                args.append("plateau=True")
        if data and (run.batch is not None or config.batch is not None):
            size, milestones, factor = run.batch or (config.batch, (), 2.0)
            args.append(f"batches=minibatches({size}, {config.seed}, {list(milestones)}, {_literal(float(factor))})")
        elif config.sigma > 0:
            args.append(f"grad_noise={_literal(float(config.sigma))} * run_rng({config.seed}, 0)"
                        f".standard_normal((STEPS, 2))")
        body.append(f"    paths[{run.label!r}] = run({', '.join(args)})")
    body += ["    if \"--json\" in sys.argv:",
             "        print(json.dumps(paths))",
             "    else:",
             "        for label, path in paths.items():",
             "            print(f\"{label}: ({path[-1][0]:.6g}, {path[-1][1]:.6g}) after {STEPS} steps\")", ""]
    out.append("\n".join(body))
    return "".join(out)
