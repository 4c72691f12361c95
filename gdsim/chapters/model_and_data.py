"""Chapter "A model and its data" (docs/model-and-data.md): the synthetic points and their split."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdsim import data
from gdsim.assets import STILL, Asset
from gdsim.facts import Fact


@dataclass(frozen=True)
class SplitView:
    """What the split figure shows: the two parts of the data and the x range they share."""

    split: data.Split
    x_range: tuple[float, float]


def split_view() -> SplitView:
    """The chapters' split, drawn over the feature's range [0, 1)."""
    return SplitView(data.original_split(), (0.0, 1.0))


def noise(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The noise draws behind the labels, recovered from the data: ε = y − (b + w·x) with the true b and w."""
    # ε = y − (1 + 2·x)
    return y - (data.TRUE_B + data.TRUE_W * x)


def facts() -> dict[str, Fact]:
    """The chapter's quoted numbers: the true line, the noise it was drawn with and drew, the split."""
    split = data.original_split()
    n_train = len(split.x_train)
    x, y, _ = data.make_data()
    epsilon = noise(x, y)
    return {
        "true_b": Fact(data.TRUE_B, "g"),
        "true_w": Fact(data.TRUE_W, "g"),
        "true_line_at_one": Fact(data.TRUE_B + data.TRUE_W, "g"),
        "n_points": Fact(data.N_POINTS, "d"),
        "n_train": Fact(n_train, "d"),
        "n_val": Fact(len(split.x_val), "d"),
        "train_percent": Fact(round(100 * n_train / data.N_POINTS), "d"),
        "val_percent": Fact(round(100 * len(split.x_val) / data.N_POINTS), "d"),
        "noise_scale": Fact(data.NOISE_SCALE, "g"),
        "noise_sample_mean": Fact(float(np.mean(epsilon)), ".4f"),
        # σ of the sample as the population standard deviation (ddof = 0), like every σ on the site
        "noise_sample_std": Fact(float(np.std(epsilon)), ".3f"),
        "seed": Fact(data.SEED, "d"),
    }


ASSETS = (
    Asset(
        "train-validation-split",
        STILL,
        data=split_view,
        draw="train_validation",
    ),
)
