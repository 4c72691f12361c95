"""Figures of "One parameter": tangents of θ², the step story, the same step on a steeper bowl, the
four regimes (an animation), and how many steps each learning rate needs. Layout only: every number and curve drawn comes
from the chapter's result objects."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator
from numpy.typing import ArrayLike

from gdsim.draw.frames import Movie
from gdsim.draw.style import (
    COLUMN,
    CURVE,
    INK,
    LABEL_BOX,
    LOSS_DOWN,
    LOSS_UP,
    MINIMUM,
    MUTED,
    SKY,
    START,
    TANGENT,
    TEXT,
    THRESHOLD,
    Layout,
    minus,
    new_figure,
)
from gdsim.quadratic import Regime

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.one_parameter import Curve, Regimes, SteeperBowl, StepCounts, StepStory, TangentsView, Walk

# A new role, this chapter only: one colour per regime of θ², in the animation and the step counts
# alike. Converging regimes are blues (monotone as a step that lowers the loss), η = 2/L'' is the
# threshold colour, and diverging is the colour of a loss that goes up.
REGIME = {Regime.MONOTONE: LOSS_DOWN, Regime.OSCILLATING: SKY, Regime.BOUNCING: THRESHOLD, Regime.DIVERGING: LOSS_UP}
REGIME_NAMES = {Regime.MONOTONE: "monotone", Regime.OSCILLATING: "oscillating", Regime.BOUNCING: "bouncing",
                Regime.DIVERGING: "diverging"}
X_LABEL = "$\\theta$ (the one parameter)"


def _power_of_ten(value: float) -> str:
    """$10^{-6}$ for 1e-6; any other number as it formats."""
    exponent = round(math.log10(value))
    if not math.isclose(10.0**exponent, value):
        return f"{value:g}"
    return f"$10^{{{exponent}}}$"


def _curve(ax: Axes, curve: Curve, **kwargs) -> None:
    ax.plot(curve.theta, curve.value, color=CURVE, linewidth=1.8, zorder=2, **kwargs)
    ax.set_xlim(curve.theta[0], curve.theta[-1])


def _dot(ax: Axes, x: ArrayLike, y: ArrayLike, colour: str, size: float = 8.0, **kwargs) -> None:
    ax.plot(x, y, "o", color=colour, markersize=size, markeredgecolor="white", markeredgewidth=1.2, zorder=5,
            linestyle="none", **kwargs)


def _pair(fig: Figure, layout: Layout, ratios: tuple[float, float] | None = None,
          share_x: bool = False) -> tuple[Axes, Axes]:
    """Two panels side by side in the column, one under the other on a phone (``ratios`` are their
    widths, or heights once stacked). ``share_x``: on a phone, where the two are stacked, they share
    the x axis and only the lower one prints its tick labels."""
    rows, cols = layout.grid(1, 2)
    ratio = {("height_ratios" if layout.narrow else "width_ratios"): ratios} if ratios else {}
    first, second = fig.subplots(rows, cols, sharex=share_x and layout.narrow, **ratio)
    return first, second


def parabola_tangents(view: TangentsView, layout: Layout = COLUMN) -> Figure:
    """θ² with its tangents at a few points, and the slope 2θ turned into a move against it
    (side by side; stacked on a phone, on one x axis, so each slope sits under its tangent)."""
    fig = new_figure(layout.height(3.7, 6.4), layout)
    ax, ax_slope = _pair(fig, layout, ratios=None if layout.narrow else (1.15, 1), share_x=True)
    _curve(ax, view.parabola)
    green = TEXT[TANGENT]
    for t in view.tangents:
        ax.plot(t.line.theta, t.line.value, color=TANGENT, linewidth=1.6, linestyle="--", zorder=3)
        _dot(ax, [t.theta0], [t.loss], TANGENT)
        # labels go where neither the curve nor the tangent runs: below-left of a falling tangent,
        # below-right of a gently rising one, left of a steep one
        if t.slope < 0:  # close to the point on a phone, where the axis leaves little room on the left
            offset, ha, va = (-2 if layout.narrow else -10, -10), "right", "top"
        elif t.slope < 8:
            offset, ha, va = (10, -10), "left", "top"
        else:
            offset, ha, va = (-12, 0), "right", "center"
        ax.annotate(minus(f"$\\theta$ = {t.theta0:g}\nslope {t.slope:g}"), (t.theta0, t.loss), xytext=offset,
                    textcoords="offset points", ha=ha, va=va, fontsize=9, color=green)
    ax.set_ylim(-5, view.parabola.value.max() * 1.05)
    if not layout.narrow:  # stacked, the lower panel labels the shared x axis
        ax.set_xlabel(X_LABEL)
    ax.set_ylabel("loss $L(\\theta) = \\theta^2$")
    ax.set_title("$\\theta^2$ and its tangents\nat three points")

    _curve(ax_slope, view.slope_line, label="slope $2\\theta$")
    ax_slope.axhline(0, color=MUTED, linewidth=0.9)
    blue = TEXT[LOSS_DOWN]
    for t in view.tangents:
        _dot(ax_slope, [t.theta0], [t.slope], TANGENT)
        # the move is drawn as an arrow below the point, its value under the arrow and to the right,
        # where the rising line leaves room
        y = t.slope - 3.5
        ax_slope.annotate("", xy=(t.theta0 + t.move, y), xytext=(t.theta0, y),
                          arrowprops=dict(arrowstyle="-|>", color=LOSS_DOWN, lw=2.0, shrinkA=0, shrinkB=0))
        ax_slope.text(min(t.theta0, t.theta0 + t.move), y - 0.9, minus(f"move {t.move:+.1f}"), ha="left", va="top",
                      fontsize=9, color=blue, bbox=LABEL_BOX, zorder=6)
    ax_slope.set_ylim(view.slope_line.value[0] - 4, view.slope_line.value[-1] + 2)
    ax_slope.set_xlabel(X_LABEL if layout.narrow else "$\\theta$")
    ax_slope.set_ylabel("slope $L'(\\theta)$")
    ax_slope.set_title(f"The slope $2\\theta$, and the move\n$-\\eta$ × slope with $\\eta$ = {view.lr:g}")
    ax_slope.legend(loc="upper left")
    return fig


def _hop(ax: Axes, x0: float, y0: float, x1: float, y1: float, colour: str, rad: float) -> None:
    ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.6, connectionstyle=f"arc3,rad={rad}",
                                shrinkA=4, shrinkB=4))


def _walk_dots(ax: Axes, walk: Walk, bend: float) -> list[str]:
    """The start as a START dot, each landing coloured by whether its step lowered or raised the loss.

    ``bend`` is the arc of a step to the left (a step to the right bends the other way)."""
    colours = [LOSS_UP if rose else LOSS_DOWN for rose in walk.rose]
    xs, losses = walk.positions, walk.losses
    for k, colour in enumerate(colours):
        rad = bend if xs[k + 1] < xs[k] else -bend
        _hop(ax, xs[k], losses[k], xs[k + 1], losses[k + 1], colour, rad)
        _dot(ax, [xs[k + 1]], [losses[k + 1]], colour, size=7.5)
    _dot(ax, [xs[0]], [losses[0]], START, size=8.5)
    return colours


def step_story(story: StepStory, layout: Layout = COLUMN) -> Figure:
    """First, fixed steps of 1 and then 5 from θ = 2; second, steps of η × slope from the same start
    (side by side; stacked on a phone, each on its own axes)."""
    fig = new_figure(layout.height(3.8, 6.6), layout)
    ax_fixed, ax_lr = _pair(fig, layout)

    walk = story.fixed
    _curve(ax_fixed, walk.bowl)
    colours = _walk_dots(ax_fixed, walk, bend=-0.4)
    xs, losses = walk.positions, walk.losses
    offsets = {0: (10, -4, "left", "top"), 1: (6, -8, "left", "top"), 2: (9, 0, "left", "center")}
    for k, (x, loss) in enumerate(zip(xs, losses)):
        dx, dy, ha, va = offsets.get(k, (8, 0, "left", "center"))
        ax_fixed.annotate(minus(f"$\\theta$ = {x:g}, loss {loss:g}"), (x, loss), xytext=(dx, dy),
                          textcoords="offset points", fontsize=9, ha=ha, va=va, color=INK)
    for k, (size, colour) in enumerate(zip(story.sizes, colours)):
        verdict = "loss rises" if walk.rose[k] else "loss falls"
        # beside the arc of its step: the short first one above-left of its end, the long one mid-arc
        where = (xs[k + 1] - 0.15, losses[k] + 2.2) if k == 0 else (0.5 * (xs[k] + xs[k + 1]), 0.62 * losses[k + 1])
        ax_fixed.text(*where, f"step {size:g}:\n{verdict}", ha="center", va="bottom", fontsize=9, color=TEXT[colour])
    ax_fixed.set_ylabel("loss")
    ax_fixed.set_xlabel(X_LABEL)
    ax_fixed.set_ylim(-1.5, losses.max() * 1.25)
    ax_fixed.set_title(minus(f"Fixed steps: {story.sizes[0]:g}, then {story.sizes[1]:g}"))

    walk = story.scaled
    _curve(ax_lr, walk.bowl)
    _walk_dots(ax_lr, walk, bend=0.35)
    for k in range(2):
        # below-right of the point: the parabola rises to the right, so that corner is empty
        ax_lr.annotate(minus(f"slope {walk.slopes[k]:g}\nmove {walk.moves[k]:g}"), (walk.positions[k], walk.losses[k]),
                       xytext=(9, -6), textcoords="offset points", fontsize=9, ha="left", va="top", color=INK)
    ax_lr.set_xlabel(X_LABEL)
    if layout.narrow:  # stacked, this panel has its own loss scale, so it names it
        ax_lr.set_ylabel("loss")
        fig.align_ylabels([ax_fixed, ax_lr])
    ax_lr.set_ylim(-0.3, walk.losses[0] * 1.25)
    ax_lr.set_title(f"Step = $\\eta$ × slope, $\\eta$ = {story.lr:g}:\nthe steps shrink by themselves")
    return fig


def steeper_bowl(view: SteeperBowl, layout: Layout = COLUMN) -> Figure:
    """The same η on θ² and on 5θ², on one θ axis, each bowl on its own loss scale (side by side;
    stacked on a phone, where they share the θ axis)."""
    fig = new_figure(layout.height(3.6, 6.4), layout)
    axes = _pair(fig, layout, share_x=True)
    for ax, bowl in zip(axes, (view.gentle, view.steep)):
        walk = bowl.walk
        _curve(ax, walk.bowl)
        colours = _walk_dots(ax, walk, bend=0.3)
        top = float(walk.bowl.value.max())
        ax.set_ylim(-0.04 * top, 1.08 * top)
        # each point of the climbing walk is labelled with its loss outside the bowl, below and away from
        # its centre, where neither the curve nor the arcs run
        if walk.rose.any():
            for k, (theta, loss) in enumerate(zip(walk.positions, walk.losses)):
                side = 1 if theta > 0 else -1
                colour = INK if k == 0 else TEXT[colours[k - 1]]
                # the start, low on the bowl, is labelled below and right of it, under the climbing curve
                offset, va = ((12 * side, -1), "top") if k == 0 else ((8 * side, -7), "top")
                ax.annotate(minus(f"$\\theta$ = {theta:g}\nloss {loss:g}"), (theta, loss), xytext=offset,
                            textcoords="offset points", ha="left" if side > 0 else "right", va=va, fontsize=9,
                            color=colour, zorder=7)
        else:
            ax.annotate(minus(f"$\\theta$: {', '.join(f'{v:g}' for v in walk.positions[:4])}, …"),
                        (0.0, top / 2), ha="center", va="center", fontsize=9, color=TEXT[LOSS_DOWN], bbox=LABEL_BOX,
                        zorder=7)  # inside the bowl, where it is wide enough for the label
        ax.xaxis.set_major_locator(MultipleLocator(2))
        ax.set_ylabel(f"loss {bowl.name}")
        ax.set_title(minus(f"{bowl.name}, $\\eta$ = {view.lr:g}:\n$\\theta$ ← {bowl.factor:g}·$\\theta$"),
                     fontsize=10, color=TEXT[colours[0]])
    axes[-1].set_xlabel(X_LABEL)
    if not layout.narrow:
        axes[0].set_xlabel(X_LABEL)
    fig.align_ylabels(list(axes))
    return fig


def parabola_regimes(view: Regimes, layout: Layout = COLUMN) -> Movie:
    """Animation: the four regimes of θ² in a 2×2 grid of parabolas, their losses together on the
    right (below the grid on a phone).

    Only the paths and the current points change from frame to frame (no changing text), which
    keeps the GIF small; for the same reason the parabola panels have no grid and the loss panel
    only horizontal grid lines."""
    fig = new_figure(layout.height(4.3, 6.9), layout)
    if layout.narrow:
        grid = fig.add_gridspec(3, 2, height_ratios=[1, 1, 1.25])
        ax_loss = fig.add_subplot(grid[2, :])
    else:
        grid = fig.add_gridspec(2, 3, width_ratios=[1, 1, 1.3])
        ax_loss = fig.add_subplot(grid[:, 2])
    first = fig.add_subplot(grid[0, 0])
    # the three runs that stay within |θ| ≤ 2 share one window; the diverging one needs a wider view
    cells = [first, fig.add_subplot(grid[0, 1], sharex=first, sharey=first),
             fig.add_subplot(grid[1, 0], sharex=first, sharey=first), fig.add_subplot(grid[1, 1])]
    panels = []
    for ax, run in zip(cells, view.runs):
        colour = REGIME[run.regime]
        _curve(ax, run.parabola)
        reach = run.parabola.theta[-1]
        ax.set_ylim(-0.1 * reach**2, 1.1 * reach**2)
        ax.grid(False)
        # half a phone is too narrow for "η = 0.8: oscillating" on one line
        rate = f"$\\eta$ = {run.lr:g}:" + ("\n" if layout.narrow else " ")
        ax.set_title(minus(f"{rate}{REGIME_NAMES[run.regime]}\n$\\theta$ ← {run.factor:.2g}·$\\theta$"),
                     fontsize=9.5, color=TEXT[colour])
        path, = ax.plot([], [], "-", color=colour, linewidth=1.2, alpha=0.9, zorder=3)
        dots, = ax.plot([], [], "o", color=colour, markersize=4, markeredgecolor="white", markeredgewidth=0.6, zorder=4)
        here, = ax.plot([], [], "o", color=START, markersize=8, markeredgecolor="white", markeredgewidth=1.2, zorder=6)
        curve, = ax_loss.plot([], [], "-o", color=colour, markersize=3.5, linewidth=1.6,
                              label=minus(f"$\\eta$ = {run.lr:g}"))
        panels.append((run, path, dots, here, curve))
    cells[2].set_xlabel("$\\theta$", labelpad=1)
    cells[3].set_xlabel("$\\theta$ (wider axes)", labelpad=1)
    for ax in cells[::2]:
        ax.set_ylabel("loss")
    for ax in cells[:2]:
        ax.tick_params(labelbottom=False)
    cells[1].tick_params(labelleft=False)

    losses = np.concatenate([run.losses for run in view.runs])
    ax_loss.set_yscale("log")
    ax_loss.set_xlim(-0.5, view.steps + 0.5)
    ax_loss.set_ylim(losses[losses > 0].min() / 4, losses.max() * 4)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("loss (log scale)")
    ax_loss.grid(False, axis="x")
    # on a phone the panel is wide and low: two columns keep the legend under the falling lines
    ax_loss.legend(loc="lower left", ncols=2 if layout.narrow else 1)
    ax_loss.set_title("Loss per step, all four")

    def update(k: int) -> None:
        for run, path, dots, here, curve in panels:
            shown = min(k, len(run.thetas) - 1)
            xs, ys = run.thetas[: shown + 1], run.losses[: shown + 1]
            path.set_data(xs, ys)
            dots.set_data(xs, ys)
            here.set_data(xs[-1:], ys[-1:])
            curve.set_data(np.arange(shown + 1), ys)

    changing = [artist for _, path, dots, here, curve in panels for artist in (path, dots, here, curve)]
    return Movie(fig, update, view.steps + 1, frame_ms=450, moving=changing + [ax_loss.get_legend()])


def steps_vs_learning_rate(counts: StepCounts, layout: Layout = COLUMN) -> Figure:
    """Steps to reach |θ_k| ≤ shrink·|θ₀| against η, on a log axis, with the regimes shaded.

    On a phone the η axis is half as wide: the diverging band and the η = 2/L'' line get labels
    that run up the band, and the point labels break onto two lines where the V leaves room."""
    narrow = layout.narrow
    fig = new_figure(layout.height(3.9, 4.6), layout)
    ax = fig.subplots()
    finite = np.isfinite(counts.steps)
    top = counts.steps[finite].max() * 5
    hi = counts.lrs.max()
    bands = ((0, counts.one_step_lr, REGIME[Regime.MONOTONE], 0.16, "monotone"),
             (counts.one_step_lr, counts.limit_lr, REGIME[Regime.OSCILLATING], 0.08, "oscillating,\nconverging"),
             (counts.limit_lr, hi, REGIME[Regime.DIVERGING], 0.12, "diverging:\nnever gets there"))
    for left, right, colour, alpha, label in bands:
        ax.axvspan(left, right, color=colour, alpha=alpha, linewidth=0)
        if narrow and left == counts.limit_lr:  # up the right edge of its narrow band
            ax.annotate(label.replace("\n", " "), (right, top / 1.5), xytext=(-3, 0), textcoords="offset points",
                        rotation=90, ha="right", va="top", fontsize=9.5, color=INK)
        else:
            ax.text((left + right) / 2, top / 1.5, label, ha="center", va="top", fontsize=9.5, color=INK)
    ax.axvline(counts.one_step_lr, color=MUTED, linewidth=0.9, linestyle=":")
    ax.axvline(counts.limit_lr, color=THRESHOLD, linewidth=2.0)
    bouncing = f"$\\eta$ = {counts.limit_lr:g}: bouncing\nforever, never"
    if narrow:  # up the orange line, on its right, from the bottom
        ax.annotate(bouncing.replace("\n", " "), (counts.limit_lr, 0.6), xytext=(3, 4), textcoords="offset points",
                    rotation=90, fontsize=9, color=TEXT[THRESHOLD], ha="left", va="bottom")
    else:
        ax.annotate(bouncing, (counts.limit_lr, 3), xytext=(6, 0), textcoords="offset points", fontsize=9,
                    color=TEXT[THRESHOLD], va="center")
    ax.plot(counts.lrs[finite], counts.steps[finite], "-", color=CURVE, linewidth=1.8)
    best = float(counts.steps[counts.lrs == counts.one_step_lr][0])
    ax.plot([counts.one_step_lr], [best], "*", color=MINIMUM, markersize=15, markeredgecolor="white", zorder=5)
    ax.annotate(f"$\\eta$ = {counts.one_step_lr:g}:" + ("\n" if narrow else " ") + "one step", (counts.one_step_lr, best),
                xytext=(10, 0), textcoords="offset points", fontsize=9, color=TEXT[MINIMUM], va="center")
    for mark in counts.marks:
        _dot(ax, [mark.lr], [mark.steps], REGIME[mark.regime])
        falling = mark.lr < counts.one_step_lr
        label = f"$\\eta$ = {mark.lr:g}:" + ("\n" if narrow else " ") + f"{mark.steps} steps"
        if narrow:
            # above the point, away from the V: to the right on its falling arm, to the left on its rising one
            offset, ha = ((7, 5), "left") if falling else ((-7, 5), "right")
            va = "bottom"
        else:
            # on the side the V leaves empty: above-right on its falling arm, below-right on its rising one
            offset, ha, va = ((9, 5), "left", "bottom") if falling else ((9, -5), "left", "top")
        ax.annotate(label, (mark.lr, mark.steps), xytext=offset, textcoords="offset points", fontsize=9, color=INK,
                    ha=ha, va=va, bbox=LABEL_BOX)
    ax.set_yscale("log")
    ax.set_ylim(0.6, top)
    ax.set_xlim(0, hi)
    ax.set_xlabel("learning rate $\\eta$")
    ax.set_ylabel(f"steps until $|\\theta_k| \\leq$ {_power_of_ten(counts.shrink)}" + " $|\\theta_0|$")
    title = f"Gradient descent on $\\theta^2$ from $\\theta$ = {counts.theta0:g}:" + ("\n" if narrow else " ")
    ax.set_title(minus(title + "steps needed per learning rate"))
    return fig
