"""Figures of the learning-rate chapter: one step, repeated steps along the cuts, full descent."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from gdsim import model
from gdsim.descent import Trajectory
from gdsim.draw.frames import record
from gdsim.draw.gradient_plots import CUTS, _loss_along
from gdsim.draw.style import BLUE, GREEN, INK, MUTED, VERMILLION, contour_map, mark_point, minus, new_figure
from gdsim.experiments import EPOCHS, PARAM_INDEX, cut_run, full_run, one_step
from gdsim.scenario import Scenario


def _axis_name(param: str) -> str:
    return f"{param} ({'bias' if param == 'b' else 'weight'})"


def _cut_title(s: Scenario, param: str) -> str:
    other = "b" if param == "w" else "w"
    return minus(f"{param} varies, {other} fixed at {s.snapped_start[PARAM_INDEX[other]]:.2f}")


def one_step_on_cuts(s: Scenario, lr: float) -> Figure:
    """One update of each parameter on its own cut, with the slope measured there."""
    fig = new_figure(9.0, 4.0)
    for ax, param in zip(fig.subplots(1, 2), CUTS):
        step = one_step(param, lr)
        lo, hi = min(step.before, step.after) - 0.8, max(step.before, step.after) + 0.8
        values = np.linspace(lo, hi, 200)
        ax.plot(values, _loss_along(s, param, values), color=INK)
        ax.axhline(step.loss_before, color=MUTED, linestyle=":", linewidth=1)
        ax.plot([step.before], [step.loss_before], "o", color=INK, markersize=8, markeredgecolor="white", label="before")
        worse = step.loss_after > step.loss_before
        ax.plot([step.after], [step.loss_after], "o", color=VERMILLION if worse else GREEN, markersize=9,
                markeredgecolor="white", label="after one step")
        ax.annotate("", xy=(step.after, step.loss_after), xytext=(step.before, step.loss_before),
                    arrowprops=dict(arrowstyle="->", color=BLUE, lw=1.6, connectionstyle="arc3,rad=-0.25"))
        verdict = "loss went UP" if worse else "loss went down"
        ax.set_title(minus(f"{_cut_title(s, param)}\nmove {step.move:+.2f}: loss {step.loss_before:.2f} → {step.loss_after:.2f}, {verdict}"),
                     fontsize=10.5)
        ax.set_xlabel(_axis_name(param))
        ax.set_ylabel("loss (MSE)")
        ax.xaxis.set_major_locator(MaxNLocator(6))
        ax.legend(loc="upper center", fontsize=9)
    fig.suptitle(f"Learning rate η = {lr:g}", fontweight="bold")
    return fig


def _cut_limits(s: Scenario, param: str, run: Trajectory) -> tuple[float, float]:
    values = run.params[:, PARAM_INDEX[param]]
    section = s.along_w if param == "w" else s.along_b
    lo = min(values.min(), section.values[np.argmin(section.loss)] - 1.6)
    hi = max(values.max(), section.values[np.argmin(section.loss)] + 1.6)
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


def steps_on_cuts(s: Scenario, lr: float):
    """Animation: repeated steps along each cut with one learning rate (exact derivatives)."""
    fig = new_figure(9.0, 4.0)
    panels = []
    for ax, param in zip(fig.subplots(1, 2), CUTS):
        run = cut_run(param, lr)
        lo, hi = _cut_limits(s, param, run)
        values = np.linspace(lo, hi, 300)
        ax.plot(values, _loss_along(s, param, values), color=INK, linewidth=1.6)
        ax.set_xlim(lo, hi)
        ax.set_xlabel(_axis_name(param))
        ax.set_ylabel("loss (MSE)")
        path, = ax.plot([], [], "-", color=BLUE, linewidth=1.2, alpha=0.8)
        dots, = ax.plot([], [], "o", color=BLUE, markersize=5, markeredgecolor="white", markeredgewidth=0.8)
        here, = ax.plot([], [], "o", color=VERMILLION, markersize=9, markeredgecolor="white")
        panels.append((ax, param, run, path, dots, here))
    fig.suptitle(f"Steps along each cross-section, η = {lr:g}", fontweight="bold")

    def update(k: int):
        for ax, param, run, path, dots, here in panels:
            shown = min(k, run.steps)
            xs = run.params[: shown + 1, PARAM_INDEX[param]]
            ys = run.losses[: shown + 1]
            path.set_data(xs, ys)
            dots.set_data(xs, ys)
            here.set_data(xs[-1:], ys[-1:])
            ax.set_title(minus(f"{_cut_title(s, param)}\nstep {shown}: {param} = {xs[-1]:.2f}, loss {ys[-1]:.3g}"), fontsize=10.5)

    steps = max(cut_run(p, lr).steps for p in CUTS)
    return record(fig, update, steps + 1, frame_ms=420)


def descent_on_map(s: Scenario, lr: float):
    """Animation: full gradient descent on the contour map beside the loss per epoch."""
    run = full_run(lr)
    fig = new_figure(9.6, 4.3)
    ax_map, ax_loss = fig.subplots(1, 2, width_ratios=[1.1, 1])
    contour_map(ax_map, s.grid, labels=False)
    ax_map.set_xlim(s.grid.b[0], s.grid.b[-1])
    ax_map.set_ylim(s.grid.w[0], s.grid.w[-1])
    mark_point(ax_map, s.solution, GREEN, "minimum", marker="*", size=15)
    path, = ax_map.plot([], [], "-o", color="white", markersize=3.5, linewidth=1.2, markeredgewidth=0)
    here, = ax_map.plot([], [], "o", color=VERMILLION, markersize=9, markeredgecolor="white", markeredgewidth=1.4)
    best = model.mse(s.solution, s.split.x_train, s.split.y_train)
    ax_loss.axhline(best, color=GREEN, linestyle="--", linewidth=1.2, label=f"least-squares loss {best:.4f}")
    ax_loss.set_yscale("log")
    ax_loss.set_xlim(0, EPOCHS)
    top = max(run.losses.max(), run.losses[0]) * 3
    ax_loss.set_ylim(best / 2, top)
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("training loss (MSE, log scale)")
    curve, = ax_loss.plot([], [], color=BLUE)
    ax_loss.legend(loc="upper right", fontsize=9)
    status = ax_loss.text(0.97, 0.80, "", transform=ax_loss.transAxes, ha="right", va="top", fontsize=10,
                          color=VERMILLION, fontweight="bold")

    def update(k: int):
        shown = min(k, run.steps)
        path.set_data(run.params[: shown + 1, 0], run.params[: shown + 1, 1])
        here.set_data(run.params[shown : shown + 1, 0], run.params[shown : shown + 1, 1])
        curve.set_data(np.arange(shown + 1), run.losses[: shown + 1])
        ax_map.set_title(minus(f"η = {lr:g}, epoch {shown}: b = {run.params[shown, 0]:.2f}, w = {run.params[shown, 1]:.2f}"),
                         fontsize=11)
        ax_loss.set_title(f"loss {run.losses[shown]:.4g}", fontsize=11)
        if run.diverged and k >= run.steps:
            status.set_text(f"diverged: stopped after {run.steps} epochs,\nthe loss had exploded")

    frames = run.steps + 1 if run.diverged else EPOCHS + 1
    return record(fig, update, frames + (3 if run.diverged else 0), frame_ms=140)
