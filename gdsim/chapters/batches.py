"""Chapter "Batch, mini-batch and stochastic gradient descent" (docs/batches.md).

Three ways through the original problem, from the random start with one learning rate for the
same number of epochs: full batch (B = n, one step per epoch), mini-batches of ``MINI_BATCH``
points, and stochastic gradient descent (B = 1). Every run goes through
``gdsim.descent.minibatch_gradient_descent``, whose seed fixes the shuffles. Every comparison
between the methods runs each of them on the same seeds, ``paired.SEEDS``, and is read as mean ±
sd and wins per seed; seed ``SEED``'s runs illustrate the paths. The figures compared with each
other get their map window and loss axis from here, computed once for all three.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import checks, model, paired, scenarios, surface
from gdsim.assets import ANIMATION, STILL, Asset
from gdsim.descent import BatchRun, minibatch_gradient_descent
from gdsim.facts import Fact
from gdsim.stored import stored

# The learning-rate chapter's small rate: full batch is known to converge with it on this problem.
LR = scenarios.RATES["small"]
EPOCHS = 10
# The seeds of the shuffles (numpy.random.default_rng): every method runs on each of them (paired),
# and seed SEED's runs are the ones the map and the animation draw.
SEEDS = paired.SEEDS
SEED = SEEDS[0]
# The smaller rate that shows how far SGD wanders grows with η.
HALF_LR = LR / 2
# A smaller rate still, with which SGD catches up with the small batches at LR: rate and batch go together.
SLOW_LR = LR / 4
MINI_BATCH = 16
# A batch between the stochastic and the mini-batch one: smaller is not better without end.
SMALL_BATCH = 4
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
    """B of one method: every training point, ``MINI_BATCH``, one, or (``"small"``) ``SMALL_BATCH``."""
    sizes = {"full": len(_original().split.x_train), "mini": MINI_BATCH, "stochastic": 1, "small": SMALL_BATCH}
    return sizes[checks.one_of(method, sizes, "method")]


@stored
def _run(method: str, seed: int, epochs: int, lr: float) -> BatchRun:
    """The stored run behind ``run``: every argument given, so one run has one key."""
    s = _original()
    return minibatch_gradient_descent(s.split.x_train, s.split.y_train, s.start, lr, epochs,
                                      batch_size(method), seed=seed)


@stored
def standardized_run(method: str, seed: int) -> BatchRun:
    """One method on the standardized feature's round bowl, at LR for EPOCHS epochs, shuffled by ``seed``."""
    s = scenarios.get("standardized")
    return minibatch_gradient_descent(s.split.x_train, s.split.y_train, s.start, LR, EPOCHS, batch_size(method),
                                      seed=checks.seed(seed))


def run(method: str, seed: int = SEED, epochs: int = EPOCHS, lr: float = LR) -> BatchRun:
    """One method from the random start for ``epochs`` epochs at rate ``lr``, shuffled by ``seed``."""
    batch_size(method)  # a known method, or a ValueError naming it
    return _run(method, checks.seed(seed), epochs, lr)


def over_seeds(method: str, measure: Callable[[BatchRun], float], epochs: int = EPOCHS,
               lr: float = LR) -> paired.Spread:
    """``measure`` of one method's run on every seed of SEEDS: the same seeds for every method."""
    return paired.spread([measure(run(method, seed, epochs, lr)) for seed in SEEDS])


def distances(result: BatchRun) -> np.ndarray:
    """‖θₖ − θ*‖ after every step: how far each iterate is from the least-squares minimum."""
    return np.linalg.norm(result.trajectory.params - _original().solution, axis=1)


def rises(result: BatchRun) -> int:
    """How many steps raised the full training loss."""
    return int(np.count_nonzero(np.diff(result.trajectory.losses) > 0))


def final_loss(result: BatchRun) -> float:
    """The full training loss where the run ended."""
    return float(result.trajectory.losses[-1])


def final_distance(result: BatchRun) -> float:
    """‖θ − θ*‖ where the run ended."""
    return float(distances(result)[-1])


def last_epoch(values: np.ndarray, result: BatchRun) -> np.ndarray:
    """``values`` (one per iterate) after each step of the last epoch."""
    return values[result.epoch_ends[-2] + 1 : result.epoch_ends[-1] + 1]


def last_epoch_loss(result: BatchRun) -> float:
    """The mean full training loss over the last epoch's steps: less noisy than the final step's."""
    return float(np.mean(last_epoch(result.trajectory.losses, result)))


def last_epoch_step_rms(result: BatchRun) -> float:
    """The root-mean-square length of the last epoch's steps, √(mean ‖θₖ₊₁ − θₖ‖²)."""
    params = result.trajectory.params[result.epoch_ends[-2] : result.epoch_ends[-1] + 1]
    return float(np.sqrt(np.mean(np.sum(np.diff(params, axis=0) ** 2, axis=1))))


