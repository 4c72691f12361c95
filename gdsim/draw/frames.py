"""Turning a figure that a callback updates in place into an Animation (frames as arrays)."""

from __future__ import annotations

from typing import Callable

import numpy as np

from gdsim.animation import Animation, capture

FRAME_MS = 160  # a comfortable reading pace for one step
HOLD_MS = 2400  # the last frame stays up before the loop restarts


def record(fig, update: Callable[[int], None], count: int, frame_ms: int = FRAME_MS, hold_ms: int = HOLD_MS) -> Animation:
    """Call ``update(k)`` for k = 0 … count − 1, capturing the figure after each call.

    Artists are updated in place (``set_data`` and friends) rather than redrawn, so frames are
    cheap and the layout cannot jump between frames. The last frame is the poster.
    """
    frames = []
    for k in range(count):
        update(k)
        frames.append(capture(fig))
    durations = [frame_ms] * count
    durations[-1] = hold_ms
    return Animation(np.stack(frames), tuple(durations))
