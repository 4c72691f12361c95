"""Figures of "The learning rate": one step on each cut, steps along the cuts, full descent.

Each family (three one-step figures, three steps-on-cuts animations, three descent animations)
is drawn on the axes its result object carries, which the chapter computed once for all three
rates, so the figures of one family compare at a glance. Every figure has two layouts: the
column's panels side by side, and the phone's, the same panels one under the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text

from gdsim.draw.frames import Movie
from gdsim.draw.style import (
    COLUMN,
    CURVE,
    LABEL_BOX,
    LEVELS_NOTE,
    LOSS_DOWN,
    LOSS_UP,
    MINIMUM,
    MUTED,
    PATH,
    START,
    TEXT,
    Layout,
    contour_map,
    mark_point,
    minus,
    new_figure,
)

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.learning_rate import (
        Cut,
        CutAxes,
        CutWalksView,
        DescentView,
        OneStepView,
    )

# Where each cut's readout sits (axes fraction, alignment): the empty corner of its panel.
READOUT_AT = {"w": (0.97, 0.96, "right"), "b": (0.5, 0.96, "center")}
# How each walk's loss is drawn on the loss-per-step panel: b solid and heavier, w dashed, both in the
# curve colour (blue and purple already say "down" and "up" here).
WALK_STYLE = {"b": {"linestyle": "-", "linewidth": 2.0}, "w": {"linestyle": "--", "linewidth": 1.5}}
# Where a walk that leaves its window says so (axes fraction): inside the bowl, under every step.
LEFT_NOTE_AT = {"w": (0.5, 0.55), "b": (0.54, 0.42)}
CUT_HEIGHT = 3.0  # inches: the steps-on-cuts animations
ONE_STEP_HEIGHT = 3.3  # the one-step figures: their key takes two rows
DESCENT_HEIGHT = 2.8
# On the phone the two panels are stacked, each about as large as one column panel.
ONE_STEP_PHONE_HEIGHT = 6.3
STEPS_PHONE_HEIGHT = 7.3  # phone: two stacked cuts and the loss per step, a legend below, the counter under the title
DESCENT_PHONE_HEIGHT = 5.6
DESCENT_FRAME_MS = 180
MONO = "DejaVu Sans Mono"  # readouts that change from frame to frame: only their digits move


def _step_colour(rose: bool) -> str:
    return LOSS_UP if rose else LOSS_DOWN


def _dot(color: str, size: float = 8.0) -> dict:
    return {"marker": "o", "color": color, "markersize": size, "markeredgecolor": "white",
            "markeredgewidth": 1.2, "linestyle": "none"}


def _cut_panels(fig: Figure, axes: CutAxes, layout: Layout):
    """Two panels sharing the loss axis, one per cut, each over its window with its exact curve:
    side by side with the loss labelled once at the left, or stacked with one label for both."""
    panels = fig.subplots(*layout.grid(1, 2), sharey=True)
    for ax, cut in zip(panels, axes.cuts):
        _draw_cut(ax, cut)
    panels[0].set_ylim(*axes.loss_range)
    if layout.narrow:
        fig.supylabel("loss (MSE)", fontsize=10)
    else:
        panels[0].set_ylabel("loss (MSE)")
    return panels


def _walk_panels(fig: Figure, axes: CutAxes, layout: Layout):
    """The two cut panels (sharing their loss axis) and a third for the loss per step: in a row in the
    column, stacked on the phone (the third a little shorter)."""
    if layout.narrow:
        grid = fig.add_gridspec(3, 1, height_ratios=[1, 1, 0.75])
        first = fig.add_subplot(grid[0])
        panels = [first, fig.add_subplot(grid[1], sharey=first)]
        ax_loss = fig.add_subplot(grid[2])
    else:
        grid = fig.add_gridspec(1, 3, width_ratios=[1, 1, 1.05])
        first = fig.add_subplot(grid[0])
        panels = [first, fig.add_subplot(grid[1], sharey=first)]
        panels[1].tick_params(labelleft=False)
        ax_loss = fig.add_subplot(grid[2])
    for ax, cut in zip(panels, axes.cuts):
        _draw_cut(ax, cut)
    first.set_ylim(*axes.loss_range)
    for ax in panels if layout.narrow else panels[:1]:
        ax.set_ylabel("loss (MSE)")
    return panels, ax_loss


def _legend(fig: Figure, handles: list, layout: Layout, phone_cols: int, column_cols: int | None = None) -> None:
    """The figure's key under the panels: ``column_cols`` columns in the column (default: one row),
    ``phone_cols`` on the phone."""
    cols = phone_cols if layout.narrow else (column_cols or len(handles))
    fig.legend(handles=handles, loc="outside lower center", ncols=cols, handletextpad=0.3, columnspacing=1.0)


def _draw_cut(ax: Axes, cut: Cut) -> None:
    ax.plot(cut.values, cut.loss, color=CURVE, linewidth=1.8)
    ax.grid(False)  # the readouts carry the numbers; a grid would only weigh on the GIFs of this family
    ax.set_xlim(*cut.window)
    ax.set_title(minus(f"{cut.param.symbol} varies, {cut.fixed.symbol} = {cut.fixed_value:.2f}"))
    ax.set_xlabel(f"{cut.param.symbol} ({cut.param.role})")


def _readout(ax: Axes, name: str, text: str = "") -> Text:
    x, y, ha = READOUT_AT[name]
    return ax.text(x, y, text, transform=ax.transAxes, ha=ha, va="top", fontsize=10, color=TEXT[CURVE],
                   bbox=LABEL_BOX, linespacing=1.35)


def one_step(view: OneStepView, layout: Layout = COLUMN) -> Figure:
    """One update of each parameter on its own cut: before, after, and whether the loss fell."""
    fig = new_figure(layout.height(ONE_STEP_HEIGHT, ONE_STEP_PHONE_HEIGHT), layout)
    panels = _cut_panels(fig, view.axes, layout)
    for ax, step in zip(panels, view.steps):
        colour = _step_colour(step.rose)
        ax.axhline(step.loss_before, color=MUTED, linestyle=":", linewidth=1.1)
        ax.plot([step.bottom], [step.bottom_loss], "D", color=CURVE, markersize=6.5, markeredgecolor="white",
                zorder=5)
        ax.annotate("", xy=(step.after, step.loss_after), xytext=(step.before, step.loss_before),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.6, "shrinkA": 5, "shrinkB": 6,
                                "connectionstyle": "arc3,rad=-0.15"}, zorder=4)
        ax.plot([step.before], [step.loss_before], **_dot(START), zorder=5)
        ax.plot([step.after], [step.loss_after], **_dot(colour, 9.0), zorder=5)
        verdict = "went up" if step.rose else "went down"
        # the share of the way to the bottom, η·c: below 1 it stops short, above 1 it overshoots
        text = _readout(ax, step.param.name, minus(
            f"move {step.move:+.2f}: {step.share:.2f} × the\ndistance to the bottom\n"
            f"loss {step.loss_before:.2f} → {step.loss_after:.2f}: {verdict}"))
        text.set_color(TEXT[colour] if step.rose else TEXT[CURVE])
    handles = [Line2D([], [], **_dot(START), label="before the step"),
               Line2D([], [], color=MUTED, linestyle=":", linewidth=1.1, label="loss before the step"),
               Line2D([], [], marker="D", color=CURVE, markersize=6.5, markeredgecolor="white", linestyle="none",
                      label="bottom of the cut")]
    for rose, label in ((False, "after: loss went down"), (True, "after: loss went up")):
        if any(step.rose == rose for step in view.steps):
            handles.append(Line2D([], [], **_dot(_step_colour(rose), 9.0), label=label))
    _legend(fig, handles, layout, phone_cols=2, column_cols=3)
    fig.suptitle(f"One step with learning rate $\\eta$ = {view.lr:g}")
    return fig


def _step_loss_panel(ax: Axes, view: CutWalksView) -> list:
    """The loss of each walk after every step, on the log axis all three rates share; returns, per
    walk, its line and the dot of where it is (both empty at first)."""
    ax.set_yscale("log")
    ax.set_ylim(*view.step_loss_range)
    ax.minorticks_off()  # decades are enough; the minor ticks would only weigh on the GIF
    ax.set_xlim(-0.4, view.steps + 0.4)
    ax.grid(False)
    ax.set_xlabel("step")
    ax.set_ylabel("loss (MSE, log scale)")
    ax.set_title("Loss per step")
    drawn = []
    for walk in view.walks:
        name = walk.param.name
        line, = ax.plot([], [], color=CURVE, **WALK_STYLE[name], antialiased=False,
                        label=f"walk along {walk.param.symbol}")
        here, = ax.plot([], [], **_dot(START, 7.0), zorder=5)
        drawn.append((walk, line, here))
    # in the middle on the right: above every falling walk, below the one that climbs
    ax.legend(loc="center right", handlelength=2.2)
    return drawn


def steps_on_cuts(view: CutWalksView, layout: Layout = COLUMN) -> Movie:
    """Animation: repeated steps along each cut, each step coloured by whether it lowered the loss,
    and the loss of both walks per step on a log axis, so a climb shows however small it starts."""
    fig = new_figure(layout.height(CUT_HEIGHT, STEPS_PHONE_HEIGHT), layout)
    panels, ax_loss = _walk_panels(fig, view.axes, layout)
    lanes = []
    for ax, walk, cut in zip(panels, view.walks, view.axes.cuts):
        segments, dots = [], []
        for k in range(walk.steps):
            colour = _step_colour(bool(walk.rose[k]))
            segment, = ax.plot(walk.values[k : k + 2], walk.losses[k : k + 2], color=colour, linewidth=1.3,
                               visible=False)
            dot, = ax.plot(walk.values[k + 1 : k + 2], walk.losses[k + 1 : k + 2], **_dot(colour, 5.5),
                           visible=False)
            segments.append(segment)
            dots.append(dot)
        here, = ax.plot(walk.values[:1], walk.losses[:1], **_dot(START, 9.0), zorder=6)
        x, y = LEFT_NOTE_AT[walk.param.name]
        left = ax.text(x, y, "", transform=ax.transAxes, ha="center", va="center", fontsize=10,
                       color=TEXT[LOSS_UP])
        lanes.append((walk, cut, segments, dots, here, left))
    per_step = _step_loss_panel(ax_loss, view)
    handles = [Line2D([], [], **_dot(START, 9.0), label="where the walk is")]
    for rose, label in ((False, "a step that lowered the loss"), (True, "a step that raised the loss")):
        if any(bool(np.any(walk.rose == rose)) for walk in view.walks):
            handles.append(Line2D([], [], **{**_dot(_step_colour(rose), 5.5), "linestyle": "-"}, linewidth=1.3,
                                  label=label))
    _legend(fig, handles, layout, phone_cols=1)
    title = f"Steps along each cross-section, $\\eta$ = {view.lr:g}"
    # one step counter for all panels, fixed width, so from frame to frame only its digits are
    # redrawn: in the column, in the title's row, clear of it; on the phone, where the title takes
    # the whole row, centred on a second row that the title keeps free for it
    if layout.narrow:
        heading = fig.suptitle(title + "\n")
        counter = Annotation("", xy=(0.5, 0.0), xycoords=heading, ha="center", va="bottom", fontsize=10,
                             family=MONO, color=TEXT[CURVE])
        fig.add_artist(counter)
    else:
        fig.suptitle(title)
        counter = fig.text(0.995, 0.985, "", ha="right", va="top", fontsize=10, family=MONO, color=TEXT[CURVE])

    low, high = view.axes.loss_range

    def update(k: int) -> None:
        for walk, cut, segments, dots, here, left in lanes:
            shown = min(k, walk.steps)
            for j, (segment, dot) in enumerate(zip(segments, dots)):
                segment.set_visible(j < shown)
                dot.set_visible(j < shown)
            value, loss = walk.values[shown], walk.losses[shown]
            here.set_data([value], [loss])
            inside = cut.window[0] <= value <= cut.window[1] and low <= loss <= high
            left.set_text("" if inside else "the walk\nhas left\nthe chart")
        for walk, line, here in per_step:
            shown = min(k, walk.steps)
            line.set_data(np.arange(shown + 1), walk.losses[: shown + 1])
            here.set_data([shown], walk.losses[shown : shown + 1])
        counter.set_text(f"step {min(k, view.steps):2d} of {view.steps}")

    changing = [counter, ax_loss.get_legend()] + [artist for _, _, segments, dots, here, left in lanes
                                                  for artist in (*segments, *dots, here, left)]
    changing += [artist for _, line, here in per_step for artist in (line, here)]
    return Movie(fig, update, view.frames, frame_ms=420, moving=changing)


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _loss_text(value: float) -> str:
    """A loss as a readout prints it: three significant digits, large ones as 1.33×10⁶."""
    short = f"{value:.3g}"
    if "e+" not in short:
        return short
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa}×10{str(int(exponent)).translate(SUPERSCRIPT)}"


def descent(view: DescentView, layout: Layout = COLUMN) -> Movie:
    """Animation: full gradient descent on the contour map beside (on the phone: above) the loss per
    step (log scale). Full batch: each step is one epoch."""
    run = view.run
    fig = new_figure(layout.height(DESCENT_HEIGHT, DESCENT_PHONE_HEIGHT), layout)
    ax_map, ax_loss = fig.subplots(*layout.grid(1, 2))
    contour_map(ax_map, view.grid)
    ax_map.set_xlim(view.grid.b[0], view.grid.b[-1])
    ax_map.set_ylim(view.grid.w[0], view.grid.w[-1])
    ax_map.set_xlabel("$b$ (bias)")
    ax_map.set_ylabel("$w$ (weight)")
    ax_map.set_title(f"Descent with $\\eta$ = {view.lr:g}: the path")
    mark_point(ax_map, view.solution, MINIMUM, "least-squares minimum", marker="*", size=15)
    mark_point(ax_map, view.start, START, None, size=5.5)
    # not antialiased: the path's long white segments then cost a third less in the GIF
    path, = ax_map.plot([], [], "-o", color=PATH, markersize=3.0, linewidth=1.2, markeredgewidth=0, zorder=4,
                        antialiased=False)
    here, = ax_map.plot([], [], **_dot(START, 9.0), zorder=6, label="where the run is")
    legend = ax_map.legend(loc="upper right", title=LEVELS_NOTE, frameon=True,
                           framealpha=1.0, facecolor="white", edgecolor="none", borderpad=0.4,
                           handletextpad=0.3, title_fontsize=9)
    legend.set_zorder(7)

    ax_loss.axhline(view.solution_loss, color=MINIMUM, linestyle="--", linewidth=1.3,
                    label=f"least-squares loss {view.solution_loss:.4f}")
    ax_loss.set_yscale("log")
    ax_loss.grid(False)
    ax_loss.set_xlim(0, view.epochs)
    ax_loss.set_ylim(*view.loss_range)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("training loss (MSE, log scale)")
    ax_loss.set_title("… and the loss per step")
    # below the least-squares line, where no loss curve can go
    ticker_loss = ax_loss.text(0.03, 0.04, "", transform=ax_loss.transAxes, ha="left", va="bottom", fontsize=10,
                               family=MONO, color=TEXT[CURVE])
    curve, = ax_loss.plot([], [], color=CURVE, linewidth=1.8)
    rises, = ax_loss.plot([], [], **_dot(LOSS_UP, 6.0), zorder=5, label="a step that raised the loss")
    if not np.any(view.rose):
        rises.set_label(None)
    ax_loss.legend(loc="upper right")
    status = ax_loss.text(0.97, 0.66, "", transform=ax_loss.transAxes, ha="right", va="top", fontsize=10,
                          color=TEXT[LOSS_UP])
    epochs = np.arange(run.steps + 1)

    def update(k: int) -> None:
        shown = view.frame_epochs[k]
        path.set_data(run.params[: shown + 1, 0], run.params[: shown + 1, 1])
        here.set_data(run.params[shown : shown + 1, 0], run.params[shown : shown + 1, 1])
        curve.set_data(epochs[: shown + 1], run.losses[: shown + 1])
        risen = np.flatnonzero(view.rose[:shown]) + 1
        rises.set_data(epochs[risen], run.losses[risen])
        ticker_loss.set_text(f"step {shown:2d}  loss {_loss_text(run.losses[shown])}")
        if run.diverged and shown == run.steps:
            status.set_text("diverged: run stopped")

    changing = [path, here, curve, rises, ticker_loss, status, legend, ax_loss.get_legend()]
    return Movie(fig, update, len(view.frame_epochs), frame_ms=DESCENT_FRAME_MS, moving=changing)
