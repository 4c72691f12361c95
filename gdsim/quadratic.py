"""One parameter, loss x²: the smallest problem that shows every learning-rate regime.

The step x ← x − η·2x = (1 − 2η)·x multiplies x by 1 − 2η, so η < 0.5 shrinks it with its sign
kept, η = 0.5 lands on 0, 0.5 < η < 1 flips and shrinks it, η = 1 bounces it between ±x₀ and
η > 1 flips and grows it. The curvature L'' = 2 puts the threshold at 2/2 = 1.
"""

from __future__ import annotations

import math
from enum import Enum

import numpy as np
from numpy.typing import ArrayLike

from gdsim import checks
from gdsim.descent import Trajectory, descend


class Regime(str, Enum):
    """What a learning rate does on x², named from the factor 1 − 2η each step multiplies x by."""

    MONOTONE = "monotone"
    ONE_STEP = "one step"
    OSCILLATING = "oscillating"
    BOUNCING = "bouncing"
    DIVERGING = "diverging"


def _shaped(result: np.ndarray) -> np.ndarray | float:
    return float(result) if result.ndim == 0 else result


def loss(x: ArrayLike) -> np.ndarray | float:
    """L(x) = x²."""
    x = checks.finite_array(x, "x")
    return _shaped(checks.finite_result(lambda: np.square(x), "x²"))


def slope(x: ArrayLike) -> np.ndarray | float:
    """L'(x) = 2x: the gradient, which sets both the direction and the size of a step."""
    x = checks.finite_array(x, "x")
    return _shaped(checks.finite_result(lambda: 2.0 * x, "the slope 2x"))


def tangent(x0: float, xs: ArrayLike) -> np.ndarray | float:
    """The tangent line of x² at x0, evaluated at xs: the local picture gradient descent trusts."""
    x0, xs = np.float64(checks.finite_number(x0, "x0")), checks.finite_array(xs, "xs")
    # t(x) = L(x₀) + L'(x₀)·(x − x₀)
    return _shaped(checks.finite_result(lambda: x0**2 + 2.0 * x0 * (xs - x0), "the tangent"))


def cubic_slope(x: ArrayLike) -> np.ndarray | float:
    """Slope of 5x³, i.e. 15x²: a steeper function the same learning rate would overshoot."""
    x = checks.finite_array(x, "x")
    # d(5x³)/dx = 15x²
    return _shaped(checks.finite_result(lambda: 15.0 * np.square(x), "15x²"))


def step_by(x: float, size: float) -> float:
    """Move a fixed distance downhill, ignoring how steep it is: the step story's greedy walker."""
    size = checks.non_negative_number(size, "step size")
    # x ← x − size·sign(L'(x))
    return float(x - size * np.sign(slope(x)))


def run(x0: float, lr: float, steps: int) -> Trajectory:
    """Gradient descent on x² from x0; ``run(...).params[:, 0]`` are the iterates x_k."""
    return descend(lambda t: float(t[0] ** 2), lambda t: 2.0 * t, [x0], lr, steps)


def iterates(x0: float, lr: float, steps: int) -> np.ndarray:
    """The iterates x₀, x₁, … of ``run`` as a 1-D array (shorter if the run diverged)."""
    return run(x0, lr, steps).params[:, 0]


def regime(lr: float) -> Regime:
    """Name what η does on x², from the factor 1 − 2η each step multiplies x by."""
    lr = checks.learning_rate(lr)
    if lr < 0.5:
        return Regime.MONOTONE
    if lr == 0.5:
        return Regime.ONE_STEP
    if lr < 1.0:
        return Regime.OSCILLATING
    if lr == 1.0:
        return Regime.BOUNCING
    return Regime.DIVERGING


def steps_to_reach(x0: float, lr: float, tol: float) -> int | float:
    """The smallest k with |x_k| ≤ tol, from |1 − 2η|ᵏ·|x₀| ≤ tol; ``math.inf`` if never."""
    lr = checks.learning_rate(lr)
    tol = checks.positive_number(tol, "tol")
    x0 = checks.finite_number(x0, "x0")
    size = abs(x0)
    if size <= tol:
        return 0
    if lr == 0.5:
        return 1
    # r = |1 − 2η|, the factor |x| shrinks by per step
    r = abs(1.0 - 2.0 * lr)
    if r >= 1.0:
        return math.inf
    # k = ⌈log(tol/|x₀|) / log r⌉, then nudged so rounding in the logs cannot be off by one
    k = max(1, math.ceil(math.log(tol / size) / math.log(r)))
    while r**k * size > tol:
        k += 1
    while k > 1 and r ** (k - 1) * size <= tol:
        k -= 1
    return k
