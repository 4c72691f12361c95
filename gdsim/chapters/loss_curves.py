"""Chapter "Reading the loss curve" (docs/loss-curves.md).

The practice part's workload (``gdsim.workload``: the digits, the one-hidden-layer tanh network,
mini-batches of 32) trained with one fixed learning rate per run, on a grid of rates a quarter of
a decade apart. Four of them are read as loss curves, each picked from the grid by a rule, never
by hand:

- **good**: the rate with the lowest final validation loss (validation loss is the judge);
- **very high**: the smallest rate whose run blew up (and was stopped, ``sgd.BLOWUP``);
- **high**: the largest rate below it that did not blow up;
- **low**: the good rate divided by ``LOW_FACTOR``.

Every run is cached, so the figures and the facts share them.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import checks, digits, network, sgd, workload
from gdsim.assets import STILL, Asset
from gdsim.facts import Fact
from gdsim.stored import stored

EPOCHS = 20
# The grid: 10^(k/4) from 10^−2 to 10^1, a quarter of a decade apart.
GRID_PER_DECADE = 4
GRID_DECADES = (-2, 1)
# The low rate is the good one over 100: two decades, eight grid steps, down.
LOW_FACTOR = 100
KINDS = ("very high", "high", "good", "low")
# CS231n's rule of thumb for the update-to-weight ratio ‖η∇W‖/‖W‖ in healthy training.
RULE_OF_THUMB = 1e-3
# The last epochs, over which a plateau's level is the mean validation loss.
PLATEAU_EPOCHS = 5
# A larger batch, for an exercise on the noise of the batch loss.
BIG_BATCH = 128


def grid() -> np.ndarray:
    """The candidate rates, 10^(k/4) for k from −8 to 4."""
    low, high = GRID_DECADES
    return 10.0 ** (np.arange(low * GRID_PER_DECADE, high * GRID_PER_DECADE + 1) / GRID_PER_DECADE)


@stored
def run(lr: float) -> sgd.Training:
    """The MLP trained on the digits for EPOCHS epochs at rate ``lr``, batches of 32, seed 0."""
    lr = checks.learning_rate(lr)
    return sgd.train(workload.MLP, workload.data(), lr, EPOCHS, workload.BATCH_SIZE, workload.SEED)


@stored
def unstopped(lr: float) -> sgd.Training:
    """The same run with no blow-up stop (the largest float as the factor): what stopping spared."""
    lr = checks.learning_rate(lr)
    return sgd.train(workload.MLP, workload.data(), lr, EPOCHS, workload.BATCH_SIZE, workload.SEED,
                     blowup=sys.float_info.max)


def final_val_losses(lrs: np.ndarray) -> np.ndarray:
    """Each rate's validation loss at the end (inf where the run blew up)."""
    return np.array([run(float(lr)).final_val_loss for lr in lrs])


def pick_rates(lrs: np.ndarray, val_loss: np.ndarray, diverged: np.ndarray, low_factor: float = LOW_FACTOR) -> dict[str, float]:
    """The four rates of the chapter, picked from a grid by the module docstring's rules."""
    lrs, val_loss, diverged = np.asarray(lrs, dtype=float), np.asarray(val_loss, dtype=float), np.asarray(diverged, dtype=bool)
    if not (lrs.ndim == 1 and len(lrs) >= 3 and lrs.shape == val_loss.shape == diverged.shape):
        raise ValueError("need at least three rates, one validation loss and one blow-up flag per rate")
    if np.any(np.diff(lrs) <= 0):
        raise ValueError("the rates must be strictly increasing")
    if not diverged.any() or diverged.all():
        raise ValueError("the grid must hold rates that blew up and rates that did not")
    good = int(np.argmin(val_loss))
    very_high = int(np.argmax(diverged))  # the first rate that blew up
    high = very_high - 1
    if not good < high:
        raise ValueError("need a rate that did not blow up between the good one and the first that did")
    matches = np.flatnonzero(np.isclose(lrs, lrs[good] / checks.positive_number(low_factor, "low factor"), rtol=1e-9))
    if not len(matches):
        raise ValueError(f"the good rate over {low_factor:g} is not on the grid")
    return {"very high": float(lrs[very_high]), "high": float(lrs[high]), "good": float(lrs[good]),
            "low": float(lrs[matches[0]])}


@lru_cache(maxsize=1)
def rates() -> dict[str, float]:
    """The chapter's four rates, from the grid's runs."""
    lrs = grid()
    return pick_rates(lrs, final_val_losses(lrs), np.array([run(float(lr)).diverged for lr in lrs]))


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
    """The four runs, the shared axes of the chapter's figures and the numbers they mark."""

    curves: tuple[Curve, ...]  # in KINDS order
    epochs: int
    steps_per_epoch: int
    blowup_limit: float  # the loss at which a run is stopped
    epoch_range: tuple[float, float]  # the loss axis of the per-epoch figure, with a decade of headroom
    step_range: tuple[float, float]  # the loss axis of the per-step figure
    rule_of_thumb: float


