"""The three least-squares problems the chapters follow, by name, each computed once per process.

``get("original")``, ``get("bad")`` (feature × 10) and ``get("standardized")`` give the data, the
random start and the loss landscape of one problem; ``NAMES`` lists them in the chapters' order
and ``LABELS`` says how figures and prose name them. Figures and quoted numbers read from here,
so the text and the pictures cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import checks, data, model, scaling, surface

NAMES = ("original", "bad", "standardized")
# The "small", "big" and "very big" learning rates the linear chapters follow on the original problem.
RATES = {"small": 0.2, "big": 0.8, "very_big": 1.1}
# The step over which the chapters read a slope off a cross-section with a ruler: two grid spacings.
SECANT_STEP = 0.12
LABELS = {
    "original": "original feature $x$",
    "bad": "bad feature $10x$",
    "standardized": "standardized feature $z$",
}


@dataclass(frozen=True)
class Scenario:
    """Data, random start and loss landscape of one problem."""

    name: str
    split: data.Split
    start: np.ndarray
    grid: surface.LossGrid
    along_w: surface.CrossSection  # b held fixed at the grid value nearest the start
    along_b: surface.CrossSection  # w held fixed at the grid value nearest the start

    @property
    def label(self) -> str:
        return LABELS[self.name]

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

    @property
    def solution_loss(self) -> float:
        """The least-squares loss on the training set: the floor every run approaches."""
        return model.mse(self.solution, self.split.x_train, self.split.y_train)

    def loss(self, theta: np.ndarray) -> float:
        """Training MSE at ``theta``."""
        return model.mse(theta, self.split.x_train, self.split.y_train)


def _scenario(name: str, split: data.Split, b_range: tuple[float, float], w_range: tuple[float, float]) -> Scenario:
    start = data.random_start()
    grid = surface.loss_grid(split.x_train, split.y_train, b_range=b_range, w_range=w_range)
    along_w, along_b = surface.cross_sections(grid, start)
    return Scenario(name, split, start, grid, along_w, along_b)


def _original() -> Scenario:
    """The chapters' data set over b ∈ [−2, 4], w ∈ [−1, 5]."""
    return _scenario("original", data.original_split(), surface.B_RANGE, surface.W_RANGE)


def _bad() -> Scenario:
    """The same points with the feature × 10; the window is centred on the true (b, w/10)."""
    return _scenario("bad", scaling.bad_split(), *surface.window([data.TRUE_B, data.TRUE_W / scaling.BAD_FACTOR]))


def _standardized() -> Scenario:
    """The feature standardized with training statistics; the window is centred on the true line
    written in standardized units, b + w·m and w·s."""
    split, scaler = scaling.standardized_split(data.original_split())
    centre = [data.TRUE_B + data.TRUE_W * scaler.mean, data.TRUE_W * scaler.std]
    return _scenario("standardized", split, *surface.window(centre))


_BUILDERS = {"original": _original, "bad": _bad, "standardized": _standardized}


@lru_cache(maxsize=None)
def get(name: str) -> Scenario:
    """The scenario called ``name`` (one of ``NAMES``), built on first use."""
    return _BUILDERS[checks.one_of(name, NAMES, "scenario")]()


def every() -> dict[str, Scenario]:
    """All three scenarios by name, in the chapters' order."""
    return {name: get(name) for name in NAMES}
