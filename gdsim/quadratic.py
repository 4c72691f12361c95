"""One parameter θ on a bowl L(θ) = ½·c·θ²: the smallest problem that shows every learning-rate regime.

The default curvature c = 2 is the loss θ². A step θ ← θ − η·cθ = (1 − ηc)·θ multiplies θ by
1 − ηc, so ηc < 1 shrinks it with its sign kept, ηc = 1 lands on 0, 1 < ηc < 2 flips and
shrinks it, ηc = 2 bounces it between ±θ₀ and ηc > 2 flips and grows it. On θ² the boundaries
are η = 1/2 and η = 2/2 = 1; on 5θ² (c = 10) they are 0.1 and 0.2.
"""

from __future__ import annotations

import math
from enum import Enum

import numpy as np
from numpy.typing import ArrayLike

from gdsim import checks
from gdsim.descent import Trajectory, descend

# The curvature L'' of θ², the chapter's bowl.
CURVATURE = 2.0


class Regime(str, Enum):
    """What a learning rate does on a bowl, named from the factor 1 − ηc each step multiplies θ by."""

    MONOTONE = "monotone"
    ONE_STEP = "one step"
    OSCILLATING = "oscillating"
    BOUNCING = "bouncing"
    DIVERGING = "diverging"


def _shaped(result: np.ndarray) -> np.ndarray | float:
    return float(result) if result.ndim == 0 else result


def _curvature(curvature: object) -> float:
    return checks.positive_number(curvature, "curvature")


def loss(theta: ArrayLike, curvature: float = CURVATURE) -> np.ndarray | float:
    """L(θ) = ½·c·θ²; θ² for the default c = 2."""
    theta, c = checks.finite_array(theta, "theta"), _curvature(curvature)
    return _shaped(checks.finite_result(lambda: 0.5 * c * np.square(theta), "the loss ½cθ²"))


def slope(theta: ArrayLike, curvature: float = CURVATURE) -> np.ndarray | float:
    """L'(θ) = c·θ (2θ on θ²): the gradient, which sets both the direction and the size of a step."""
    theta, c = checks.finite_array(theta, "theta"), _curvature(curvature)
    return _shaped(checks.finite_result(lambda: c * theta, "the slope cθ"))


def tangent(theta0: float, thetas: ArrayLike, curvature: float = CURVATURE) -> np.ndarray | float:
    """The tangent line of the bowl at θ₀, evaluated at ``thetas``: the local picture gradient descent trusts."""
    theta0 = np.float64(checks.finite_number(theta0, "theta0"))
    thetas, c = checks.finite_array(thetas, "thetas"), _curvature(curvature)
    # t(θ) = L(θ₀) + L'(θ₀)·(θ − θ₀)
    return _shaped(checks.finite_result(lambda: 0.5 * c * theta0**2 + c * theta0 * (thetas - theta0), "the tangent"))


def factor(lr: float, curvature: float = CURVATURE) -> float:
    """The number 1 − ηc that every step multiplies θ (the error θ − 0) by."""
    lr, c = checks.learning_rate(lr), _curvature(curvature)
    # θ ← θ − η·cθ = (1 − ηc)·θ
    return 1.0 - lr * c


def step_by(theta: float, size: float) -> float:
    """Move a fixed distance downhill, ignoring how steep it is: the step story's greedy walker."""
    theta = checks.finite_number(theta, "theta")
    size = checks.non_negative_number(size, "step size")
    # θ ← θ − size·sign(L'(θ)); the sign of the slope is the sign of θ on every bowl
    return float(theta - size * np.sign(theta))


def run(theta0: float, lr: float, steps: int, curvature: float = CURVATURE) -> Trajectory:
    """Gradient descent on ½cθ² from θ₀ (on θ² by default); ``run(...).params[:, 0]`` are the iterates θ_k."""
    theta0, c = checks.finite_number(theta0, "theta0"), _curvature(curvature)
    return descend(lambda t: float(0.5 * c * t[0] ** 2), lambda t: c * t, [theta0], lr, steps)


def iterates(theta0: float, lr: float, steps: int, curvature: float = CURVATURE) -> np.ndarray:
    """The iterates θ₀, θ₁, … of ``run`` as a 1-D array (shorter if the run diverged or landed on 0)."""
    return run(theta0, lr, steps, curvature).params[:, 0]


def regime(lr: float, curvature: float = CURVATURE) -> Regime:
    """Name what η does on the bowl, from ηc: below 1, 1, between 1 and 2, 2, above 2."""
    lr, c = checks.learning_rate(lr), _curvature(curvature)
    product = lr * c
    if product < 1.0:
        return Regime.MONOTONE
    if product == 1.0:
        return Regime.ONE_STEP
    if product < 2.0:
        return Regime.OSCILLATING
    if product == 2.0:
        return Regime.BOUNCING
    return Regime.DIVERGING


def steps_to_reach(theta0: float, lr: float, tol: float, curvature: float = CURVATURE) -> int | float:
    """The smallest k with |θ_k| ≤ tol, from |1 − ηc|ᵏ·|θ₀| ≤ tol; ``math.inf`` if never."""
    r = abs(factor(lr, curvature))
    tol = checks.positive_number(tol, "tol")
    size = abs(checks.finite_number(theta0, "theta0"))
    if size <= tol:
        return 0
    if r == 0.0:
        return 1
    if r >= 1.0:
        return math.inf
    # k = ⌈log(tol/|θ₀|) / log r⌉, then nudged so rounding in the logs cannot be off by one
    k = max(1, math.ceil(math.log(tol / size) / math.log(r)))
    while r**k * size > tol:
        k += 1
    while k > 1 and r ** (k - 1) * size <= tol:
        k -= 1
    return k
