"""Figures of "Feature scaling": the bad feature, its surface and cross-sections, three bowls, one
learning rate on two problems, and the trained line.

Every number and curve drawn here is a field of the chapter's result objects; this module only
lays them out, in the layout it is given: side by side in the column, stacked on a phone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from gdsim.draw.frames import Movie
from gdsim.draw.style import (
    COLUMN,
    CURVE,
    LEVELS_RULE,
    MINIMUM,
    MUTED,
    PARAMETER,
    PATH,
    START,
    THRESHOLD,
    TRUTH,
    Layout,
    contour_map,
    level_bar,
    mark_point,
    minus,
    new_figure,
    scatter_train,
    scatter_validation,
)

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.feature_scaling import (
        BadFeatureData,
        MapFamily,
        MapPanel,
        Race,
        StandardizedData,
        SteepnessView,
        TrainedModel,
    )

STAR_SIZE = 14
FIGURE_SPACE = "\u2007"  # a space as wide as a digit, so changing numbers keep their width


def _title(label: str) -> str:
    """'bad feature $10x$' → 'Bad feature $10x$'."""
    return label[:1].upper() + label[1:]


def _minimum_handle() -> Line2D:
    return Line2D([], [], marker="*", color=MINIMUM, markersize=STAR_SIZE, markeredgecolor="white",
                  markeredgewidth=1.4, linestyle="none")


def _start_handle(color: str = START) -> Line2D:
    return Line2D([], [], marker="o", color=color, markersize=9, markeredgecolor="white", markeredgewidth=1.4,
                  linestyle="none")


def _short(label: str) -> str:
    """'bad feature $10x$' → 'Bad $10x$': a title that fits a third of the column."""
    return _title(label.replace(" feature", ""))


def _break(layout: Layout) -> str:
    """Between two halves of a long title: a space in the column, a new line on a phone."""
    return "\n" if layout.narrow else " "


def _map(ax: Axes, panel: MapPanel, start: bool = True, equal: bool = True) -> object:
    """One contour map of a problem: its levels, the minimum star, the random start, its axes."""
    filled = contour_map(ax, panel.grid, levels=panel.levels)
    mark_point(ax, panel.solution, MINIMUM, None, marker="*", size=STAR_SIZE)
    if start:
        mark_point(ax, panel.start, START, None)
    if equal:
        ax.set_aspect("equal")
    ax.set_xlabel(panel.axis_labels[0])
    ax.set_ylabel(panel.axis_labels[1], labelpad=1)
    return filled


def bad_feature_data(view: BadFeatureData, layout: Layout = COLUMN) -> Figure:
    """The training points against x and against 10·x: same labels, stretched feature axis."""
    fig = new_figure(layout.height(3.1, 5.6), layout)
    axes = fig.subplots(*layout.grid(1, len(view.panels)), sharey=True)
    for ax, panel in zip(axes, view.panels):
        scatter_train(ax, panel.x, panel.y)
        ax.set_title(_title(panel.label))
        ax.set_xlabel(panel.label)  # each panel its own feature axis, stacked or not
        ax.set_xlim(0, panel.x.max() * 1.02)
    for ax in axes if layout.narrow else axes[:1]:  # stacked, each panel shows its own y ticks
        ax.set_ylabel("label $y$")
    return fig


def bad_feature_surfaces(view: MapFamily, layout: Layout = COLUMN) -> Figure:
    """Contour maps before and after the feature was multiplied by 10, levels by one rule, own colour bars."""
    fig = new_figure(layout.height(3.3, 6.4), layout)
    for ax, panel in zip(fig.subplots(*layout.grid(1, len(view.panels))), view.panels):
        filled = _map(ax, panel, start=False, equal=False)  # both windows are square: the bar keeps its height
        ax.contour(panel.grid.b, panel.grid.w, panel.grid.loss, levels=[panel.innermost], colors=[THRESHOLD],
                   linewidths=2.2)
        # named in a key of its own, off the line: a label on a small ellipse would cover the minimum
        ax.legend(handles=[Line2D([], [], color=THRESHOLD, linewidth=2.2)],
                  labels=[f"innermost line: loss {panel.innermost:.2f}"], loc="upper right", frameon=True,
                  facecolor="white", edgecolor="none", framealpha=0.9,
                  handlelength=1.4, borderaxespad=0.3)
        ax.set_title(_title(panel.label))
        level_bar(fig, filled, ax, f"loss, square-root scale:\nlevels {LEVELS_RULE}", pad=0.03)
    return fig


def bad_feature_cross_sections(view: SteepnessView, layout: Layout = COLUMN) -> Figure:
    """Loss as one parameter at a time moves away from the start, before and after ×10, on shared axes.

    The vertical axis shows every curve of the first problem and every b curve in full; a curve
    steeper than those (w after ×10) leaves the top of the panel.
    """
    fig = new_figure(layout.height(3.5, 6.6), layout)
    axes = fig.subplots(*layout.grid(1, len(view.panels)), sharex=True, sharey=True)
    top = max([max(c.max() for c in view.panels[0].loss.values())] + [p.loss["b"].max() for p in view.panels])
    for ax, panel in zip(axes, view.panels):
        for name, loss in panel.loss.items():
            ax.plot(panel.deltas, loss, color=PARAMETER[name], label=f"only ${name}$ moves")
        ax.plot([0.0], [panel.through_loss], "o", color=START, markersize=8, markeredgecolor="white",
                markeredgewidth=1.3, zorder=5, label="the start")
        # the curvatures under the title, clear of every curve (the steep w parabola fills the bad panel's top)
        bends = ", ".join(f"{value:.3g} along ${name}$" for name, value in panel.curvature.items())
        ax.set_title(f"{_title(panel.label)}\ncurvature {bends}")
    for ax in axes[-1:] if layout.narrow else axes:  # stacked panels share one x axis, labelled once
        ax.set_xlabel("change of the parameter from the start")
    for ax in axes if layout.narrow else axes[:1]:
        ax.set_ylabel("loss (MSE)")
    axes[0].set_ylim(0, 1.6 * top)
    axes[0].set_xlim(view.panels[0].deltas[0], view.panels[0].deltas[-1])
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2 if layout.narrow else len(labels))
    return fig


def standardized_feature_data(view: StandardizedData, layout: Layout = COLUMN) -> Figure:
    """The points against x and against z = (x − x̄)/σ on one shared pair of axes, the training mean
    dashed and one σ either side shaded: the cloud is moved to 0 and stretched, nothing else changes."""
    fig = new_figure(layout.height(3.3, 6.2), layout)
    axes = fig.subplots(*layout.grid(1, 2), sharex=True, sharey=True)
    panels = ((view.split, view.marks, "original feature $x$"),
              (view.scaled, (view.marks - view.mean) / view.std, "standardized feature $z$"))
    for ax, (split, (low, mean, high), label) in zip(axes, panels):
        ax.axvspan(low, high, color=MUTED, alpha=0.14, linewidth=0, zorder=0)
        ax.axvline(mean, color=MUTED, linestyle="--", linewidth=1.2, zorder=1)
        scatter_train(ax, split.x_train, split.y_train, label="training points", zorder=3)
        scatter_validation(ax, split.x_val, split.y_val, label="validation points", zorder=3)
        ax.set_title(_title(label))
    for ax in axes[-1:] if layout.narrow else axes:
        ax.set_xlabel("feature value")
    for ax in axes if layout.narrow else axes[:1]:
        ax.set_ylabel("label $y$")
    handles, labels = axes[0].get_legend_handles_labels()
    handles += [Line2D([], [], color=MUTED, linestyle="--", linewidth=1.2), Patch(color=MUTED, alpha=0.14)]
    labels += [minus(f"training mean: $\\bar x$ = {view.mean:.3f}, $z$ = 0"),
               minus(f"one $\\sigma$ = {view.std:.3f} either side: $z$ from -1 to 1")]
    fig.legend(handles, labels, loc="outside lower center", ncols=1 if layout.narrow else 2)
    return fig


def three_contour_maps(view: MapFamily, layout: Layout = COLUMN) -> Figure:
    """The original, bad and standardized problems side by side (a column of three on a phone), each
    over a window of one size."""
    fig = new_figure(layout.height(3.05, 8.6), layout)
    for ax, panel in zip(fig.subplots(*layout.grid(1, len(view.panels))), view.panels):
        _map(ax, panel)
        ax.set_title(_title(panel.label) if layout.narrow else _short(panel.label))
    fig.legend(
        [_minimum_handle(), _start_handle()], ["least-squares minimum", "random start"],
        loc="outside lower center", ncols=2, title_fontsize=9,
        title=f"Contours {LEVELS_RULE},{_break(layout)}each map on its own colour scale",
    )
    return fig


def scaled_vs_unscaled(race: Race, layout: Layout = COLUMN) -> Movie:
    """Animation: one learning rate on the original and on the standardized problem, side by side
    (stacked on a phone)."""
    fig = new_figure(layout.height(3.9, 7.6), layout)
    artists = []
    for ax, panel in zip(fig.subplots(*layout.grid(1, len(race.panels))), race.panels):
        _map(ax, panel.map, start=False)
        path, = ax.plot([], [], "-o", color=PATH, markersize=3, linewidth=1.2, markeredgewidth=0, zorder=4)
        here, = ax.plot([], [], "o", color=START, markersize=9, markeredgecolor="white", markeredgewidth=1.4,
                        zorder=6)
        title = ax.set_title(" ", fontsize=10)
        artists.append((_title(panel.map.label), panel.run, path, here, title))
    fig.suptitle(f"Same learning rate $\\eta$ = {race.lr:g},{_break(layout)}same start, {race.epochs} steps")
    path_handle = Line2D([], [], color=CURVE, marker="o", markersize=3, linewidth=1.2)
    fig.legend(
        [_minimum_handle(), _start_handle(), path_handle],
        ["least-squares minimum", "current parameters", "path (white on the map)"],
        loc="outside lower center", ncols=1 if layout.narrow else 3, title=f"Contours {LEVELS_RULE}",
        title_fontsize=9,
    )
    width = len(str(race.epochs))

    def update(k: int) -> None:
        for label, run, path, here, title in artists:
            shown = min(race.shown[k], run.steps)
            path.set_data(run.params[: shown + 1, 0], run.params[: shown + 1, 1])
            here.set_data(run.params[shown : shown + 1, 0], run.params[shown : shown + 1, 1])
            step = str(shown).rjust(width, FIGURE_SPACE)
            title.set_text(f"{label}\nstep {step}: loss {run.losses[shown]:.4f}")

    changing = [artist for _, _, path, here, title in artists for artist in (path, here, title)]
    return Movie(fig, update, len(race.shown), frame_ms=200, moving=changing)


def trained_model(view: TrainedModel, layout: Layout = COLUMN) -> Figure:
    """The line learned on the standardized feature, drawn back in the original units over the data."""
    fig = new_figure(layout.height(3.6, 5.1), layout)
    ax = fig.subplots()
    scatter_train(ax, view.split.x_train, view.split.y_train, label="training data")
    scatter_validation(ax, view.split.x_val, view.split.y_val, label="validation data")
    b, w = view.theta
    ax.plot(view.line_x, view.trained_y, color=MINIMUM, label=minus(f"trained: $\\hat y$ = {b:.3f} + {w:.3f}$\\,x$"))
    tb, tw = view.truth
    ax.plot(view.line_x, view.truth_y, color=TRUTH, linestyle="--", linewidth=1.4,
            label=minus(f"true line: $y$ = {tb:g} + {tw:g}$\\,x$"))
    ax.set_xlim(view.line_x[0], view.line_x[-1])
    ax.set_xlabel("feature $x$")
    ax.set_ylabel("label $y$")
    ax.set_title(f"After {view.epochs} steps{_break(layout)}on the standardized feature")
    if layout.narrow:  # inside, the legend would cover a third of the phone's plot
        fig.legend(loc="outside lower center")
    else:
        ax.legend(loc="upper left")
    return fig
