"""Animations as arrays of frames, and their encoding to small GIFs.

Builders return an ``Animation`` (frames first); encoding comes last and is the only step that
knows about GIF. The encoder gives every frame one shared palette, merges repeated frames into
longer ones, and lets Pillow store only the rectangle that changed between frames.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import imageio.v3 as iio
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

PALETTE_SIZE = 256
PALETTE_SAMPLE_FRAMES = 12
TRANSPARENT = PALETTE_SIZE - 1  # palette slot meaning "same as the frame before"


@dataclass(frozen=True)
class Animation:
    """Frames (T, H, W, 3) uint8, how long each shows (ms), and which frame is the still poster."""

    frames: np.ndarray
    durations: tuple[int, ...]
    poster_index: int = -1

    def __post_init__(self):
        if self.frames.ndim != 4 or self.frames.shape[-1] != 3 or self.frames.dtype != np.uint8:
            raise ValueError(f"frames must be a (T, H, W, 3) uint8 array, got {self.frames.shape} {self.frames.dtype}")
        if len(self.durations) != len(self.frames):
            raise ValueError(f"{len(self.durations)} durations for {len(self.frames)} frames")

    @property
    def poster(self) -> np.ndarray:
        return self.frames[self.poster_index]


def capture(fig: Figure) -> np.ndarray:
    """The figure as it looks now, as an (H, W, 3) uint8 array (drawn at the figure's own dpi).

    Drawn once on the Agg canvas and read from its buffer: no PNG encode and decode in between.
    """
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def shared_palette(frames: np.ndarray, colors: int = PALETTE_SIZE) -> Image.Image:
    """One palette for the whole animation, fitted on evenly spaced frames stacked together.

    Frames are drawn at 2 device pixels per CSS pixel, so every other row and column already
    holds every colour a frame uses: the fit reads a quarter of the pixels."""
    picks = np.linspace(0, len(frames) - 1, min(len(frames), PALETTE_SAMPLE_FRAMES)).round().astype(int)
    sample = np.ascontiguousarray(np.concatenate([frames[i, ::2, ::2] for i in np.unique(picks)], axis=0))
    return Image.fromarray(sample).quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def _quantize(image: np.ndarray, palette: Image.Image) -> np.ndarray:
    return np.asarray(Image.fromarray(image).quantize(palette=palette, dither=Image.Dither.NONE))


def quantize_frames(frames: np.ndarray, palette: Image.Image) -> list[np.ndarray]:
    """Every frame mapped onto ``palette``; only the rectangle that changed since the frame before
    is quantized again. Without dithering each pixel's index depends on its colour alone, so the
    result equals quantizing every frame whole."""
    indexed = [_quantize(frames[0], palette)]
    height, width = frames.shape[1:3]
    flat = frames.reshape(len(frames), height, width * 3)  # a view: one row of bytes per pixel row
    for k in range(1, len(frames)):
        current = indexed[-1].copy()
        rows = np.flatnonzero(np.any(flat[k] != flat[k - 1], axis=1))
        if rows.size:
            band = slice(rows[0], rows[-1] + 1)
            cols = np.flatnonzero(np.any(flat[k, band] != flat[k - 1, band], axis=0)) // 3
            box = (band, slice(cols[0], cols[-1] + 1))
            frame = frames[k]
            current[box] = _quantize(np.ascontiguousarray(frame[box]), palette)
        indexed.append(current)
    return indexed


def merge_repeats(indexed: list[np.ndarray], durations: tuple[int, ...]) -> tuple[list[np.ndarray], list[int]]:
    """Drop frames identical to the one before, adding their time to it."""
    kept, times = [indexed[0]], [durations[0]]
    for frame, duration in zip(indexed[1:], durations[1:]):
        if np.array_equal(frame, kept[-1]):
            times[-1] += duration
        else:
            kept.append(frame)
            times.append(duration)
    return kept, times


def encode_gif(animation: Animation) -> bytes:
    """The animation as looping GIF bytes, small: shared palette, repeats merged, unchanged pixels
    transparent.

    Each frame after the first marks the pixels that did not change as transparent (the last
    palette slot, kept free) and is drawn over its predecessor, so LZW meets long runs of one
    index. Decoded, every frame equals the quantized original exactly.
    """
    palette = shared_palette(animation.frames, PALETTE_SIZE - 1)
    indexed = quantize_frames(animation.frames, palette)
    kept, times = merge_repeats(indexed, animation.durations)
    deltas = [kept[0]]
    for before, frame in zip(kept, kept[1:]):
        delta = frame.copy()
        delta[frame == before] = TRANSPARENT
        deltas.append(delta)
    colours = distinct_colours(palette.getpalette()[: 3 * (PALETTE_SIZE - 1)])
    images = []
    for delta in deltas:
        image = Image.fromarray(delta)
        image.putpalette(colours)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], palette=colours,
                   duration=times, loop=0, optimize=False, transparency=TRANSPARENT, disposal=1)
    return buffer.getvalue()


def distinct_colours(rgb: list[int], size: int = PALETTE_SIZE) -> list[int]:
    """A flat RGB palette of ``size`` entries, all different: repeats and padding get unused colours.

    Pillow maps each frame onto the global palette by colour; with no two entries alike that is a
    dictionary look-up per entry, where repeated entries cost it a quadratic search every frame.
    """
    entries = [tuple(rgb[i : i + 3]) for i in range(0, len(rgb), 3)]
    entries += [(0, 0, 0)] * (size - len(entries))
    seen: set[tuple[int, ...]] = set()
    spare = ((r, g, 1) for r in range(256) for g in range(256))
    out = []
    for colour in entries:
        if colour in seen:
            colour = next(c for c in spare if c not in seen and c not in entries)
        seen.add(colour)
        out.extend(colour)
    return out


def encode_plain_gif(animation: Animation) -> bytes:
    """What a plain ``imageio`` write of the same frames weighs: the benchmark's baseline."""
    return iio.imwrite("<bytes>", animation.frames, extension=".gif", duration=list(animation.durations), loop=0)


def encode_png(image: np.ndarray) -> bytes:
    """An (H, W, 3) array as a 256-colour PNG: about four times lighter than full colour and,
    for flat-coloured plots, indistinguishable. No timestamp: identical input, identical bytes."""
    paletted = Image.fromarray(image).quantize(colors=PALETTE_SIZE, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    paletted.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
