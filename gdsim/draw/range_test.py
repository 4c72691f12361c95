"""Figures of "The learning-rate range test": the test running, its curve with the four rules'
suggestions, the suggestions trained on every seed against the reference curve, Smith's linear
version, and the least-squares line where the blow-up point overshoots the exact limit.

The rules keep one colour each (``style.RULE``; ``slide``, which style does not list yet, takes
``VERMILLION``), the reference rate is ``MINIMUM`` green and 2/λ_max ``THRESHOLD`` orange on every figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Annotation
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from gdsim import lr_range
from gdsim.draw.frames import Movie
from gdsim.draw.style import (
    COLUMN,
    CURVE,
    FLAT_EDGE,
    INK,
    MINIMUM,
    MUTED,
    RULE,
    STEEP,
    TEXT,
    THRESHOLD,
    Layout,
    new_figure,
)

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.range_test import CheckView, CurveView, LeastSquaresView, MovieView, SmithView

RULE_LABEL = {"steepest": "steepest slope", "minimum": f"minimum ÷ {lr_range.MINIMUM_DIVISOR:g}", "valley": "valley",
              "slide": "slide"}
RULE_MARKER = {"steepest": "v", "minimum": "s", "valley": "D", "slide": "^"}
PLAIN = FuncFormatter(lambda value, _: f"{value:g}")
MONO = "DejaVu Sans Mono"
RAW = dict(color=MUTED, marker="o", markersize=2.6, linestyle="none", alpha=0.55, markeredgewidth=0)
STOP = dict(marker="X", color=INK, markersize=10, markeredgecolor="white", markeredgewidth=1.0, linestyle="none")
MOVIE_FRAME_MS = 120


def _log_eta(ax: Axes, low: float, high: float) -> None:
    """A logarithmic η axis with plain-number decade labels."""
    ax.set_xscale("log")
    ax.set_xlim(low, high)
    ax.xaxis.set_major_locator(LogLocator(base=10, numticks=12))
    ax.xaxis.set_major_formatter(PLAIN)
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(r"learning rate $\eta$ (log scale)")


def _loss_axes(ax: Axes, view: CurveView) -> None:
    test = view.test
    _log_eta(ax, test.lrs[0], test.lrs[-1] * 1.6)
    # up to the stop, which passes the start when the best was low enough
    ax.set_ylim(0, 1.1 * float(max(test.losses[0], test.smoothed[-1])))
    ax.set_ylabel("training loss (cross-entropy)")


def _rule_handles(view: CurveView) -> list[Line2D]:
    return [Line2D([], [], color=RULE[r], marker=RULE_MARKER[r], linestyle="--", linewidth=1.3, markersize=6,
                   markeredgecolor="white", label=f"{RULE_LABEL[r]}: $\\eta$ = {lr:.2g}")
            for r, lr in view.suggestions.items()]


def _best_handle(lr: float, label: str = "reference rate") -> Line2D:
    return Line2D([], [], color=MINIMUM, linewidth=2.0, label=f"{label}: $\\eta$ = {lr:.3g}")


def curve(view: CurveView, layout: Layout = COLUMN) -> Figure:
    """The exponential test: raw and smoothed loss, the stop, the three suggestions and the best rate."""
    test = view.test
    fig = new_figure(layout.height(3.9, 5.4), layout)
    ax = fig.subplots()
    _loss_axes(ax, view)
    # the rules do not see the first tenth of the planned steps nor the last points
    for low, high in ((test.lrs[0], view.rules_from), (view.rules_to, test.lrs[-1] * 1.6)):
        ax.axvspan(low, high, color=MUTED, alpha=0.12, linewidth=0, zorder=0)
    ax.axvspan(*view.valley_span, color=RULE["valley"], alpha=0.10, linewidth=0, zorder=0)
    ax.plot(test.lrs, test.losses, **RAW, zorder=2)
    ax.plot(test.lrs, test.smoothed, color=CURVE, linewidth=2.0, zorder=3)
    ax.plot(test.lrs[-1], test.smoothed[-1], **STOP, zorder=6)
    ax.axvline(view.reference_lr, color=MINIMUM, linewidth=2.0, zorder=1)
    for rule, lr in view.suggestions.items():
        ax.axvline(lr, color=RULE[rule], linestyle="--", linewidth=1.3, zorder=1)
        ax.plot(lr, view.curve_at[rule], marker=RULE_MARKER[rule],
                color=RULE[rule], markersize=7, markeredgecolor="white", markeredgewidth=1.0, zorder=5)
    # where "minimum" reads: the lowest smoothed loss, MINIMUM_DIVISOR times the rate it suggests
    ax.plot(view.minimum_lr, view.minimum_loss, marker=RULE_MARKER["minimum"], markersize=7, markerfacecolor="none",
            markeredgecolor=RULE["minimum"], markeredgewidth=1.6, linestyle="none", zorder=5)
    gap = "\n" if layout.narrow else " "
    ax.set_title(f"Exponential range test,{gap}one run (seed 0), {test.steps} steps")
    handles = [Line2D([], [], **RAW, label="loss of each batch"),
               Line2D([], [], color=CURVE, linewidth=2.0, label=f"smoothed ($\\omega$ = {test.smoothing:g})"),
               Line2D([], [], **{**STOP, "markersize": 8}, label=f"stop: $\\eta$ = {test.stop_lr:.3g}"),
               *_rule_handles(view),
               Line2D([], [], marker=RULE_MARKER["minimum"], markersize=7, markerfacecolor="none", linestyle="none",
                      markeredgecolor=RULE["minimum"], markeredgewidth=1.6,
                      label=f"lowest smoothed loss: $\\eta$ = {view.minimum_lr:.3g}"),
               _best_handle(view.reference_lr),
               Patch(color=RULE["valley"], alpha=0.2, label="valley's span, as its code reads it"),
               Patch(color=MUTED, alpha=0.25, label="not seen by the rules")]
    fig.legend(handles=handles, loc="outside lower center", ncols=1 if layout.narrow else 2,
               handletextpad=0.5, columnspacing=1.4)
    return fig


def check(view: CheckView, layout: Layout = COLUMN) -> Figure:
    """Validation loss after the same training at fixed rates: the reference curve's mean ± sd over the
    seeds, and each rule's suggestion on each seed, trained on that seed."""
    fig = new_figure(layout.height(4.0, 5.8), layout)
    ax = fig.subplots()
    stable = view.stable
    mean, sd = view.mean[stable], view.sd[stable]
    lrs = view.lrs[stable]
    ax.fill_between(lrs, mean - sd, mean + sd, color=CURVE, alpha=0.14, linewidth=0, zorder=1)
    ax.plot(lrs, mean, "-o", color=CURVE, linewidth=1.4, markersize=4, zorder=2)
    finite = view.val_loss[np.isfinite(view.val_loss)]
    rule_losses = np.concatenate([r.val_loss for r in view.rules])
    top = 1.5 * float(max(finite.max(), rule_losses[np.isfinite(rule_losses)].max()))
    bottom = 0.8 * float(min(finite.min(), rule_losses.min()))
    # runs that blew up are drawn at the top: the grid's on one row, the rules' on the row below
    grid_row, rule_row = top / 1.12, top / 1.32
    ax.plot(view.lrs[view.blown > 0], np.full(int(np.count_nonzero(view.blown)), grid_row), "x", color=CURVE,
            markersize=7, markeredgewidth=1.6, zorder=2)
    ax.plot(view.reference_lr, view.reference_mean, "*", color=MINIMUM, markersize=16, markeredgecolor="white",
            markeredgewidth=1.0, zorder=6)
    _log_eta(ax, view.lrs[0] / 1.4, view.lrs[-1] * 1.4)
    ax.set_yscale("log")
    ax.set_ylim(bottom, top)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 3.0, 5.0)))
    ax.yaxis.set_major_formatter(PLAIN)
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_ylabel(f"validation loss after {view.epochs} epochs")
    handles = [Line2D([], [], color=CURVE, marker="o", markersize=4, linewidth=1.4,
                      label=f"fixed rates: mean of {len(view.val_loss)} seeds"),
               Patch(color=CURVE, alpha=0.25, label="mean ± sd"),
               Line2D([], [], color=CURVE, marker="x", markersize=7, markeredgewidth=1.6, linestyle="none",
                      label="blew up on a seed (top row)"),
               Line2D([], [], marker="*", color=MINIMUM, markersize=14, markeredgecolor="white", linestyle="none",
                      label=f"reference rate: $\\eta$ = {view.reference_lr:.3g}")]
    for rule in view.rules:
        style = dict(marker=RULE_MARKER[rule.name], color=RULE[rule.name], markersize=7,
                     markeredgecolor="white", markeredgewidth=0.8, linestyle="none", alpha=0.9)
        ok = np.isfinite(rule.val_loss)
        ax.plot(rule.lrs[ok], rule.val_loss[ok], zorder=5, **style)
        ax.plot(rule.lrs[~ok], np.full(int(np.count_nonzero(~ok)), rule_row), zorder=5, **style)
        handles.append(Line2D([], [], label=f"{RULE_LABEL[rule.name]}, one per seed (second row: blew up)"
                              if not ok.all() else f"{RULE_LABEL[rule.name]}, one per seed", **style))
    gap = "\n" if layout.narrow else " "
    ax.set_title(f"Each rule's suggestion,{gap}trained on its own seed")
    fig.legend(handles=handles, loc="outside lower center", ncols=1 if layout.narrow else 2,
               handletextpad=0.4, columnspacing=1.2)
    return fig


