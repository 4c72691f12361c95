"""Chapter "Searching for a learning rate" (docs/lr-search.md): coarse to fine on a log scale, the
best value on the border of the range, and successive halving against training every candidate.

Every run is ``gdsim.workload``'s network on the digits (the practice part's shared workload), judged
on its validation loss. The search itself is ``gdsim.search``; this module picks its settings and
runs it on seed 0 to show the method, then on every paired seed (``paired.SEEDS``) for each
comparison: widening against not widening, successive halving against full training, random draws
against the grid, the best rate against the horizon and against the share of the training images,
and the optimism of a validation score used to choose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdsim import digits, network, paired, reference, search, sgd, workload
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
# Every comparison runs on the paired seeds; seed 0 alone illustrates the method.
SEEDS = paired.SEEDS
# Horizons (epochs) at which the best rate of the reference grid is read, in the text's table.
HORIZONS = (1, 2, 3, 4, 8, 20)
# Shares of the training images a first search may train on, the whole set last.
FRACTIONS = (0.25, 0.5, 1.0)
# The fixed shuffle that picks a subset of the training images, and the one that halves the validation images.
SUBSET_SEED = 0
HALVES_SEED = 0
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
def coarse_to_fine(seed: int = SEED) -> CoarseToFine:
    """The chapter's coarse-to-fine search on one seed (its fine stage is also the full-training baseline)."""
    return search.coarse_to_fine(NET, workload.data(), LOW, HIGH, COARSE_EPOCHS, FINE_EPOCHS, FINE_POINTS,
                                 BATCH_SIZE, seed)


@stored
def halving(seed: int = SEED) -> Halving:
    """Successive halving over the fine stage's candidates of the same seed."""
    return search.successive_halving(NET, workload.data(), coarse_to_fine(seed).fine.lrs, HALVING_MIN_EPOCHS,
                                     BATCH_SIZE, seed)


def full(seed: int = SEED) -> Grid:
    """Every fine candidate trained for the whole budget: the fine stage itself."""
    return coarse_to_fine(seed).fine


def unwidened_lrs(c: CoarseToFine) -> np.ndarray:
    """The fine grid a search that did not widen would have refined: the decade below a best value
    on the top border, between the best rate and its better neighbour."""
    if c.first_border != "high":
        raise ValueError(f"the first range's best sits {c.first_border or 'inside'}, not on its top border")
    # the decade [best/10, best], centred on best/√10
    return search.fine_grid(c.first.best_lr / search.HALF_DECADE, FINE_POINTS)


@stored
def unwidened(seed: int = SEED) -> Grid:
    """The fine stage of a search that refined inside the first range instead of widening it."""
    return search.grid_search(NET, workload.data(), unwidened_lrs(coarse_to_fine(seed)), FINE_EPOCHS, BATCH_SIZE,
                              seed)


@stored
def random(seed: int = SEED) -> Grid:
    """The fine stage's budget spent on log-uniform draws from the same decade (draws seeded by ``seed``)."""
    low, high = coarse_to_fine(seed).decade
    return search.random_search(NET, workload.data(), low, high, FINE_POINTS, FINE_EPOCHS, BATCH_SIZE, seed)


def subset(data: digits.Split, fraction: float) -> digits.Split:
    """The first ``fraction`` of the training images in a fixed shuffled order (nested: a quarter lies
    inside the half); the validation images and the standardization stay the same."""
    fraction = float(fraction)
    if not 0 < fraction <= 1:
        raise ValueError(f"the share of the training images must lie in (0, 1], got {fraction!r}")
    n = len(data.y_train)
    rows = np.sort(np.random.default_rng(SUBSET_SEED).permutation(n)[: max(1, round(fraction * n))])
    return digits.Split(data.x_train[rows], data.y_train[rows], data.x_val, data.y_val, data.mean, data.scale)


@stored
def subset_loss(fraction: float, lr: float, seed: int) -> float:
    """The final validation loss of a reference-length run on a share of the training images (inf: blew up)."""
    if fraction == 1.0:
        return reference.run(lr, seed).final_val_loss
    data = subset(workload.data(), fraction)
    return sgd.train(NET, data, lr, reference.EPOCHS, BATCH_SIZE, seed).final_val_loss


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


# ---------------------------------------------------------------- the paired seeds


