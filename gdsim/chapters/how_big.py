"""Chapter "How big is too big" (docs/how-big.md): the exact learning-rate limit 2/λ_max of the
three least-squares problems, the Hessian's axes, the error along each axis step by step, and a
sweep of real gradient-descent runs across the limit.

Pure NumPy. Every step goes through ``gdsim.descent``; the figures draw the result objects below
and compute nothing themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from gdsim import checks, model, scenarios, stability, surface
from gdsim.assets import STILL, Asset
from gdsim.descent import gradient_descent, gradient_descent_many
from gdsim.facts import Fact
from gdsim.scenarios import Scenario

NAMES = scenarios.NAMES
# "Reached": the error ‖θ_k − θ*‖ down to the site's fraction of its start.
TOLERANCE = stability.REACHED
# The threshold sweep: η as a fraction of 2/λ_max, evenly spaced, and steps per run.
SWEEP_RATIOS = np.linspace(0.005, 1.5, 300)
SWEEP_STEPS = stability.BOUNDARY_STEPS
# The arrows of the Hessian figure reach this fraction of the way to the nearest window edge.
AXIS_REACH = 0.8
# The error along each eigenvector: the learning-rate chapter's small and big rates, then η*,
# on the original problem, for this many steps.
AXIS_ERROR_RATES = ("small", "big", "best")
AXIS_ERROR_STEPS = 40
# The exercise: a learning rate to try on the original problem.
EXERCISE_LR = 0.5


@dataclass(frozen=True)
class Row:
    """One data set's line of the chapter's table: curvatures, thresholds and speed."""

    name: str
    lam_min: float
    lam_max: float
    max_lr: float  # 2/λ_max
    best_lr: float  # 2/(λ_min + λ_max)
    kappa: float
    best_contraction: float  # (κ − 1)/(κ + 1)
    steps_bound: float  # from the contraction, stability.steps_to_tolerance
    steps_run: float  # counted on an actual run at best_lr
    boundary: float  # where gradient descent turns unstable, bisected
    h_bb: float  # curvature along b alone
    h_ww: float  # curvature along w alone
    h_bw: float  # the coupling term
    axis_lr_b: float  # threshold when only b moves, 2/H_bb
    axis_lr_w: float  # threshold when only w moves, 2/H_ww


@dataclass(frozen=True)
class Sweep:
    """Where ``steps`` steps of gradient descent end for many learning rates around 2/λ_max."""

    name: str
    label: str
    lrs: np.ndarray
    ratios: np.ndarray  # lrs / threshold
    threshold: float  # 2/λ_max, the prediction
    losses: np.ndarray  # loss after ``steps`` steps; inf where the run diverged and was stopped
    diverged: np.ndarray
    unstable: np.ndarray  # diverged, or ended above the start (``stability.is_unstable``'s rule)
    start_loss: float
    best_loss: float  # least-squares loss, the floor
    steps: int
    spacing: float  # the largest gap between neighbouring learning rates
    last_stable: float  # the largest stable rate below the first unstable one
    first_unstable: float
    boundary: float  # the empirical threshold: midway between the two
    boundary_ratio: float  # boundary / threshold, where the figure starts shading the unstable side


@dataclass(frozen=True)
class SweepView:
    """The threshold-sweep figure: one sweep per data set, all from their random starts."""

    sweeps: tuple[Sweep, ...]
    steps: int


@dataclass(frozen=True)
class PrincipalAxes:
    """The Hessian's principal axes at the minimum, with arrows that all reach one contour."""

    name: str
    label: str
    grid: surface.LossGrid
    solution: np.ndarray
    eigenvalues: np.ndarray  # ascending
    vectors: np.ndarray  # unit eigenvectors as columns, largest component positive
    lengths: np.ndarray  # arrow lengths, ∝ 1/√λ
    tips: np.ndarray  # tips[:, i]: where arrow i ends, on the contour of loss ``level``
    lines: np.ndarray  # lines[i]: two points (as columns) of the whole axis i, across the window
    level: float  # the loss of the contour the arrows reach
    kappa: float
    round_bowl: bool  # λ_min = λ_max: every direction is an eigenvector


@dataclass(frozen=True)
class AxesView:
    """The Hessian-axes figure: the principal axes of each data set's loss."""

    maps: tuple[PrincipalAxes, ...]


