"""Chapter "Schedules and adaptive rates" (docs/schedules.md).

The shared workload (``workload.MLP`` on the digits, batches of 32) trained for ``EPOCHS``
epochs on every seed of ``paired.SEEDS`` (paired: a seed gives every contender the same start
and the same shuffles), from two starting rates taken from ``gdsim.reference``:

- ``"reference"``: the practice part's reference rate, the best of the seed-averaged grid;
- ``"edge"``: the largest rate of that grid that blew up on no seed, next to the cliff.

From each start, the contenders are the fixed rate itself and each schedule of
``gdsim.schedules`` set from it (decays start at it, cycles run between a quarter of it and it).
Hypergradient descent (``gdsim.hypergradient.sgd_hd``) runs from initial rates four decades
apart and with three values of its own rate β, on the same seeds. Every run is stored, so the
figures and the facts share them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdsim import checks, hypergradient, paired, reference, schedules, sgd, workload
from gdsim.assets import STILL, Asset
from gdsim.facts import Fact
from gdsim.stored import stored

EPOCHS = reference.EPOCHS
SEEDS = paired.SEEDS
# Ten more seeds, a check on the edge comparison: near the cliff one seed can carry a 5-seed sd.
EXTRA_SEEDS = tuple(range(5, 15))
# The two starting rates, both from the reference grid over the seeds.
STARTS = ("reference", "edge")
# The schedules, in the order the page and the figures name them.
DECAYS = ("step", "exponential", "inverse_time", "cosine")
CYCLES = ("triangular", "triangular2", "exp_range")
NAMES = DECAYS + CYCLES
FIXED = "fixed"
LABELS = {FIXED: "fixed", "step": "step", "exponential": "exponential", "inverse_time": "1/t", "cosine": "cosine",
          "triangular": "triangular", "triangular2": "triangular2", "exp_range": "exp_range"}
# Step decay halves the rate every STEP_EVERY epochs; exponential and 1/t end at END_FRACTION of η₀.
STEP_DROP, STEP_EVERY = 0.5, 5
END_FRACTION = 0.1
# Smith's cycles: base = peak/4 (his max/3 … max/4), peak = η₀, half a cycle = CYCLE_EPOCHS epochs
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
    """T, the run's number of steps: EPOCHS × steps per epoch."""
    return EPOCHS * steps_per_epoch()


def start_lr(start: str) -> float:
    """The starting rate η₀ named ``start``: the reference rate, or the largest rate stable on every seed."""
    curve = reference.curve()
    return {"reference": curve.rate, "edge": curve.largest_stable}[checks.one_of(start, STARTS, "start")]


def above_edge() -> tuple[float, ...]:
    """The reference grid's rates above the edge: fixed, each blew up on at least one seed."""
    curve = reference.curve()
    return tuple(float(lr) for lr in curve.lrs[curve.lrs > curve.largest_stable])


def schedule(name: str, lr: float) -> schedules.Schedule:
    """One schedule with the chapter's parameters, set from the starting rate ``lr`` and the run's T steps."""
    lr, T, epoch = checks.learning_rate(lr), total_steps(), steps_per_epoch()
    base = CYCLE_BASE_FRACTION * lr
    params = {
        "step": dict(lr0=lr, drop=STEP_DROP, every=STEP_EVERY * epoch),
        # η₀ e^{−μT} = END_FRACTION · η₀  ⇒  μ = −ln(END_FRACTION) / T
        "exponential": dict(lr0=lr, k=-math.log(END_FRACTION) / T),
        # η₀ / (1 + μT) = END_FRACTION · η₀  ⇒  μ = (1/END_FRACTION − 1) / T
        "inverse_time": dict(lr0=lr, k=(1.0 / END_FRACTION - 1.0) / T),
        "cosine": dict(lr0=lr, total=T),
        "triangular": dict(base=base, max_lr=lr, stepsize=CYCLE_EPOCHS * epoch),
        "triangular2": dict(base=base, max_lr=lr, stepsize=CYCLE_EPOCHS * epoch),
        # γ^T = END_FRACTION
        "exp_range": dict(base=base, max_lr=lr, stepsize=CYCLE_EPOCHS * epoch, gamma=END_FRACTION ** (1.0 / T)),
    }[checks.one_of(name, NAMES, "schedule")]
    return schedules.schedule(name, **params)


def fixed_run(lr: float, seed: int) -> sgd.Training:
    """The fixed rate ``lr`` for the whole run: the reference grid's own stored run."""
    return reference.run(lr, seed)


@stored
def schedule_run(name: str, lr: float, seed: int) -> sgd.Training:
    """One schedule started from ``lr``, with the start and batches of ``seed`` (those of the fixed rate's run)."""
    seed = checks.seed(seed)
    return sgd.train(workload.MLP, _data(), schedule(name, lr), EPOCHS, workload.BATCH_SIZE, seed)


def run(name: str, lr: float, seed: int) -> sgd.Training:
    """A contender's run: ``"fixed"`` at ``lr``, or a schedule started from it."""
    return fixed_run(lr, seed) if name == FIXED else schedule_run(name, lr, seed)


@stored
def hd_run(lr0: float, beta: float, seed: int) -> sgd.Training:
    """SGD-HD from α₀ = ``lr0`` with hypergradient rate ``beta``, with the start and batches of ``seed``."""
    return hypergradient.sgd_hd(workload.MLP, _data(), lr0, beta, EPOCHS, workload.BATCH_SIZE, checks.seed(seed))


def end_rate(run: sgd.Training) -> float:
    """The rate a run settled on: the mean of its last epoch's rates."""
    return float(np.mean(run.step_lr[-steps_per_epoch():]))


def largest_move(run: sgd.Training) -> float:
    """The largest change of the rate in one step, max_t |α_t − α_{t−1}|."""
    return float(np.max(np.abs(np.diff(run.step_lr))))