def last_epoch_distance(result: BatchRun) -> float:
    """The mean of ‖θ − θ*‖ over the last epoch: how far from the minimum the run wanders."""
    return float(np.mean(last_epoch(distances(result), result)))


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
    """Seed SEED's three paths on one contour map, after the same number of epochs, and where every
    seed's run of each method ended."""

    paths: tuple[Path, ...]
    ends: tuple[np.ndarray, ...]  # per method, in METHODS order: (seeds, 2), θ where each seed's run ended
    seeds: tuple[int, ...]
    window: MapWindow
    lr: float
    epochs: int


@dataclass(frozen=True)
class Band:
    """One method's full training loss after every step, lowest and highest over the seeds."""

    method: str
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True)
class LossView:
    """Seed SEED's three runs' full training loss per step and per epoch, with the band of every
    seed's runs around each, on one log loss axis."""

    paths: tuple[Path, ...]
    bands: tuple[Band, ...]  # in METHODS order
    seeds: tuple[int, ...]
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
    seed: int  # the one run it shows


def _path(method: str, result: BatchRun) -> Path:
    t = result.trajectory
    label = f"{LABELS[method]}, $B$ = {result.batch_size}"
    return Path(method, label, result.batch_size, t.params, t.losses, result.epoch_ends, result.steps_per_epoch)


@lru_cache(maxsize=None)
def paths() -> tuple[Path, ...]:
    """Seed SEED's three runs, in METHODS order."""
    return tuple(_path(method, run(method)) for method in METHODS)


@lru_cache(maxsize=None)
def ends() -> tuple[np.ndarray, ...]:
    """Where each method's run ended on every seed: one (seeds, 2) array per method, in METHODS order."""
    return tuple(np.array([run(method, seed).trajectory.final for seed in SEEDS]) for method in METHODS)


def band(method: str) -> Band:
    """The lowest and the highest full training loss over the seeds, after every step."""
    losses = np.array([run(method, seed).trajectory.losses for seed in SEEDS])
    return Band(method, losses.min(axis=0), losses.max(axis=0))


@lru_cache(maxsize=None)
def map_window() -> MapWindow:
    """A loss grid over every iterate of seed SEED's three runs, every seed's end, the start and the
    minimum, with a margin."""
    s = _original()
    points = np.vstack([p.params for p in paths()] + list(ends()) + [s.start[None, :], s.solution[None, :]])
    low, high = points.min(axis=0), points.max(axis=0)
    pad = MAP_MARGIN * (high - low)
    grid = surface.loss_grid(s.split.x_train, s.split.y_train, b_range=(low[0] - pad[0], high[0] + pad[0]),
                             w_range=(low[1] - pad[1], high[1] + pad[1]), points=MAP_POINTS)
    return MapWindow(grid, s.start, s.solution)


def paths_view() -> PathsView:
    """The paths figure: three methods, one map."""
    return PathsView(paths(), ends(), SEEDS, map_window(), LR, EPOCHS)


def loss_view() -> LossView:
    """The loss figure: from a little below the least-squares loss to the decade above the highest
    loss of any seed."""
    s = _original()
    bands = tuple(band(method) for method in METHODS)
    top = max(float(b.high.max()) for b in bands)
    loss_range = (s.solution_loss / LOSS_FLOOR_MARGIN, 10.0 ** math.ceil(math.log10(top)))
    return LossView(paths(), bands, SEEDS, s.solution_loss, loss_range, LR, EPOCHS)


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
                        OPENING_EPOCHS, SEED)


# ---------------------------------------------------------------- facts


