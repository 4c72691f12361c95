"""Animations as a figure plus an update callback (a Movie), turned into frames (arrays) last.

Artists are updated in place (``set_data`` and friends) rather than redrawn. The layout is
computed once, on the first frame, then frozen: the axes cannot jump when a title's text changes.
A Movie that names its ``moving`` artists is blitted: everything else (axes, ticks, contour
fills, legends) is drawn once into a background, and each frame restores that background and
draws only the moving artists, in z-order. List there every artist the update changes, and any
static artist that must stay on top of them (a legend box the path may cross).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gdsim.draw.encode import Animation, capture
from gdsim.draw.style import COLUMN_PX, LABEL_FRAME_EVERY, label_problems, smallest_text_px

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
    moving: Sequence[Artist] = field(default_factory=tuple)  # redrawn every frame; the rest is drawn once


def record(movie: Movie, dpi: float, column_px: int = COLUMN_PX) -> tuple[Animation, float, list[str]]:
    """Every frame of ``movie`` drawn at ``dpi``, the layout frozen after the first one; the
    smallest text (CSS px at the column width) seen on the first and the last frame; and the label
    problems (``style.label_problems``) of every ``LABEL_FRAME_EVERY``-th frame and the last."""
    fig = movie.figure
    fig.set_dpi(dpi)
    moving = sorted(movie.moving, key=lambda artist: artist.get_zorder())
    frames, smallest, background, problems = [], float("inf"), None, []
    for k in range(movie.count):
        movie.update(k)
        if background is None and moving:
            for artist in moving:
                artist.set_animated(True)  # left out of the full draw below
            canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
            canvas.draw()
            fig.set_layout_engine("none")
            background = canvas.copy_from_bbox(fig.bbox)
        if background is not None:
            canvas.restore_region(background)
            for artist in moving:
                fig.draw_artist(artist)
            frames.append(np.asarray(canvas.buffer_rgba())[..., :3].copy())
        else:
            frames.append(capture(fig))
        if k in (0, movie.count - 1):
            smallest = min(smallest, smallest_text_px(fig, draw=False, column_px=column_px))
        if k % LABEL_FRAME_EVERY == 0 or k == movie.count - 1:
            problems += [f"frame {k}: {problem}" for problem in label_problems(fig)]
        if k == 0:
            fig.set_layout_engine("none")  # keep the positions the first draw computed
    durations = [movie.frame_ms] * movie.count
    durations[-1] = movie.hold_ms
    return Animation(np.stack(frames), tuple(durations)), smallest, problems
