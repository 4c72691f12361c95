"""Linear regression y ≈ b + w·x: predictions, errors, the mean squared error and its gradient.

Parameters travel as an array ``theta = [b, w]``; ``PARAMETERS`` names them once for the whole
package (code, figures and prose). Everything is plain NumPy: arrays in, arrays out. These are the
arithmetic primitives of the public API, which checks its inputs before calling them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Parameter:
    """One parameter of the line: its name in code, its place in θ, its role and its symbol."""

    name: str
    index: int
    role: str
    symbol: str  # mathtext, for figures


PARAMETERS = (Parameter("b", 0, "bias", "$b$"), Parameter("w", 1, "weight", "$w$"))
BY_NAME = {p.name: p for p in PARAMETERS}


def predict(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """ŷ = b + w·x."""
    b, w = theta
    return b + w * x


def residuals(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """r = ŷ − y, one per point (positive where the line passes above the point).

    A residual is how far one prediction misses; "error" on the site means θ − θ* only.
    """
    return predict(theta, x) - y


def mse(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """L = (1/n) Σ (ŷᵢ − yᵢ)²."""
    return float(np.mean(residuals(theta, x, y) ** 2))


def mse_many(thetas: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The MSE of many parameter pairs at once: ``thetas[..., 0]`` are b values, ``[..., 1]`` w values.

    L_k = (1/n) Σᵢ (b_k + w_k·xᵢ − yᵢ)², broadcast over every leading axis of ``thetas``.
    """
    thetas = np.asarray(thetas, dtype=float)
    residuals = thetas[..., 0, None] + thetas[..., 1, None] * x - y
    return np.mean(residuals**2, axis=-1)


def loss_along(theta: np.ndarray, index: int, values: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The exact loss as parameter ``index`` takes each of ``values`` and the other stays at ``theta``."""
    thetas = np.repeat(np.asarray(theta, dtype=float)[None, :], len(values), axis=0)
    thetas[:, index] = values
    return mse_many(thetas, x, y)


def gradient(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∇L = [∂L/∂b, ∂L/∂w] = [2·mean(r), 2·mean(x·r)]."""
    r = residuals(theta, x, y)
    return np.array([2.0 * np.mean(r), 2.0 * np.mean(x * r)])


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


def minimum_along(theta: np.ndarray, index: int, x: np.ndarray, y: np.ndarray) -> float:
    """The exact minimiser of the loss along parameter ``index`` alone, the other held at ``theta``.

    A one-feature least-squares fit of what the fixed parameter leaves unexplained, r = y − θⱼ·fⱼ,
    on the varied parameter's feature fᵢ (1 for b, x for w): θᵢ* = mean(fᵢ·r) / mean(fᵢ²).
    """
    features = np.stack([np.ones_like(x), x])
    other = 1 - index
    rest = y - theta[other] * features[other]
    # θᵢ* = mean(fᵢ·r) / mean(fᵢ²), where ∂L/∂θᵢ = 2·mean(fᵢ·(θᵢ·fᵢ − r)) vanishes
    return float(np.mean(features[index] * rest) / np.mean(features[index] ** 2))
