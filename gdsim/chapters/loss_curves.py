"""Chapter "Reading the loss curve" (docs/loss-curves.md).

The practice part's workload (``gdsim.workload``: the digits, the one-hidden-layer tanh network,
mini-batches of 32) trained with one fixed learning rate per run, on the reference grid
(``gdsim.reference``: a quarter of a decade apart, 20 epochs) with each of the paired seeds
(``paired.SEEDS``). Four rates are read as loss curves, each picked by a rule over all the seeds,
never by hand:

- **very high**: the smallest rate of the grid that blew up on every seed (``sgd.BLOWUP``);
- **high**: the largest rate that blew up on no seed (the edge of the cliff);
- **good**: the reference rate, the lowest validation loss averaged over the seeds;
- **low**: the good rate divided by ``LOW_FACTOR`` (below the grid, run the same way).

Seed ``SEED``'s runs illustrate the curves; every comparison between rates is read over all the
seeds as mean ± sd and the number of seeds it held on. Every run is stored, so the figures and the
facts share them.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import checks, digits, network, paired, reference, sgd, workload
from gdsim.assets import STILL, Asset
from gdsim.facts import Fact
from gdsim.stored import stored

EPOCHS = reference.EPOCHS
GRID_PER_DECADE = reference.GRID_PER_DECADE
SEEDS = paired.SEEDS
# The seed whose single runs the curves illustrate.
SEED = workload.SEED
# The low rate is the good one over 100: two decades down.
LOW_FACTOR = 100
KINDS = ("very high", "high", "good", "low")
# CS231n's rule of thumb for the update-to-weight ratio ‖η∇W‖/‖W‖ in healthy training.
RULE_OF_THUMB = 1e-3
# The last epochs, over which a plateau's level is the mean validation loss.
PLATEAU_EPOCHS = 5
# A larger batch, for an exercise on the noise of the batch loss.
BIG_BATCH = 128
# A rate moved by this fraction of itself: how chaotic the runs are at a rate.
NUDGE = 1e-5
# Smith (after Bengio): the best rate is usually within this factor of the largest that converges.
SMITH_FACTOR = 2
# The grid's neighbours of the reference rate in the flat-floor table, in grid steps from it.
FLOOR_OFFSETS = (-2, -1, 1, 2, 3)
# Seeds the reference rate was not chosen on: the honest test of the floor's order.
FRESH_SEEDS = (5, 6, 7, 8, 9)
# A ratio "near" the rule of thumb: within this factor of it, either way.
NEAR_FACTOR = 2


def grid() -> np.ndarray:
    """The candidate rates: the reference grid, 10^(k/4) for k from −8 to 4."""
    return reference.grid()


def run(lr: float, seed: int = SEED) -> sgd.Training:
    """The stored 20-epoch run of the reference grid at rate ``lr`` with ``seed`` (any positive rate)."""
    return reference.run(lr, seed)


@stored
def unstopped(lr: float, seed: int = SEED) -> sgd.Training:
    """The same run with no blow-up stop (the largest float as the factor): what stopping spared."""
    lr, seed = checks.learning_rate(lr), checks.seed(seed)
    return sgd.train(workload.MLP, workload.data(), lr, EPOCHS, workload.BATCH_SIZE, seed,
                     blowup=sys.float_info.max)


def pick_rates(curve: reference.Curve, low_factor: float = LOW_FACTOR) -> dict[str, float]:
    """The four rates of the chapter, picked from a grid run on several seeds by the module docstring's rules."""
    lrs, diverged = np.asarray(curve.lrs, dtype=float), np.asarray(curve.diverged, dtype=bool)
    if not (lrs.ndim == 1 and len(lrs) >= 3 and diverged.shape == (len(curve.seeds), len(lrs))
            and np.shape(curve.val_loss) == diverged.shape):
        raise ValueError("need at least three rates and one validation loss and blow-up flag per seed and rate")
    if np.any(np.diff(lrs) <= 0):
        raise ValueError("the rates must be strictly increasing")
    everywhere, somewhere = diverged.all(axis=0), diverged.any(axis=0)
    if not everywhere.any():
        raise ValueError("no rate of the grid blew up on every seed")
    very_high = int(np.argmax(everywhere))  # the first rate that blew up on every seed
    safe = np.flatnonzero(~somewhere[:very_high])
    if not len(safe):
        raise ValueError("every rate below the very high one blew up on some seed")
    high, good = int(safe[-1]), curve.best
    if not good < high:
        raise ValueError("need a rate that never blew up between the good one and the first that always did")
    return {"very high": float(lrs[very_high]), "high": float(lrs[high]), "good": float(lrs[good]),
            "low": float(lrs[good]) / checks.positive_number(low_factor, "low factor")}


@lru_cache(maxsize=1)
def rates() -> dict[str, float]:
    """The chapter's four rates, from the reference grid's runs on every seed."""
    return pick_rates(reference.curve())


def seed_runs(kind: str) -> list[sgd.Training]:
    """One kind's run on every paired seed, in seed order."""
    lr = rates()[checks.one_of(kind, KINDS, "kind")]
    return [run(lr, seed) for seed in SEEDS]


def over_seeds(kind: str, measure: Callable[[sgd.Training], float]) -> paired.Spread:
    """``measure`` of one kind's run on every paired seed."""
    return paired.spread([measure(r) for r in seed_runs(kind)])


def trailing_mean(values: np.ndarray, window: int) -> np.ndarray:
    """The mean of each value and the ``window`` − 1 before it (fewer at the start): a smoothed curve."""
    values = np.asarray(values, dtype=float)
    window = checks.step_count(window, "window")
    total = np.concatenate([[0.0], np.cumsum(values)])
    k = np.arange(1, len(values) + 1)
    first = np.maximum(k - window, 0)
    # mean of values[first : k]
    return (total[k] - total[first]) / (k - first)


