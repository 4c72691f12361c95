"""Figures of "How big is too big": the Hessian's axes on the three contour maps, the error along
each axis step by step, and the sweep of gradient-descent runs across 2/λ_max. Layout only: every
number and curve drawn comes from the chapter's result objects."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerPatch
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch
from matplotlib.patheffects import withStroke

from gdsim import model
from gdsim.draw.style import (
    COLUMN,
    CURVE,
    FLAT,
    FLAT_EDGE,
    INK,
    LABEL_BOX,
    LEVELS_NOTE,
    LOSS_DOWN,
    LOSS_UP,
    MINIMUM,
    MUTED,
    START,
    STEEP,
    TEXT,
    THRESHOLD,
    Layout,
    contour_map,
    mark_point,
    minus,
    new_figure,
)

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.how_big import AxesView, AxisErrorsView, SweepView

# A new role, this figure only: the one contour both eigenvector arrows reach (the page calls it orange).
REACHED_CONTOUR = THRESHOLD
# White needs an outline to show in a legend on the page background.
OUTLINED = [withStroke(linewidth=4.2, foreground=INK)]
TITLES = {"original": "Original feature $x$", "bad": "Bad feature $10x$", "standardized": "Standardized $z$"}
# The standardized problem's parameters are b_z and w_z (the line b_z + w_z·z), not b and w.
SUBSCRIPT = {"standardized": "z"}
RATE_TITLES = {"small": "small", "big": "big", "best": "best fixed step"}


def _axis_label(name: str, problem: str = "original") -> str:
    """``$b$ (bias)``, or ``$b_z$ (bias)`` on the standardized problem."""
    p = model.BY_NAME[name]
    sub = SUBSCRIPT.get(problem)
    symbol = f"${p.name}_{sub}$" if sub else p.symbol
    return f"{symbol} ({p.role})"


def _arrow_handle(legend: Legend, orig_handle: Artist, xdescent: float, ydescent: float, width: float,
                  height: float, fontsize: float) -> FancyArrow:
    """A legend key drawn as a small arrow in the handle's colours."""
    return FancyArrow(-xdescent, height / 2 - ydescent, width, 0, width=height * 0.28, head_width=height * 0.9,
                      head_length=height * 0.8, length_includes_head=True)


def hessian_axes_maps(view: AxesView, layout: Layout = COLUMN) -> Figure:
    """Contour maps of the three problems with the Hessian's eigenvectors drawn from the minimum
    (side by side; one under another on a phone, each map on its own axes)."""
    narrow = layout.narrow
    fig = new_figure(layout.height(3.75, 11.3), layout)
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
        mark_point(ax, found.solution, MINIMUM, None, marker="*", size=11)
        ax.set_aspect("equal")
        ax.set_xlim(grid.b[0], grid.b[-1])
        ax.set_ylim(grid.w[0], grid.w[-1])
        ax.set_xlabel(_axis_label("b", found.name), labelpad=1)
        lam_min, lam_max = found.eigenvalues[0], found.eigenvalues[-1]
        if found.round_bowl:
            numbers = f"$\\lambda$ = {lam_max:.3g} both ways"
        else:
            numbers = f"$\\lambda_{{\\min}}$ {lam_min:.3g}, $\\lambda_{{\\max}}$ {lam_max:.3g}"
        kappa = f"$\\kappa$ = {found.kappa:.3g}"
        # a phone map is as wide as the column's three: the name and κ fit on one line
        title = f"{TITLES[found.name]}: {kappa}\n{numbers}" if narrow else f"{TITLES[found.name]}\n{numbers}\n{kappa}"
        ax.set_title(minus(title), fontsize=9.5)
    # every map names its w axis where its parameters are not those of the first map (b_z, w_z)
    for k, (ax, found) in enumerate(zip(axes, view.maps)):
        if narrow or k == 0 or found.name in SUBSCRIPT:
            ax.set_ylabel(_axis_label("w", found.name), labelpad=1)
    arrows = HandlerPatch(patch_func=_arrow_handle)
    handles = [
        Patch(facecolor=FLAT, edgecolor=FLAT_EDGE, linewidth=1.0),
        Patch(facecolor=STEEP, edgecolor=STEEP),
        Line2D([], [], color=MUTED, linewidth=1.2, linestyle="--"),
        Line2D([], [], color=REACHED_CONTOUR, linewidth=2.0),
        Line2D([], [], color=MINIMUM, marker="*", markersize=11, markeredgecolor="white", linestyle="none"),
    ]
    labels = ["flat eigenvector ($\\lambda_{\\min}$)", "steep eigenvector ($\\lambda_{\\max}$)", "its whole axis",
              "the contour both reach", "minimum"]
    # two lines in the column, three on a phone
    title = (("Arrows along the Hessian's eigenvectors,", f"length ∝ 1/√λ; {LEVELS_NOTE},",
              "each map its own colour scale") if narrow else
             ("Arrows along the Hessian's eigenvectors, length ∝ 1/√λ;",
              f"{LEVELS_NOTE}, each map its own colour scale"))
    fig.legend(handles, labels, loc="outside lower center", ncols=1 if narrow else 3, handlelength=2.2,
               columnspacing=1.2, handler_map={handles[0]: arrows, handles[1]: arrows},
               title="\n".join(title), title_fontsize=9)
    return fig


