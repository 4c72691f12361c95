"""Chapter "One parameter" (docs/one-parameter.md): gradient descent on L(θ) = θ², where every
learning-rate regime can be checked with pencil and paper, and the same step on a steeper bowl.

Pure NumPy. The runs go through ``quadratic.run`` (that is, ``gdsim.descent``); the figures draw
the result objects below and compute nothing themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from gdsim import checks, quadratic, scenarios, stability
from gdsim.assets import ANIMATION, STILL, Asset
from gdsim.facts import Fact
from gdsim.quadratic import Regime

# Where every walk starts: θ₀ = 2, an error of 2 (the minimum θ* is 0).
THETA0 = 2.0
# Where the chapter draws tangents: both sides of the minimum, and further out.
TANGENT_POINTS = (-2.0, 2.0, 5.0)
# How far each tangent is drawn either side of where it touches.
TANGENT_REACH = 1.2
# η that turns the tangents' slopes into moves in the slope panel.
TANGENT_LR = 0.1
# The step story: a step of 1, then a greedy step of 5, then a tiny one.
STORY_STEPS = (1.0, 5.0)
TINY_STEP = 1e-4
# With step = η × slope, the story's rate (each step halves θ) and its number of steps.
STORY_LR = 0.25
STORY_LR_STEPS = 4
# The steeper bowl 5θ² (curvature 10): the story's rate on it, and the steps the figure shows.
STEEPER_COEFFICIENT = 5.0
STEEPER_STEPS = 2
# One learning rate per regime of θ² that the animation shows, and how many steps it shows.
REGIME_RATES = {Regime.MONOTONE: 0.1, Regime.OSCILLATING: 0.8, Regime.BOUNCING: 1.0, Regime.DIVERGING: 1.05}
REGIME_STEPS = 12
# "Reached the minimum": the error |θ_k − θ*| = |θ_k| down to the site's fraction of its start.
SHRINK = stability.REACHED
# The learning rates of the steps-to-reach curve, with the regime boundaries exactly on it.
STEP_COUNT_RATES = np.union1d(np.round(np.arange(0.005, 1.2501, 0.005), 6), [0.5, 1.0])
# The exercises: a rate to try on θ², and a diverging one whose loss growth per step is asked.
EXERCISE_LR = 0.3
EXERCISE_DIVERGING_LR = REGIME_RATES[Regime.DIVERGING]
# Points per drawn bowl.
CURVE_POINTS = 300


@dataclass(frozen=True)
class Curve:
    """A sampled curve: ``value[k]`` at ``theta[k]``."""

    theta: np.ndarray
    value: np.ndarray


@dataclass(frozen=True)
class Tangent:
    """The tangent of θ² at one point, and the move −η × slope a step would make from there."""

    theta0: float
    loss: float
    slope: float
    line: Curve  # the tangent, TANGENT_REACH either side of theta0
    move: float  # −η × slope at η = TANGENT_LR


@dataclass(frozen=True)
class TangentsView:
    """What the tangent figure shows: θ², its tangents, and the slope line 2θ with the moves."""

    parabola: Curve
    slope_line: Curve
    tangents: tuple[Tangent, ...]
    lr: float


@dataclass(frozen=True)
class Walk:
    """Positions on a bowl with their losses and slopes; ``rose[k]`` says if step k raised the loss."""

    positions: np.ndarray
    losses: np.ndarray
    slopes: np.ndarray
    moves: np.ndarray  # positions[k + 1] − positions[k]
    rose: np.ndarray
    bowl: Curve  # the loss over the part of the axis this walk visits
    curvature: float


@dataclass(frozen=True)
class StepStory:
    """Fixed-size steps (1, then 5) from θ = 2, and steps of η × slope from the same start."""

    fixed: Walk
    sizes: tuple[float, ...]
    scaled: Walk  # step = η × slope
    lr: float
    tiny_step: float
    tiny_steps_needed: int  # fixed steps of TINY_STEP to cover the distance to the minimum


@dataclass(frozen=True)
class BowlRun:
    """One learning rate on one bowl: the walk, its factor 1 − ηc and the limits 1/c and 2/c."""

    name: str  # the loss as the page writes it, in mathtext
    walk: Walk
    factor: float
    one_step_lr: float  # 1/c
    limit_lr: float  # 2/c


@dataclass(frozen=True)
class SteeperBowl:
    """The same η on θ² and on the steeper bowl 5θ², from the same start, on one θ axis."""

    gentle: BowlRun
    steep: BowlRun
    lr: float


@dataclass(frozen=True)
class RegimeRun:
    """One run of the regimes animation: its rate, its factor 1 − 2η and every iterate."""

    regime: Regime
    lr: float
    factor: float
    thetas: np.ndarray  # θ₀ … θ_k
    losses: np.ndarray
    parabola: Curve  # θ² over a window that holds the whole run


@dataclass(frozen=True)
class Regimes:
    """The four regimes of θ², one run each, all from ``theta0`` for ``steps`` steps."""

    runs: tuple[RegimeRun, ...]
    theta0: float
    steps: int


@dataclass(frozen=True)
class Mark:
    """A learning rate marked on the step-count curve."""

    regime: Regime
    lr: float
    steps: int


@dataclass(frozen=True)
class StepCounts:
    """Steps gradient descent on θ² needs to reach |θ_k| ≤ shrink·|θ₀|, per learning rate (inf: never)."""

    lrs: np.ndarray
    steps: np.ndarray
    theta0: float
    shrink: float
    one_step_lr: float  # 1/L'': lands on the minimum in one step
    limit_lr: float  # 2/L'': from here on, never
    marks: tuple[Mark, ...]  # the animation's converging rates


def _bowl(lo: float, hi: float, curvature: float = quadratic.CURVATURE) -> Curve:
    thetas = np.linspace(lo, hi, CURVE_POINTS)
    return Curve(thetas, quadratic.loss(thetas, curvature))


def curvature() -> float:
    """L'' of θ², read off its slope: the slope 2θ is a straight line, so one difference is exact."""
    # L'' = L'(1) − L'(0)
    return float(quadratic.slope(1.0) - quadratic.slope(0.0))


def steeper_curvature() -> float:
    """L'' of 5θ², which is ½·c·θ² with c = 2·5."""
    # 5θ² = ½·(2·5)·θ²
    return 2.0 * STEEPER_COEFFICIENT


def _walk(positions: np.ndarray, lo: float, hi: float, c: float = quadratic.CURVATURE) -> Walk:
    losses = quadratic.loss(positions, c)
    return Walk(positions, losses, quadratic.slope(positions, c), np.diff(positions), np.diff(losses) > 0,
                _bowl(lo, hi, c), c)


def _tolerance(theta0: float, shrink: float) -> float:
    """|θ_k| ≤ shrink·|θ₀|: the error shrunk by ``shrink`` from its start."""
    return shrink * abs(theta0)


@lru_cache(maxsize=None)
def tangents() -> TangentsView:
    """θ² with tangents at ``TANGENT_POINTS``: the sign of the slope says which way is down."""
    found = []
    for theta0 in TANGENT_POINTS:
        thetas = np.linspace(theta0 - TANGENT_REACH, theta0 + TANGENT_REACH, 2)
        slope = float(quadratic.slope(theta0))
        # move = −η · L'(θ₀)
        move = -TANGENT_LR * slope
        line = Curve(thetas, quadratic.tangent(theta0, thetas))
        found.append(Tangent(theta0, float(quadratic.loss(theta0)), slope, line, move))
    lo, hi = min(TANGENT_POINTS) - 2.2, max(TANGENT_POINTS) + 1.2
    ends = np.array([lo, hi])
    return TangentsView(_bowl(lo, hi), Curve(ends, quadratic.slope(ends)), tuple(found), TANGENT_LR)


@lru_cache(maxsize=None)
def step_story() -> StepStory:
    """The greedy walker of the step story, and the same start with step = η × slope."""
    positions = [THETA0]
    for size in STORY_STEPS:
        positions.append(quadratic.step_by(positions[-1], size))
    positions = np.array(positions)
    scaled = quadratic.iterates(THETA0, STORY_LR, STORY_LR_STEPS)
    # steps of fixed size s to cover the distance |θ₀|: ⌈|θ₀| / s⌉ (rounded first, 2/10⁻⁴ is not exact)
    tiny = math.ceil(round(abs(THETA0) / TINY_STEP, 9))
    return StepStory(
        _walk(positions, positions.min() - 1.0, positions.max() + 2.4), STORY_STEPS,
        _walk(scaled, -0.6, THETA0 + 1.1), STORY_LR, TINY_STEP, tiny,
    )


def bowl_run(name: str, c: float, lr: float, steps: int, lo: float, hi: float) -> BowlRun:
    """``steps`` steps at ``lr`` on the bowl ½cθ² from ``THETA0``, drawn over [lo, hi]."""
    walk = _walk(quadratic.iterates(THETA0, lr, steps, c), lo, hi, c)
    # the factor 1 − ηc, and the regime boundaries η = 1/c and η = 2/c
    return BowlRun(name, walk, quadratic.factor(lr, c), 1.0 / c, 2.0 / c)


@lru_cache(maxsize=None)
def steeper_bowl() -> SteeperBowl:
    """The story's η on θ² and on 5θ², over one θ window that holds both walks."""
    c = steeper_curvature()
    steep_thetas = quadratic.iterates(THETA0, STORY_LR, STEEPER_STEPS, c)
    # room either side for the labels of the outermost points
    reach = 1.4 * float(np.abs(steep_thetas).max())
    gentle = bowl_run("$\\theta^2$", quadratic.CURVATURE, STORY_LR, STORY_LR_STEPS, -reach, reach)
    steep = bowl_run(f"${STEEPER_COEFFICIENT:g}\\theta^2$", c, STORY_LR, STEEPER_STEPS, -reach, reach)
    return SteeperBowl(gentle, steep, STORY_LR)