@dataclass(frozen=True)
class Seeds:
    """The chapter's searches on every paired seed, each pick judged by its own run trained fully."""

    seeds: tuple[int, ...]
    lrs: np.ndarray  # the fine candidates, the same on every seed
    full: np.ndarray  # (seeds, candidates): final validation loss after the fine budget
    one_epoch: np.ndarray  # (seeds, candidates): validation loss after the first round's budget
    halving_pick: np.ndarray  # (seeds,): index of successive halving's winner in lrs
    pruned_round: np.ndarray  # (seeds,): the round that pruned the full grid's winner (0: it won)
    unwidened: np.ndarray  # (seeds,): the best loss of the fine stage inside the first range
    unwidened_lr: np.ndarray  # (seeds,): the rate it picked
    unwidened_full: np.ndarray  # (seeds, its candidates): that fine stage's final losses, the same rates on every seed
    random: np.ndarray  # (seeds,): the best loss of the random search
    random_lrs: np.ndarray  # (seeds, draws)
    grid8: np.ndarray  # (seeds,): the best loss of the 13-rate reference grid read at the fine budget
    c2f_steps: np.ndarray  # (seeds,): steps of both stages of the coarse-to-fine search
    grid8_steps: np.ndarray  # (seeds,): steps of the reference grid up to the fine budget

    @property
    def best(self) -> np.ndarray:
        """Each seed's full-grid winner: the lowest loss of the fine candidates trained fully."""
        return self.full.min(axis=1)

    @property
    def winner(self) -> np.ndarray:
        """Each seed's full-grid winning rate."""
        return self.lrs[np.argmin(self.full, axis=1)]

    @property
    def same_pick(self) -> np.ndarray:
        """True on the seeds where the search inside the first range picked the widened search's winner
        (the two grids share rates, computed from different centres, so equal to rounding)."""
        return np.isclose(self.unwidened_lr, self.winner, rtol=1e-9)

    @property
    def regret(self) -> np.ndarray:
        """How much worse, trained fully, successive halving's pick is than the full grid's winner."""
        # L_s(pick_s) − min_η L_s(η)
        return self.full[np.arange(len(self.seeds)), self.halving_pick] - self.best

    @property
    def pick_rank(self) -> np.ndarray:
        """Where successive halving's pick stands among the candidates trained fully (1: the best)."""
        picked = self.full[np.arange(len(self.seeds)), self.halving_pick]
        return np.sum(self.full < picked[:, None], axis=1) + 1

    @property
    def mean_best(self) -> int:
        """The candidate with the lowest seed-averaged loss."""
        return int(np.argmin(self.full.mean(axis=0)))

    @property
    def gaps(self) -> np.ndarray:
        """(seeds, candidates): each candidate's loss minus the seed-averaged best candidate's, same seed."""
        # L_s(η) − L_s(η*)
        return self.full - self.full[:, [self.mean_best]]

    @property
    def floor(self) -> np.ndarray:
        """The candidates that cannot be told from the seed-averaged best with these seeds: the mean of
        their paired gap is smaller than its own sd (the best itself included)."""
        spreads = paired.spreads(self.gaps)
        return np.array([sp.sd == 0 or abs(sp.mean) < sp.sd for sp in spreads])

    @property
    def widen_out(self) -> np.ndarray:
        """Per seed, the unwidened search's pick minus the widened one's, both scored on the other seeds
        (< 0: the pick inside the first range did better where it was not chosen)."""
        return (out_of_seed(self.unwidened_full, np.argmin(self.unwidened_full, axis=1))
                - out_of_seed(self.full, np.argmin(self.full, axis=1)))

    @property
    def halving_out(self) -> np.ndarray:
        """Per seed, successive halving's pick minus the full grid's, both scored on the other seeds."""
        return out_of_seed(self.full, self.halving_pick) - out_of_seed(self.full, np.argmin(self.full, axis=1))


