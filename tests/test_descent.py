"""Gradient descent: the chapters' numbers, convergence, divergence, and input checks."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from gdsim import model, scenarios
from gdsim.descent import descend, gradient_descent


@pytest.fixture(scope="module")
def s():
    return scenarios.get("original")


def test_lr_0_2_converges_to_least_squares(s):
    x, y = s.split.x_train, s.split.y_train
    run = gradient_descent(x, y, s.start, 0.2, 1500)
    design = np.column_stack([np.ones_like(x), x])
    expected, *_ = np.linalg.lstsq(design, y, rcond=None)
    # it reaches an exact fixed point before the 1500 steps asked for, and stops there
    assert not run.diverged and run.converged and run.steps < 1500
    assert np.array_equal(run.final - 0.2 * run.gradients[-1], run.final)
    np.testing.assert_allclose(run.final, expected, atol=1e-8)
    assert np.all(np.diff(run.losses) <= 1e-15)  # monotone at this rate


def test_lr_1_1_diverges_cleanly_without_warnings(s):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = gradient_descent(s.split.x_train, s.split.y_train, s.start, 1.1, 10_000)
    assert run.diverged and run.steps < 100
    assert np.all(np.isfinite(run.params)) and np.all(np.isfinite(run.losses))
    assert run.losses[-1] > 100 * run.losses[0]


def test_trajectory_records_every_step(s):
    run = gradient_descent(s.split.x_train, s.split.y_train, s.start, 0.2, 5)
    assert run.params.shape == (6, 2) and run.losses.shape == (6,) and run.gradients.shape == (6, 2)
    for k in range(5):
        np.testing.assert_allclose(run.params[k + 1], run.params[k] - 0.2 * run.gradients[k])
        assert run.losses[k] == pytest.approx(model.mse(run.params[k], s.split.x_train, s.split.y_train))


@pytest.mark.parametrize("lr", [0, -0.1, math.nan, math.inf, -math.inf, "0.1", None, True, [0.1]])
def test_bad_learning_rate_is_a_clear_value_error(lr, s):
    with pytest.raises(ValueError, match="learning rate must be a positive finite number"):
        gradient_descent(s.split.x_train, s.split.y_train, s.start, lr, 10)


@pytest.mark.parametrize("steps", [0, -1, 2.5, "10", None, True])
def test_bad_step_count_is_a_clear_value_error(steps, s):
    with pytest.raises(ValueError, match="positive integer"):
        gradient_descent(s.split.x_train, s.split.y_train, s.start, 0.1, steps)


@pytest.mark.parametrize(
    "x, y, start",
    [([], [], [0, 0]), ([1, 2], [1], [0, 0]), ([1, np.nan], [1, 2], [0, 0]), ([1, 2], [1, 2], [0, 0, 0])],
)
def test_bad_data_or_start_is_a_value_error(x, y, start):
    with pytest.raises(ValueError):
        gradient_descent(x, y, start, 0.1, 10)


def test_descend_works_on_any_function():
    run = descend(lambda t: float(t[0] ** 2), lambda t: 2 * t, [3.0], 0.25, 40)
    assert abs(run.final[0]) < 1e-10 and not run.diverged


def test_a_huge_step_count_is_refused_before_any_work():
    x, y = np.array([0.0, 1.0]), np.array([1.0, 3.0])
    with pytest.raises(ValueError, match="at most 1,000,000"):
        gradient_descent(x, y, [0.0, 0.0], 0.1, 10**9)


def test_a_converged_run_stops_and_keeps_only_what_it_needs():
    """10⁶ steps asked for, on a problem that settles in a few hundred: the run ends at its fixed point."""
    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])
    run = gradient_descent(x, y, [0.0, 0.0], 0.1, 1_000_000)
    assert run.converged and not run.diverged and run.steps < 10_000
    assert run.params.shape == (run.steps + 1, 2)
    np.testing.assert_allclose(run.final, [1.0, 2.0], atol=1e-12)


@pytest.mark.parametrize("scale", [1e160, 1e300])
def test_inputs_whose_loss_overflows_are_a_value_error_without_warnings(scale):
    x, y = np.array([0.0, 1.0, 2.0]) * scale, np.array([1.0, 3.0, 5.0]) * scale
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="not finite"):
            gradient_descent(x, y, [0.0, 0.0], 0.1, 10)


@pytest.mark.parametrize("start", [None, "ab", [1.0, "b"], {"b": 1}])
def test_wrong_types_are_value_errors(start):
    x, y = np.array([0.0, 1.0]), np.array([1.0, 3.0])
    with pytest.raises(ValueError):
        gradient_descent(x, y, start, 0.1, 10)
    with pytest.raises(ValueError):
        gradient_descent(["a", "b"], y, [0.0, 0.0], 0.1, 10)