def smith(view: SmithView, layout: Layout = COLUMN) -> Figure:
    """Smith's version: validation accuracy after every step against a linearly rising η."""
    test = view.test
    fig = new_figure(layout.height(3.6, 5.0), layout)
    ax = fig.subplots()
    low, high = view.base_range
    ax.axvspan(low, high, color=MUTED, alpha=0.22, linewidth=0, zorder=0)
    ax.plot(test.lrs, 100 * test.val_accuracy, color=CURVE, linewidth=1.4, zorder=3)
    ax.axvline(view.max_lr, color=INK, linestyle="--", linewidth=1.3, zorder=2)
    ax.axvline(view.reference_lr, color=MINIMUM, linewidth=2.0, zorder=1)
    ax.plot(view.max_lr, 100 * view.peak_accuracy, "o", color=INK, markersize=6, markeredgecolor="white", zorder=5)
    ax.set_xlim(0, test.lrs[-1])
    ax.set_ylim(0, 100)
    ax.set_xlabel(r"learning rate $\eta$ (rising linearly)")
    ax.set_ylabel("validation accuracy (%)")
    epochs = test.steps // view.epoch_steps
    gap = "\n" if layout.narrow else " "
    ax.set_title(f"Smith's range test, one run (seed 0),{gap}{test.steps} steps ({epochs} epochs)")
    handles = [Line2D([], [], color=CURVE, linewidth=1.4, label="validation accuracy after each step"),
               Line2D([], [], color=INK, linestyle="--", marker="o", markersize=6, markeredgecolor="white",
                      linewidth=1.3, label=f"peak: max_lr = {view.max_lr:.3g}"),
               Patch(color=MUTED, alpha=0.35, label=f"base_lr = max_lr/4 … max_lr/3: {low:.2g}–{high:.2g}"),
               _best_handle(view.reference_lr)]
    fig.legend(handles=handles, loc="outside lower center", ncols=1 if layout.narrow else 2,
               handletextpad=0.5, columnspacing=1.4)
    return fig


