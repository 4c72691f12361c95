"""Figures of "How big is too big": the Hessian's axes on the three contour maps, and the sweep of
gradient-descent runs across 2/λ_max. Layout only: every number and curve drawn comes from the
chapter's result objects."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patheffects import withStroke

from gdsim import model
from gdsim.draw.style import (
    COLUMN,
    CURVE,
    FLAT,
    INK,
    LOSS_DOWN,
    LOSS_UP,
    MINIMUM,
    START,
    STEEP,
    THRESHOLD,
    Layout,
    contour_map,
    mark_point,
    minus,
    new_figure,
)

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.how_big import AxesView, SweepView

# A new role, this figure only: the one contour both eigenvector arrows reach (the page calls it orange).
REACHED_CONTOUR = THRESHOLD
# White needs an outline to show in a legend on the page background.
OUTLINED = [withStroke(linewidth=4.2, foreground=INK)]
TITLES = {"original": "Original feature $x$", "bad": "Bad feature $10x$", "standardized": "Standardized $z$"}


def _axis_label(name: str) -> str:
    p = model.BY_NAME[name]
    return f"{p.symbol} ({p.role})"


def hessian_axes_maps(view: AxesView, layout: Layout = COLUMN) -> Figure:
    """Contour maps of the three problems with the Hessian's eigenvectors drawn from the minimum
    (side by side; one under another on a phone, each map on its own axes)."""
    narrow = layout.narrow
    fig = new_figure(layout.height(3.3, 10.4), layout)
    axes = fig.subplots(*layout.grid(1, 3))
    for ax, found in zip(axes, view.maps):
        grid = found.grid
        contour_map(ax, grid)
        ax.contour(grid.b, grid.w, grid.loss, levels=[found.level], colors=[REACHED_CONTOUR], linewidths=2.0)
        for i, colour in ((0, FLAT), (1, STEEP)):
            # the whole axis, thin and dashed, then the arrow that reaches the orange contour
            ax.plot(*found.lines[i], color=colour, linewidth=0.9, linestyle="--", alpha=0.8, zorder=4)
            ax.annotate("", xy=found.tips[:, i], xytext=found.solution,
                        arrowprops=dict(arrowstyle="-|>", color=colour, lw=2.2, shrinkA=0, shrinkB=0,
                                        mutation_scale=12), zorder=6)
        mark_point(ax, found.solution, MINIMUM, None, marker="*", size=13)
        ax.set_aspect("equal")
        ax.set_xlim(grid.b[0], grid.b[-1])
        ax.set_ylim(grid.w[0], grid.w[-1])
        ax.set_xlabel(_axis_label("b"), labelpad=1)
        lam_min, lam_max = found.eigenvalues[0], found.eigenvalues[-1]
        if found.round_bowl:
            numbers = f"$\\lambda$ = {lam_max:.3g} both ways"
        else:
            numbers = f"$\\lambda_{{\\min}}$ {lam_min:.3g}, $\\lambda_{{\\max}}$ {lam_max:.3g}"
        kappa = f"$\\kappa$ = {found.kappa:.3g}"
        # a phone map is as wide as the column's three: the name and κ fit on one line
        title = f"{TITLES[found.name]}: {kappa}\n{numbers}" if narrow else f"{TITLES[found.name]}\n{numbers}\n{kappa}"
        ax.set_title(minus(title), fontsize=9.5)
    for ax in axes if narrow else axes[:1]:
        ax.set_ylabel(_axis_label("w"))
    handles = [
        Line2D([], [], color=FLAT, linewidth=2.4, path_effects=OUTLINED),
        Line2D([], [], color=STEEP, linewidth=2.4),
        Line2D([], [], color=REACHED_CONTOUR, linewidth=2.0),
        Line2D([], [], color=MINIMUM, marker="*", markersize=12, markeredgecolor="white", linestyle="none"),
    ]
    labels = ["flat axis ($\\lambda_{\\min}$)", "steep axis ($\\lambda_{\\max}$)", "the contour both reach", "minimum"]
    title = ("Arrows along the Hessian's eigenvectors;", "contours evenly spaced in √loss,", "each map its own colour scale")
    fig.legend(handles, labels, loc="outside lower center", ncols=2 if narrow else 4, handlelength=1.8,
               columnspacing=1.2, title=("\n" if narrow else " ").join(title), title_fontsize=9)
    return fig


def threshold_sweep(view: SweepView, layout: Layout = COLUMN) -> Figure:
    """Loss after a fixed number of steps against η/(2/λ_max), one row per problem on shared axes
    (stacked in both layouts; on a phone the titles, the x label and the legend wrap)."""
    narrow = layout.narrow
    fig = new_figure(layout.height(5.5, 8.9), layout)
    axes = fig.subplots(len(view.sweeps), 1, sharex=True, sharey=True)
    finite_top = max(np.max(s.losses[np.isfinite(s.losses)]) for s in view.sweeps)
    top = finite_top * 300
    floor = min(s.best_loss for s in view.sweeps) / 3
    right = max(s.ratios.max() for s in view.sweeps) + 0.03
    for ax, s in zip(axes, view.sweeps):
        stable = ~s.unstable
        finite = np.isfinite(s.losses)
        ax.axvspan(s.boundary_ratio, right, color=LOSS_UP, alpha=0.08, linewidth=0)
        ax.axhline(s.start_loss, color=START, linestyle=":", linewidth=1.4, label="loss at the start")
        ax.axhline(s.best_loss, color=MINIMUM, linestyle="--", linewidth=1.3, label="least-squares loss")
        ax.plot(s.ratios[finite], s.losses[finite], "-", color=CURVE, linewidth=0.9, alpha=0.5, zorder=2)
        ax.plot(s.ratios[stable], s.losses[stable], "o", color=LOSS_DOWN, markersize=2.8, zorder=3,
                label="stable: ended below its start")
        grew = s.unstable & finite
        ax.plot(s.ratios[grew], s.losses[grew], "o", color=LOSS_UP, markersize=4, zorder=3,
                label="ended above its start")
        ax.plot(s.ratios[s.diverged], np.full(int(s.diverged.sum()), top / 8), "x", color=LOSS_UP, markersize=4,
                markeredgewidth=1.2, zorder=3, label="diverged (run stopped)")
        ax.axvline(1.0, color=THRESHOLD, linewidth=2.2, zorder=1, label="predicted: $\\eta = 2/\\lambda_{\\max}$")
        ax.set_yscale("log")
        ax.set_yticks([1e-2, 1e0, 1e2, 1e4])
        # one line in the column; on a phone, one line per number
        parts = (f"{TITLES[s.name]}: predicted {s.threshold:.4g}", f"last stable run {s.last_stable:.4g}",
                 f"first unstable {s.first_unstable:.4g}")
        title = f"{parts[0]}\n{parts[1]},\n{parts[2]}" if narrow else f"{parts[0]}; {parts[1]}, {parts[2]}"
        ax.set_title(minus(title), loc="left", fontsize=9.5)
    axes[0].set_ylim(floor, top)
    axes[0].set_xlim(0, right)
    axes[-1].set_xlabel("learning rate as a share of the limit," + ("\n" if narrow else " ")
                        + "$\\eta \\,/\\, (2/\\lambda_{\\max})$")
    fig.supylabel(f"loss after {view.steps} steps (log scale)", fontsize=10)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=1 if narrow else 3)
    return fig
