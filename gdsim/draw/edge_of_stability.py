"""Figures of the chapter "The edge of stability": sharpness against 2/η, on a network (from one
initialization and from several) and on the bowl."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib
import matplotlib.ticker
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from gdsim.draw.style import COLUMN, INK, MUTED, RATE_CMAP, RATE_KIND, TEXT, Layout, minus, new_figure

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.edge_of_stability import Alternation, Bowl, EdgeView, SeedView

# The rates from light to dark along a colour-blind-safe map (its lightest end is too pale on white).
SHADES = (0.85, 0.6, 0.33, 0.0)
# The sharpness axis stops here (× the second-largest 2/η): a limit above it is named, not drawn.
HEADROOM = 1.15


def rate_colours(count: int) -> list:
    """One colour per rate, light (small η) to dark (large η)."""
    cmap = matplotlib.colormaps[RATE_CMAP]
    return [cmap(v) for v in SHADES[-count:]] if count <= len(SHADES) else [cmap(v) for v in np.linspace(0.72, 0, count)]


def _eta(lr: float) -> str:
    return f"$\\eta$ = {lr:g}"


def edge(view: EdgeView, layout: Layout = COLUMN) -> Figure:
    """Training loss (log), sharpness with 2/η dashed in each rate's colour, and the sharpness as a
    percentage of 2/η near the edge: each run's peak marked, the late phase shaded with its mean."""
    fig = new_figure(layout.height(7.6, 9.4), layout)
    loss_ax, sharp_ax, edge_ax = fig.subplots(3, 1, sharex=True, height_ratios=(1, 1.3, 1.3))
    colours = rate_colours(len(view.runs))
    limits = sorted(r.limit for r in view.runs)
    top = limits[-2] * HEADROOM
    for run, colour in zip(view.runs, colours):
        loss_ax.plot(np.arange(len(run.losses)), run.losses, color=colour, linewidth=1.1)
        sharp_ax.plot(run.measured_at, run.sharpness, color=colour, linewidth=1.8)
        if run.limit < top:
            sharp_ax.axhline(run.limit, color=colour, linestyle="--", linewidth=1.2)
            # named in the right margin, clear of the curves that sit on the line
            sharp_ax.annotate(minus(f"{run.limit:.3g}"), (1.01, run.limit), xycoords=("axes fraction", "data"),
                              va="center", ha="left", color=_ink(colour, colours), annotation_clip=False)
        else:
            sharp_ax.annotate(minus(f"{_eta(run.lr)}: 2/$\\eta$ = {run.limit:.3g}, above the top"), (0.01, 0.97),
                              xycoords="axes fraction", ha="left", va="top", color=MUTED)
    _edge_panel(edge_ax, view, colours, layout)
    loss_ax.set_yscale("log")
    loss_ax.set_ylabel("training loss\n(log scale)")
    loss_ax.set_title("Full-batch gradient descent" + ("\n" if layout.narrow else " ") + "on a network")
    sharp_ax.set_ylabel("sharpness $\\lambda_{\\max}$")
    sharp_ax.set_xlim(0, view.steps)
    sharp_ax.set_ylim(0, top)
    handles = [Line2D([], [], color=c, linewidth=2, label=_eta(r.lr)) for r, c in zip(view.runs, colours)]
    handles.append(Line2D([], [], color=MUTED, linestyle="--", linewidth=1.2, label="2/$\\eta$ (value at right)"))
    fig.legend(handles=handles, loc="outside lower center", ncols=3 if layout.narrow else 5,
               handletextpad=0.4, columnspacing=1.0)
    return fig


# Room above the highest bar of the seeds' figure for its key, in % of 2/η.
KEY_ROOM = 2.2
# The zoomed panel's range, % of 2/η: the edge and the overshoots above it.
EDGE_RANGE = (88, 132)


def _ink(colour: tuple, colours: list) -> tuple | str:
    """Text in a run's colour, but the palest run's in the muted grey (too pale on white)."""
    return MUTED if colour == colours[0] else colour


def _edge_panel(ax: Axes, view: EdgeView, colours: list, layout: Layout) -> None:
    """The sharpness in % of 2/η for the runs that reach it; peaks marked, the late phase's mean."""
    ax.axvspan(view.late_from, view.steps, color=MUTED, alpha=0.12, linewidth=0)
    ax.axhline(100, color=MUTED, linestyle="--", linewidth=1.2)
    means = []
    for run, colour, peak, late in zip(view.runs, colours, view.peaks, view.late):
        if peak is None:
            continue
        ax.plot(run.measured_at, 100 * run.sharpness / run.limit, color=colour, linewidth=1.4)
        ax.plot([peak.step], [peak.percent], marker="v", color=colour, markersize=7, markeredgecolor=INK,
                markeredgewidth=0.6, linestyle="none")
        at_end = peak.step > 0.8 * view.steps
        ax.annotate(f"{peak.percent:.0f} %", (peak.step, peak.percent), xytext=(-6 if at_end else 6, 3),
                    textcoords="offset points", ha="right" if at_end else "left", va="bottom",
                    color=_ink(colour, colours))
        if late is not None:
            ax.plot([view.late_from, view.steps], [late.mean] * 2, color=colour, linewidth=2.4, linestyle=(0, (1, 1)))
            means.append(f"{_eta(run.lr)}: {late.mean:.1f} %")
    # the late phase's top is clear of every curve: its name and the means go there
    ax.text(0.99, 0.97, "late phase, mean dotted:\n" + ("\n" if layout.narrow else ", ").join(means),
            transform=ax.transAxes, ha="right", va="top", color=INK)
    ax.set_ylim(*EDGE_RANGE)
    ax.set_ylabel("sharpness\n(% of 2/$\\eta$)")
    ax.set_xlabel("step")


