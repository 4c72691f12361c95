"""Gradient descent a reader can call: run it, get the whole trajectory, see if it diverged.

The update is θ ← θ − η ∇L(θ). Runs are bounded: at most ``checks.MAX_STEPS`` steps, and a run
stops early, cleanly and without NumPy warnings,

- as soon as the loss stops being finite or grows past ``EXPLODE_FACTOR`` times the starting
  loss: the trajectory is marked ``diverged`` and holds only the finite steps before that;
- at an exact fixed point, where a step leaves θ unchanged to the last bit: every later step
  would repeat it, so the trajectory is marked ``converged`` and ends there.

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
