"""Drawing for the tiny chapter of the fault-injection tests."""

from __future__ import annotations

from matplotlib.figure import Figure

from gdsim.draw.frames import Movie

COLOUR = "#0072B2"


def line(values: list[float]) -> Figure:
    fig = Figure(figsize=(2.0, 1.5))
    fig.subplots().plot(values, color=COLOUR)
    return fig


def movie(values: list[float]) -> Movie:
    fig = Figure(figsize=(2.0, 1.5))
    ax = fig.subplots()
    ax.set_xlim(-0.5, len(values))
    ax.set_ylim(min(values) - 1, max(values) + 1)
    dot, = ax.plot([], [], "o", color=COLOUR)
    return Movie(fig, lambda k: dot.set_data([k], [values[k]]), len(values), frame_ms=100, hold_ms=500)