def seeds(view: SeedView, layout: Layout = COLUMN) -> Figure:
    """The late-phase sharpness as a percentage of 2/η from each initialization, one panel per rate:
    the mean as a dot, the lowest and highest measured as a bar, against the line at 100 %."""
    fig = new_figure(layout.height(3.0, 5.0), layout)
    axes = fig.subplots(*layout.grid(1, len(view.checks)), sharey=True, squeeze=False).ravel()
    colours = rate_colours(len(view.checks) + 2)[2:]
    for ax, check, colour in zip(axes, view.checks, colours):
        ax.axhline(100, color=MUTED, linestyle="--", linewidth=1.2)
        x = np.arange(len(view.seeds))
        means = np.array([level.mean for level in check.late])
        lows = np.array([level.low for level in check.late])
        highs = np.array([level.high for level in check.late])
        ax.vlines(x, lows, highs, color=colour, linewidth=2)
        ax.plot(x, means, marker="o", color=colour, markersize=7, markeredgecolor="white", linestyle="none")
        ax.set_xticks(x, [str(seed) for seed in view.seeds])
        ax.set_xlim(-0.6, len(view.seeds) - 0.4)
        ax.set_xlabel("initialization (seed)")
        ax.set_title(_eta(check.lr))
    for ax in axes[:: 1 if layout.narrow else len(axes)]:
        ax.set_ylabel("late sharpness\n(% of 2/$\\eta$)")
    axes[0].annotate("2/$\\eta$", (-0.55, 100), xytext=(0, -4), textcoords="offset points", ha="left", va="top",
                     color=MUTED)
    key = [Line2D([], [], color=MUTED, marker="o", linestyle="none", markersize=7, label="mean"),
           Line2D([], [], color=MUTED, linewidth=2, label="lowest to highest")]
    highest = max(level.high for check in view.checks for level in check.late)
    axes[0].set_ylim(top=highest + KEY_ROOM)  # room above the bars for the key
    axes[-1].legend(handles=key, loc="upper center", ncols=2, handletextpad=0.4, columnspacing=1.0)
    return fig


def bowl(result: Bowl, layout: Layout = COLUMN) -> Figure:
    """Least squares: the loss above its floor per step at a rate below and one above 2/λ_max, and the
    sharpness measured at every step (the constant λ_max) against each rate's 2/η."""
    fig = new_figure(layout.height(3.3, 6.0), layout)
    loss_ax, sharp_ax = fig.subplots(*layout.grid(1, 2))
    colours = (RATE_KIND["good"], RATE_KIND["very high"])
    for lr, limit, losses, measured, colour in zip(result.rates, result.limits, result.losses, result.sharpness, colours):
        steps = np.arange(len(losses))
        loss_ax.plot(steps, losses, color=colour, linewidth=1.5, marker="o", markersize=2.5, label=_eta(round(lr, 3)))
        sharp_ax.plot(steps, measured, color=colour, linewidth=2.2 if colour == colours[0] else 1.2,
                      linestyle="-" if colour == colours[0] else (0, (1, 2)))
        sharp_ax.axhline(limit, color=colour, linestyle="--", linewidth=1.2)
        below = limit < result.lam_max  # its label under its line, clear of λ_max's
        sharp_ax.annotate(minus(f"2/$\\eta$ = {limit:.2f}"), (len(losses) - 1, limit), xytext=(-3, -3 if below else 3),
                          textcoords="offset points", ha="right", va="top" if below else "bottom",
                          color=TEXT.get(colour, colour))
    sharp_ax.annotate(minus(f"$\\lambda_{{\\max}}$ = {result.lam_max:.2f} at every step"), (0, result.lam_max),
                      xytext=(3, 4), textcoords="offset points", va="bottom", color=MUTED)
    loss_ax.set_yscale("log")
    loss_ax.set_ylabel("$L - L^*$ (log scale)")
    loss_ax.set_xlabel("step")
    loss_ax.set_title("Loss above its floor")
    loss_ax.legend(loc="lower left")
    sharp_ax.set_ylim(result.lam_max * 0.8, 2 / min(result.rates) * 1.1)
    sharp_ax.set_ylabel("sharpness")
    sharp_ax.set_xlabel("step")
    sharp_ax.set_title("Sharpness: a constant")
    for ax in (loss_ax, sharp_ax):
        ax.axvline(0, color="none")
    fig.get_layout_engine().set(w_pad=0.1)
    return fig


def alternation(views: tuple[Alternation, ...], layout: Layout = COLUMN) -> Figure:
    """The gradient's component along the sharpest direction, step by step, one panel per rate."""
    fig = new_figure(layout.height(3.4, 5.2), layout)
    axes = fig.subplots(len(views), 1, sharex=True)
    colours = rate_colours(len(views) + 1)[1:]
    for ax, view, colour in zip(axes, views, colours):
        ax.axhline(0, color=MUTED, linewidth=0.8)
        ax.plot(view.steps, view.component, color=colour, linewidth=1.0, marker="o", markersize=3.2)
        ax.set_ylabel(_eta(view.lr), rotation=0, ha="right", va="center")
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3, symmetric=True))
    gap = "\n" if layout.narrow else " "
    axes[0].set_title(f"Gradient along the{gap}sharpest direction, $v\\cdot\\nabla L$")
    axes[-1].set_xlabel("step")
    axes[-1].set_xlim(views[0].steps[0] - 0.5, views[0].steps[-1] + 0.5)
    return fig
