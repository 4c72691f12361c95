"""Figures of the chapter "The edge of stability": sharpness against 2/η, on a network and on the bowl."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from gdsim.draw.style import COLUMN, MUTED, RATE_CMAP, RATE_KIND, TEXT, THRESHOLD, Layout, minus, new_figure

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.edge_of_stability import Alternation, Bowl, EdgeView

# The rates from light to dark along a colour-blind-safe map (its lightest end is too pale on white).
SHADES = (0.72, 0.5, 0.27, 0.0)


def rate_colours(count: int) -> list:
    """One colour per rate, light (small η) to dark (large η)."""
    cmap = matplotlib.colormaps[RATE_CMAP]
    return [cmap(v) for v in SHADES[-count:]] if count <= len(SHADES) else [cmap(v) for v in np.linspace(0.72, 0, count)]


def _eta(lr: float) -> str:
    return f"$\\eta$ = {lr:g}"


def edge(view: EdgeView, layout: Layout = COLUMN) -> Figure:
    """Training loss (log) and sharpness per step for each rate, 2/η dashed in the rate's colour."""
    fig = new_figure(layout.height(5.6, 6.6), layout)
    loss_ax, sharp_ax = fig.subplots(2, 1, sharex=True, height_ratios=(1, 1.4))
    colours = rate_colours(len(view.runs))
    for run, colour in zip(view.runs, colours):
        loss_ax.plot(np.arange(len(run.losses)), run.losses, color=colour, linewidth=1.3)
        sharp_ax.plot(run.measured_at, run.sharpness, color=colour, linewidth=1.8)
        sharp_ax.axhline(run.limit, color=colour, linestyle="--", linewidth=1.2)
        sharp_ax.annotate(minus(f"2/$\\eta$ = {run.limit:.3g}"), (view.steps, run.limit), xytext=(-3, 3),
                          textcoords="offset points", ha="right", va="bottom", color=colour if colour != colours[0] else MUTED)
    loss_ax.set_yscale("log")
    loss_ax.set_ylabel("training loss\n(log scale)")
    loss_ax.set_title("Full-batch gradient descent on a network")
    sharp_ax.set_ylabel("sharpness $\\lambda_{\\max}$")
    sharp_ax.set_xlabel("step")
    sharp_ax.set_xlim(0, view.steps)
    sharp_ax.set_ylim(0, max(r.limit for r in view.runs) * 1.12)
    handles = [Line2D([], [], color=c, linewidth=2, label=_eta(r.lr)) for r, c in zip(view.runs, colours)]
    handles.append(Line2D([], [], color=MUTED, linestyle="--", linewidth=1.2, label="2/$\\eta$, each rate's limit"))
    fig.legend(handles=handles, loc="outside lower center", ncols=3 if layout.narrow else 5,
               handletextpad=0.4, columnspacing=1.0)
    return fig


def bowl(result: Bowl, layout: Layout = COLUMN) -> Figure:
    """Least squares: the loss above its floor per step at a rate below and one above 2/λ_max, and the
    sharpness measured at every step (the constant λ_max) against each rate's 2/η."""
    fig = new_figure(layout.height(3.3, 6.0), layout)
    loss_ax, sharp_ax = fig.subplots(*layout.grid(1, 2))
    colours = (RATE_KIND["good"], RATE_KIND["very high"])
    for lr, losses, measured, colour in zip(result.rates, result.losses, result.sharpness, colours):
        steps = np.arange(len(losses))
        loss_ax.plot(steps, losses, color=colour, linewidth=1.5, marker="o", markersize=2.5, label=_eta(round(lr, 3)))
        sharp_ax.plot(steps, measured, color=colour, linewidth=2.2 if colour == colours[0] else 1.2,
                      linestyle="-" if colour == colours[0] else (0, (1, 2)))
        sharp_ax.axhline(2 / lr, color=colour, linestyle="--", linewidth=1.2)
        sharp_ax.annotate(minus(f"2/$\\eta$ = {2 / lr:.2f}"), (len(losses) - 1, 2 / lr), xytext=(-3, 3),
                          textcoords="offset points", ha="right", va="bottom", color=TEXT.get(colour, colour))
    sharp_ax.annotate(minus(f"$\\lambda_{{\\max}}$ = {result.lam_max:.2f} at every step"), (0, result.lam_max),
                      xytext=(3, -4), textcoords="offset points", va="top", color=MUTED)
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
    """The ratio of consecutive gradient components along the sharpest direction, against 1 − ηλ."""
    fig = new_figure(layout.height(3.2, 4.2), layout)
    ax = fig.subplots()
    colours = rate_colours(len(views) + 1)[1:]
    for view, colour in zip(views, colours):
        ax.plot(view.steps, view.ratio, color=colour, linewidth=1.8, label=_eta(view.lr))
        ax.plot(view.steps, view.predicted, color=colour, linewidth=1.1, linestyle="--")
    ax.axhline(-1, color=THRESHOLD, linewidth=1, zorder=1)
    ax.set_ylim(-2, 1.5)
    ax.set_xlim(0, max(v.steps[-1] for v in views))
    ax.set_xlabel("step")
    ax.set_ylabel("$(v\\cdot\\nabla L)_{k+1} / (v\\cdot\\nabla L)_k$")
    handles = [Line2D([], [], color=c, linewidth=1.8, label=_eta(v.lr)) for v, c in zip(views, colours)]
    handles.append(Line2D([], [], color=MUTED, linestyle="--", linewidth=1.1, label="1 − $\\eta\\lambda_{\\max}$"))
    ax.legend(handles=handles, loc="upper right", ncols=2 if layout.narrow else 4, columnspacing=1.0)
    return fig
