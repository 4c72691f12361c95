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
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colorbar import Colorbar
from matplotlib.colors import BoundaryNorm
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure, SubFigure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from gdsim import surface

if TYPE_CHECKING:  # types only
    from gdsim.model import Parameter

# ---------------------------------------------------------------- page geometry
COLUMN_PX = 690  # the text column at a 1280 px window
CSS_PX_PER_INCH = 100  # figures are sized in inches; one inch shows as 100 CSS px
PHONE_PX = 358  # the text column on a 390 px phone (Material keeps 16 px each side)
MIN_TEXT_PX = 12
LABEL_PAD_PX = 2  # room, in display pixels, that a label keeps from other texts' boxes and from curves
LABEL_FRAME_EVERY = 4  # an animation's labels are checked on every 4th frame and on its last
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
FLAT_EDGE = INK  # its outline, so it also shows on a plain background
SECANT = VERMILLION  # a secant line
TANGENT = GREEN  # a tangent (the exact derivative), dashed
PARAMETER = {"b": INK, "w": BLUE}  # curves that belong to one parameter
BATCH_METHOD = {"full": INK, "mini": SKY, "stochastic": ORANGE}  # full-batch, mini-batch, stochastic runs
SURFACE_CMAP = "viridis"  # perceptually uniform, never jet
# The practice chapters (a classifier on the digits): training and validation curves reuse TRAIN
# and VALIDATION; the best rate found by search is MINIMUM's green, an exact limit THRESHOLD's.
RATE_KIND = {"very high": VERMILLION, "high": ORANGE, "good": GREEN, "low": SKY}  # the loss-curve regimes
STAGE = {"coarse": INK, "fine": BLUE}  # the two stages of a coarse-to-fine search
RULE = {"steepest": PURPLE, "minimum": SKY, "valley": BLUE, "slide": VERMILLION}  # the range test's suggestion rules
RATE_CMAP = "cividis"  # a family of runs ordered by their rate (colour-blind safe)

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


def scatter_train(ax: Axes, x: np.ndarray, y: np.ndarray, **kwargs: Any) -> None:
    """Training points as the site draws them everywhere: blue dots with a white rim."""
    ax.scatter(x, y, s=22, color=TRAIN, alpha=0.85, edgecolor="white", linewidth=0.5, **kwargs)


def scatter_validation(ax: Axes, x: np.ndarray, y: np.ndarray, **kwargs: Any) -> None:
    """Validation points: orange triangles with a dark rim."""
    ax.scatter(x, y, s=30, color=VALIDATION, marker="^", edgecolor=INK, linewidth=0.4, **kwargs)


def axis_label(p: Parameter) -> str:
    """``$b$ (bias)``: a parameter's symbol and its role."""
    return f"{p.symbol} ({p.role})"


def new_figure(height: float, layout: Layout = COLUMN, **kwargs: Any) -> Figure:
    """A blank Figure as wide as the layout's column, constrained layout; inches at 100 CSS px each."""
    return Figure(figsize=(layout.width_in, height), layout="constrained", **kwargs)


# How every contour map spaces its levels (surface.bowl_levels), in the words its key or colour bar uses.
LEVELS_RULE = "evenly spaced in √($L - L^*$)"
LEVELS_NOTE = f"contours {LEVELS_RULE}"


def level_norm(levels: np.ndarray) -> BoundaryNorm:
    """One colour per band between successive levels, the same on a map, its colour bar and a 3-D surface."""
    return BoundaryNorm(levels, ncolors=256)


def contour_map(ax: Axes, grid: surface.LossGrid, levels: np.ndarray | None = None, labels: bool = False) -> QuadContourSet:
    """Filled contours of a LossGrid with thin iso-loss lines; returns the filled set.

    Levels default to ``grid.levels()`` (``surface.bowl_levels``: even steps in √(L − L*), so the
    lines are evenly spaced along any ray from the minimum, closer where the bowl curves more
    sharply); pass ``levels`` to share one scale across panels.
    """
    levels = grid.levels() if levels is None else levels
    filled = ax.contourf(grid.b, grid.w, grid.loss, levels=levels, cmap=SURFACE_CMAP, norm=level_norm(levels))
    lines = ax.contour(grid.b, grid.w, grid.loss, levels=levels[1:-1], colors="white", linewidths=0.6, alpha=0.7)
    if labels:
        ax.clabel(lines, inline=True, fontsize=9, fmt="%.3g")
    ax.grid(False)
    return filled


def root_ticks(levels: np.ndarray, bins: int = 5) -> np.ndarray:
    """Round loss values for a colour bar on the √(L − L*) scale: squares of round steps in √L, above the floor."""
    top = float(levels[-1])
    # round positions on the √ axis, e.g. 0, 1, 2, 3, 4 for a top of 20: losses 1, 4, 9, 16
    roots = MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10]).tick_values(0.0, np.sqrt(top))
    ticks = roots**2
    return ticks[(ticks > levels[0]) & (ticks <= top)]


