"""Lecture presets: one click sets a whole scene, with a caption saying what to look at.

A preset is a shareable link (the query `viz.urlstate` reads) plus a caption, so a
preset, a link and the page's own state all go through the same validation. The
captions state what the engine computes; tests/viz/test_teaching_presets.py checks
each claim against the simulation.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    """One lecture scene.

    Attributes:
      key: short id (in the URL as ``preset=key`` and in the button's id).
      title: button text.
      caption: one to three sentences: what to look at.
      query: the scene, in `viz.urlstate` form.
    """

    key: str
    title: str
    caption: str
    query: str


_PRESETS = (
    Preset(
        "ravine", "Ravine: SGD vs momentum",
        "The course's demo: x² + 10y² from (10, 1) at lr 0.1. Plain SGD sits exactly on the stability edge "
        "lr = 2/λmax, so y flips between +1 and −1 forever while x shrinks by 0.8 per step; momentum 0.9 rolls "
        "along the valley through (8, −1), (4.6, −0.8), (0.62, 0.98) — the math and torch.optim, not the "
        "notes' printed table.",
        "surface=ravine&start=10,1&steps=100&run=SGD:lr=0.1&run=SGD:lr=0.1,momentum=0.9"),
    Preset(
        "distill", "Momentum β = 0 vs 0.99",
        "Distill's \"Why momentum really works\": step size 0.02 with β = 0 and β = 0.99 on Matyas' tilted bowl "
        "(curvatures 0.04 and 1). Without momentum the flat direction shrinks by only 1 − 0.02·0.04 per step and "
        "SGD #1 is still far out after 1,000 steps; with β = 0.99 every direction contracts at √β ≈ 0.995 per "
        "step, so SGD #2 spirals in, overshooting as it goes.",
        "surface=matyas&start=-8,-3&steps=1000&run=SGD:lr=0.02&run=SGD:lr=0.02,momentum=0.99"),
    Preset(
        "adam-rosenbrock", "Adam defaults on Rosenbrock",
        "Adam with torch's defaults (lr 10⁻³, β = (0.9, 0.999), ε = 10⁻⁸): its steps are about lr long in "
        "each coordinate whatever the gradient's size, so after 2,000 steps Adam #1 has only crept onto the "
        "valley floor near (−1.3, 1.7). The A/B copy Adam #2 at lr 0.02 follows the curved valley to the "
        "minimum (1, 1).",
        "surface=rosenbrock&start=-1.5,2&steps=2000&run=Adam:lr=0.001&run=Adam:lr=0.02"),
    Preset(
        "adagrad-rmsprop", "Adagrad's vanishing step vs RMSprop",
        "Both at lr 0.1 on the ravine. Adagrad divides by the root of the sum of all past squared gradients, "
        "which only grows: its steps shrink like 1/√t and it stalls near x ≈ 7 after 300 steps. RMSprop "
        "divides by a running average instead, keeps its step size and reaches the minimum.",
        "surface=ravine&start=10,1&steps=300&run=Adagrad:lr=0.1&run=RMSprop:lr=0.1"),
    Preset(
        "adam-adamw", "Adam vs AdamW with weight decay",
        "The same λ = 0.1 means two things. Adam #2 adds λw to the gradient, and the sum is divided by √v̂ "
        "with it, so near the minimum the gradient dominates and it ends by Adam #1 (no decay) at (1, 3); "
        "AdamW shrinks w by (1 − ηλ) outside the adaptive scaling, so the pull towards the origin is not "
        "normalized away and it settles short, near (1.3, 2.1).",
        "surface=booth&steps=1000&run=Adam:lr=0.05&run=Adam:lr=0.05,weight_decay=0.1"
        "&run=AdamW:lr=0.05,weight_decay=0.1"),
    Preset(
        "schedules", "Step vs cosine vs warm restarts",
        "SGD at lr 0.02 bounces between Rastrigin's basins until its schedule lowers the lr enough to stay. "
        "StepLR (#1) halves the lr every 100 steps and traps it in the local minimum near (−4, −3); the cosine "
        "(#2) decays smoothly and settles in the global minimum (0, 0). The warm restarts (#3) settle in the "
        "global minimum at the end of cycles 2, 3 and 4, but each restart puts the lr back to 0.02, above "
        "2/λ ≈ 0.005 at every minimum, and knocks it out: the last cycle ends in the local minimum near (1, 1), "
        "loss 1.99 — watch the lr panel.",
        "surface=rastrigin&steps=500&run=SGD:lr=0.02&run=SGD:lr=0.02&run=SGD:lr=0.02"
        "&schedule1=StepLR:step_size=100,gamma=0.5&schedule2=CosineAnnealingLR:T_max=500"
        "&schedule3=CosineAnnealingWarmRestarts:T_0=100"),
    Preset(
        "momentum-notations", "lr inside vs outside the velocity",
        "Momentum 0.9 and lr 0.1, cut ×0.1 every 10 steps (StepLR). The two notations agree exactly for the "
        "first 10 steps; at the cut torch's SGD (v ← μv + g, w ← w − ηv) rescales its whole velocity by the "
        "new η and stops almost at once, while the classical Momentum (Δw ← αΔw + η∇L) keeps the steps it "
        "already took and coasts back out past its start, to x ≈ 11.5.",
        "surface=ravine&start=10,1&steps=100&run=SGD:lr=0.1,momentum=0.9&run=Momentum:lr=0.1,momentum=0.9"
        "&schedule=StepLR:step_size=10,gamma=0.1"),
    Preset(
        "batch-size", "Batch 8 vs 512; grow the batch vs decay the lr",
        "SGD at lr 0.3 on real minibatches of the 512 examples. With batch 8 (#1) it keeps bouncing around the "
        "minimum while the full batch (#2) converges smoothly; #3 doubles its batch at steps 60, 120, 180 and "
        "240, #4 keeps batch 8 but halves its lr there instead — both damp the noise alike (loss panel): "
        "\"don't decay the learning rate, increase the batch size\".",
        "surface=linear_regression&steps=300&run=SGD:lr=0.3&run=SGD:lr=0.3&run=SGD:lr=0.3&run=SGD:lr=0.3"
        "&batch1=8&batch2=512&batch3=8:milestones=60/120/180/240,factor=2&batch4=8"
        "&schedule1=none&schedule2=none&schedule3=none&schedule4=MultiStepLR:milestones=60/120/180/240,gamma=0.5"),
    Preset(
        "newton", "Newton vs gradient descent",
        "On the ravine the Newton step w − H⁻¹∇f lands on the minimum of a quadratic in one step. Gradient "
        "descent at lr 0.09, close to its best 2/(λmin + λmax) ≈ 0.091, still contracts by only "
        "(κ − 1)/(κ + 1) ≈ 0.82 per step (κ = 10).",
        "surface=ravine&start=10,1&steps=50&run=SGD:lr=0.09&run=Newton:lr=1"),
)


def names() -> dict[str, Preset]:
    """Every preset by key, in lecture order."""
    return {p.key: p for p in _PRESETS}


def get(key: str) -> Preset | None:
    return names().get(key) if isinstance(key, str) else None
