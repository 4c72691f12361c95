"""Figures of "Reading the loss curve": loss per epoch, loss per step, and the update-to-weight ratio,
for the very high, high, good and low learning rates (one run each, one seed), and the final
validation loss against the rate on every seed, the evidence behind the good rate.

Every figure draws a rate in its ``RATE_KIND`` colour, and the loss figures share one loss axis,
which the chapter computed for all of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter

from gdsim.draw.style import COLUMN, INK, MUTED, RATE_KIND, TEXT, Layout, new_figure

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.loss_curves import Curve, CurvesView, GridView

# Tick labels as plain numbers where they are short (0.01, 1), powers of ten below.
LOG_TICK = FuncFormatter(lambda value, _: f"{value:g}" if value >= 1e-3 else f"$10^{{{np.log10(value):.0f}}}$")
WIDTH = {"very high": 2.0, "high": 1.6, "good": 2.2, "low": 1.8}
ZORDER = {"very high": 6, "high": 3, "good": 5, "low": 4}
STOP_MARK = dict(marker="X", markersize=10, markeredgecolor="white", markeredgewidth=1.0, linestyle="none")
BAND_ALPHA = 0.28
# Loss ticks of the grid figure: round values across its one decade.
GRID_TICKS = (0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6, 0.8)


def _log_axis(ax: Axes, limits: tuple[float, float]) -> None:
    ax.set_yscale("log")
    ax.set_ylim(*limits)
    ax.yaxis.set_major_locator(LogLocator(base=10, numticks=12))
    ax.yaxis.set_major_formatter(LOG_TICK)
    ax.yaxis.set_minor_formatter(NullFormatter())


def _handle(c: Curve) -> Line2D:
    return Line2D([], [], color=RATE_KIND[c.kind], linewidth=WIDTH[c.kind] + 0.4, label=c.label)


def _stop_handle() -> Line2D:
    return Line2D([], [], color=MUTED, label="stopped: blew up", **STOP_MARK)


def _one_run(view: CurvesView) -> str:
    return f"one run per rate (seed {view.seed})"


def _limit_line(ax: Axes, view: CurvesView) -> None:
    ax.axhline(view.blowup_limit, color=MUTED, linestyle="--", linewidth=1.1, zorder=1)


def epochs(view: CurvesView, layout: Layout = COLUMN) -> Figure:
    """Training and validation loss after every epoch, one panel each on one log loss axis; a blown-up
    run is drawn to where it stopped, a cross."""
    fig = new_figure(layout.height(3.5, 6.4), layout)
    train_ax, val_ax = fig.subplots(*layout.grid(1, 2), sharey=True, sharex=True)
    for ax, what in ((train_ax, "train"), (val_ax, "val")):
        for c in view.curves:
            colour = RATE_KIND[c.kind]
            if c.stop is None:
                ax.plot(np.arange(len(c.train)), getattr(c, what), color=colour, linewidth=WIDTH[c.kind],
                        zorder=ZORDER[c.kind], marker="o", markersize=3)
            elif what == "train":  # the only loss measured after the start: the training loss at the stop
                ax.plot([0, c.stop[0]], [c.train[0], c.stop[1]], color=colour, linewidth=WIDTH[c.kind],
                        zorder=ZORDER[c.kind])
                ax.plot(*c.stop, color=colour, zorder=ZORDER[c.kind] + 1, **STOP_MARK)
        _limit_line(ax, view)
        _log_axis(ax, view.epoch_range)
        ax.set_xlim(-0.4, view.epochs + 0.4)
        ax.set_xlabel("epoch")
    train_ax.set_title("Training loss")
    val_ax.set_title("Validation loss")
    for ax in (train_ax, val_ax) if layout.narrow else (train_ax,):
        ax.set_ylabel("cross-entropy (log scale)")
    times = view.blowup_limit / view.curves[0].train[0]
    train_ax.annotate(f"stop line: {times:g} × the start", xy=(view.epochs, view.blowup_limit), xytext=(0, -3),
                      textcoords="offset points", ha="right", va="top", fontsize=9, color=TEXT[MUTED])
    for c in view.curves:
        if c.stop is not None:
            train_ax.annotate(f"stopped after {len(c.step_loss)} steps", xy=c.stop, xytext=(12, 8),
                              textcoords="offset points", ha="left", va="bottom", fontsize=9,
                              color=TEXT[RATE_KIND[c.kind]])
    handles = [_handle(c) for c in view.curves] + [_stop_handle()]
    fig.legend(handles=handles, loc="outside lower center", ncols=2 if layout.narrow else 3,
               handletextpad=0.4, columnspacing=1.2, title=_one_run(view), title_fontsize=10)
    return fig


def steps(view: CurvesView, layout: Layout = COLUMN) -> Figure:
    """The loss of every step's batch and its one-epoch mean, one panel per rate that did not blow up,
    one step axis and one log loss axis for all."""
    shown = [c for c in view.curves if c.stop is None]
    fig = new_figure(layout.height(5.2, 6.4), layout)
    axes = fig.subplots(len(shown), 1, sharex=True, sharey=True)
    for ax, c in zip(axes, shown):
        colour, x = RATE_KIND[c.kind], np.arange(len(c.step_loss))
        ax.plot(x, c.step_loss, color=colour, linewidth=0.6, alpha=0.45, zorder=2)
        ax.plot(x, c.smooth, color=colour, linewidth=2.2, zorder=3)
        _log_axis(ax, view.step_range)
        ax.set_title(c.label, loc="left", color=TEXT[colour], fontsize=10, pad=3)
    ax.set_xlim(0, len(shown[0].step_loss))
    ax.set_xlabel(f"step ({view.steps_per_epoch} per epoch)")
    fig.supylabel("batch loss (log scale)", fontsize=11)
    handles = [Line2D([], [], color=MUTED, linewidth=0.8, alpha=0.6, label="each step's batch"),
               Line2D([], [], color=MUTED, linewidth=2.2, label=f"mean of the last {view.steps_per_epoch} steps")]
    fig.legend(handles=handles, loc="outside lower center", ncols=2 if not layout.narrow else 1,
               handletextpad=0.4, columnspacing=1.2, title=_one_run(view), title_fontsize=10)
    return fig


def ratio(view: CurvesView, layout: Layout = COLUMN) -> Figure:
    """‖η∇W‖/‖W‖ of every step for the four rates (pale), its one-epoch mean (solid), and the rule of thumb."""
    fig = new_figure(layout.height(4.3, 4.6), layout)
    ax = fig.subplots()
    for c in view.curves:
        colour, x = RATE_KIND[c.kind], np.arange(len(c.ratio))
        if c.stop is None:
            ax.plot(x, c.ratio, color=colour, linewidth=0.5, alpha=0.35, zorder=2)
            ax.plot(x, c.ratio_smooth, color=colour, linewidth=WIDTH[c.kind], zorder=ZORDER[c.kind])
        else:
            ax.plot(x, c.ratio, color=colour, linewidth=WIDTH[c.kind], marker="o", markersize=5, zorder=ZORDER[c.kind])
            ax.plot(len(c.ratio), c.ratio[-1], color=colour, zorder=ZORDER[c.kind] + 1, **STOP_MARK)
    # a rule of thumb, not an exact limit: ink, dotted
    ax.axhline(view.rule_of_thumb, color=INK, linestyle=":", linewidth=1.8, zorder=1)
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, numticks=12))
    ax.yaxis.set_major_formatter(LOG_TICK)
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlim(-0.015 * view.epochs * view.steps_per_epoch, view.epochs * view.steps_per_epoch)
    ax.set_xlabel(f"step ({view.steps_per_epoch} per epoch)")
    ax.set_ylabel("update-to-weight ratio (log scale)")
    handles = [_handle(c) for c in view.curves]
    handles.append(Line2D([], [], color=INK, linestyle=":", linewidth=1.8,
                          label=f"CS231n's rule of thumb, {view.rule_of_thumb:g}"))
    handles.append(Line2D([], [], color=MUTED, linewidth=0.8, alpha=0.6, label="each step (pale); solid: one-epoch mean"))
    handles.append(_stop_handle())
    fig.legend(handles=handles, loc="outside lower center", ncols=1 if layout.narrow else 2,
               handletextpad=0.4, columnspacing=1.2, title=_one_run(view), title_fontsize=10)
    return fig


def grid(view: GridView, layout: Layout = COLUMN) -> Figure:
    """Final validation loss against the rate: every seed's runs (thin), their mean ± sd (band), each
    seed's own best rate (ringed), the reference rate, and the rates where some seed blew up (shaded)."""
    fig = new_figure(layout.height(3.9, 5.4), layout)
    ax = fig.subplots()
    lrs, losses = view.lrs, np.where(np.isfinite(view.val_loss), view.val_loss, np.nan)
    for row in losses:
        ax.plot(lrs, row, color=MUTED, linewidth=0.9, alpha=0.75, marker="o", markersize=3.5, zorder=3)
    stable = np.isfinite(view.sd)
    mean, sd = view.mean[stable], view.sd[stable]
    ax.fill_between(lrs[stable], mean - sd, mean + sd, color=MUTED, alpha=BAND_ALPHA, linewidth=0, zorder=2)
    ax.plot(lrs[stable], mean, color=INK, linewidth=2.2, zorder=4)
    for winner, loss in zip(view.winners, view.winner_loss):
        ax.plot(winner, loss, marker="o", markersize=11, markerfacecolor="none", markeredgecolor=INK,
                markeredgewidth=1.4, linestyle="none", zorder=5)
    # where some seed blew up: from halfway (on the log axis) between the largest stable rate and the next
    edge = np.sqrt(view.largest_stable * view.first_blown)
    right = lrs[-1] * 1.5
    ax.axvspan(edge, right, color=RATE_KIND["very high"], alpha=0.14, linewidth=0, zorder=1)
    top = view.loss_range[1]
    for lr, count in zip(lrs[view.blown > 0], view.blown[view.blown > 0]):
        ax.plot(lr, top, color=RATE_KIND["very high"], clip_on=False, zorder=6, **STOP_MARK)
        ax.annotate(f"{count}/{len(view.seeds)}", xy=(lr, top), xytext=(0, -12), textcoords="offset points",
                    ha="center", va="top", fontsize=9, color=TEXT[RATE_KIND["very high"]])
    ax.axvline(view.rate, color=RATE_KIND["good"], linestyle="--", linewidth=1.6, zorder=1)
    ax.annotate(f"reference rate\n$\\eta$ = {view.rate:.3g}", xy=(view.rate, top), xytext=(-5, -4),
                textcoords="offset points", ha="right", va="top", fontsize=9, color=TEXT[RATE_KIND["good"]])
    first = view.seeds.index(view.seed)
    ax.annotate(f"seed {view.seed}'s best", xy=(view.winners[first], view.winner_loss[first]), xytext=(0, -10),
                textcoords="offset points", ha="center", va="top", fontsize=9, color=TEXT[INK])
    ax.set_xscale("log")
    ax.set_xlim(lrs[0] / 1.5, right)
    ax.xaxis.set_major_formatter(LOG_TICK)
    ax.set_yscale("log")
    ax.set_ylim(*view.loss_range)
    ax.yaxis.set_major_locator(FixedLocator([t for t in GRID_TICKS if view.loss_range[0] <= t <= view.loss_range[1]]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(r"learning rate $\eta$ (log scale)")
    ax.set_ylabel("final validation loss (log scale)")
    n = len(view.seeds)
    handles = [Line2D([], [], color=MUTED, linewidth=0.9, marker="o", markersize=3.5, label=f"each of {n} seeds"),
               Patch(color=MUTED, alpha=BAND_ALPHA + 0.1, label=f"mean ± sd over the {n} seeds"),
               Line2D([], [], color=INK, linewidth=2.2, label="mean"),
               Line2D([], [], marker="o", markersize=11, markerfacecolor="none", markeredgecolor=INK,
                      markeredgewidth=1.4, linestyle="none", label="each seed's own best rate"),
               Patch(color=RATE_KIND["very high"], alpha=0.25, label=f"blew up on some seed (× n/{n}: on n of the {n})")]
    fig.legend(handles=handles, loc="outside lower center", ncols=1 if layout.narrow else 2,
               handletextpad=0.5, columnspacing=1.2)
    return fig
