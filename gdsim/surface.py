"""The loss surface: MSE on a grid of (b, w) pairs, and cross-sections through it.

Grid arrays follow ``np.meshgrid(b_values, w_values)``: **rows index w, columns index b**, so
``loss[i, j]`` is the loss at ``(b_values[j], w_values[i])``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gdsim import model

B_RANGE = (-2.0, 4.0)
W_RANGE = (-1.0, 5.0)
GRID_POINTS = 101


@dataclass(frozen=True)
class LossGrid:
    """Losses over a rectangular grid of parameters; ``loss[i, j]`` sits at ``(b[j], w[i])``."""

    b: np.ndarray
    w: np.ndarray
    loss: np.ndarray

    def nearest(self, theta: np.ndarray) -> tuple[int, int]:
        """Grid indices ``(i, j)`` (row for w, column for b) of the grid point nearest ``theta``."""
        j = int(np.argmin(np.abs(self.b - theta[0])))
        i = int(np.argmin(np.abs(self.w - theta[1])))
        return i, j

    def mesh(self) -> tuple[np.ndarray, np.ndarray]:
        """``(B, W)``: the b and w value of every grid point, shaped like ``loss`` (for surface plots)."""
        return np.meshgrid(self.b, self.w)


@dataclass(frozen=True)
class CrossSection:
    """The loss along one parameter while the other is held fixed at a grid value."""

    varied: str  # "b" or "w": the parameter along the horizontal axis
    fixed: str
    fixed_value: float
    values: np.ndarray
    loss: np.ndarray


def loss_grid(
    x: np.ndarray,
    y: np.ndarray,
    b_range: tuple[float, float] = B_RANGE,
    w_range: tuple[float, float] = W_RANGE,
    points: int = GRID_POINTS,
) -> LossGrid:
    """MSE at every (b, w) of an evenly spaced grid, computed in one broadcast (no Python loop).

    L[i, j] = mean_k (b_j + w_i·x_k − y_k)²
    """
    b = np.linspace(*b_range, points)
    w = np.linspace(*w_range, points)
    bb, ww = np.meshgrid(b, w)
    return LossGrid(b, w, model.mse_many(np.stack([bb, ww], axis=-1), x, y))


def cross_sections(grid: LossGrid, theta: np.ndarray) -> tuple[CrossSection, CrossSection]:
    """The two cuts through the grid point nearest ``theta``: (b fixed, w varies), (w fixed, b varies)."""
    i, j = grid.nearest(theta)
    along_w = CrossSection("w", "b", float(grid.b[j]), grid.w, grid.loss[:, j])
    along_b = CrossSection("b", "w", float(grid.w[i]), grid.b, grid.loss[i, :])
    return along_w, along_b


def window(
    centre: Sequence[float], half_b: float = (B_RANGE[1] - B_RANGE[0]) / 2, half_w: float = (W_RANGE[1] - W_RANGE[0]) / 2
) -> tuple[tuple[float, float], tuple[float, float]]:
    """``(b_range, w_range)`` of the chapters' window size, centred on ``centre = [b, w]``."""
    return (centre[0] - half_b, centre[0] + half_b), (centre[1] - half_w, centre[1] + half_w)


NICE_STEPS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_levels(loss: np.ndarray, bins: int = 8) -> np.ndarray:
    """Round contour levels from 0 to above the maximum, at most ``bins`` intervals.

    The same rule matplotlib applies when it picks contour levels by itself, so the maps read
    like ordinary plots; the first level above 0 is the map's innermost line.
    """
    top = float(np.max(loss))
    raw = top / bins
    magnitude = 10 ** np.floor(np.log10(raw))
    step = next(s * magnitude for s in NICE_STEPS if s * magnitude * bins >= top)
    return step * np.arange(0, int(np.ceil(top / step)) + 1)


def bowl_levels(loss: np.ndarray, count: int = 12) -> np.ndarray:
    """Contour levels evenly spaced in √loss, rounded to two significant digits, from 0 to the top.

    A quadratic bowl's iso-loss ellipses then sit at even distances from the minimum, so the
    map shows its shape near the bottom as clearly as on the rim.
    """
    root = np.linspace(np.sqrt(loss.min()), np.sqrt(loss.max()), count + 1)[1:]
    levels = np.array([float(f"{v:.2g}") for v in root**2])
    return np.unique(np.concatenate([[0.0], levels[levels < loss.max()], [loss.max()]]))
