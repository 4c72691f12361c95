"""Chapter "Searching for a learning rate" (docs/lr-search.md): coarse to fine on a log scale, the
best value on the border of the range, and successive halving against training every candidate.

Every run is ``gdsim.workload``'s network on the digits (the practice part's shared workload), judged
on its validation loss. The search itself is ``gdsim.search``; this module picks its settings, runs
it once (cached) and hands the figures what they draw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdsim import search, sgd, workload
from gdsim.assets import STILL, Asset
from gdsim.facts import Fact
from gdsim.search import CoarseToFine, Grid, Halving
from gdsim.stored import stored

NET = workload.MLP
BATCH_SIZE = workload.BATCH_SIZE
SEED = workload.SEED
# The coarse stage: one run per decade from LOW to HIGH, COARSE_EPOCHS each (CS231n: about an epoch).
LOW, HIGH = 1e-7, 1.0
COARSE_EPOCHS = 1
# The fine stage: FINE_POINTS rates inside the best decade, FINE_EPOCHS each; successive halving
# starts the same candidates at HALVING_MIN_EPOCHS, so its winner ends with FINE_EPOCHS too.
FINE_POINTS = 8
FINE_EPOCHS = 8
HALVING_MIN_EPOCHS = 1
# Other seeds (other starts, other batches) for the question "the same winner?".
OTHER_SEEDS = (1, 2)
# A coarse rate whose run kept more than this fraction of the starting validation loss barely learnt.
STUCK_FRACTION = 0.99
# The exercise: successive halving with this many candidates, from one epoch.
EXERCISE_CANDIDATES = 16
# Another exercise: a search that keeps only this fraction of the candidates after the first round.
QUARTER = 0.25
# The names of each round's facts, written out (see facts()).
ROUND_FACTS = (
    ("search_sh_r1_count", "search_sh_r1_epochs", "search_sh_r1_new", "search_sh_r1_steps"),
    ("search_sh_r2_count", "search_sh_r2_epochs", "search_sh_r2_new", "search_sh_r2_steps"),
    ("search_sh_r3_count", "search_sh_r3_epochs", "search_sh_r3_new", "search_sh_r3_steps"),
    ("search_sh_r4_count", "search_sh_r4_epochs", "search_sh_r4_new", "search_sh_r4_steps"),
)


def steps_per_epoch() -> int:
    """⌈n_train / B⌉: one step per mini-batch."""
    return math.ceil(len(workload.data().y_train) / BATCH_SIZE)


@stored
def coarse_to_fine() -> CoarseToFine:
    """The chapter's coarse-to-fine search (the fine stage is also the full-training baseline)."""
    return search.coarse_to_fine(NET, workload.data(), LOW, HIGH, COARSE_EPOCHS, FINE_EPOCHS, FINE_POINTS,
                                 BATCH_SIZE, SEED)


@stored
def halving(seed: int = SEED) -> Halving:
    """Successive halving over the fine stage's candidates."""
    return search.successive_halving(NET, workload.data(), coarse_to_fine().fine.lrs, HALVING_MIN_EPOCHS,
                                     BATCH_SIZE, seed)


@stored
def full(seed: int = SEED) -> Grid:
    """Every fine candidate trained for the whole budget: the fine stage itself for the chapter's seed."""
    if seed == SEED:
        return coarse_to_fine().fine
    return search.grid_search(NET, workload.data(), coarse_to_fine().fine.lrs, FINE_EPOCHS, BATCH_SIZE, seed)


def scratch_steps(result: Halving, per_epoch: int) -> int:
    """The steps successive halving would take if each round retrained its candidates from scratch."""
    # Σ over rounds of candidates × budget × steps per epoch
    return sum(len(r.lrs) * r.epochs * per_epoch for r in result.rounds)


def halving_schedule(candidates: int, min_epochs: int) -> list[tuple[int, int]]:
    """(candidates, budget in epochs) of each round of successive halving, without running it."""
    rounds, epochs = [], min_epochs
    while True:
        rounds.append((candidates, epochs))
        if candidates == 1:
            return rounds
        candidates, epochs = math.ceil(candidates / 2), 2 * epochs


def round_costs(schedule: list[tuple[int, int]]) -> tuple[int, int]:
    """Epochs trained in the first round and in each later one, when survivors are resumed: the
    exercise's answer says every later round costs the same, so a schedule where they differ raises."""
    # round k costs candidates_k × (budget_k − budget_{k−1}) epochs
    costs = [n * (e - before) for (n, e), before in zip(schedule, [0] + [e for _, e in schedule])]
    if len(set(costs[1:])) > 1:
        raise ValueError(f"the later rounds cost different numbers of epochs: {costs[1:]}")
    return costs[0], costs[-1]


# ---------------------------------------------------------------- what the figures draw