@lru_cache(maxsize=None)
def regimes() -> Regimes:
    """Gradient descent on θ² from ``THETA0``, one run per regime of ``REGIME_RATES``."""
    runs = []
    for regime, lr in REGIME_RATES.items():
        run = quadratic.run(THETA0, lr, REGIME_STEPS)
        thetas = run.params[:, 0]
        reach = max(2.4, 1.12 * float(np.abs(thetas).max()))
        runs.append(RegimeRun(regime, lr, quadratic.factor(lr), thetas, run.losses, _bowl(-reach, reach)))
    return Regimes(tuple(runs), THETA0, REGIME_STEPS)


def step_counts(lrs: ArrayLike, theta0: float = THETA0, shrink: float = SHRINK) -> StepCounts:
    """``quadratic.steps_to_reach`` for each learning rate of ``lrs`` (strictly increasing), down to
    |θ_k| ≤ shrink·|θ₀|."""
    lrs = checks.increasing_rates(lrs)
    theta0, shrink = checks.finite_number(theta0, "theta0"), checks.fraction(shrink, "shrink")
    if theta0 == 0:
        raise ValueError("theta0 must not be 0: the walk would start at the minimum")
    tol = _tolerance(theta0, shrink)
    steps = np.array([quadratic.steps_to_reach(theta0, float(lr), tol) for lr in lrs], dtype=float)
    marks = tuple(
        Mark(regime, lr, quadratic.steps_to_reach(theta0, lr, tol))
        for regime, lr in REGIME_RATES.items()
        if math.isfinite(quadratic.steps_to_reach(theta0, lr, tol))
    )
    # the one-step rate 1/L'' and the limit 2/L''
    return StepCounts(lrs, steps, theta0, shrink, 1.0 / curvature(), 2.0 / curvature(), marks)


