"""Chapter "The learning rate" (docs/learning-rate.md): one step, steps along the cuts, full descent.

Three learning rates, ``RATES``, each taken three ways from the original problem: one step along
each cross-section from the snapped start, ``CUT_STEPS`` steps along each cross-section, and
``EPOCHS`` steps of full-batch gradient descent from the random start (every step uses the whole
training set, so each is also one epoch). Every step goes through ``gdsim.descent``, so every move
uses the exact partial derivative. Along a cut of curvature c a step multiplies the distance to the
cut's lowest point by 1 − η·c (``cut_factor``): the b cut has c = 2, the curvature of θ², so there
the three rates are the one-parameter chapter's regimes. The figures of one kind are compared with
each other, so each family's axes (the cut windows, the loss axes) are computed here once, from all
three rates together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import checks, model, scenarios, stability, surface
from gdsim.assets import ANIMATION, STILL, Asset
from gdsim.descent import EXPLODE_FACTOR, Trajectory, gradient_descent
from gdsim.facts import Fact

# The "small", "big" and "very big" learning rates of the chapter, and the gradients chapter's ruler.
RATES, SECANT_STEP = scenarios.RATES, scenarios.SECANT_STEP
# Steps taken along each cross-section, and steps (= epochs: full batch) of full gradient descent.
CUT_STEPS = 12
EPOCHS = 60
# The cross-sections in panel order: first (left; on top on a phone), b fixed and w varies;
# second (right; below), w fixed and b varies.
CUTS = ("w", "b")
# The cut windows hold every iterate whose loss stays below this many times the snapped start's.
VIEW_LOSS_FACTOR = 2.0
# The descent animations show every step up to this one, then every DESCENT_STRIDE-th (the last
# always): later steps change little, and fewer frames keep the GIFs light.
DESCENT_EVERY_UNTIL = 12
DESCENT_STRIDE = 2
# Margin around the cut windows, as a fraction of their width, and points per drawn cut.
VIEW_MARGIN = 0.06
CUT_SAMPLES = 241


def _original() -> scenarios.Scenario:
    return scenarios.get("original")


def _rate(rate: str) -> float:
    """The learning rate of one key of ``RATES``; a ValueError naming the keys otherwise."""
    return RATES[checks.one_of(rate, RATES, "rate")]


def _param(name: str) -> model.Parameter:
    """The parameter called ``name``; a ValueError naming the parameters otherwise."""
    return model.BY_NAME[checks.one_of(name, model.BY_NAME, "parameter")]


def _other(param: model.Parameter) -> model.Parameter:
    return next(p for p in model.PARAMETERS if p is not param)


def _hessian() -> np.ndarray:
    return stability.hessian(stability.design_matrix(_original().split.x_train))


def cut_curvature(param: str) -> float:
    """The curvature of the loss along one cut, ∂²L/∂θᵢ² = Hᵢᵢ: 2 along b, 2·mean(x²) along w."""
    p = _param(param)
    return float(_hessian()[p.index, p.index])


def cut_factor(param: str, lr: float) -> float:
    """What one step along a cut multiplies the distance to its lowest point by: 1 − η·c.

    Below 1 in size the walk converges; negative, it overshoots (η·c > 1); below −1, it climbs
    (η·c > 2). On the b cut, c = 2: the factor 1 − 2η of the one-parameter chapter's θ².
    """
    lr = checks.learning_rate(lr)
    # 1 − η·c
    return 1.0 - lr * cut_curvature(param)


def steepest_curvature() -> float:
    """λ_max, the bowl's sharpest curvature: along a diagonal, sharper than either cut."""
    return float(stability.eigenvalues(stability.design_matrix(_original().split.x_train))[-1])


# ---------------------------------------------------------------- runs


@lru_cache(maxsize=None)
def cut_run(param: str, lr: float, steps: int = CUT_STEPS) -> Trajectory:
    """``steps`` gradient steps on ``param`` alone from the snapped start: a walk along one cut."""
    s = _original()
    p = _param(param)
    return gradient_descent(s.split.x_train, s.split.y_train, s.snapped_start, lr, steps, update=(p.name,))


