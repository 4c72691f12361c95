"""Chapter "Batch, mini-batch and stochastic gradient descent" (docs/batches.md).

Three ways through the original problem, from the random start with one learning rate for the
same number of epochs: full batch (B = n, one step per epoch), mini-batches of ``MINI_BATCH``
points, and stochastic gradient descent (B = 1). Every run goes through
``gdsim.descent.minibatch_gradient_descent`` with one seed, so it is reproducible; the figures
compared with each other get their map window and loss axis from here, computed once for all three.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import checks, model, scenarios, surface
from gdsim.assets import ANIMATION, STILL, Asset
from gdsim.descent import BatchRun, minibatch_gradient_descent
from gdsim.facts import Fact

# The learning-rate chapter's small rate: full batch is known to converge with it on this problem.
LR = scenarios.RATES["small"]
EPOCHS = 10
# The seed of the shuffles (numpy.random.default_rng): one seed, so every figure and number repeats.
SEED = 0
MINI_BATCH = 16
# The methods in the order the figures name them (batch_size gives each one its B).
METHODS = ("full", "mini", "stochastic")
LABELS = {"full": "full batch", "mini": "mini-batch", "stochastic": "stochastic"}
# The opening animation: the mini-batch run's first OPENING_EPOCHS epochs, one frame per step.
OPENING_EPOCHS = 2
# A batch size that does not divide the training set, for an exercise.
RAGGED_BATCH = 12
# Margin around the map window, as a fraction of the paths' extent; points of its loss grid.
MAP_MARGIN = 0.08
MAP_POINTS = 121
X_RANGE = (0.0, 1.0)
# The loss axis reaches this factor below the least-squares loss, so the floor and the noise on it show.
LOSS_FLOOR_MARGIN = 1.6


def _original() -> scenarios.Scenario:
    return scenarios.get("original")


def batch_size(method: str) -> int:
    """B of one method: every training point, ``MINI_BATCH``, or one."""
    n = len(_original().split.x_train)
    return {"full": n, "mini": MINI_BATCH, "stochastic": 1}[checks.one_of(method, METHODS, "method")]


@lru_cache(maxsize=None)
def run(method: str, epochs: int = EPOCHS) -> BatchRun:
    """One method from the random start with learning rate LR for ``epochs`` epochs, shuffled by SEED."""
    s = _original()
    return minibatch_gradient_descent(s.split.x_train, s.split.y_train, s.start, LR, epochs,
                                      batch_size(method), seed=SEED)


def distances(result: BatchRun) -> np.ndarray:
    """‖θₖ − θ*‖ after every step: how far each iterate is from the least-squares minimum."""
    return np.linalg.norm(result.trajectory.params - _original().solution, axis=1)


def rises(result: BatchRun) -> int:
    """How many steps raised the full training loss."""
    return int(np.count_nonzero(np.diff(result.trajectory.losses) > 0))


def batch_noise_rms(theta: np.ndarray, x: np.ndarray, y: np.ndarray, size: int) -> float:
    """The root-mean-square distance between a batch's gradient and the full gradient at ``theta``,
    over every batch of ``size`` points drawn without replacement.

    With gᵢ = 2·rᵢ·(1, xᵢ) the gradient of one point's squared residual and ḡ their mean (the full
    gradient), E‖g_B − ḡ‖² = (1/B)·(n − B)/(n − 1)·(1/n)·Σ‖gᵢ − ḡ‖²: the variance of a sample mean
    taken without replacement. It is 0 for B = n.
    """
    x, y = checks.data(x, y)
    size = checks.batch_size(size, x.size)
    r = model.residuals(np.asarray(theta, dtype=float), x, y)
    # gᵢ = 2·rᵢ·(1, xᵢ), one row per point
    points = 2.0 * r[:, None] * np.column_stack([np.ones_like(x), x])
    spread = np.mean(np.sum((points - points.mean(axis=0)) ** 2, axis=1))
    # E‖g_B − ḡ‖² = spread / B · (n − B) / (n − 1)
    n = x.size
    return math.sqrt(spread / size * (n - size) / (n - 1)) if n > 1 else 0.0


# ---------------------------------------------------------------- what the figures draw


@dataclass(frozen=True)
class Path:
    """One method's run as the figures draw it."""

    method: str
    label: str  # e.g. "mini-batch, B = 16"
    batch_size: int
    params: np.ndarray  # (steps + 1, 2): θ after every step
    losses: np.ndarray  # (steps + 1,): the full training loss there
    epoch_ends: np.ndarray  # steps taken after each epoch: 0, s, 2s, …
    steps_per_epoch: int

    @property
    def steps(self) -> int:
        return len(self.losses) - 1

    @property
    def epoch_of_step(self) -> np.ndarray:
        """Every iterate's place in epochs: step k is k / (steps per epoch) epochs in."""
        return np.arange(self.steps + 1) / self.steps_per_epoch


