"""Chapter "Schedules and adaptive rates" (docs/schedules.md).

The shared workload (``workload.MLP`` on the digits, batches of 32, seed 0) trained for
``EPOCHS`` epochs three ways:

- at the **best fixed rate** η*, found here by ``search.grid_search`` over a grid
  of half decades at the same epoch budget: the baseline;
- with each schedule of ``gdsim.schedules``, its parameters set from η* (decays start at η*,
  cycles run between η*/4 and η*), from the same start and batches as the baseline; the
  baseline is also run with the other seeds of ``SEEDS``, to measure how much of a difference
  the luck of one start and shuffle makes;
- with hypergradient descent (``gdsim.hypergradient.sgd_hd``) from initial rates four decades
  apart, and with three values of its own rate β.

Every run is cached, so the figures and the facts share them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdsim import hypergradient, schedules, search, sgd, workload
from gdsim.assets import STILL, Asset
from gdsim.facts import Fact
from gdsim.stored import stored

EPOCHS = 20
# The grid for the best fixed rate: half decades from 0.1 to 10 (10 blows up). The search chapter
# searches finer; here the grid only has to give a fair baseline, and each run costs a tenth of a second.
GRID = np.logspace(-1, 1, 5)
# Seeds of the baseline: the workload's seed first (the one every run uses), then two more.
SEEDS = (workload.SEED, 1, 2)
# The schedules, in the order the page and the figures name them.
DECAYS = ("step", "exponential", "inverse_time", "cosine")
CYCLES = ("triangular", "triangular2", "exp_range")
NAMES = DECAYS + CYCLES
LABELS = {"step": "step", "exponential": "exponential", "inverse_time": "1/t", "cosine": "cosine",
          "triangular": "triangular", "triangular2": "triangular2", "exp_range": "exp_range"}
# Step decay halves the rate every STEP_EVERY epochs; exponential and 1/t end at END_FRACTION of η*.
STEP_DROP, STEP_EVERY = 0.5, 5
END_FRACTION = 0.1
# Smith's cycles: base = max/4 (his max/3 … max/4), max = η*, half a cycle = CYCLE_EPOCHS epochs
# (his 2–10 epochs), so the run ends at a cycle's end; exp_range's amplitude ends at END_FRACTION.
CYCLE_BASE_FRACTION = 0.25
CYCLE_EPOCHS = 2
# SGD-HD: initial rates four decades apart, the chapter's β, and the β comparison from the lowest α₀.
HD_LR0 = (1e-4, 1e-3, 1e-2, 1e-1, 1.0)
HD_BETA = 0.3
BETAS = (1e-3, HD_BETA, 3.0)
BETA_LR0 = HD_LR0[0]
# A β far too large: the run blows up within a few steps.
BETA_BLOWUP = 10.0
BAYDIN_BETA = 1e-3  # the paper's β for SGD-HD on MNIST logistic regression


def _data():
    return workload.data()


def steps_per_epoch() -> int:
    """Steps in one epoch: ⌈n_train / B⌉."""
    return -(-len(_data().y_train) // workload.BATCH_SIZE)


def total_steps() -> int:
    return EPOCHS * steps_per_epoch()


@stored
def grid() -> search.Grid:
    """The grid search at the chapter's budget: one run per rate, judged on validation loss."""
    return search.grid_search(workload.MLP, _data(), GRID, EPOCHS, workload.BATCH_SIZE, workload.SEED)


def best_lr() -> float:
    """η*: the grid's rate with the lowest final validation loss."""
    return grid().best_lr


def schedule(name: str) -> schedules.Schedule:
    """One schedule with the chapter's parameters, all set from η* and the epoch budget."""
    lr, T, epoch = best_lr(), total_steps(), steps_per_epoch()
    base = CYCLE_BASE_FRACTION * lr
    params = {
        "step": dict(lr0=lr, drop=STEP_DROP, every=STEP_EVERY * epoch),
        # η₀ e^{−kT} = END_FRACTION · η₀  ⇒  k = −ln(END_FRACTION) / T
        "exponential": dict(lr0=lr, k=-math.log(END_FRACTION) / T),
        # η₀ / (1 + kT) = END_FRACTION · η₀  ⇒  k = (1/END_FRACTION − 1) / T
        "inverse_time": dict(lr0=lr, k=(1.0 / END_FRACTION - 1.0) / T),
        "cosine": dict(lr0=lr, total=T),
        "triangular": dict(base=base, max_lr=lr, stepsize=CYCLE_EPOCHS * epoch),
        "triangular2": dict(base=base, max_lr=lr, stepsize=CYCLE_EPOCHS * epoch),
        # γ^T = END_FRACTION
        "exp_range": dict(base=base, max_lr=lr, stepsize=CYCLE_EPOCHS * epoch, gamma=END_FRACTION ** (1.0 / T)),
    }[name]
    return schedules.schedule(name, **params)


