"""Chapter "How wrong is a random guess" (docs/random-guess.md): the random start, its line, its residuals."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import data, model, scenarios
from gdsim.assets import STILL, Asset
from gdsim.facts import Fact

# The training point whose residual the chapter works out by hand: the first one.
FIRST_POINT = 0
# The feature's range [0, 1), over which the lines are drawn.
X_RANGE = (0.0, 1.0)


@dataclass(frozen=True)
class GuessView:
    """What the prediction figure draws: the training points, the random start's line and the best line."""

    x_train: np.ndarray
    y_train: np.ndarray
    start: np.ndarray  # [b, w] of the random start
    solution: np.ndarray  # [b, w] of the least-squares line
    line_x: np.ndarray  # the two ends of the drawn lines
    start_line: np.ndarray  # ŷ of the random start at line_x
    best_line: np.ndarray  # ŷ of the least-squares line at line_x


@dataclass(frozen=True)
class ResidualView:
    """The prediction figure plus one training point's residual: the gap between the line and its label."""

    guess: GuessView
    index: int  # which training point
    x: float
    y: float  # its label
    prediction: float  # ŷ of the random start at x
    residual: float  # ŷ − y
    label_y: float  # where the figure writes the residual: in the empty band between the line and the points


@lru_cache(maxsize=None)
def guess_view() -> GuessView:
    """The random start's prediction line over the training data, against the least-squares line."""
    s = scenarios.get("original")
    line_x = np.array(X_RANGE)
    # ŷ = b + w·x at both ends of the feature's range
    return GuessView(s.split.x_train, s.split.y_train, s.start, s.solution, line_x,
                     model.predict(s.start, line_x), model.predict(s.solution, line_x))


@lru_cache(maxsize=None)
def residual_view() -> ResidualView:
    """The first training point's residual under the random start, the one the chapter computes by hand."""
    guess = guess_view()
    x, y = float(guess.x_train[FIRST_POINT]), float(guess.y_train[FIRST_POINT])
    # r = ŷ − y, ŷ = b + w·x
    residual = float(model.residuals(guess.start, np.array([x]), np.array([y]))[0])
    prediction = float(model.predict(guess.start, x))
    # the middle of the empty band left of x: above the line's highest point, below the lowest point there
    highest_line = float(np.max(model.predict(guess.start, np.array([X_RANGE[0], x]))))
    lowest_point = float(np.min(guess.y_train[guess.x_train <= x]))
    return ResidualView(guess, FIRST_POINT, x, y, prediction, residual, (highest_line + lowest_point) / 2)


def points_above(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[int, float]:
    """How many points lie strictly above the line ``theta``, and the smallest gap y − ŷ of any point."""
    gaps = -model.residuals(theta, x, y)
    return int(np.count_nonzero(gaps > 0)), float(gaps.min())


def facts() -> dict[str, Fact]:
    """The chapter's quoted numbers: the random start, its loss, the first point's residual, the best line."""
    s = scenarios.get("original")
    point = residual_view()
    above_train, gap_train = points_above(s.start, s.split.x_train, s.split.y_train)
    above_val, gap_val = points_above(s.start, s.split.x_val, s.split.y_val)
    truth = np.array([data.TRUE_B, data.TRUE_W])
    return {
        "start_b": Fact(float(s.start[model.BY_NAME["b"].index]), ".3f"),
        "start_w": Fact(float(s.start[model.BY_NAME["w"].index]), ".3f"),
        "start_loss": Fact(s.start_loss),
        "first_x": Fact(point.x),
        "first_y": Fact(point.y),
        "first_prediction": Fact(point.prediction),
        "first_residual": Fact(point.residual),
        "start_above_train": Fact(above_train, "d"),
        "start_above_val": Fact(above_val, "d"),
        "start_nearest_gap": Fact(min(gap_train, gap_val)),
        "lowest_train_label": Fact(float(s.split.y_train.min()), ".3f"),
        "lstsq_b": Fact(float(s.solution[model.BY_NAME["b"].index]), ".3f"),
        "lstsq_w": Fact(float(s.solution[model.BY_NAME["w"].index]), ".3f"),
        "lstsq_loss": Fact(s.solution_loss, ".4f"),
        # the true line's training loss is the mean of ε² over the training points: this sample's noise
        "true_line_loss": Fact(s.loss(truth), ".4f"),
        "noise_variance": Fact(data.NOISE_SCALE**2, "g"),
    }


ASSETS = (
    Asset(
        "random-start-prediction",
        STILL,
        data=guess_view,
        draw="prediction_line",
    ),
    Asset(
        "random-start-residual",
        STILL,
        data=residual_view,
        draw="one_residual",
    ),
)
