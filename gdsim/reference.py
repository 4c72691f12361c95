"""The practice part's reference learning rate, chosen the way a practitioner should choose one.

The workload (``gdsim.workload``) is trained for ``EPOCHS`` epochs at every rate of a grid a
quarter of a decade apart, with each of the paired seeds (``paired.SEEDS``). The reference rate is
the rate with the lowest validation loss **averaged over the seeds**, not the winner of one seed:
near the divergence cliff one seed's runs are chaotic, and the best of many noisy runs is chosen
as much for its luck as for its rate (the winner's curse). Every chapter of the practice part
that needs "a good rate" takes this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import checks, paired, sgd, workload
from gdsim.stored import stored

EPOCHS = 20
# The grid: 10^(k/4) from 10^−2 to 10^1, a quarter of a decade apart.
GRID_PER_DECADE = 4
GRID_DECADES = (-2, 1)


def grid() -> np.ndarray:
    """The candidate rates, 10^(k/4) for k from −8 to 4."""
    low, high = GRID_DECADES
    return 10.0 ** (np.arange(low * GRID_PER_DECADE, high * GRID_PER_DECADE + 1) / GRID_PER_DECADE)


@stored
def run(lr: float, seed: int) -> sgd.Training:
    """The MLP trained on the digits for EPOCHS epochs at rate ``lr``, batches of 32, with ``seed``."""
    lr, seed = checks.learning_rate(lr), checks.seed(seed)
    return sgd.train(workload.MLP, workload.data(), lr, EPOCHS, workload.BATCH_SIZE, seed)


@dataclass(frozen=True)
class Curve:
    """Final validation loss against the rate, on every seed: the evidence behind the reference rate."""

    lrs: np.ndarray
    seeds: tuple[int, ...]
    val_loss: np.ndarray  # (seeds, rates), inf where a run blew up
    diverged: np.ndarray  # (seeds, rates)

    @property
    def spreads(self) -> list[paired.Spread]:
        return paired.spreads(self.val_loss)

    @property
    def mean(self) -> np.ndarray:
        return np.array([s.mean for s in self.spreads])

    @property
    def sd(self) -> np.ndarray:
        return np.array([s.sd for s in self.spreads])

    @property
    def best(self) -> int:
        """The index of the rate with the lowest mean validation loss over the seeds."""
        return int(np.argmin(self.mean))

    @property
    def rate(self) -> float:
        """The reference rate."""
        return float(self.lrs[self.best])

    @property
    def best_per_seed(self) -> np.ndarray:
        """Each seed's own winner: the rate a one-seed search would have picked."""
        return self.lrs[paired.best_per_seed(self.val_loss)]

    @property
    def largest_stable(self) -> float:
        """The largest rate of the grid that blew up on no seed (the edge of the cliff)."""
        safe = np.flatnonzero(~self.diverged.any(axis=0))
        return float(self.lrs[safe[-1]])

    @property
    def first_blown(self) -> float:
        """The smallest rate of the grid that blew up on at least one seed."""
        blown = np.flatnonzero(self.diverged.any(axis=0))
        return float(self.lrs[blown[0]])

    def floor(self, within: float) -> np.ndarray:
        """The rates whose mean loss is within ``within`` (e.g. one sd of the best) of the lowest mean."""
        return self.lrs[self.mean <= self.mean[self.best] + within]


def evaluate(lrs: object, seeds: object = paired.SEEDS) -> Curve:
    """Every rate of ``lrs`` trained with every seed (from the store)."""
    lrs, seeds = checks.increasing_rates(lrs), paired.seeds(seeds)
    runs = [[run(float(lr), s) for lr in lrs] for s in seeds]
    return Curve(lrs, seeds, np.array([[r.final_val_loss for r in row] for row in runs]),
                 np.array([[r.diverged for r in row] for row in runs]))


@lru_cache(maxsize=1)
def curve() -> Curve:
    """The reference grid over the paired seeds."""
    return evaluate(grid())


def rate() -> float:
    """The practice part's reference rate: the lowest seed-averaged validation loss of the grid."""
    return curve().rate