def out_of_seed(table: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """Per seed s, the mean loss of the candidate picked on s over the other seeds' runs: a pick scored
    where it was not chosen, free of the luck that chose it (leave one seed out)."""
    n = len(table)
    if n < 2 or len(picks) != n:
        raise ValueError(f"leave-one-out needs at least two seeds and one pick per seed, got {n} seeds, {len(picks)} picks")
    # (Σ_{s'} L_{s'}(η_s) − L_s(η_s)) / (n − 1)
    column = table[:, picks]  # column[s', s] = L_{s'}(pick of s)
    return (column.sum(axis=0) - np.diag(column)) / (n - 1)


def _horizon_loss(run: sgd.Training, epochs: int) -> float:
    """A run's validation loss after ``epochs`` epochs; inf if it blew up before."""
    curve = run.epoch_val_loss
    return float(curve[epochs]) if epochs < len(curve) else math.inf


def _grid_steps(runs: list[sgd.Training], epochs: int) -> int:
    """The steps the reference grid's runs take up to ``epochs`` epochs (a blown-up run stops early)."""
    per_epoch = steps_per_epoch()
    return sum(min(r.steps, epochs * per_epoch) for r in runs)


def seeds_result() -> Seeds:
    """Every search of the chapter on every paired seed."""
    seeds = paired.seeds(SEEDS)
    cs = [coarse_to_fine(s) for s in seeds]
    lrs = cs[0].fine.lrs
    if any(not np.array_equal(c.fine.lrs, lrs) for c in cs):
        raise ValueError("the seeds' coarse stages chose different decades: their fine candidates differ")
    halvings = [halving(s) for s in seeds]
    pick = np.array([int(np.flatnonzero(lrs == h.best_lr)[0]) for h in halvings])
    pruned = np.array([_pruned_round(h, c.fine.best_lr) for h, c in zip(halvings, cs)])
    runs = [[reference.run(float(lr), s) for lr in reference.grid()] for s in seeds]
    return Seeds(seeds, lrs, np.array([c.fine.val_loss for c in cs]),
                 np.array([c.fine.val_curves[:, HALVING_MIN_EPOCHS] for c in cs]), pick, pruned,
                 np.array([unwidened(s).val_loss.min() for s in seeds]), np.array([unwidened(s).best_lr for s in seeds]),
                 np.array([unwidened(s).val_loss for s in seeds]),
                 np.array([random(s).val_loss.min() for s in seeds]), np.array([random(s).lrs for s in seeds]),
                 np.array([min(_horizon_loss(r, FINE_EPOCHS) for r in row) for row in runs]),
                 np.array([c.steps for c in cs]), np.array([_grid_steps(row, FINE_EPOCHS) for row in runs]))


def _pruned_round(h: Halving, winner: float) -> int:
    """The round (1, 2, …) after which successive halving dropped ``winner``; 0 if it kept it to the end."""
    for k, r in enumerate(h.rounds, start=1):
        if winner in r.lrs and winner not in r.survivors:
            return k
    return 0


@dataclass(frozen=True)
class Horizons:
    """The reference grid's validation loss after every epoch, on every seed: the best rate per horizon."""

    lrs: np.ndarray
    seeds: tuple[int, ...]
    epochs: np.ndarray  # 1 … reference.EPOCHS
    val_loss: np.ndarray  # (epochs, seeds, rates), inf once a run blew up

    def best(self, epochs: int) -> float:
        """The rate with the lowest seed-averaged validation loss after ``epochs`` epochs."""
        return float(self.lrs[np.argmin(self.val_loss[epochs - 1].mean(axis=0))])

    def best_per_seed(self, epochs: int) -> np.ndarray:
        """Each seed's own winner after ``epochs`` epochs."""
        return self.lrs[paired.best_per_seed(self.val_loss[epochs - 1])]

    def minus(self, epochs: int, lr: float, other: float) -> np.ndarray:
        """Per seed, the validation loss at ``lr`` minus at ``other``, both read after ``epochs`` epochs."""
        table = self.val_loss[epochs - 1]
        return table[:, self._index(lr)] - table[:, self._index(other)]

    def _index(self, lr: float) -> int:
        hits = np.flatnonzero(np.isclose(self.lrs, lr, rtol=1e-9))
        if len(hits) != 1:
            raise ValueError(f"η = {lr!r} is not a rate of the reference grid")
        return int(hits[0])


def horizons() -> Horizons:
    """The reference runs (``gdsim.reference``) read after every epoch."""
    seeds, lrs = paired.seeds(SEEDS), reference.grid()
    runs = [[reference.run(float(lr), s) for lr in lrs] for s in seeds]
    epochs = np.arange(1, reference.EPOCHS + 1)
    return Horizons(lrs, seeds, epochs, np.array([[[_horizon_loss(r, e) for r in row] for row in runs] for e in epochs]))


@dataclass(frozen=True)
class Subsets:
    """The reference grid trained on a share of the training images, every seed, reference.EPOCHS epochs."""

    fractions: tuple[float, ...]
    images: tuple[int, ...]  # training images in each share
    lrs: np.ndarray
    seeds: tuple[int, ...]
    val_loss: np.ndarray  # (fractions, seeds, rates), inf where a run blew up

    def best(self, i: int) -> float:
        """The seed-averaged winner when training on share ``i``."""
        return float(self.lrs[np.argmin(self.val_loss[i].mean(axis=0))])

    def best_per_seed(self, i: int) -> np.ndarray:
        return self.lrs[paired.best_per_seed(self.val_loss[i])]

    def extra(self, i: int) -> np.ndarray:
        """Per seed, the whole set's validation loss at share ``i``'s seed-averaged winner minus at the whole
        set's own: the extra loss of choosing the rate on the share."""
        # L_full,s(η_i) − L_full,s(η_full)
        whole = self.val_loss[self.fractions.index(1.0)]
        pick, best = np.argmin(self.val_loss[i].mean(axis=0)), np.argmin(whole.mean(axis=0))
        return whole[:, pick] - whole[:, best]


def subsets() -> Subsets:
    """Every share of FRACTIONS, every rate of the reference grid, every seed (stored)."""
    seeds, lrs, data = paired.seeds(SEEDS), reference.grid(), workload.data()
    table = np.array([[[subset_loss(f, float(lr), s) for lr in lrs] for s in seeds] for f in FRACTIONS])
    return Subsets(FRACTIONS, tuple(len(subset(data, f).y_train) for f in FRACTIONS), lrs, seeds, table)


@dataclass(frozen=True)
class Halves:
    """The reference runs scored on two halves of the validation images: choose on one, report on the other."""

    lrs: np.ndarray
    seeds: tuple[int, ...]
    loss: np.ndarray  # (2, seeds, rates): validation loss on half A and on half B (inf: blew up)
    sizes: tuple[int, int]

    @property
    def optimism(self) -> np.ndarray:
        """Per seed: how much lower the chosen rate scores on the half that chose it than on the other,
        averaged over both ways round so that a harder half cancels out."""
        a, b = self.loss
        rows = np.arange(len(self.seeds))
        pick_a, pick_b = np.argmin(a, axis=1), np.argmin(b, axis=1)
        # ½ [(L_B(η_A) − L_A(η_A)) + (L_A(η_B) − L_B(η_B))]
        return 0.5 * ((b[rows, pick_a] - a[rows, pick_a]) + (a[rows, pick_b] - b[rows, pick_b]))

    @property
    def averaged_optimism(self) -> float:
        """The same with the rate chosen on the seed-averaged loss of one half, reported on the other's."""
        a, b = self.loss.mean(axis=1)
        pick_a, pick_b = int(np.argmin(a)), int(np.argmin(b))
        # ½ [(L̄_B(η_A) − L̄_A(η_A)) + (L̄_A(η_B) − L̄_B(η_B))]
        return float(0.5 * ((b[pick_a] - a[pick_a]) + (a[pick_b] - b[pick_b])))

    def chose(self, lr: float) -> int:
        """On how many seeds one half or the other chose ``lr``."""
        picks = self.lrs[np.argmin(self.loss, axis=2)]  # (halves, seeds)
        return int(np.sum(np.any(picks == lr, axis=0)))

    @property
    def disagree(self) -> int:
        """On how many seeds the two halves chose different rates."""
        return int(np.sum(np.argmin(self.loss[0], axis=1) != np.argmin(self.loss[1], axis=1)))


def _half_loss(params: np.ndarray, x: np.ndarray, y: np.ndarray, blew_up: bool) -> float:
    return math.inf if blew_up else network.loss(NET, params, x, y)


def halves() -> Halves:
    """The validation images split in two by a fixed shuffle; every reference run scored on each half."""
    seeds, lrs, data = paired.seeds(SEEDS), reference.grid(), workload.data()
    order = np.random.default_rng(HALVES_SEED).permutation(len(data.y_val))
    parts = (order[: len(order) // 2], order[len(order) // 2:])
    runs = [[reference.run(float(lr), s) for lr in lrs] for s in seeds]
    loss = np.array([[[_half_loss(r.params, data.x_val[p], data.y_val[p], r.diverged) for r in row] for row in runs]
                     for p in parts])
    return Halves(lrs, seeds, loss, (len(parts[0]), len(parts[1])))


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
    seeds: tuple[int, ...]  # the paired seeds, the chapter's own (drawn above) first
    fine_seeds: np.ndarray  # (seeds, candidates): the fine stage's losses on every seed


@dataclass(frozen=True)
class HalvingView:
    """Successive halving's rounds beside the full training of every candidate, and their steps."""

    halving: Halving
    full: Grid
    full_steps: int
    saved: int  # full_steps − halving.steps
    saved_pct: float  # 100 · saved / full_steps


@dataclass(frozen=True)
class SeedsView:
    """Per seed, how much higher the loss of each other search's pick is than the fine grid's winner."""

    seeds: tuple[int, ...]
    halving: np.ndarray  # successive halving's pick, trained fully
    halving_out: np.ndarray  # the same two picks both scored on the other seeds (leave one seed out)
    unwidened: np.ndarray  # the best of a fine grid inside the first range
    unwidened_out: np.ndarray  # the same two picks both scored on the other seeds
    random: np.ndarray  # the best of as many log-uniform draws from the best decade
    grid: np.ndarray  # the best of the 13-rate reference grid, read at the same budget
    miss: int  # the index of the seed where successive halving missed most
    miss_rank: int  # where its pick stood among the candidates trained fully

    def spread(self, field: str) -> paired.Spread:
        """One row of the figure over the seeds: its mean ± sd bar."""
        return paired.spread(getattr(self, field))


@dataclass(frozen=True)
class HorizonView:
    """The best rate of the reference grid after every epoch, and after training on shares of the images."""

    lrs: np.ndarray  # the reference grid
    seeds: tuple[int, ...]
    epochs: np.ndarray
    best: np.ndarray  # (epochs,): the seed-averaged winner
    best_per_seed: np.ndarray  # (epochs, seeds)
    images: np.ndarray  # training images in each share
    sub_best: np.ndarray  # (shares,): the seed-averaged winner
    sub_best_per_seed: np.ndarray  # (shares, seeds)


def stages_view() -> StagesView:
    c, r = coarse_to_fine(), seeds_result()
    if r.seeds[0] != SEED:
        raise ValueError(f"the paired seeds must start with the chapter's seed {SEED}")
    return StagesView(c.first, c.coarse, c.fine, c.decade, float(c.first.val_curves[0, 0]), c.first.best_lr,
                      float(np.min(c.first.val_loss)),
                      c.best_lr, float(np.min(c.fine.val_loss)), c.coarse_epochs, c.fine_epochs, r.seeds, r.full)


def seeds_view() -> SeedsView:
    r = seeds_result()
    miss = int(np.argmax(r.regret))
    return SeedsView(r.seeds, r.regret, r.halving_out, r.unwidened - r.best, r.widen_out, r.random - r.best,
                     r.grid8 - r.best, miss, int(r.pick_rank[miss]))


def horizon_view() -> HorizonView:
    h, sub = horizons(), subsets()
    per_epoch = np.array([h.best_per_seed(e) for e in h.epochs])
    shares = range(len(sub.fractions))
    return HorizonView(h.lrs, h.seeds, h.epochs, np.array([h.best(e) for e in h.epochs]), per_epoch,
                       np.array(sub.images), np.array([sub.best(i) for i in shares]),
                       np.array([sub.best_per_seed(i) for i in shares]))


def halving_view() -> HalvingView:
    h, f = halving(), full()
    return HalvingView(h, f, f.steps, f.steps - h.steps, 100.0 * (f.steps - h.steps) / f.steps)


# ---------------------------------------------------------------- facts


def _rank(values: np.ndarray, index: int) -> int:
    """1 for the lowest of ``values``, 2 for the next, …: where ``values[index]`` stands."""
    return int(np.sum(values < values[index])) + 1


def _best_losses(h: Horizons, epochs: int) -> np.ndarray:
    """Each seed's final validation loss at the seed-averaged winner after ``epochs`` epochs."""
    return h.val_loss[epochs - 1][:, h.lrs == h.best(epochs)][:, 0]


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation: the correlation of the ranks (no ties among the losses here)."""
    # ρ = corr(rank a, rank b)
    return float(np.corrcoef(np.argsort(np.argsort(a)), np.argsort(np.argsort(b)))[0, 1])


def _gap_facts(gaps: np.ndarray, names: tuple[str, str, str]) -> dict[str, Fact]:
    """A paired gap's mean ± sd and on how many seeds it was above zero, under the three names given
    (written out where this is called, so that a search for a name finds it)."""
    sp = paired.spread(gaps)
    return dict(zip(names, (Fact(sp.mean, ".4f"), Fact(sp.sd, ".4f"), Fact(int(np.sum(gaps > 0)), "d"))))


def _below_floor(r: Seeds) -> np.ndarray:
    """The candidates off the paired floor, nearest first; the page says they are the two smallest rates."""
    off = np.flatnonzero(~r.floor)
    if len(off) != 2 or off.max() >= np.flatnonzero(r.floor).min():
        raise ValueError(f"the page names two candidates below the floor, the runs put {r.lrs[off]} off it")
    return off[::-1]


def _quarter_kept(one_epoch: np.ndarray) -> np.ndarray:
    """Per seed, the candidates a search keeping the best QUARTER after the first round would keep."""
    return np.argsort(one_epoch, axis=1)[:, : math.ceil(QUARTER * one_epoch.shape[1])]


def horizon_vs_ref(h: Horizons, epochs: int) -> np.ndarray:
    """Per seed, the reference rate's loss minus the ``epochs``-epoch winner's, both after ``epochs`` epochs
    (> 0: the short-horizon winner was lower)."""
    return h.minus(epochs, reference.rate(), h.best(epochs))


def paired_facts() -> dict[str, Fact]:
    """Every comparison on the paired seeds: widening, halving's regret, random draws, the horizon,
    subsets of the training images, and the optimism of a validation score used to choose."""
    r, h, sub, v = seeds_result(), horizons(), subsets(), halves()
    n = len(r.seeds)
    miss = int(np.argmax(r.regret))
    widen = r.unwidened - r.best  # > 0: widening found the lower loss
    rand = r.random - r.best  # > 0: the grid's pick was lower
    c2f = r.best - r.grid8  # > 0: the reference grid's pick was lower
    first_h, last_h = min(HORIZONS), max(HORIZONS)
    grew = h.best_per_seed(last_h) > h.best_per_seed(first_h)
    fine_leader = r.lrs[np.argmin(r.one_epoch, axis=1)]  # each seed's fine leader after one epoch
    fine_winner = r.winner
    full_i = FRACTIONS.index(1.0)
    cs = [coarse_to_fine(s) for s in r.seeds]
    below = _below_floor(r)
    corr = [_spearman(a, b) for a, b in zip(r.one_epoch, r.full)]
    quarter = _quarter_kept(r.one_epoch)
    quarter_regret = np.array([row[k].min() for row, k in zip(r.full, quarter)]) - r.best
    out = {
        "search_pair_seeds": Fact(n, "d"),
        # the coarse stage on every seed: the same border, the same widening, the same decade
        "search_coarse_same": Fact(sum(c.first_border == "high" and c.extensions == 1 and c.coarse.best_lr == c.first.best_lr
                                       for c in cs), "d"),
        "search_pair_first": Fact(r.seeds[0], "d"),
        "search_pair_last": Fact(r.seeds[-1], "d"),
        "search_other_first": Fact(r.seeds[1], "d"),  # the first seed after the chapter's own
        "search_other_seeds": Fact(n - 1, "d"),  # the seeds a pick is scored on when left out
        # the full grid's winners and the valley's depth, seed by seed
        "search_seed_full_low": Fact(float(fine_winner.min()), ".2f"),
        "search_seed_full_high": Fact(float(fine_winner.max()), ".2f"),
        "search_seed_full_distinct": Fact(len(set(fine_winner.tolist())), "d"),
        "search_seed_best_mean": Fact(paired.spread(r.best).mean, ".4f"),
        "search_seed_best_sd": Fact(paired.spread(r.best).sd, ".4f"),
        # the paired floor: the candidates that cannot be told from the seed-averaged best
        "search_fine_mean_best": Fact(float(r.lrs[r.mean_best]), ".3f"),
        "search_floor_count": Fact(int(r.floor.sum()), "d"),
        "search_floor_low": Fact(float(r.lrs[r.floor].min()), ".3f"),
        "search_floor_high": Fact(float(r.lrs[r.floor].max()), ".2f"),
        "search_floor_gap_max": Fact(float(r.gaps[:, r.floor].mean(axis=0).max()), ".4f"),
        "search_floor_worse_max": Fact(int(np.max(np.sum(r.gaps[:, r.floor] > 0, axis=0))), "d"),
        "search_floor_below1_lr": Fact(float(r.lrs[below[0]]), ".3f"),
        **_gap_facts(r.gaps[:, below[0]], ("search_floor_below1_gap_mean", "search_floor_below1_gap_sd",
                                           "search_floor_below1_gap_worse")),
        "search_floor_below2_lr": Fact(float(r.lrs[below[1]]), ".3f"),
        **_gap_facts(r.gaps[:, below[1]], ("search_floor_below2_gap_mean", "search_floor_below2_gap_sd",
                                           "search_floor_below2_gap_worse")),
        "search_winner_on_floor": Fact(int(np.sum(r.floor[np.argmin(r.full, axis=1)])), "d"),
        # widening against refining inside the first range
        "search_unwidened_low": Fact(float(unwidened_lrs(coarse_to_fine()).min()), ".3f"),
        "search_unwidened_high": Fact(float(unwidened_lrs(coarse_to_fine()).max()), ".3f"),
        "search_widen_gain_mean": Fact(paired.spread(widen).mean, ".4f"),
        "search_widen_gain_sd": Fact(paired.spread(widen).sd, ".4f"),
        "search_widen_wins": Fact(int(np.sum((widen > 0) & ~r.same_pick)), "d"),
        "search_widen_ties": Fact(int(np.sum(r.same_pick)), "d"),
        "search_widen_shared": Fact(int(np.sum(np.isclose(unwidened_lrs(coarse_to_fine())[:, None], r.lrs[None, :],
                                                          rtol=1e-9))), "d"),
        # … both picks scored on the other seeds
        "search_widen_out_mean": Fact(paired.spread(r.widen_out).mean, ".4f"),
        "search_widen_out_sd": Fact(paired.spread(r.widen_out).sd, ".4f"),
        "search_widen_out_wins": Fact(int(np.sum((r.widen_out < 0) & ~r.same_pick)), "d"),  # the unwidened pick lower
        # successive halving against training every candidate
        "search_sh_regret_mean": Fact(paired.spread(r.regret).mean, ".4f"),
        "search_sh_regret_sd": Fact(paired.spread(r.regret).sd, ".4f"),
        "search_sh_picked_best": Fact(int(np.sum(r.regret == 0)), "d"),
        "search_sh_on_floor": Fact(int(np.sum(r.floor[r.halving_pick])), "d"),
        "search_sh_pruned_first": Fact(int(np.sum(r.pruned_round == 1)), "d"),
        "search_sh_out_mean": Fact(paired.spread(r.halving_out).mean, ".4f"),
        "search_sh_out_sd": Fact(paired.spread(r.halving_out).sd, ".4f"),
        "search_sh_out_wins": Fact(int(np.sum(r.halving_out < 0)), "d"),  # halving's pick lower on the other seeds
        # how the one-epoch order predicts the fully trained order, seed by seed
        "search_rank_corr_low": Fact(min(corr), ".2f"),
        "search_rank_corr_high": Fact(max(corr), ".2f"),
        # keeping only the best quarter after the first round
        "search_quarter_lost": Fact(int(sum(w not in k for w, k in zip(np.argmin(r.full, axis=1), quarter))), "d"),
        "search_quarter_regret_mean": Fact(paired.spread(quarter_regret).mean, ".4f"),
        "search_quarter_regret_sd": Fact(paired.spread(quarter_regret).sd, ".4f"),
        "search_sh_miss_seed": Fact(r.seeds[miss], "d"),
        "search_sh_miss_pick": Fact(float(r.lrs[r.halving_pick[miss]]), ".2f"),
        "search_sh_miss_rank": Fact(int(r.pick_rank[miss]), "d"),
        "search_sh_miss_best": Fact(float(fine_winner[miss]), ".2f"),
        "search_sh_miss_regret": Fact(float(r.regret[miss]), ".4f"),
        "search_sh_miss_pick_val": Fact(float(r.full[miss, r.halving_pick[miss]]), ".4f"),
        "search_sh_miss_best_val": Fact(float(r.best[miss]), ".4f"),
        # random draws against the grid, the same budget
        "search_rand_best_mean": Fact(paired.spread(r.random).mean, ".4f"),
        "search_rand_best_sd": Fact(paired.spread(r.random).sd, ".4f"),
        "search_rand_diff_mean": Fact(paired.spread(rand).mean, ".4f"),
        "search_rand_diff_sd": Fact(paired.spread(rand).sd, ".4f"),
        "search_rand_wins": Fact(paired.wins(r.random, r.best), "d"),
        "search_rand_grid2": Fact(FINE_POINTS**2, "d"),  # runs of a square grid over two hyperparameters
        # coarse to fine against the 13-rate reference grid read at the same budget
        "search_c2f_diff_mean": Fact(paired.spread(c2f).mean, ".4f"),
        "search_c2f_diff_sd": Fact(paired.spread(c2f).sd, ".4f"),
        "search_grid_diff_mean": Fact(float(np.mean(-c2f)), ".4f"),  # the figure's row: the grid's pick minus the fine grid's
        "search_c2f_wins": Fact(paired.wins(r.best, r.grid8), "d"),
        "search_c2f_steps_each": Fact(int(np.max(r.c2f_steps)), ",d"),
        "search_grid8_steps_each": Fact(int(np.max(r.grid8_steps)), ",d"),
        "search_grid_rates": Fact(len(h.lrs), "d"),
        # the horizon: the fine grid's leader after one epoch against its winner after the fine budget
        "search_fine_h_grew": Fact(int(np.sum(fine_winner > fine_leader)), "d"),
        "search_fine_h_shrank": Fact(int(np.sum(fine_winner < fine_leader)), "d"),
        # … and the reference grid's winners after 1 to 20 epochs
        "search_h_grew": Fact(int(np.sum(grew)), "d"),
        "search_h_shrank": Fact(int(np.sum(h.best_per_seed(last_h) < h.best_per_seed(first_h))), "d"),
        "search_h_first": Fact(first_h, "d"),
        "search_h_last": Fact(last_h, "d"),
        # subsets of the training images
        "search_sub25_images": Fact(sub.images[0], ",d"),
        "search_sub25_best": Fact(sub.best(0), ".3g"),
        **_gap_facts(sub.extra(0), ("search_sub25_extra_mean", "search_sub25_extra_sd", "search_sub25_extra_worse")),
        "search_sub25_low": Fact(float(sub.best_per_seed(0).min()), ".3g"),
        "search_sub25_high": Fact(float(sub.best_per_seed(0).max()), ".3g"),
        "search_sub25_larger": Fact(int(np.sum(sub.best_per_seed(0) > sub.best_per_seed(full_i))), "d"),
        "search_sub25_same": Fact(int(np.sum(sub.best_per_seed(0) == sub.best_per_seed(full_i))), "d"),
        "search_sub25_decades": Fact(math.log10(sub.best(0) / sub.best(full_i)), ".2g"),
        "search_sub50_images": Fact(sub.images[1], ",d"),
        "search_sub50_best": Fact(sub.best(1), ".3g"),
        **_gap_facts(sub.extra(1), ("search_sub50_extra_mean", "search_sub50_extra_sd", "search_sub50_extra_worse")),
        "search_sub50_low": Fact(float(sub.best_per_seed(1).min()), ".3g"),
        "search_sub50_high": Fact(float(sub.best_per_seed(1).max()), ".3g"),
        "search_sub50_larger": Fact(int(np.sum(sub.best_per_seed(1) > sub.best_per_seed(full_i))), "d"),
        "search_sub50_same": Fact(int(np.sum(sub.best_per_seed(1) == sub.best_per_seed(full_i))), "d"),
        "search_sub50_decades": Fact(math.log10(sub.best(1) / sub.best(full_i)), ".2g"),
        "search_sub100_images": Fact(sub.images[2], ",d"),
        "search_sub100_best": Fact(sub.best(2), ".3g"),
        "search_sub100_low": Fact(float(sub.best_per_seed(2).min()), ".3g"),
        "search_sub100_high": Fact(float(sub.best_per_seed(2).max()), ".3g"),
        # validation, then test
        "search_half_a": Fact(v.sizes[0], "d"),
        "search_half_b": Fact(v.sizes[1], "d"),
        "search_optimism_mean": Fact(paired.spread(v.optimism).mean, ".4f"),
        "search_optimism_sd": Fact(paired.spread(v.optimism).sd, ".4f"),
        "search_optimism_disagree": Fact(v.disagree, "d"),
        "search_optimism_averaged": Fact(v.averaged_optimism, ".4f"),
        "search_largest_stable": Fact(reference.curve().largest_stable, ".3g"),
        "search_optimism_cliff": Fact(v.chose(reference.curve().largest_stable), "d"),
    }
    # the seed-averaged winner per epoch: from which epoch on it stays at the last one, and the other rates before
    winners = np.array([h.best(e) for e in h.epochs])
    settle = int(h.epochs[np.flatnonzero(winners != winners[-1])[-1] + 1])
    early = winners[: settle - 1]
    others = early[early != winners[0]]
    out.update({
        "search_h_settle": Fact(settle, "d"),
        "search_h_early_epochs": Fact(settle - 1, "d"),
        "search_h_early_other": Fact(len(others), "d"),  # epochs before settling whose winner is not the first one's
        "search_h_early_other_rate": Fact(float(others.max()) if len(others) else math.nan, ".3g"),
        "search_h_early_other_epoch": Fact(int(h.epochs[:settle - 1][early != winners[0]][0]) if len(others) else 0,
                                           "d"),
        # the reference rate against each horizon's winner, read after that horizon, paired by seed
        **_gap_facts(horizon_vs_ref(h, 1), ("search_h1_vs_ref_mean", "search_h1_vs_ref_sd", "search_h1_vs_ref_wins")),
        **_gap_facts(horizon_vs_ref(h, 2), ("search_h2_vs_ref_mean", "search_h2_vs_ref_sd", "search_h2_vs_ref_wins")),
        **_gap_facts(horizon_vs_ref(h, 3), ("search_h3_vs_ref_mean", "search_h3_vs_ref_sd", "search_h3_vs_ref_wins")),
        **_gap_facts(horizon_vs_ref(h, 4), ("search_h4_vs_ref_mean", "search_h4_vs_ref_sd", "search_h4_vs_ref_wins")),
        **_gap_facts(horizon_vs_ref(h, 8), ("search_h8_vs_ref_mean", "search_h8_vs_ref_sd", "search_h8_vs_ref_wins")),
        # … and the one-epoch winner read after the reference length (> 0: the reference rate lower)
        **_gap_facts(h.minus(last_h, h.best(first_h), reference.rate()),
                     ("search_h20_short_mean", "search_h20_short_sd", "search_h20_short_wins")),
    })
    out.update({
        "search_h1_epochs": Fact(1, "d"),
        "search_h1_best": Fact(h.best(1), ".3g"),
        "search_h1_low": Fact(float(h.best_per_seed(1).min()), ".3g"),
        "search_h1_high": Fact(float(h.best_per_seed(1).max()), ".3g"),
        "search_h1_loss_mean": Fact(paired.spread(_best_losses(h, 1)).mean, ".4f"),
        "search_h1_loss_sd": Fact(paired.spread(_best_losses(h, 1)).sd, ".4f"),
        "search_h2_epochs": Fact(2, "d"),
        "search_h2_best": Fact(h.best(2), ".3g"),
        "search_h2_low": Fact(float(h.best_per_seed(2).min()), ".3g"),
        "search_h2_high": Fact(float(h.best_per_seed(2).max()), ".3g"),
        "search_h2_loss_mean": Fact(paired.spread(_best_losses(h, 2)).mean, ".4f"),
        "search_h2_loss_sd": Fact(paired.spread(_best_losses(h, 2)).sd, ".4f"),
        "search_h3_epochs": Fact(3, "d"),
        "search_h3_best": Fact(h.best(3), ".3g"),
        "search_h3_low": Fact(float(h.best_per_seed(3).min()), ".3g"),
        "search_h3_high": Fact(float(h.best_per_seed(3).max()), ".3g"),
        "search_h3_loss_mean": Fact(paired.spread(_best_losses(h, 3)).mean, ".4f"),
        "search_h3_loss_sd": Fact(paired.spread(_best_losses(h, 3)).sd, ".4f"),
        "search_h4_epochs": Fact(4, "d"),
        "search_h4_best": Fact(h.best(4), ".3g"),
        "search_h4_low": Fact(float(h.best_per_seed(4).min()), ".3g"),
        "search_h4_high": Fact(float(h.best_per_seed(4).max()), ".3g"),
        "search_h4_loss_mean": Fact(paired.spread(_best_losses(h, 4)).mean, ".4f"),
        "search_h4_loss_sd": Fact(paired.spread(_best_losses(h, 4)).sd, ".4f"),
        "search_h8_epochs": Fact(8, "d"),
        "search_h8_best": Fact(h.best(8), ".3g"),
        "search_h8_low": Fact(float(h.best_per_seed(8).min()), ".3g"),
        "search_h8_high": Fact(float(h.best_per_seed(8).max()), ".3g"),
        "search_h8_loss_mean": Fact(paired.spread(_best_losses(h, 8)).mean, ".4f"),
        "search_h8_loss_sd": Fact(paired.spread(_best_losses(h, 8)).sd, ".4f"),
        "search_h20_epochs": Fact(20, "d"),
        "search_h20_best": Fact(h.best(20), ".3g"),
        "search_h20_low": Fact(float(h.best_per_seed(20).min()), ".3g"),
        "search_h20_high": Fact(float(h.best_per_seed(20).max()), ".3g"),
        "search_h20_loss_mean": Fact(paired.spread(_best_losses(h, 20)).mean, ".4f"),
        "search_h20_loss_sd": Fact(paired.spread(_best_losses(h, 20)).sd, ".4f"),
    })
    return out


def facts() -> dict[str, Fact]:
    """The chapter's quoted numbers: both stages, the border, the rounds, the steps saved, the paired seeds."""
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
        "search_quarter_first": Fact(float(fine.lrs[np.argsort(one_epoch)[0]]), ".3f"),
        "search_quarter_second": Fact(float(fine.lrs[np.argsort(one_epoch)[1]]), ".3f"),
        "search_quarter_first_val": Fact(float(fine.val_loss[np.argsort(one_epoch)[0]]), ".4f"),
        "search_quarter_second_val": Fact(float(fine.val_loss[np.argsort(one_epoch)[1]]), ".4f"),
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
        **paired_facts(),
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
    Asset(
        "search-seeds",
        STILL,
        data=seeds_view,
        draw="seeds",
    ),
    Asset(
        "search-horizon",
        STILL,
        data=horizon_view,
        draw="horizon",
    ),
)
