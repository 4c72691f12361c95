"""Figures of "The loss surface": the bowl in 3-D and from above, and the two cross-sections."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.patheffects as path_effects
from matplotlib.axes import Axes
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from gdsim.draw.style import (
    COLUMN,
    CURVE,
    LEVELS_RULE,
    MINIMUM,
    START,
    SURFACE_CMAP,
    Layout,
    axis_label,
    contour_map,
    level_bar,
    level_norm,
    mark_point,
    minus,
    new_figure,
)

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    import numpy as np

    from gdsim.chapters.loss_surface import CutView, SurfaceView

# The colour bar's label: its ticks are losses, its scale √(L − L*), the scale the levels are even on.
LEVELS_NOTE = f"loss (MSE), square-root scale:\nlevels {LEVELS_RULE}"
STAR_SIZE = 15.0
# The 3-D w label sits this far out (points), clear of the w axis's tick labels.
W_LABEL_PAD = 10
# The cut drawn on a map is the cross-section's curve: the curve colour, with a white rim on dark fills.
CUT_RIM = [path_effects.withStroke(linewidth=3.4, foreground="white")]


def _point_label(what: str, theta: np.ndarray, loss: float) -> str:
    """``random start: b = 0.50, w = −0.14`` and its loss on a second line."""
    return f"{what}\n{minus(f'$b$ = {theta[0]:.2f}, $w$ = {theta[1]:.2f}, loss {loss:.2f}')}"


def loss_map(ax: Axes, view: SurfaceView) -> QuadContourSet:
    """The contour map of a SurfaceView with its axes named; returns the filled set for a colour bar."""
    filled = contour_map(ax, view.grid, levels=view.levels)
    b, w = view.parameters
    ax.set_xlabel(axis_label(b))
    ax.set_ylabel(axis_label(w))
    ax.set_aspect("equal")
    return filled


def surface_and_contours(view: SurfaceView, layout: Layout = COLUMN) -> Figure:
    """The loss surface in 3-D above its contour map, the minimum and the start marked at their heights.

    The column puts the key beside the map. A phone stacks surface, map and key, each in a subfigure of
    its own so the map's colour bar does not narrow the surface above it.
    """
    fig = new_figure(layout.height(5.6, 6.9), layout)
    if layout.narrow:
        top, middle, bottom = fig.subfigures(3, 1, height_ratios=[3.0, 2.95, 0.95])
        # Placed by hand: the layout engine does not see the 3-D labels, and the z label would fall off
        # the right edge. The box is shifted left into the empty corner of the projection.
        ax3d = top.add_axes((-0.065, 0.0, 0.97, 0.92), projection="3d", computed_zorder=False)
        map_figure, ax2d = middle, middle.add_subplot()
        ax_key = bottom.add_subplot()
    else:
        grid_spec = fig.add_gridspec(2, 2, height_ratios=[1.15, 1], width_ratios=[1.4, 1])
        ax3d = fig.add_subplot(grid_spec[0, :], projection="3d", computed_zorder=False)
        map_figure, ax2d = fig, fig.add_subplot(grid_spec[1, 0])
        ax_key = fig.add_subplot(grid_spec[1, 1])
    b_values, w_values = view.grid.mesh()
    # The same banded colours as the map and its colour bar: one scale for both views.
    ax3d.plot_surface(b_values, w_values, view.grid.loss, cmap=SURFACE_CMAP, norm=level_norm(view.levels),
                      rstride=2, cstride=2, linewidth=0, antialiased=True, alpha=0.85)
    marks = ((view.solution, view.solution_loss, MINIMUM, "*", 220), (view.start, view.start_loss, START, "o", 70))
    for theta, height, color, marker, size in marks:
        # A stem from the floor makes the marker's true height readable.
        ax3d.plot([theta[0]] * 2, [theta[1]] * 2, [0, height], color=color, linewidth=1.5, zorder=9)
        ax3d.scatter([theta[0]], [theta[1]], [height], color=color, marker=marker, s=size, edgecolor="white",
                     depthshade=False, zorder=10)
    b, w = view.parameters
    ax3d.set_xlabel(axis_label(b), labelpad=1)
    ax3d.set_ylabel(axis_label(w), labelpad=W_LABEL_PAD)
    ax3d.set_zlabel("loss (MSE)", labelpad=1)
    for axis in (ax3d.xaxis, ax3d.yaxis, ax3d.zaxis):
        axis.set_major_locator(MaxNLocator(5, integer=True))
    ax3d.tick_params(pad=0, labelsize=9)
    ax3d.view_init(elev=28, azim=-60)
    # Less zoom on a phone: there the axes fill the width, and the z label must stay inside it.
    ax3d.set_box_aspect((1.6, 1.6, 0.8), zoom=layout.height(1.25, 1.05))
    ax3d.set_title("The loss surface")

    filled = loss_map(ax2d, view)
    mark_point(ax2d, view.solution, MINIMUM, None, marker="*", size=STAR_SIZE)
    mark_point(ax2d, view.start, START, None)
    ax2d.set_title("Seen from above:\nthe contour map" if layout.narrow else "Seen from above: the contour map")
    level_bar(map_figure, filled, ax2d, LEVELS_NOTE)
    handles = [
        Line2D([], [], marker="*", color=MINIMUM, markersize=STAR_SIZE, markeredgecolor="white", linestyle="none",
               label=_point_label("least-squares minimum", view.solution, view.solution_loss)),
        Line2D([], [], marker="o", color=START, markersize=9, markeredgecolor="white", linestyle="none",
               label=_point_label("random start", view.start, view.start_loss)),
    ]
    ax_key.axis("off")
    if layout.narrow:
        ax_key.legend(handles=handles, loc="center", ncols=1, labelspacing=0.8, handletextpad=0.5, borderaxespad=0)
    else:
        ax_key.legend(handles=handles, loc="center left", labelspacing=1.4, handletextpad=0.5, borderaxespad=0)
    return fig


def cross_section(view: CutView, layout: Layout = COLUMN) -> Figure:
    """The contour map with the cut drawn, and the loss along the cut with the start and its lowest point:
    side by side in the column (map left), stacked on a phone (map on top, in a subfigure of its own so
    its colour bar does not narrow the cut below)."""
    fig = new_figure(layout.height(3.3, 5.9), layout)
    if layout.narrow:
        top, bottom = fig.subfigures(2, 1, height_ratios=[2.9, 3.0])
        map_figure, ax_map, ax_cut = top, top.add_subplot(), bottom.add_subplot()
    else:
        fig.get_layout_engine().set(wspace=0.06)  # keep the colour bar's label clear of the cut's loss axis
        ax_map, ax_cut = fig.subplots(1, 2, width_ratios=[1, 1.15])
        map_figure = fig
    filled = loss_map(ax_map, view.map)
    fixed_value = view.snapped[view.fixed.index]
    draw_line = ax_map.axvline if view.fixed.name == "b" else ax_map.axhline
    draw_line(fixed_value, color=CURVE, linewidth=1.6, path_effects=CUT_RIM)
    mark_point(ax_map, view.map.solution, MINIMUM, None, marker="*", size=13)
    mark_point(ax_map, view.snapped, START, None)
    fixed = minus(f"{view.fixed.symbol} = {fixed_value:.2f}")
    ax_map.set_title(f"The cut at {fixed}")
    level_bar(map_figure, filled, ax_map, LEVELS_NOTE, pad=0.02)

    section = view.section
    ax_cut.plot(section.values, section.loss, color=CURVE)
    ax_cut.annotate("", xy=(view.lowest_value, view.start_loss), xytext=(view.start_value, view.start_loss),
                    arrowprops=dict(arrowstyle="->", color=START, lw=1.6, shrinkA=6, shrinkB=0))
    ax_cut.plot([view.start_value], [view.start_loss], "o", color=START, markersize=9, markeredgecolor="white",
                label="start, snapped to the grid", zorder=5)
    ax_cut.plot([view.lowest_value], [view.lowest_loss], "D", color=CURVE, markersize=7, markeredgecolor="white",
                label=minus(f"lowest point, {view.varied.symbol} = {view.lowest_value:.2f}"), zorder=5)
    ax_cut.set_xlim(section.values[0], section.values[-1])
    low, high = view.loss_range
    ax_cut.set_ylim(low - 0.03 * (high - low), high * 1.03)
    ax_cut.set_xlabel(axis_label(view.varied))
    ax_cut.set_ylabel("loss (MSE)")
    ax_cut.set_title(f"Loss along {view.varied.symbol} with {fixed}")
    ax_cut.legend(loc="upper right")
    return fig
