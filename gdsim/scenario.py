"""The linear-regression scenario the chapters follow, computed once per process.

Figures and quoted numbers both read from here, so the text and the pictures cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import data, model, scaling, surface


@dataclass(frozen=True)
class Scenario:
    """Data, random start and loss landscape of one data set."""

    split: data.Split
    start: np.ndarray
    grid: surface.LossGrid
    along_w: surface.CrossSection  # b held fixed at the grid value nearest the start
    along_b: surface.CrossSection  # w held fixed at the grid value nearest the start

    @property
    def snapped_start(self) -> np.ndarray:
        """The grid point nearest the random start, where the cross-sections cross."""
        return np.array([self.along_w.fixed_value, self.along_b.fixed_value])

    @property
    def start_loss(self) -> float:
        return model.mse(self.start, self.split.x_train, self.split.y_train)

    @property
    def start_gradient(self) -> np.ndarray:
        return model.gradient(self.start, self.split.x_train, self.split.y_train)

    @property
    def solution(self) -> np.ndarray:
        """The least-squares parameters ``[b, w]`` on the training set."""
        return model.least_squares(self.split.x_train, self.split.y_train)


@lru_cache(maxsize=None)
def original() -> Scenario:
    """The chapters' data set with its random start and the loss surface over b ∈ [−2, 4], w ∈ [−1, 5]."""
    split = data.original_split()
    start = data.random_start()
    grid = surface.loss_grid(split.x_train, split.y_train)
    along_w, along_b = surface.cross_sections(grid, start)
    return Scenario(split, start, grid, along_w, along_b)


def _scenario(split: data.Split, centre) -> Scenario:
    """A data set with the random start and a loss grid of the chapters' window size around ``centre``."""
    start = data.random_start()
    b_range, w_range = surface.window(centre)
    grid = surface.loss_grid(split.x_train, split.y_train, b_range=b_range, w_range=w_range)
    along_w, along_b = surface.cross_sections(grid, start)
    return Scenario(split, start, grid, along_w, along_b)


@lru_cache(maxsize=None)
def bad() -> Scenario:
    """The same points with the feature × 10; the window is centred on the true (b, w/10)."""
    return _scenario(scaling.bad_split(), [data.TRUE_B, data.TRUE_W / scaling.BAD_FACTOR])


@lru_cache(maxsize=None)
def standardized() -> Scenario:
    """The feature standardized with training statistics; the window is centred on the true line
    written in standardized units, b + w·m and w·s."""
    split, scaler = scaling.standardized_split(data.original_split())
    return _scenario(split, [data.TRUE_B + data.TRUE_W * scaler.mean, data.TRUE_W * scaler.std])


def three() -> tuple[Scenario, Scenario, Scenario]:
    """Original, bad (feature × 10) and standardized scenarios, in that order."""
    return original(), bad(), standardized()
