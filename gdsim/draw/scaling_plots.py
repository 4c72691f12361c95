"""Figures of the feature-scaling chapter: the bad feature, its surface, and standardization."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from gdsim import data, model
from gdsim.draw.frames import record
from gdsim.draw.style import BLUE, GREEN, INK, ORANGE, VERMILLION, contour_map, mark_point, minus, new_figure
from gdsim.experiments import SCALING_EPOCHS, SCALING_LR, scaling_runs, trained_model
from gdsim.surface import nice_levels

TITLES = {"original": "Original feature x", "bad": "Bad feature: 10·x", "standardized": "Standardized feature"}


def bad_feature_data(scenarios) -> Figure:
    """The training points against x and against 10·x: same labels, stretched feature axis."""
    original, bad, _ = scenarios
    fig = new_figure(8.0, 3.6)
    for ax, s, title, xlabel in zip(fig.subplots(1, 2, sharey=True), (original, bad), ("original", "bad"),
                                    ("x (feature)", "10·x (bad feature)")):
        ax.scatter(s.split.x_train, s.split.y_train, s=22, color=BLUE, edgecolor="white", linewidth=0.5)
        ax.set_title(TITLES[title])
        ax.set_xlabel(xlabel)
        ax.set_xlim(0, s.split.x_train.max() * 1.02)
    fig.axes[0].set_ylabel("y (label)")
    return fig


def _map_with_nice_levels(ax, s, title: str):
    levels = nice_levels(s.grid.loss)
    filled = contour_map(ax, s.grid, levels=levels, labels=False)
    lines = ax.contour(s.grid.b, s.grid.w, s.grid.loss, levels=levels[1:2], colors=[ORANGE], linewidths=2.2)
    ax.clabel(lines, fmt=lambda v: f"loss {v:g}", fontsize=9, colors=[ORANGE])
    mark_point(ax, s.solution, GREEN, "minimum", marker="*", size=14)
    ax.set_title(title)
    return filled


def bad_feature_surfaces(scenarios) -> Figure:
    """Contour maps before and after the feature was multiplied by 10, levels by one rule."""
    original, bad, _ = scenarios
    fig = new_figure(9.6, 4.2)
    for ax, s, key in zip(fig.subplots(1, 2), (original, bad), ("original", "bad")):
        filled = _map_with_nice_levels(ax, s, TITLES[key])
        fig.colorbar(filled, ax=ax, format="%g", label="loss (MSE)", shrink=0.9)
    return fig


def _steepness_panel(ax, s, title: str, reach: float = 1.0):
    x, y = s.split.x_train, s.split.y_train
    deltas = np.linspace(-reach, reach, 201)
    for index, name, color in ((0, "b", INK), (1, "w", VERMILLION)):
        thetas = np.repeat(s.snapped_start[None, :], len(deltas), axis=0)
        thetas[:, index] += deltas
        ax.plot(deltas, [model.mse(t, x, y) for t in thetas], color=color, label=f"change only {name}")
    ax.set_title(title)
    ax.set_xlabel("change of the parameter from the start")
    ax.set_ylabel("loss (MSE)")
    ax.legend(loc="upper center", fontsize=9)


def bad_feature_cross_sections(scenarios) -> Figure:
    """Loss as one parameter at a time moves away from the start, before and after ×10."""
    original, bad, _ = scenarios
    fig = new_figure(9.0, 3.9)
    for ax, s, key in zip(fig.subplots(1, 2), (original, bad), ("original", "bad")):
        _steepness_panel(ax, s, TITLES[key])
    return fig


def three_contour_maps(scenarios) -> Figure:
    """Original, bad and standardized problems side by side, each over a window of the same size."""
    fig = new_figure(12.0, 4.2)
    for ax, s, key in zip(fig.subplots(1, 3), scenarios, ("original", "bad", "standardized")):
        contour_map(ax, s.grid, labels=False)
        mark_point(ax, s.solution, GREEN, "minimum", marker="*", size=14)
        mark_point(ax, s.start, VERMILLION, "random start")
        ax.set_title(TITLES[key])
        ax.set_aspect("equal")
    fig.axes[0].legend(loc="upper left", labelcolor="white", fontsize=9)
    return fig


def scaled_vs_unscaled(scenarios):
    """Animation: one learning rate on the original and on the standardized problem, side by side."""
    original, _, standardized = scenarios
    runs = scaling_runs()
    fig = new_figure(10.0, 4.6)
    panels = []
    for ax, s, key in zip(fig.subplots(1, 2), (original, standardized), ("original", "standardized")):
        contour_map(ax, s.grid, labels=False)
        ax.set_aspect("equal")
        mark_point(ax, s.solution, GREEN, "minimum", marker="*", size=14)
        path, = ax.plot([], [], "-o", color="white", markersize=3.5, linewidth=1.2, markeredgewidth=0)
        here, = ax.plot([], [], "o", color=VERMILLION, markersize=9, markeredgecolor="white", markeredgewidth=1.4)
        panels.append((ax, key, runs[key], path, here))
    fig.suptitle(f"Same learning rate η = {SCALING_LR:g}, same start, {SCALING_EPOCHS} epochs", fontweight="bold")

    def update(k: int):
        for ax, key, run, path, here in panels:
            path.set_data(run.params[: k + 1, 0], run.params[: k + 1, 1])
            here.set_data(run.params[k : k + 1, 0], run.params[k : k + 1, 1])
            ax.set_title(f"{TITLES[key]}\nepoch {k}: loss {run.losses[k]:.4f}", fontsize=11)

    return record(fig, update, SCALING_EPOCHS + 1, frame_ms=140)


def trained_fit(scenarios) -> Figure:
    """The line learned on the standardized feature, drawn back in the original units."""
    original = scenarios[0]
    theta_scaled, theta = trained_model()
    fig = new_figure(7.0, 4.2)
    ax = fig.subplots()
    ax.scatter(original.split.x_train, original.split.y_train, s=22, color=BLUE, edgecolor="white", linewidth=0.5,
               label="training data")
    ax.scatter(original.split.x_val, original.split.y_val, s=30, marker="^", color=ORANGE, edgecolor=INK,
               linewidth=0.4, label="validation data")
    xs = np.array([0.0, 1.0])
    ax.plot(xs, model.predict(theta, xs), color=VERMILLION, label=minus(f"trained: ŷ = {theta[0]:.3f} + {theta[1]:.3f}·x"))
    truth = np.array([data.TRUE_B, data.TRUE_W])
    ax.plot(xs, model.predict(truth, xs), color=GREEN, linestyle="--", linewidth=1.3,
            label=f"true line: y = {truth[0]:g} + {truth[1]:g}·x")
    ax.set_xlim(0, 1)
    ax.set_xlabel("x (feature)")
    ax.set_ylabel("y (label)")
    ax.set_title(minus(f"After {SCALING_EPOCHS} epochs on the standardized feature"))
    ax.legend(loc="upper left")
    return fig
