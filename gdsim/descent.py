"""Gradient descent a reader can call: run it, get the whole trajectory, see if it diverged.

The update is θ ← θ − η ∇L(θ). A **step** is one such update; an **epoch** is one pass over the
training set. Full-batch descent (``gradient_descent``) takes one step per epoch, on the gradient
of every point; mini-batch descent (``minibatch_gradient_descent``) shuffles the points each epoch
and takes one step per batch of B of them (B = 1: stochastic gradient descent).

Runs are bounded: at most ``checks.MAX_STEPS`` steps, and a run stops early, cleanly and without
NumPy warnings,

- as soon as the loss stops being finite or grows past ``EXPLODE_FACTOR`` times the starting
  loss: the trajectory is marked ``diverged`` and holds only the finite steps before that;
- at an exact fixed point, where a step leaves θ unchanged to the last bit: every later step
  would repeat it, so the trajectory is marked ``converged`` and ends there (for mini-batches:
  where every step of an epoch left θ unchanged).

Inputs whose start loss or gradient overflow are a ValueError, never a NaN or inf in the result.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from gdsim import checks, model

# A loss this many times the starting loss (or any non-finite loss) counts as divergence.
EXPLODE_FACTOR = 1e6
PARAMETERS = tuple(p.name for p in model.PARAMETERS)


@dataclass(frozen=True)
class Trajectory:
    """Every iterate of one run: ``params[k]`` is θ after k steps, with its loss and gradient."""

    params: np.ndarray  # (k + 1, d)
    losses: np.ndarray  # (k + 1,)
    gradients: np.ndarray  # (k + 1, d)
    lr: float
    diverged: bool
    converged: bool = False  # stopped at an exact fixed point: later steps would repeat it

    @property
    def steps(self) -> int:
        """Steps actually taken (fewer than asked for if the run diverged)."""
        return len(self.losses) - 1

    @property
    def final(self) -> np.ndarray:
        return self.params[-1]


def descend(
    loss: Callable[[np.ndarray], float],
    gradient: Callable[[np.ndarray], np.ndarray],
    start: ArrayLike,
    lr: float,
    steps: int,
) -> Trajectory:
    """Plain gradient descent on any differentiable function of a parameter vector."""
    lr, steps = checks.learning_rate(lr), checks.step_count(steps)
    theta = checks.vector(np.atleast_1d(start), "start").copy()
    with np.errstate(all="ignore"):
        first_loss, first_gradient = float(loss(theta)), np.asarray(gradient(theta), dtype=float)
        if not (math.isfinite(first_loss) and np.all(np.isfinite(first_gradient))):
            raise ValueError("the loss or its gradient at the start is not finite: the inputs are too large")
        history = _History(theta, first_loss, first_gradient, steps)
        limit = EXPLODE_FACTOR * max(first_loss, 1e-12)
        diverged = converged = False
        for _ in range(steps):
            # θ ← θ − η ∇L(θ)
            candidate = history.theta - lr * history.gradient
            if np.array_equal(candidate, history.theta):
                converged = True
                break
            value = float(loss(candidate))
            if not (np.all(np.isfinite(candidate)) and math.isfinite(value)) or value > limit:
                diverged = True
                break
            slope = np.asarray(gradient(candidate), dtype=float)
            if not np.all(np.isfinite(slope)):
                diverged = True
                break
            history.append(candidate, value, slope)
    return Trajectory(*history.arrays(), lr, diverged, converged)


class _History:
    """The iterates of one run in arrays that grow by doubling: memory follows the steps taken,
    not the steps asked for."""

    def __init__(self, theta: np.ndarray, loss: float, gradient: np.ndarray, steps: int):
        size = min(steps + 1, 1024)
        self.params = np.empty((size, theta.size))
        self.losses = np.empty(size)
        self.gradients = np.empty((size, theta.size))
        self.count = 0
        self.append(theta, loss, gradient)

    @property
    def theta(self) -> np.ndarray:
        return self.params[self.count - 1]

    @property
    def gradient(self) -> np.ndarray:
        return self.gradients[self.count - 1]

    def append(self, theta: np.ndarray, loss: float, gradient: np.ndarray) -> None:
        if self.count == len(self.losses):
            self.params = np.concatenate([self.params, np.empty_like(self.params)])
            self.losses = np.concatenate([self.losses, np.empty_like(self.losses)])
            self.gradients = np.concatenate([self.gradients, np.empty_like(self.gradients)])
        self.params[self.count], self.losses[self.count], self.gradients[self.count] = theta, loss, gradient
        self.count += 1

    def truncate(self, count: int) -> None:
        """Forget every iterate after the first ``count``."""
        self.count = count

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = self.count
        return self.params[:n].copy(), self.losses[:n].copy(), self.gradients[:n].copy()


def gradient_descent(
    x: ArrayLike, y: ArrayLike, start: ArrayLike, lr: float, steps: int, update: tuple[str, ...] = PARAMETERS
) -> Trajectory:
    """Gradient descent on the MSE of the line ``b + w·x``, from ``start = [b, w]``.

    ``update`` names the parameters that move (default both); the others stay fixed, which walks
    along a cross-section of the loss surface. Example::

        run = gradient_descent(x, y, start=[0.5, -0.1], lr=0.2, steps=100)
        run.final, run.losses[-1], run.diverged
    """
    x, y = checks.data(x, y)
    unknown = set(update) - set(PARAMETERS)
    if unknown or not update:
        raise ValueError(f"update must name some of {PARAMETERS}, got {update!r}")
    mask = np.array([name in update for name in PARAMETERS], dtype=float)
    start = checks.point(start, "start [b, w]", len(PARAMETERS))
    return descend(lambda t: model.mse(t, x, y), lambda t: mask * model.gradient(t, x, y), start, lr, steps)


# ---------------------------------------------------------------- mini-batches


@dataclass(frozen=True)
class BatchRun:
    """A mini-batch run step by step, and which points each step used.

    ``trajectory.params[k]`` is θ after k steps, with the full training loss and full gradient
    there, as for ``gradient_descent``; step k + 1 moved along the gradient of its batch alone,
    θₖ₊₁ = θₖ − η·``batch_gradients[k]``. ``epoch_ends[e]`` is the number of steps taken after e
    epochs, so ``trajectory.losses[epoch_ends]`` is the loss per epoch.
    """

    trajectory: Trajectory
    batch_size: int
    batch_gradients: np.ndarray  # (k, d): the gradient each step followed
    orders: np.ndarray  # (epochs begun, n): the shuffled order of the training points in each epoch
    epoch_ends: np.ndarray  # (epochs completed + 1,): 0, then the steps taken at the end of each epoch

    @property
    def steps_per_epoch(self) -> int:
        """⌈n / B⌉: the last batch of an epoch holds what is left, n − (⌈n/B⌉ − 1)·B points."""
        return -(-self.orders.shape[1] // self.batch_size)

    @property
    def epochs(self) -> int:
        """Epochs completed."""
        return len(self.epoch_ends) - 1

    def batch(self, k: int) -> np.ndarray:
        """The indices of the training points that step k + 1 used."""
        epoch, j = divmod(k, self.steps_per_epoch)
        return batches(self.orders[epoch], self.batch_size)[j]


def batches(order: np.ndarray, batch_size: int) -> list[np.ndarray]:
    """One epoch's batches: ``order`` cut into consecutive pieces of ``batch_size`` (the last one may
    be shorter), each sorted, so that a batch of every point is the training set in its own order."""
    return [np.sort(order[i : i + batch_size]) for i in range(0, len(order), batch_size)]


def minibatch_gradient_descent(
    x: ArrayLike, y: ArrayLike, start: ArrayLike, lr: float, epochs: int, batch_size: int, seed: int = 0
) -> BatchRun:
    """Mini-batch gradient descent on the MSE of ``b + w·x``: ``epochs`` passes over the data, one
    step per batch of ``batch_size`` points, reshuffled each epoch by ``numpy.random.default_rng(seed)``.

    ``batch_size`` 1 is stochastic gradient descent; ``len(x)`` is full-batch descent, equal to
    ``gradient_descent(x, y, start, lr, steps=epochs)`` bit for bit. The same seed gives the same
    run. Divergence and fixed points stop it as they stop ``gradient_descent``. Example::

        run = minibatch_gradient_descent(x, y, start=[0.5, -0.1], lr=0.2, epochs=10, batch_size=16)
        run.trajectory.params, run.trajectory.losses[run.epoch_ends], run.batch(0)
    """
    x, y = checks.data(x, y)
    start = checks.point(start, "start [b, w]", len(PARAMETERS))
    lr, epochs = checks.learning_rate(lr), checks.step_count(epochs, "number of epochs")
    batch_size = checks.batch_size(batch_size, x.size)
    per_epoch = -(-x.size // batch_size)
    checks.step_count(epochs * per_epoch, f"number of steps ({epochs:,} epochs × {per_epoch:,} steps per epoch)")
    rng = np.random.default_rng(checks.seed(seed))
    with np.errstate(all="ignore"):
        first_loss, first_gradient = model.mse(start, x, y), model.gradient(start, x, y)
        if not (math.isfinite(first_loss) and np.all(np.isfinite(first_gradient))):
            raise ValueError("the loss or its gradient at the start is not finite: the inputs are too large")
        history = _History(start, first_loss, first_gradient, epochs * per_epoch)
        followed: list[np.ndarray] = []
        orders, ends = [], [0]
        limit = EXPLODE_FACTOR * max(first_loss, 1e-12)
        diverged = converged = False
        for _ in range(epochs):
            # a fresh shuffle each epoch: every point once, in a new order
            orders.append(rng.permutation(x.size))
            begun, moved = history.count, False
            for batch in batches(orders[-1], batch_size):
                # ∇L_B(θ) = [2·mean(e), 2·mean(x·e)] over the batch's points only
                slope = model.gradient(history.theta, x[batch], y[batch])
                # θ ← θ − η ∇L_B(θ)
                candidate = history.theta - lr * slope
                moved = moved or not np.array_equal(candidate, history.theta)
                value = model.mse(candidate, x, y)
                if not (np.all(np.isfinite(slope)) and np.all(np.isfinite(candidate)) and math.isfinite(value)) \
                        or value > limit:
                    diverged = True
                    break
                full = model.gradient(candidate, x, y)
                if not np.all(np.isfinite(full)):
                    diverged = True
                    break
                history.append(candidate, value, full)
                followed.append(slope)
            if diverged:
                break
            if not moved:
                # no step of this epoch changed θ: forget the epoch, as descend forgets its last step
                history.truncate(begun)
                del followed[begun - 1 :]
                converged = True
                break
            ends.append(history.count - 1)
    trajectory = Trajectory(*history.arrays(), lr, diverged, converged)
    steps = np.array(followed).reshape(len(followed), len(PARAMETERS))
    return BatchRun(trajectory, batch_size, steps, np.array(orders), np.array(ends))


# ---------------------------------------------------------------- many learning rates at once


@dataclass(frozen=True)
class ManyRuns:
    """Where many least-squares runs from one start ended, one entry per learning rate.

    ``final_losses[k]`` is the last finite loss of run k, as ``Trajectory.losses[-1]`` would be,
    and ``diverged[k]`` says whether that run was stopped by the divergence rule.
    """

    lrs: np.ndarray
    finals: np.ndarray  # (m, 2): the last finite [b, w] of each run
    final_losses: np.ndarray
    diverged: np.ndarray
    steps: np.ndarray  # steps each run actually took


def _gradients_many(thetas: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∇L for many [b, w] rows at once, with the same operations, in the same order, as ``model.gradient``."""
    # e = (b + w·x) − y, row by row
    e = thetas[:, 0, None] + thetas[:, 1, None] * x - y
    # ∇L = [2·mean(e), 2·mean(x·e)]
    return np.stack([2.0 * np.mean(e, axis=1), 2.0 * np.mean(x * e, axis=1)], axis=1)


