"""Chapter "A model and its data": the source article's data, and a split that leaks nothing."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim import data
from gdsim.chapters import model_and_data


def test_data_follow_the_legacy_seed_42_stream():
    """Oracle: the article's own recipe, drawn here from a fresh RandomState(42)."""
    x, y, index = data.make_data()
    rng = np.random.RandomState(42)
    expected_x = rng.rand(100)
    expected_y = 1 + 2 * expected_x + 0.1 * rng.randn(100)
    expected_index = np.arange(100)
    rng.shuffle(expected_index)
    np.testing.assert_array_equal(x, expected_x)
    np.testing.assert_array_equal(y, expected_y)
    np.testing.assert_array_equal(index, expected_index)


def test_split_is_80_20_disjoint_and_complete():
    x, y, index = data.make_data()
    s = data.split(x, y, index)
    assert len(s.x_train) == 80 and len(s.x_val) == 20
    assert set(np.round(s.x_train, 12)).isdisjoint(np.round(s.x_val, 12))
    assert sorted(np.concatenate([s.x_train, s.x_val])) == sorted(x)
    # each label stays with its own feature value
    pairs = set(zip(np.round(x, 12), np.round(y, 12)))
    assert set(zip(np.round(s.x_train, 12), np.round(s.y_train, 12))) <= pairs


def test_the_figure_shows_the_chapters_split():
    view = model_and_data.split_view()
    expected = data.original_split()
    np.testing.assert_array_equal(view.split.x_train, expected.x_train)
    np.testing.assert_array_equal(view.split.y_val, expected.y_val)
    lo, hi = view.x_range
    assert lo <= min(view.split.x_train.min(), view.split.x_val.min())
    assert hi >= max(view.split.x_train.max(), view.split.x_val.max())


def test_facts_count_the_split_not_the_constants():
    facts = model_and_data.facts()
    s = data.original_split()
    assert facts["n_train"].value == len(s.x_train) == 80
    assert facts["n_val"].value == len(s.y_val) == 20
    assert facts["train_percent"].value + facts["val_percent"].value == 100
    assert facts["true_line_at_one"].value == data.TRUE_B + data.TRUE_W


def test_noise_facts_describe_the_draws_of_the_legacy_stream():
    """Oracle: the noise of a fresh RandomState(42), drawn after the features as the article does."""
    rng = np.random.RandomState(42)
    rng.rand(100)
    epsilon = 0.1 * rng.randn(100)
    facts = model_and_data.facts()
    assert facts["noise_sample_mean"].value == pytest.approx(epsilon.mean(), abs=1e-15)
    # the population standard deviation: divide by n, not n − 1
    assert facts["noise_sample_std"].value == pytest.approx(np.sqrt(np.mean((epsilon - epsilon.mean()) ** 2)), rel=1e-12)
    assert facts["noise_sample_std"].value != pytest.approx(epsilon.std(ddof=1), rel=1e-6)
    # the prose: the sample's values differ from the distribution's
    assert facts["noise_sample_std"].value != pytest.approx(data.NOISE_SCALE, rel=1e-3)


def test_noise_is_what_the_true_line_misses():
    x, y, _ = data.make_data()
    np.testing.assert_allclose(model_and_data.noise(x, y), y - 1.0 - 2.0 * x, rtol=0, atol=1e-15)
