"""Figures of "Searching for a learning rate": both stages of a coarse-to-fine search on a log axis,
and successive halving beside the full training of every candidate. Layout only: every value drawn
comes from the chapter's result objects."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, MultipleLocator, NullFormatter, NullLocator

from gdsim.draw.style import (
    COLUMN,
    INK,
    LABEL_BOX,
    MINIMUM,
    MUTED,
    RATE_KIND,
    STAGE,
    TEXT,
    Layout,
    mark_point,
    minus,
    new_figure,
)

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.lr_search import HalvingView, HorizonView, SeedsView, StagesView
    from gdsim.search import Grid

# A run that blew up has no loss to plot: a cross in the "very high" colour of the loss-curve regimes.
BLEW_UP = RATE_KIND["very high"]
PLAIN = FuncFormatter(lambda value, _: minus(f"{value:g}"))
POWER = FuncFormatter(lambda value, _: "1" if value == 1 else minus(f"$10^{{{np.log10(value):.0f}}}$"))
# Margin beyond the outermost rates on the log axis, in decades.
PAD_DECADES = 0.45
FINE_TICKS = (0.4, 0.6, 1.0, 1.5, 2.0, 3.0)
LOSS_TICKS = (0.07, 0.1, 0.15, 0.2, 0.3, 0.5)
ETA = r"learning rate $\eta$"


def _log_eta_axis(ax: Axes, low: float, high: float, pad: float) -> None:
    ax.set_xscale("log")
    ax.set_xlim(low / 10**pad, high * 10**pad)
    ax.set_xlabel(ETA)


def _blown_up(ax: Axes, grid: Grid, y: float, label: bool = True) -> None:
    """Crosses at height ``y`` for the runs that blew up, labelled once."""
    lrs = grid.lrs[grid.diverged]
    if lrs.size == 0:
        return
    ax.plot(lrs, np.full(lrs.size, y), linestyle="none", marker="X", markersize=10, color=BLEW_UP,
            markeredgecolor="white", markeredgewidth=1.0, zorder=6, clip_on=False)
    if label:
        ax.annotate("blew up", (lrs[0], y), xytext=(-9, 0), textcoords="offset points", ha="right", va="center",
                    color=TEXT[BLEW_UP], fontsize=9.5)


def stages(view: StagesView, layout: Layout = COLUMN) -> Figure:
    """Validation loss against η: the coarse stage over every decade tried, then the best decade enlarged."""
    fig = new_figure(layout.height(3.7, 6.9), layout)
    kw = {} if layout.narrow else {"width_ratios": [1.35, 1.0]}
    coarse_ax, fine_ax = fig.subplots(*layout.grid(1, 2), gridspec_kw=kw)
    coarse, first, fine = view.coarse, view.first, view.fine
    ink, blue = STAGE["coarse"], STAGE["fine"]

    # ---- coarse: one short run per decade
    _log_eta_axis(coarse_ax, coarse.lrs[0], coarse.lrs[-1], PAD_DECADES)
    coarse_ax.xaxis.set_major_locator(FixedLocator(coarse.lrs[::2] if layout.narrow else coarse.lrs))
    coarse_ax.xaxis.set_major_formatter(POWER)
    coarse_ax.xaxis.set_minor_locator(NullLocator())
    top = 1.36 * view.start_val_loss
    coarse_ax.set_ylim(0, top)
    coarse_ax.axvspan(*view.decade, color=blue, alpha=0.14, linewidth=0, zorder=0)
    coarse_ax.annotate("fine stage", (np.sqrt(view.decade[0] * view.decade[1]), 0.5 * view.start_val_loss),
                       rotation=90, ha="center", va="center", color=TEXT[blue], fontsize=9.5)
    coarse_ax.axhline(view.start_val_loss, color=MUTED, linestyle="--", linewidth=1.1, zorder=1)
    coarse_ax.annotate("before training", (coarse.lrs[0], view.start_val_loss), xytext=(0, -5),
                       textcoords="offset points", va="top", color=MUTED, fontsize=9.5)
    ok = ~coarse.diverged
    coarse_ax.plot(coarse.lrs[ok], coarse.val_loss[ok], "-o", color=ink, markersize=5.5, zorder=4)
    blow_y, range_y = 1.1 * view.start_val_loss, 1.22 * view.start_val_loss
    _blown_up(coarse_ax, coarse, blow_y)
    # the first range, as a bracket over its decades
    coarse_ax.annotate("", (first.lrs[0], range_y), (first.lrs[-1], range_y),
                       arrowprops=dict(arrowstyle="|-|", color=INK, linewidth=1.0, shrinkA=0, shrinkB=0,
                                       mutation_scale=4))
    coarse_ax.annotate("the first range", (np.sqrt(first.lrs[0] * first.lrs[-1]), range_y), xytext=(0, 4),
                       textcoords="offset points", ha="center", va="bottom", fontsize=9.5)
    coarse_ax.annotate("best of the first\nrange: on its border", (view.first_best, view.first_best_loss),
                       xytext=(-14, 0), textcoords="offset points", ha="right", va="center", fontsize=9.5,
                       bbox=LABEL_BOX, arrowprops=dict(arrowstyle="-|>", color=INK, linewidth=0.9, shrinkB=5))
    coarse_ax.set_ylabel("validation loss")
    epoch = "epoch" if view.coarse_epochs == 1 else "epochs"
    coarse_ax.set_title(f"Coarse: {view.coarse_epochs} {epoch} per decade" + ("\n" if layout.narrow else " ")
                        + f"(seed {view.seeds[0]})", loc="left")

    # ---- fine: the decade around the coarse best, trained for longer
    _log_eta_axis(fine_ax, *view.decade, 0.04)
    fine_ax.xaxis.set_major_locator(FixedLocator(FINE_TICKS))
    fine_ax.xaxis.set_major_formatter(PLAIN)
    fine_ax.xaxis.set_minor_formatter(NullFormatter())
    fine_ax.set_facecolor((*_rgb(blue), 0.07))
    fine_ax.axvline(first.lrs[-1], color=MUTED, linestyle=":", linewidth=1.4, zorder=1)
    for row in view.fine_seeds[1:]:
        fine_ax.plot(fine.lrs, row, "-", color=MUTED, linewidth=1.0, alpha=0.8, zorder=2)
    fine_ax.plot(fine.lrs, fine.val_loss, "-o", color=blue, markersize=5.5, zorder=4)
    mark_point(fine_ax, (view.best, view.best_loss), MINIMUM, None, marker="*", size=16)
    low, high = float(view.fine_seeds.min()), float(view.fine_seeds.max())
    fine_ax.set_ylim(low - 0.3 * (high - low), high + 0.3 * (high - low))
    others = view.seeds[1:]
    fine_ax.legend(handles=[
        Line2D([], [], color=blue, marker="o", markersize=5.5, label=f"seed {view.seeds[0]} (one run)"),
        Line2D([], [], color=MUTED, linewidth=1.0, label=f"seeds {others[0]}–{others[-1]}"),
    ], loc="upper left", bbox_to_anchor=(0.0, 0.9), fontsize=9)
    fine_ax.annotate("top of the\nfirst range", (first.lrs[-1], 1.0), xycoords=("data", "axes fraction"),
                     xytext=(-4, -4), textcoords="offset points", ha="right", va="top", color=MUTED, fontsize=9.5)
    fine_ax.annotate(f"best: $\\eta$ = {view.best:.2f}", (view.best, view.best_loss),
                     xytext=(-4, -12), textcoords="offset points", ha="left", va="top", color=TEXT[MINIMUM],
                     fontsize=9.5)
    fine_ax.set_ylabel("validation loss")
    fine_ax.set_title(f"Fine: {view.fine_epochs} epochs each", loc="left")
    return fig


def _rgb(colour: str) -> tuple[float, float, float]:
    value = colour.lstrip("#")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))


def halving(view: HalvingView, layout: Layout = COLUMN) -> Figure:
    """Every candidate's validation loss against the epochs it trained: solid while successive halving
    trains it (filled: kept after a round, hollow: pruned), dashed where only full training goes on;
    beside it, the SGD steps of the two ways."""
    fig = new_figure(layout.height(3.9, 7.6), layout)
    kw = {"height_ratios": [1.7, 1.0]} if layout.narrow else {"width_ratios": [2.0, 1.0]}
    rounds_ax, steps_ax = fig.subplots(*layout.grid(1, 2), gridspec_kw=kw)
    h, full = view.halving, view.full
    blue = STAGE["fine"]
    budgets = [r.epochs for r in h.rounds]
    epochs = np.arange(full.val_curves.shape[1])

    ax = rounds_ax
    ax.set_xscale("log", base=2)
    ax.set_xlim(budgets[0] / 1.25, budgets[-1] * 1.75)
    ax.xaxis.set_major_locator(FixedLocator(budgets))
    ax.xaxis.set_major_formatter(PLAIN)
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_yscale("log")
    shown = full.val_curves[:, budgets[0]:]
    low, high = float(np.nanmin(shown)), float(np.nanmax(shown[np.isfinite(shown)]))
    ax.set_ylim(low / 1.12, high * 1.5)
    ax.yaxis.set_major_locator(FixedLocator(LOSS_TICKS))
    ax.yaxis.set_major_formatter(PLAIN)
    ax.yaxis.set_minor_locator(NullLocator())
    for i, lr in enumerate(full.lrs):
        # the last budget successive halving gave this candidate
        last = max(r.epochs for r in h.rounds if lr in r.lrs)
        curve, run = full.val_curves[i], epochs >= budgets[0]
        ax.plot(epochs[run & (epochs >= last)], curve[run & (epochs >= last)], "--", color=blue, linewidth=1.2,
                zorder=2)
        ax.plot(epochs[run & (epochs <= last)], curve[run & (epochs <= last)], "-", color=INK, linewidth=1.4,
                zorder=3)
    ax.plot(np.full(len(full.lrs), budgets[-1]), full.val_loss, "o", color=blue, markersize=5, zorder=4)
    for r in h.rounds:
        ax.plot(np.full(r.kept.sum(), r.epochs), r.val_loss[r.kept], "o", color=INK, markersize=6.5, zorder=5)
        ax.plot(np.full((~r.kept).sum(), r.epochs), r.val_loss[~r.kept], "o", color="white", markeredgecolor=INK,
                markeredgewidth=1.3, markersize=6.5, zorder=5)
        ax.annotate(f"{len(r.lrs)} run" + ("" if len(r.lrs) == 1 else "s"), (r.epochs, 1.0),
                    xycoords=("data", "axes fraction"), xytext=(0, -4), textcoords="offset points", ha="center",
                    va="top", fontsize=9.5, color=MUTED)
    mark_point(ax, (budgets[-1], h.final_val_loss), MINIMUM, None, marker="*", size=17)
    ax.annotate(f"$\\eta$ =\n{h.best_lr:.2f}", (budgets[-1], h.final_val_loss), xytext=(9, 0),
                textcoords="offset points", ha="left", va="center", color=TEXT[MINIMUM], fontsize=9.5)
    ax.set_xlabel("epochs trained")
    ax.set_ylabel("validation loss")
    ax.set_title("Successive halving," + ("\n" if layout.narrow else " ") + "one run (seed 0)", loc="left")
    handles = [
        Line2D([], [], color=INK, linewidth=1.4, marker="o", markersize=6.5, label="kept"),
        Line2D([], [], color=INK, linewidth=1.4, marker="o", markerfacecolor="white", markeredgewidth=1.3,
               markersize=6.5, label="pruned"),
        Line2D([], [], color=blue, linewidth=1.2, linestyle="--", marker="o", markersize=5,
               label="full training only"),
        Line2D([], [], linestyle="none", marker="*", color=MINIMUM, markeredgecolor="white", markersize=13,
               label="winner of both"),
    ]
    ax.legend(handles=handles, loc="upper right", bbox_to_anchor=(1.0, 0.93), fontsize=9)

    # ---- the steps each way took
    ax = steps_ax
    labels = [f"all {len(full.lrs)},\n{h.max_epochs} epochs", "successive\nhalving"]
    ax.bar([0], [view.full_steps], color=blue, width=0.6)
    bottom = 0
    for r in h.rounds:
        ax.bar([1], [r.steps], bottom=bottom, color=INK, edgecolor="white", linewidth=1.0, width=0.6)
        bottom += r.steps
    for x, value in ((0, view.full_steps), (1, h.steps)):
        ax.annotate(f"{value:,}", (x, value), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                    fontsize=10)
    ax.set_xticks([0, 1], labels)
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(0, 1.3 * view.full_steps)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    ax.grid(axis="x", visible=False)
    ax.annotate(f"{view.saved:,} fewer\n({view.saved_pct:.0f} %)", (1, h.steps), xytext=(0, 22),
                textcoords="offset points", ha="center", va="bottom", fontsize=9.5, color=MUTED)
    ax.set_title("SGD steps", loc="left")
    return fig


# Rows of the seeds figure: each search against the fine grid of the coarse-to-fine search, same seed.
SEARCHES = (
    ("halving", "successive halving", "halving"),
    ("halving_out", "halving, other seeds", "… other seeds"),
    ("unwidened", "refine without widening", "no widening"),
    ("unwidened_out", "no widening, other seeds", "… other seeds"),
    ("random", "random draws, same budget", "random draws"),
    ("grid", "13-rate grid, ¼ decade", "13-rate grid"),
)


def seeds(view: SeedsView, layout: Layout = COLUMN) -> Figure:
    """Per seed, the validation loss of each search's pick minus the fine grid's winner: a dot per seed,
    the mean ± sd as a bar."""
    fig = new_figure(layout.height(3.8, 5.2), layout)
    ax = fig.subplots()
    n = len(view.seeds)
    # a seed's dots sit on a small vertical offset of their own, the same in every row
    offset = np.linspace(-0.22, 0.22, n)
    for row, (field, *_) in enumerate(SEARCHES):
        values = getattr(view, field)
        y = len(SEARCHES) - 1 - row
        # hollow dots: both picks scored on the seeds that did not choose them
        face = "white" if field.endswith("_out") else STAGE["fine"]
        ax.plot(values, y + offset, "o", color=STAGE["fine"], markerfacecolor=face, markersize=6, alpha=0.85, zorder=4)
        summary = view.spread(field)
        ax.errorbar([summary.mean], [y], xerr=[summary.sd], fmt="D", color=INK, markersize=7, capsize=5, linewidth=1.6, zorder=5)
    ax.axvline(0.0, color=MUTED, linestyle="--", linewidth=1.1, zorder=1)
    miss = float(view.halving[view.miss])
    ax.annotate(f"seed {view.seeds[view.miss]}: place\n{view.miss_rank} of 8", (miss, len(SEARCHES) - 1 +
                offset[view.miss]), xytext=(6, -7), textcoords="offset points", ha="right", va="top",
                fontsize=9.5, color=TEXT[STAGE["fine"]])
    ax.set_yticks(range(len(SEARCHES)), [short if layout.narrow else label for _, label, short in reversed(SEARCHES)])
    ax.set_ylim(-0.6, len(SEARCHES) - 0.4 + 0.55)
    ax.xaxis.set_major_locator(MultipleLocator(0.01 if layout.narrow else 0.005))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: minus(f"{value:+.3f}" if abs(value) > 1e-12 else "0")))
    low = min(float(np.min(getattr(view, field))) for field, *_ in SEARCHES)
    high = max(float(np.max(getattr(view, field))) for field, *_ in SEARCHES)
    ax.set_xlim(low - 0.1 * (high - low), high + 0.12 * (high - low))
    ax.set_xlabel("validation loss of the pick" + ("\n" if layout.narrow else " ") + "minus the fine grid's winner")
    ax.grid(axis="y", visible=False)
    ax.legend(handles=[
        Line2D([], [], linestyle="none", marker="o", color=STAGE["fine"], markersize=6, label="one seed"),
        Line2D([], [], linestyle="none", marker="o", color=STAGE["fine"], markerfacecolor="white", markersize=6,
               label="scored on the other seeds"),
        Line2D([], [], linestyle="none", marker="D", color=INK, markersize=7, label="mean ± sd"),
    ], loc="upper left", ncol=1 if layout.narrow else 2, fontsize=9)
    return fig


def horizon(view: HorizonView, layout: Layout = COLUMN) -> Figure:
    """The best rate of the reference grid against the epochs trained and against the training images
    used, each seed's winner as a dot and the seed-averaged winner as a line."""
    fig = new_figure(layout.height(3.4, 6.4), layout)
    kw = {} if layout.narrow else {"width_ratios": [2.0, 1.0]}
    epoch_ax, data_ax = fig.subplots(*layout.grid(1, 2), gridspec_kw=kw, sharey=True)
    n = len(view.seeds)
    for ax, x, best, per_seed, spread in (
        (epoch_ax, view.epochs, view.best, view.best_per_seed, 0.5),
        (data_ax, np.arange(len(view.images)), view.sub_best, view.sub_best_per_seed, 0.35),
    ):
        # each seed's dots shifted sideways by a fixed amount, so equal winners stay visible
        shift = np.linspace(-spread / 2, spread / 2, n)
        for k in range(n):
            ax.plot(x + shift[k], per_seed[:, k], "o", color=STAGE["fine"], markersize=4.5, alpha=0.75, zorder=5)
        ax.plot(x, best, "-", color=MINIMUM, linewidth=1.6, zorder=2)
        ax.plot(x, best, "*", color=MINIMUM, markersize=11, markeredgecolor="white", markeredgewidth=0.8, zorder=6)
    epoch_ax.set_yscale("log")
    shown = np.concatenate([view.best_per_seed.ravel(), view.sub_best_per_seed.ravel()])
    rates = view.lrs[(view.lrs >= shown.min()) & (view.lrs <= shown.max())]
    epoch_ax.set_ylim(shown.min() / 1.5, shown.max() * 1.7)
    epoch_ax.yaxis.set_major_locator(FixedLocator(rates))
    epoch_ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: minus(f"{value:.3g}")))
    epoch_ax.yaxis.set_minor_locator(NullLocator())
    epoch_ax.set_ylabel(r"best learning rate $\eta$")
    epoch_ax.set_xlabel("epochs trained")
    epoch_ax.set_xlim(0.2, view.epochs[-1] + 0.8)
    epoch_ax.xaxis.set_major_locator(FixedLocator([1, 5, 10, 15, 20]))
    epoch_ax.set_title("Against the horizon", loc="left")
    epoch_ax.legend(handles=[
        Line2D([], [], linestyle="none", marker="o", color=STAGE["fine"], markersize=4.5, label="one seed's winner"),
        Line2D([], [], color=MINIMUM, marker="*", markersize=10, markeredgecolor="white", label="seed-averaged winner"),
    ], loc="lower left", fontsize=9)
    data_ax.set_xticks(range(len(view.images)), [f"{m:,}" for m in view.images])
    data_ax.set_xlim(-0.5, len(view.images) - 0.5)
    data_ax.set_xlabel("training images")
    data_ax.tick_params(labelleft=layout.narrow)
    if layout.narrow:
        data_ax.set_ylabel(epoch_ax.get_ylabel())
    data_ax.set_title("Against the data", loc="left")
    return fig
