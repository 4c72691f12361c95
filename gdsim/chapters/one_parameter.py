"""Chapter "One parameter" (docs/one-parameter.md): gradient descent on L(x) = x², where every
learning-rate regime can be checked with pencil and paper.

Pure NumPy. The runs go through ``quadratic.run`` (that is, ``gdsim.descent``); the figures draw
the result objects below and compute nothing themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from gdsim import checks, quadratic
from gdsim.assets import ANIMATION, STILL, Asset
from gdsim.catalogue import Fact
from gdsim.quadratic import Regime

# Where every walk on x² starts.
X0 = 2.0
# Where the chapter draws tangents: both sides of the minimum, and further out.
TANGENT_POINTS = (-2.0, 2.0, 5.0)
# How far each tangent is drawn either side of where it touches.
TANGENT_REACH = 1.2
# η that turns the tangents' slopes into moves in the slope panel.
TANGENT_LR = 0.1
# The step story: a step of 1, then a greedy step of 5, then a tiny one.
STORY_STEPS = (1.0, 5.0)
TINY_STEP = 1e-4
# With step = η × slope, the story's rate (each step halves x) and its number of steps.
STORY_LR = 0.25
STORY_LR_STEPS = 4
# One learning rate per regime of x² that the animation shows, and how many steps it shows.
REGIME_RATES = {Regime.MONOTONE: 0.1, Regime.OSCILLATING: 0.8, Regime.BOUNCING: 1.0, Regime.DIVERGING: 1.05}
REGIME_STEPS = 12
# "Reached the minimum": |x| at most this.
TOL = 1e-6
# The learning rates of the steps-to-tolerance curve, with the regime boundaries exactly on it.
STEP_COUNT_RATES = np.union1d(np.round(np.arange(0.005, 1.2501, 0.005), 6), [0.5, 1.0])
# Points per drawn parabola.
CURVE_POINTS = 300


@dataclass(frozen=True)
class Curve:
    """A sampled curve: ``y[k]`` at ``x[k]``."""

    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class Tangent:
    """The tangent of x² at one point, and the move −η × slope a step would make from there."""

    x0: float
    loss: float
    slope: float
    line: Curve  # the tangent, TANGENT_REACH either side of x0
    move: float  # −η × slope at η = TANGENT_LR


@dataclass(frozen=True)
class TangentsView:
    """What the tangent figure shows: x², its tangents, and the slope line 2x with the moves."""

    parabola: Curve
    slope_line: Curve
    tangents: tuple[Tangent, ...]
    lr: float


@dataclass(frozen=True)
class Walk:
    """Positions on x² with their losses and slopes; ``rose[k]`` says if step k raised the loss."""

    positions: np.ndarray
    losses: np.ndarray
    slopes: np.ndarray
    moves: np.ndarray  # positions[k + 1] − positions[k]
    rose: np.ndarray
    parabola: Curve  # x² over the part of the axis this walk visits


@dataclass(frozen=True)
class StepStory:
    """Fixed-size steps (1, then 5) from x = 2, and steps of η × slope from the same start."""

    fixed: Walk
    sizes: tuple[float, ...]
    scaled: Walk  # step = η × slope
    lr: float
    tiny_step: float
    tiny_steps_needed: int  # fixed steps of TINY_STEP to cover the distance to the minimum


@dataclass(frozen=True)
class RegimeRun:
    """One run of the regimes animation: its rate, its factor 1 − 2η and every iterate."""

    regime: Regime
    lr: float
    factor: float
    xs: np.ndarray  # x₀ … x_k
    losses: np.ndarray
    parabola: Curve  # x² over a window that holds the whole run


@dataclass(frozen=True)
class Regimes:
    """The four regimes of x², one run each, all from ``x0`` for ``steps`` steps."""

    runs: tuple[RegimeRun, ...]
    x0: float
    steps: int


@dataclass(frozen=True)
class Mark:
    """A learning rate marked on the step-count curve."""

    regime: Regime
    lr: float
    steps: int


@dataclass(frozen=True)
class StepCounts:
    """Steps gradient descent on x² needs to reach |x| ≤ tol, for each learning rate (inf: never)."""

    lrs: np.ndarray
    steps: np.ndarray
    x0: float
    tol: float
    one_step_lr: float  # 1/L'': lands on the minimum in one step
    limit_lr: float  # 2/L'': from here on, never
    marks: tuple[Mark, ...]  # the animation's converging rates


def _parabola(lo: float, hi: float) -> Curve:
    xs = np.linspace(lo, hi, CURVE_POINTS)
    return Curve(xs, quadratic.loss(xs))


def curvature() -> float:
    """L'' of x², read off its slope: the slope 2x is a straight line, so one difference is exact."""
    # L'' = L'(1) − L'(0)
    return float(quadratic.slope(1.0) - quadratic.slope(0.0))


def _walk(positions: np.ndarray, lo: float, hi: float) -> Walk:
    losses = quadratic.loss(positions)
    return Walk(positions, losses, quadratic.slope(positions), np.diff(positions), np.diff(losses) > 0,
                _parabola(lo, hi))


@lru_cache(maxsize=None)
def tangents() -> TangentsView:
    """x² with tangents at ``TANGENT_POINTS``: the sign of the slope says which way is down."""
    found = []
    for x0 in TANGENT_POINTS:
        xs = np.linspace(x0 - TANGENT_REACH, x0 + TANGENT_REACH, 2)
        slope = float(quadratic.slope(x0))
        # move = −η · L'(x₀)
        move = -TANGENT_LR * slope
        found.append(Tangent(x0, float(quadratic.loss(x0)), slope, Curve(xs, quadratic.tangent(x0, xs)), move))
    lo, hi = min(TANGENT_POINTS) - 2.2, max(TANGENT_POINTS) + 1.2
    ends = np.array([lo, hi])
    return TangentsView(_parabola(lo, hi), Curve(ends, quadratic.slope(ends)), tuple(found), TANGENT_LR)


@lru_cache(maxsize=None)
def step_story() -> StepStory:
    """The greedy walker of the step story, and the same start with step = η × slope."""
    positions = [X0]
    for size in STORY_STEPS:
        positions.append(quadratic.step_by(positions[-1], size))
    positions = np.array(positions)
    scaled = quadratic.iterates(X0, STORY_LR, STORY_LR_STEPS)
    # steps of fixed size s to cover the distance |x₀|: ⌈|x₀| / s⌉ (rounded first, 2/10⁻⁴ is not exact)
    tiny = math.ceil(round(abs(X0) / TINY_STEP, 9))
    return StepStory(
        _walk(positions, positions.min() - 1.0, positions.max() + 2.4), STORY_STEPS,
        _walk(scaled, -0.6, X0 + 1.1), STORY_LR, TINY_STEP, tiny,
    )


@lru_cache(maxsize=None)
def regimes() -> Regimes:
    """Gradient descent on x² from ``X0``, one run per regime of ``REGIME_RATES``."""
    runs = []
    for regime, lr in REGIME_RATES.items():
        run = quadratic.run(X0, lr, REGIME_STEPS)
        xs = run.params[:, 0]
        reach = max(2.4, 1.12 * float(np.abs(xs).max()))
        # each step multiplies x by 1 − 2η
        factor = 1.0 - 2.0 * lr
        runs.append(RegimeRun(regime, lr, factor, xs, run.losses, _parabola(-reach, reach)))
    return Regimes(tuple(runs), X0, REGIME_STEPS)


def step_counts(lrs: ArrayLike, x0: float = X0, tol: float = TOL) -> StepCounts:
    """``quadratic.steps_to_reach`` for each learning rate of ``lrs`` (strictly increasing)."""
    lrs = checks.increasing_rates(lrs)
    steps = np.array([quadratic.steps_to_reach(x0, float(lr), tol) for lr in lrs], dtype=float)
    marks = tuple(
        Mark(regime, lr, quadratic.steps_to_reach(x0, lr, tol))
        for regime, lr in REGIME_RATES.items()
        if math.isfinite(quadratic.steps_to_reach(x0, lr, tol))
    )
    # the one-step rate 1/L'' and the limit 2/L''
    return StepCounts(lrs, steps, float(x0), float(tol), 1.0 / curvature(), 2.0 / curvature(), marks)


@lru_cache(maxsize=None)
def parabola_step_counts() -> StepCounts:
    """The curve of the steps-versus-learning-rate figure: from x = 2 down to |x| ≤ 10⁻⁶."""
    return step_counts(STEP_COUNT_RATES)


def facts() -> dict[str, Fact]:
    """Every number the one-parameter page and its captions quote, from the runs the figures draw."""
    story = step_story()
    by = {run.regime: run for run in regimes().runs}
    slope_at = {t.x0: t.slope for t in tangents().tangents}
    mono, osc, bounce, div = (by[r] for r in (Regime.MONOTONE, Regime.OSCILLATING, Regime.BOUNCING, Regime.DIVERGING))
    return {
        "x2_start": Fact(X0, "g"),
        "x2_curvature": Fact(curvature(), "g"),
        # the regime boundaries of x²: η = 1/L'' and η = 2/L''
        "regime_half": Fact(1.0 / curvature(), "g"),
        "regime_one": Fact(2.0 / curvature(), "g"),
        "cubic_slope_at_start": Fact(float(quadratic.cubic_slope(X0)), "g"),
        "tangent_slope_minus2": Fact(slope_at[-2.0], "g"),
        "tangent_slope_at2": Fact(slope_at[2.0], "g"),
        "tangent_slope_at5": Fact(slope_at[5.0], "g"),
        "story_step_first": Fact(story.sizes[0], "g"),
        "story_step_greedy": Fact(story.sizes[1], "g"),
        "story_x1": Fact(story.fixed.positions[1], "g"),
        "story_loss1": Fact(story.fixed.losses[1], "g"),
        "story_x2": Fact(story.fixed.positions[2], "g"),
        "story_loss2": Fact(story.fixed.losses[2], "g"),
        "story_slope2": Fact(story.fixed.slopes[2], "g"),
        "story_lr": Fact(story.lr, "g"),
        "story_lr_x1": Fact(story.scaled.positions[1], "g"),
        "story_lr_x2": Fact(story.scaled.positions[2], "g"),
        "story_lr_x3": Fact(story.scaled.positions[3], "g"),
        "tiny_step": Fact(story.tiny_step, "g"),
        "tiny_steps_needed": Fact(story.tiny_steps_needed, ",d"),
        "tiny_lr_steps": Fact(quadratic.steps_to_reach(X0, story.tiny_step, TOL), ",d"),
        "regime_steps": Fact(REGIME_STEPS, "d"),
        "rate_monotone": Fact(mono.lr, "g"),
        "rate_oscillating": Fact(osc.lr, "g"),
        "rate_bouncing": Fact(bounce.lr, "g"),
        "rate_diverging": Fact(div.lr, "g"),
        "factor_monotone": Fact(mono.factor, ".2g"),
        "factor_oscillating": Fact(osc.factor, ".2g"),
        "factor_diverging": Fact(div.factor, ".2g"),
        "final_x_monotone": Fact(mono.xs[-1], ".3g"),
        "final_x_oscillating": Fact(osc.xs[-1], ".3g"),
        "final_x_diverging": Fact(div.xs[-1], ".3g"),
        "final_loss_bouncing": Fact(bounce.losses[-1], ".3g"),
        "final_loss_diverging": Fact(div.losses[-1], ".3g"),
        "x2_steps_monotone": Fact(quadratic.steps_to_reach(X0, mono.lr, TOL), "d"),
        "x2_steps_oscillating": Fact(quadratic.steps_to_reach(X0, osc.lr, TOL), "d"),
    }


ASSETS = (
    Asset(
        "parabola-tangents",
        STILL,
        data=tangents,
        draw="parabola_tangents",
        alt=(
            "Two panels. The first shows the parabola loss = x² with dashed green tangent lines touching it at "
            "x = −2, 2 and 5, whose slopes are {tangent_slope_minus2}, {tangent_slope_at2} and {tangent_slope_at5}: "
            "the line at −2 falls, the two on the right rise, the one at 5 most steeply. The second shows the slope "
            "2x as a straight line through the origin with the same three points on it, and under each a blue "
            "arrow for the move minus η times the slope: to the right from −2, to the left from 2, and furthest to "
            "the left from 5."
        ),
        caption="The slope of x² is 2x: its sign says which way is downhill, its size how far the step goes.",
    ),
    Asset(
        "step-story",
        STILL,
        data=step_story,
        draw="step_story",
        alt=(
            "Two parabolas. The first, fixed steps: from x = {x2_start} a step of {story_step_first} to the left "
            "lands at x = {story_x1}, loss {story_loss1}, drawn blue because the loss fell; a greedy step of "
            "{story_step_greedy} then jumps over the bottom to x = {story_x2}, loss {story_loss2}, drawn purple "
            "because the loss rose. The second, steps of learning rate {story_lr} times the slope from the same "
            "start: x goes {x2_start}, {story_lr_x1}, {story_lr_x2}, {story_lr_x3} and so on, each step half the "
            "one before, all downhill."
        ),
        caption="A fixed step ignores the slope and overshoots; a step of η × slope shrinks as the bottom nears.",
    ),
    Asset(
        "parabola-regimes",
        ANIMATION,
        data=regimes,
        draw="parabola_regimes",
        alt=(
            "Animation of {regime_steps} steps of gradient descent on x² from x = {x2_start}: four small parabola "
            "panels in a two-by-two grid, one per learning rate, and one more panel, beside the grid or below it "
            "on a narrow screen, with the four loss curves per step on a log scale. η = {rate_monotone}: the "
            "point slides down one side and ends at x = {final_x_monotone}. η = {rate_oscillating}: it jumps from "
            "side to side in shrinking zig-zags to x = {final_x_oscillating}. η = {rate_bouncing}: it bounces "
            "between {x2_start} and −{x2_start} and the loss stays at {final_loss_bouncing}, a flat line. "
            "η = {rate_diverging}, drawn on wider axes: each jump lands higher, reaching x = {final_x_diverging} "
            "and loss {final_loss_diverging}, the one rising line."
        ),
        caption=(
            "The four regimes of x²: below {regime_half}, between {regime_half} and {regime_one}, exactly "
            "{regime_one}, and above it."
        ),
    ),
    Asset(
        "steps-vs-learning-rate",
        STILL,
        data=parabola_step_counts,
        draw="steps_vs_learning_rate",
        alt=(
            "A V-shaped curve on a log scale: the number of steps gradient descent needs to bring x from "
            "{x2_start} to within a millionth of 0, against the learning rate from 0 to beyond {regime_one}. The "
            "count falls as η grows to {regime_half}, where one step suffices, marked with a green star, then "
            "rises again towards {regime_one}. Shaded bands name the regimes: monotone, oscillating, and "
            "diverging to the right of an orange line at η = {regime_one}, where the count is infinite. Dots mark "
            "η = {rate_monotone} ({x2_steps_monotone} steps) and η = {rate_oscillating} "
            "({x2_steps_oscillating} steps)."
        ),
        caption="Steps to reach the minimum of x²: fewest at η = {regime_half}, never at {regime_one} or above.",
    ),
)