@lru_cache(maxsize=None)
def full_run(lr: float, epochs: int = EPOCHS) -> Trajectory:
    """Full-batch gradient descent on both parameters from the random start (one epoch, one step)."""
    s = _original()
    return gradient_descent(s.split.x_train, s.split.y_train, s.start, lr, epochs)


# ---------------------------------------------------------------- one step


@dataclass(frozen=True)
class OneStep:
    """One gradient step on one parameter from the snapped start, with the exact derivative."""

    param: model.Parameter
    lr: float
    slope: float  # ∂L/∂θᵢ at the snapped start
    before: float  # the parameter before the step
    after: float
    move: float  # after − before
    loss_before: float
    loss_after: float
    rose: bool  # the step raised the loss
    bottom: float  # the cut's lowest point (exact)
    bottom_loss: float
    share: float  # move / (bottom − before): how much of the way to the bottom the step went, η·c


@lru_cache(maxsize=None)
def one_step(param: str, lr: float) -> OneStep:
    """θᵢ ← θᵢ − η ∂L/∂θᵢ once, from the snapped start: the first step of ``cut_run``."""
    p = _param(param)
    run = cut_run(p.name, lr, 1)
    before, after = run.params[0, p.index], run.params[1, p.index]
    s = _original()
    bottom = model.minimum_along(s.snapped_start, p.index, s.split.x_train, s.split.y_train)
    lowest = s.snapped_start.copy()
    lowest[p.index] = bottom
    return OneStep(
        param=p,
        lr=run.lr,
        slope=float(run.gradients[0, p.index]),
        before=float(before),
        after=float(after),
        # move = after − before = −η ∂L/∂θᵢ
        move=float(after - before),
        loss_before=float(run.losses[0]),
        loss_after=float(run.losses[1]),
        rose=bool(run.losses[1] > run.losses[0]),
        bottom=float(bottom),
        bottom_loss=s.loss(lowest),
        # the share of the way to the bottom: (after − before) / (bottom − before)
        share=float((after - before) / (bottom - before)),
    )


# ---------------------------------------------------------------- the cut windows, shared


@dataclass(frozen=True)
class Cut:
    """The exact loss along one cross-section through the snapped start, over its window."""

    param: model.Parameter  # the parameter that varies (horizontal axis)
    fixed: model.Parameter
    fixed_value: float
    window: tuple[float, float]
    values: np.ndarray
    loss: np.ndarray


@dataclass(frozen=True)
class CutAxes:
    """The axes every cut figure of the chapter shares: one window per cut, one loss range.

    Both windows have the same width, so the two curves' bends compare by eye; the loss range
    is the same for both panels of every figure.
    """

    cuts: tuple[Cut, ...]  # in ``CUTS`` order
    loss_range: tuple[float, float]


def _window_points(param: str) -> np.ndarray:
    """Every value of ``param`` the cut figures must show, for all three rates together.

    The one-step points always; of the walks, the iterates whose loss stays below
    VIEW_LOSS_FACTOR × the start's, so a walk that climbs away is seen leaving the window.
    """
    p = _param(param)
    points = []
    for lr in RATES.values():
        step = one_step(p.name, lr)
        points += [step.before, step.after]
        run = cut_run(p.name, lr)
        kept = run.losses <= VIEW_LOSS_FACTOR * run.losses[0]
        points += list(run.params[kept, p.index])
    return np.array(points)


@lru_cache(maxsize=None)
def cut_axes() -> CutAxes:
    """The shared windows of the one-step and steps-on-cuts figures, and their loss range."""
    s = _original()
    x, y = s.split.x_train, s.split.y_train
    points = {name: _window_points(name) for name in CUTS}
    hulls = {name: (float(v.min()), float(v.max())) for name, v in points.items()}
    width = (1 + 2 * VIEW_MARGIN) * max(hi - lo for lo, hi in hulls.values())
    cuts = []
    for name in CUTS:
        p = _param(name)
        lo, hi = hulls[name]
        # a window of the common width, centred on what this cut must show
        centre = (lo + hi) / 2
        window = (float(centre - width / 2), float(centre + width / 2))
        values = np.linspace(*window, CUT_SAMPLES)
        loss = model.loss_along(s.snapped_start, p.index, values, x, y)
        other = _other(p)
        cuts.append(Cut(p, other, float(s.snapped_start[other.index]), window, values, loss))
    top = max(float(cut.loss.max()) for cut in cuts)
    return CutAxes(tuple(cuts), (0.0, (1 + VIEW_MARGIN) * top))


