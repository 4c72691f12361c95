"""The one list of every figure and animation the site shows.

Each asset is named once here (the name is also the output file stem); the CLI, the MkDocs hook
and the tests all iterate over ``ASSETS``. Alt text and captions are ``str.format`` templates over
the facts, so any number they quote is computed, never typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from gdsim.draw import data_plots, surface_plots
from gdsim.scenario import original

STILL = "still"
ANIMATION = "animation"
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Asset:
    """A figure or animation: how to build it and how to describe it to every reader."""

    name: str
    builder: Callable[..., Any]
    kind: str
    alt: str
    caption: str
    params: dict[str, Any] = field(default_factory=dict)
    data: Callable[[], Any] = original

    def __post_init__(self):
        if not _NAME.match(self.name):
            raise ValueError(f"asset name {self.name!r} is not kebab-case")
        if self.kind not in (STILL, ANIMATION):
            raise ValueError(f"asset {self.name!r}: kind must be {STILL!r} or {ANIMATION!r}")

    def build(self):
        """Run the simulation input through the builder: a Figure (still) or an Animation."""
        return self.builder(self.data(), **self.params)

    @property
    def files(self) -> tuple[str, ...]:
        """Output file names: a PNG for a still; a GIF and its PNG poster for an animation."""
        return (f"{self.name}.png",) if self.kind == STILL else (f"{self.name}.gif", f"{self.name}.png")


ASSETS: tuple[Asset, ...] = (
    Asset(
        "train-validation-split",
        data_plots.train_validation,
        STILL,
        alt=(
            "Two scatter plots side by side with the same axes, x from 0 to 1 and y from about {true_b} to "
            "{true_line_at_one}. Left, the {n_train} training points in blue; right, the {n_val} validation "
            "points as orange triangles. Both clouds follow the same rising straight band, so the split "
            "kept the shape of the data."
        ),
        caption=(
            "The {n_points} synthetic points after the {train_percent}/{val_percent} split: "
            "y = {true_b} + {true_w}·x plus a little Gaussian noise."
        ),
    ),
    Asset(
        "random-start-prediction",
        data_plots.prediction_line,
        STILL,
        alt=(
            "The training points rise from about {true_b} to {true_line_at_one} as x goes from 0 to 1. "
            "The random start's prediction line, ŷ = {start_b:.2f} + ({start_w:.2f})·x, is almost flat and "
            "slightly falling, far below most points. A dashed green line shows the least-squares fit "
            "running through the middle of the cloud."
        ),
        caption=(
            "The line the random start predicts (b = {start_b}, w = {start_w}) against the best line "
            "the data allow (dashed)."
        ),
    ),
    Asset(
        "random-start-error",
        data_plots.one_error,
        STILL,
        alt=(
            "The same plot with one training point highlighted at x = {first_x}. A black vertical segment "
            "joins the point, at y = {first_y}, to the prediction line below it, at ŷ = {first_prediction}; "
            "a label gives the error ŷ − y = {first_error}."
        ),
        caption=(
            "One point's error: the prediction {first_prediction} minus the label {first_y} gives "
            "{first_error}. The MSE squares all {n_train} such gaps and averages them."
        ),
    ),
    Asset(
        "loss-surface",
        surface_plots.surface_and_contours,
        STILL,
        alt=(
            "Left, a 3-D bowl-shaped surface of the loss over b from {b_min} to {b_max} and w from {w_min} to "
            "{w_max}, highest (about {grid_max_loss}) at the corners. Its lowest point, marked green, sits at "
            "b ≈ {lstsq_b:.2f}, w ≈ {lstsq_w:.2f}; the random start, marked red at loss {start_loss}, lies low "
            "on the bowl's side. Right, the same surface seen from above as a contour map: nested, "
            "elongated, tilted ellipses around the green star, with the red start near the bottom."
        ),
        caption=(
            "The loss over a {grid_points}×{grid_points} grid of (b, w): the 3-D surface and its contour map, "
            "with the minimum and the random start marked at their true heights."
        ),
    ),
    Asset(
        "cross-section-b-fixed",
        surface_plots.cross_section,
        STILL,
        params={"varied": "w"},
        alt=(
            "Left, the contour map with a vertical dashed red line at b = {snap_b}. Right, the loss along "
            "that line as a function of w: a parabola whose lowest point is near w = {along_w_min_w}. The "
            "start, at w = {snap_w}, sits high on its left flank, and an arrow points right, towards "
            "larger w."
        ),
        caption=(
            "Holding b at {snap_b} and varying only w: the loss falls if w grows, down to its lowest "
            "point near w = {along_w_min_w}."
        ),
    ),
    Asset(
        "cross-section-w-fixed",
        surface_plots.cross_section,
        STILL,
        params={"varied": "b"},
        alt=(
            "Left, the contour map with a horizontal dashed red line at w = {snap_w}. Right, the loss along "
            "that line as a function of b: a parabola, steeper than the one for w, whose lowest point is "
            "near b = {along_b_min_b}. The start, at b = {snap_b}, sits on its left flank, and an arrow points "
            "right, towards larger b."
        ),
        caption=(
            "Holding w at {snap_w} and varying only b: the loss falls if b grows, down to its lowest "
            "point near b = {along_b_min_b}."
        ),
    ),
)

BY_NAME: dict[str, Asset] = {asset.name: asset for asset in ASSETS}


def get(name: str) -> Asset:
    """The asset called ``name``; a KeyError naming the known assets otherwise."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown asset {name!r} (known: {', '.join(BY_NAME)})") from None
