"""Gradient descent a reader can call: run it, get the whole trajectory, see if it diverged.

The update is θ ← θ − η ∇L(θ). A run stops early, cleanly and without NumPy warnings, as soon as
the loss stops being finite or grows past ``EXPLODE_FACTOR`` times the starting loss; the
trajectory is then marked ``diverged`` and holds only the finite steps before that.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

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
    start,
    lr: float,
    steps: int,
) -> Trajectory:
    """Plain gradient descent on any differentiable function of a parameter vector."""
    lr, steps = checks.learning_rate(lr), checks.step_count(steps)
    theta = checks.vector(np.atleast_1d(start), "start").copy()
    params, losses, grads = [theta], [loss(theta)], [gradient(theta)]
    limit = EXPLODE_FACTOR * max(losses[0], 1e-12)
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            # θ ← θ − η ∇L(θ)
            candidate = params[-1] - lr * grads[-1]
            value = loss(candidate)
            if not (np.all(np.isfinite(candidate)) and math.isfinite(value)) or value > limit:
                diverged = True
                break
            params.append(candidate)
            losses.append(value)
            grads.append(gradient(candidate))
    return Trajectory(np.array(params), np.array(losses), np.array(grads), lr, diverged)


def gradient_descent(x, y, start, lr: float, steps: int, update: tuple[str, ...] = PARAMETERS) -> Trajectory:
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

