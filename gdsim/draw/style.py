"""The site's look, defined once: page geometry, one colour per role, the figure factory, helpers.

Figures are drawn for the text column, in two layouts: ``COLUMN`` (690 CSS px, the column on a
1280 px window) and ``PHONE`` (358 CSS px, the column on a 390 px phone), at ``CSS_PX_PER_INCH``
CSS pixels per inch. No text may be smaller than ``MIN_TEXT_PX`` CSS px in either
(``smallest_text_px`` measures it); the phone layout stacks what the column puts side by side. Colours are Okabe–Ito (safe for
colour-vision deficiencies); each role below has one colour on every figure, and a darker
``*_TEXT`` shade wherever that role colours text, so text keeps a 4.5:1 contrast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import BoundaryNorm
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure
from matplotlib.text import Text

from gdsim import surface

# ---------------------------------------------------------------- page geometry
COLUMN_PX = 690  # the text column at a 1280 px window
CSS_PX_PER_INCH = 100  # figures are sized in inches; one inch shows as 100 CSS px
PHONE_PX = 358  # the text column on a 390 px phone (Material keeps 16 px each side)
MIN_TEXT_PX = 12
POINTS_PER_INCH = 72

# ---------------------------------------------------------------- Okabe–Ito
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
INK = "#24292f"
MUTED = "#6b7280"

# ---------------------------------------------------------------- roles: one colour each, site-wide
TRAIN = BLUE  # training points
VALIDATION = ORANGE  # validation points (triangles)
START = VERMILLION  # the random start, its prediction line, the current iterate
MINIMUM = GREEN  # the least-squares minimum and best line (a star where it is a point)
TRUTH = INK  # the true line y = 1 + 2x (dashed)
LOSS_DOWN = BLUE  # a step that lowered the loss
LOSS_UP = PURPLE  # a step that raised the loss ("loss went up")
PATH = "white"  # a descent path on a contour map
CURVE = INK  # a loss curve or cross-section
THRESHOLD = ORANGE  # an exact limit such as 2/λ_max
STEEP = VERMILLION  # the steep eigen-direction (λ_max)
FLAT = "white"  # the flat eigen-direction (λ_min), on a contour map
SECANT = VERMILLION  # a secant line
TANGENT = GREEN  # a tangent (the exact derivative), dashed
PARAMETER = {"b": INK, "w": BLUE}  # curves that belong to one parameter
SURFACE_CMAP = "viridis"  # perceptually uniform, never jet

# Text in a role's colour uses the darker shade (≥ 4.5:1 on the figure background).
TEXT = {BLUE: BLUE, ORANGE: "#996A00", GREEN: "#007F5D", VERMILLION: "#BB5300", PURPLE: "#BA4987",
        SKY: "#1777AE", INK: INK, MUTED: MUTED}

# A label box that stays readable over curves and contour fills.
LABEL_BOX = dict(boxstyle="round,pad=0.25", facecolor="white", edgecolor="none", alpha=0.85)


def minus(text: str) -> str:
    """Text with every hyphen-minus made a true minus sign (−), as figures print numbers."""
    return text.replace("-", "−")


@dataclass(frozen=True)
class Layout:
    """Where a figure will be shown: the width of the text column it is drawn for."""

    name: str
    width_px: int

    @property
    def width_in(self) -> float:
        return self.width_px / CSS_PX_PER_INCH

    @property
    def narrow(self) -> bool:
        """True for the phone: panels go one under the other."""
        return self.width_px < COLUMN_PX

    def grid(self, rows: int, cols: int) -> tuple[int, int]:
        """``(rows, cols)`` of a panel grid in this layout: a row of panels becomes a column on a phone."""
        return (rows * cols, 1) if self.narrow and cols > 1 else (rows, cols)

    def height(self, column: float, phone: float) -> float:
        """A figure's height in inches: one value for each layout."""
        return phone if self.narrow else column


COLUMN = Layout("column", COLUMN_PX)
PHONE = Layout("phone", PHONE_PX)
LAYOUTS = (COLUMN, PHONE)


def new_figure(height: float, layout: Layout = COLUMN, **kwargs: Any) -> Figure:
    """A blank Figure as wide as the layout's column, constrained layout; inches at 100 CSS px each."""
    return Figure(figsize=(layout.width_in, height), layout="constrained", **kwargs)


def contour_map(ax: Axes, grid: surface.LossGrid, levels: np.ndarray | None = None, labels: bool = False) -> QuadContourSet:
    """Filled contours of a LossGrid with thin iso-loss lines; returns the filled set.

    Levels default to ``surface.bowl_levels`` (even steps in √loss, so lines are evenly spaced
    however steep the bowl); pass ``levels`` to share one scale across panels.
    """
    levels = surface.bowl_levels(grid.loss) if levels is None else levels
    norm = BoundaryNorm(levels, ncolors=256)
    filled = ax.contourf(grid.b, grid.w, grid.loss, levels=levels, cmap=SURFACE_CMAP, norm=norm)
    lines = ax.contour(grid.b, grid.w, grid.loss, levels=levels[1:-1], colors="white", linewidths=0.6, alpha=0.7)
    if labels:
        ax.clabel(lines, inline=True, fontsize=9, fmt="%.3g")
    ax.grid(False)
    return filled


def mark_point(ax: Axes, theta: Sequence[float], color: str, label: str | None, marker: str = "o", size: float = 9.0,
               **kwargs: Any) -> None:
    """A parameter pair (b, w) drawn as a marker with a white edge so it reads on any background."""
    ax.plot(
        theta[0], theta[1], marker=marker, color=color, markersize=size,
        markeredgecolor="white", markeredgewidth=1.4, linestyle="none", label=label, zorder=5, **kwargs,
    )


def text_sizes_px(fig: Figure, draw: bool = True, column_px: int = COLUMN_PX) -> list[tuple[float, str]]:
    """Every visible text of a figure as (size in CSS px at the column width, the text).

    The figure shows at its own CSS width, or shrunk to the column if wider:
    px = points / 72 × 100 × min(1, column / figure width). It is drawn first (tick labels
    exist only then) unless ``draw`` is False because the caller just drew it.
    """
    if draw:
        canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        canvas.draw()
    shrink = min(1.0, column_px / (fig.get_figwidth() * CSS_PX_PER_INCH))
    return [
        (t.get_fontsize() / POINTS_PER_INCH * CSS_PX_PER_INCH * shrink, t.get_text())
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_figure() is not None
    ]


def smallest_text_px(fig: Figure, draw: bool = True, column_px: int = COLUMN_PX) -> float:
    """The smallest text of a figure in CSS px at the column width (inf if it has no text)."""
    sizes = [size for size, _ in text_sizes_px(fig, draw, column_px)]
    return min(sizes) if sizes else float("inf")
