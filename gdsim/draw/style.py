"""Shared look: colours with a meaning, figure factory and small drawing helpers.

Colours are from the Okabe–Ito set (safe for colour-vision deficiencies); surfaces use viridis,
which is perceptually uniform.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure

BLUE = "#0072B2"  # training data, parameter w
ORANGE = "#E69F00"  # validation data
GREEN = "#009E73"  # the minimum / the truth
VERMILLION = "#D55E00"  # the random start, errors, the current guess
PURPLE = "#CC79A7"
SKY = "#56B4E9"
INK = "#24292f"
MUTED = "#6b7280"
SURFACE_CMAP = "viridis"


def minus(text: str) -> str:
    """Text with every hyphen-minus made a true minus sign (−), as figures print numbers."""
    return text.replace("-", "−")


def new_figure(width: float = 8.0, height: float = 4.2, **kwargs) -> Figure:
    """A blank Figure with constrained layout; sizes are in inches at 100 css px per inch."""
    return Figure(figsize=(width, height), layout="constrained", **kwargs)


def bowl_levels(loss: np.ndarray, count: int = 12) -> np.ndarray:
    """Contour levels evenly spaced in √loss, rounded to two significant digits.

    A quadratic bowl's iso-loss ellipses then sit at even distances from the minimum, so the
    map shows its shape near the bottom as clearly as on the rim.
    """
    root = np.linspace(np.sqrt(loss.min()), np.sqrt(loss.max()), count + 1)[1:]
    levels = np.array([float(f"{v:.2g}") for v in root**2])
    return np.unique(np.concatenate([[0.0], levels[levels < loss.max()], [loss.max()]]))


def contour_map(ax, grid, levels: np.ndarray | None = None, labels: bool = True):
    """Filled contours of a LossGrid with labelled iso-loss lines; returns the filled set."""
    levels = bowl_levels(grid.loss) if levels is None else levels
    norm = BoundaryNorm(levels, ncolors=256)
    filled = ax.contourf(grid.b, grid.w, grid.loss, levels=levels, cmap=SURFACE_CMAP, norm=norm)
    lines = ax.contour(grid.b, grid.w, grid.loss, levels=levels[1:-1], colors="white", linewidths=0.6, alpha=0.7)
    if labels:
        ax.clabel(lines, inline=True, fontsize=8, fmt="%.3g")
    ax.set_xlabel("b (bias)")
    ax.set_ylabel("w (weight)")
    ax.grid(False)
    return filled


def mark_point(ax, theta, color: str, label: str, marker: str = "o", size: float = 9.0, **kwargs):
    """A parameter pair (b, w) drawn as a marker with a white edge so it reads on any background."""
    ax.plot(
        theta[0], theta[1], marker=marker, color=color, markersize=size,
        markeredgecolor="white", markeredgewidth=1.4, linestyle="none", label=label, zorder=5, **kwargs,
    )