def gradient_descent_many(x: ArrayLike, y: ArrayLike, start: ArrayLike, lrs: ArrayLike, steps: int) -> ManyRuns:
    """``gradient_descent(x, y, start, lr, steps)`` for every ``lr`` in ``lrs`` at once, in arrays.

    Each row follows exactly the arithmetic of ``descend`` and stops by the same rule (a
    non-finite step, or a loss above ``EXPLODE_FACTOR`` × the start loss), so the results equal
    a Python loop over ``gradient_descent`` bit for bit, at a fraction of its cost.
    """
    x, y = checks.data(x, y)
    start = checks.point(start, "start [b, w]", len(PARAMETERS))
    lrs = np.array([checks.learning_rate(v) for v in checks.vector(lrs, "lrs")])
    steps = checks.step_count(steps)
    m = lrs.size
    with np.errstate(all="ignore"):
        start_loss, start_gradient = model.mse(start, x, y), model.gradient(start, x, y)
        if not (math.isfinite(start_loss) and np.all(np.isfinite(start_gradient))):
            raise ValueError("the loss or its gradient at the start is not finite: the inputs are too large")
        thetas = np.tile(start, (m, 1))
        losses = np.full(m, start_loss)
        grads = np.tile(start_gradient, (m, 1))
        taken = np.zeros(m, dtype=int)
        diverged = np.zeros(m, dtype=bool)
        settled = np.zeros(m, dtype=bool)  # reached an exact fixed point, as descend stops there
        limit = EXPLODE_FACTOR * max(start_loss, 1e-12)
        for _ in range(steps):
            live = np.flatnonzero(~(diverged | settled))
            if live.size == 0:
                break
            # θ ← θ − η ∇L(θ), for every run still going
            candidates = thetas[live] - lrs[live, None] * grads[live]
            still = np.all(candidates == thetas[live], axis=1)
            settled[live[still]] = True
            live, candidates = live[~still], candidates[~still]
            values = model.mse_many(candidates, x, y)
            slopes = _gradients_many(candidates, x, y)
            bad = ~(np.all(np.isfinite(candidates), axis=1) & np.isfinite(values) & np.all(np.isfinite(slopes), axis=1)) \
                | (values > limit)
            diverged[live[bad]] = True
            ok = live[~bad]
            thetas[ok], losses[ok], grads[ok] = candidates[~bad], values[~bad], slopes[~bad]
            taken[ok] += 1
    return ManyRuns(lrs, thetas, losses, diverged, taken)
