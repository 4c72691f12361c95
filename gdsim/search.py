"""Searching for a learning rate by training: one run per candidate, judged on validation loss.

Three searches, all on ``gdsim.sgd``'s runs (same start, same batches for every candidate):

- ``grid_search``: train every candidate for the same number of epochs.
- ``coarse_to_fine``: one short run per decade, the range widened while its best rate sits on
  its border, then a finer grid inside the decade around the best, trained for longer.
- ``random_search``: the same budget as a grid, spent on rates drawn log-uniformly from a range
  (Bergstra and Bengio, JMLR 2012).
- ``successive_halving``: short runs for every candidate, keep the better half, double the
  budget, until one is left (Jamieson and Talwalkar, AISTATS 2016, arXiv:1502.07943). Survivors
  are *resumed*, not retrained: a ``Resumable`` run continues with the parameters and the batch
  shuffles where it stopped, so a run paused and resumed equals one run straight through.

A "step" is one parameter update (one mini-batch); every result counts the steps it took.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdsim import checks, network, sgd
from gdsim.digits import Split
from gdsim.network import Network

# One decade on a log axis, and the half of it on either side of a grid point.
DECADE = 10.0
HALF_DECADE = math.sqrt(DECADE)
# The most decades coarse_to_fine adds to a range whose best rate sits on its border.
MAX_EXTENSIONS = 3


@dataclass(frozen=True)
class Grid:
    """Candidate rates and the validation loss each reached (inf where the run blew up)."""

    lrs: np.ndarray
    val_loss: np.ndarray
    steps: int  # SGD steps taken by all runs together
    # (candidates, epochs + 1): validation loss before training and after every epoch, inf once a run blew up
    val_curves: np.ndarray | None = None

    @property
    def best_lr(self) -> float:
        """The candidate with the lowest final validation loss."""
        return float(self.lrs[int(np.argmin(self.val_loss))])

    @property
    def diverged(self) -> np.ndarray:
        """True for the candidates whose run blew up."""
        return ~np.isfinite(self.val_loss)


def _curve(run: sgd.Training, epochs: int) -> np.ndarray:
    """A run's validation loss after every epoch, padded with inf after a blow-up."""
    curve = np.full(epochs + 1, math.inf)
    curve[: len(run.epoch_val_loss)] = run.epoch_val_loss
    return curve


def grid_search(net: Network, data: Split, lrs: object, epochs: int, batch_size: int = 32, seed: int = 0) -> Grid:
    """Train once per rate in ``lrs`` (same start, same batches) and keep each final validation loss."""
    lrs = checks.increasing_rates(lrs)
    runs = [sgd.train(net, data, float(lr), epochs, batch_size, seed) for lr in lrs]
    return Grid(lrs, np.array([run.final_val_loss for run in runs]), sum(run.steps for run in runs),
                np.array([_curve(run, epochs) for run in runs]))


# ---------------------------------------------------------------- coarse to fine


def decades(low: float, high: float) -> np.ndarray:
    """One rate per decade: low, 10·low, 100·low, …, high (``high/low`` must be a power of ten)."""
    low, high = checks.learning_rate(low), checks.learning_rate(high)
    if low >= high:
        raise ValueError(f"the lowest rate must be below the highest, got {low:g} ≥ {high:g}")
    with np.errstate(all="ignore"):
        ratio = high / low
    if not math.isfinite(ratio) or ratio > 1e12:
        raise ValueError(f"the range may span at most 12 decades, got {low:g} to {high:g}")
    count = math.log10(ratio)
    if abs(count - round(count)) > 1e-9:
        raise ValueError(f"the range must span whole decades: {high:g}/{low:g} is not a power of ten")
    # η_k = low · 10^k, k = 0 … count
    return low * DECADE ** np.arange(round(count) + 1)


def border(grid: Grid) -> str | None:
    """Where the best rate of a grid sits: "low" or "high" on the border of its range, None inside."""
    best = int(np.argmin(grid.val_loss))
    if len(grid.lrs) < 2:
        return "both"
    return "low" if best == 0 else "high" if best == len(grid.lrs) - 1 else None


def fine_grid(best: float, points: int) -> np.ndarray:
    """``points`` rates inside the decade around ``best``, from best/√10 to √10·best: the centres
    of equal parts of it on the log axis, as each coarse rate is the centre of its decade."""
    best, points = checks.learning_rate(best), checks.step_count(points, "number of fine points", maximum=1000)
    # log₁₀ η = log₁₀ best − ½ + (i + ½)/points, i = 0 … points − 1
    return best * DECADE ** (-0.5 + (np.arange(points) + 0.5) / points)


def _join(a: Grid, b: Grid) -> Grid:
    """Two grids of runs as one, in increasing order of rate."""
    order = np.argsort(np.concatenate([a.lrs, b.lrs]))
    curves = np.concatenate([a.val_curves, b.val_curves])[order]
    return Grid(np.concatenate([a.lrs, b.lrs])[order], np.concatenate([a.val_loss, b.val_loss])[order],
                a.steps + b.steps, curves)


