"""Figures of "Schedules and adaptive rates": the schedules' shapes, their final losses over the seeds
from two starting rates, SGD-HD's rates from initial rates decades apart, and what β does.

The fixed reference rate is the "good" rate's green everywhere and the fixed rate at the edge the
"high" rate's orange; each schedule keeps one colour and line style across figures; runs ordered
by their initial rate share ``RATE_CMAP``. Every comparison shows each seed as a hollow marker of
its own shape (the same in every row, so a seed can be followed across rows) and the mean ± sd
as a diamond with a bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MultipleLocator

from gdsim.draw.style import (
    BLUE,
    COLUMN,
    INK,
    MUTED,
    PURPLE,
    RATE_CMAP,
    RATE_KIND,
    SKY,
    VERMILLION,
    Layout,
    minus,
    new_figure,
)

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.schedules import BetaView, Comparison, HDView, ShapesView, TrainingView

# One colour and dash per schedule within its group (decays, cycles); the fixed rates are RATE_KIND's.
COLOUR = {"step": BLUE, "exponential": VERMILLION, "inverse_time": PURPLE, "cosine": SKY,
          "triangular": BLUE, "triangular2": VERMILLION, "exp_range": PURPLE}
DASH = {"step": "-", "exponential": "--", "inverse_time": "-.", "cosine": ":",
        "triangular": "-", "triangular2": "--", "exp_range": "-."}
REFERENCE, EDGE = RATE_KIND["good"], RATE_KIND["high"]
BETA_COLOUR = (SKY, BLUE, VERMILLION)
PLAIN = FuncFormatter(lambda value, _: minus(f"{value:g}"))
# The family of initial rates takes the colour map's darker 85 %: its palest end vanishes on white.
CMAP_SPAN = (0.0, 0.85)
# In a row of the final-loss plots: the seeds a little below the row's line, the mean ± sd above it.
SEED_OFFSET, MEAN_OFFSET = 0.16, -0.2
# One hollow marker shape per seed, in seed order, in every row; the filled diamond is the mean's.
SEED_MARKERS = ("o", "s", "^", "v", "p", "h", "<", "*")


def _family(count: int) -> list:
    cmap = matplotlib.colormaps[RATE_CMAP]
    return [cmap(x) for x in np.linspace(*CMAP_SPAN, count)]


def _epoch_axis(ax: Axes, per_epoch: int, epochs: int) -> None:
    """A step axis labelled in epochs: ticks every 5 epochs."""
    ax.set_xlim(0, per_epoch * epochs)
    ax.xaxis.set_major_locator(MultipleLocator(5 * per_epoch))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value / per_epoch:g}"))
    ax.set_xlabel(f"epoch ({per_epoch} steps each)")


def shapes(view: ShapesView, layout: Layout = COLUMN) -> Figure:
    """The decays and the cycles over the run as fractions of the starting rate η₀, one shared axis."""
    fig = new_figure(layout.height(4.0, 7.6), layout)
    axes = fig.subplots(*layout.grid(1, 2), sharey=True)
    for ax, names, title in zip(axes, (view.decays, view.cycles), ("Decays", "Cycles")):
        ax.axhline(1.0, color=MUTED, linewidth=1.4, zorder=2, label="fixed rate $\\eta_0$")
        for name in names:
            ax.plot(view.steps, view.rates[name], color=COLOUR[name], linestyle=DASH[name], linewidth=1.8,
                    label=view.labels[name])
        _epoch_axis(ax, view.steps_per_epoch, view.epochs)
        ax.set_title(title)
        ax.set_ylim(0, 1.1)
        # under the panel: above it the curves fill every corner
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, handlelength=2.4, columnspacing=1.2)
    for ax in axes if layout.narrow else axes[:1]:
        ax.set_ylabel("rate / starting rate, $\\eta_t / \\eta_0$")
    return fig


def _finals(ax: Axes, comparison: Comparison, colours: list) -> None:
    """One row per contender, top to bottom: each seed's final loss as a hollow marker (one shape per
    seed, ``SEED_MARKERS``), the mean ± sd as a
    diamond with a bar; the baseline's (row 0) mean ± sd as a band across the panel. A run that blew
    up is a hollow triangle at the panel's right edge, and its row says so."""
    base = comparison.spreads[0]
    ax.axvspan(base.mean - base.sd, base.mean + base.sd, color=colours[0], alpha=0.12, linewidth=0)
    ax.axvline(base.mean, color=colours[0], linewidth=1.2, zorder=1)
    for row, (spread, colour) in enumerate(zip(comparison.spreads, colours)):
        for value, marker in zip(spread.values, SEED_MARKERS):
            if np.isfinite(value):
                ax.plot([value], [row + SEED_OFFSET], marker, markersize=5.5, markerfacecolor="none",
                        markeredgecolor=colour, markeredgewidth=1.3)
        if not spread.blown:
            ax.errorbar(spread.mean, row + MEAN_OFFSET, xerr=spread.sd, fmt="D", color=colour, markersize=5.5,
                        elinewidth=1.6, capsize=3, markeredgecolor="white", markeredgewidth=0.6)
    for row, (spread, colour) in enumerate(zip(comparison.spreads, colours)):
        if spread.blown:  # x in the panel's width, y in rows: the loss axis ignores it
            ax.plot([0.985], [row + SEED_OFFSET], ">", markersize=6, markerfacecolor="none", markeredgecolor=colour,
                    markeredgewidth=1.3, transform=ax.get_yaxis_transform(), clip_on=False)
    labels = [f"{label} ({s.blown} blew up)" if s.blown else label for label, s in zip(comparison.labels,
                                                                                       comparison.spreads)]
    ax.set_yticks(range(len(labels)), labels=labels)
    ax.set_ylim(len(labels) - 0.5, -0.6)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(PLAIN)


