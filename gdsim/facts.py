"""Every number the chapters quote, computed from the scenario that also draws the figures.

A chapter writes ``{{ fact start_loss }}``; the MkDocs hook replaces it with the value formatted by
the fact's default format (or by one given in the tag, ``{{ fact start_b .4f }}``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdsim import data, model, surface
from gdsim.scenario import original


@dataclass(frozen=True)
class Fact:
    """A quoted number and how the text shows it by default."""

    value: float
    fmt: str = ".2f"

    def text(self, fmt: str | None = None) -> str:
        """The value as prose shows it; a minus sign, not a hyphen, for negatives."""
        return format(self.value, fmt or self.fmt).replace("-", "−")

    def __format__(self, spec: str) -> str:
        """Lets captions say ``{start_loss}`` or ``{start_loss:.3f}`` in ``str.format`` templates."""
        return self.text(spec or None)


def compute() -> dict[str, Fact]:
    """All facts, by name."""
    s = original()
    n_train = len(s.split.x_train)
    i, j = s.grid.nearest(s.start)
    i_min, j_min = np.unravel_index(np.argmin(s.grid.loss), s.grid.loss.shape)
    solution = s.solution
    return {
        "true_b": Fact(data.TRUE_B, "g"),
        "true_w": Fact(data.TRUE_W, "g"),
        "true_line_at_one": Fact(data.TRUE_B + data.TRUE_W, "g"),
        "n_points": Fact(data.N_POINTS, "d"),
        "n_train": Fact(n_train, "d"),
        "n_val": Fact(data.N_POINTS - n_train, "d"),
        "train_percent": Fact(round(100 * data.TRAIN_FRACTION), "d"),
        "val_percent": Fact(round(100 * (1 - data.TRAIN_FRACTION)), "d"),
        "noise_scale": Fact(data.NOISE_SCALE, "g"),
        "seed": Fact(data.SEED, "d"),
        "start_b": Fact(s.start[0], ".3f"),
        "start_w": Fact(s.start[1], ".3f"),
        "start_loss": Fact(s.start_loss),
        "first_x": Fact(s.split.x_train[0]),
        "first_y": Fact(s.split.y_train[0]),
        "first_prediction": Fact(model.predict(s.start, s.split.x_train[0])),
        "first_error": Fact(model.errors(s.start, s.split.x_train[:1], s.split.y_train[:1])[0]),
        "grad_b": Fact(s.start_gradient[0]),
        "grad_w": Fact(s.start_gradient[1]),
        "grid_points": Fact(surface.GRID_POINTS, "d"),
        "grid_cells": Fact(surface.GRID_POINTS**2, ",d"),
        "b_min": Fact(surface.B_RANGE[0], "g"),
        "b_max": Fact(surface.B_RANGE[1], "g"),
        "w_min": Fact(surface.W_RANGE[0], "g"),
        "w_max": Fact(surface.W_RANGE[1], "g"),
        "grid_step": Fact(s.grid.b[1] - s.grid.b[0]),
        "snap_b": Fact(s.grid.b[j]),
        "snap_w": Fact(s.grid.w[i]),
        "snap_loss": Fact(s.grid.loss[i, j]),
        "grid_min_b": Fact(s.grid.b[j_min]),
        "grid_min_w": Fact(s.grid.w[i_min]),
        "grid_min_loss": Fact(s.grid.loss[i_min, j_min], ".4f"),
        "grid_max_loss": Fact(s.grid.loss.max(), ".0f"),
        "lstsq_b": Fact(solution[0], ".3f"),
        "lstsq_w": Fact(solution[1], ".3f"),
        "lstsq_loss": Fact(model.mse(solution, s.split.x_train, s.split.y_train), ".4f"),
        "along_w_min_w": Fact(s.along_w.values[np.argmin(s.along_w.loss)]),
        "along_b_min_b": Fact(s.along_b.values[np.argmin(s.along_b.loss)]),
    }


def values() -> dict[str, float]:
    """Facts as plain numbers (what ``python -m gdsim facts`` prints)."""
    return {name: fact.value for name, fact in compute().items()}