def error_along_axes(view: AxisErrorsView, layout: Layout = COLUMN) -> Figure:
    """The error split along the flat and the steep eigenvector, step by step, one panel per learning
    rate on shared axes (side by side; stacked on a phone): dots from the run, dashed the closed-form
    size ±|1 − ηλ|ᵏ·|v·δ₀|."""
    narrow = layout.narrow
    fig = new_figure(layout.height(3.9, 8.4), layout)
    axes = fig.subplots(*layout.grid(1, len(view.runs)), sharex=True, sharey=True)
    k = np.arange(view.steps + 1)
    styles = ((0, FLAT, FLAT_EDGE, "flat"), (1, STEEP, STEEP, "steep"))
    for ax, run in zip(axes, view.runs):
        ax.axhline(0, color=MINIMUM, linewidth=1.3, zorder=1)
        for i, face, edge, _ in styles:
            envelope = run.envelope[:, i]
            # the closed form's size on the side the error starts, and on both once the factor flips it
            sides = (-1, 1) if run.factors[i] < 0 else (np.sign(run.errors[0, i]),)
            for side in sides:
                ax.plot(k, side * envelope, "--", color=edge, linewidth=1.0, alpha=0.8, zorder=2)
            ax.plot(k, run.errors[:, i], "-", color=edge, linewidth=1.0, alpha=0.7, zorder=3)
            ax.plot(k, run.errors[:, i], "o", color=face, markeredgecolor=edge, markeredgewidth=0.9,
                    markersize=3.6, zorder=4)
        rate = "$\\eta^*$ = " if run.rate == "best" else "$\\eta$ = "
        factors = f"flat ×{run.factors[0]:.3f}, steep ×{run.factors[1]:.3f}"
        ax.set_title(minus(f"{rate}{run.lr:.3g} ({RATE_TITLES[run.rate]})\n{factors}"), fontsize=9.5)
        # a little room left of step 0, so the starting dots clear the axis
        ax.set_xlim(-0.02 * view.steps, view.steps + 0.5)
    for ax in axes if narrow else axes[:1]:
        ax.set_ylabel("error along the eigenvector")
    for ax in axes[-1:] if narrow else axes:
        ax.set_xlabel("step $k$")
    lam_min, lam_max = view.eigenvalues[0], view.eigenvalues[-1]
    handles = [
        Line2D([], [], color=FLAT_EDGE, linewidth=1.0, marker="o", markerfacecolor=FLAT, markeredgecolor=FLAT_EDGE),
        Line2D([], [], color=STEEP, linewidth=1.0, marker="o"),
        Line2D([], [], color=MUTED, linewidth=1.0, linestyle="--"),
        Line2D([], [], color=MINIMUM, linewidth=1.3),
    ]
    labels = [minus(f"flat direction, $\\lambda_{{\\min}}$ = {lam_min:.3g}"),
              minus(f"steep direction, $\\lambda_{{\\max}}$ = {lam_max:.3g}"),
              "closed form: $\\pm|1 - \\eta\\lambda|^k \\, |v \\cdot \\delta_0|$", "0: the minimum"]
    fig.legend(handles, labels, loc="outside lower center", ncols=1 if narrow else 2,
               title="Dots: a real run of gradient descent," + ("\n" if narrow else " ")
               + "$v \\cdot \\delta_k$ with $\\delta_k = \\theta_k - \\theta^*$",
               title_fontsize=9)
    return fig


