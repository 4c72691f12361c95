"""Paired comparisons: every contender run with the same seeds, read as mean ± sd and wins per seed.

A seed fixes a run's initial parameters and its shuffles. Running every rate, rule, schedule or
method with the same seeds pairs the runs: seed s of one contender met exactly the start and the
batches seed s of another met, so the difference between them on that seed is the contenders'
alone. A comparison is then reported as the mean and the sample standard deviation over the seeds,
and as the number of seeds on which one contender ended lower than the other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdsim import checks

# Every comparison of the practice part runs on these seeds, the same for every contender.
SEEDS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class Spread:
    """One contender's result on each seed (inf for a run that blew up), in seed order."""

    values: np.ndarray

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def sd(self) -> float:
        """The sample standard deviation, √(Σ(x − x̄)²/(n − 1)); inf if any run blew up."""
        if not np.all(np.isfinite(self.values)):
            return math.inf
        return float(np.std(self.values, ddof=1))

    @property
    def low(self) -> float:
        return float(np.min(self.values))

    @property
    def high(self) -> float:
        return float(np.max(self.values))

    @property
    def blown(self) -> int:
        """On how many seeds the run blew up."""
        return int(np.count_nonzero(~np.isfinite(self.values)))


def _values(values: object, name: str) -> np.ndarray:
    """One result per seed: a 1-D array of at least two numbers, inf allowed (a blow-up), NaN not."""
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(f"{name} needs one result per seed and at least two seeds, got shape {values.shape}")
    if np.any(np.isnan(values)) or np.any(values == -math.inf):
        raise ValueError(f"{name} holds NaN or −inf: a result per seed must be a number (+inf for a blow-up)")
    return values


def spread(values: object) -> Spread:
    """The results of one contender over the seeds."""
    return Spread(_values(values, "a spread"))


def spreads(table: object) -> list[Spread]:
    """One spread per column of a (seeds × contenders) table."""
    table = np.asarray(table, dtype=float)
    if table.ndim != 2:
        raise ValueError(f"a table of results needs one row per seed and one column per contender, got shape {table.shape}")
    return [spread(column) for column in table.T]


def _pair(a: object, b: object) -> tuple[np.ndarray, np.ndarray]:
    """Two contenders' results on the same seeds, in the same order."""
    a, b = _values(a, "the first contender"), _values(b, "the second contender")
    if a.shape != b.shape:
        raise ValueError(f"paired results need the same seeds: {len(a)} results against {len(b)}")
    return a, b


def wins(a: object, b: object) -> int:
    """On how many seeds ``a`` ended strictly lower than ``b`` (paired: the same seeds, in order)."""
    a, b = _pair(a, b)
    return int(np.count_nonzero(a < b))


def difference(a: object, b: object) -> Spread:
    """``a`` − ``b`` seed by seed (negative where ``a`` ended lower): a paired comparison's spread."""
    a, b = _pair(a, b)
    return spread(a - b)


def best_per_seed(table: object) -> np.ndarray:
    """The index of each seed's lowest result in a (seeds × contenders) table (the first of ties)."""
    table = np.asarray(table, dtype=float)
    if table.ndim != 2 or 0 in table.shape:
        raise ValueError(f"a table of results needs one row per seed and one column per contender, got shape {table.shape}")
    return np.argmin(table, axis=1)


def seeds(values: object = SEEDS) -> tuple[int, ...]:
    """Checked seeds for a paired comparison: at least two, distinct."""
    out = tuple(checks.seed(s) for s in values)
    if len(out) < 2 or len(set(out)) != len(out):
        raise ValueError(f"a paired comparison needs at least two distinct seeds, got {out}")
    return out