# ---------------------------------------------------------------- results the figures draw


@dataclass(frozen=True)
class OneStepView:
    """One step on each cut with one learning rate, drawn on the chapter's shared cut axes."""

    rate: str
    lr: float
    steps: tuple[OneStep, ...]  # in ``CUTS`` order
    axes: CutAxes


def one_step_view(rate: str) -> OneStepView:
    """The "one step" figure of one rate (a key of ``RATES``)."""
    lr = _rate(rate)
    return OneStepView(rate, lr, tuple(one_step(name, lr) for name in CUTS), cut_axes())


@dataclass(frozen=True)
class CutWalk:
    """Steps along one cut: the varied parameter and the loss after k steps, k = 0 … steps."""

    param: model.Parameter
    values: np.ndarray
    losses: np.ndarray
    rose: np.ndarray  # rose[k]: step k + 1 raised the loss

    @property
    def steps(self) -> int:
        return len(self.losses) - 1


@dataclass(frozen=True)
class CutWalksView:
    """``CUT_STEPS`` steps along each cut with one learning rate, on the shared cut axes, and the
    loss of both walks per step on a log axis shared by the three rates."""

    rate: str
    lr: float
    walks: tuple[CutWalk, ...]  # in ``CUTS`` order
    axes: CutAxes
    steps: int  # the longest walk's steps
    frames: int  # one frame per step, and one for the start
    step_loss_range: tuple[float, float]  # the log loss axis of the loss-per-step panel


def _walk(param: str, lr: float) -> CutWalk:
    p = _param(param)
    run = cut_run(p.name, lr)
    return CutWalk(p, run.params[:, p.index], run.losses, np.diff(run.losses) > 0)


# Room above and below the walks' losses on the log loss-per-step axis, as a factor.
STEP_LOSS_MARGIN = 1.6


@lru_cache(maxsize=None)
def step_loss_range() -> tuple[float, float]:
    """One log loss axis for the three rates' loss-per-step panels: every walk's every loss, with a margin."""
    losses = np.concatenate([cut_run(name, lr).losses for name in CUTS for lr in RATES.values()])
    return float(losses.min() / STEP_LOSS_MARGIN), float(losses.max() * STEP_LOSS_MARGIN)


def cut_walks_view(rate: str) -> CutWalksView:
    """The "steps on cuts" animation of one rate (a key of ``RATES``)."""
    lr = _rate(rate)
    walks = tuple(_walk(name, lr) for name in CUTS)
    steps = max(walk.steps for walk in walks)
    return CutWalksView(rate, lr, walks, cut_axes(), steps, steps + 1, step_loss_range())


@dataclass(frozen=True)
class DescentView:
    """Full gradient descent with one rate: the path on the contour map and the loss per step.

    The map window and the loss axis are the same for all three rates; a run that diverges
    leaves both through their edges.
    """

    rate: str
    lr: float
    run: Trajectory
    rose: np.ndarray  # rose[k]: step k + 1 raised the loss
    grid: surface.LossGrid
    start: np.ndarray
    solution: np.ndarray
    solution_loss: float
    epochs: int  # steps asked for (the loss axis's length; full batch, so also epochs)
    loss_range: tuple[float, float]  # log-scale loss axis shared by the three rates
    frame_epochs: np.ndarray  # the step each frame shows, from 0 to the last one taken


@lru_cache(maxsize=None)
def descent_loss_range() -> tuple[float, float]:
    """The shared loss axis: from the decade below the least-squares loss to a decade above the
    highest loss of the runs that converge (a diverging run leaves it through the top)."""
    s = _original()
    converging = [full_run(lr) for lr in RATES.values() if not full_run(lr).diverged]
    highest = max(float(run.losses.max()) for run in converging)
    return 10.0 ** math.floor(math.log10(s.solution_loss)), 10.0 ** (math.ceil(math.log10(highest)) + 1)