@dataclass(frozen=True)
class MapWindow:
    """The contour map every figure of the chapter shares: a window around the three paths."""

    grid: surface.LossGrid
    start: np.ndarray
    solution: np.ndarray


@dataclass(frozen=True)
class PathsView:
    """The three paths on one contour map, after the same number of epochs."""

    paths: tuple[Path, ...]
    window: MapWindow
    lr: float
    epochs: int


@dataclass(frozen=True)
class LossView:
    """The three runs' full training loss per step and per epoch, on one log loss axis."""

    paths: tuple[Path, ...]
    solution_loss: float
    loss_range: tuple[float, float]
    lr: float
    epochs: int


@dataclass(frozen=True)
class OpeningMovie:
    """The mini-batch run's first epochs, one frame per step: the line through the data and the path."""

    path: Path
    frames: int  # the start, then one per step
    x_train: np.ndarray
    y_train: np.ndarray
    batches: tuple[np.ndarray, ...]  # batches[k]: the points step k + 1 used
    line_x: np.ndarray  # the two ends of the drawn line
    lines: np.ndarray  # (frames, 2): ŷ = b + w·x at line_x after each step
    window: MapWindow
    lr: float
    epochs: int


def _path(method: str, result: BatchRun) -> Path:
    t = result.trajectory
    label = f"{LABELS[method]}, $B$ = {result.batch_size}"
    return Path(method, label, result.batch_size, t.params, t.losses, result.epoch_ends, result.steps_per_epoch)


@lru_cache(maxsize=None)
def paths() -> tuple[Path, ...]:
    """The three runs, in METHODS order."""
    return tuple(_path(method, run(method)) for method in METHODS)


@lru_cache(maxsize=None)
def map_window() -> MapWindow:
    """A loss grid over every iterate of the three runs, the start and the minimum, with a margin."""
    s = _original()
    points = np.vstack([p.params for p in paths()] + [s.start[None, :], s.solution[None, :]])
    low, high = points.min(axis=0), points.max(axis=0)
    pad = MAP_MARGIN * (high - low)
    grid = surface.loss_grid(s.split.x_train, s.split.y_train, b_range=(low[0] - pad[0], high[0] + pad[0]),
                             w_range=(low[1] - pad[1], high[1] + pad[1]), points=MAP_POINTS)
    return MapWindow(grid, s.start, s.solution)


def paths_view() -> PathsView:
    """The paths figure: three methods, one map."""
    return PathsView(paths(), map_window(), LR, EPOCHS)


def loss_view() -> LossView:
    """The loss figure: from a little below the least-squares loss to the decade above the highest loss."""
    s = _original()
    top = max(float(p.losses.max()) for p in paths())
    loss_range = (s.solution_loss / LOSS_FLOOR_MARGIN, 10.0 ** math.ceil(math.log10(top)))
    return LossView(paths(), s.solution_loss, loss_range, LR, EPOCHS)


def opening_movie() -> OpeningMovie:
    """The opening animation: the mini-batch run's first OPENING_EPOCHS epochs, step by step."""
    s = _original()
    result = run("mini")
    steps = OPENING_EPOCHS * result.steps_per_epoch
    full = paths()[METHODS.index("mini")]
    path = Path(full.method, full.label, full.batch_size, full.params[: steps + 1], full.losses[: steps + 1],
                full.epoch_ends[: OPENING_EPOCHS + 1], full.steps_per_epoch)
    line_x = np.array(X_RANGE)
    # ŷ = b + w·x at both ends, after every step
    lines = path.params[:, :1] + path.params[:, 1:] * line_x
    return OpeningMovie(path, steps + 1, s.split.x_train, s.split.y_train,
                        tuple(result.batch(k) for k in range(steps)), line_x, lines, map_window(), LR,
                        OPENING_EPOCHS)


# ---------------------------------------------------------------- facts


def _last_epoch(values: np.ndarray, path: Path) -> np.ndarray:
    """``values`` over the last epoch: from its first step to its end."""
    return values[path.epoch_ends[-2] + 1 : path.epoch_ends[-1] + 1]


