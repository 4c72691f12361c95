"""Chapter "A model and its data": the source article's data, and a split that leaks nothing."""

from __future__ import annotations

import numpy as np

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