def frame_epochs(steps: int) -> np.ndarray:
    """The steps the frames show: each one up to DESCENT_EVERY_UNTIL, then every DESCENT_STRIDE-th,
    always ending on the last step taken."""
    early = np.arange(min(steps, DESCENT_EVERY_UNTIL) + 1)
    late = np.arange(DESCENT_EVERY_UNTIL + DESCENT_STRIDE, steps + 1, DESCENT_STRIDE)
    return np.unique(np.concatenate([early, late, [steps]])).astype(int)


def descent_view(rate: str) -> DescentView:
    """The "descent" animation of one rate (a key of ``RATES``)."""
    lr = _rate(rate)
    s = _original()
    run = full_run(lr)
    return DescentView(
        rate, lr, run, np.diff(run.losses) > 0, s.grid, s.start, s.solution, s.solution_loss,
        EPOCHS, descent_loss_range(), frame_epochs(run.steps),
    )


# ---------------------------------------------------------------- facts


def ruler_slope(param: str) -> float:
    """The slope the gradients chapter read with a ruler: a forward secant over SECANT_STEP from the snapped start."""
    p = _param(param)
    s = _original()
    return model.secant_slope(s.snapped_start, p.index, SECANT_STEP, s.split.x_train, s.split.y_train)


def facts() -> dict[str, Fact]:
    small, big, very_big = RATES["small"], RATES["big"], RATES["very_big"]
    lam_max = steepest_curvature()
    very_big_run = full_run(very_big)
    # what one more step would have reached: the loss that tripped the divergence rule
    s = _original()
    last = very_big_run.final - very_big * very_big_run.gradients[-1]
    exact = {name: one_step(name, small).slope for name in CUTS}
    ruler = {name: ruler_slope(name) for name in CUTS}
    return {
        "lr_small": Fact(small, "g"),
        "lr_big": Fact(big, "g"),
        "lr_very_big": Fact(very_big, "g"),
        "cut_steps": Fact(CUT_STEPS, "d"),
        "epochs": Fact(EPOCHS, "d"),
        # the exact slopes are steeper than the ruler's secants, by this many %
        "exact_vs_ruler_b_percent": Fact(100 * (exact["b"] / ruler["b"] - 1), ".0f"),
        "exact_vs_ruler_w_percent": Fact(100 * (exact["w"] / ruler["w"] - 1), ".0f"),
        "ruler_b": Fact(ruler["b"]),
        "ruler_w": Fact(ruler["w"]),
        "one_small_w_move": Fact(one_step("w", small).move),
        "one_small_w_loss": Fact(one_step("w", small).loss_after),
        "one_small_b_move": Fact(one_step("b", small).move),
        "one_small_b_loss": Fact(one_step("b", small).loss_after),
        "one_big_w_move": Fact(one_step("w", big).move),
        "one_big_w_loss": Fact(one_step("w", big).loss_after),
        "one_big_b_move": Fact(one_step("b", big).move),
        "one_big_b_loss": Fact(one_step("b", big).loss_after),
        "one_very_big_w_move": Fact(one_step("w", very_big).move),
        "one_very_big_w_loss": Fact(one_step("w", very_big).loss_after),
        "one_very_big_b_move": Fact(one_step("b", very_big).move),
        "one_very_big_b_loss": Fact(one_step("b", very_big).loss_after),
        "cut_bottom_b": Fact(one_step("b", small).bottom),
        "cut_bottom_w": Fact(one_step("w", small).bottom),
        # the curvature of each cut, and η·c for each rate: the share of the way to the bottom one step goes
        "cut_curv_b": Fact(cut_curvature("b"), "g"),
        "cut_curv_w": Fact(cut_curvature("w"), ".3f"),
        "eta_curv_b_small": Fact(small * cut_curvature("b"), ".1f"),
        "eta_curv_b_big": Fact(big * cut_curvature("b"), ".1f"),
        "eta_curv_b_very_big": Fact(very_big * cut_curvature("b"), ".1f"),
        "eta_curv_w_small": Fact(small * cut_curvature("w"), ".2f"),
        "eta_curv_w_big": Fact(big * cut_curvature("w"), ".2f"),
        "eta_curv_w_very_big": Fact(very_big * cut_curvature("w"), ".2f"),
        # what a step multiplies the distance to the cut's bottom by: 1 − η·c
        "factor_b_small": Fact(cut_factor("b", small), ".1f"),
        "factor_b_big": Fact(cut_factor("b", big), ".1f"),
        "factor_b_very_big": Fact(cut_factor("b", very_big), ".1f"),
        "factor_b_very_big_size": Fact(abs(cut_factor("b", very_big)), ".1f"),
        "factor_w_small": Fact(cut_factor("w", small), ".2f"),
        "factor_w_big": Fact(cut_factor("w", big), ".2f"),
        "factor_w_very_big": Fact(cut_factor("w", very_big), ".2f"),
        # the very big b walk: how much its loss above the cut's bottom grows per step, factor²
        "climb_b_very_big": Fact(cut_factor("b", very_big) ** 2, ".2f"),
        # each cut's own limits: overshooting starts at η = 1/c, climbing at η = 2/c
        "cut_overshoot_b": Fact(1 / cut_curvature("b"), ".1f"),
        "cut_limit_b": Fact(2 / cut_curvature("b"), "g"),
        "cut_overshoot_w": Fact(1 / cut_curvature("w"), ".2f"),
        "cut_limit_w": Fact(2 / cut_curvature("w"), ".2f"),
        # both parameters at once: the bowl's sharpest curvature and the exact limit 2/λ_max
        "lr_lam_max": Fact(lam_max, ".2f"),
        "lr_limit": Fact(2 / lam_max, ".3f"),
        "lr_big_percent_of_limit": Fact(100 * big / (2 / lam_max), ".0f"),
        "lr_big_steep_factor": Fact(1 - big * lam_max, ".3f"),
        "lr_very_big_steep_factor": Fact(1 - very_big * lam_max, ".2f"),
        "cut_small_w_final": Fact(cut_run("w", small).final[model.BY_NAME["w"].index]),
        "cut_small_b_final": Fact(cut_run("b", small).final[model.BY_NAME["b"].index]),
        "cut_big_b_loss": Fact(cut_run("b", big).losses[-1], ".3g"),
        "cut_very_big_b_loss": Fact(cut_run("b", very_big).losses[-1], ".3g"),
        "full_small_loss": Fact(full_run(small).losses[-1], ".4f"),
        "full_big_loss": Fact(full_run(big).losses[-1], ".4f"),
        "full_very_big_steps": Fact(very_big_run.steps, "d"),
        "full_very_big_start_loss": Fact(very_big_run.losses[0], ".2f"),
        "full_very_big_last_loss": Fact(very_big_run.losses[-1], ",.0f"),
        "full_very_big_next_loss": Fact(s.loss(last), ",.0f"),
        "full_very_big_growth": Fact(very_big_run.losses[-1] / very_big_run.losses[-2], ".1f"),
        "explode_factor": Fact(EXPLODE_FACTOR, ",.0f"),
        # the floor: the noise the labels were drawn with, and what this sample of it weighs
    }