@dataclass(frozen=True)
class StagesView:
    """Final validation loss against η for both stages, with the border case and its extension."""

    first: Grid
    coarse: Grid
    fine: Grid
    decade: tuple[float, float]
    start_val_loss: float  # before any training: what a rate that learns nothing keeps
    first_best: float  # the first range's winner, on its border
    first_best_loss: float  # its final validation loss
    best: float  # the fine stage's winner
    best_loss: float  # its final validation loss
    coarse_epochs: int
    fine_epochs: int


@dataclass(frozen=True)
class HalvingView:
    """Successive halving's rounds beside the full training of every candidate, and their steps."""

    halving: Halving
    full: Grid
    full_steps: int
    saved: int  # full_steps − halving.steps
    saved_pct: float  # 100 · saved / full_steps


def stages_view() -> StagesView:
    c = coarse_to_fine()
    return StagesView(c.first, c.coarse, c.fine, c.decade, float(c.first.val_curves[0, 0]), c.first.best_lr,
                      float(np.min(c.first.val_loss)),
                      c.best_lr, float(np.min(c.fine.val_loss)), c.coarse_epochs, c.fine_epochs)


def halving_view() -> HalvingView:
    h, f = halving(), full()
    return HalvingView(h, f, f.steps, f.steps - h.steps, 100.0 * (f.steps - h.steps) / f.steps)


# ---------------------------------------------------------------- facts


def _rank(values: np.ndarray, index: int) -> int:
    """1 for the lowest of ``values``, 2 for the next, …: where ``values[index]`` stands."""
    return int(np.sum(values < values[index])) + 1


