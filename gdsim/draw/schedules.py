"""Figures of "Schedules and adaptive rates": the schedules' shapes, their training against the best
fixed rate, SGD-HD's rates from initial rates decades apart, and what β does.

The best fixed rate η* (the baseline) is the search's green everywhere; each schedule keeps one
colour and line style across figures; runs ordered by their initial rate share ``RATE_CMAP``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, MultipleLocator, NullFormatter

from gdsim.draw.style import (
    BLUE,
    COLUMN,
    MINIMUM,
    MUTED,
    PURPLE,
    RATE_CMAP,
    SKY,
    VERMILLION,
    Layout,
    minus,
    new_figure,
)

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.schedules import BetaView, HDView, ShapesView, TrainingView

# One colour and dash per schedule within its group (decays, cycles); the baseline is MINIMUM.
COLOUR = {"step": BLUE, "exponential": VERMILLION, "inverse_time": PURPLE, "cosine": SKY,
          "triangular": BLUE, "triangular2": VERMILLION, "exp_range": PURPLE}
DASH = {"step": "-", "exponential": "--", "inverse_time": "-.", "cosine": ":",
        "triangular": "-", "triangular2": "--", "exp_range": "-."}
BETA_COLOUR = (SKY, BLUE, VERMILLION)
PLAIN = FuncFormatter(lambda value, _: minus(f"{value:g}"))
# The family of initial rates takes the colour map's darker 85 %: its palest end vanishes on white.
CMAP_SPAN = (0.0, 0.85)
# Validation-loss axes: the start (about 2.3) is off the top, so the differences at the end show.
LOSS_TOP = 0.5
LOSS_TICKS = (0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5)


def _family(count: int) -> list:
    cmap = matplotlib.colormaps[RATE_CMAP]
    return [cmap(x) for x in np.linspace(*CMAP_SPAN, count)]


def _baseline(ax: Axes, value: float, label: str | None = None) -> None:
    ax.axhline(value, color=MINIMUM, linewidth=1.6, zorder=2, label=label)


def _epoch_axis(ax: Axes, per_epoch: int, epochs: int, label: bool = True) -> None:
    """A step axis labelled in epochs: ticks every 5 epochs."""
    ax.set_xlim(0, per_epoch * epochs)
    ax.xaxis.set_major_locator(MultipleLocator(5 * per_epoch))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value / per_epoch:g}"))
    if label:
        ax.set_xlabel(f"epoch ({per_epoch} steps each)")


def shapes(view: ShapesView, layout: Layout = COLUMN) -> Figure:
    """The decays and the cycles over the run, one shared rate axis, η* as the green line."""
    fig = new_figure(layout.height(4.0, 7.6), layout)
    axes = fig.subplots(*layout.grid(1, 2), sharey=True)
    for ax, names, title in zip(axes, (view.decays, view.cycles), ("Decays", "Cycles")):
        _baseline(ax, view.best_lr, label=f"fixed $\\eta^*$ = {view.best_lr:.2f}")
        for name in names:
            ax.plot(view.steps, view.rates[name], color=COLOUR[name], linestyle=DASH[name], linewidth=1.8,
                    label=view.labels[name])
        _epoch_axis(ax, view.steps_per_epoch, view.epochs)
        ax.set_title(title)
        ax.set_ylim(0, view.best_lr * 1.1)
        # under the panel: above it the curves fill every corner
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, handlelength=2.4, columnspacing=1.2)
    for ax in axes if layout.narrow else axes[:1]:
        ax.set_ylabel("learning rate $\\eta_t$")
    return fig


def training(view: TrainingView, layout: Layout = COLUMN) -> Figure:
    """Validation loss per epoch of the decays and of the cycles against the fixed rate (one log axis),
    and every final loss against the range the fixed rate spans over seeds."""
    fig = new_figure(layout.height(6.2, 10.4), layout)
    top, bottom = fig.subfigures(2, 1, height_ratios=(1.5, 1) if not layout.narrow else (2.2, 1))
    panels = top.subplots(*layout.grid(1, 2), sharey=True)
    fixed = view.curves["fixed"]
    epochs = np.arange(view.epochs + 1)
    for ax, names, title in zip(panels, (view.decays, view.cycles), ("Decays", "Cycles")):
        ax.plot(epochs, fixed.val_loss, color=MINIMUM, linewidth=2.2, label=f"fixed $\\eta^*$ = {view.best_lr:.2f}")
        for name in names:
            curve = view.curves[name]
            ax.plot(epochs, curve.val_loss, color=COLOUR[name], linestyle=DASH[name], linewidth=1.6,
                    label=curve.label)
        _loss_axis(ax, view.epochs, min(float(c.val_loss.min()) for c in view.curves.values()))
        ax.set_title(title)
        ax.legend(loc="upper right", handlelength=2.4, framealpha=0.9)
    for ax in panels if layout.narrow else panels[:1]:
        ax.set_ylabel("validation loss (log)")
    # the final losses on one axis, the fixed rate's range over seeds as a band
    ax = bottom.subplots()
    names = (*view.decays, *view.cycles)
    low, high = float(view.fixed_seeds.min()), float(view.fixed_seeds.max())
    ax.axvspan(low, high, color=MINIMUM, alpha=0.15, linewidth=0)
    ax.axvline(fixed.val_loss[-1], color=MINIMUM, linewidth=1.6)
    ax.plot(view.fixed_seeds, np.full(len(view.fixed_seeds), -1), "o", color=MINIMUM, markersize=7,
            markeredgecolor="white")
    for row, name in enumerate(names):
        ax.plot(view.curves[name].val_loss[-1], row, "o", color=COLOUR[name], markersize=7, markeredgecolor="white")
    ax.set_yticks(range(-1, len(names)),
                  labels=[f"fixed, {len(view.seeds)} seeds"] + [view.curves[n].label for n in names])
    ax.set_ylim(len(names) - 0.4, -1.6)
    ax.set_xlabel(f"validation loss after {view.epochs} epochs")
    ax.xaxis.set_major_formatter(PLAIN)
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.06)
    gaps = ("\n", "\n") if layout.narrow else (" ", " ")
    ax.set_title(f"Final loss against{gaps[0]}the fixed rate's range{gaps[1]}over {len(view.seeds)} seeds")
    return fig


def _log_step_axis(ax: Axes, steps: int) -> None:
    """Steps 1 … T on a log axis: the first steps, where SGD-HD's rate moves most, get room."""
    ax.set_xscale("log")
    ax.set_xlim(1, steps)
    ax.xaxis.set_major_formatter(PLAIN)
    ax.set_xlabel("step (log)")


