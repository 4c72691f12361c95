"""Figures of "Gradients": slopes read off the cross-sections, and the secant turning into the tangent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from gdsim.draw.frames import Movie
from gdsim.draw.style import COLUMN, CURVE, LABEL_BOX, SECANT, START, TANGENT, TEXT, Layout, axis_label, minus, new_figure

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.gradients import Cut, GeometricGradients, SecantMovie

MONO = "DejaVu Sans Mono"
FRAME_MS = 280


def _cut_axes(ax: Axes, cut: Cut, loss_range: tuple[float, float]) -> None:
    """One cut's curve, its start, its titles; the loss axis from ``loss_range`` with a little margin."""
    ax.plot(cut.values, cut.loss, color=CURVE, zorder=2)
    ax.plot([cut.at], [cut.at_loss], "o", color=START, markersize=8, markeredgecolor="white", zorder=6)
    ax.set_xlim(cut.values[0], cut.values[-1])
    low, high = loss_range
    margin = 0.04 * (high - low)
    ax.set_ylim(low - margin, high + margin)
    ax.set_title(minus(f"Loss along {cut.varied.symbol} ({cut.fixed.symbol} = {cut.fixed_value:.2f})"))
    ax.set_xlabel(axis_label(cut.varied))


def _loss_labels(axes: Sequence[Axes], layout: Layout) -> None:
    """The shared loss axis named once beside a row of panels; on each panel when they are stacked,
    since every stacked panel shows its own loss ticks."""
    for ax in axes if layout.narrow else axes[:1]:
        ax.set_ylabel("loss (MSE)")


def geometric_gradients(view: GeometricGradients, layout: Layout = COLUMN) -> Figure:
    """Both cuts with the secant over one step (rise over run) and the tangent, on one loss axis:
    side by side in the column, stacked on a phone."""
    fig = new_figure(layout.height(3.5, 6.2), layout)
    axes = fig.subplots(*layout.grid(1, 2), sharey=True)
    for ax, panel in zip(axes, view.panels):
        cut = panel.cut
        _cut_axes(ax, cut, view.loss_range)
        symbol = cut.varied.symbol.strip("$")
        ax.plot(cut.line_x, cut.tangent_y, color=TANGENT, linestyle="--", linewidth=1.5, zorder=3,
                label=minus(f"tangent: slope {cut.tangent:.2f}"))
        ax.plot(cut.line_x, panel.secant_y, color=SECANT, linewidth=1.5, zorder=4,
                label=minus(f"secant over {panel.step:g}: slope {panel.slope:.2f}"))
        # The rise-over-run triangle: run along the top, rise down the far side.
        far = panel.far_x
        ax.plot([cut.at, far, far], [cut.at_loss, cut.at_loss, panel.far_loss], color=SECANT, linewidth=1.3, zorder=4)
        ax.plot([far], [panel.far_loss], "o", color=SECANT, markersize=6, markeredgecolor="white", zorder=6)
        # Right of the start and above the run: the curve is below the start there.
        ax.annotate(f"$\\Delta {symbol}$ = {panel.step:g}", (cut.at, cut.at_loss), xytext=(5, 6),
                    textcoords="offset points", ha="left", va="bottom", color=TEXT[SECANT])
        ax.annotate(minus(f"$\\Delta L$ = {panel.drop:.2f}"), (far, (cut.at_loss + panel.far_loss) / 2),
                    xytext=(6, 0), textcoords="offset points", ha="left", va="center", color=TEXT[SECANT])
        ax.legend(loc="upper right")
    _loss_labels(axes, layout)
    return fig


def secant_to_tangent(movie: SecantMovie, layout: Layout = COLUMN) -> Movie:
    """Animation: the step shrinks, the secant turns into the tangent, its slope into ∂L/∂θ
    (the two cuts side by side in the column, stacked on a phone)."""
    fig = new_figure(layout.height(3.1, 5.6), layout)
    axes = fig.subplots(*layout.grid(1, 2), sharey=True)
    moving = []
    for ax, panel in zip(axes, movie.panels):
        cut = panel.cut
        _cut_axes(ax, cut, movie.loss_range)
        symbol = cut.varied.symbol.strip("$")
        ax.plot(cut.line_x, cut.tangent_y, color=TANGENT, linestyle="--", linewidth=1.4, zorder=3,
                label=minus(f"tangent, $\\partial L/\\partial {symbol}$ = {cut.tangent:.3f}"))
        line, = ax.plot(panel.secant_x[0], panel.secant_y[0], color=SECANT, linewidth=1.6, zorder=4, label="secant")
        far, = ax.plot([panel.far_x[0]], [panel.far_loss[0]], "o", color=SECANT, markersize=6,
                       markeredgecolor="white", zorder=6)
        # Fixed-width numbers: the readout keeps its size on every frame.
        readout = ax.text(0.04, 0.05, "", transform=ax.transAxes, family=MONO, fontsize=9, va="bottom",
                          bbox=LABEL_BOX, zorder=7)
        ax.legend(loc="upper right")
        moving.append((panel, line, far, readout))
    _loss_labels(axes, layout)
    # One step for both panels, shown once above them.
    step = fig.suptitle("", family=MONO, fontsize=10, fontweight="normal")

    def update(k: int) -> None:
        step.set_text(f"step $h$ = {movie.panels[0].steps[k]:5.3f}")
        for panel, line, far, readout in moving:
            line.set_data(panel.secant_x[k], panel.secant_y[k])
            far.set_data([panel.far_x[k]], [panel.far_loss[k]])
            readout.set_text(minus(f"slope {panel.slopes[k]:6.3f}\ngap   {panel.gaps[k]:+6.3f}"))

    update(0)
    changing = [step] + [artist for _, line, far, readout in moving for artist in (line, far, readout)]
    legends = [ax.get_legend() for ax in axes]  # stay above the secant where it crosses them
    return Movie(fig, update, movie.count, frame_ms=FRAME_MS, moving=changing + legends)
