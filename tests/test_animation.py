"""Animations: deterministic frames, a poster, and a GIF that decodes to exactly those frames."""

from __future__ import annotations

import io

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from gdsim import registry
from gdsim.animation import Animation, encode_gif, merge_repeats, shared_palette
from gdsim.render import render

ANIMATIONS = [a.name for a in registry.ASSETS if a.kind == registry.ANIMATION]


@pytest.fixture(scope="module")
def built():
    return {name: registry.get(name).build() for name in ANIMATIONS}


def test_there_are_animations():
    assert len(ANIMATIONS) >= 8


@pytest.mark.parametrize("name", ANIMATIONS)
def test_frames_are_deterministic(built, name):
    again = registry.get(name).build()
    first = built[name]
    assert first.frames.shape == again.frames.shape and first.frames.shape[0] >= 8
    assert np.array_equal(first.frames, again.frames)
    assert first.durations == again.durations


@pytest.mark.parametrize("name", ANIMATIONS)
def test_frames_change_and_the_last_one_is_held(built, name):
    anim = built[name]
    assert not np.array_equal(anim.frames[0], anim.frames[-1])
    assert anim.durations[-1] > anim.durations[0]


@pytest.mark.parametrize("name", ANIMATIONS[:3])
def test_gif_decodes_to_the_quantized_frames(built, name):
    anim = built[name]
    gif = encode_gif(anim)
    decoded = iio.imread(gif, index=None, plugin="pillow", mode="RGB")
    palette = shared_palette(anim.frames, 255)
    expected = [np.asarray(Image.fromarray(f).quantize(palette=palette, dither=Image.Dither.NONE).convert("RGB"))
                for f in anim.frames]
    # merge expected repeats the way the encoder does
    kept, _ = merge_repeats(expected, anim.durations)
    assert decoded.shape[0] == len(kept)
    assert max(int(np.abs(d.astype(int) - k.astype(int)).max()) for d, k in zip(decoded, kept)) == 0
    with Image.open(io.BytesIO(gif)) as im:
        assert im.info.get("loop") == 0


def test_poster_and_gif_are_written(tmp_path):
    name = ANIMATIONS[0]
    render([name], out_dir=tmp_path, stream=io.StringIO())
    poster = Image.open(tmp_path / f"{name}.png")
    gif = Image.open(tmp_path / f"{name}.gif")
    assert poster.size == gif.size and gif.n_frames > 1


def test_repeated_frames_are_merged():
    frames = [np.zeros((2, 2), np.uint8), np.zeros((2, 2), np.uint8), np.ones((2, 2), np.uint8)]
    kept, times = merge_repeats(frames, (100, 100, 50))
    assert len(kept) == 2 and times == [200, 50]


def test_animation_rejects_bad_frames():
    with pytest.raises(ValueError):
        Animation(np.zeros((3, 4, 4), np.uint8), (1, 1, 1))
    with pytest.raises(ValueError):
        Animation(np.zeros((3, 4, 4, 3), np.uint8), (1, 1))