# ---------------------------------------------------------------- paired comparisons


@dataclass(frozen=True)
class Comparison:
    """Final validation loss of each contender on each seed (paired); contender 0 is the baseline."""

    names: tuple[str, ...]
    labels: tuple[str, ...]
    seeds: tuple[int, ...]
    val_loss: np.ndarray  # (seeds, contenders), inf where a run blew up

    @property
    def spreads(self) -> list[paired.Spread]:
        return paired.spreads(self.val_loss)

    def column(self, name: str) -> np.ndarray:
        return self.val_loss[:, self.names.index(name)]

    def spread(self, name: str) -> paired.Spread:
        return paired.spread(self.column(name))

    def wins(self, name: str, against: str | None = None) -> int:
        """On how many seeds ``name`` ended lower than ``against`` (the baseline by default)."""
        return paired.wins(self.column(name), self.column(against or self.names[0]))


def comparison(start: str, seeds: tuple[int, ...] = SEEDS) -> Comparison:
    """The fixed rate and every schedule from ``start``, on every seed of ``seeds``."""
    lr, names, seeds = start_lr(start), (FIXED, *NAMES), paired.seeds(seeds)
    table = np.array([[run(name, lr, seed).final_val_loss for name in names] for seed in seeds])
    return Comparison(names, tuple(LABELS[n] for n in names), seeds, table)


def paired_difference(c: Comparison, name: str, against: str = FIXED) -> paired.Spread:
    """The per-seed difference ``name`` − ``against`` (negative: ``name`` ended lower), as a spread."""
    return paired.difference(c.column(name), c.column(against))


def train_losses(name: str, lr: float) -> np.ndarray:
    """A contender's final training loss (last epoch's mean) on every seed."""
    return np.array([run(name, lr, seed).epoch_train_loss[-1] for seed in SEEDS])


def below_share(name: str, lr: float, below: float) -> float:
    """The share of a schedule's T steps, started from ``lr``, at a rate under ``below``."""
    return float(np.mean(schedule(name, lr)(np.arange(total_steps())) < below))


def sign_flips_without(c: Comparison, seed: int) -> tuple[str, ...]:
    """The schedules whose mean paired difference from the fixed rate changes sign when ``seed`` is left out."""
    keep = np.array(c.seeds) != seed
    return tuple(n for n in NAMES if np.sign(paired_difference(c, n).mean)
                 != np.sign(np.mean((c.column(n) - c.column(FIXED))[keep])))


def hd_name(lr0: float, beta: float) -> str:
    """A contender's name in an SGD-HD comparison."""
    return f"hd {lr0:g} {beta:g}"


def hd_comparison(runs: tuple[tuple[float, float], ...], vary: str = "lr0") -> Comparison:
    """The fixed reference rate, the fixed edge rate, and SGD-HD from each (α₀, β) of ``runs``, on every seed;
    the SGD-HD contenders are labelled by what varies among them, ``"lr0"`` or ``"beta"``."""
    ref, edge = start_lr("reference"), start_lr("edge")
    names = ("fixed reference", "fixed edge", *(hd_name(lr0, beta) for lr0, beta in runs))
    label = {"lr0": lambda lr0, beta: f"$\\alpha_0$ = {lr0:g}",
             "beta": lambda lr0, beta: f"$\\beta$ = {beta:g}"}[checks.one_of(vary, ("lr0", "beta"), "vary")]
    labels = (f"fixed {ref:.3g}", f"fixed {edge:.3g}", *(label(lr0, beta) for lr0, beta in runs))
    table = np.array([[fixed_run(ref, s).final_val_loss, fixed_run(edge, s).final_val_loss,
                       *(hd_run(lr0, beta, s).final_val_loss for lr0, beta in runs)] for s in SEEDS])
    return Comparison(names, labels, SEEDS, table)


def hd_settled() -> np.ndarray:
    """The last epoch's mean rate of SGD-HD, (α₀, seeds), with the chapter's β."""
    return np.array([[end_rate(hd_run(lr0, HD_BETA, s)) for s in SEEDS] for lr0 in HD_LR0])


# ---------------------------------------------------------------- what the figures draw


@dataclass(frozen=True)
class ShapesView:
    """Every schedule's rate over the run as a fraction of its starting rate η₀."""

    steps: np.ndarray  # 0 … T − 1
    rates: dict[str, np.ndarray]  # η_t / η₀
    labels: dict[str, str]
    decays: tuple[str, ...]
    cycles: tuple[str, ...]
    steps_per_epoch: int
    epochs: int


@dataclass(frozen=True)
class TrainingView:
    """The paired comparison from each start: final validation loss per seed of the fixed rate and each schedule."""

    starts: tuple[str, ...]
    lrs: tuple[float, ...]
    comparisons: tuple[Comparison, ...]
    decays: tuple[str, ...]
    cycles: tuple[str, ...]
    epochs: int


@dataclass(frozen=True)
class HDView:
    """SGD-HD from initial rates decades apart: seed 0's rates per step, every seed's final loss."""

    lr0: tuple[float, ...]
    rates: tuple[np.ndarray, ...]  # seed 0, one per α₀
    settled: np.ndarray  # (α₀, seeds): the last epoch's mean rate
    finals: Comparison  # the two fixed rates, then SGD-HD from each α₀
    reference_lr: float
    edge_lr: float
    beta: float
    seed: int
    steps_per_epoch: int
    epochs: int


@dataclass(frozen=True)
class BetaView:
    """SGD-HD from one α₀ with three values of β: seed 0's rate per step, every seed's final loss."""

    betas: tuple[float, ...]
    lr0: float
    rates: tuple[np.ndarray, ...]  # seed 0, one per β
    finals: Comparison  # the two fixed rates, then SGD-HD with each β
    reference_lr: float
    edge_lr: float
    seed: int
    steps_per_epoch: int
    epochs: int


