"""Helpers for the chapter tests' checks on drawn figures: no label collides, none sits on a curve."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import matplotlib
import matplotlib.text


def ends_and_middle(count: int) -> list[int]:
    """The first, a middle and the last frame of an animation of ``count`` frames."""
    return sorted({0, count // 2, count - 1})


def assert_labels_clear(assets: Iterable, frames: Callable[[int], Iterable[int]] = ends_and_middle,
                        pad_px: float = 2) -> None:
    """No two texts overlap and no label sits within ``pad_px`` of a curve, in both layouts, on the
    chosen frames of every animation (their layout is frozen after frame 0). A title's empty last
    row, kept on purpose for a counter drawn there, does not count as a collision."""
    from gdsim.draw import style
    from gdsim.draw.frames import Movie
    from gdsim.paths import STYLE

    matplotlib.use("Agg")
    for asset in assets:
        for layout in style.LAYOUTS:
            with matplotlib.rc_context(fname=str(STYLE)):
                made = asset.build(layout)
            movie = made if isinstance(made, Movie) else None
            fig = movie.figure if movie else made
            for k in frames(movie.count) if movie else [None]:
                if movie:
                    movie.update(k)
                overlaps = [(a, b) for a, b in style.text_overlaps(fig) if not (a.endswith("\n") or b.endswith("\n"))]
                assert overlaps == [], (asset.name, layout.name, k, overlaps)
                # text_overlaps has just drawn this frame
                on_lines = style.texts_over_lines(fig, draw=False, pad_px=pad_px)
                assert on_lines == [], (asset.name, layout.name, k, on_lines)
                cut = texts_outside(fig)
                assert cut == [], (asset.name, layout.name, k, cut)


def texts_outside(fig) -> list[str]:
    """Drawn texts that reach past the figure's edge (a title cut off on a phone), by their string."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from gdsim.draw.style import _undrawn_tick_labels

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    renderer, hidden = canvas.get_renderer(), _undrawn_tick_labels(fig)
    return [text.get_text() for text in fig.findobj(matplotlib.text.Text)
            if id(text) not in hidden and text.get_visible() and text.get_text().strip() and text.get_figure() is not None
            and _sticks_out(text.get_window_extent(renderer), fig.bbox)]


def _sticks_out(extent, box, slack_px: float = 1.0) -> bool:
    return (extent.x0 < box.x0 - slack_px or extent.x1 > box.x1 + slack_px
            or extent.y0 < box.y0 - slack_px or extent.y1 > box.y1 + slack_px)
