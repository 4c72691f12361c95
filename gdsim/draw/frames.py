"""Animations as a figure plus an update callback (a Movie), turned into frames (arrays) last.

Artists are updated in place (``set_data`` and friends) rather than redrawn. The layout is
computed once, on the first frame, then frozen: later frames skip the layout solver (the most
expensive part of a draw) and the axes cannot jump when a title's text changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from gdsim.animation import Animation, capture
from gdsim.draw.style import smallest_text_px

FRAME_MS = 160  # a comfortable reading pace for one step
HOLD_MS = 2400  # the last frame stays up before the loop restarts


@dataclass(frozen=True)
class Movie:
    """A figure and ``update(k)`` that sets it to frame k, for k = 0 … count − 1; the last is the poster."""

    figure: Figure
    update: Callable[[int], None]
    count: int
    frame_ms: int = FRAME_MS
    hold_ms: int = HOLD_MS


def record(movie: Movie, dpi: float) -> tuple[Animation, float]:
    """Every frame of ``movie`` drawn at ``dpi``, the layout frozen after the first one, and the
    smallest text (CSS px at the column width) seen on the first and the last frame."""
    fig = movie.figure
    fig.set_dpi(dpi)
    frames, smallest = [], float("inf")
    for k in range(movie.count):
        movie.update(k)
        frames.append(capture(fig))
        if k in (0, movie.count - 1):
            smallest = min(smallest, smallest_text_px(fig, draw=False))
        if k == 0:
            fig.set_layout_engine("none")  # keep the positions the first draw computed
    durations = [movie.frame_ms] * movie.count
    durations[-1] = movie.hold_ms
    return Animation(np.stack(frames), tuple(durations)), smallest