def _marker_handles(seeds: tuple[int, ...]) -> list[Line2D]:
    """The final-loss plots' markers: one per seed, and the mean ± sd."""
    if len(seeds) > len(SEED_MARKERS):
        raise ValueError(f"{len(seeds)} seeds, but only {len(SEED_MARKERS)} marker shapes to tell them apart")
    return [*(Line2D([], [], linestyle="none", marker=marker, markerfacecolor="none", markeredgecolor=INK,
                     markersize=5.5, label=f"seed {seed}") for seed, marker in zip(seeds, SEED_MARKERS)),
            Line2D([], [], linestyle="-", marker="D", color=INK, markersize=5.5, label="mean ± sd")]


def training(view: TrainingView, layout: Layout = COLUMN) -> Figure:
    """Final validation loss of the fixed rate and of each schedule, per seed and mean ± sd, from
    each starting rate; the two panels share the loss axis, and the later ones repeat the first
    panel's fixed-rate mean as a dashed line."""
    fig = new_figure(layout.height(4.6, 9.6), layout)
    panels = fig.subplots(*layout.grid(1, 2), sharex=True, sharey=True)
    titles = ("the reference", "the edge")
    first = view.comparisons[0].spreads[0]
    for k, (ax, comparison, lr, fixed, title) in enumerate(zip(panels, view.comparisons, view.lrs, (REFERENCE, EDGE),
                                                               titles)):
        colours = [fixed] + [COLOUR[name] for name in comparison.names[1:]]
        _finals(ax, comparison, colours)
        if k:
            ax.axvline(first.mean, color=REFERENCE, linewidth=1.2, linestyle="--", zorder=1)
        ax.set_title(f"From $\\eta_0$ = {lr:.3g}, {title}")
        ax.set_xlabel(f"validation loss after {view.epochs} epochs")
        ax.tick_params(labelbottom=True, labelleft=layout.narrow or k == 0)
    handles = [*_marker_handles(view.comparisons[0].seeds),
               Line2D([], [], color=MUTED, linewidth=6, alpha=0.3, label="fixed rate: mean ± sd"),
               Line2D([], [], color=REFERENCE, linewidth=1.2, linestyle="--",
                      label=f"fixed {view.lrs[0]:.3g}: mean")]
    fig.legend(handles=handles, loc="outside lower center", ncols=4 if not layout.narrow else 2, handlelength=1.8,
               columnspacing=1.0)
    return fig


