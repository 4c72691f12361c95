"""The handwritten digits: a real data set for the practice chapters, loaded offline.

1,797 grey-scale 8×8 images of the digits 0–9 (64 pixel features, values 0–16), from the UCI
"Optical Recognition of Handwritten Digits" set as scikit-learn's wheel ships it
(``sklearn/datasets/data/digits.csv.gz``): no download. The file is read directly, without
importing scikit-learn (and SciPy behind it), which only the tests need, as an oracle.

Practice splits the data once, seeded, into training and validation points, and standardizes
every pixel with the **training** mean and standard deviation only, so nothing about the
validation points leaks into training.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gdsim import checks

CLASSES = 10
VALIDATION_FRACTION = 0.2
SPLIT_SEED = 0


@dataclass(frozen=True)
class Split:
    """Standardized features and integer labels of the training and validation points."""

    x_train: np.ndarray  # (n_train, 64)
    y_train: np.ndarray  # (n_train,) labels 0–9
    x_val: np.ndarray
    y_val: np.ndarray
    mean: np.ndarray  # (64,) training mean of each raw pixel
    scale: np.ndarray  # (64,) training standard deviation (1 where a pixel never varies)

    @property
    def features(self) -> int:
        return self.x_train.shape[1]


def _data_file() -> Path:
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ValueError("the digits data ships with scikit-learn: pip install scikit-learn (make does)")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data" / "digits.csv.gz"


@functools.lru_cache(maxsize=1)
def raw() -> tuple[np.ndarray, np.ndarray]:
    """Every image as 64 raw pixel values (0–16) and its digit, in the file's order."""
    with gzip.open(_data_file(), "rt") as handle:
        table = np.loadtxt(handle, delimiter=",")
    table.setflags(write=False)
    return table[:, :-1], table[:, -1].astype(int)


def split(x: np.ndarray, labels: np.ndarray, validation: float = VALIDATION_FRACTION, seed: int = SPLIT_SEED) -> Split:
    """A seeded shuffle into training and validation points, standardized with training statistics."""
    validation, seed = checks.fraction(validation, "validation fraction"), checks.seed(seed)
    x, labels = np.asarray(x, dtype=float), np.asarray(labels)
    if x.ndim != 2 or x.shape[0] != labels.shape[0] or x.shape[0] < 2:
        raise ValueError(f"need an (n, d) feature array and n labels with n ≥ 2, got {x.shape} and {labels.shape}")
    order = np.random.default_rng(seed).permutation(x.shape[0])
    n_val = max(1, round(validation * x.shape[0]))
    val, train = order[:n_val], order[n_val:]
    mean, std = x[train].mean(axis=0), x[train].std(axis=0)
    # A pixel that never varies in training (always blank) is centred but not divided by zero.
    scale = np.where(std > 0, std, 1.0)
    standardize = lambda rows: (x[rows] - mean) / scale  # noqa: E731 - one formula, used twice
    return Split(standardize(train), labels[train], standardize(val), labels[val], mean, scale)


@functools.lru_cache(maxsize=4)
def load(validation: float = VALIDATION_FRACTION, seed: int = SPLIT_SEED) -> Split:
    """The digits, split and standardized (cached: every chapter shares one copy)."""
    return split(*raw(), validation=validation, seed=seed)