def steps_per_epoch() -> int:
    """⌈n_train / B⌉ steps make an epoch."""
    return -(-len(workload.data().y_train) // workload.BATCH_SIZE)


def curve(kind: str) -> Curve:
    """One of the four runs, with its smoothed batch loss and, if it blew up, where it stopped."""
    lr = rates()[checks.one_of(kind, KINDS, "kind")]
    result = run(lr)
    per_epoch = steps_per_epoch()
    stop = (result.steps / per_epoch, stop_loss(result)) if result.diverged else None
    return Curve(kind, lr, result.epoch_train_loss, result.epoch_val_loss, result.step_loss,
                 trailing_mean(result.step_loss, per_epoch), result.update_ratio,
                 trailing_mean(result.update_ratio, per_epoch), result.diverged, stop)


@lru_cache(maxsize=1)
def curves_view() -> CurvesView:
    """Every figure's data; each loss axis holds every curve it draws, from below the lowest loss to the stop line."""
    curves = tuple(curve(kind) for kind in KINDS)
    limit = sgd.BLOWUP * float(curves[0].train[0])
    top = max([limit] + [c.stop[1] for c in curves if c.stop])
    epoch_low = min(float(np.min(np.concatenate([c.train, c.val]))) for c in curves)
    step_low = min(float(np.min(c.step_loss)) for c in curves)
    return CurvesView(curves, EPOCHS, steps_per_epoch(), limit, _decades(epoch_low, 10 * top),
                      _decades(step_low, top), RULE_OF_THUMB)


def _decades(low: float, high: float) -> tuple[float, float]:
    """The whole decades that hold ``low`` … ``high``."""
    return 10.0 ** math.floor(math.log10(low)), 10.0 ** math.ceil(math.log10(high))


# ---------------------------------------------------------------- facts


def first_at_most(values: np.ndarray, level: float) -> int:
    """The first index (epoch or step) at which a curve is at or below ``level``."""
    below = np.flatnonzero(np.asarray(values) <= level)
    if not len(below):
        raise ValueError(f"the curve never reaches {level:g}")
    return int(below[0])


def facts() -> dict[str, Fact]:
    """The chapter's quoted numbers: the workload, the four runs, their noise and their ratios."""
    d, net = workload.data(), workload.MLP
    raw_x, _ = digits.raw()
    chosen = rates()
    vh, high, good, low = (curve(kind) for kind in KINDS)
    runs = {kind: run(lr) for kind, lr in chosen.items()}
    per_epoch = steps_per_epoch()
    lrs = grid()
    val_loss = final_val_losses(lrs)
    last = slice(-per_epoch, None)
    good_val_min = int(np.argmin(good.val))
    free = unstopped(chosen["very high"])
    return {
        # the workload
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
        "curves_start_loss": Fact(good.train[0], ".3f"),
        "curves_chance_loss": Fact(math.log(net.classes), ".3f"),
        "curves_start_val_accuracy": Fact(100 * runs["good"].epoch_val_accuracy[0], ".1f"),
        "curves_blowup": Fact(sgd.BLOWUP, "g"),
        "curves_blowup_limit": Fact(sgd.BLOWUP * good.train[0], ".2f"),
        # the grid and the four rates
        "curves_grid_size": Fact(len(lrs), "d"),
        "curves_grid_low": Fact(lrs[0], "g"),
        "curves_grid_high": Fact(lrs[-1], "g"),
        "curves_grid_per_decade": Fact(GRID_PER_DECADE, "d"),
        "curves_grid_blown": Fact(int(np.count_nonzero(~np.isfinite(val_loss))), "d"),
        "curves_low_factor": Fact(LOW_FACTOR, "d"),
        "curves_lr_very_high": Fact(chosen["very high"], ".3g"),
        "curves_lr_high": Fact(chosen["high"], ".3g"),
        "curves_lr_good": Fact(chosen["good"], ".3g"),
        "curves_lr_low": Fact(chosen["low"], ".3g"),
        # very high: stopped at once
        "curves_vh_steps": Fact(runs["very high"].steps, "d"),
        "curves_vh_stop_loss": Fact(vh.stop[1], ".2f"),
        "curves_vh_stop_times": Fact(vh.stop[1] / vh.train[0], ".1f"),
        "curves_vh_ratio_max": Fact(float(vh.ratio.max()), ".2f"),
        # very high, had it not been stopped
        "curves_free_peak": Fact(float(free.step_loss.max()), ".1f"),
        "curves_free_peak_step": Fact(int(np.argmax(free.step_loss)) + 1, "d"),
        "curves_free_peak_times": Fact(float(free.step_loss.max() / free.epoch_train_loss[0]), ".1f"),
        "curves_free_val": Fact(free.epoch_val_loss[-1], ".2f"),
        "curves_free_val_times": Fact(free.epoch_val_loss[-1] / good.val[-1], ".0f"),
        "curves_free_accuracy": Fact(100 * free.epoch_val_accuracy[-1], ".1f"),
        # high: ragged, a worse plateau
        "curves_high_epoch1": Fact(high.train[1], ".3f"),
        "curves_good_epoch1": Fact(good.train[1], ".3f"),
        "curves_high_rises": Fact(int(np.count_nonzero(np.diff(high.train) > 0)), "d"),
        "curves_good_rises": Fact(int(np.count_nonzero(np.diff(good.train) > 0)), "d"),
        "curves_high_plateau": Fact(float(high.val[-PLATEAU_EPOCHS:].mean()), ".3f"),
        "curves_good_plateau": Fact(float(good.val[-PLATEAU_EPOCHS:].mean()), ".3f"),
        "curves_plateau_epochs": Fact(PLATEAU_EPOCHS, "d"),
        "curves_plateau_times": Fact(float(high.val[-PLATEAU_EPOCHS:].mean() / good.val[-PLATEAU_EPOCHS:].mean()), ".1f"),
        "curves_high_train": Fact(high.train[-1], ".2g"),
        "curves_high_val": Fact(high.val[-1], ".3f"),
        "curves_high_accuracy": Fact(100 * runs["high"].epoch_val_accuracy[-1], ".1f"),
        # good
        "curves_good_train": Fact(good.train[-1], ".2g"),
        "curves_good_val": Fact(good.val[-1], ".3f"),
        "curves_good_accuracy": Fact(100 * runs["good"].epoch_val_accuracy[-1], ".1f"),
        "curves_good_errors": Fact(round((1 - runs["good"].epoch_val_accuracy[-1]) * len(d.y_val)), "d"),
        "curves_good_val_min": Fact(good.val[good_val_min], ".3f"),
        "curves_good_val_min_epoch": Fact(good_val_min, "d"),
        "curves_good_gap": Fact(good.val[-1] / good.train[-1], ".0f"),
        # low: still falling
        "curves_low_train": Fact(low.train[-1], ".3f"),
        "curves_low_val": Fact(low.val[-1], ".3f"),
        "curves_low_accuracy": Fact(100 * runs["low"].epoch_val_accuracy[-1], ".1f"),
        "curves_low_last_drop": Fact(100 * (1 - low.train[-1] / low.train[-2]), ".1f"),
        "curves_low_caught": Fact(first_at_most(good.train, low.train[-1]), "d"),
        # the noise of the per-step loss
        "curves_good_last_low": Fact(float(good.step_loss[last].min()), ".2g"),
        "curves_good_last_high": Fact(float(good.step_loss[last].max()), ".2g"),
        "curves_good_last_mean": Fact(float(good.smooth[-1]), ".2g"),
        "curves_good_spread": Fact(batch_loss_spread(runs["good"].params, workload.BATCH_SIZE), ".2g"),
        "curves_good_below_mean": Fact(int(np.count_nonzero(good.step_loss[last] < good.step_loss[last].mean())), "d"),
        "curves_big_batch": Fact(BIG_BATCH, "d"),
        "curves_big_per_epoch": Fact(-(-len(d.y_train) // BIG_BATCH), "d"),
        "curves_big_noise": Fact(batch_loss_spread(runs["good"].params, workload.BATCH_SIZE)
                                 / batch_loss_spread(runs["good"].params, BIG_BATCH), ".2f"),
        "curves_low_last_low": Fact(float(low.step_loss[last].min()), ".3f"),
        "curves_low_last_high": Fact(float(low.step_loss[last].max()), ".3f"),
        "curves_low_spread": Fact(batch_loss_spread(runs["low"].params, workload.BATCH_SIZE), ".3f"),
        # the update-to-weight ratio
        "curves_rule_of_thumb": Fact(RULE_OF_THUMB, "g"),
        "curves_good_ratio": Fact(float(np.median(good.ratio)), ".2g"),
        "curves_good_ratio_start": Fact(float(good.ratio[0]), ".2f"),
        "curves_good_ratio_below": Fact(first_at_most(good.ratio_smooth, RULE_OF_THUMB), "d"),
        "curves_good_ratio_first": Fact(float(np.median(good.ratio[:per_epoch])), ".2g"),
        "curves_good_ratio_last": Fact(float(np.median(good.ratio[last])), ".2g"),
        "curves_good_ratio_fall": Fact(float(good.ratio[0] / np.median(good.ratio[last])), ",.0f"),
        "curves_high_ratio": Fact(float(np.median(high.ratio)), ".2g"),
        "curves_high_ratio_times": Fact(float(np.median(high.ratio) / np.median(good.ratio)), ".0f"),
        "curves_low_ratio": Fact(float(np.median(low.ratio)), ".2g"),
        "curves_low_ratio_first": Fact(float(np.median(low.ratio[:per_epoch])), ".2g"),
        "curves_low_ratio_last": Fact(float(np.median(low.ratio[last])), ".2g"),
    }


# ---------------------------------------------------------------- figures

ASSETS = (
    Asset(
        "curves-epochs",
        STILL,
        data=curves_view,
        draw="epochs",
    ),
    Asset(
        "curves-steps",
        STILL,
        data=curves_view,
        draw="steps",
    ),
    Asset(
        "curves-ratio",
        STILL,
        data=curves_view,
        draw="ratio",
    ),
)
