"""Animations: frames recorded from a Movie with a frozen layout, and GIFs that decode to exactly
the quantized frames. The site's own GIFs are read from the run's one render."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image, ImageSequence

from gdsim.build import registry
from gdsim.draw.encode import Animation, distinct_colours, encode_gif, merge_repeats, shared_palette
from gdsim.draw.frames import Movie, record

ANIMATIONS = [a.name for a in registry.ASSETS if a.kind == registry.ANIMATION]


def decode(gif: bytes) -> tuple[list[np.ndarray], list[int]]:
    """Every frame of a GIF as a full RGB picture (deltas composited), and each frame's duration."""
    frames, durations = [], []
    with Image.open(io.BytesIO(gif)) as image:
        for frame in ImageSequence.Iterator(image):
            frames.append(np.asarray(frame.convert("RGB")))
            durations.append(frame.info["duration"])
    return frames, durations


def tiny_movie() -> Movie:
    fig = Figure(figsize=(2, 1.5), layout="constrained")
    ax = fig.subplots()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    dot, = ax.plot([], [], "o", color="#D55E00")

    def update(k: int) -> None:
        dot.set_data([k], [k])
        ax.set_title(f"frame {k}" + ("" if k else " (the first, and longest, title)"))

    return Movie(fig, update, 6, frame_ms=100, hold_ms=900)


def test_record_freezes_the_layout_after_the_first_frame():
    movie = tiny_movie()
    animation, smallest, _ = record(movie, dpi=100)
    assert animation.frames.shape == (6, 150, 200, 3)
    assert animation.durations == (100, 100, 100, 100, 100, 900)
    assert movie.figure.get_layout_engine().__class__.__name__ == "PlaceHolderLayoutEngine"
    assert 0 < smallest < 30
    # recording again gives the same frames: nothing depends on time or state left behind
    assert np.array_equal(record(tiny_movie(), dpi=100)[0].frames, animation.frames)


def test_gif_decodes_to_the_quantized_frames():
    animation, _, _ = record(tiny_movie(), dpi=100)
    frames, durations = decode(encode_gif(animation))
    palette = shared_palette(animation.frames, 255)
    expected = [np.asarray(Image.fromarray(f).quantize(palette=palette, dither=Image.Dither.NONE).convert("RGB"))
                for f in animation.frames]
    kept, times = merge_repeats(expected, animation.durations)
    assert len(frames) == len(kept) and durations == times
    for got, want in zip(frames, kept):
        assert np.array_equal(got, want)


def test_palette_entries_are_all_different():
    rgb = [10, 20, 30] * 3 + [0, 0, 0]
    colours = distinct_colours(rgb)
    entries = {tuple(colours[i:i + 3]) for i in range(0, len(colours), 3)}
    assert len(colours) == 3 * 256 and len(entries) == 256 and (10, 20, 30) in entries


def test_repeated_frames_are_merged():
    frames = [np.zeros((2, 2), np.uint8), np.zeros((2, 2), np.uint8), np.ones((2, 2), np.uint8)]
    kept, times = merge_repeats(frames, (100, 100, 50))
    assert len(kept) == 2 and times == [200, 50]


def test_animation_rejects_bad_frames():
    with pytest.raises(ValueError):
        Animation(np.zeros((3, 4, 4), np.uint8), (1, 1, 1))
    with pytest.raises(ValueError):
        Animation(np.zeros((3, 4, 4, 3), np.uint8), (1, 1))


def test_there_are_animations():
    assert len(ANIMATIONS) >= 8


@pytest.mark.parametrize("stem", [s for name in ANIMATIONS for s in (name, f"{name}.phone")])
def test_site_gif_moves_loops_holds_its_last_frame_and_ends_on_its_poster(rendered, stem):
    gif = (rendered / f"{stem}.gif").read_bytes()
    frames, durations = decode(gif)
    assert len(frames) >= 8, "an animation needs frames to show"
    assert not np.array_equal(frames[0], frames[-1])
    assert durations[-1] > max(durations[:-1]), "the last frame is held"
    with Image.open(io.BytesIO(gif)) as image:
        assert image.info.get("loop") == 0
    poster = np.asarray(Image.open(rendered / f"{stem}.png").convert("RGB"))
    assert poster.shape == frames[-1].shape
    # the poster is the last frame, up to the GIF's and the PNG's separate quantization
    assert np.mean(np.abs(poster.astype(int) - frames[-1].astype(int))) < 4


def test_quantizing_only_what_changed_equals_quantizing_every_frame():
    from gdsim.draw.encode import quantize_frames

    animation, _, _ = record(tiny_movie(), dpi=100)
    palette = shared_palette(animation.frames, 255)
    whole = [np.asarray(Image.fromarray(f).quantize(palette=palette, dither=Image.Dither.NONE)) for f in animation.frames]
    assert all(np.array_equal(a, b) for a, b in zip(quantize_frames(animation.frames, palette), whole))
