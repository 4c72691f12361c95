"""Feature scale: the "bad" feature (x × 10) and standardization with training statistics.

Scaling statistics are computed on the training set only and then applied, unchanged, to the
validation set: the validation points must not influence anything the model learns from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdsim import checks, data

BAD_FACTOR = 10.0


@dataclass(frozen=True)
class Standardizer:
    """z = (x − mean) / std, with mean and std fitted on training data."""

    mean: float
    std: float

    @classmethod
    def fit(cls, x_train: np.ndarray) -> Standardizer:
        x_train = checks.vector(x_train, "x_train")
        if x_train.size < 2:
            raise ValueError("need at least two finite training values to standardize")
        # σ is the population standard deviation (ddof = 0): the scaled training feature has std exactly 1
        std = float(checks.finite_result(lambda: np.std(x_train), "the standard deviation"))
        if std == 0:
            raise ValueError("a constant feature cannot be standardized (its std is 0)")
        return cls(float(np.mean(x_train)), std)

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=float) - self.mean) / self.std

    def to_original(self, theta_scaled: np.ndarray) -> np.ndarray:
        """[b, w] on the standardized feature → the same line on the original feature.

        b_s + w_s (x − m)/s = (b_s − w_s m/s) + (w_s/s) x
        """
        b_s, w_s = theta_scaled
        return np.array([b_s - w_s * self.mean / self.std, w_s / self.std])


def bad_split(factor: float = BAD_FACTOR) -> data.Split:
    """The same points with the feature multiplied by ``factor`` and the true w divided by it.

    The labels do not change, since b + (w/10)·(10x) = b + w·x, and the same shuffled index
    splits them, so the two data sets hold the same points.
    """
    x, y, index = data.make_data()
    return data.split(factor * x, y, index)


def standardized_split(split: data.Split) -> tuple[data.Split, Standardizer]:
    """The split with its feature standardized by training statistics, and the fitted scaler."""
    scaler = Standardizer.fit(split.x_train)
    return data.Split(scaler.transform(split.x_train), split.y_train, scaler.transform(split.x_val), split.y_val), scaler