@dataclass(frozen=True)
class CoarseToFine:
    """Both stages of a coarse-to-fine search, and how the coarse range had to be widened."""

    first: Grid  # the coarse grid over the range asked for
    coarse: Grid  # the same, widened by a decade at a time while its best rate was on its border
    first_border: str | None  # where the first grid's best sat: "low", "high" or None
    settled: bool  # the widened grid's best rate lies inside its range
    decade: tuple[float, float]  # the fine stage's range: best/√10 to √10·best
    fine: Grid
    coarse_epochs: int
    fine_epochs: int

    @property
    def extensions(self) -> int:
        """How many decades were added to the first range."""
        return len(self.coarse.lrs) - len(self.first.lrs)

    @property
    def best_lr(self) -> float:
        """The fine stage's winner: the search's answer."""
        return self.fine.best_lr

    @property
    def steps(self) -> int:
        """SGD steps of both stages together."""
        return self.coarse.steps + self.fine.steps


def coarse_to_fine(net: Network, data: Split, low: float = 1e-7, high: float = 1.0, coarse_epochs: int = 1,
                   fine_epochs: int = 8, fine_points: int = 8, batch_size: int = 32, seed: int = 0,
                   max_extensions: int = MAX_EXTENSIONS) -> CoarseToFine:
    """Coarse: a ``coarse_epochs`` run per decade from ``low`` to ``high``; while the best rate sits
    on the border, add the next decade beyond it (at most ``max_extensions``). Fine: ``fine_points``
    rates in the decade around the coarse best (``fine_grid``), ``fine_epochs`` each."""
    lrs = decades(low, high)
    coarse_epochs = checks.step_count(coarse_epochs, "number of coarse epochs", maximum=10_000)
    fine_epochs = checks.step_count(fine_epochs, "number of fine epochs", maximum=10_000)
    fine_points = checks.step_count(fine_points, "number of fine points", maximum=1000)
    if not isinstance(max_extensions, int) or isinstance(max_extensions, bool) or max_extensions < 0:
        raise ValueError(f"max_extensions must be a whole number ≥ 0, got {max_extensions!r}")
    first = grid_search(net, data, lrs, coarse_epochs, batch_size, seed)
    coarse = first
    for _ in range(max_extensions):
        side = border(coarse)
        if side is None:
            break
        # one decade beyond the border the best rate sits on
        extra = coarse.lrs[-1] * DECADE if side == "high" else coarse.lrs[0] / DECADE
        coarse = _join(coarse, grid_search(net, data, [extra], coarse_epochs, batch_size, seed))
    best = coarse.best_lr
    fine = grid_search(net, data, fine_grid(best, fine_points), fine_epochs, batch_size, seed)
    return CoarseToFine(first, coarse, border(first), border(coarse) is None, (best / HALF_DECADE, best * HALF_DECADE),
                        fine, coarse_epochs, fine_epochs)


# ---------------------------------------------------------------- random search


def log_uniform(low: float, high: float, count: int, seed: int = 0) -> np.ndarray:
    """``count`` rates drawn uniformly on the log axis between ``low`` and ``high``, increasing."""
    low, high = checks.learning_rate(low), checks.learning_rate(high)
    if low >= high:
        raise ValueError(f"the lowest rate must be below the highest, got {low:g} ≥ {high:g}")
    count = checks.step_count(count, "number of draws", maximum=1000)
    # log₁₀ η ~ U(log₁₀ low, log₁₀ high)
    logs = np.random.default_rng(checks.seed(seed)).uniform(math.log10(low), math.log10(high), count)
    return np.sort(10.0**logs)


def random_search(net: Network, data: Split, low: float, high: float, count: int, epochs: int, batch_size: int = 32,
                  seed: int = 0, draw_seed: int | None = None) -> Grid:
    """A grid search over ``count`` log-uniform draws from [low, high] (``draw_seed`` picks them,
    ``seed`` the runs' start and batches, as for every other search)."""
    lrs = log_uniform(low, high, count, seed if draw_seed is None else draw_seed)
    if np.any(np.diff(lrs) <= 0):
        raise ValueError("two draws coincided; draw again with another draw_seed")
    return grid_search(net, data, lrs, epochs, batch_size, seed)


# ---------------------------------------------------------------- successive halving


