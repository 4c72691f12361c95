"""The synthetic data set of the linear-regression chapters, and its train/validation split.

The legacy NumPy stream (``RandomState(42)``) is used on purpose: it reproduces, number for number,
the data of the article the chapters build on. Nothing here touches NumPy's global random state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TRUE_B = 1.0
TRUE_W = 2.0
N_POINTS = 100
NOISE_SCALE = 0.1
SEED = 42
TRAIN_FRACTION = 0.8


@dataclass(frozen=True)
class Split:
    """One data set cut into a training part and a validation part (1-D arrays)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def make_data(
    n: int = N_POINTS, true_b: float = TRUE_B, true_w: float = TRUE_W, seed: int = SEED
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw x ~ U[0, 1), y = b + w·x + 0.1·noise, and a shuffled index for the split.

    The draws come in the article's order from one legacy stream: x, then noise, then the shuffle.
    Returns ``(x, y, shuffled_index)``.
    """
    rng = np.random.RandomState(seed)
    x = rng.rand(n)
    noise = NOISE_SCALE * rng.randn(n)
    y = true_b + true_w * x + noise
    index = np.arange(n)
    rng.shuffle(index)
    return x, y, index


def split(x: np.ndarray, y: np.ndarray, index: np.ndarray, train_fraction: float = TRAIN_FRACTION) -> Split:
    """Cut (x, y) into train and validation parts along a shuffled index. Done before anything else."""
    n_train = int(len(index) * train_fraction)
    train, val = index[:n_train], index[n_train:]
    return Split(x[train], y[train], x[val], y[val])


def original_split() -> Split:
    """The chapters' data set: 80 training points and 20 validation points."""
    return split(*make_data())


def random_start(seed: int = SEED) -> np.ndarray:
    """The random starting guess ``[b, w]``: two standard-normal draws, b first, from a fresh stream."""
    rng = np.random.RandomState(seed)
    b = rng.randn()
    w = rng.randn()
    return np.array([b, w])
