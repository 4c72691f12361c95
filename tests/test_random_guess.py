"""Chapter "How wrong is a random guess": the article's random start, its line, one residual, the best line."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim import data
from gdsim.chapters import random_guess


@pytest.fixture(scope="module")
def train():
    s = data.original_split()
    return s.x_train, s.y_train


def _by_hand_mse(b, w, x, y):
    return float(np.mean((b + w * x - y) ** 2))


def test_random_start_is_two_fresh_standard_normal_draws_b_first():
    """Oracle: a fresh RandomState(42), and the article's printed values."""
    rng = np.random.RandomState(42)
    expected = np.array([rng.randn(), rng.randn()])
    facts = random_guess.facts()
    assert (facts["start_b"].value, facts["start_w"].value) == (expected[0], expected[1])
    assert facts["start_b"].value == pytest.approx(0.4967, abs=5e-5)
    assert facts["start_w"].value == pytest.approx(-0.1383, abs=5e-5)


def test_start_loss_is_the_mean_squared_error_by_hand(train):
    x, y = train
    facts = random_guess.facts()
    expected = _by_hand_mse(facts["start_b"].value, facts["start_w"].value, x, y)
    assert facts["start_loss"].value == pytest.approx(expected, rel=1e-12)
    assert facts["start_loss"].value == pytest.approx(2.742, abs=5e-4)  # the article's number


def test_first_residual_is_prediction_minus_label_of_the_first_training_point(train):
    x, y = train
    facts = random_guess.facts()
    b, w = facts["start_b"].value, facts["start_w"].value
    assert facts["first_x"].value == x[0] and facts["first_y"].value == y[0]
    assert facts["first_prediction"].value == pytest.approx(b + w * x[0], rel=1e-12)
    assert facts["first_residual"].value == pytest.approx(b + w * x[0] - y[0], rel=1e-12)
    assert facts["first_residual"].value < 0, "the prose says the line passes below this point"


def test_the_start_line_lies_below_every_point():
    """The prose: all training and all validation points lie above the random start's line."""
    s = data.original_split()
    facts = random_guess.facts()
    b, w = facts["start_b"].value, facts["start_w"].value
    gaps_train = s.y_train - (b + w * s.x_train)
    gaps_val = s.y_val - (b + w * s.x_val)
    assert facts["start_above_train"].value == np.count_nonzero(gaps_train > 0) == len(s.x_train)
    assert facts["start_above_val"].value == np.count_nonzero(gaps_val > 0) == len(s.x_val)
    assert facts["start_nearest_gap"].value == pytest.approx(min(gaps_train.min(), gaps_val.min()), rel=1e-12)
    assert facts["start_nearest_gap"].value > 0
    # the exercise's reason: the line is highest at x = 0 (w < 0) and still below the lowest label
    assert w < 0 and b < facts["lowest_train_label"].value == s.y_train.min()


def test_the_floor_is_this_samples_noise(train):
    """Oracle: the noise draws of a fresh RandomState(42), and the closed-form least-squares fit."""
    x, y = train
    facts = random_guess.facts()
    truth_loss = float(np.mean((y - (1.0 + 2.0 * x)) ** 2))
    assert facts["true_line_loss"].value == pytest.approx(truth_loss, rel=1e-12)
    assert facts["noise_variance"].value == pytest.approx(0.1**2)
    # the prose: the floor is below the true line's loss, which is below the drawn variance
    assert facts["lstsq_loss"].value < facts["true_line_loss"].value < facts["noise_variance"].value


def test_least_squares_facts_solve_the_normal_equations(train):
    x, y = train
    design = np.column_stack([np.ones_like(x), x])
    expected, *_ = np.linalg.lstsq(design, y, rcond=None)
    facts = random_guess.facts()
    np.testing.assert_allclose([facts["lstsq_b"].value, facts["lstsq_w"].value], expected, rtol=1e-10)
    assert facts["lstsq_loss"].value == pytest.approx(_by_hand_mse(*expected, x, y), rel=1e-10)
    # the fit leaves about the noise the data were drawn with
    assert facts["lstsq_loss"].value == pytest.approx(data.NOISE_SCALE**2, rel=0.3)
    assert facts["lstsq_loss"].value < facts["start_loss"].value


def test_guess_view_draws_both_lines_over_the_feature_range(train):
    x, y = train
    view = random_guess.guess_view()
    np.testing.assert_array_equal(view.x_train, x)
    np.testing.assert_array_equal(view.y_train, y)
    assert view.line_x[0] <= x.min() and view.line_x[-1] >= x.max()
    b, w = view.start
    np.testing.assert_allclose(view.start_line, b + w * view.line_x, rtol=1e-12)
    # A least-squares line with an intercept passes through the mean point (x̄, ȳ).
    slope = (view.best_line[1] - view.best_line[0]) / (view.line_x[1] - view.line_x[0])
    at_mean = view.best_line[0] + slope * (x.mean() - view.line_x[0])
    assert at_mean == pytest.approx(y.mean(), rel=1e-10)


def test_residual_view_is_the_gap_between_the_point_and_the_line(train):
    x, y = train
    view = random_guess.residual_view()
    b, w = view.guess.start
    assert (view.x, view.y) == (x[view.index], y[view.index])
    assert view.prediction == pytest.approx(b + w * view.x, rel=1e-12)
    assert view.residual == pytest.approx(view.prediction - view.y, rel=1e-12)


def test_residual_label_sits_in_the_empty_band_left_of_the_point(train):
    """The label's row runs left of the point, above the line and below every point there: no collision."""
    x, y = train
    view = random_guess.residual_view()
    b, w = view.guess.start
    left = x <= view.x
    line_top = max(b, b + w * view.x)
    assert line_top < view.label_y < y[left].min()
    # with room to spare on both sides for a two-line label (a third of the band each way)
    band = y[left].min() - line_top
    assert view.label_y - line_top > band / 3 and y[left].min() - view.label_y > band / 3
