"""Figures of "Batch, mini-batch and stochastic gradient descent": the line and the path step by step,
three paths on one map with where every seed's run ended, and their losses per step and per epoch
with the band of every seed's runs.

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
from matplotlib.patches import Patch
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
    from gdsim.chapters.batches import Band, LossView, MapWindow, OpeningMovie, Path, PathsView

# One colour per method on every figure of the chapter (light ones get a dark rim on the map).
METHOD = BATCH_METHOD
WIDTH = {"full": 2.0, "mini": 1.6, "stochastic": 0.9}
# Drawn bottom to top: the noisy stochastic path under the smoother ones.
ZORDER = {"stochastic": 3, "mini": 4, "full": 5}
RIM = {"full": "white", "mini": INK, "stochastic": INK}
# Tick labels as plain numbers (0.01, 1, 100), not powers of ten.
PLAIN = FuncFormatter(lambda value, _: f"{value:g}")
MONO = "DejaVu Sans Mono"
# Every seed's end on the map: a hollow diamond in the method's colour; the band of the seeds' losses.
END_MARKER = dict(marker="D", markersize=5.5, markerfacecolor="none", markeredgewidth=1.6, linestyle="none")
BAND_ALPHA = 0.3
OPENING_FRAME_MS = 650


def _rim(method: str, width: float) -> list:
    """A thin outline that keeps a path readable over light and dark contour fills alike."""
    return [path_effects.withStroke(linewidth=width + 1.4, foreground=RIM[method]), path_effects.Normal()]


def _map_axes(ax: Axes, window: MapWindow, start_label: str | None = "random start") -> None:
    """The chapter's contour map: its window, its axes, the minimum and the start."""
    contour_map(ax, window.grid)
    ax.set_xlim(window.grid.b[0], window.grid.b[-1])
    ax.set_ylim(window.grid.w[0], window.grid.w[-1])
    ax.set_aspect("equal")  # a parameter map: one unit of b as long as one unit of w
    ax.set_xlabel("$b$ (bias)")
    ax.set_ylabel("$w$ (weight)")
    mark_point(ax, window.solution, MINIMUM, "least-squares minimum", marker="*", size=15)
    mark_point(ax, window.start, START, start_label, size=7)
    for point in ax.lines[-2:]:
        point.set_zorder(9)  # above the paths and the seeds' ends


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


def _draw_ends(ax: Axes, method: str, ends: np.ndarray) -> None:
    """Where every seed's run of one method ended: a hollow diamond each, over the paths."""
    ax.plot(ends[:, 0], ends[:, 1], color=METHOD[method], zorder=ZORDER[method] + 3,
            path_effects=_rim(method, 1.6), **END_MARKER)


def paths(view: PathsView, layout: Layout = COLUMN) -> Figure:
    """Seed 0's three runs on one contour map with every seed's end, the key beside it (under it on a phone)."""
    fig = new_figure(layout.height(4.8, 5.8), layout)
    ax = fig.subplots()
    _map_axes(ax, view.window)
    if not layout.narrow:
        ax.set_anchor("E")  # the narrow map beside its key, the spare room on the outer side
    for path, ends in reversed(list(zip(view.paths, view.ends))):
        _draw_path(ax, path)
        _draw_ends(ax, path.method, ends)
    ax.set_title(f"One run (seed {view.seeds[0]}) of each method:\n{view.epochs} epochs, $\\eta$ = {view.lr:g}")
    handles = [_path_handle(p) for p in view.paths] + ax.get_legend_handles_labels()[0]
    handles.append(Line2D([], [], color=MUTED, marker="o", markersize=5, markeredgecolor="white", linestyle="none",
                          label="the end of an epoch"))
    handles.append(Line2D([], [], color=MUTED, label=f"where each of the {len(view.seeds)} seeds' runs ended",
                          **END_MARKER))
    if layout.narrow:
        fig.legend(handles=handles, loc="outside lower center", ncols=1, title=LEVELS_NOTE, title_fontsize=9)
    else:
        fig.legend(handles=handles, loc="outside right center", ncols=1, title=LEVELS_NOTE, title_fontsize=9)
    return fig


def _loss_curve(ax: Axes, path: Path, x: np.ndarray) -> None:
    colour, width = METHOD[path.method], WIDTH[path.method]
    ax.plot(x, path.losses, color=colour, linewidth=width, zorder=ZORDER[path.method])


def _loss_band(ax: Axes, band: Band, x: np.ndarray) -> None:
    """The lowest to the highest loss over the seeds, after every step, under the seed-0 line."""
    ax.fill_between(x, band.low, band.high, color=METHOD[band.method], alpha=BAND_ALPHA, linewidth=0,
                    zorder=ZORDER[band.method] - 2)


def losses(view: LossView, layout: Layout = COLUMN) -> Figure:
    """The full training loss of seed 0's run of each method against steps (symmetric-log axis) and
    against epochs, over the band of every seed's runs; one log loss axis for both panels."""
    fig = new_figure(layout.height(3.7, 7.6), layout)
    by_step, by_epoch = fig.subplots(*layout.grid(1, 2), sharey=True)
    for path, band in zip(view.paths, view.bands):
        ends = path.epoch_ends
        # the same run in both panels, a dot at the end of every epoch, over the seeds' band
        for ax, x in ((by_step, np.arange(path.steps + 1)), (by_epoch, path.epoch_of_step)):
            _loss_band(ax, band, x)
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
    handles.append(Line2D([], [], color=MUTED, linewidth=1.6, label=f"line: one run (seed {view.seeds[0]})"))
    handles.append(Patch(color=MUTED, alpha=BAND_ALPHA, linewidth=0,
                         label=f"band: range of {len(view.seeds)} seeds"))
    fig.legend(handles=handles, loc="outside lower center", ncols=1 if layout.narrow else 3,
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
    settings = f"$B$ = {path.batch_size}, $\\eta$ = {movie.lr:g}"
    if layout.narrow:
        heading = fig.suptitle(f"One run (seed {movie.seed}) of mini-batch descent,\n{settings}\n")
    else:
        heading = fig.suptitle(f"Mini-batch gradient descent, one run (seed {movie.seed}): {settings}\n")
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