def least_squares(view: LeastSquaresView, layout: Layout = COLUMN) -> Figure:
    """The least-squares line: the loss and the error along each eigenvector as η rises past 2/λ_max."""
    test = view.test
    fig = new_figure(layout.height(5.9, 7.8), layout)
    top, bottom = fig.subplots(2, 1, sharex=True)
    for ax in (top, bottom):
        ax.axvline(view.limit, color=THRESHOLD, linewidth=2.2, zorder=1)
        ax.set_yscale("log")
    _log_eta(bottom, test.lrs[0], test.lrs[-1] * 1.5)
    top.set_xlabel("")
    top.plot(test.lrs, test.losses, color=MUTED, linewidth=1.2, zorder=2)
    top.plot(test.lrs, test.smoothed, color=CURVE, linewidth=2.2, zorder=3)
    top.axhline(view.floor, color=MINIMUM, linestyle="--", linewidth=1.3, zorder=1)
    top.plot(test.lrs[-1], test.smoothed[-1], **STOP, zorder=6)
    top.set_ylim(view.floor / 2, 3 * float(max(test.losses.max(), test.smoothed.max())))
    for rule, lr in view.suggestions.items():
        top.axvline(lr, color=RULE[rule], linestyle="--", linewidth=1.3, zorder=1)
    top.set_ylabel("training loss (MSE)")
    top.set_title("Loss as $\\eta$ rises, full batch")
    bottom.plot(test.lrs, view.errors[:, 0], color=FLAT_EDGE, linestyle="--", linewidth=1.6, zorder=3)
    bottom.plot(test.lrs, view.errors[:, 1], color=STEEP, linewidth=2.0, zorder=4)
    positive = view.errors[view.errors > 0]
    bottom.set_ylim(positive.min() / 3, positive.max() * 5)
    bottom.yaxis.set_major_locator(LogLocator(base=10, numticks=6))
    bottom.yaxis.set_minor_formatter(NullFormatter())
    bottom.set_ylabel(r"error size $|v \cdot (\theta - \theta^*)|$")
    bottom.set_title("The error along each eigenvector")
    handles = [Line2D([], [], color=MUTED, linewidth=1.2, label="loss of each step"),
               Line2D([], [], color=CURVE, linewidth=2.2, label=f"smoothed ($\\omega$ = {test.smoothing:g})"),
               Line2D([], [], **{**STOP, "markersize": 8},
                      label=f"stop: $\\eta$ = {test.stop_lr:.3g} = {view.stop_ratio:.2f} × limit"),
               Line2D([], [], color=MINIMUM, linestyle="--", linewidth=1.3, label="least-squares loss"),
               Line2D([], [], color=THRESHOLD, linewidth=2.2,
                      label=f"exact limit $2/\\lambda_{{\\max}}$ = {view.limit:.4g}"),
               *(Line2D([], [], color=RULE[r], linestyle="--", linewidth=1.3,
                        label=f"{RULE_LABEL[r]}: {ratio:.2g} × limit") for r, ratio in view.ratios.items()),
               Line2D([], [], color=STEEP, linewidth=2.0, label=r"steep direction ($\lambda_{\max}$)"),
               Line2D([], [], color=FLAT_EDGE, linestyle="--", linewidth=1.6, label=r"flat direction ($\lambda_{\min}$)")]
    fig.legend(handles=handles, loc="outside lower center", ncols=1 if layout.narrow else 2,
               handletextpad=0.5, columnspacing=1.4)
    return fig


