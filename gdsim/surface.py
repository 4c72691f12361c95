"""The loss surface: MSE on a grid of (b, w) pairs, cross-sections through it, and contour levels.

Grid arrays follow ``np.meshgrid(b_values, w_values)``: **rows index w, columns index b**, so
``loss[i, j]`` is the loss at ``(b_values[j], w_values[i])``.

Every contour map of the site uses ``bowl_levels``: levels evenly spaced in √(L − L*), L* the
least-squares loss. For a quadratic bowl that puts level k at the distance k·d·√(2/c) from the
minimum along any ray whose curvature is c (``level_crossings``): evenly spaced along the ray,
closer together where the bowl curves more sharply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from gdsim import checks, model

B_RANGE = (-2.0, 4.0)
W_RANGE = (-1.0, 5.0)
GRID_POINTS = 101


@dataclass(frozen=True)
class LossGrid:
    """Losses over a rectangular grid of parameters; ``loss[i, j]`` sits at ``(b[j], w[i])``."""

    b: np.ndarray
    w: np.ndarray
    loss: np.ndarray
    # L*, the lowest loss anywhere (the least-squares loss), at or below every grid value; None
    # for a grid built by hand, whose levels then start at its own lowest value
    floor: float | None = None

    def levels(self, count: int | None = None) -> np.ndarray:
        """The site's contour levels for this grid: ``bowl_levels`` from its floor to its top."""
        return bowl_levels(self.loss, self.floor, BOWL_LEVELS if count is None else count)

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

    L[i, j] = mean_k (b_j + w_i·x_k − y_k)²; the floor is the least-squares loss, L* = L(θ*).
    """
    b = np.linspace(*b_range, points)
    w = np.linspace(*w_range, points)
    bb, ww = np.meshgrid(b, w)
    loss = model.mse_many(np.stack([bb, ww], axis=-1), x, y)
    floor = model.mse(model.least_squares(x, y), x, y)
    return LossGrid(b, w, loss, min(floor, float(loss.min())))


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


BOWL_LEVELS = 12  # bands of every contour map


def bowl_levels(loss: np.ndarray, floor: float | None = None, count: int = BOWL_LEVELS) -> np.ndarray:
    """``count`` + 1 contour levels L* + (k·d)², k = 0 … count: evenly spaced in √(L − L*), from the
    floor L* (the grid's lowest value if None) to the grid's highest loss.

    Level 0 is the floor and the last level the top, so the filled bands cover every grid value;
    the lines in between are the map's contours. Even steps in √(L − L*) rather than in L show the
    bowl near its bottom as clearly as on its rim.
    """
    count = checks.step_count(count, "count")
    loss = checks.finite_array(loss, "loss")
    low = float(loss.min()) if floor is None else float(checks.finite_number(floor, "floor"))
    top = float(loss.max())
    if low > loss.min() or top <= low:
        raise ValueError(f"need a floor at or below every loss and a loss above it, got floor {low!r}, top {top!r}")
    # d = √(top − L*) / count, one step in √(L − L*)
    d = np.sqrt(top - low) / count
    # level k = L* + (k·d)²
    levels = low + (d * np.arange(count + 1)) ** 2
    levels[-1] = top  # exactly the top, whatever the rounding of the square
    return levels


def level_root(levels: np.ndarray, loss: ArrayLike) -> np.ndarray:
    """√(L − L*) of ``loss``, with L* = ``levels[0]``: the scale on which the levels are evenly spaced."""
    # √(L − L*), 0 at the floor and below it
    return np.sqrt(np.maximum(np.asarray(loss, dtype=float) - levels[0], 0.0))


def level_crossings(levels: np.ndarray, curvature: float) -> np.ndarray:
    """Where each level crosses a ray from the minimum of a quadratic bowl whose curvature along the
    ray is ``curvature`` (uᵀHu for a unit direction u): the distances from the minimum.

    L(θ* + t·u) = L* + ½·c·t², so L = L* + (k·d)² at t_k = k·d·√(2/c): evenly spaced along the ray,
    d·√(2/c) apart, closer where the bowl curves more sharply.
    """
    curvature = checks.positive_number(curvature, "curvature")
    # t = √(2 (L − L*) / c)
    return np.sqrt(2.0 * (np.asarray(levels, dtype=float) - levels[0]) / curvature)