def level_bar(fig: Figure | SubFigure, filled: QuadContourSet, ax: Axes, label: str, bins: int = 5,
              **kwargs: Any) -> Colorbar:
    """A colour bar on the scale the levels are evenly spaced on, √(L − L*), ticked in loss units.

    The bar's own axis is √(L − L*): its bands are equally long, and a tick labelled L sits at
    √(L − L*), so the bar shows exactly how the map's colours and lines are spaced.
    """
    levels = np.asarray(filled.levels, dtype=float)
    roots = surface.level_root(levels, levels)
    scale = ScalarMappable(norm=level_norm(roots), cmap=filled.cmap)
    bar = fig.colorbar(scale, ax=ax, boundaries=roots, spacing="proportional", **kwargs)
    ticks = root_ticks(levels, bins)
    bar.set_ticks(surface.level_root(levels, ticks), labels=[minus(f"{t:g}") for t in ticks])
    bar.minorticks_off()
    bar.set_label(label)
    return bar


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


def _undrawn_tick_labels(fig: Figure) -> set[int]:
    """ids of tick labels whose tick lies outside its axis's view: they exist but are never drawn."""
    hidden = set()
    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis, *([ax.zaxis] if hasattr(ax, "zaxis") else [])):
            # compared where the axis draws them (log10 on a log axis), so a tick a decade below
            # a view that starts at 1e-17 counts as outside it
            scale = axis.get_transform()
            low, high = sorted(scale.transform(np.asarray(axis.get_view_interval(), dtype=float)))
            slack = 1e-9 * max(high - low, 1.0)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                at = scale.transform(np.array([float(tick.get_loc())]))[0]
                if not low - slack <= at <= high + slack:
                    hidden.update((id(tick.label1), id(tick.label2)))
    return hidden


def text_overlaps(fig: Figure, draw: bool = True, pad_px: float = 0.0) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose boxes overlap (each grown by ``pad_px`` display pixels): labels
    that collide. Texts outside the figure are ignored; it is drawn first unless ``draw`` is False."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    if draw:
        canvas.draw()
    renderer = canvas.get_renderer()
    hidden = _undrawn_tick_labels(fig)
    boxes = []
    for t in fig.findobj(Text):
        if id(t) in hidden or not (t.get_visible() and t.get_text().strip() and t.get_figure() is not None):
            continue
        box = t.get_window_extent(renderer).padded(pad_px)
        if box.width > 0 and box.height > 0 and box.overlaps(fig.bbox):
            boxes.append((t.get_text(), box))
    return [(a, b) for k, (a, box_a) in enumerate(boxes) for b, box_b in boxes[k + 1:] if box_a.overlaps(box_b)]


def texts_over_lines(fig: Figure, draw: bool = True, pad_px: float = 0.0) -> list[tuple[str, str]]:
    """(text, line label) for every text placed in an axes (``ax.text``, a contour label) whose box,
    grown by ``pad_px`` display pixels, covers a drawn point of a line of the same axes: a label
    sitting on a curve."""

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    if draw:
        canvas.draw()
    renderer = canvas.get_renderer()
    found = []
    for ax in fig.get_axes():
        lines = [line for line in ax.get_lines() if line.get_visible() and len(line.get_xdata())]
        for t in ax.texts:
            if not (t.get_visible() and t.get_text().strip()):
                continue
            patch = t.get_bbox_patch()  # a label's box, where it has one, is what covers the curve
            box = (patch.get_window_extent(renderer) if patch is not None else t.get_window_extent(renderer)).padded(pad_px)
            for line in lines:
                points = line.get_transform().transform(line.get_xydata())
                inside = (points[:, 0] >= box.x0) & (points[:, 0] <= box.x1) & (points[:, 1] >= box.y0) & (points[:, 1] <= box.y1)
                if inside.any():
                    found.append((t.get_text(), str(line.get_label())))
    return found


def texts_outside(fig: Figure) -> list[str]:
    """Drawn texts that reach past the figure's edge (a title cut off on a phone), by their string.
    The figure must have been drawn."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    renderer, hidden, edge = canvas.get_renderer(), _undrawn_tick_labels(fig), fig.bbox.padded(1.0)
    return [t.get_text() for t in fig.findobj(Text)
            if id(t) not in hidden and t.get_visible() and t.get_text().strip() and t.get_figure() is not None
            and not _within(t.get_window_extent(renderer), edge)]


def _within(box: Any, edge: Any) -> bool:
    return edge.x0 <= box.x0 and box.x1 <= edge.x1 and edge.y0 <= box.y0 and box.y1 <= edge.y1


def label_problems(fig: Figure, pad_px: float = LABEL_PAD_PX) -> list[str]:
    """Every way the drawn figure's labels fail a reader, one line each: two texts that overlap, a
    label within ``pad_px`` of a curve, a text cut off at the edge. A title's empty last row, kept for a counter drawn
    there, is not a collision. The figure must have been drawn; an empty list means all clear."""
    overlaps = [(a, b) for a, b in text_overlaps(fig, draw=False)
                if not (a.endswith("\n") or b.endswith("\n"))]
    return ([f"texts overlap: {a!r} and {b!r}" for a, b in overlaps]
            + [f"label on a curve: {t!r} on {line!r}" for t, line in texts_over_lines(fig, draw=False, pad_px=pad_px)]
            + [f"text cut off at the edge: {t!r}" for t in texts_outside(fig)])
