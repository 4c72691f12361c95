"""The runs the learning-rate and scaling chapters show, computed once and shared by the
figures and the facts (so a quoted number is the number drawn)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import data, model, scaling
from gdsim.descent import Trajectory, gradient_descent
from gdsim.scenario import Scenario, original, three

# The "small", "big" and "very big" learning rates of the chapters.
RATES = {"small": 0.2, "big": 0.8, "very-big": 1.1}
# The step used to read slopes off the cross-sections (two grid spacings).
SECANT_STEP = 0.12
# Secant steps of the gradients animation: from wide to almost nothing, evenly on a log scale.
SHRINKING_STEPS = np.geomspace(1.5, 0.002, 36)
# Steps shown when walking along a cross-section, and epochs of full gradient descent.
CUT_STEPS = 12
EPOCHS = 60
# One learning rate for the unscaled and the standardized problem, and how long they train.
SCALING_LR = 0.2
SCALING_EPOCHS = 60
# A run has converged once its loss is this close to the least-squares loss (relative).
CONVERGED_RTOL = 1e-3
PARAM_INDEX = {"b": 0, "w": 1}


@dataclass(frozen=True)
class OneStep:
    """One update along a cross-section, using the slope read off that cross-section."""

    param: str
    lr: float
    slope: float  # secant slope at the snapped start
    before: float  # parameter value before the step
    after: float
    loss_before: float
    loss_after: float

    @property
    def move(self) -> float:
        return self.after - self.before


def secant(s: Scenario, param: str, step: float = SECANT_STEP) -> float:
    """Slope of the line through the snapped start and the point ``step`` further along ``param``."""
    return model.secant_slope(s.snapped_start, PARAM_INDEX[param], step, s.split.x_train, s.split.y_train)


def secant_drop(s: Scenario, param: str, step: float = SECANT_STEP) -> float:
    """Change of the loss over that step (negative: the loss went down)."""
    return secant(s, param, step) * step


@lru_cache(maxsize=None)
def one_step(param: str, lr: float) -> OneStep:
    """θᵢ ← θᵢ − η · (measured slope), from the snapped start, on the original data."""
    s = original()
    slope = secant(s, param)
    theta = s.snapped_start.copy()
    before = theta[PARAM_INDEX[param]]
    # θᵢ ← θᵢ − η ∂L/∂θᵢ
    theta[PARAM_INDEX[param]] = before - lr * slope
    x, y = s.split.x_train, s.split.y_train
    return OneStep(param, lr, slope, before, theta[PARAM_INDEX[param]], model.mse(s.snapped_start, x, y), model.mse(theta, x, y))


@lru_cache(maxsize=None)
def cut_run(param: str, lr: float, steps: int = CUT_STEPS) -> Trajectory:
    """Repeated steps along one cross-section (the other parameter fixed), exact derivative."""
    s = original()
    return gradient_descent(s.split.x_train, s.split.y_train, s.snapped_start, lr, steps, update=(param,))


@lru_cache(maxsize=None)
def full_run(lr: float, epochs: int = EPOCHS) -> Trajectory:
    """Full-batch gradient descent from the random start, both parameters at once."""
    s = original()
    return gradient_descent(s.split.x_train, s.split.y_train, s.start, lr, epochs)


def epochs_to_converge(run: Trajectory, s: Scenario) -> int | None:
    """First epoch whose loss is within CONVERGED_RTOL of the least-squares loss (None if never)."""
    best = model.mse(s.solution, s.split.x_train, s.split.y_train)
    close = np.flatnonzero(run.losses <= best * (1 + CONVERGED_RTOL))
    return int(close[0]) if close.size else None


@lru_cache(maxsize=None)
def scaling_runs(lr: float = SCALING_LR, epochs: int = SCALING_EPOCHS) -> dict[str, Trajectory]:
    """One learning rate on the original, the bad and the standardized problem, same start."""
    runs = {}
    for name, s in zip(("original", "bad", "standardized"), three()):
        runs[name] = gradient_descent(s.split.x_train, s.split.y_train, s.start, lr, epochs)
    return runs


@lru_cache(maxsize=None)
def trained_model() -> tuple[np.ndarray, np.ndarray]:
    """Parameters after SCALING_EPOCHS on the standardized feature: in its units and the original's."""
    split, scaler = scaling.standardized_split(data.original_split())
    theta_scaled = scaling_runs()["standardized"].final
    return theta_scaled, scaler.to_original(theta_scaled)