@lru_cache(maxsize=None)
def parabola_step_counts() -> StepCounts:
    """The curve of the steps-versus-learning-rate figure: from θ = 2 until the error is a millionth of that."""
    return step_counts(STEP_COUNT_RATES)


def b_cut_curvature() -> float:
    """H_bb of the original problem: the curvature of the loss along b alone, 2 for any data."""
    s = scenarios.get("original")
    # H = (2/n) XᵀX, and H_bb = (2/n)·Σ1² = 2
    return float(stability.hessian(stability.design_matrix(s.split.x_train))[0, 0])


def steps_needed(lr: float) -> int | float:
    """Steps on θ² from ``THETA0`` until the error is ``SHRINK`` of its start."""
    return quadratic.steps_to_reach(THETA0, lr, _tolerance(THETA0, SHRINK))


def facts() -> dict[str, Fact]:
    """Every number the one-parameter page and its captions quote, from the runs the figures draw."""
    story = step_story()
    bowls = steeper_bowl()
    steep = bowls.steep
    by = {run.regime: run for run in regimes().runs}
    slope_at = {t.theta0: t.slope for t in tangents().tangents}
    mono, osc, bounce, div = (by[r] for r in (Regime.MONOTONE, Regime.OSCILLATING, Regime.BOUNCING, Regime.DIVERGING))
    h_bb = b_cut_curvature()
    return {
        "theta2_start": Fact(THETA0, "g"),
        "theta2_curvature": Fact(curvature(), "g"),
        # the regime boundaries of θ²: η = 1/L'' and η = 2/L''
        "regime_half": Fact(1.0 / curvature(), "g"),
        "regime_one": Fact(2.0 / curvature(), "g"),
        "tangent_slope_minus2": Fact(slope_at[-2.0], "g"),
        "tangent_slope_at2": Fact(slope_at[2.0], "g"),
        "tangent_slope_at5": Fact(slope_at[5.0], "g"),
        "story_step_first": Fact(story.sizes[0], "g"),
        "story_step_greedy": Fact(story.sizes[1], "g"),
        "story_theta1": Fact(story.fixed.positions[1], "g"),
        "story_loss1": Fact(story.fixed.losses[1], "g"),
        "story_theta2": Fact(story.fixed.positions[2], "g"),
        "story_loss2": Fact(story.fixed.losses[2], "g"),
        "story_slope2": Fact(story.fixed.slopes[2], "g"),
        "story_lr": Fact(story.lr, "g"),
        "story_lr_theta1": Fact(story.scaled.positions[1], "g"),
        "story_lr_theta2": Fact(story.scaled.positions[2], "g"),
        "story_lr_theta3": Fact(story.scaled.positions[3], "g"),
        "story_factor": Fact(bowls.gentle.factor, "g"),
        "tiny_step": Fact(story.tiny_step, "g"),
        "tiny_steps_needed": Fact(story.tiny_steps_needed, ",d"),
        "tiny_lr_steps": Fact(steps_needed(story.tiny_step), ",d"),
        # the steeper bowl 5θ²: its curvature, slope at the start, factor at the story's η, its walk and limits
        "steeper_bowl_coefficient": Fact(STEEPER_COEFFICIENT, "g"),
        "steeper_bowl_curvature": Fact(steep.walk.curvature, "g"),
        "steeper_bowl_slope_at_start": Fact(steep.walk.slopes[0], "g"),
        "steeper_bowl_slope_ratio": Fact(steep.walk.slopes[0] / story.scaled.slopes[0], "g"),
        "steeper_bowl_loss0": Fact(steep.walk.losses[0], "g"),
        "steeper_bowl_factor": Fact(steep.factor, "g"),
        "steeper_bowl_theta1": Fact(steep.walk.positions[1], "g"),
        "steeper_bowl_loss1": Fact(steep.walk.losses[1], "g"),
        "steeper_bowl_theta2": Fact(steep.walk.positions[2], "g"),
        "steeper_bowl_loss2": Fact(steep.walk.losses[2], "g"),
        "steeper_bowl_one_step_lr": Fact(steep.one_step_lr, "g"),
        "steeper_bowl_limit_lr": Fact(steep.limit_lr, "g"),
        "regime_steps": Fact(REGIME_STEPS, "d"),
        "rate_monotone": Fact(mono.lr, "g"),
        "rate_oscillating": Fact(osc.lr, "g"),
        "rate_bouncing": Fact(bounce.lr, "g"),
        "rate_diverging": Fact(div.lr, "g"),
        "factor_monotone": Fact(mono.factor, ".2g"),
        "factor_oscillating": Fact(osc.factor, ".2g"),
        "factor_diverging": Fact(div.factor, ".2g"),
        "final_theta_monotone": Fact(mono.thetas[-1], ".3g"),
        "final_theta_oscillating": Fact(osc.thetas[-1], ".3g"),
        "final_theta_diverging": Fact(div.thetas[-1], ".3g"),
        "final_loss_bouncing": Fact(bounce.losses[-1], ".3g"),
        "final_loss_diverging": Fact(div.losses[-1], ".3g"),
        "theta2_steps_monotone": Fact(steps_needed(mono.lr), "d"),
        "theta2_steps_oscillating": Fact(steps_needed(osc.lr), "d"),
        # linear regression's b-cut bends like θ²: the learning-rate chapter's rates, as factors 1 − η·H_bb
        "theta2_bcut_curvature": Fact(h_bb, ".3g"),
        "theta2_bcut_factor_small": Fact(1.0 - scenarios.RATES["small"] * h_bb, ".2g"),
        "theta2_bcut_factor_big": Fact(1.0 - scenarios.RATES["big"] * h_bb, ".2g"),
        "theta2_bcut_factor_very_big": Fact(1.0 - scenarios.RATES["very_big"] * h_bb, ".2g"),
        # the exercises
        "theta2_exercise_lr": Fact(EXERCISE_LR, "g"),
        "theta2_exercise_factor": Fact(quadratic.factor(EXERCISE_LR), ".2g"),
        "theta2_exercise_steps": Fact(steps_needed(EXERCISE_LR), "d"),
        # the loss is θ², so it is multiplied by the square of θ's factor
        "theta2_exercise_loss_growth": Fact(quadratic.factor(EXERCISE_DIVERGING_LR) ** 2, ".3g"),
        "theta2_exercise_loss_growth_percent": Fact(100 * (quadratic.factor(EXERCISE_DIVERGING_LR) ** 2 - 1), ".2g"),
    }


ASSETS = (
    Asset(
        "parabola-tangents",
        STILL,
        data=tangents,
        draw="parabola_tangents",
    ),
    Asset(
        "step-story",
        STILL,
        data=step_story,
        draw="step_story",
    ),
    Asset(
        "steeper-bowl",
        STILL,
        data=steeper_bowl,
        draw="steeper_bowl",
    ),
    Asset(
        "parabola-regimes",
        ANIMATION,
        data=regimes,
        draw="parabola_regimes",
    ),
    Asset(
        "steps-vs-learning-rate",
        STILL,
        data=parabola_step_counts,
        draw="steps_vs_learning_rate",
    ),
)