def facts() -> dict[str, Fact]:
    """The chapter's quoted numbers: both stages, the border, the rounds, the steps saved, other seeds."""
    c, h, f = coarse_to_fine(), halving(), full()
    data, per_epoch = workload.data(), steps_per_epoch()
    first, coarse, fine = c.first, c.coarse, c.fine
    start = float(first.val_curves[0, 0])
    stuck = first.lrs[first.val_loss > STUCK_FRACTION * start]
    extra = coarse.lrs[~np.isin(coarse.lrs, first.lrs)]
    best_i, order = int(np.argmin(fine.val_loss)), np.argsort(fine.val_loss)
    one_epoch = fine.val_curves[:, HALVING_MIN_EPOCHS]  # what the first round of successive halving sees
    if len(h.rounds) != len(ROUND_FACTS):
        raise ValueError(f"the chapter quotes {len(ROUND_FACTS)} rounds, successive halving ran {len(h.rounds)}")
    rounds: dict[str, Fact] = {}
    for names, r, before in zip(ROUND_FACTS, h.rounds, [0] + [r.epochs for r in h.rounds[:-1]]):
        rounds.update(zip(names, (Fact(len(r.lrs), "d"), Fact(r.epochs, "d"), Fact(r.epochs - before, "d"),
                                  Fact(r.steps, ",d"))))
    seeds = [(full(s), halving(s)) for s in OTHER_SEEDS]
    # regret: how much worse, trained fully, successive halving's pick is than the full grid's winner
    regrets = [float(g.val_loss[np.flatnonzero(g.lrs == s.best_lr)[0]] - g.val_loss.min()) for g, s in seeds]
    exercise = halving_schedule(EXERCISE_CANDIDATES, HALVING_MIN_EPOCHS)
    exercise_steps = per_epoch * sum(n * (e - before) for (n, e), before in zip(exercise, [0] + [e for _, e in exercise]))
    exercise_full = per_epoch * EXERCISE_CANDIDATES * exercise[-1][1]
    first_cost, later_cost = round_costs(exercise)
    scratch = scratch_steps(h, per_epoch)
    return {
        "search_train_images": Fact(len(data.y_train), ",d"),
        "search_val_images": Fact(len(data.y_val), "d"),
        "search_batch": Fact(BATCH_SIZE, "d"),
        "search_seed": Fact(SEED, "d"),
        "search_epoch_steps": Fact(per_epoch, "d"),
        "search_low_exp": Fact(round(math.log10(LOW)), "d"),
        "search_high": Fact(HIGH, "g"),
        "search_decades": Fact(len(first.lrs), "d"),
        "search_coarse_epochs": Fact(COARSE_EPOCHS, "d"),
        "search_first_steps": Fact(first.steps, "d"),
        "search_start_val": Fact(start, ".2f"),
        "search_uniform_loss": Fact(math.log(10), ".2f"),  # −log(1/10): every digit given probability 1/10
        "search_blowup": Fact(sgd.BLOWUP, "g"),
        "search_stuck_exp": Fact(round(math.log10(stuck.max())), "d"),
        "search_stuck_val": Fact(float(first.val_loss[first.lrs == stuck.max()][0]), ".3f"),
        "search_first_best": Fact(first.best_lr, "g"),
        "search_first_best_val": Fact(float(first.val_loss.min()), ".3f"),
        "search_first_second_val": Fact(float(np.sort(first.val_loss)[1]), ".3f"),
        "search_first_second": Fact(float(first.lrs[np.argsort(first.val_loss)[1]]), "g"),
        "search_extensions": Fact(c.extensions, "d"),
        "search_extra_lr": Fact(float(extra.max()), "g"),
        "search_extra_steps": Fact(coarse.steps - first.steps, "d"),  # the added runs' steps, before they blew up
        "search_coarse_steps": Fact(coarse.steps, "d"),
        "search_decade_low": Fact(c.decade[0], ".3f"),
        "search_decade_high": Fact(c.decade[1], ".2f"),
        "search_fine_points": Fact(FINE_POINTS, "d"),
        "search_fine_epochs": Fact(FINE_EPOCHS, "d"),
        "search_fine_low": Fact(float(fine.lrs[0]), ".3f"),
        "search_fine_high": Fact(float(fine.lrs[-1]), ".2f"),
        "search_fine_steps": Fact(fine.steps, ",d"),
        "search_fine_best": Fact(fine.best_lr, ".2f"),
        "search_fine_best_val": Fact(float(fine.val_loss[best_i]), ".4f"),
        "search_fine_worst_val": Fact(float(fine.val_loss.max()), ".4f"),
        "search_fine_second": Fact(float(fine.lrs[order[1]]), ".2f"),
        "search_fine_second_val": Fact(float(fine.val_loss[order[1]]), ".4f"),
        "search_fine_above": Fact(int(np.sum(fine.lrs > first.lrs[-1])), "d"),
        "search_fine_one_epoch_best": Fact(float(fine.lrs[np.argmin(one_epoch)]), ".3f"),
        "search_winner_one_epoch_rank": Fact(_rank(one_epoch, best_i), "d"),
        "search_quarter_kept": Fact(math.ceil(QUARTER * FINE_POINTS), "d"),
        "search_c2f_steps": Fact(c.steps, ",d"),
        "search_sh_min_epochs": Fact(HALVING_MIN_EPOCHS, "d"),
        "search_sh_rounds": Fact(len(h.rounds), "d"),
        "search_sh_max_epochs": Fact(h.max_epochs, "d"),
        **rounds,
        "search_sh_best": Fact(h.best_lr, ".2f"),
        "search_sh_best_val": Fact(h.final_val_loss, ".4f"),
        "search_sh_steps": Fact(h.steps, "d"),
        "search_full_steps": Fact(f.steps, ",d"),
        "search_sh_saved": Fact(f.steps - h.steps, ",d"),
        "search_sh_saved_pct": Fact(100.0 * (f.steps - h.steps) / f.steps, ".0f"),
        "search_sh_fraction": Fact(h.steps / f.steps, ".2f"),
        "search_scratch_steps": Fact(scratch, ",d"),
        "search_scratch_saved": Fact(f.steps - scratch, ",d"),
        "search_seeds": Fact(len(OTHER_SEEDS), "d"),
        "search_seed_first": Fact(OTHER_SEEDS[0], "d"),
        "search_seed_last": Fact(OTHER_SEEDS[-1], "d"),
        "search_seed_agree": Fact(sum(g.best_lr == s.best_lr for g, s in seeds), "d"),
        "search_seed_full_low": Fact(min(g.best_lr for g, _ in seeds), ".2f"),
        "search_seed_full_high": Fact(max(g.best_lr for g, _ in seeds), ".2f"),
        "search_seed_worst_regret": Fact(max(regrets), ".3f"),
        "search_seed_spread_low": Fact(min(float(g.val_loss.max() - g.val_loss.min()) for g, _ in seeds), ".3f"),
        "search_seed_spread_high": Fact(max(float(g.val_loss.max() - g.val_loss.min()) for g, _ in seeds), ".3f"),
        "search_ex_candidates": Fact(EXERCISE_CANDIDATES, "d"),
        "search_ex_rounds": Fact(len(exercise), "d"),
        "search_ex_max_epochs": Fact(exercise[-1][1], "d"),
        "search_ex_steps": Fact(exercise_steps, ",d"),
        "search_ex_full": Fact(exercise_full, ",d"),
        "search_ex_saved_pct": Fact(100.0 * (exercise_full - exercise_steps) / exercise_full, ".0f"),
        "search_ex_first_epochs": Fact(first_cost, "d"),
        "search_ex_later_epochs": Fact(later_cost, "d"),
        "search_ex_later_rounds": Fact(len(exercise) - 1, "d"),
    }


# ---------------------------------------------------------------- figures

ASSETS = (
    Asset(
        "search-coarse-fine",
        STILL,
        data=stages_view,
        draw="stages",
    ),
    Asset(
        "search-halving",
        STILL,
        data=halving_view,
        draw="halving",
    ),
)