@stored
def fixed_run(seed: int = workload.SEED) -> sgd.Training:
    """The baseline: η* for the whole run."""
    return sgd.train(workload.MLP, _data(), best_lr(), EPOCHS, workload.BATCH_SIZE, seed)


@stored
def schedule_run(name: str, seed: int = workload.SEED) -> sgd.Training:
    """One schedule for the whole run, from the same start and batches as the baseline of that seed."""
    return sgd.train(workload.MLP, _data(), schedule(name), EPOCHS, workload.BATCH_SIZE, seed)


@stored
def hd_run(lr0: float, beta: float = HD_BETA) -> sgd.Training:
    """SGD-HD from α₀ = ``lr0`` with hypergradient rate ``beta``, seed 0."""
    return hypergradient.sgd_hd(workload.MLP, _data(), lr0, beta, EPOCHS, workload.BATCH_SIZE, workload.SEED)


def end_rate(run: sgd.Training) -> float:
    """The rate a run settled on: the mean of its last epoch's rates."""
    return float(np.mean(run.step_lr[-steps_per_epoch():]))


# ---------------------------------------------------------------- what the figures draw


@dataclass(frozen=True)
class Curve:
    """One run as the figures draw it: its rate per step and its losses per epoch."""

    name: str
    label: str
    lr: np.ndarray  # (steps,)
    val_loss: np.ndarray  # (epochs + 1,)
    val_accuracy: np.ndarray


@dataclass(frozen=True)
class ShapesView:
    """Every schedule's rate over the run, with η* for reference."""

    steps: np.ndarray  # 0 … T − 1
    rates: dict[str, np.ndarray]
    labels: dict[str, str]
    decays: tuple[str, ...]
    cycles: tuple[str, ...]
    best_lr: float
    steps_per_epoch: int
    epochs: int


@dataclass(frozen=True)
class TrainingView:
    """Validation loss per epoch of every schedule against the baseline; the baseline's seeds."""

    curves: dict[str, Curve]  # the schedules and "fixed", all with the workload's seed
    decays: tuple[str, ...]
    cycles: tuple[str, ...]
    seeds: tuple[int, ...]
    fixed_seeds: np.ndarray  # the baseline's final validation loss with each seed
    best_lr: float
    epochs: int


@dataclass(frozen=True)
class HDView:
    """SGD-HD from initial rates decades apart: rates per step, validation losses, the baseline."""

    lr0: tuple[float, ...]
    rates: tuple[np.ndarray, ...]
    val_loss: tuple[np.ndarray, ...]
    baseline_val_loss: np.ndarray
    best_lr: float
    beta: float
    steps_per_epoch: int
    epochs: int


@dataclass(frozen=True)
class BetaView:
    """SGD-HD from one α₀ with three values of β: the rate per step and the validation loss."""

    betas: tuple[float, ...]
    lr0: float
    rates: tuple[np.ndarray, ...]
    val_loss: tuple[np.ndarray, ...]
    baseline_val_loss: np.ndarray
    best_lr: float
    steps_per_epoch: int
    epochs: int


def _curve(name: str, label: str, run: sgd.Training) -> Curve:
    return Curve(name, label, run.step_lr, run.epoch_val_loss, run.epoch_val_accuracy)


def shapes_view() -> ShapesView:
    """The schedules figure: each η_t over the chapter's T steps, computed from its closed form."""
    steps = np.arange(total_steps())
    rates = {name: np.asarray(schedule(name)(steps)) for name in NAMES}
    return ShapesView(steps, rates, LABELS, DECAYS, CYCLES, best_lr(), steps_per_epoch(), EPOCHS)


def training_view() -> TrainingView:
    """The training figure: every schedule's curves, and the baseline's final loss with each seed."""
    curves = {name: _curve(name, LABELS[name], schedule_run(name)) for name in NAMES}
    curves["fixed"] = _curve("fixed", "fixed", fixed_run())
    return TrainingView(curves, DECAYS, CYCLES, SEEDS, fixed_seeds(), best_lr(), EPOCHS)


def hd_view() -> HDView:
    runs = [hd_run(lr0) for lr0 in HD_LR0]
    return HDView(HD_LR0, tuple(r.step_lr for r in runs), tuple(r.epoch_val_loss for r in runs),
                  fixed_run().epoch_val_loss, best_lr(), HD_BETA, steps_per_epoch(), EPOCHS)