def _log_step_axis(ax: Axes, steps: int) -> None:
    """Steps 1 … T on a log axis: the first steps, where SGD-HD's rate moves most, get room."""
    ax.set_xscale("log")
    ax.set_xlim(1, steps)
    ax.xaxis.set_major_formatter(PLAIN)
    ax.set_xlabel("step (log)")


def _fixed_rates(ax: Axes, reference: float, edge: float) -> None:
    ax.axhline(reference, color=REFERENCE, linewidth=1.6, zorder=2, label=f"fixed {reference:.3g}")
    ax.axhline(edge, color=EDGE, linewidth=1.6, zorder=2, label=f"fixed {edge:.3g}")


def hd_rates(view: HDView, layout: Layout = COLUMN) -> Figure:
    """SGD-HD's rate per step from each α₀ (seed 0, log axes), and every seed's final loss against the fixed rates."""
    fig = new_figure(layout.height(4.2, 8.4), layout)
    rates, losses = fig.subplots(*layout.grid(1, 2))
    colours = _family(len(view.lr0))
    _fixed_rates(rates, view.reference_lr, view.edge_lr)
    # the last epoch's mean rate of every run, every seed: its range as a grey band
    rates.axhspan(float(view.settled.min()), float(view.settled.max()), color=MUTED, alpha=0.18, linewidth=0)
    for rate, colour, lr0 in zip(view.rates, colours, view.lr0):
        rates.plot(np.arange(1, len(rate) + 1), rate, color=colour, linewidth=1.5, label=f"$\\alpha_0$ = {lr0:g}")
    rates.legend(loc="lower right", ncols=2, handlelength=1.4, columnspacing=0.8, framealpha=0.9)
    rates.set_yscale("log")
    rates.yaxis.set_major_formatter(PLAIN)
    _log_step_axis(rates, view.steps_per_epoch * view.epochs)
    rates.set_ylabel("learning rate $\\alpha_t$ (log)")
    rates.set_title(f"Rate per step, seed {view.seed}")
    _finals(losses, view.finals, [REFERENCE, EDGE, *colours])
    losses.set_xlabel(f"validation loss after {view.epochs} epochs")
    losses.set_title(f"SGD-HD ($\\beta$ = {view.beta:g}), every seed")
    handles = [Line2D([], [], color=MUTED, linewidth=6, alpha=0.35, label="last epoch's rates, all runs"),
               *_marker_handles(view.finals.seeds)]
    fig.legend(handles=handles, loc="outside lower center", ncols=4 if not layout.narrow else 2, handlelength=1.8,
               columnspacing=1.2)
    return fig


def hd_beta(view: BetaView, layout: Layout = COLUMN) -> Figure:
    """SGD-HD from one α₀ with three β: the rate per step (seed 0, symmetric log, so a negative rate
    shows) and every seed's final loss against the fixed rates."""
    fig = new_figure(layout.height(4.2, 8.4), layout)
    rates, losses = fig.subplots(*layout.grid(1, 2))
    _fixed_rates(rates, view.reference_lr, view.edge_lr)
    rates.axhline(0.0, color=MUTED, linewidth=0.8, zorder=1)
    for rate, colour, beta in zip(view.rates, BETA_COLOUR, view.betas):
        rates.plot(np.arange(1, len(rate) + 1), rate, color=colour, linewidth=1.5, label=f"$\\beta$ = {beta:g}")
    rates.set_yscale("symlog", linthresh=1e-2, linscale=0.6)
    rates.set_yticks([-0.1, 0, 0.01, 0.1, 1], labels=[minus("-0.1"), "0", "0.01", "0.1", "1"])
    rates.set_ylim(-0.4, 5)
    _log_step_axis(rates, view.steps_per_epoch * view.epochs)
    rates.set_ylabel("learning rate $\\alpha_t$ (symlog)")
    rates.set_title(f"Rate per step, seed {view.seed}")
    _finals(losses, view.finals, [REFERENCE, EDGE, *BETA_COLOUR])
    losses.set_xlabel(f"validation loss after {view.epochs} epochs")
    losses.set_title("SGD-HD, every seed")
    handles = rates.get_legend_handles_labels()[0] + _marker_handles(view.finals.seeds)
    fig.legend(handles=handles, loc="outside lower center", ncols=4 if not layout.narrow else 2, handlelength=1.4,
               columnspacing=1.0)
    return fig