# ---------------------------------------------------------------- figures

ASSETS = (
    Asset(
        "one-step-small",
        STILL,
        data=one_step_view,
        draw="one_step",
        params={"rate": "small"},
    ),
    Asset(
        "one-step-big",
        STILL,
        data=one_step_view,
        draw="one_step",
        params={"rate": "big"},
    ),
    Asset(
        "one-step-very-big",
        STILL,
        data=one_step_view,
        draw="one_step",
        params={"rate": "very_big"},
    ),
    Asset(
        "steps-on-cuts-small",
        ANIMATION,
        data=cut_walks_view,
        draw="steps_on_cuts",
        params={"rate": "small"},
    ),
    Asset(
        "steps-on-cuts-big",
        ANIMATION,
        data=cut_walks_view,
        draw="steps_on_cuts",
        params={"rate": "big"},
    ),
    Asset(
        "steps-on-cuts-very-big",
        ANIMATION,
        data=cut_walks_view,
        draw="steps_on_cuts",
        params={"rate": "very_big"},
    ),
    Asset(
        "descent-small",
        ANIMATION,
        data=descent_view,
        draw="descent",
        params={"rate": "small"},
    ),
    Asset(
        "descent-big",
        ANIMATION,
        data=descent_view,
        draw="descent",
        params={"rate": "big"},
    ),
    Asset(
        "descent-very-big",
        ANIMATION,
        data=descent_view,
        draw="descent",
        params={"rate": "very_big"},
    ),
)