def facts() -> dict[str, Fact]:
    """The chapter's quoted numbers: batch sizes and steps, where each run ends, and SGD's noise."""
    s = _original()
    x, y = s.split.x_train, s.split.y_train
    full, mini, sgd = (run(m) for m in METHODS)
    sgd_path = paths()[METHODS.index("stochastic")]
    sgd_far = distances(sgd)
    one_epoch = run("stochastic", 1)
    ragged = -(-len(x) // RAGGED_BATCH)
    compare = full.trajectory.steps  # the full batch's steps, for a per-step comparison
    point_noise = batch_noise_rms(s.solution, x, y, 1)
    mini_noise = batch_noise_rms(s.solution, x, y, MINI_BATCH)
    opening = opening_movie()
    return {
        "batch_lr": Fact(LR, "g"),
        "batch_epochs": Fact(EPOCHS, "d"),
        "batch_seed": Fact(SEED, "d"),
        "batch_mini_size": Fact(MINI_BATCH, "d"),
        "batch_full_size": Fact(full.batch_size, "d"),
        "batch_full_per_epoch": Fact(full.steps_per_epoch, "d"),
        "batch_mini_per_epoch": Fact(mini.steps_per_epoch, "d"),
        "batch_sgd_per_epoch": Fact(sgd.steps_per_epoch, "d"),
        "batch_full_steps": Fact(full.trajectory.steps, "d"),
        "batch_mini_steps": Fact(mini.trajectory.steps, "d"),
        "batch_sgd_steps": Fact(sgd.trajectory.steps, "d"),
        "batch_full_loss": Fact(full.trajectory.losses[-1], ".4f"),
        "batch_mini_loss": Fact(mini.trajectory.losses[-1], ".4f"),
        "batch_sgd_loss": Fact(sgd.trajectory.losses[-1], ".4f"),
        "batch_full_dist": Fact(float(distances(full)[-1]), ".2f"),
        "batch_mini_dist": Fact(float(distances(mini)[-1]), ".2f"),
        "batch_sgd_dist": Fact(float(sgd_far[-1]), ".3f"),
        "batch_compare_steps": Fact(compare, "d"),
        "batch_mini_loss_at_compare": Fact(mini.trajectory.losses[compare], ".3f"),
        "batch_sgd_loss_at_compare": Fact(sgd.trajectory.losses[compare], ".3f"),
        "batch_full_loss_at_compare": Fact(full.trajectory.losses[compare], ".3f"),
        "batch_sgd_one_epoch_loss": Fact(one_epoch.trajectory.losses[-1], ".4f"),
        "batch_sgd_one_epoch_dist": Fact(float(distances(one_epoch)[-1]), ".2f"),
        "batch_full_rises": Fact(rises(full), "d"),
        "batch_mini_rises": Fact(rises(mini), "d"),
        "batch_sgd_rises": Fact(rises(sgd), "d"),
        "batch_sgd_last_low": Fact(float(_last_epoch(sgd_path.losses, sgd_path).min()), ".4f"),
        "batch_sgd_last_high": Fact(float(_last_epoch(sgd_path.losses, sgd_path).max()), ".4f"),
        "batch_sgd_last_near": Fact(float(_last_epoch(sgd_far, sgd_path).min()), ".3f"),
        "batch_sgd_last_far": Fact(float(_last_epoch(sgd_far, sgd_path).max()), ".3f"),
        "batch_point_noise": Fact(point_noise, ".2f"),
        "batch_mini_noise": Fact(mini_noise, ".3f"),
        "batch_sgd_jitter": Fact(LR * point_noise, ".3f"),
        "batch_mini_jitter": Fact(LR * mini_noise, ".3f"),
        "batch_noise_ratio": Fact(point_noise / mini_noise, ".1f"),
        "batch_ragged_size": Fact(RAGGED_BATCH, "d"),
        "batch_ragged_per_epoch": Fact(ragged, "d"),
        "batch_ragged_full": Fact(ragged - 1, "d"),
        "batch_ragged_last": Fact(len(x) - (ragged - 1) * RAGGED_BATCH, "d"),
        "batch_opening_epochs": Fact(OPENING_EPOCHS, "d"),
        "batch_opening_steps": Fact(opening.path.steps, "d"),
        "batch_opening_loss": Fact(opening.path.losses[-1], ".3f"),
    }


# ---------------------------------------------------------------- figures

ASSETS = (
    Asset(
        "batch-opening",
        ANIMATION,
        data=opening_movie,
        draw="opening",
    ),
    Asset(
        "batch-paths",
        STILL,
        data=paths_view,
        draw="paths",
    ),
    Asset(
        "batch-losses",
        STILL,
        data=loss_view,
        draw="losses",
    ),
)