def shapes_view() -> ShapesView:
    """The schedules figure: each η_t / η₀ over the run's T steps, from its closed form (η₀ = 1)."""
    steps = np.arange(total_steps())
    rates = {name: np.asarray(schedule(name, 1.0)(steps)) for name in NAMES}
    return ShapesView(steps, rates, LABELS, DECAYS, CYCLES, steps_per_epoch(), EPOCHS)


def training_view() -> TrainingView:
    """The verdict figure: both starts, every contender, every seed."""
    return TrainingView(STARTS, tuple(start_lr(s) for s in STARTS), tuple(comparison(s) for s in STARTS),
                        DECAYS, CYCLES, EPOCHS)


def hd_view() -> HDView:
    seed = SEEDS[0]
    return HDView(HD_LR0, tuple(hd_run(lr0, HD_BETA, seed).step_lr for lr0 in HD_LR0), hd_settled(),
                  hd_comparison(tuple((lr0, HD_BETA) for lr0 in HD_LR0)), start_lr("reference"), start_lr("edge"),
                  HD_BETA, seed, steps_per_epoch(), EPOCHS)


def beta_view() -> BetaView:
    seed = SEEDS[0]
    return BetaView(BETAS, BETA_LR0, tuple(hd_run(BETA_LR0, beta, seed).step_lr for beta in BETAS),
                    hd_comparison(tuple((BETA_LR0, beta) for beta in BETAS), "beta"), start_lr("reference"),
                    start_lr("edge"), seed, steps_per_epoch(), EPOCHS)


# ---------------------------------------------------------------- facts


def lower_mean(start: str) -> tuple[str, ...]:
    """The schedules whose mean final loss over the seeds is below the fixed rate's, from ``start``."""
    c = comparison(start)
    return tuple(n for n in NAMES if c.spread(n).mean < c.spread(FIXED).mean)


def majority_wins(start: str) -> tuple[str, ...]:
    """The schedules that ended below the fixed rate on most seeds (paired), from ``start``."""
    c = comparison(start)
    return tuple(n for n in NAMES if 2 * c.wins(n) > len(SEEDS))