class Resumable:
    """One SGD run that can stop after any epoch and go on later, exactly as if it had not stopped.

    It holds what ``sgd.train`` keeps between epochs: the parameters, the shuffling generator and
    the blow-up limit (``sgd.BLOWUP`` × the starting training loss). Its steps are ``sgd.train``'s,
    operation for operation, so ``advance(a)`` then ``advance(b)`` ends where a run of a + b epochs does.
    """

    def __init__(self, net: Network, data: Split, lr: float, batch_size: int = 32, seed: int = 0) -> None:
        self.net, self.data, self.lr = net, checks.split(data, net.inputs, net.classes), checks.learning_rate(lr)
        data = self.data
        self.batch_size = checks.batch_size(batch_size, len(data.y_train))
        self.params = network.initial(net, seed).copy()
        self.rng = np.random.default_rng(checks.seed(seed))
        self.limit = sgd.BLOWUP * network._loss(net, self.params, data.x_train, data.y_train)
        self.epochs, self.steps, self.diverged = 0, 0, False
        self.val_loss = network._loss(net, self.params, data.x_val, data.y_val)

    def advance(self, epochs: int) -> int:
        """Train ``epochs`` more epochs (none once blown up); return the steps this took."""
        epochs = checks.step_count(epochs, "number of epochs", maximum=10_000)
        before, d = self.steps, self.data
        with np.errstate(all="ignore"):
            for _ in range(epochs):
                if self.diverged:
                    break
                for rows in sgd.batches(len(d.y_train), self.batch_size, self.rng):
                    value, gradient = network._loss_and_gradient(self.net, self.params, d.x_train[rows], d.y_train[rows])
                    if not (math.isfinite(value) and value <= self.limit):
                        self.diverged = True
                        break
                    # θ ← θ − η ∇L_batch(θ)
                    self.params -= self.lr * gradient
                    self.steps += 1
                if not self.diverged:
                    self.epochs += 1
                    self.val_loss = network._loss(self.net, self.params, d.x_val, d.y_val)
        return self.steps - before

    @property
    def final_val_loss(self) -> float:
        """The validation loss now (inf once the run blew up), as ``sgd.Training.final_val_loss``."""
        return math.inf if self.diverged else float(self.val_loss)


@dataclass(frozen=True)
class Round:
    """One round of successive halving: who ran, for how long in all, how they did, who went on."""

    epochs: int  # each candidate's budget: the epochs it has trained by the end of this round
    lrs: np.ndarray  # the candidates of this round, increasing
    val_loss: np.ndarray  # their validation loss at that budget (inf: blew up)
    kept: np.ndarray  # True for the better half, which goes on to the next round
    steps: int  # SGD steps taken in this round by all its candidates

    @property
    def survivors(self) -> np.ndarray:
        return self.lrs[self.kept]


@dataclass(frozen=True)
class Halving:
    """A whole successive-halving search: its rounds, its steps and its winner."""

    lrs: np.ndarray  # every candidate, increasing
    rounds: tuple[Round, ...]
    min_epochs: int

    @property
    def steps(self) -> int:
        """SGD steps of every round together."""
        return sum(r.steps for r in self.rounds)

    @property
    def max_epochs(self) -> int:
        """The winner's budget at the end: the budget a full grid search would give every candidate."""
        return self.rounds[-1].epochs

    @property
    def best_lr(self) -> float:
        """The last candidate standing."""
        return float(self.rounds[-1].lrs[0])

    @property
    def final_val_loss(self) -> float:
        return float(self.rounds[-1].val_loss[0])


def keep_better_half(val_loss: np.ndarray) -> np.ndarray:
    """True for the ⌈n/2⌉ lowest losses (ties and blow-ups go to the lower rate, which comes first)."""
    order = np.argsort(val_loss, kind="stable")
    kept = np.zeros(len(val_loss), dtype=bool)
    kept[order[: math.ceil(len(val_loss) / 2)]] = True
    return kept


def successive_halving(net: Network, data: Split, lrs: object, min_epochs: int = 1, batch_size: int = 32,
                       seed: int = 0) -> Halving:
    """Successive halving over the candidate rates ``lrs``: train all for ``min_epochs``, keep the
    better half on validation loss, resume the survivors to twice the budget, and so on until one
    is left. With n candidates that is ⌈log₂ n⌉ + 1 rounds and a final budget of
    min_epochs · 2^⌈log₂ n⌉ epochs, the winner's: it has trained exactly as long as in a full grid."""
    lrs = checks.increasing_rates(lrs)
    min_epochs = checks.step_count(min_epochs, "minimum number of epochs", maximum=10_000)
    max_epochs = min_epochs * 2 ** math.ceil(math.log2(len(lrs)))
    if max_epochs > 10_000:
        raise ValueError(f"{len(lrs)} candidates from {min_epochs} epochs need {max_epochs:,} epochs for the winner; "
                         "at most 10,000")
    runs = [Resumable(net, data, float(lr), batch_size, seed) for lr in lrs]
    alive, epochs, rounds = np.arange(len(lrs)), min_epochs, []
    while True:
        # resume each survivor from where it stopped up to the round's budget
        steps = sum(runs[i].advance(epochs - runs[i].epochs) for i in alive if runs[i].epochs < epochs
                    and not runs[i].diverged)
        loss = np.array([runs[i].final_val_loss for i in alive])
        kept = keep_better_half(loss) if len(alive) > 1 else np.ones(1, dtype=bool)
        rounds.append(Round(epochs, lrs[alive], loss, kept, steps))
        if len(alive) == 1:
            return Halving(lrs, tuple(rounds), min_epochs)
        alive, epochs = alive[kept], 2 * epochs