def running(view: MovieView, layout: Layout = COLUMN) -> Movie:
    """Animation: the exponential test step by step, the raw losses and the smoothed curve growing."""
    curve_view = view.curve
    test = curve_view.test
    fig = new_figure(layout.height(3.5, 4.9), layout)
    ax = fig.subplots()
    _loss_axes(ax, curve_view)
    ax.grid(False)  # fewer pixels for the GIF to carry
    dots, = ax.plot([], [], **RAW, zorder=2)
    line, = ax.plot([], [], color=CURVE, linewidth=2.0, zorder=3)
    here, = ax.plot([], [], "o", color=CURVE, markersize=7, markeredgecolor="white", markeredgewidth=1.2, zorder=5)
    stop, = ax.plot([], [], **STOP, zorder=6)
    ax.set_title("The range test, running\n")
    counter = Annotation("", xy=(0.5, 0.0), xycoords=ax.title, ha="center", va="bottom", fontsize=10, family=MONO,
                         color=TEXT[INK])
    fig.add_artist(counter)
    handles = [Line2D([], [], **RAW, label="loss of each batch"),
               Line2D([], [], color=CURVE, linewidth=2.0, label="smoothed"),
               Line2D([], [], **{**STOP, "markersize": 8}, label=f"stop at {test.stop_factor:g}× the best")]
    fig.legend(handles=handles, loc="outside lower center", ncols=1 if layout.narrow else 3, handletextpad=0.4,
               columnspacing=1.0)
    last = len(view.ends) - 1

    def update(frame: int) -> None:
        k = int(view.ends[frame])
        dots.set_data(test.lrs[:k], test.losses[:k])
        line.set_data(test.lrs[:k], test.smoothed[:k])
        here.set_data(test.lrs[k - 1: k], test.smoothed[k - 1: k])
        done = frame == last and test.stopped
        stop.set_data(test.lrs[k - 1: k] if done else [], test.smoothed[k - 1: k] if done else [])
        here.set_visible(not done)
        # fixed widths, so the counter never moves; frame 0 carries the widest text
        state = " stopped" if done else "        "
        counter.set_text(f"step {k:3d}/{test.planned}, η = {test.lrs[k - 1]:8.4f}{state}")

    update(0)
    return Movie(fig, update, len(view.ends), frame_ms=MOVIE_FRAME_MS, moving=[dots, line, here, stop, counter])
