"""Figures of "How wrong is a random guess": the random start's line and one point's residual."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from gdsim.draw.style import COLUMN, INK, LABEL_BOX, MINIMUM, START, Layout, minus, new_figure, scatter_train

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.random_guess import GuessView, ResidualView

# The column keeps its legend inside, in the empty upper left; on a phone that corner is too small
# for three entries, so they go under the axes and the figure grows by their height.
HEIGHT = 3.6
PHONE_HEIGHT = 4.3


def _signed(value: float) -> str:
    """A coefficient as an equation shows it: ``+ 0.50`` or ``− 0.14``."""
    return minus(f"{'-' if value < 0 else '+'} {abs(value):.2f}")


def _guess_axes(fig: Figure, view: GuessView, layout: Layout):
    """Training points, the random start's line (solid) and the least-squares line (dashed)."""
    ax = fig.subplots()
    scatter_train(ax, view.x_train, view.y_train, label="training points", zorder=2)
    ax.plot(view.line_x, view.start_line, color=START, label="prediction of the random start", zorder=3)
    ax.plot(view.line_x, view.best_line, color=MINIMUM, linestyle="--", linewidth=1.6,
            label="best possible line (least squares)", zorder=1)
    ax.set_xlim(view.line_x[0], view.line_x[-1])
    ax.set_xlabel("feature $x$")
    ax.set_ylabel("label $y$")
    if layout.narrow:
        fig.legend(loc="outside lower center", ncols=1)
    else:
        ax.legend(loc="upper left")
    return ax


def prediction_line(view: GuessView, layout: Layout = COLUMN) -> Figure:
    """The random start's prediction line over the training data."""
    fig = new_figure(layout.height(HEIGHT, PHONE_HEIGHT), layout)
    ax = _guess_axes(fig, view, layout)
    b, w = view.start
    ax.set_title(minus(f"Random start: $\\hat{{y}} = {b:.2f} {_signed(w)}\\,x$"))
    return fig


def one_residual(view: ResidualView, layout: Layout = COLUMN) -> Figure:
    """One training point's residual drawn as the vertical gap between the line and the point, the point
    ringed (its neighbours stay visible) and the numbers in the empty band under the cloud."""
    fig = new_figure(layout.height(HEIGHT, PHONE_HEIGHT), layout)
    ax = _guess_axes(fig, view.guess, layout)
    ax.vlines(view.x, view.prediction, view.y, color=INK, linewidth=2.0, zorder=4)
    ax.plot([view.x], [view.y], "o", markerfacecolor="none", markeredgecolor=INK, markersize=12,
            markeredgewidth=1.8, zorder=5)
    ax.plot([view.x], [view.prediction], "o", color=START, markersize=8, markeredgecolor=INK, zorder=5)
    # One line in the column; on a phone the definition and the numbers take a line each.
    gap = "$\n$" if layout.narrow else " "
    label = f"residual $r = \\hat{{y}} - y{gap}= {view.prediction:.2f} {_signed(-view.y)} = {view.residual:.2f}$"
    ax.annotate(minus(label), xy=(view.x, view.label_y), xytext=(-10, 0), textcoords="offset points",
                ha="right", va="center", color=INK, bbox=LABEL_BOX)
    ax.set_title(f"One point's residual ($x$ = {view.x:.2f})")
    return fig
