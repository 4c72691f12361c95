"""Figures of the gradients chapter: slopes read off the cross-sections, secant to tangent."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from gdsim import model
from gdsim.draw.frames import record
from gdsim.draw.style import BLUE, GREEN, INK, VERMILLION, minus, new_figure
from gdsim.experiments import PARAM_INDEX, SECANT_STEP, SHRINKING_STEPS
from gdsim.scenario import Scenario

CUTS = ("w", "b")  # left panel: b fixed, w varies; right panel: w fixed, b varies


def _cut(s: Scenario, param: str):
    return s.along_w if param == "w" else s.along_b


def _panel_labels(ax, s: Scenario, param: str):
    section = _cut(s, param)
    fixed = minus(f"{section.fixed} fixed at {section.fixed_value:.2f}")
    ax.set_title(f"Loss along {param} ({fixed})")
    ax.set_xlabel(f"{param} ({'bias' if param == 'b' else 'weight'})")
    ax.set_ylabel("loss (MSE)")


def _loss_along(s: Scenario, param: str, values: np.ndarray) -> np.ndarray:
    """Exact loss along the cut through the snapped start (not the grid's sampled curve)."""
    theta = np.repeat(s.snapped_start[None, :], len(values), axis=0)
    theta[:, PARAM_INDEX[param]] = values
    return np.array([model.mse(t, s.split.x_train, s.split.y_train) for t in theta])


def _exact_derivative(s: Scenario, param: str) -> float:
    return model.gradient(s.snapped_start, s.split.x_train, s.split.y_train)[PARAM_INDEX[param]]


def geometric_gradients(s: Scenario) -> Figure:
    """Both cuts with the secant over one step of 0.12 (rise over run) and the true tangent."""
    fig = new_figure(9.0, 4.2)
    for ax, param in zip(fig.subplots(1, 2), CUTS):
        section = _cut(s, param)
        x0 = s.snapped_start[PARAM_INDEX[param]]
        window = (section.values > x0 - 0.9) & (section.values < x0 + 0.9)
        ax.plot(section.values[window], section.loss[window], color=INK)
        y0 = _loss_along(s, param, np.array([x0]))[0]
        y1 = _loss_along(s, param, np.array([x0 + SECANT_STEP]))[0]
        slope = (y1 - y0) / SECANT_STEP
        tangent = _exact_derivative(s, param)
        span = np.array([x0 - 0.5, x0 + 0.7])
        ax.plot(span, y0 + tangent * (span - x0), color=GREEN, linestyle="--", linewidth=1.5,
                label=minus(f"tangent: slope {tangent:.2f}"))
        ax.plot(span, y0 + slope * (span - x0), color=VERMILLION, linewidth=1.5,
                label=minus(f"secant over {SECANT_STEP:g}: slope {slope:.2f}"))
        # The rise-over-run triangle.
        ax.plot([x0, x0 + SECANT_STEP], [y0, y0], color=BLUE, linewidth=2)
        ax.plot([x0 + SECANT_STEP] * 2, [y0, y1], color=BLUE, linewidth=2)
        ax.annotate(f"Δ{param} = {SECANT_STEP:g}", (x0 + SECANT_STEP / 2, y0), xytext=(0, 6), textcoords="offset points",
                    ha="center", va="bottom", fontsize=9, color=BLUE)
        ax.annotate(minus(f"Δloss = {y1 - y0:.2f}"), (x0 + SECANT_STEP, (y0 + y1) / 2), xytext=(6, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=9, color=BLUE)
        ax.plot([x0, x0 + SECANT_STEP], [y0, y1], "o", color=VERMILLION, markersize=6, markeredgecolor="white")
        _panel_labels(ax, s, param)
        ax.legend(loc="upper right", fontsize=9)
    return fig


def secant_to_tangent(s: Scenario):
    """Animation: the step shrinks, the secant turns into the tangent, its slope into ∂L/∂θ."""
    fig = new_figure(9.0, 4.2)
    axes = fig.subplots(1, 2)
    artists = []
    for ax, param in zip(axes, CUTS):
        section = _cut(s, param)
        x0 = s.snapped_start[PARAM_INDEX[param]]
        y0 = _loss_along(s, param, np.array([x0]))[0]
        window = (section.values > x0 - 0.9) & (section.values < x0 + 1.8)
        ax.plot(section.values[window], section.loss[window], color=INK)
        tangent = _exact_derivative(s, param)
        span = np.array([x0 - 0.6, x0 + 1.8])
        ax.plot(span, y0 + tangent * (span - x0), color=GREEN, linestyle="--", linewidth=1.4,
                label=minus(f"tangent (∂L/∂{param} = {tangent:.3f})"))
        secant_line, = ax.plot([], [], color=VERMILLION, linewidth=1.8, label="secant")
        far, = ax.plot([], [], "o", color=VERMILLION, markersize=6, markeredgecolor="white")
        ax.plot([x0], [y0], "o", color=INK, markersize=7, markeredgecolor="white")
        readout = ax.text(0.03, 0.05, "", transform=ax.transAxes, fontsize=10, color=INK, family="DejaVu Sans Mono",
                          bbox=dict(boxstyle="round,pad=0.35", facecolor="white", edgecolor="#d0d4da"))
        ax.set_ylim(section.loss[window].min() - 0.2, section.loss[window].max() + 0.2)
        ax.set_xlim(span[0], span[1])
        _panel_labels(ax, s, param)
        ax.legend(loc="upper right", fontsize=9)
        artists.append((param, x0, y0, tangent, secant_line, far, readout))

    def update(k: int):
        h = SHRINKING_STEPS[k]
        for param, x0, y0, tangent, secant_line, far, readout in artists:
            y1 = _loss_along(s, param, np.array([x0 + h]))[0]
            slope = (y1 - y0) / h
            secant_line.set_data(span_of(x0), y0 + slope * (span_of(x0) - x0))
            far.set_data([x0 + h], [y1])
            readout.set_text(minus(f"step   {h:7.3f}\nslope  {slope:7.3f}\nerror  {slope - tangent:7.3f}"))

    return record(fig, update, len(SHRINKING_STEPS), frame_ms=220)


def span_of(x0: float) -> np.ndarray:
    return np.array([x0 - 0.6, x0 + 1.8])
