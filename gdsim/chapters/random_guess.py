"""Chapter "How wrong is a random guess" (docs/random-guess.md): the random start, its line, its errors."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import model, scenarios
from gdsim.assets import STILL, Asset
from gdsim.catalogue import Fact

# The training point whose error the chapter works out by hand: the first one.
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
class ErrorView:
    """The prediction figure plus one training point's error: the gap between its label and the line."""

    guess: GuessView
    index: int  # which training point
    x: float
    y: float  # its label
    prediction: float  # ŷ of the random start at x
    error: float  # ŷ − y


@lru_cache(maxsize=None)
def guess_view() -> GuessView:
    """The random start's prediction line over the training data, against the least-squares line."""
    s = scenarios.get("original")
    line_x = np.array(X_RANGE)
    # ŷ = b + w·x at both ends of the feature's range
    return GuessView(s.split.x_train, s.split.y_train, s.start, s.solution, line_x,
                     model.predict(s.start, line_x), model.predict(s.solution, line_x))


@lru_cache(maxsize=None)
def error_view() -> ErrorView:
    """The first training point's error under the random start, the one the chapter computes by hand."""
    guess = guess_view()
    x, y = float(guess.x_train[FIRST_POINT]), float(guess.y_train[FIRST_POINT])
    # e = ŷ − y, ŷ = b + w·x
    error = float(model.errors(guess.start, np.array([x]), np.array([y]))[0])
    return ErrorView(guess, FIRST_POINT, x, y, float(model.predict(guess.start, x)), error)


def facts() -> dict[str, Fact]:
    """The chapter's quoted numbers: the random start, its loss, the first point's error, the best line."""
    s = scenarios.get("original")
    point = error_view()
    return {
        "start_b": Fact(float(s.start[model.BY_NAME["b"].index]), ".3f"),
        "start_w": Fact(float(s.start[model.BY_NAME["w"].index]), ".3f"),
        "start_loss": Fact(s.start_loss),
        "first_x": Fact(point.x),
        "first_y": Fact(point.y),
        "first_prediction": Fact(point.prediction),
        "first_error": Fact(point.error),
        "lstsq_b": Fact(float(s.solution[model.BY_NAME["b"].index]), ".3f"),
        "lstsq_w": Fact(float(s.solution[model.BY_NAME["w"].index]), ".3f"),
        "lstsq_loss": Fact(s.solution_loss, ".4f"),
    }


ASSETS = (
    Asset(
        "random-start-prediction",
        STILL,
        data=guess_view,
        draw="prediction_line",
        alt=(
            "The training points rise from about {true_b} to {true_line_at_one} as x goes from 0 to 1. "
            "The random start's prediction line, ŷ = {start_b:.2f} + ({start_w:.2f})·x, drawn in red, is "
            "almost flat and slightly falling, far below most points. A dashed green line shows the "
            "least-squares fit, b = {lstsq_b:.2f} and w = {lstsq_w:.2f}, running through the middle of the cloud."
        ),
        caption=(
            "The line the random start predicts (b = {start_b}, w = {start_w}) against the best line "
            "the data allow (dashed)."
        ),
    ),
    Asset(
        "random-start-error",
        STILL,
        data=error_view,
        draw="one_error",
        alt=(
            "The same plot with one training point highlighted at x = {first_x}. A black vertical segment "
            "joins the point, at y = {first_y}, to the red prediction line below it, at ŷ = {first_prediction}; "
            "a label gives the error ŷ − y = {first_error}."
        ),
        caption=(
            "One point's error: the prediction {first_prediction} minus the label {first_y} gives "
            "{first_error}. The MSE squares all {n_train} such gaps and averages them."
        ),
    ),
)