def _setting_facts() -> dict[str, Fact]:
    """The run's length and the schedules' parameters."""
    T, epoch = total_steps(), steps_per_epoch()
    unit = schedule("exponential", 1.0)
    return {
        "schedule_epochs": Fact(EPOCHS, "d"),
        "schedule_steps": Fact(T, "d"),
        "schedule_per_epoch": Fact(epoch, "d"),
        "schedule_n_val": Fact(len(_data().y_val), "d"),
        "schedule_seeds": Fact(len(SEEDS), "d"),
        "schedule_step_drop": Fact(STEP_DROP, "g"),
        "schedule_step_every": Fact(STEP_EVERY, "d"),
        "schedule_end_fraction": Fact(END_FRACTION, "g"),
        "schedule_exp_k": Fact(unit.params["k"], ".5f"),
        "schedule_inv_k": Fact(schedule("inverse_time", 1.0).params["k"], ".4f"),
        "schedule_cycle_fraction": Fact(CYCLE_BASE_FRACTION, "g"),
        "schedule_cycle_epochs": Fact(CYCLE_EPOCHS, "d"),
        "schedule_cycle_period": Fact(2 * CYCLE_EPOCHS, "d"),
        "schedule_stepsize": Fact(CYCLE_EPOCHS * epoch, "d"),
        "schedule_cycles": Fact(T // (2 * CYCLE_EPOCHS * epoch), "d"),
        "schedule_gamma": Fact(schedule("exp_range", 1.0).params["gamma"], ".5f"),
        "schedule_exp_ratio": Fact(unit(1) / unit(0), ".6f"),
        "schedule_exp_half": Fact(math.log(2) / unit.params["k"], ".0f"),
        "schedule_inv_half": Fact(1 / schedule("inverse_time", 1.0).params["k"], ".0f"),
    }


def _reference_facts() -> dict[str, Fact]:
    """From the reference rate: the fixed rate's and each schedule's mean ± sd over the seeds, wins and seed spread."""
    c, lr = comparison("reference"), start_lr("reference")
    fixed, spread = c.spread(FIXED), {n: c.spread(n) for n in NAMES}
    # the seed spread against the fixed rate's: sd(fixed) / sd(schedule)
    cut = {n: fixed.sd / spread[n].sd for n in NAMES}
    means, wins = [spread[n].mean for n in NAMES], [c.wins(n) for n in NAMES]
    # the final training loss, mean over the seeds
    train = {n: float(np.mean(train_losses(n, lr))) for n in (FIXED, *NAMES)}
    return {
        "schedule_ref_lr": Fact(lr, ".3g"),
        "schedule_ref_step_train": Fact(train["step"], ".4f"),
        "schedule_ref_exponential_train": Fact(train["exponential"], ".4f"),
        "schedule_ref_inverse_time_train": Fact(train["inverse_time"], ".4f"),
        "schedule_ref_cosine_train": Fact(train["cosine"], ".4f"),
        "schedule_ref_triangular_train": Fact(train["triangular"], ".4f"),
        "schedule_ref_triangular2_train": Fact(train["triangular2"], ".4f"),
        "schedule_ref_exp_range_train": Fact(train["exp_range"], ".4f"),
        "schedule_ref_decay_train_low": Fact(min(train[n] for n in DECAYS), ".4f"),
        "schedule_ref_decay_train_high": Fact(max(train[n] for n in DECAYS), ".4f"),
        "schedule_ref_cycle_base": Fact(CYCLE_BASE_FRACTION * lr, ".3g"),
        "schedule_ref_tri2_second_peak": Fact(schedule("triangular2", lr)(3 * CYCLE_EPOCHS * steps_per_epoch()), ".3g"),
        "schedule_ref_fixed_mean": Fact(fixed.mean, ".3f"),
        "schedule_ref_fixed_sd": Fact(fixed.sd, ".3f"),
        "schedule_ref_fixed_low": Fact(fixed.low, ".3f"),
        "schedule_ref_fixed_high": Fact(fixed.high, ".3f"),
        "schedule_ref_step_mean": Fact(spread["step"].mean, ".3f"),
        "schedule_ref_step_sd": Fact(spread["step"].sd, ".3f"),
        "schedule_ref_step_low": Fact(spread["step"].low, ".3f"),
        "schedule_ref_step_high": Fact(spread["step"].high, ".3f"),
        "schedule_ref_step_wins": Fact(c.wins("step"), "d"),
        "schedule_ref_step_sd_cut": Fact(cut["step"], ".1f"),
        "schedule_ref_exponential_mean": Fact(spread["exponential"].mean, ".3f"),
        "schedule_ref_exponential_sd": Fact(spread["exponential"].sd, ".3f"),
        "schedule_ref_exponential_low": Fact(spread["exponential"].low, ".3f"),
        "schedule_ref_exponential_high": Fact(spread["exponential"].high, ".3f"),
        "schedule_ref_exponential_wins": Fact(c.wins("exponential"), "d"),
        "schedule_ref_exponential_sd_cut": Fact(cut["exponential"], ".1f"),
        "schedule_ref_inverse_time_mean": Fact(spread["inverse_time"].mean, ".3f"),
        "schedule_ref_inverse_time_sd": Fact(spread["inverse_time"].sd, ".3f"),
        "schedule_ref_inverse_time_low": Fact(spread["inverse_time"].low, ".3f"),
        "schedule_ref_inverse_time_high": Fact(spread["inverse_time"].high, ".3f"),
        "schedule_ref_inverse_time_wins": Fact(c.wins("inverse_time"), "d"),
        "schedule_ref_inverse_time_sd_cut": Fact(cut["inverse_time"], ".1f"),
        "schedule_ref_cosine_mean": Fact(spread["cosine"].mean, ".3f"),
        "schedule_ref_cosine_sd": Fact(spread["cosine"].sd, ".3f"),
        "schedule_ref_cosine_low": Fact(spread["cosine"].low, ".3f"),
        "schedule_ref_cosine_high": Fact(spread["cosine"].high, ".3f"),
        "schedule_ref_cosine_wins": Fact(c.wins("cosine"), "d"),
        "schedule_ref_cosine_sd_cut": Fact(cut["cosine"], ".1f"),
        "schedule_ref_triangular_mean": Fact(spread["triangular"].mean, ".3f"),
        "schedule_ref_triangular_sd": Fact(spread["triangular"].sd, ".3f"),
        "schedule_ref_triangular_low": Fact(spread["triangular"].low, ".3f"),
        "schedule_ref_triangular_high": Fact(spread["triangular"].high, ".3f"),
        "schedule_ref_triangular_wins": Fact(c.wins("triangular"), "d"),
        "schedule_ref_triangular_sd_cut": Fact(cut["triangular"], ".1f"),
        "schedule_ref_triangular2_mean": Fact(spread["triangular2"].mean, ".3f"),
        "schedule_ref_triangular2_sd": Fact(spread["triangular2"].sd, ".3f"),
        "schedule_ref_triangular2_low": Fact(spread["triangular2"].low, ".3f"),
        "schedule_ref_triangular2_high": Fact(spread["triangular2"].high, ".3f"),
        "schedule_ref_triangular2_wins": Fact(c.wins("triangular2"), "d"),
        "schedule_ref_triangular2_sd_cut": Fact(cut["triangular2"], ".1f"),
        "schedule_ref_exp_range_mean": Fact(spread["exp_range"].mean, ".3f"),
        "schedule_ref_exp_range_sd": Fact(spread["exp_range"].sd, ".3f"),
        "schedule_ref_exp_range_low": Fact(spread["exp_range"].low, ".3f"),
        "schedule_ref_exp_range_high": Fact(spread["exp_range"].high, ".3f"),
        "schedule_ref_exp_range_wins": Fact(c.wins("exp_range"), "d"),
        "schedule_ref_exp_range_sd_cut": Fact(cut["exp_range"], ".1f"),
        "schedule_ref_lower_count": Fact(len(lower_mean("reference")), "d"),
        "schedule_ref_majority_count": Fact(len(majority_wins("reference")), "d"),
        "schedule_ref_most_wins": Fact(max(wins), "d"),
        "schedule_ref_mean_best": Fact(min(means), ".3f"),
        "schedule_ref_mean_worst": Fact(max(means), ".3f"),
        "schedule_ref_cut_low": Fact(min(cut.values()), ".1f"),
        "schedule_ref_cut_high": Fact(max(cut.values()), ".1f"),
        "schedule_ref_cycle_cut_low": Fact(min(cut[n] for n in CYCLES), ".1f"),
        "schedule_ref_decay_cut_high": Fact(max(cut[n] for n in DECAYS), ".1f"),
    }


def _edge_facts() -> dict[str, Fact]:
    """From the edge rate: the fixed rate's and each schedule's mean ± sd over the seeds, wins and seed spread."""
    c, lr = comparison("edge"), start_lr("edge")
    fixed, spread = c.spread(FIXED), {n: c.spread(n) for n in NAMES}
    # the seed spread against the fixed rate's: sd(fixed) / sd(schedule)
    cut = {n: fixed.sd / spread[n].sd for n in NAMES}
    means, wins = [spread[n].mean for n in NAMES], [c.wins(n) for n in NAMES]
    # the paired difference schedule − fixed on each seed, mean ± sd over the seeds
    diff = {n: paired_difference(c, n) for n in NAMES}
    worst = c.seeds[int(np.argmax(c.column(FIXED)))]
    return {
        "schedule_edge_lr": Fact(lr, ".3g"),
        "schedule_edge_step_diff_mean": Fact(diff["step"].mean, ".3f"),
        "schedule_edge_step_diff_sd": Fact(diff["step"].sd, ".3f"),
        "schedule_edge_exponential_diff_mean": Fact(diff["exponential"].mean, ".3f"),
        "schedule_edge_exponential_diff_sd": Fact(diff["exponential"].sd, ".3f"),
        "schedule_edge_inverse_time_diff_mean": Fact(diff["inverse_time"].mean, ".3f"),
        "schedule_edge_inverse_time_diff_sd": Fact(diff["inverse_time"].sd, ".3f"),
        "schedule_edge_cosine_diff_mean": Fact(diff["cosine"].mean, ".3f"),
        "schedule_edge_cosine_diff_sd": Fact(diff["cosine"].sd, ".3f"),
        "schedule_edge_triangular_diff_mean": Fact(diff["triangular"].mean, ".3f"),
        "schedule_edge_triangular_diff_sd": Fact(diff["triangular"].sd, ".3f"),
        "schedule_edge_triangular2_diff_mean": Fact(diff["triangular2"].mean, ".3f"),
        "schedule_edge_triangular2_diff_sd": Fact(diff["triangular2"].sd, ".3f"),
        "schedule_edge_exp_range_diff_mean": Fact(diff["exp_range"].mean, ".3f"),
        "schedule_edge_exp_range_diff_sd": Fact(diff["exp_range"].sd, ".3f"),
        # the fixed rate's worst seed, and how many schedules' mean difference changes sign without it
        "schedule_edge_fixed_worst_seed": Fact(worst, "d"),
        "schedule_edge_flips_without_worst": Fact(len(sign_flips_without(c, worst)), "d"),
        "schedule_edge_cycle_cut_high": Fact(max(cut[n] for n in CYCLES), ".1f"),
        # step, exponential and cosine: the schedules that narrow the spread least
        "schedule_edge_rest_cut_low": Fact(min(cut[n] for n in ("step", "exponential", "cosine")), ".1f"),
        "schedule_edge_rest_cut_high": Fact(max(cut[n] for n in ("step", "exponential", "cosine")), ".1f"),
        "schedule_edge_cycle_base": Fact(CYCLE_BASE_FRACTION * lr, ".3g"),
        "schedule_edge_tri2_second_peak": Fact(schedule("triangular2", lr)(3 * CYCLE_EPOCHS * steps_per_epoch()), ".3g"),
        "schedule_edge_fixed_mean": Fact(fixed.mean, ".3f"),
        "schedule_edge_fixed_sd": Fact(fixed.sd, ".3f"),
        "schedule_edge_fixed_low": Fact(fixed.low, ".3f"),
        "schedule_edge_fixed_high": Fact(fixed.high, ".3f"),
        "schedule_edge_step_mean": Fact(spread["step"].mean, ".3f"),
        "schedule_edge_step_sd": Fact(spread["step"].sd, ".3f"),
        "schedule_edge_step_low": Fact(spread["step"].low, ".3f"),
        "schedule_edge_step_high": Fact(spread["step"].high, ".3f"),
        "schedule_edge_step_wins": Fact(c.wins("step"), "d"),
        "schedule_edge_step_sd_cut": Fact(cut["step"], ".1f"),
        "schedule_edge_exponential_mean": Fact(spread["exponential"].mean, ".3f"),
        "schedule_edge_exponential_sd": Fact(spread["exponential"].sd, ".3f"),
        "schedule_edge_exponential_low": Fact(spread["exponential"].low, ".3f"),
        "schedule_edge_exponential_high": Fact(spread["exponential"].high, ".3f"),
        "schedule_edge_exponential_wins": Fact(c.wins("exponential"), "d"),
        "schedule_edge_exponential_sd_cut": Fact(cut["exponential"], ".1f"),
        "schedule_edge_inverse_time_mean": Fact(spread["inverse_time"].mean, ".3f"),
        "schedule_edge_inverse_time_sd": Fact(spread["inverse_time"].sd, ".3f"),
        "schedule_edge_inverse_time_low": Fact(spread["inverse_time"].low, ".3f"),
        "schedule_edge_inverse_time_high": Fact(spread["inverse_time"].high, ".3f"),
        "schedule_edge_inverse_time_wins": Fact(c.wins("inverse_time"), "d"),
        "schedule_edge_inverse_time_sd_cut": Fact(cut["inverse_time"], ".1f"),
        "schedule_edge_cosine_mean": Fact(spread["cosine"].mean, ".3f"),
        "schedule_edge_cosine_sd": Fact(spread["cosine"].sd, ".3f"),
        "schedule_edge_cosine_low": Fact(spread["cosine"].low, ".3f"),
        "schedule_edge_cosine_high": Fact(spread["cosine"].high, ".3f"),
        "schedule_edge_cosine_wins": Fact(c.wins("cosine"), "d"),
        "schedule_edge_cosine_sd_cut": Fact(cut["cosine"], ".1f"),
        "schedule_edge_triangular_mean": Fact(spread["triangular"].mean, ".3f"),
        "schedule_edge_triangular_sd": Fact(spread["triangular"].sd, ".3f"),
        "schedule_edge_triangular_low": Fact(spread["triangular"].low, ".3f"),
        "schedule_edge_triangular_high": Fact(spread["triangular"].high, ".3f"),
        "schedule_edge_triangular_wins": Fact(c.wins("triangular"), "d"),
        "schedule_edge_triangular_sd_cut": Fact(cut["triangular"], ".1f"),
        "schedule_edge_triangular2_mean": Fact(spread["triangular2"].mean, ".3f"),
        "schedule_edge_triangular2_sd": Fact(spread["triangular2"].sd, ".3f"),
        "schedule_edge_triangular2_low": Fact(spread["triangular2"].low, ".3f"),
        "schedule_edge_triangular2_high": Fact(spread["triangular2"].high, ".3f"),
        "schedule_edge_triangular2_wins": Fact(c.wins("triangular2"), "d"),
        "schedule_edge_triangular2_sd_cut": Fact(cut["triangular2"], ".1f"),
        "schedule_edge_exp_range_mean": Fact(spread["exp_range"].mean, ".3f"),
        "schedule_edge_exp_range_sd": Fact(spread["exp_range"].sd, ".3f"),
        "schedule_edge_exp_range_low": Fact(spread["exp_range"].low, ".3f"),
        "schedule_edge_exp_range_high": Fact(spread["exp_range"].high, ".3f"),
        "schedule_edge_exp_range_wins": Fact(c.wins("exp_range"), "d"),
        "schedule_edge_exp_range_sd_cut": Fact(cut["exp_range"], ".1f"),
        "schedule_edge_lower_count": Fact(len(lower_mean("edge")), "d"),
        "schedule_edge_majority_count": Fact(len(majority_wins("edge")), "d"),
        "schedule_edge_most_wins": Fact(max(wins), "d"),
        "schedule_edge_mean_best": Fact(min(means), ".3f"),
        "schedule_edge_mean_worst": Fact(max(means), ".3f"),
        "schedule_edge_cut_low": Fact(min(cut.values()), ".1f"),
        "schedule_edge_cut_high": Fact(max(cut.values()), ".1f"),
        "schedule_edge_cycle_cut_low": Fact(min(cut[n] for n in CYCLES), ".1f"),
        "schedule_edge_decay_cut_high": Fact(max(cut[n] for n in DECAYS), ".1f"),
    }


def _extra_facts() -> dict[str, Fact]:
    """From the edge on EXTRA_SEEDS, ten seeds the page did not choose by: wins and sd cut of each schedule."""
    c = comparison("edge", EXTRA_SEEDS)
    fixed = c.spread(FIXED)
    # sd(fixed) / sd(schedule), on the extra seeds
    cut = {n: fixed.sd / c.spread(n).sd for n in NAMES}
    wins = {n: c.wins(n) for n in NAMES}
    rest = ("step", "exponential", "cosine")
    return {
        "schedule_extra_seeds": Fact(len(EXTRA_SEEDS), "d"),
        # schedule − fixed on each extra seed, for the three whose five-seed gap rested on one seed
        "schedule_extra_cosine_diff_mean": Fact(paired_difference(c, "cosine").mean, ".3f"),
        "schedule_extra_cosine_diff_sd": Fact(paired_difference(c, "cosine").sd, ".3f"),
        "schedule_extra_triangular_diff_mean": Fact(paired_difference(c, "triangular").mean, ".3f"),
        "schedule_extra_triangular_diff_sd": Fact(paired_difference(c, "triangular").sd, ".3f"),
        "schedule_extra_triangular2_diff_mean": Fact(paired_difference(c, "triangular2").mean, ".3f"),
        "schedule_extra_triangular2_diff_sd": Fact(paired_difference(c, "triangular2").sd, ".3f"),
        "schedule_extra_first": Fact(EXTRA_SEEDS[0], "d"),
        "schedule_extra_last": Fact(EXTRA_SEEDS[-1], "d"),
        "schedule_extra_fixed_mean": Fact(fixed.mean, ".3f"),
        "schedule_extra_fixed_sd": Fact(fixed.sd, ".3f"),
        "schedule_extra_step_wins": Fact(wins["step"], "d"),
        "schedule_extra_step_sd_cut": Fact(cut["step"], ".1f"),
        "schedule_extra_exponential_wins": Fact(wins["exponential"], "d"),
        "schedule_extra_exponential_sd_cut": Fact(cut["exponential"], ".1f"),
        "schedule_extra_inverse_time_wins": Fact(wins["inverse_time"], "d"),
        "schedule_extra_inverse_time_sd_cut": Fact(cut["inverse_time"], ".1f"),
        "schedule_extra_cosine_wins": Fact(wins["cosine"], "d"),
        "schedule_extra_cosine_sd_cut": Fact(cut["cosine"], ".1f"),
        "schedule_extra_triangular_wins": Fact(wins["triangular"], "d"),
        "schedule_extra_triangular_sd_cut": Fact(cut["triangular"], ".1f"),
        "schedule_extra_triangular2_wins": Fact(wins["triangular2"], "d"),
        "schedule_extra_triangular2_sd_cut": Fact(cut["triangular2"], ".1f"),
        "schedule_extra_exp_range_wins": Fact(wins["exp_range"], "d"),
        "schedule_extra_exp_range_sd_cut": Fact(cut["exp_range"], ".1f"),
        "schedule_extra_wins_low": Fact(min(wins.values()), "d"),
        "schedule_extra_wins_high": Fact(max(wins.values()), "d"),
        "schedule_extra_cycle_cut_low": Fact(min(cut[n] for n in CYCLES), ".1f"),
        "schedule_extra_cycle_cut_high": Fact(max(cut[n] for n in CYCLES), ".1f"),
        "schedule_extra_rest_cut_low": Fact(min(cut[n] for n in rest), ".2f"),
        "schedule_extra_rest_cut_high": Fact(max(cut[n] for n in rest), ".2f"),
    }


def _edge_index() -> int:
    """The edge's index in the reference grid."""
    return int(np.flatnonzero(reference.grid() == start_lr("edge"))[0])


def _cross_facts() -> dict[str, Fact]:
    """The schedules from the edge against the fixed reference rate: the comparison that matters."""
    ref, edge = comparison("reference"), comparison("edge")
    against = ref.column(FIXED)
    wins = {n: paired.wins(edge.column(n), against) for n in NAMES}
    best = min(NAMES, key=lambda n: edge.spread(n).mean)
    seed0 = edge.val_loss[SEEDS.index(0)]
    ref_lr, edge_lr = start_lr("reference"), start_lr("edge")
    below = float(reference.grid()[_edge_index() - 1])
    share = {n: below_share(n, edge_lr, below) for n in NAMES}
    # schedule from the edge − fixed reference rate, per seed
    level = paired.difference(edge.column("inverse_time"), against)
    return {
        "schedule_edge_step_wins_vs_ref": Fact(wins["step"], "d"),
        "schedule_edge_exponential_wins_vs_ref": Fact(wins["exponential"], "d"),
        "schedule_edge_inverse_time_wins_vs_ref": Fact(wins["inverse_time"], "d"),
        "schedule_edge_cosine_wins_vs_ref": Fact(wins["cosine"], "d"),
        "schedule_edge_triangular_wins_vs_ref": Fact(wins["triangular"], "d"),
        "schedule_edge_triangular2_wins_vs_ref": Fact(wins["triangular2"], "d"),
        "schedule_edge_exp_range_wins_vs_ref": Fact(wins["exp_range"], "d"),
        "schedule_edge_inverse_time_vs_ref_diff_mean": Fact(level.mean, ".3f"),
        "schedule_edge_inverse_time_vs_ref_diff_sd": Fact(level.sd, ".3f"),
        # the share of the run each schedule from the edge spends under the grid's next rate down
        "schedule_edge_step_below_share": Fact(share["step"], ".0%"),
        "schedule_edge_exponential_below_share": Fact(share["exponential"], ".0%"),
        "schedule_edge_inverse_time_below_share": Fact(share["inverse_time"], ".0%"),
        "schedule_edge_cosine_below_share": Fact(share["cosine"], ".0%"),
        "schedule_edge_triangular_below_share": Fact(share["triangular"], ".0%"),
        "schedule_edge_triangular2_below_share": Fact(share["triangular2"], ".0%"),
        "schedule_edge_exp_range_below_share": Fact(share["exp_range"], ".0%"),
        "schedule_ref_fixed_seed0": Fact(fixed_run(ref_lr, 0).final_val_loss, ".4f"),
        "schedule_ref_fixed_train": Fact(float(np.mean([fixed_run(ref_lr, s).epoch_train_loss[-1] for s in SEEDS])),
                                         ".4f"),
        # seed 0 alone, from the edge: the fixed rate's loss, and how many schedules beat it there
        "schedule_edge_seed0_fixed": Fact(float(seed0[0]), ".3f"),
        "schedule_edge_seed0_beaten": Fact(int(np.count_nonzero(seed0[1:] < seed0[0])), "d"),
        "schedule_edge_seed0_rank": Fact(int(np.count_nonzero(edge.column(FIXED) < seed0[0])) + 1, "d"),
        "schedule_edge_vs_ref_most_wins": Fact(max(wins.values()), "d"),
        "schedule_edge_best_wins_vs_ref": Fact(wins[best], "d"),
        "schedule_grid_lower": Fact(float(reference.grid()[reference.curve().best - 1]), ".3g"),
        "schedule_grid_upper": Fact(float(reference.grid()[reference.curve().best + 1]), ".3g"),
        "schedule_first_blown": Fact(reference.curve().first_blown, ".3g"),
        # the grid's rate just below the edge, and its spread over the seeds
        "schedule_below_edge_lr": Fact(float(reference.grid()[_edge_index() - 1]), ".3g"),
        "schedule_below_edge_sd": Fact(float(reference.curve().sd[_edge_index() - 1]), ".3f"),
    }


def _hd_facts() -> dict[str, Fact]:
    """SGD-HD over the seeds: from α₀ decades apart, where its rate settles, and against the fixed rates."""
    settled = hd_settled()
    main = hd_comparison(((HD_LR0[0], HD_BETA),))
    name = main.names[2]
    family = hd_comparison(tuple((lr0, HD_BETA) for lr0 in HD_LR0))
    finals = family.val_loss[:, 2:]
    seed0 = hd_run(HD_LR0[0], HD_BETA, SEEDS[0])
    epoch = steps_per_epoch()
    out = {
        "hd_beta": Fact(HD_BETA, "g"),
        "hd_lr0_low": Fact(HD_LR0[0], "g"),
        "hd_lr0_high": Fact(HD_LR0[-1], "g"),
        "hd_decades": Fact(round(math.log10(HD_LR0[-1] / HD_LR0[0])), "d"),
        # the end rates of the five α₀: their ratio max/min on each seed, the largest over seeds
        "hd_end_ratio": Fact(float(np.max(settled.max(axis=0) / settled.min(axis=0))), ".2f"),
        "hd_end_all_low": Fact(float(settled.min()), ".2f"),
        "hd_end_all_high": Fact(float(settled.max()), ".2f"),
        "hd_end_low": Fact(float(settled[0].min()), ".2f"),
        "hd_end_high": Fact(float(settled[0].max()), ".2f"),
        "hd_end_mean": Fact(float(settled[0].mean()), ".2f"),
        # the run from the highest α₀ against the others: its end rates and theirs, over the seeds
        "hd_end_top_low": Fact(float(settled[-1].min()), ".2f"),
        "hd_end_top_high": Fact(float(settled[-1].max()), ".2f"),
        "hd_end_rest_low": Fact(float(settled[:-1].min()), ".2f"),
        "hd_end_rest_high": Fact(float(settled[:-1].max()), ".2f"),
        "hd_peak": Fact(float(seed0.step_lr.max()), ".2f"),
        "hd_peak_epoch": Fact(float(np.argmax(seed0.step_lr) + 1) / epoch, ".1f"),
        "hd_val_low": Fact(float(np.mean(finals, axis=0).min()), ".3f"),
        "hd_val_high": Fact(float(np.mean(finals, axis=0).max()), ".3f"),
        "hd_family_sd_high": Fact(float(np.std(finals, axis=0, ddof=1).max()), ".3f"),
        "hd_wins_vs_edge": Fact(main.wins(name, "fixed edge"), "d"),
        "hd_wins_vs_ref": Fact(main.wins(name, "fixed reference"), "d"),
        "hd_family_wins_vs_ref_low": Fact(min(family.wins(n, "fixed reference") for n in family.names[2:]), "d"),
        "hd_family_wins_vs_ref_high": Fact(max(family.wins(n, "fixed reference") for n in family.names[2:]), "d"),
        "hd_mean": Fact(main.spread(name).mean, ".3f"),
        "hd_sd": Fact(main.spread(name).sd, ".3f"),
        "hd_low": Fact(main.spread(name).low, ".3f"),
        "hd_high": Fact(main.spread(name).high, ".3f"),
    }
    return out


def _beta_facts() -> dict[str, Fact]:
    """What β does, on every seed: the paper's β, the chapter's, a bold one, and one that blows up."""
    finals = hd_comparison(tuple((BETA_LR0, b) for b in BETAS), "beta")
    timid, bold = (hd_run(BETA_LR0, b, SEEDS[0]) for b in (BETAS[0], BETAS[-1]))
    wild = hd_run(BETA_LR0, BETA_BLOWUP, SEEDS[0])
    wild_runs = [hd_run(BETA_LR0, BETA_BLOWUP, s) for s in SEEDS]
    blown_steps = [r.steps for r in wild_runs if r.diverged]
    survivors = [(s, r) for s, r in zip(SEEDS, wild_runs) if not r.diverged]
    # the first hypergradient: α₁ − α₀ = β g₁·g₀
    first_dot = (timid.step_lr[1] - timid.step_lr[0]) / BETAS[0]
    timid_runs = [hd_run(BETA_LR0, BETAS[0], s) for s in SEEDS]
    bold_runs = [hd_run(BETA_LR0, BETAS[-1], s) for s in SEEDS]
    out = {
        "hd_beta_baydin": Fact(BAYDIN_BETA, "g"),
        "hd_beta_low": Fact(BETAS[0], "g"),
        "hd_beta_high": Fact(BETAS[-1], "g"),
        "hd_beta_blowup": Fact(BETA_BLOWUP, "g"),
        "hd_first_dot": Fact(float(first_dot), ".2f"),
        "hd_first_move": Fact(float(BETAS[0] * first_dot), ".4f"),
        "hd_timid_largest_move": Fact(largest_move(timid), ".4f"),
        "hd_timid_largest_move_seeds": Fact(max(largest_move(r) for r in timid_runs), ".4f"),
        "hd_timid_end": Fact(end_rate(timid), ".3f"),
        "hd_timid_end_high": Fact(max(end_rate(r) for r in timid_runs), ".3f"),
        "hd_bold_peak": Fact(float(bold.step_lr.max()), ".1f"),
        "hd_bold_peak_step": Fact(int(np.argmax(bold.step_lr)) + 1, "d"),
        "hd_bold_min": Fact(float(bold.step_lr.min()), ".2f"),
        "hd_bold_negative": Fact(int(np.count_nonzero(bold.step_lr < 0)), "d"),
        "hd_bold_negative_seeds": Fact(sum(bool(np.any(r.step_lr < 0)) for r in bold_runs), "d"),
        "hd_bold_blown": Fact(sum(r.diverged for r in bold_runs), "d"),
        "hd_wild_steps": Fact(wild.steps, "d"),
        "hd_wild_blown": Fact(len(blown_steps), "d"),
        "hd_wild_steps_low": Fact(min(blown_steps), "d"),
        "hd_wild_steps_high": Fact(max(blown_steps), "d"),
    }
    if survivors:  # the page names the seed on which β = BETA_BLOWUP lasted the run
        seed, survivor = survivors[0]
        out |= {
            "hd_wild_survivor_seed": Fact(seed, "d"),
            "hd_wild_survivor_steps": Fact(survivor.steps, "d"),
            "hd_wild_survivor_negative": Fact(int(np.count_nonzero(survivor.step_lr < 0)), "d"),
        }
    timid_name, chosen_name, bold_name = (hd_name(BETA_LR0, beta) for beta in BETAS)
    out |= {
        "hd_timid_mean": Fact(finals.spread(timid_name).mean, ".3f"),
        "hd_timid_sd": Fact(finals.spread(timid_name).sd, ".3f"),
        "hd_timid_low": Fact(finals.spread(timid_name).low, ".3f"),
        "hd_timid_high": Fact(finals.spread(timid_name).high, ".3f"),
        "hd_timid_wins_vs_ref": Fact(finals.wins(timid_name, "fixed reference"), "d"),
        "hd_chosen_mean": Fact(finals.spread(chosen_name).mean, ".3f"),
        "hd_chosen_sd": Fact(finals.spread(chosen_name).sd, ".3f"),
        "hd_chosen_low": Fact(finals.spread(chosen_name).low, ".3f"),
        "hd_chosen_high": Fact(finals.spread(chosen_name).high, ".3f"),
        "hd_chosen_wins_vs_ref": Fact(finals.wins(chosen_name, "fixed reference"), "d"),
        "hd_bold_mean": Fact(finals.spread(bold_name).mean, ".3f"),
        "hd_bold_sd": Fact(finals.spread(bold_name).sd, ".3f"),
        "hd_bold_low": Fact(finals.spread(bold_name).low, ".3f"),
        "hd_bold_high": Fact(finals.spread(bold_name).high, ".3f"),
        "hd_bold_wins_vs_ref": Fact(finals.wins(bold_name, "fixed reference"), "d"),
    }
    out["hd_chosen_wins_vs_bold"] = Fact(finals.wins(hd_name(BETA_LR0, BETAS[1]), hd_name(BETA_LR0, BETAS[-1])),
                                         "d")
    return out


def facts() -> dict[str, Fact]:
    """The chapter's numbers: the settings, each start's paired comparison, SGD-HD and β over the seeds."""
    return _setting_facts() | _reference_facts() | _edge_facts() | _extra_facts() | _cross_facts() \
        | _hd_facts() | _beta_facts()


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