def _seed_facts() -> dict[str, Fact]:
    """The comparisons between the methods, each over every seed of SEEDS: mean ± sd and wins."""
    compare = run("full").trajectory.steps  # the full batch's steps, for a per-step comparison
    loss = {m: over_seeds(m, final_loss) for m in (*METHODS, "small")}
    at_compare = {m: over_seeds(m, lambda r: float(r.trajectory.losses[compare])) for m in METHODS}
    one_epoch = over_seeds("stochastic", final_loss, epochs=1)
    wander = over_seeds("stochastic", last_epoch_distance)
    wander_half = over_seeds("stochastic", last_epoch_distance, lr=HALF_LR)
    mini_distance = over_seeds("mini", final_distance)
    mini_rises = over_seeds("mini", rises)
    sgd_distance = over_seeds("stochastic", final_distance)
    sgd_one_epoch_distance = over_seeds("stochastic", final_distance, epochs=1)
    sgd_step_rms = over_seeds("stochastic", last_epoch_step_rms)
    sgd_rises = over_seeds("stochastic", rises)
    sgd_last = [last_epoch(run("stochastic", seed).trajectory.losses, run("stochastic", seed)) for seed in SEEDS]
    slow = over_seeds("stochastic", final_loss, lr=SLOW_LR)
    slow_last = over_seeds("stochastic", last_epoch_loss, lr=SLOW_LR)
    small_last = over_seeds("small", last_epoch_loss)
    std = {m: paired.spread([final_loss(standardized_run(m, seed)) for seed in SEEDS]) for m in METHODS}
    return {
        "batch_slow_lr": Fact(SLOW_LR, "g"),
        "batch_sgd_slow_loss_mean": Fact(slow.mean, ".4f"),
        "batch_sgd_slow_loss_sd": Fact(slow.sd, ".4f"),
        "batch_sgd_slow_last_mean": Fact(slow_last.mean, ".4f"),
        "batch_sgd_slow_last_sd": Fact(slow_last.sd, ".4f"),
        "batch_small_last_mean": Fact(small_last.mean, ".4f"),
        "batch_small_last_sd": Fact(small_last.sd, ".4f"),
        "batch_sgd_slow_beats_small": Fact(paired.wins(slow.values, loss["small"].values), "d"),
        "batch_sgd_slow_last_beats_small": Fact(paired.wins(slow_last.values, small_last.values), "d"),
        "batch_std_full_loss": Fact(std["full"].mean, ".4f"),
        "batch_std_mini_loss_mean": Fact(std["mini"].mean, ".4f"),
        "batch_std_mini_loss_sd": Fact(std["mini"].sd, ".4f"),
        "batch_std_sgd_loss_mean": Fact(std["stochastic"].mean, ".4f"),
        "batch_std_sgd_loss_sd": Fact(std["stochastic"].sd, ".4f"),
        "batch_std_mini_beats_full": Fact(paired.wins(std["mini"].values, std["full"].values), "d"),
        "batch_std_sgd_beats_full": Fact(paired.wins(std["stochastic"].values, std["full"].values), "d"),
        "batch_seed_count": Fact(len(SEEDS), "d"),
        "batch_mini_loss_mean": Fact(loss["mini"].mean, ".4f"),
        "batch_mini_loss_sd": Fact(loss["mini"].sd, ".4f"),
        "batch_sgd_loss_mean": Fact(loss["stochastic"].mean, ".4f"),
        "batch_sgd_loss_sd": Fact(loss["stochastic"].sd, ".4f"),
        "batch_mini_beats_full": Fact(paired.wins(loss["mini"].values, loss["full"].values), "d"),
        "batch_sgd_beats_mini": Fact(paired.wins(loss["stochastic"].values, loss["mini"].values), "d"),
        "batch_small_loss_mean": Fact(loss["small"].mean, ".4f"),
        "batch_small_loss_sd": Fact(loss["small"].sd, ".4f"),
        "batch_small_beats_sgd": Fact(paired.wins(loss["small"].values, loss["stochastic"].values), "d"),
        "batch_mini_dist_mean": Fact(mini_distance.mean, ".3f"),
        "batch_mini_dist_sd": Fact(mini_distance.sd, ".3f"),
        "batch_sgd_dist_mean": Fact(sgd_distance.mean, ".3f"),
        "batch_sgd_dist_sd": Fact(sgd_distance.sd, ".3f"),
        "batch_sgd_one_epoch_loss_mean": Fact(one_epoch.mean, ".4f"),
        "batch_sgd_one_epoch_loss_sd": Fact(one_epoch.sd, ".4f"),
        "batch_sgd_one_epoch_beats_full": Fact(paired.wins(one_epoch.values, loss["full"].values), "d"),
        "batch_sgd_one_epoch_dist_mean": Fact(sgd_one_epoch_distance.mean, ".2f"),
        "batch_sgd_one_epoch_dist_sd": Fact(sgd_one_epoch_distance.sd, ".2f"),
        "batch_mini_loss_at_compare_mean": Fact(at_compare["mini"].mean, ".3f"),
        "batch_mini_loss_at_compare_sd": Fact(at_compare["mini"].sd, ".3f"),
        "batch_sgd_loss_at_compare_mean": Fact(at_compare["stochastic"].mean, ".3f"),
        "batch_sgd_loss_at_compare_sd": Fact(at_compare["stochastic"].sd, ".3f"),
        "batch_mini_ahead_at_compare": Fact(paired.wins(at_compare["mini"].values, at_compare["full"].values), "d"),
        "batch_sgd_ahead_at_compare": Fact(paired.wins(at_compare["stochastic"].values, at_compare["full"].values),
                                           "d"),
        "batch_sgd_loss_at_compare_low": Fact(at_compare["stochastic"].low, ".3f"),
        "batch_sgd_loss_at_compare_high": Fact(at_compare["stochastic"].high, ".3f"),
        "batch_mini_rises_mean": Fact(mini_rises.mean, ".1f"),
        "batch_mini_rises_sd": Fact(mini_rises.sd, ".1f"),
        "batch_sgd_rises_mean": Fact(sgd_rises.mean, ".0f"),
        "batch_sgd_rises_sd": Fact(sgd_rises.sd, ".0f"),
        "batch_sgd_last_low": Fact(float(min(v.min() for v in sgd_last)), ".4f"),
        "batch_sgd_last_high": Fact(float(max(v.max() for v in sgd_last)), ".4f"),
        "batch_sgd_step_rms_mean": Fact(sgd_step_rms.mean, ".4f"),
        "batch_sgd_step_rms_sd": Fact(sgd_step_rms.sd, ".4f"),
        "batch_half_lr": Fact(HALF_LR, "g"),
        "batch_sgd_wander_mean": Fact(wander.mean, ".3f"),
        "batch_sgd_wander_sd": Fact(wander.sd, ".3f"),
        "batch_sgd_wander_half_mean": Fact(wander_half.mean, ".3f"),
        "batch_sgd_wander_half_sd": Fact(wander_half.sd, ".3f"),
        "batch_half_lr_closer": Fact(paired.wins(wander_half.values, wander.values), "d"),
    }


