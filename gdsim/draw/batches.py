"""Figures of "Batch, mini-batch and stochastic gradient descent": the line and the path step by step,
three paths on one map, and their losses per step and per epoch.

Every figure of the chapter draws the three methods in the same colours and the map over the same
window, which the chapter computed once for all of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.patheffects as path_effects
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

from gdsim.draw.frames import Movie
from gdsim.draw.style import (
    BATCH_METHOD,
    COLUMN,
    INK,
    LEVELS_NOTE,
    MINIMUM,
    MUTED,
    START,
    TEXT,
    Layout,
    contour_map,
    mark_point,
    new_figure,
    scatter_train,
)

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.batches import LossView, MapWindow, OpeningMovie, Path, PathsView

# One colour per method on every figure of the chapter (light ones get a dark rim on the map).
METHOD = BATCH_METHOD
WIDTH = {"full": 2.0, "mini": 1.6, "stochastic": 0.9}
# Drawn bottom to top: the noisy stochastic path under the smoother ones.
ZORDER = {"stochastic": 3, "mini": 4, "full": 5}
RIM = {"full": "white", "mini": INK, "stochastic": INK}
# Tick labels as plain numbers (0.01, 1, 100), not powers of ten.
PLAIN = FuncFormatter(lambda value, _: f"{value:g}")
MONO = "DejaVu Sans Mono"
OPENING_FRAME_MS = 650


def _rim(method: str, width: float) -> list:
    """A thin outline that keeps a path readable over light and dark contour fills alike."""
    return [path_effects.withStroke(linewidth=width + 1.4, foreground=RIM[method]), path_effects.Normal()]


def _map_axes(ax: Axes, window: MapWindow, start_label: str | None = "random start") -> None:
    """The chapter's contour map: its window, its axes, the minimum and the start."""
    contour_map(ax, window.grid)
    ax.set_xlim(window.grid.b[0], window.grid.b[-1])
    ax.set_ylim(window.grid.w[0], window.grid.w[-1])
    ax.set_xlabel("$b$ (bias)")
    ax.set_ylabel("$w$ (weight)")
    mark_point(ax, window.solution, MINIMUM, "least-squares minimum", marker="*", size=15)
    mark_point(ax, window.start, START, start_label, size=7)
    ax.lines[-1].set_zorder(8)  # above the paths that leave it


def _draw_path(ax: Axes, path: Path, label: str | None = None) -> None:
    """One run on the map: its steps as a line, a dot at the end of every epoch."""
    colour, width = METHOD[path.method], WIDTH[path.method]
    ax.plot(path.params[:, 0], path.params[:, 1], color=colour, linewidth=width, zorder=ZORDER[path.method],
            path_effects=_rim(path.method, width), solid_joinstyle="round", label=label)
    ends = path.params[path.epoch_ends[1:]]
    ax.plot(ends[:, 0], ends[:, 1], "o", color=colour, markersize=5, markeredgecolor=RIM[path.method],
            markeredgewidth=0.9, zorder=ZORDER[path.method] + 0.5)


def _path_handle(path: Path) -> Line2D:
    return Line2D([], [], color=METHOD[path.method], linewidth=WIDTH[path.method] + 0.6, marker="o", markersize=5,
                  markeredgecolor=RIM[path.method], markeredgewidth=0.9,
                  label=f"{path.label}: {path.steps} steps")


def paths(view: PathsView, layout: Layout = COLUMN) -> Figure:
    """The three runs on one contour map, the key beside it (under it on a phone)."""
    fig = new_figure(layout.height(3.9, 5.4), layout)
    ax = fig.subplots()
    _map_axes(ax, view.window)
    for path in reversed(view.paths):
        _draw_path(ax, path)
    gap = "\n" if layout.narrow else " "
    ax.set_title(f"{view.epochs} epochs from the same start,{gap}$\\eta$ = {view.lr:g}")
    handles = [_path_handle(p) for p in view.paths] + ax.get_legend_handles_labels()[0]
    handles.append(Line2D([], [], color=MUTED, marker="o", markersize=5, markeredgecolor="white", linestyle="none",
                          label="the end of an epoch"))
    if layout.narrow:
        fig.legend(handles=handles, loc="outside lower center", ncols=1, title=LEVELS_NOTE, title_fontsize=9)
    else:
        fig.legend(handles=handles, loc="outside right center", ncols=1, title=LEVELS_NOTE, title_fontsize=9)
    return fig


def _loss_curve(ax: Axes, path: Path, x: np.ndarray) -> None:
    colour, width = METHOD[path.method], WIDTH[path.method]
    ax.plot(x, path.losses, color=colour, linewidth=width, zorder=ZORDER[path.method])