def beta_view() -> BetaView:
    runs = [hd_run(BETA_LR0, beta) for beta in BETAS]
    return BetaView(BETAS, BETA_LR0, tuple(r.step_lr for r in runs), tuple(r.epoch_val_loss for r in runs),
                    fixed_run().epoch_val_loss, best_lr(), steps_per_epoch(), EPOCHS)


# ---------------------------------------------------------------- facts


def fixed_seeds() -> np.ndarray:
    """The baseline's final validation loss with each seed of SEEDS: the spread luck alone makes."""
    return np.array([fixed_run(seed).final_val_loss for seed in SEEDS])


def better() -> tuple[str, ...]:
    """The schedules that ended with a lower validation loss than the baseline (same seed)."""
    return tuple(name for name in NAMES if schedule_run(name).final_val_loss < fixed_run().final_val_loss)


def within_luck() -> tuple[str, ...]:
    """The schedules whose final validation loss lies inside the baseline's range over SEEDS."""
    low, high = fixed_seeds().min(), fixed_seeds().max()
    return tuple(name for name in NAMES if low <= schedule_run(name).final_val_loss <= high)


def facts() -> dict[str, Fact]:
    """The chapter's numbers: the baseline, each schedule's result, SGD-HD's rates and β's effect."""
    g, data = grid(), _data()
    lr, T, epoch = best_lr(), total_steps(), steps_per_epoch()
    fixed, spread = fixed_run(), fixed_seeds()
    out = {
        "schedule_epochs": Fact(EPOCHS, "d"),
        "schedule_steps": Fact(T, "d"),
        "schedule_per_epoch": Fact(epoch, "d"),
        "schedule_n_val": Fact(len(data.y_val), "d"),
        "schedule_grid_low": Fact(float(GRID[0]), "g"),
        "schedule_grid_high": Fact(float(GRID[-1]), "g"),
        "schedule_grid_count": Fact(len(GRID), "d"),
        "schedule_best_lr": Fact(lr, ".2f"),
        "schedule_below_lr": Fact(float(GRID[np.searchsorted(GRID, lr) - 1]), "g"),
        "schedule_below_val": Fact(float(g.val_loss[np.searchsorted(GRID, lr) - 1]), ".3f"),
        "schedule_fixed_val": Fact(fixed.final_val_loss, ".3f"),
        "schedule_fixed_acc": Fact(100 * float(fixed.epoch_val_accuracy[-1]), ".1f"),
        "schedule_fixed_train": Fact(float(fixed.epoch_train_loss[-1]), ".4f"),
        "schedule_fixed_seed_low": Fact(float(spread.min()), ".3f"),
        "schedule_fixed_seed_high": Fact(float(spread.max()), ".3f"),
        "schedule_seeds": Fact(len(SEEDS), "d"),
        "schedule_step_drop": Fact(STEP_DROP, "g"),
        "schedule_step_every": Fact(STEP_EVERY, "d"),
        "schedule_end_fraction": Fact(END_FRACTION, "g"),
        "schedule_exp_k": Fact(schedule("exponential").params["k"], ".5f"),
        "schedule_inv_k": Fact(schedule("inverse_time").params["k"], ".4f"),
        "schedule_cycle_base": Fact(CYCLE_BASE_FRACTION * lr, ".2f"),
        "schedule_cycle_epochs": Fact(CYCLE_EPOCHS, "d"),
        "schedule_stepsize": Fact(CYCLE_EPOCHS * epoch, "d"),
        "schedule_cycles": Fact(T // (2 * CYCLE_EPOCHS * epoch), "d"),
        "schedule_gamma": Fact(schedule("exp_range").params["gamma"], ".5f"),
        # the exercises: triangular2's second peak, exponential's ratio per step, the half-lives
        "schedule_tri2_second_peak": Fact(schedule("triangular2")(3 * CYCLE_EPOCHS * epoch), ".2f"),
        "schedule_exp_ratio": Fact(schedule("exponential")(1) / schedule("exponential")(0), ".6f"),
        "schedule_exp_half": Fact(math.log(2) / schedule("exponential").params["k"], ".0f"),
        "schedule_inv_half": Fact(1 / schedule("inverse_time").params["k"], ".0f"),
        "schedule_better_count": Fact(len(better()), "d"),
        "schedule_luck_count": Fact(len(within_luck()), "d"),
    }
    val = lambda name: Fact(schedule_run(name).final_val_loss, ".3f")  # noqa: E731
    acc = lambda name: Fact(100 * float(schedule_run(name).epoch_val_accuracy[-1]), ".1f")  # noqa: E731
    out |= {
        "schedule_step_val": val("step"), "schedule_step_acc": acc("step"),
        "schedule_exponential_val": val("exponential"), "schedule_exponential_acc": acc("exponential"),
        "schedule_inverse_time_val": val("inverse_time"), "schedule_inverse_time_acc": acc("inverse_time"),
        "schedule_cosine_val": val("cosine"), "schedule_cosine_acc": acc("cosine"),
        "schedule_triangular_val": val("triangular"), "schedule_triangular_acc": acc("triangular"),
        "schedule_triangular2_val": val("triangular2"), "schedule_triangular2_acc": acc("triangular2"),
        "schedule_exp_range_val": val("exp_range"), "schedule_exp_range_acc": acc("exp_range"),
    }
    finals = [schedule_run(name).final_val_loss for name in NAMES]
    out["schedule_val_best"] = Fact(min(finals), ".3f")
    out["schedule_val_worst"] = Fact(max(finals), ".3f")
    # SGD-HD from α₀ four decades apart
    ends = [end_rate(hd_run(lr0)) for lr0 in HD_LR0]
    hd_vals = [hd_run(lr0).final_val_loss for lr0 in HD_LR0]
    low = hd_run(HD_LR0[0])
    out |= {
        "hd_beta": Fact(HD_BETA, "g"),
        "hd_lr0_low": Fact(HD_LR0[0], "g"),
        "hd_lr0_high": Fact(HD_LR0[-1], "g"),
        "hd_decades": Fact(round(math.log10(HD_LR0[-1] / HD_LR0[0])), "d"),
        "hd_end_low": Fact(min(ends), ".2f"),
        "hd_end_high": Fact(max(ends), ".2f"),
        "hd_end_ratio": Fact(max(ends) / min(ends), ".2f"),
        "hd_peak": Fact(float(low.step_lr.max()), ".2f"),
        "hd_peak_epoch": Fact(float(np.argmax(low.step_lr) + 1) / epoch, ".1f"),
        "hd_first_epoch_rate": Fact(float(low.step_lr[epoch - 1]), ".2f"),
        "hd_val_low": Fact(min(hd_vals), ".3f"),
        "hd_val_high": Fact(max(hd_vals), ".3f"),
        "hd_best_over_end": Fact(lr / float(np.median(ends)), ".0f"),
    }
    # β: the paper's, the chapter's, a bold one, and one that blows up
    timid, bold, wild = hd_run(BETA_LR0, BETAS[0]), hd_run(BETA_LR0, BETAS[-1]), hd_run(BETA_LR0, BETA_BLOWUP)
    # the first hypergradient: α₁ − α₀ = β g₁·g₀
    first_dot = (timid.step_lr[1] - timid.step_lr[0]) / BETAS[0]
    out |= {
        "hd_beta_baydin": Fact(BAYDIN_BETA, "g"),
        "hd_beta_low": Fact(BETAS[0], "g"),
        "hd_beta_high": Fact(BETAS[-1], "g"),
        "hd_beta_blowup": Fact(BETA_BLOWUP, "g"),
        "hd_first_dot": Fact(float(first_dot), ".2f"),
        "hd_first_move": Fact(float(BETAS[0] * first_dot), ".4f"),
        "hd_timid_end": Fact(end_rate(timid), ".3f"),
        "hd_timid_val": Fact(timid.final_val_loss, ".3f"),
        "hd_bold_peak": Fact(float(bold.step_lr.max()), ".1f"),
        "hd_bold_peak_step": Fact(int(np.argmax(bold.step_lr)) + 1, "d"),
        "hd_bold_min": Fact(float(bold.step_lr.min()), ".2f"),
        "hd_bold_negative": Fact(int(np.count_nonzero(bold.step_lr < 0)), "d"),
        "hd_bold_val": Fact(bold.final_val_loss, ".3f"),
        "hd_wild_steps": Fact(wild.steps, "d"),
    }
    return out


# ---------------------------------------------------------------- figures

ASSETS = (
    Asset(
        "schedule-shapes",
        STILL,
        data=shapes_view,
        draw="shapes",
    ),
    Asset(
        "schedule-training",
        STILL,
        data=training_view,
        draw="training",
    ),
    Asset(
        "hd-rates",
        STILL,
        data=hd_view,
        draw="hd_rates",
    ),
    Asset(
        "hd-beta",
        STILL,
        data=beta_view,
        draw="hd_beta",
    ),
)
