"""Drawing for the tiny chapter of the fault-injection tests, in both layouts."""

from __future__ import annotations

from matplotlib.figure import Figure

from gdsim.draw.frames import Movie
from gdsim.draw.style import COLUMN, Layout

COLOUR = "#0072B2"


def line(values: list[float], layout: Layout = COLUMN) -> Figure:
    fig = Figure(figsize=(layout.width_in / 3, 1.5))
    fig.subplots().plot(values, color=COLOUR)
    return fig


def movie(values: list[float], layout: Layout = COLUMN) -> Movie:
    fig = Figure(figsize=(layout.width_in / 3, 1.5))
    ax = fig.subplots()
    ax.set_xlim(-0.5, len(values))
    ax.set_ylim(min(values) - 1, max(values) + 1)
    dot, = ax.plot([], [], "o", color=COLOUR)
    return Movie(fig, lambda k: dot.set_data([k], [values[k]]), len(values), frame_ms=100, hold_ms=500, moving=[dot])


BAR_WIDTH = 0.6  # read by ``bars`` alone: changing it must re-render tiny-bars and nothing else


def bars(values: list[float], layout: Layout = COLUMN) -> Figure:
    fig = Figure(figsize=(layout.width_in / 3, 1.5))
    fig.subplots().bar(range(len(values)), values, width=BAR_WIDTH, color=COLOUR)
    return fig