def _loss_axis(ax: Axes, epochs: int, low: float) -> None:
    """Validation loss per epoch on a log axis from just under ``low`` to LOSS_TOP (epoch 0 is off the top)."""
    ax.set_yscale("log")
    ax.set_ylim(0.85 * low, LOSS_TOP)
    ax.yaxis.set_major_locator(FixedLocator(LOSS_TICKS))
    ax.yaxis.set_major_formatter(PLAIN)
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlim(0, epochs)
    ax.xaxis.set_major_locator(MultipleLocator(5))
    ax.set_xlabel("epoch")


def hd_rates(view: HDView, layout: Layout = COLUMN) -> Figure:
    """SGD-HD's rate per step from each α₀ (log axis) and its validation loss against the baseline's."""
    fig = new_figure(layout.height(3.6, 6.6), layout)
    rates, losses = fig.subplots(*layout.grid(1, 2))
    colours = _family(len(view.lr0))
    _baseline(rates, view.best_lr)
    epochs = np.arange(view.epochs + 1)
    losses.plot(epochs, view.baseline_val_loss, color=MINIMUM, linewidth=2.2)
    for rate, loss, colour in zip(view.rates, view.val_loss, colours):
        rates.plot(np.arange(1, len(rate) + 1), rate, color=colour, linewidth=1.5)
        losses.plot(epochs[: len(loss)], loss, color=colour, linewidth=1.5)
    rates.set_yscale("log")
    rates.yaxis.set_major_formatter(PLAIN)
    _log_step_axis(rates, view.steps_per_epoch * view.epochs)
    rates.set_ylabel("learning rate $\\alpha_t$ (log)")
    rates.set_title(f"Rate per step, $\\beta$ = {view.beta:g}")
    _loss_axis(losses, view.epochs, min(float(v.min()) for v in (*view.val_loss, view.baseline_val_loss)))
    losses.set_ylabel("validation loss (log)")
    losses.set_title("Validation loss")
    handles = [Line2D([], [], color=c, linewidth=2, label=f"$\\alpha_0$ = {lr0:g}") for lr0, c in zip(view.lr0, colours)]
    handles.append(Line2D([], [], color=MINIMUM, linewidth=2, label=f"best fixed rate {view.best_lr:.2f}"))
    fig.legend(handles=handles, loc="outside lower center", ncols=2 if layout.narrow else 3, handlelength=1.6,
               columnspacing=1.0)
    return fig


def hd_beta(view: BetaView, layout: Layout = COLUMN) -> Figure:
    """SGD-HD from one α₀ with three β: the rate per step (symmetric log, so a negative rate shows)
    and the validation loss against the baseline's."""
    fig = new_figure(layout.height(3.6, 6.6), layout)
    rates, losses = fig.subplots(*layout.grid(1, 2))
    _baseline(rates, view.best_lr)
    rates.axhline(0.0, color=MUTED, linewidth=0.8, zorder=1)
    epochs = np.arange(view.epochs + 1)
    losses.plot(epochs, view.baseline_val_loss, color=MINIMUM, linewidth=2.2)
    for rate, loss, colour in zip(view.rates, view.val_loss, BETA_COLOUR):
        rates.plot(np.arange(1, len(rate) + 1), rate, color=colour, linewidth=1.5)
        losses.plot(epochs[: len(loss)], loss, color=colour, linewidth=1.5)
    rates.set_yscale("symlog", linthresh=1e-2, linscale=0.6)
    rates.set_yticks([-0.1, 0, 0.01, 0.1, 1], labels=[minus("-0.1"), "0", "0.01", "0.1", "1"])
    rates.set_ylim(-0.4, 5)
    _log_step_axis(rates, view.steps_per_epoch * view.epochs)
    rates.set_ylabel("learning rate $\\alpha_t$ (symlog)")
    rates.set_title(f"Rate per step from $\\alpha_0$ = {view.lr0:g}")
    _loss_axis(losses, view.epochs, min(float(v.min()) for v in (*view.val_loss, view.baseline_val_loss)))
    losses.set_ylabel("validation loss (log)")
    losses.set_title("Validation loss")
    handles = [Line2D([], [], color=c, linewidth=2, label=f"$\\beta$ = {b:g}") for b, c in zip(view.betas, BETA_COLOUR)]
    handles.append(Line2D([], [], color=MINIMUM, linewidth=2, label=f"best fixed rate {view.best_lr:.2f}"))
    fig.legend(handles=handles, loc="outside lower center", ncols=4 if not layout.narrow else 2, handlelength=1.6,
               columnspacing=1.0)
    return fig