@dataclass(frozen=True)
class AxisErrors:
    """One run's error θ_k − θ* split along the Hessian's eigenvectors, flat (λ_min) then steep (λ_max)."""

    rate: str  # a key of RATES, or "best" for η*
    lr: float
    factors: np.ndarray  # (2,): 1 − ηλᵢ, what each step multiplies each part by
    errors: np.ndarray  # (k + 1, 2): vᵢ · δ_k with δ_k = θ_k − θ*, measured on the run
    predicted: np.ndarray  # (k + 1, 2): (1 − ηλᵢ)ᵏ · vᵢ · (θ₀ − θ*), the closed form
    envelope: np.ndarray  # (k + 1, 2): |1 − ηλᵢ|ᵏ · |vᵢ · (θ₀ − θ*)|, the size the closed form allows

    @property
    def steps(self) -> int:
        return len(self.errors) - 1


@dataclass(frozen=True)
class AxisErrorsView:
    """The error along the flat and the steep eigenvector, step by step, for a few learning rates."""

    name: str
    runs: tuple[AxisErrors, ...]
    eigenvalues: np.ndarray  # ascending
    vectors: np.ndarray  # unit eigenvectors as columns, largest component positive
    best_lr: float
    steps: int


def _problem(x: ArrayLike, y: ArrayLike, start: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y = checks.data(x, y)
    return x, y, checks.point(start, "start [b, w]", len(model.PARAMETERS))


def axis_thresholds(x: ArrayLike) -> tuple[float, float]:
    """The largest stable rate when only b moves (2/H_bb) and when only w moves (2/H_ww)."""
    h = stability.hessian(stability.design_matrix(x))
    # along one axis the loss is a parabola of curvature H_ii: stable iff η < 2/H_ii
    return float(2.0 / h[0, 0]), float(2.0 / h[1, 1])


def axis_errors(x: ArrayLike, y: ArrayLike, start: ArrayLike, lr: float, steps: int, rate: str = "") -> AxisErrors:
    """Run gradient descent and split its error θ_k − θ* along the Hessian's eigenvectors.

    For a quadratic bowl the part along eigenvector i is multiplied by 1 − ηλᵢ every step, so the
    run's ``errors`` should equal ``predicted``; the test holds them to that.
    """
    x, y, start = _problem(x, y, start)
    lr, steps = checks.learning_rate(lr), checks.step_count(steps)
    values, vectors = stability.oriented_eigenvectors(x)
    solution = model.least_squares(x, y)
    run = gradient_descent(x, y, start, lr, steps)
    # vᵢ · δ_k, δ_k = θ_k − θ*
    errors = (run.params - solution) @ vectors
    factors = 1.0 - lr * values
    # vᵢ · δ_k = (1 − ηλᵢ)ᵏ · vᵢ · δ₀
    powers = factors ** np.arange(run.steps + 1)[:, None]
    predicted = powers * errors[0]
    # |vᵢ · δ_k| = |1 − ηλᵢ|ᵏ · |vᵢ · δ₀|
    envelope = np.abs(powers) * np.abs(errors[0])
    return AxisErrors(rate, lr, factors, errors, predicted, envelope)


def steps_to_converge(x: ArrayLike, y: ArrayLike, start: ArrayLike, lr: float, tol: float = TOLERANCE) -> float:
    """Steps an actual run at ``lr`` takes until ‖θ_k − θ*‖ ≤ tol·‖θ₀ − θ*‖; inf if it never does.

    The run is ``stability.steps_to_tolerance`` steps long (the bound), plus a margin.
    """
    lr = checks.learning_rate(lr)
    x, y, start = _problem(x, y, start)
    bound = stability.steps_to_tolerance(stability.design_matrix(x), lr, tol)
    if math.isinf(bound):
        return math.inf
    solution = model.least_squares(x, y)
    run = gradient_descent(x, y, start, lr, int(bound) + 10)
    errors = np.linalg.norm(run.params - solution, axis=1)
    reached = np.flatnonzero(errors <= tol * errors[0])
    return float(reached[0]) if reached.size else math.inf


def table_row(name: str, x: ArrayLike, y: ArrayLike, start: ArrayLike, tol: float = TOLERANCE) -> Row:
    """All the numbers of one table row for the problem (x, y) started at ``start``."""
    x, y, start = _problem(x, y, start)
    X = stability.design_matrix(x)
    found = stability.analyse(X)
    lam_min, lam_max = (float(v) for v in found.eigenvalues[[0, -1]])
    h = stability.hessian(X)
    # bracket the boundary well inside the stable and the unstable side
    boundary = stability.divergence_boundary(x, y, start, 0.5 * found.max_stable_lr, 1.5 * found.max_stable_lr)
    cut_b, cut_w = axis_thresholds(x)
    return Row(
        name, lam_min, lam_max, found.max_stable_lr, found.best_lr, found.condition_number,
        found.best_contraction, float(stability.steps_to_tolerance(X, found.best_lr, tol)),
        steps_to_converge(x, y, start, found.best_lr, tol), boundary,
        float(h[0, 0]), float(h[1, 1]), float(h[0, 1]), cut_b, cut_w,
    )


def sweep(
    x: ArrayLike, y: ArrayLike, start: ArrayLike, ratios: ArrayLike, steps: int = SWEEP_STEPS, name: str = "", label: str = ""
) -> Sweep:
    """Run gradient descent ``steps`` steps at η = ratio × 2/λ_max for each ratio (increasing).

    Raises ValueError if the sweep does not cross the threshold (all runs stable, or all unstable).
    """
    x, y, start = _problem(x, y, start)
    ratios, steps = checks.increasing_rates(ratios, "ratios"), checks.step_count(steps)
    threshold = stability.max_stable_lr(stability.design_matrix(x))
    # η = ratio · 2/λ_max
    lrs = ratios * threshold
    runs = gradient_descent_many(x, y, start, lrs, steps)
    losses = np.where(runs.diverged, np.inf, runs.final_losses)
    start_loss = model.mse(start, x, y)
    unstable = runs.diverged | (losses > start_loss)
    if unstable.all() or not unstable.any():
        raise ValueError("the sweep does not cross the threshold: widen its range")
    first_unstable = float(lrs[np.argmax(unstable)])
    below = lrs[lrs < first_unstable]
    if below.size == 0:
        raise ValueError("the first rate of the sweep is already unstable: start it lower")
    last_stable = float(below[-1])
    spacing = float(np.max(np.diff(lrs))) if len(lrs) > 1 else math.inf
    best = model.mse(model.least_squares(x, y), x, y)
    boundary = 0.5 * (last_stable + first_unstable)
    return Sweep(
        name, label, lrs, lrs / threshold, threshold, losses, runs.diverged, unstable, start_loss, best, steps,
        spacing, last_stable, first_unstable, boundary, boundary / threshold,
    )


def principal_axes(s: Scenario, reach: float = AXIS_REACH) -> PrincipalAxes:
    """Eigenvectors of the Hessian from the minimum, each as long as it takes to reach one contour.

    Along eigenvector i the loss rises as L* + ½λᵢr², so the contour L* + c is met at r = √(2c/λᵢ):
    the flattest axis is the longest. c is chosen so that axis reaches ``reach`` of the way to the
    nearest edge of the scenario's window.
    """
    values, vectors = stability.oriented_eigenvectors(s.split.x_train)
    solution = s.solution
    g = s.grid
    room = min(solution[0] - g.b[0], g.b[-1] - solution[0], solution[1] - g.w[0], g.w[-1] - solution[1])
    # c = ½ λ_min r², with r the longest arrow
    c = 0.5 * values[0] * (reach * room) ** 2
    # r_i = √(2c / λᵢ)
    lengths = np.sqrt(2.0 * c / values)
    # tip_i = θ* + r_i·v_i
    tips = solution[:, None] + vectors * lengths
    # each whole axis, θ* ± (window diagonal)·v_i: long enough to cross the window
    span = float(np.hypot(g.b[-1] - g.b[0], g.w[-1] - g.w[0]))
    lines = np.stack([solution[:, None] + np.outer(vectors[:, i], [-span, span]) for i in range(len(values))])
    # κ = λ_max / λ_min
    kappa = float(values[-1] / values[0])
    return PrincipalAxes(
        s.name, s.label, g, solution, values, vectors, lengths, tips, lines, float(s.solution_loss + c), kappa,
        bool(np.isclose(values[0], values[-1])),
    )


@lru_cache(maxsize=None)
def table() -> tuple[Row, ...]:
    """Rows for the original, bad (×10) and standardized problems, each from the random start."""
    rows = []
    for name in NAMES:
        s = scenarios.get(name)
        rows.append(table_row(name, s.split.x_train, s.split.y_train, s.start))
    return tuple(rows)


@lru_cache(maxsize=None)
def sweeps() -> SweepView:
    """The threshold sweep of each problem, from its random start."""
    found = []
    for name in NAMES:
        s = scenarios.get(name)
        found.append(sweep(s.split.x_train, s.split.y_train, s.start, SWEEP_RATIOS, SWEEP_STEPS, name, s.label))
    return SweepView(tuple(found), SWEEP_STEPS)


@lru_cache(maxsize=None)
def hessian_axes() -> AxesView:
    """Principal axes of each problem's loss, for the contour-map figure."""
    return AxesView(tuple(principal_axes(scenarios.get(name)) for name in NAMES))


@lru_cache(maxsize=None)
def eigen_errors() -> AxisErrorsView:
    """The error along each eigenvector of the original problem at η = 0.2, 0.8 and η*, from the random start."""
    s = scenarios.get("original")
    x, y = s.split.x_train, s.split.y_train
    values, vectors = stability.oriented_eigenvectors(x)
    best = stability.best_lr(stability.design_matrix(x))
    rates = {**scenarios.RATES, "best": best}
    runs = tuple(axis_errors(x, y, s.start, rates[rate], AXIS_ERROR_STEPS, rate) for rate in AXIS_ERROR_RATES)
    return AxisErrorsView(s.name, runs, values, vectors, best, AXIS_ERROR_STEPS)


def _zero_if_rounding(value: float) -> float:
    """A value that is 0 in exact arithmetic but came out as rounding noise (below 10⁻¹²) is shown as 0."""
    return 0.0 if abs(value) < 1e-12 else float(value)


def facts() -> dict[str, Fact]:
    """Every number the how-big page and its captions quote, from the table and the sweeps."""
    orig, bad, std = table()
    by = {s.name: s for s in sweeps().sweeps}
    at_threshold = int(np.argmin(np.abs(by["original"].ratios - 1.0)))
    big, very_big = scenarios.RATES["big"], scenarios.RATES["very_big"]
    along = {run.rate: run for run in eigen_errors().runs}
    small_run, big_run, best_run = along["small"], along["big"], along["best"]
    X = stability.design_matrix(scenarios.get("original").split.x_train)
    return {
        "sweep_steps": Fact(SWEEP_STEPS, "d"),
        "sweep_runs": Fact(len(SWEEP_RATIOS), "d"),
        "sweep_spacing_percent": Fact(100 * float(np.diff(SWEEP_RATIOS)[0]), ".2g"),
        "sweep_max_ratio": Fact(float(SWEEP_RATIOS[-1]), "g"),
        "sweep_loss_at_threshold": Fact(by["original"].losses[at_threshold], ".3g"),
        "sweep_start_loss": Fact(by["original"].start_loss, ".3g"),
        "sweep_last_stable_original": Fact(by["original"].last_stable, ".4g"),
        "sweep_last_stable_bad": Fact(by["bad"].last_stable, ".4g"),
        "sweep_last_stable_standardized": Fact(by["standardized"].last_stable, ".4g"),
        "sweep_first_unstable_original": Fact(by["original"].first_unstable, ".4g"),
        "sweep_first_unstable_bad": Fact(by["bad"].first_unstable, ".4g"),
        "sweep_first_unstable_standardized": Fact(by["standardized"].first_unstable, ".4g"),
        "lam_min_original": Fact(orig.lam_min, ".3g"),
        "lam_min_bad": Fact(bad.lam_min, ".3g"),
        "lam_min_standardized": Fact(std.lam_min, ".3g"),
        "lam_max_original": Fact(orig.lam_max, ".3g"),
        "lam_max_bad": Fact(bad.lam_max, ".3g"),
        "lam_max_standardized": Fact(std.lam_max, ".3g"),
        "kappa_original": Fact(orig.kappa, ".3g"),
        "kappa_bad": Fact(bad.kappa, ".3g"),
        "kappa_standardized": Fact(std.kappa, ".3g"),
        "eta_max_original": Fact(orig.max_lr, ".3g"),
        "eta_max4_original": Fact(orig.max_lr, ".4g"),
        "eta_max4_bad": Fact(bad.max_lr, ".4g"),
        "eta_max4_standardized": Fact(std.max_lr, ".4g"),
        "eta_best_original": Fact(orig.best_lr, ".3g"),
        "eta_best_bad": Fact(bad.best_lr, ".3g"),
        "eta_best_standardized": Fact(std.best_lr, ".3g"),
        "rho_best_original": Fact(_zero_if_rounding(orig.best_contraction), ".3g"),
        "rho_best_bad": Fact(_zero_if_rounding(bad.best_contraction), ".3g"),
        "rho_best_standardized": Fact(_zero_if_rounding(std.best_contraction), ".3g"),
        "steps_best_original": Fact(orig.steps_bound, ",.0f"),
        "steps_best_bad": Fact(bad.steps_bound, ",.0f"),
        "steps_best_standardized": Fact(std.steps_bound, ",.0f"),
        "steps_run_original": Fact(orig.steps_run, ",.0f"),
        "steps_run_bad": Fact(bad.steps_run, ",.0f"),
        "steps_run_standardized": Fact(std.steps_run, ",.0f"),
        "boundary_original": Fact(orig.boundary, ".4g"),
        "boundary_bad": Fact(bad.boundary, ".4g"),
        "boundary_standardized": Fact(std.boundary, ".4g"),
        # how far the bisected boundary lies from 2/λ_max, the worst of the three, in percent
        "boundary_gap_percent": Fact(100 * max(abs(r.boundary - r.max_lr) / r.max_lr for r in (orig, bad, std)), ".1g"),
        "h_bb_original": Fact(orig.h_bb, ".3g"),
        "h_ww_original": Fact(orig.h_ww, ".3g"),
        "h_bw_original": Fact(_zero_if_rounding(orig.h_bw), ".3g"),
        "axis_lr_b_original": Fact(orig.axis_lr_b, ".3g"),
        "axis_lr_w_original": Fact(orig.axis_lr_w, ".3g"),
        # η as a share of the exact limit, and the factor 1 − ηλ_max on the steep error part each step
        "big_percent_of_threshold": Fact(100 * big / orig.max_lr, ".3g"),
        "big_steep_factor": Fact(1 - big * orig.lam_max, ".3g"),
        "big_steep_shrink_percent": Fact(100 * (1 - abs(1 - big * orig.lam_max)), ".2g"),
        "very_big_percent_of_threshold": Fact(100 * very_big / orig.max_lr, ".3g"),
        "very_big_steep_factor": Fact(1 - very_big * orig.lam_max, ".3g"),
        "very_big_grow_percent": Fact(100 * (abs(1 - very_big * orig.lam_max) - 1), ".2g"),
        # κ of the bad problem against the original: the bound's step counts grow roughly like κ
        "kappa_ratio_bad": Fact(bad.kappa / orig.kappa, ".2g"),
        "steps_ratio_bad": Fact(bad.steps_bound / orig.steps_bound, ".2g"),
        # how many times lower the bad feature's limit is than the original's: λ_max grew that much
        "limit_ratio_bad": Fact(orig.max_lr / bad.max_lr, ".2g"),
        # the error along the flat and the steep eigenvector: its start, and the factor 1 − ηλ per step
        "axis_steps": Fact(AXIS_ERROR_STEPS, "d"),
        "axis_flat_error0": Fact(abs(small_run.errors[0, 0]), ".3g"),
        "axis_steep_error0": Fact(abs(small_run.errors[0, 1]), ".3g"),
        "axis_flat_factor_small": Fact(small_run.factors[0], ".3f"),
        "axis_steep_factor_small": Fact(small_run.factors[1], ".3f"),
        "axis_flat_factor_big": Fact(big_run.factors[0], ".3f"),
        "axis_steep_factor_big": Fact(big_run.factors[1], ".3f"),
        "axis_flat_factor_best": Fact(best_run.factors[0], ".3f"),
        "axis_steep_factor_best": Fact(best_run.factors[1], ".3f"),
        # what is left of each part after the figure's steps, in percent of where it started
        "axis_flat_left_small_percent": Fact(100 * abs(small_run.errors[-1, 0] / small_run.errors[0, 0]), ".2g"),
        "axis_flat_left_big_percent": Fact(100 * abs(big_run.errors[-1, 0] / big_run.errors[0, 0]), ".2g"),
        "axis_steep_left_big_percent": Fact(100 * abs(big_run.errors[-1, 1] / big_run.errors[0, 1]), ".2g"),
        "axis_left_best_percent": Fact(100 * abs(best_run.errors[-1, 0] / best_run.errors[0, 0]), ".2g"),
        # steps to shrink the error a millionfold at η = 0.2 (the contraction bound), for the exercises
        "axis_steps_small": Fact(float(stability.steps_to_tolerance(X, scenarios.RATES["small"], TOLERANCE)), ",.0f"),
        "how_big_exercise_lr": Fact(EXERCISE_LR, "g"),
        "how_big_exercise_rho": Fact(stability.contraction(X, EXERCISE_LR), ".3g"),
        "how_big_exercise_flat_factor": Fact(1 - EXERCISE_LR * orig.lam_min, ".3g"),
        "how_big_exercise_steep_factor": Fact(1 - EXERCISE_LR * orig.lam_max, ".3g"),
        "how_big_exercise_steps": Fact(float(stability.steps_to_tolerance(X, EXERCISE_LR, TOLERANCE)), ",.0f"),
    }


ASSETS = (
    Asset(
        "hessian-axes",
        STILL,
        data=hessian_axes,
        draw="hessian_axes_maps",
    ),
    Asset(
        "error-along-axes",
        STILL,
        data=eigen_errors,
        draw="error_along_axes",
    ),
    Asset(
        "threshold-sweep",
        STILL,
        data=sweeps,
        draw="threshold_sweep",
    ),
)
