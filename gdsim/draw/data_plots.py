"""Figures of the data and of single guesses: scatter plots, prediction lines, errors."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from gdsim import model
from gdsim.draw.style import BLUE, GREEN, INK, ORANGE, VERMILLION, minus, new_figure
from gdsim.scenario import Scenario


def _scatter_train(ax, split, **kwargs):
    ax.scatter(split.x_train, split.y_train, s=22, color=BLUE, alpha=0.8, edgecolor="white", linewidth=0.5, **kwargs)


def train_validation(s: Scenario) -> Figure:
    """Training and validation points in two panels on shared axes."""
    fig = new_figure(8.0, 3.8)
    ax_train, ax_val = fig.subplots(1, 2, sharex=True, sharey=True)
    _scatter_train(ax_train, s.split)
    ax_train.set_title(f"Training set ({len(s.split.x_train)} points)")
    ax_val.scatter(s.split.x_val, s.split.y_val, s=30, color=ORANGE, marker="^", edgecolor=INK, linewidth=0.4)
    ax_val.set_title(f"Validation set ({len(s.split.x_val)} points)")
    for ax in (ax_train, ax_val):
        ax.set_xlabel("x (feature)")
        ax.set_xlim(0, 1)
    ax_train.set_ylabel("y (label)")
    return fig


def _prediction_axes(s: Scenario, theta: np.ndarray, fig: Figure):
    ax = fig.subplots()
    _scatter_train(ax, s.split, label="training data", zorder=2)
    x_line = np.array([0.0, 1.0])
    ax.plot(x_line, model.predict(theta, x_line), color=VERMILLION, label="prediction of the random start", zorder=3)
    ax.plot(x_line, model.predict(s.solution, x_line), color=GREEN, linestyle="--", linewidth=1.4,
            label="best possible line (least squares)", zorder=1)
    ax.set_xlim(0, 1)
    ax.set_xlabel("x (feature)")
    ax.set_ylabel("y (label)")
    ax.legend(loc="upper left")
    return ax


def prediction_line(s: Scenario) -> Figure:
    """The random start's prediction line over the training data."""
    fig = new_figure(7.0, 4.2)
    ax = _prediction_axes(s, s.start, fig)
    b, w = s.start
    ax.set_title(minus(f"Random start: ŷ = {b:.2f} + ({w:.2f})·x"))
    return fig


def one_error(s: Scenario, point: int = 0) -> Figure:
    """One training point's error drawn as the vertical gap between point and prediction."""
    fig = new_figure(7.0, 4.2)
    ax = _prediction_axes(s, s.start, fig)
    x0, y0 = s.split.x_train[point], s.split.y_train[point]
    y_hat = model.predict(s.start, x0)
    ax.vlines(x0, y_hat, y0, color=INK, linewidth=2.2, zorder=4)
    ax.plot([x0], [y0], "o", color=BLUE, markersize=10, markeredgecolor=INK, zorder=5)
    ax.plot([x0], [y_hat], "o", color=VERMILLION, markersize=8, markeredgecolor=INK, zorder=5)
    error = y_hat - y0
    ax.annotate(
        minus(f"error = ŷ − y = {y_hat:.2f} − {y0:.2f} = {error:.2f}").replace("− −", "+ "),
        xy=(x0, (y0 + y_hat) / 2), xytext=(-16, 0), textcoords="offset points",
        ha="right", va="center", fontsize=10, color=INK,
        bbox=dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor="#d0d4da"),
    )
    ax.set_title(f"One point's error (x = {x0:.2f})")
    return fig