def losses(view: LossView, layout: Layout = COLUMN) -> Figure:
    """The full training loss of each run against steps (symmetric-log axis) and against epochs,
    one log loss axis for both panels."""
    fig = new_figure(layout.height(3.5, 6.2), layout)
    by_step, by_epoch = fig.subplots(*layout.grid(1, 2), sharey=True)
    for path in view.paths:
        ends = path.epoch_ends
        # the same run in both panels, a dot at the end of every epoch
        for ax, x in ((by_step, np.arange(path.steps + 1)), (by_epoch, path.epoch_of_step)):
            _loss_curve(ax, path, x)
            ax.plot(x[ends], path.losses[ends], "o", color=METHOD[path.method], markersize=4.5,
                    markeredgecolor=RIM[path.method], markeredgewidth=0.7, zorder=ZORDER[path.method] + 0.5)
    longest = max(p.steps for p in view.paths)
    for ax in (by_step, by_epoch):
        ax.axhline(view.solution_loss, color=MINIMUM, linestyle="--", linewidth=1.3, zorder=2)
        ax.set_yscale("log")
    by_step.set_ylim(*view.loss_range)
    by_step.yaxis.set_major_formatter(PLAIN)
    # linear from step 0 to 1, logarithmic beyond: the start and every decade of steps both fit
    by_step.set_xscale("symlog", linthresh=1, linscale=0.4)
    by_step.set_xlim(0, longest * 1.05)
    decades = [0] + [10**k for k in range(int(np.log10(longest)) + 1)]
    by_step.xaxis.set_major_locator(FixedLocator(decades))
    by_step.xaxis.set_minor_locator(NullLocator())
    by_step.xaxis.set_minor_formatter(NullFormatter())
    by_step.xaxis.set_major_formatter(PLAIN)
    by_step.set_xlabel("step (one parameter update)")
    by_step.set_title("Loss per step")
    by_epoch.set_xlim(0, view.epochs)
    by_epoch.set_xlabel("epoch (one pass over the training set)")
    by_epoch.set_title("Loss per epoch")
    for ax in (by_step, by_epoch) if layout.narrow else (by_step,):
        ax.set_ylabel("training loss (MSE, log scale)")
    handles = [Line2D([], [], color=METHOD[p.method], linewidth=WIDTH[p.method] + 0.6, label=p.label)
               for p in view.paths]
    handles.append(Line2D([], [], color=MINIMUM, linestyle="--", linewidth=1.3,
                          label=f"least-squares loss {view.solution_loss:.4f}"))
    handles.append(Line2D([], [], color=MUTED, marker="o", markersize=4.5, markeredgecolor="white", linestyle="none",
                          label="the end of an epoch"))
    fig.legend(handles=handles, loc="outside lower center", ncols=2 if layout.narrow else 3,
               handletextpad=0.4, columnspacing=1.2)
    return fig


def opening(movie: OpeningMovie, layout: Layout = COLUMN) -> Movie:
    """Animation: each step's batch highlighted, the model's line moving through the data, beside
    (on a phone: above) the path on the contour map."""
    path = movie.path
    fig = new_figure(layout.height(3.6, 6.6), layout)
    ax_data, ax_map = fig.subplots(*layout.grid(1, 2))
    scatter_train(ax_data, movie.x_train, movie.y_train, zorder=2)
    # a ring around each point of the step's batch: few pixels change from one frame to the next
    batch = ax_data.scatter([], [], s=60, facecolor="none", edgecolor=INK, linewidth=1.2, zorder=3,
                            antialiased=False, label="this step's batch")
    line, = ax_data.plot(movie.line_x, movie.lines[0], color=START, linewidth=2.0, zorder=4,
                         label="the line now")
    ax_data.set_xlim(*movie.line_x)
    ax_data.grid(False)  # the points carry the picture; a grid would only weigh on the GIF
    top = max(float(movie.y_train.max()), float(movie.lines.max()))
    bottom = min(float(movie.y_train.min()), float(movie.lines.min()))
    margin = 0.06 * (top - bottom)
    ax_data.set_ylim(bottom - margin, top + margin)
    ax_data.set_xlabel("feature $x$")
    ax_data.set_ylabel("label $y$")
    ax_data.set_title("The line through the data")

    _map_axes(ax_map, movie.window, start_label=None)
    ax_map.set_title("The path on the loss map")
    colour = METHOD[path.method]
    trail, = ax_map.plot(path.params[:1, 0], path.params[:1, 1], "-o", color=colour, linewidth=1.6, markersize=3.5,
                         markeredgewidth=0, zorder=4, path_effects=_rim(path.method, 1.6), label="the path")
    here, = ax_map.plot(path.params[:1, 0], path.params[:1, 1], "o", color=START, markersize=8,
                        markeredgecolor="white", markeredgewidth=1.2, zorder=6, label="where the run is")
    # one key under both panels, where nothing moves: it is drawn once
    handles = ax_data.get_legend_handles_labels()[0] + ax_map.get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="outside lower center", ncols=2 if layout.narrow else len(handles),
               title=LEVELS_NOTE, title_fontsize=9, handletextpad=0.4, columnspacing=0.8)
    # the step counter under the title, on the figure's plain background: only its digits change
    name = "Mini-batch descent" if layout.narrow else "Mini-batch gradient descent"
    heading = fig.suptitle(f"{name}, $B$ = {path.batch_size}, $\\eta$ = {movie.lr:g}\n")
    counter = Annotation("", xy=(0.5, 0.0), xycoords=heading, ha="center", va="bottom", fontsize=10, family=MONO,
                         color=TEXT[INK])
    fig.add_artist(counter)
    per_epoch = path.steps_per_epoch

    def update(k: int) -> None:
        used = movie.batches[k - 1] if k else np.array([], dtype=int)
        batch.set_offsets(np.column_stack([movie.x_train[used], movie.y_train[used]]))
        line.set_ydata(movie.lines[k])
        trail.set_data(path.params[: k + 1, 0], path.params[: k + 1, 1])
        here.set_data(path.params[k : k + 1, 0], path.params[k : k + 1, 1])
        if k == 0:
            counter.set_text("the random start  ")
        else:
            epoch, step = divmod(k - 1, per_epoch)
            counter.set_text(f"epoch {epoch + 1}, step {step + 1} of {per_epoch}")

    update(0)
    changing = [batch, line, trail, here, counter]
    return Movie(fig, update, movie.frames, frame_ms=OPENING_FRAME_MS, moving=changing)