def threshold_sweep(view: SweepView, layout: Layout = COLUMN) -> Figure:
    """Loss after a fixed number of steps against η on one log axis, one row per problem on shared
    axes, so the three limits 2/λ_max sit side by side (stacked in both layouts; on a phone the
    titles, the x label and the legend wrap)."""
    narrow = layout.narrow
    fig = new_figure(layout.height(5.8, 9.4), layout)
    axes = fig.subplots(len(view.sweeps), 1, sharex=True, sharey=True)
    finite_top = max(np.max(s.losses[np.isfinite(s.losses)]) for s in view.sweeps)
    top = finite_top * 300
    floor = min(s.best_loss for s in view.sweeps) / 3
    left = min(s.lrs.min() for s in view.sweeps) / 1.4
    right = max(s.lrs.max() for s in view.sweeps) * 1.4
    limits = [s.threshold for s in view.sweeps]
    for ax, s in zip(axes, view.sweeps):
        stable = ~s.unstable
        finite = np.isfinite(s.losses)
        ax.axvspan(s.boundary, right, color=LOSS_UP, alpha=0.08, linewidth=0)
        # every panel shows all three limits: its own in orange, the others thin and grey
        for limit in limits:
            if limit != s.threshold:
                ax.axvline(limit, color=MUTED, linewidth=1.0, linestyle=(0, (1, 2)), zorder=1,
                           label="the other data sets' limits")
        ax.axhline(s.start_loss, color=START, linestyle=":", linewidth=1.4, label="loss at the start")
        ax.axhline(s.best_loss, color=MINIMUM, linestyle="--", linewidth=1.3, label="least-squares loss")
        ax.plot(s.lrs[finite], s.losses[finite], "-", color=CURVE, linewidth=0.9, alpha=0.5, zorder=2)
        ax.plot(s.lrs[stable], s.losses[stable], "o", color=LOSS_DOWN, markersize=2.8, zorder=3,
                label="stable: ended below its start")
        grew = s.unstable & finite
        ax.plot(s.lrs[grew], s.losses[grew], "o", color=LOSS_UP, markersize=4, zorder=3,
                label="ended above its start")
        ax.plot(s.lrs[s.diverged], np.full(int(s.diverged.sum()), top / 8), "x", color=LOSS_UP, markersize=4,
                markeredgewidth=1.2, zorder=3, label="diverged (run stopped)")
        ax.axvline(s.threshold, color=THRESHOLD, linewidth=2.2, zorder=1,
                   label="predicted limit $\\eta = 2/\\lambda_{\\max}$")
        # the limit's value left of its line, halfway up, where the stable runs leave the panel empty
        ax.annotate(minus(f"{s.threshold:.3g}"), (s.threshold, 0.62), xycoords=ax.get_xaxis_transform(),
                    xytext=(-5, 0), textcoords="offset points", ha="right", va="center", fontsize=9.5,
                    color=TEXT[THRESHOLD], fontweight="bold", bbox=LABEL_BOX)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_yticks([1e-2, 1e0, 1e2, 1e4])
        # one line in the column; on a phone, one line per number
        parts = (f"{TITLES[s.name]}: predicted {s.threshold:.4g}", f"last stable run {s.last_stable:.4g}",
                 f"first unstable {s.first_unstable:.4g}")
        title = f"{parts[0]}\n{parts[1]},\n{parts[2]}" if narrow else f"{parts[0]}; {parts[1]}, {parts[2]}"
        ax.set_title(minus(title), loc="left", fontsize=9.5)
    axes[0].set_ylim(floor, top)
    axes[0].set_xlim(left, right)
    axes[-1].set_xlabel("learning rate $\\eta$ (log scale)")
    fig.supylabel(f"loss after {view.steps} steps (log scale)", fontsize=10)
    # the legend of a panel that shows every kind of mark, each label once
    handles, labels = axes[0].get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    fig.legend(unique.values(), unique.keys(), loc="outside lower center", ncols=1 if narrow else 3)
    return fig