def facts() -> dict[str, Fact]:
    """The chapter's quoted numbers: batch sizes and steps, where each run ends (seed SEED's runs,
    which the figures draw, and every seed's), and SGD's noise."""
    s = _original()
    x, y = s.split.x_train, s.split.y_train
    full, mini, sgd = (run(m) for m in METHODS)
    sgd_far = distances(sgd)
    ragged = -(-len(x) // RAGGED_BATCH)
    compare = full.trajectory.steps  # the full batch's steps, for a per-step comparison
    point_noise = batch_noise_rms(s.solution, x, y, 1)
    mini_noise = batch_noise_rms(s.solution, x, y, MINI_BATCH)
    small_noise = batch_noise_rms(s.solution, x, y, SMALL_BATCH)
    opening = opening_movie()
    return {
        "batch_lr": Fact(LR, "g"),
        "batch_epochs": Fact(EPOCHS, "d"),
        "batch_seed": Fact(SEED, "d"),
        "batch_seed_last": Fact(SEEDS[-1], "d"),
        "batch_mini_size": Fact(MINI_BATCH, "d"),
        "batch_full_size": Fact(full.batch_size, "d"),
        "batch_full_per_epoch": Fact(full.steps_per_epoch, "d"),
        "batch_mini_per_epoch": Fact(mini.steps_per_epoch, "d"),
        "batch_sgd_per_epoch": Fact(sgd.steps_per_epoch, "d"),
        "batch_full_steps": Fact(full.trajectory.steps, "d"),
        "batch_mini_steps": Fact(mini.trajectory.steps, "d"),
        "batch_sgd_steps": Fact(sgd.trajectory.steps, "d"),
        # the full batch is the same run on every seed; the rest of these are seed SEED's runs
        "batch_full_loss": Fact(final_loss(full), ".4f"),
        "batch_mini_loss": Fact(final_loss(mini), ".4f"),
        "batch_full_dist": Fact(final_distance(full), ".2f"),
        "batch_mini_dist": Fact(final_distance(mini), ".3f"),
        "batch_sgd_dist": Fact(float(sgd_far[-1]), ".3f"),
        "batch_sgd_one_epoch_dist": Fact(final_distance(run("stochastic", SEED, 1)), ".2f"),
        "batch_sgd_last_near": Fact(float(last_epoch(sgd_far, sgd).min()), ".3f"),
        "batch_sgd_last_far": Fact(float(last_epoch(sgd_far, sgd).max()), ".3f"),
        "batch_compare_steps": Fact(compare, "d"),
        "batch_full_loss_at_compare": Fact(full.trajectory.losses[compare], ".3f"),
        "batch_full_rises": Fact(rises(full), "d"),
        **_seed_facts(),
        "batch_point_noise": Fact(point_noise, ".2f"),
        "batch_mini_noise": Fact(mini_noise, ".3f"),
        "batch_sgd_jitter": Fact(LR * point_noise, ".3f"),
        "batch_mini_jitter": Fact(LR * mini_noise, ".3f"),
        "batch_noise_ratio": Fact(point_noise / mini_noise, ".1f"),
        "batch_small_size": Fact(SMALL_BATCH, "d"),
        "batch_small_per_epoch": Fact(-(-len(x) // SMALL_BATCH), "d"),
        "batch_small_noise_ratio": Fact(point_noise / small_noise, ".1f"),
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