def stop_loss(result: sgd.Training) -> float:
    """The full training loss where a run stopped (its last parameters)."""
    d = workload.data()
    return network.loss(workload.MLP, result.params, d.x_train, d.y_train)


def batch_loss_spread(params: np.ndarray, batch_size: int) -> float:
    """The root-mean-square gap between a batch's loss and the full training loss at ``params``,
    over every batch of ``batch_size`` images drawn without replacement: s/√B · √((n − B)/(n − 1)),
    s the standard deviation of the images' own losses."""
    d = workload.data()
    n = len(d.y_train)
    batch_size = checks.batch_size(batch_size, n)
    # ℓᵢ = −log pᵢ(true class), each image's own loss
    own = -network._log_softmax(network.scores(workload.MLP, params, d.x_train))[np.arange(n), d.y_train]
    return float(own.std() / math.sqrt(batch_size) * math.sqrt((n - batch_size) / (n - 1)))


def steps_per_epoch() -> int:
    """⌈n_train / B⌉ steps make an epoch."""
    return -(-len(workload.data().y_train) // workload.BATCH_SIZE)


def first_at_most(values: np.ndarray, level: float) -> int:
    """The first index (epoch or step) at which a curve is at or below ``level``."""
    below = np.flatnonzero(np.asarray(values) <= level)
    if not len(below):
        raise ValueError(f"the curve never reaches {level:g}")
    return int(below[0])


def reaches(values: np.ndarray, level: float) -> bool:
    """Whether a curve ever gets to ``level`` or below."""
    return bool(np.any(np.asarray(values) <= level))


# ---------------------------------------------------------------- what one run shows, on every seed


def rises(result: sgd.Training) -> int:
    """On how many epochs the training loss went up."""
    return int(np.count_nonzero(np.diff(result.epoch_train_loss) > 0))


def plateau(result: sgd.Training) -> float:
    """The validation loss's level at the end: its mean over the last PLATEAU_EPOCHS epochs."""
    return float(result.epoch_val_loss[-PLATEAU_EPOCHS:].mean())


def over_fit(result: sgd.Training) -> float:
    """How far, in %, the validation loss climbed from its lowest epoch to the last."""
    # 100 · (L_last / L_min − 1)
    return float(100 * (result.epoch_val_loss[-1] / result.epoch_val_loss.min() - 1))


def last_drop(result: sgd.Training) -> float:
    """How much, in %, the last epoch lowered the training loss."""
    # 100 · (1 − L_20 / L_19)
    return float(100 * (1 - result.epoch_train_loss[-1] / result.epoch_train_loss[-2]))


def epoch_mean_ratio(result: sgd.Training) -> np.ndarray:
    """‖η∇W‖/‖W‖ of each step, averaged over the last epoch's worth of steps."""
    return trailing_mean(result.update_ratio, steps_per_epoch())


def share_near(ratios: np.ndarray, target: float = RULE_OF_THUMB, factor: float = NEAR_FACTOR) -> float:
    """The share, in %, of the steps whose ratio lies within ``factor`` of ``target``, either way."""
    ratios = np.asarray(ratios, dtype=float)
    factor = checks.positive_number(factor, "factor")
    # 100 · #{t : target/factor ≤ r_t ≤ target·factor} / #steps
    return float(100 * np.mean((ratios >= target / factor) & (ratios <= target * factor)))


def weight_norm(params: np.ndarray) -> float:
    """‖W‖, the norm of the network's weights (not its biases): the ratio's denominator."""
    return float(np.linalg.norm(np.asarray(params)[workload.MLP.weight_mask()]))


def full_weight_gradient(params: np.ndarray) -> float:
    """‖∇W‖ of the full training loss at ``params``, weights only: the gradient without batch noise."""
    d = workload.data()
    _, gradient = network.loss_and_gradient(workload.MLP, params, d.x_train, d.y_train)
    return float(np.linalg.norm(gradient[workload.MLP.weight_mask()]))


def train_best() -> float:
    """The rate of the grid with the lowest final training loss averaged over the seeds, among those
    that never blew up: the best rate as the training loss judges it."""
    c = reference.curve()
    stable = np.flatnonzero(~c.diverged.any(axis=0))
    mean = [np.mean([run(float(c.lrs[k]), s).epoch_train_loss[-1] for s in c.seeds]) for k in stable]
    return float(c.lrs[stable[int(np.argmin(mean))]])


def fresh(offset: int) -> paired.Spread:
    """The final validation loss of the rate ``offset`` grid steps from the reference, on FRESH_SEEDS."""
    c = reference.curve()
    k = c.best + offset
    if not 0 <= k < len(c.lrs):
        raise ValueError(f"the grid has no rate {offset} steps from the reference rate")
    return paired.spread([run(float(c.lrs[k]), s).final_val_loss for s in FRESH_SEEDS])


def nudge_change(lr: float, seed: int) -> float:
    """How much, in %, moving the rate by NUDGE of itself moves the run's final validation loss."""
    # 100 · |L(η(1 + ε)) / L(η) − 1|
    return float(100 * abs(run(lr * (1 + NUDGE), seed).final_val_loss / run(lr, seed).final_val_loss - 1))


@dataclass(frozen=True)
class Gap:
    """One rate of the grid against the reference rate, paired by seed."""

    lr: float
    loss: paired.Spread  # its final validation loss on every seed
    gap: paired.Spread  # its loss minus the reference rate's, seed by seed
    wins: int  # on how many seeds the reference rate ended lower


def gap(offset: int) -> Gap:
    """The rate ``offset`` grid steps from the reference, against it on every seed."""
    c = reference.curve()
    k = c.best + offset
    if not 0 <= k < len(c.lrs):
        raise ValueError(f"the grid has no rate {offset} steps from the reference rate")
    best, other = c.val_loss[:, c.best], c.val_loss[:, k]
    return Gap(float(c.lrs[k]), paired.spread(other), paired.difference(other, best), paired.wins(best, other))


def smith_window() -> tuple[float, float]:
    """Smith's rule of thumb: the best rate lies within SMITH_FACTOR of the largest rate that converges."""
    top = reference.curve().largest_stable
    return top / SMITH_FACTOR, top


def smith_pick() -> float:
    """The grid's rate inside Smith's window, below its top (the top itself is the cliff's edge)."""
    low, top = smith_window()
    inside = [float(lr) for lr in grid() if low <= lr < top]
    if not inside:
        raise ValueError("no rate of the grid lies within Smith's window below the largest stable rate")
    return inside[0]


# ---------------------------------------------------------------- what the figures draw


@dataclass(frozen=True)
class Curve:
    """One rate's run as the figures draw it."""

    kind: str  # "very high", "high", "good" or "low"
    lr: float
    train: np.ndarray  # full training loss before training and after each epoch
    val: np.ndarray  # validation loss, the same epochs
    step_loss: np.ndarray  # the batch loss of each step, before it
    smooth: np.ndarray  # its mean over the last epoch's worth of steps
    ratio: np.ndarray  # ‖η∇W‖/‖W‖ of each step
    ratio_smooth: np.ndarray  # its mean over the last epoch's worth of steps
    diverged: bool
    stop: tuple[float, float] | None  # (epochs in, training loss) where a blown-up run stopped

    @property
    def label(self) -> str:
        return f"{self.kind}, $\\eta$ = {self.lr:.3g}"


@dataclass(frozen=True)
class CurvesView:
    """The four runs of one seed, the shared axes of the chapter's figures and the numbers they mark."""

    curves: tuple[Curve, ...]  # in KINDS order
    seed: int  # the one seed these runs illustrate
    epochs: int
    steps_per_epoch: int
    blowup_limit: float  # the loss at which a run is stopped
    epoch_range: tuple[float, float]  # the loss axis of the per-epoch figure, with a decade of headroom
    step_range: tuple[float, float]  # the loss axis of the per-step figure
    rule_of_thumb: float


def curve(kind: str, seed: int = SEED) -> Curve:
    """One of the four runs, with its smoothed batch loss and, if it blew up, where it stopped."""
    lr = rates()[checks.one_of(kind, KINDS, "kind")]
    result = run(lr, seed)
    per_epoch = steps_per_epoch()
    stop = (result.steps / per_epoch, stop_loss(result)) if result.diverged else None
    return Curve(kind, lr, result.epoch_train_loss, result.epoch_val_loss, result.step_loss,
                 trailing_mean(result.step_loss, per_epoch), result.update_ratio,
                 epoch_mean_ratio(result), result.diverged, stop)


@lru_cache(maxsize=1)
def curves_view() -> CurvesView:
    """Every figure's data; each loss axis holds every curve it draws, from below the lowest loss to the stop line."""
    curves = tuple(curve(kind) for kind in KINDS)
    limit = sgd.BLOWUP * float(curves[0].train[0])
    top = max([limit] + [c.stop[1] for c in curves if c.stop])
    epoch_low = min(float(np.min(np.concatenate([c.train, c.val]))) for c in curves)
    step_low = min(float(np.min(c.step_loss)) for c in curves)
    return CurvesView(curves, SEED, EPOCHS, steps_per_epoch(), limit, _decades(epoch_low, 10 * top),
                      _decades(step_low, top), RULE_OF_THUMB)


def _decades(low: float, high: float) -> tuple[float, float]:
    """The whole decades that hold ``low`` … ``high``."""
    return 10.0 ** math.floor(math.log10(low)), 10.0 ** math.ceil(math.log10(high))


@dataclass(frozen=True)
class GridView:
    """Final validation loss against the rate on every seed: the evidence behind the good rate."""

    lrs: np.ndarray
    seeds: tuple[int, ...]
    val_loss: np.ndarray  # (seeds, rates), inf where a run blew up
    mean: np.ndarray  # over the seeds; inf where any seed blew up
    sd: np.ndarray  # sample sd over the seeds; inf where any seed blew up
    rate: float  # the reference rate: the lowest mean
    winners: np.ndarray  # each seed's own best rate
    winner_loss: np.ndarray  # each seed's loss at its own best rate
    blown: np.ndarray  # on how many seeds each rate blew up
    largest_stable: float  # the largest rate that blew up on no seed
    first_blown: float  # the smallest rate that blew up on some seed
    seed: int  # the seed whose runs the other figures illustrate
    loss_range: tuple[float, float]  # the loss axis: every finite loss, with a margin


@lru_cache(maxsize=1)
def grid_view() -> GridView:
    """The reference curve as the figure draws it, with a loss axis that holds every finite loss."""
    c = reference.curve()
    finite = c.val_loss[np.isfinite(c.val_loss)]
    # margins on the log axis, ×(hi/lo)^f beyond each end: room for labels under the lowest loss
    # and for the blow-up marks over the highest
    span = finite.max() / finite.min()
    winner_loss = c.val_loss.min(axis=1)
    return GridView(c.lrs, c.seeds, c.val_loss, c.mean, c.sd, c.rate, c.best_per_seed, winner_loss,
                    c.diverged.sum(axis=0), c.largest_stable, c.first_blown, SEED,
                    (float(finite.min() / span ** 0.14), float(finite.max() * span ** 0.25)))


# ---------------------------------------------------------------- facts


def facts() -> dict[str, Fact]:
    """The chapter's quoted numbers: the workload, the four rates over the seeds, seed 0's curves
    (their noise and their ratios) and the reference curve behind the good rate."""
    return {**_workload_facts(), **_rate_facts(), **_curve_facts(), **_noise_facts(), **_ratio_facts(),
            **_good_rate_facts()}


def _workload_facts() -> dict[str, Fact]:
    """The data, the network, the loss at the start and the grid."""
    d, net = workload.data(), workload.MLP
    raw_x, _ = digits.raw()
    per_epoch, start = steps_per_epoch(), run(rates()["good"])
    lrs = grid()
    return {
        "curves_images": Fact(raw_x.shape[0], ",d"),
        "curves_pixels": Fact(raw_x.shape[1], "d"),
        "curves_classes": Fact(net.classes, "d"),
        "curves_n_train": Fact(len(d.y_train), ",d"),
        "curves_n_val": Fact(len(d.y_val), "d"),
        "curves_hidden": Fact(net.hidden, "d"),
        "curves_params": Fact(net.size, ",d"),
        "curves_softmax_params": Fact(workload.SOFTMAX.size, "d"),
        "curves_batch": Fact(workload.BATCH_SIZE, "d"),
        "curves_per_epoch": Fact(per_epoch, "d"),
        "curves_last_batch": Fact(len(d.y_train) - (per_epoch - 1) * workload.BATCH_SIZE, "d"),
        "curves_epochs": Fact(EPOCHS, "d"),
        "curves_steps": Fact(EPOCHS * per_epoch, "d"),
        "curves_seeds": Fact(len(SEEDS), "d"),
        "curves_start_loss": Fact(start.epoch_train_loss[0], ".3f"),
        "curves_chance_loss": Fact(math.log(net.classes), ".3f"),
        "curves_start_val_accuracy": Fact(100 * start.epoch_val_accuracy[0], ".1f"),
        "curves_blowup": Fact(sgd.BLOWUP, "g"),
        "curves_blowup_limit": Fact(sgd.BLOWUP * start.epoch_train_loss[0], ".2f"),
        "curves_grid_size": Fact(len(lrs), "d"),
        "curves_grid_low": Fact(lrs[0], "g"),
        "curves_grid_high": Fact(lrs[-1], "g"),
        "curves_grid_per_decade": Fact(GRID_PER_DECADE, "d"),
        "curves_low_factor": Fact(LOW_FACTOR, "d"),
    }


def _rate_facts() -> dict[str, Fact]:
    """The four rates, and how each behaved on every seed: the comparisons the page makes."""
    chosen, c = rates(), reference.curve()
    edge = int(np.searchsorted(c.lrs, chosen["high"])) + 1  # the grid's rate just above the high one
    vh_steps = over_seeds("very high", lambda r: r.steps)
    vh_ratio = over_seeds("very high", lambda r: float(r.update_ratio[-1]))
    vh_first = over_seeds("very high", lambda r: float(r.update_ratio[0]))
    free = [unstopped(chosen["very high"], s) for s in SEEDS]
    free_peak = paired.spread([r.step_loss.max() for r in free])
    free_val = paired.spread([r.final_val_loss for r in free])
    val = {kind: over_seeds(kind, lambda r: r.final_val_loss) for kind in KINDS[1:]}
    train = {kind: over_seeds(kind, lambda r: float(r.epoch_train_loss[-1])) for kind in KINDS[1:]}
    level = {kind: over_seeds(kind, plateau) for kind in ("high", "good")}
    epoch1 = {kind: over_seeds(kind, lambda r: float(r.epoch_train_loss[1])) for kind in ("high", "good")}
    accuracy = {kind: over_seeds(kind, lambda r: 100 * float(r.epoch_val_accuracy[-1])) for kind in KINDS[1:]}
    # images right, counted, so that a tie is a tie
    right = {kind: np.rint(accuracy[kind].values * len(workload.data().y_val) / 100) for kind in ("high", "good")}
    # the seeds on which the high rate's first epoch went further than the good rate's
    faster = [s for s, h, g in zip(SEEDS, epoch1["high"].values, epoch1["good"].values) if h < g]
    if len(faster) < 2:
        raise ValueError("the page quotes two seeds on which the high rate's first epoch went further")
    a, b = (SEEDS.index(s) for s in faster[:2])
    high_rises, good_rises = over_seeds("high", rises), over_seeds("good", rises)
    lowest = {kind: over_seeds(kind, lambda r: int(np.argmin(r.epoch_val_loss))) for kind in ("high", "good")}
    climb = {kind: over_seeds(kind, over_fit) for kind in ("high", "good")}
    drop = over_seeds("low", last_drop)
    # the epoch at which the good run, on the same seed, passed the low run's final training loss
    caught = [first_at_most(g.epoch_train_loss, lo.epoch_train_loss[-1])
              for g, lo in zip(seed_runs("good"), seed_runs("low"))]
    return {
        "curves_lr_very_high": Fact(chosen["very high"], ".3g"),
        "curves_lr_high": Fact(chosen["high"], ".3g"),
        "curves_lr_good": Fact(chosen["good"], ".3g"),
        "curves_lr_low": Fact(chosen["low"], ".3g"),
        "curves_lr_edge": Fact(float(c.lrs[edge]), ".3g"),
        "curves_edge_blown": Fact(int(np.count_nonzero(c.diverged[:, edge])), "d"),
        "curves_edge_seed": Fact(int(np.asarray(c.seeds)[np.argmax(c.diverged[:, edge])]), "d"),
        "curves_vh_blown": Fact(int(np.count_nonzero([r.diverged for r in seed_runs("very high")])), "d"),
        "curves_vh_steps_min": Fact(int(vh_steps.low), "d"),
        "curves_vh_steps_max": Fact(int(vh_steps.high), "d"),
        "curves_vh_ratio_min": Fact(vh_ratio.low, ".2f"),
        "curves_vh_ratio_max_seeds": Fact(vh_ratio.high, ".2f"),
        "curves_vh_ratio_first_min": Fact(vh_first.low, ".2f"),
        "curves_vh_ratio_first_max": Fact(vh_first.high, ".2f"),
        # very high, had it not been stopped
        "curves_free_peak_min": Fact(free_peak.low, ".1f"),
        "curves_free_peak_max": Fact(free_peak.high, ".1f"),
        "curves_free_val_mean": Fact(free_val.mean, ".2f"),
        "curves_free_val_sd": Fact(free_val.sd, ".2f"),
        "curves_free_val_times": Fact(free_val.mean / val["good"].mean, ".0f"),
        "curves_free_worse": Fact(paired.wins(val["good"].values, free_val.values), "d"),
        # high against good
        "curves_high_val_mean": Fact(val["high"].mean, ".4f"),
        "curves_high_val_sd": Fact(val["high"].sd, ".4f"),
        "curves_good_val_mean": Fact(val["good"].mean, ".4f"),
        "curves_good_val_sd": Fact(val["good"].sd, ".4f"),
        "curves_high_sd_times": Fact(val["high"].sd / val["good"].sd, ".1f"),
        "curves_good_beats_high": Fact(paired.wins(val["good"].values, val["high"].values), "d"),
        "curves_high_plateau_mean": Fact(level["high"].mean, ".4f"),
        "curves_high_plateau_sd": Fact(level["high"].sd, ".4f"),
        "curves_good_plateau_mean": Fact(level["good"].mean, ".4f"),
        "curves_good_plateau_sd": Fact(level["good"].sd, ".4f"),
        "curves_good_plateau_beats": Fact(paired.wins(level["good"].values, level["high"].values), "d"),
        "curves_high_ragged_seeds": Fact(int(np.count_nonzero(high_rises.values)), "d"),
        "curves_high_rises_max": Fact(int(high_rises.high), "d"),
        "curves_good_ragged_seeds": Fact(int(np.count_nonzero(good_rises.values)), "d"),
        "curves_high_faster_first": Fact(paired.wins(epoch1["high"].values, epoch1["good"].values), "d"),
        "curves_faster_a_seed": Fact(SEEDS[a], "d"),
        "curves_faster_a_high": Fact(float(epoch1["high"].values[a]), ".3f"),
        "curves_faster_a_good": Fact(float(epoch1["good"].values[a]), ".3f"),
        "curves_faster_b_seed": Fact(SEEDS[b], "d"),
        "curves_faster_b_high": Fact(float(epoch1["high"].values[b]), ".3f"),
        "curves_faster_b_good": Fact(float(epoch1["good"].values[b]), ".3f"),
        "curves_high_train_lower": Fact(paired.wins(train["high"].values, train["good"].values), "d"),
        "curves_high_accuracy_mean": Fact(accuracy["high"].mean, ".1f"),
        "curves_high_accuracy_sd": Fact(accuracy["high"].sd, ".1f"),
        "curves_good_accuracy_higher": Fact(int(np.count_nonzero(right["good"] > right["high"])), "d"),
        "curves_accuracy_tied": Fact(int(np.count_nonzero(right["good"] == right["high"])), "d"),
        "curves_high_lowest_from": Fact(int(lowest["high"].low), "d"),
        "curves_high_lowest_to": Fact(int(lowest["high"].high), "d"),
        "curves_high_climb_mean": Fact(climb["high"].mean, ".0f"),
        "curves_high_climb_sd": Fact(climb["high"].sd, ".0f"),
        "curves_good_climb_mean": Fact(climb["good"].mean, ".1f"),
        "curves_good_climb_sd": Fact(climb["good"].sd, ".1f"),
        "curves_good_lowest_last": Fact(int(np.count_nonzero(lowest["good"].values == EPOCHS)), "d"),
        "curves_good_lowest_from": Fact(int(lowest["good"].low), "d"),
        # good
        "curves_good_train_mean": Fact(train["good"].mean, ".2g"),
        "curves_good_train_sd": Fact(train["good"].sd, ".1g"),
        "curves_good_accuracy_mean": Fact(accuracy["good"].mean, ".1f"),
        "curves_good_accuracy_sd": Fact(accuracy["good"].sd, ".1f"),
        # low: still falling on every seed
        "curves_low_val_mean": Fact(val["low"].mean, ".3f"),
        "curves_low_val_sd": Fact(val["low"].sd, ".3f"),
        "curves_low_val_times": Fact(val["low"].mean / val["good"].mean, ".1f"),
        "curves_low_falling": Fact(int(np.count_nonzero(drop.values > 0)), "d"),
        "curves_low_drop_mean": Fact(drop.mean, ".1f"),
        "curves_low_drop_sd": Fact(drop.sd, ".1f"),
        "curves_low_caught": Fact(max(caught), "d"),
        "curves_low_accuracy_mean": Fact(accuracy["low"].mean, ".1f"),
        "curves_low_accuracy_sd": Fact(accuracy["low"].sd, ".1f"),
    }


def _curve_facts() -> dict[str, Fact]:
    """Seed SEED's four runs, the curves the figures draw."""
    d = workload.data()
    vh, high, good, low = (curve(kind) for kind in KINDS)
    runs = {kind: run(lr) for kind, lr in rates().items()}
    free = unstopped(rates()["very high"])
    high_val_min = int(np.argmin(high.val))
    return {
        "curves_vh_steps": Fact(runs["very high"].steps, "d"),
        "curves_vh_stop_loss": Fact(vh.stop[1], ".2f"),
        "curves_vh_stop_times": Fact(vh.stop[1] / vh.train[0], ".1f"),
        "curves_vh_ratio_max": Fact(float(vh.ratio.max()), ".2f"),
        "curves_free_peak": Fact(float(free.step_loss.max()), ".1f"),
        "curves_free_peak_step": Fact(int(np.argmax(free.step_loss)) + 1, "d"),
        "curves_free_peak_times": Fact(float(free.step_loss.max() / free.epoch_train_loss[0]), ".1f"),
        "curves_high_epoch1": Fact(high.train[1], ".3f"),
        "curves_good_epoch1": Fact(good.train[1], ".3f"),
        "curves_plateau_epochs": Fact(PLATEAU_EPOCHS, "d"),
        "curves_high_train": Fact(high.train[-1], ".2g"),
        "curves_high_val": Fact(high.val[-1], ".4f"),
        "curves_high_val_min": Fact(high.val[high_val_min], ".4f"),
        "curves_high_val_min_epoch": Fact(high_val_min, "d"),
        "curves_high_gap": Fact(high.val[-1] / high.train[-1], ".0f"),
        "curves_good_train": Fact(good.train[-1], ".2g"),
        "curves_good_val": Fact(good.val[-1], ".4f"),
        "curves_good_accuracy": Fact(100 * runs["good"].epoch_val_accuracy[-1], ".1f"),
        "curves_good_errors": Fact(round((1 - runs["good"].epoch_val_accuracy[-1]) * len(d.y_val)), "d"),
        "curves_low_train": Fact(low.train[-1], ".3f"),
    }


def _noise_facts() -> dict[str, Fact]:
    """The noise of seed SEED's per-step loss, and what a bigger batch would do to it."""
    d, per_epoch = workload.data(), steps_per_epoch()
    high, good, low = curve("high"), curve("good"), curve("low")
    good_params, low_params = run(rates()["good"]).params, run(rates()["low"]).params
    last = slice(-per_epoch, None)
    return {
        "curves_high_last_low": Fact(float(high.step_loss[last].min()), ".1g"),
        "curves_high_last_high": Fact(float(high.step_loss[last].max()), ".1g"),
        "curves_good_last_low": Fact(float(good.step_loss[last].min()), ".2g"),
        "curves_good_last_high": Fact(float(good.step_loss[last].max()), ".2g"),
        "curves_good_last_mean": Fact(float(good.smooth[-1]), ".2g"),
        "curves_good_spread": Fact(batch_loss_spread(good_params, workload.BATCH_SIZE), ".2g"),
        "curves_good_below_mean": Fact(int(np.count_nonzero(good.step_loss[last] < good.step_loss[last].mean())), "d"),
        "curves_good_last_median": Fact(float(np.median(good.step_loss[last])), ".2g"),
        "curves_high_below_mean": Fact(int(np.count_nonzero(high.step_loss[last] < high.step_loss[last].mean())), "d"),
        "curves_high_last_median": Fact(float(np.median(high.step_loss[last])), ".2g"),
        "curves_high_last_mean": Fact(float(high.step_loss[last].mean()), ".2g"),
        "curves_big_batch": Fact(BIG_BATCH, "d"),
        "curves_big_per_epoch": Fact(-(-len(d.y_train) // BIG_BATCH), "d"),
        "curves_big_noise": Fact(batch_loss_spread(good_params, workload.BATCH_SIZE)
                                 / batch_loss_spread(good_params, BIG_BATCH), ".2f"),
        "curves_low_last_low": Fact(float(low.step_loss[last].min()), ".3f"),
        "curves_low_last_high": Fact(float(low.step_loss[last].max()), ".3f"),
        "curves_low_spread": Fact(batch_loss_spread(low_params, workload.BATCH_SIZE), ".3f"),
    }


def _ratio_facts() -> dict[str, Fact]:
    """The update-to-weight ratio: seed SEED's runs, and its order between the rates on every seed."""
    per_epoch = steps_per_epoch()
    high, good, low = (curve(kind) for kind in KINDS[1:])
    last = slice(-per_epoch, None)
    median = {kind: over_seeds(kind, lambda r: float(np.median(r.update_ratio))) for kind in KINDS[1:]}
    good_reaches = over_seeds("good", lambda r: reaches(epoch_mean_ratio(r), RULE_OF_THUMB))
    high_reaches = over_seeds("high", lambda r: reaches(epoch_mean_ratio(r), RULE_OF_THUMB))
    near = {kind: over_seeds(kind, lambda r: share_near(r.update_ratio)) for kind in KINDS[1:]}
    high_first = over_seeds("high", lambda r: float(r.update_ratio[0]))
    gradient = {kind: over_seeds(kind, lambda r: full_weight_gradient(r.params)) for kind in ("high", "good")}
    start = weight_norm(network.initial(workload.MLP, SEED))
    grown = {kind: weight_norm(run(rates()[kind]).params) for kind in ("high", "good")}
    return {
        "curves_rule_of_thumb": Fact(RULE_OF_THUMB, "g"),
        "curves_good_ratio": Fact(float(np.median(good.ratio)), ".2g"),
        "curves_good_ratio_start": Fact(float(good.ratio[0]), ".2f"),
        "curves_good_ratio_first": Fact(float(np.median(good.ratio[:per_epoch])), ".2g"),
        "curves_good_ratio_last": Fact(float(np.median(good.ratio[last])), ".2g"),
        "curves_good_ratio_fall": Fact(float(good.ratio[0] / np.median(good.ratio[last])), ",.0f"),
        "curves_good_ratio_reaches": Fact(int(np.count_nonzero(good_reaches.values)), "d"),
        "curves_high_ratio": Fact(float(np.median(high.ratio)), ".2g"),
        "curves_high_ratio_start": Fact(float(high.ratio[0]), ".2f"),
        "curves_high_ratio_below": Fact(first_at_most(high.ratio_smooth, RULE_OF_THUMB), "d"),
        "curves_high_ratio_reaches": Fact(int(np.count_nonzero(high_reaches.values)), "d"),
        "curves_low_ratio": Fact(float(np.median(low.ratio)), ".2g"),
        "curves_low_ratio_first": Fact(float(np.median(low.ratio[:per_epoch])), ".2g"),
        "curves_low_ratio_last": Fact(float(np.median(low.ratio[last])), ".2g"),
        "curves_good_ratio_mean": Fact(median["good"].mean, ".2g"),
        "curves_high_ratio_mean": Fact(median["high"].mean, ".2g"),
        "curves_low_ratio_mean": Fact(median["low"].mean, ".2g"),
        "curves_good_ratio_above_high": Fact(paired.wins(median["high"].values, median["good"].values), "d"),
        "curves_high_ratio_above_low": Fact(paired.wins(median["low"].values, median["high"].values), "d"),
        # near the rule of thumb: the share of steps within NEAR_FACTOR of it, its range over the seeds
        "curves_near_factor": Fact(NEAR_FACTOR, "d"),
        "curves_ratio_within2_low_min": Fact(near["low"].low, ".0f"),
        "curves_ratio_within2_low_max": Fact(near["low"].high, ".0f"),
        "curves_ratio_within2_high_min": Fact(near["high"].low, ".0f"),
        "curves_ratio_within2_high_max": Fact(near["high"].high, ".0f"),
        "curves_ratio_within2_good_min": Fact(near["good"].low, ".0f"),
        "curves_ratio_within2_good_max": Fact(near["good"].high, ".0f"),
        "curves_high_ratio_start_min": Fact(high_first.low, ".2f"),
        "curves_high_ratio_start_max": Fact(high_first.high, ".2f"),
        # the ratio's denominator: the weights grow (seed SEED), and the gradient does not always shrink
        "curves_weights_start": Fact(start, ".1f"),
        "curves_good_weights_end": Fact(grown["good"], ".1f"),
        "curves_good_weights_growth": Fact(grown["good"] / start, ".1f"),
        "curves_high_weights_end": Fact(grown["high"], ".0f"),
        "curves_high_gradient_smaller": Fact(paired.wins(gradient["high"].values, gradient["good"].values), "d"),
    }


def _good_rate_facts() -> dict[str, Fact]:
    """The reference curve: each seed's winner, the flat floor, and Smith's rule against it."""
    c, chosen = reference.curve(), rates()
    winners = c.best_per_seed
    first = int(np.flatnonzero(np.asarray(c.seeds) == SEED)[0])
    lucky = int(np.flatnonzero(c.lrs == winners[first])[0])  # seed SEED's winner, on the grid
    others = np.delete(c.val_loss[:, lucky], first)
    stable = np.flatnonzero(~c.diverged.any(axis=0))
    # its rank among the rates that never blew up, by mean loss (1 = the reference rate)
    rank = 1 + int(np.count_nonzero(c.mean[stable] < c.mean[lucky]))
    floor = c.floor(c.sd[c.best])
    edge_nudge = paired.spread([nudge_change(chosen["high"], s) for s in SEEDS])
    good_nudge = paired.spread([nudge_change(chosen["good"], s) for s in SEEDS])
    gaps = {offset: gap(offset) for offset in FLOOR_OFFSETS}
    smith_low, top = smith_window()
    smith = gap(int(np.flatnonzero(np.isclose(c.lrs, smith_pick()))[0]) - c.best)
    fresh_down, fresh_ref, fresh_up = fresh(-1), fresh(0), fresh(1)
    return {
        "curves_winner_0": Fact(float(winners[0]), ".3g"),
        "curves_winner_1": Fact(float(winners[1]), ".3g"),
        "curves_winner_2": Fact(float(winners[2]), ".3g"),
        "curves_winner_3": Fact(float(winners[3]), ".3g"),
        "curves_winner_4": Fact(float(winners[4]), ".3g"),
        "curves_winner_low": Fact(float(winners.min()), ".3g"),
        "curves_winner_high": Fact(float(winners.max()), ".3g"),
        "curves_winner_spread": Fact(float(winners.max() / winners.min()), ".0f"),
        "curves_reference_wins": Fact(int(np.count_nonzero(winners == c.rate)), "d"),
        "curves_lucky_val": Fact(float(c.val_loss[first, lucky]), ".4f"),
        "curves_lucky_others_mean": Fact(float(others.mean()), ".4f"),
        "curves_lucky_others_sd": Fact(float(others.std(ddof=1)), ".4f"),
        "curves_lucky_mean": Fact(float(c.mean[lucky]), ".4f"),
        "curves_lucky_sd": Fact(float(c.sd[lucky]), ".4f"),
        "curves_lucky_rank": Fact(rank, "d"),
        "curves_stable_count": Fact(len(stable), "d"),
        "curves_sd_typical": Fact(float(np.median(c.sd[stable])), ".4f"),
        "curves_nudge_parts": Fact(1 / NUDGE, ",.0f"),
        "curves_nudge_edge_min": Fact(edge_nudge.low, ".1f"),
        "curves_nudge_edge_max": Fact(edge_nudge.high, ".0f"),
        "curves_nudge_good_max": Fact(good_nudge.high, ".1g"),
        # the flat floor: the rates whose mean is within one seed-sd of the best mean
        "curves_best_sd": Fact(float(c.sd[c.best]), ".4f"),
        "curves_floor_low": Fact(float(floor.min()), ".3g"),
        "curves_floor_high": Fact(float(floor.max()), ".3g"),
        "curves_floor_width": Fact(float(floor.max() / floor.min()), ".1f"),
        "curves_floor_down2_lr": Fact(gaps[-2].lr, ".3g"),
        "curves_floor_down2_loss_mean": Fact(gaps[-2].loss.mean, ".4f"),
        "curves_floor_down2_loss_sd": Fact(gaps[-2].loss.sd, ".4f"),
        "curves_floor_down2_gap_mean": Fact(gaps[-2].gap.mean, ".4f"),
        "curves_floor_down2_gap_sd": Fact(gaps[-2].gap.sd, ".4f"),
        "curves_floor_down2_wins": Fact(gaps[-2].wins, "d"),
        "curves_floor_down1_lr": Fact(gaps[-1].lr, ".3g"),
        "curves_floor_down1_loss_mean": Fact(gaps[-1].loss.mean, ".4f"),
        "curves_floor_down1_loss_sd": Fact(gaps[-1].loss.sd, ".4f"),
        "curves_floor_down1_gap_mean": Fact(gaps[-1].gap.mean, ".4f"),
        "curves_floor_down1_gap_sd": Fact(gaps[-1].gap.sd, ".4f"),
        "curves_floor_down1_wins": Fact(gaps[-1].wins, "d"),
        "curves_floor_up1_lr": Fact(gaps[1].lr, ".3g"),
        "curves_floor_up1_loss_mean": Fact(gaps[1].loss.mean, ".4f"),
        "curves_floor_up1_loss_sd": Fact(gaps[1].loss.sd, ".4f"),
        "curves_floor_up1_gap_mean": Fact(gaps[1].gap.mean, ".4f"),
        "curves_floor_up1_gap_sd": Fact(gaps[1].gap.sd, ".4f"),
        "curves_floor_up1_wins": Fact(gaps[1].wins, "d"),
        "curves_floor_up2_lr": Fact(gaps[2].lr, ".3g"),
        "curves_floor_up2_loss_mean": Fact(gaps[2].loss.mean, ".4f"),
        "curves_floor_up2_loss_sd": Fact(gaps[2].loss.sd, ".4f"),
        "curves_floor_up2_gap_mean": Fact(gaps[2].gap.mean, ".4f"),
        "curves_floor_up2_gap_sd": Fact(gaps[2].gap.sd, ".4f"),
        "curves_floor_up2_wins": Fact(gaps[2].wins, "d"),
        "curves_floor_up3_lr": Fact(gaps[3].lr, ".3g"),
        "curves_floor_up3_loss_mean": Fact(gaps[3].loss.mean, ".4f"),
        "curves_floor_up3_loss_sd": Fact(gaps[3].loss.sd, ".4f"),
        "curves_floor_up3_gap_mean": Fact(gaps[3].gap.mean, ".4f"),
        "curves_floor_up3_gap_sd": Fact(gaps[3].gap.sd, ".4f"),
        "curves_floor_up3_wins": Fact(gaps[3].wins, "d"),
        # backing off from the cliff
        "curves_largest_stable": Fact(top, ".3g"),
        "curves_smith_factor": Fact(SMITH_FACTOR, "d"),
        "curves_smith_low": Fact(smith_low, ".3g"),
        "curves_smith_lr": Fact(smith.lr, ".3g"),
        "curves_smith_mean": Fact(smith.loss.mean, ".4f"),
        "curves_smith_sd": Fact(smith.loss.sd, ".4f"),
        "curves_smith_loses": Fact(smith.wins, "d"),
        "curves_smith_worse": Fact(100 * (smith.loss.mean / c.mean[c.best] - 1), ".0f"),
        "curves_backoff": Fact(top / c.rate, ".1f"),
        "curves_seed0_largest": Fact(float(c.lrs[~c.diverged[first]].max()), ".3g"),
        "curves_seed0_smith_low": Fact(float(c.lrs[~c.diverged[first]].max()) / SMITH_FACTOR, ".3g"),
        "curves_grid_low_mean": Fact(float(c.mean[0]), ".2f"),
        "curves_train_best": Fact(train_best(), ".3g"),
        # the floor's order on seeds the reference rate was not chosen on
        "curves_fresh_first": Fact(FRESH_SEEDS[0], "d"),
        "curves_fresh_last": Fact(FRESH_SEEDS[-1], "d"),
        "curves_fresh_ref_mean": Fact(fresh_ref.mean, ".4f"),
        "curves_fresh_ref_sd": Fact(fresh_ref.sd, ".4f"),
        "curves_fresh_down1_mean": Fact(fresh_down.mean, ".4f"),
        "curves_fresh_down1_sd": Fact(fresh_down.sd, ".4f"),
        "curves_fresh_down1_wins": Fact(paired.wins(fresh_ref.values, fresh_down.values), "d"),
        "curves_fresh_up1_mean": Fact(fresh_up.mean, ".4f"),
        "curves_fresh_up1_sd": Fact(fresh_up.sd, ".4f"),
        "curves_fresh_up1_wins": Fact(paired.wins(fresh_ref.values, fresh_up.values), "d"),
        "curves_fresh_seeds": Fact(len(FRESH_SEEDS), "d"),
    }


# ---------------------------------------------------------------- figures

ASSETS = (
    Asset("curves-epochs", STILL, data=curves_view, draw="epochs"),
    Asset("curves-steps", STILL, data=curves_view, draw="steps"),
    Asset("curves-ratio", STILL, data=curves_view, draw="ratio"),
    Asset("curves-grid", STILL, data=grid_view, draw="grid"),
)
