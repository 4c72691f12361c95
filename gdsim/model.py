"""Linear regression y ≈ b + w·x: predictions, errors, the mean squared error and its gradient.

Parameters travel as an array ``theta = [b, w]``. Everything is plain NumPy: arrays in, arrays out.
"""

from __future__ import annotations

import numpy as np


def predict(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """ŷ = b + w·x."""
    b, w = theta
    return b + w * x


def errors(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """e = ŷ − y, one per point (positive where the line passes above the point)."""
    return predict(theta, x) - y


def mse(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """L = (1/n) Σ (ŷᵢ − yᵢ)²."""
    return float(np.mean(errors(theta, x, y) ** 2))


def gradient(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∇L = [∂L/∂b, ∂L/∂w] = [2·mean(e), 2·mean(x·e)]."""
    e = errors(theta, x, y)
    return np.array([2.0 * np.mean(e), 2.0 * np.mean(x * e)])


def least_squares(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The exact minimiser ``[b, w]`` of the MSE, from the normal equations."""
    design = np.column_stack([np.ones_like(x), x])
    solution, *_ = np.linalg.lstsq(design, y, rcond=None)
    return solution


def secant_slope(theta: np.ndarray, index: int, step: float, x: np.ndarray, y: np.ndarray) -> float:
    """Rise over run of the loss when parameter ``index`` alone moves by ``step``.

    (L(θ + h·eᵢ) − L(θ)) / h: the "geometric" gradient read off a cross-section; it tends to
    ∂L/∂θᵢ as h → 0.
    """
    moved = np.array(theta, dtype=float)
    moved[index] += step
    return (mse(moved, x, y) - mse(theta, x, y)) / step
