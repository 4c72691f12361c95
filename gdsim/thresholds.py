"""How big is too big, computed: the x² runs, and the exact thresholds of the three least-squares
problems checked against gradient descent itself.

Pure NumPy, no plotting. The scenario-level functions are cached, so the chapters' numbers
(``facts.py``) and the figures (``draw/quadratic_plots.py``, ``draw/threshold_plots.py``) share one
computation. The public functions that take arrays validate them and raise a ``ValueError``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import model, quadratic, stability
from gdsim.descent import Trajectory, check_lr, check_steps, gradient_descent
from gdsim.scenario import Scenario, three

# ---------------------------------------------------------------- one parameter, loss x²

PARABOLA_START = 2.0
# Where the chapter draws tangents: both sides of the minimum, and further out.
TANGENT_POINTS = (-2.0, 2.0, 5.0)
# The step story: a step of 1, then a greedy step of 5, then a tiny one.
STORY_STEPS = (1.0, 5.0)
TINY_STEP = 1e-4
# With step = η × slope, the story's rate (each step halves x) and its number of steps.
STORY_LR = 0.25
STORY_LR_STEPS = 4
# One learning rate per regime of x², and how many steps the animation shows.
REGIME_RATES = {"monotone": 0.1, "oscillating": 0.8, "bouncing": 1.0, "diverging": 1.05}
REGIME_STEPS = 12
# "Reached the minimum": |x| at most this (the start is 2).
PARABOLA_TOL = 1e-6
# The learning rates of the steps-to-tolerance curve, with the regime boundaries exactly on it.
STEP_COUNT_RATES = np.union1d(np.round(np.arange(0.005, 1.2501, 0.005), 6), [0.5, 1.0])


@dataclass(frozen=True)
class Tangent:
    """The tangent of x² at one point: where it touches, its slope, and its values over ``xs``."""

    x0: float
    loss: float
    slope: float
    xs: np.ndarray
    line: np.ndarray


@dataclass(frozen=True)
class StepStory:
    """Fixed-size steps (1, then 5) from x = 2, and steps of η × slope from the same start."""

    positions: np.ndarray  # 2, 1, −4
    losses: np.ndarray
    slopes: np.ndarray
    sizes: tuple[float, ...]
    lr_run: Trajectory  # step = η × slope with η = STORY_LR
    tiny_step: float
    tiny_steps_needed: int  # fixed steps of TINY_STEP to cover the distance to the minimum


@dataclass(frozen=True)
class StepCounts:
    """Steps gradient descent on x² needs to reach |x| ≤ tol, for each learning rate (inf: never)."""

    lrs: np.ndarray
    steps: np.ndarray
    x0: float
    tol: float


@lru_cache(maxsize=None)
def tangents(points: tuple[float, ...] = TANGENT_POINTS, reach: float = 1.2) -> tuple[Tangent, ...]:
    """Tangent lines of x² at ``points``, each drawn ``reach`` either side of where it touches."""
    out = []
    for x0 in points:
        xs = np.linspace(x0 - reach, x0 + reach, 2)
        out.append(Tangent(x0, float(quadratic.loss(x0)), float(quadratic.slope(x0)), xs, quadratic.tangent(x0, xs)))
    return tuple(out)


@lru_cache(maxsize=None)
def step_story() -> StepStory:
    """The greedy walker of the step story, and the same start with step = η × slope."""
    positions = [PARABOLA_START]
    for size in STORY_STEPS:
        positions.append(quadratic.step_by(positions[-1], size))
    positions = np.array(positions)
    lr_run = quadratic.run(PARABOLA_START, STORY_LR, STORY_LR_STEPS)
    # steps of fixed size s to cover the distance |x₀|: ⌈|x₀| / s⌉ (rounded first, 2/10⁻⁴ is not exact)
    tiny = math.ceil(round(abs(PARABOLA_START) / TINY_STEP, 9))
    return StepStory(positions, quadratic.loss(positions), quadratic.slope(positions), STORY_STEPS, lr_run, TINY_STEP, tiny)


@lru_cache(maxsize=None)
def parabola_runs(x0: float = PARABOLA_START, steps: int = REGIME_STEPS) -> dict[str, Trajectory]:
    """Gradient descent on x² from ``x0``, one run per regime (see ``REGIME_RATES``)."""
    return {name: quadratic.run(x0, lr, steps) for name, lr in REGIME_RATES.items()}


def step_counts(lrs, x0: float = PARABOLA_START, tol: float = PARABOLA_TOL) -> StepCounts:
    """``quadratic.steps_to_reach`` for each learning rate in ``lrs`` (a non-empty 1-D array)."""
    lrs = _check_rates(lrs)
    steps = np.array([quadratic.steps_to_reach(x0, float(lr), tol) for lr in lrs], dtype=float)
    return StepCounts(lrs, steps, float(x0), float(tol))


@lru_cache(maxsize=None)
def parabola_step_counts() -> StepCounts:
    """The curve of the steps-versus-learning-rate figure: from x = 2 down to |x| ≤ 10⁻⁶."""
    return step_counts(STEP_COUNT_RATES)


# ---------------------------------------------------------------- least squares, exactly

NAMES = ("original", "bad", "standardized")
# Tolerance of "reached": the distance to the minimum shrunk by this factor.
TOLERANCE = 1e-6
# The threshold sweep: η as a fraction of 2/λ_max, evenly spaced, and steps per run.
SWEEP_RATIOS = np.linspace(0.005, 1.5, 300)
SWEEP_STEPS = stability.BOUNDARY_STEPS
# The arrows of the Hessian figure reach this fraction of the way to the nearest window edge.
AXIS_REACH = 0.8


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
    """The loss after ``steps`` steps for many learning rates around 2/λ_max, from one start."""

    lrs: np.ndarray
    threshold: float  # 2/λ_max, the prediction
    losses: np.ndarray  # loss after ``steps`` steps; inf where the run diverged and was stopped
    diverged: np.ndarray
    start_loss: float
    best_loss: float  # least-squares loss, the floor
    steps: int

    @property
    def ratios(self) -> np.ndarray:
        return self.lrs / self.threshold

    @property
    def unstable(self) -> np.ndarray:
        """Runs that diverged or ended above where they started (``stability.is_unstable``'s rule)."""
        return self.diverged | (self.losses > self.start_loss)

    @property
    def spacing(self) -> float:
        """The largest gap between neighbouring learning rates of the sweep."""
        return float(np.max(np.diff(self.lrs))) if len(self.lrs) > 1 else math.inf

    @property
    def first_unstable(self) -> float:
        """The smallest learning rate of the sweep whose run was unstable."""
        unstable = self.unstable
        if unstable.all() or not unstable.any():
            raise ValueError("the sweep does not cross the threshold: widen its range")
        return float(self.lrs[np.argmax(unstable)])

    @property
    def last_stable(self) -> float:
        """The largest learning rate below ``first_unstable`` (the sweep's other side of the edge)."""
        below = self.lrs[self.lrs < self.first_unstable]
        if below.size == 0:
            raise ValueError("the first rate of the sweep is already unstable: start it lower")
        return float(below[-1])

    @property
    def boundary(self) -> float:
        """The empirical threshold: midway between the last stable and the first unstable rate."""
        return 0.5 * (self.last_stable + self.first_unstable)


@dataclass(frozen=True)
class Axes:
    """The Hessian's principal axes at the minimum, with arrows that all reach one contour."""

    solution: np.ndarray
    eigenvalues: np.ndarray  # ascending
    vectors: np.ndarray  # unit eigenvectors as columns
    level: float  # the loss of the contour the arrows reach
    lengths: np.ndarray  # arrow lengths, ∝ 1/√λ


def axis_thresholds(x) -> tuple[float, float]:
    """The largest stable rate when only b moves (2/H_bb) and when only w moves (2/H_ww)."""
    h = stability.hessian(stability.design_matrix(x))
    # along one axis the loss is a parabola of curvature H_ii: stable iff η < 2/H_ii
    return float(2.0 / h[0, 0]), float(2.0 / h[1, 1])


def steps_to_converge(x, y, start, lr, tol: float = TOLERANCE) -> float:
    """Steps an actual run at ``lr`` takes until ‖θ_k − θ*‖ ≤ tol·‖θ₀ − θ*‖; inf if it never does.

    The run is ``stability.steps_to_tolerance`` steps long (the bound), plus a margin.
    """
    lr = check_lr(lr)
    x, y, start = _check_problem(x, y, start)
    bound = stability.steps_to_tolerance(stability.design_matrix(x), lr, tol)
    if math.isinf(bound):
        return math.inf
    solution = model.least_squares(x, y)
    run = gradient_descent(x, y, start, lr, int(bound) + 10)
    errors = np.linalg.norm(run.params - solution, axis=1)
    reached = np.flatnonzero(errors <= tol * errors[0])
    return float(reached[0]) if reached.size else math.inf


def table_row(name: str, x, y, start, tol: float = TOLERANCE) -> Row:
    """All the numbers of one table row for the problem (x, y) started at ``start``."""
    x, y, start = _check_problem(x, y, start)
    X = stability.design_matrix(x)
    facts = stability.analyse(X)
    lam_min, lam_max = (float(v) for v in facts.eigenvalues[[0, -1]])
    h = stability.hessian(X)
    # bracket the boundary well inside the stable and the unstable side
    boundary = stability.divergence_boundary(x, y, start, 0.5 * facts.max_stable_lr, 1.5 * facts.max_stable_lr)
    cut_b, cut_w = axis_thresholds(x)
    return Row(
        name, lam_min, lam_max, facts.max_stable_lr, facts.best_lr, facts.condition_number,
        facts.best_contraction, float(stability.steps_to_tolerance(X, facts.best_lr, tol)),
        steps_to_converge(x, y, start, facts.best_lr, tol), boundary,
        float(h[0, 0]), float(h[1, 1]), float(h[0, 1]), cut_b, cut_w,
    )


def sweep(x, y, start, ratios, steps: int = SWEEP_STEPS) -> Sweep:
    """Run gradient descent ``steps`` steps at η = ratio × 2/λ_max for each ratio (ascending)."""
    x, y, start = _check_problem(x, y, start)
    ratios, steps = _check_rates(ratios, "ratios"), check_steps(steps)
    threshold = stability.max_stable_lr(stability.design_matrix(x))
    lrs = ratios * threshold
    losses, diverged = np.empty(len(lrs)), np.zeros(len(lrs), dtype=bool)
    start_loss = model.mse(start, x, y)
    for k, lr in enumerate(lrs):
        run = gradient_descent(x, y, start, float(lr), steps)
        diverged[k] = run.diverged
        losses[k] = math.inf if run.diverged else run.losses[-1]
    best = model.mse(model.least_squares(x, y), x, y)
    return Sweep(lrs, threshold, losses, diverged, start_loss, best, steps)


def principal_axes(s: Scenario, reach: float = AXIS_REACH) -> Axes:
    """Eigenvectors of the Hessian from the minimum, each as long as it takes to reach one contour.

    Along eigenvector i the loss rises as L* + ½λᵢr², so the contour L* + c is met at r = √(2c/λᵢ):
    the flattest axis is the longest. c is chosen so that axis reaches ``reach`` of the way to the
    nearest edge of the scenario's window.
    """
    x, y = s.split.x_train, s.split.y_train
    values, vectors = stability.eigenvectors(stability.design_matrix(x))
    # an eigenvector's sign is arbitrary: make its largest component positive (arrows point up or right)
    signs = np.sign(vectors[np.argmax(np.abs(vectors), axis=0), np.arange(vectors.shape[1])])
    vectors = vectors * signs
    solution = s.solution
    room = min(solution[0] - s.grid.b[0], s.grid.b[-1] - solution[0], solution[1] - s.grid.w[0], s.grid.w[-1] - solution[1])
    # c = ½ λ_min r², with r the longest arrow
    c = 0.5 * values[0] * (reach * room) ** 2
    # r_i = √(2c / λᵢ)
    lengths = np.sqrt(2.0 * c / values)
    return Axes(solution, values, vectors, float(model.mse(solution, x, y) + c), lengths)


@lru_cache(maxsize=None)
def table() -> tuple[Row, ...]:
    """Rows for the original, bad (×10) and standardized problems, each from the random start."""
    return tuple(table_row(name, s.split.x_train, s.split.y_train, s.start) for name, s in zip(NAMES, three()))


@lru_cache(maxsize=None)
def sweeps() -> dict[str, Sweep]:
    """The threshold sweep of each problem, from the random start."""
    return {name: sweep(s.split.x_train, s.split.y_train, s.start, SWEEP_RATIOS) for name, s in zip(NAMES, three())}


@lru_cache(maxsize=None)
def hessian_axes() -> dict[str, Axes]:
    """Principal axes of each problem's loss, for the contour-map figure."""
    return {name: principal_axes(s) for name, s in zip(NAMES, three())}


def _check_rates(values, name: str = "lrs") -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {values.shape}")
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(f"{name} must hold positive finite learning rates")
    if np.any(np.diff(values) <= 0):
        raise ValueError(f"{name} must be strictly increasing")
    return values


def _check_problem(x, y, start) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y = stability._check_data(x, y)
    start = np.asarray(start, dtype=float)
    if start.shape != (2,) or not np.all(np.isfinite(start)):
        raise ValueError(f"start must be a finite [b, w], got {start!r}")
    return x, y, start

