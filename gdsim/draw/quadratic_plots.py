"""Figures of the one-parameter chapter: tangents of x², the step story, the four regimes, and
how many steps each learning rate needs."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from gdsim import quadratic
from gdsim.descent import Trajectory
from gdsim.draw.frames import record
from gdsim.draw.style import BLUE, GREEN, INK, MUTED, ORANGE, PURPLE, SKY, VERMILLION, minus, new_figure
from gdsim.thresholds import REGIME_RATES, StepCounts, StepStory, Tangent

# One colour per regime, used by the animation and the steps figure alike.
REGIME_COLOURS = {"monotone": BLUE, "oscillating": ORANGE, "bouncing": PURPLE, "diverging": VERMILLION}
REGIME_LABELS = {
    "monotone": "monotone",
    "oscillating": "oscillating, converging",
    "bouncing": "bouncing forever",
    "diverging": "diverging",
}
TANGENT_COLOURS = (BLUE, VERMILLION, ORANGE)
# η used to turn the tangents' slopes into moves in the slope panel.
SLOPE_PANEL_LR = 0.1


def _power_of_ten(value: float) -> str:
    """10⁻⁶ for 1e-6; any other number as it formats."""
    exponent = round(math.log10(value))
    if not math.isclose(10.0**exponent, value):
        return f"{value:g}"
    return "10" + str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _parabola(ax, lo: float, hi: float, label: str | None = "loss = x²"):
    xs = np.linspace(lo, hi, 300)
    ax.plot(xs, quadratic.loss(xs), color=INK, linewidth=1.8, label=label, zorder=2)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("x (the one parameter)")


def parabola_tangents(tangents: tuple[Tangent, ...]) -> Figure:
    """x² with its tangents at a few points, and the slope 2x turned into a move against it."""
    fig = new_figure(9.0, 4.0)
    ax, ax_slope = fig.subplots(1, 2, width_ratios=[1.25, 1])
    lo, hi = min(t.x0 for t in tangents) - 1.6, max(t.x0 for t in tangents) + 1.2
    _parabola(ax, lo, hi, label=None)
    for t, colour in zip(tangents, TANGENT_COLOURS):
        ax.plot(t.xs, t.line, color=colour, linewidth=1.5, linestyle="--")
        ax.plot([t.x0], [t.loss], "o", color=colour, markersize=8, markeredgecolor="white", zorder=4)
        # labels go where neither the curve nor the tangent runs: below-left of a falling tangent,
        # below-right of a gently rising one, left of a steep one
        if t.slope < 0:
            offset, ha, va = (-12, -10), "right", "top"
        elif t.slope < 8:
            offset, ha, va = (12, -10), "left", "top"
        else:
            offset, ha, va = (-14, 0), "right", "center"
        ax.annotate(minus(f"x = {t.x0:g}\nslope {t.slope:g}"), (t.x0, t.loss), xytext=offset,
                    textcoords="offset points", ha=ha, va=va, fontsize=9.5, color=colour)
    ax.set_ylim(-4, quadratic.loss(hi) * 1.05)
    ax.set_ylabel("loss")
    ax.set_title("loss = x² and its tangent lines\nat three points", fontsize=11)

    xs = np.linspace(lo, hi, 2)
    ax_slope.plot(xs, quadratic.slope(xs), color=INK, linewidth=1.6, label="slope 2x")
    ax_slope.axhline(0, color=MUTED, linewidth=0.9)
    for k, (t, colour) in enumerate(zip(tangents, TANGENT_COLOURS)):
        ax_slope.plot([t.x0], [t.slope], "o", color=colour, markersize=8, markeredgecolor="white", zorder=4)
        # move = −η · slope, drawn as an arrow just below the point
        move = -SLOPE_PANEL_LR * t.slope
        y = t.slope - 2.2
        ax_slope.annotate("", xy=(t.x0 + move, y), xytext=(t.x0, y),
                          arrowprops=dict(arrowstyle="-|>", color=colour, lw=2.0, shrinkA=0, shrinkB=0))
        ax_slope.text(t.x0 + move / 2, y - 1.0, minus(f"move {move:+.1f}"), ha="center", va="top", fontsize=9,
                      color=colour)
    ax_slope.set_xlim(lo, hi)
    ax_slope.set_ylim(quadratic.slope(lo) - 4, quadratic.slope(hi) + 2)
    ax_slope.set_xlabel("x")
    ax_slope.set_ylabel("slope of the loss")
    ax_slope.set_title(f"The slope 2x, and the move −η × slope\n(η = {SLOPE_PANEL_LR:g})", fontsize=11)
    ax_slope.legend(loc="upper left", fontsize=9)
    return fig


def _hop(ax, x0: float, x1: float, colour: str, rad: float = -0.35):
    ax.annotate("", xy=(x1, quadratic.loss(x1)), xytext=(x0, quadratic.loss(x0)),
                arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.6, connectionstyle=f"arc3,rad={rad}",
                                shrinkA=4, shrinkB=4))


def step_story(story: StepStory) -> Figure:
    """Left, fixed steps of 1 and then 5 from x = 2; right, steps of η × slope from the same start."""
    fig = new_figure(9.0, 4.0)
    ax_fixed, ax_lr = fig.subplots(1, 2)

    xs, losses = story.positions, story.losses
    _parabola(ax_fixed, min(xs) - 1.0, max(xs) + 1.5, label=None)
    ax_fixed.plot(xs, losses, "o", color=INK, markersize=8, markeredgecolor="white", zorder=4)
    colours = [GREEN if after < before else VERMILLION for before, after in zip(losses[:-1], losses[1:])]
    for k, (size, colour) in enumerate(zip(story.sizes, colours)):
        _hop(ax_fixed, xs[k], xs[k + 1], colour, rad=-0.4 if xs[k + 1] < xs[k] else 0.4)
        ax_fixed.plot([xs[k + 1]], [losses[k + 1]], "o", color=colour, markersize=9, markeredgecolor="white", zorder=5)
    for k, (x, loss) in enumerate(zip(xs, losses)):
        offset = (8, 2) if k == 0 else ((8, -14) if k == 1 else (10, -4))
        ax_fixed.annotate(minus(f"x = {x:g}, loss {loss:g}"), (x, loss), xytext=offset, textcoords="offset points",
                          fontsize=9.5, ha="left")
    for k, (size, colour) in enumerate(zip(story.sizes, colours)):
        middle = 0.5 * (xs[k] + xs[k + 1])
        verdict = "loss falls" if colour == GREEN else "loss rises"
        ax_fixed.text(middle, max(losses[k], losses[k + 1]) * (0.55 if k else 1.0) + (1.2 if k == 0 else 0),
                      f"step {size:g}:\n{verdict}", ha="center", va="bottom", fontsize=9, color=colour)
    ax_fixed.set_ylabel("loss")
    ax_fixed.set_ylim(-1.5, max(losses) * 1.25)
    ax_fixed.set_title(minus(f"Fixed step sizes: {story.sizes[0]:g}, then {story.sizes[1]:g}"), fontsize=11)

    run = story.lr_run
    path = run.params[:, 0]
    _parabola(ax_lr, -0.6, path[0] + 1.1, label=None)
    for k in range(run.steps):
        _hop(ax_lr, path[k], path[k + 1], BLUE, rad=0.35)
    ax_lr.plot(path, run.losses, "o", color=BLUE, markersize=7, markeredgecolor="white", zorder=4)
    for k in range(min(run.steps, 2)):
        move = path[k + 1] - path[k]
        # below-right of the point: the parabola rises to the right, so that corner is empty
        ax_lr.annotate(minus(f"slope {run.gradients[k, 0]:g}\nmove {move:g}"), (path[k], run.losses[k]),
                       xytext=(9, -6), textcoords="offset points", fontsize=9, ha="left", va="top")
    ax_lr.set_ylabel("loss")
    ax_lr.set_ylim(-0.3, run.losses[0] * 1.25)
    ax_lr.set_title(f"Step = η × slope, η = {run.lr:g}:\nthe steps shrink by themselves", fontsize=11)
    return fig


def parabola_regimes(runs: dict[str, Trajectory]):
    """Animation: the four regimes of x² side by side, iterates on the parabola above, loss per step below."""
    fig = new_figure(9.6, 5.0)
    grid = fig.subplots(2, 4, height_ratios=[1.25, 1])
    steps = max(run.steps for run in runs.values())
    losses = np.concatenate([run.losses for run in runs.values()])
    loss_lo, loss_hi = max(losses[losses > 0].min() / 3, 1e-6), losses.max() * 3
    panels = []
    for (ax, ax_loss), (name, run) in zip(grid.T, runs.items()):
        colour = REGIME_COLOURS[name]
        reach = max(2.4, 1.12 * np.abs(run.params[:, 0]).max())
        _parabola(ax, -reach, reach, label=None)
        ax.set_ylim(-0.08 * reach**2, 1.08 * reach**2)
        ax.set_xlabel("x", labelpad=1)
        # factor each step multiplies x by: 1 − 2η
        factor = 1 - 2 * run.lr
        ax.set_title(minus(f"η = {run.lr:g}: {REGIME_LABELS[name]}\nx ← {factor:+.2g}·x"), fontsize=10, color=colour)
        path, = ax.plot([], [], "-", color=colour, linewidth=1.1, alpha=0.85)
        dots, = ax.plot([], [], "o", color=colour, markersize=4, markeredgecolor="white", markeredgewidth=0.6)
        here, = ax.plot([], [], "o", color=colour, markersize=9, markeredgecolor=INK, markeredgewidth=1.2, zorder=5)
        readout = ax.text(0.5, 0.97, "", transform=ax.transAxes, ha="center", va="top", fontsize=9)
        ax_loss.set_yscale("log")
        ax_loss.set_xlim(-0.5, steps + 0.5)
        ax_loss.set_ylim(loss_lo, loss_hi)
        ax_loss.set_xlabel("step")
        curve, = ax_loss.plot([], [], "-o", color=colour, markersize=3.5, linewidth=1.4)
        panels.append((run, path, dots, here, readout, curve))
    grid[0, 0].set_ylabel("loss")
    grid[1, 0].set_ylabel("loss (log scale)")

    def update(k: int):
        for run, path, dots, here, readout, curve in panels:
            shown = min(k, run.steps)
            xs, ys = run.params[: shown + 1, 0], run.losses[: shown + 1]
            path.set_data(xs, ys)
            dots.set_data(xs, ys)
            here.set_data(xs[-1:], ys[-1:])
            readout.set_text(minus(f"step {shown}: x = {xs[-1]:.3g}"))
            curve.set_data(np.arange(shown + 1), ys)

    return record(fig, update, steps + 1, frame_ms=450)


def steps_vs_learning_rate(counts: StepCounts) -> Figure:
    """Steps to reach |x| ≤ tol against η, on a log axis, with the four regimes shaded."""
    fig = new_figure(9.0, 4.2)
    ax = fig.subplots()
    finite = np.isfinite(counts.steps)
    top = counts.steps[finite].max() * 4
    hi = counts.lrs.max()
    bands = ((0, 0.5, SKY, 0.15, "monotone"), (0.5, 1.0, ORANGE, 0.15, "oscillating,\nconverging"),
             (1.0, hi, MUTED, 0.22, "diverging:\nnever gets there"))
    for left, right, colour, alpha, label in bands:
        ax.axvspan(left, right, color=colour, alpha=alpha, linewidth=0)
        ax.text((left + right) / 2, top / 1.6, label, ha="center", va="top", fontsize=10, color=INK)
    ax.axvline(1.0, color=PURPLE, linewidth=2.0)
    ax.annotate("η = 1: bouncing\nforever, never", (1.0, 3), xytext=(8, 0), textcoords="offset points", fontsize=9.5,
                color=PURPLE, va="center")
    ax.plot(counts.lrs[finite], counts.steps[finite], "-", color=INK, linewidth=1.8, label="steps needed")
    best = counts.lrs[np.argmin(np.where(finite, counts.steps, np.inf))]
    ax.plot([best], [counts.steps[finite].min()], "*", color=GREEN, markersize=15, markeredgecolor="white", zorder=5)
    ax.annotate(f"η = {best:g}: one step", (best, counts.steps[finite].min()), xytext=(10, -2), textcoords="offset points",
                fontsize=9.5, color=GREEN, va="center")
    for name, lr in REGIME_RATES.items():
        k = quadratic.steps_to_reach(counts.x0, lr, counts.tol)
        if math.isfinite(k):
            ax.plot([lr], [k], "o", color=REGIME_COLOURS[name], markersize=8, markeredgecolor="white", zorder=5)
            ax.annotate(f"η = {lr:g}: {k} steps", (lr, k), xytext=(10, -4), textcoords="offset points", fontsize=9.5,
                        color=INK, ha="left", va="top",
                        bbox=dict(boxstyle="round,pad=0.2", facecolor="white", alpha=0.75, linewidth=0))
    ax.set_yscale("log")
    ax.set_ylim(0.6, top)
    ax.set_xlim(0, hi)
    ax.set_xlabel("learning rate η")
    ax.set_ylabel(f"steps until |x| ≤ {_power_of_ten(counts.tol)} (log scale)")
    ax.set_title(minus(f"Gradient descent on x² from x = {counts.x0:g}: steps needed for each learning rate"), fontsize=11.5)
    return fig
