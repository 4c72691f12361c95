"""Gradient descent: the chapters' numbers, convergence, divergence, and input checks."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from gdsim import experiments, model
from gdsim.descent import descend, gradient_descent
from gdsim.scenario import original


@pytest.fixture(scope="module")
def s():
    return original()


def test_slopes_read_off_the_cross_sections(s):
    assert experiments.secant(s, "w") == pytest.approx(-1.79, abs=5e-3)
    assert experiments.secant(s, "b") == pytest.approx(-2.90, abs=5e-3)
    assert experiments.secant_drop(s, "w") == pytest.approx(-0.21, abs=5e-3)
    assert experiments.secant_drop(s, "b") == pytest.approx(-0.35, abs=5e-3)


def test_secant_slope_tends_to_the_derivative(s):
    exact = model.gradient(s.snapped_start, s.split.x_train, s.split.y_train)
    errors = [abs(experiments.secant(s, "b", h) - exact[0]) for h in experiments.SHRINKING_STEPS]
    assert all(a > b for a, b in zip(errors, errors[1:])) and errors[-1] < 3e-3
    # The loss is a parabola in b with curvature 2, so the secant is off by exactly the step.
    np.testing.assert_allclose(errors, experiments.SHRINKING_STEPS, rtol=1e-6)


def test_one_step_with_the_small_rate_moves_as_the_article_says():
    assert experiments.one_step("w", 0.2).move == pytest.approx(0.36, abs=5e-3)
    assert experiments.one_step("b", 0.2).move == pytest.approx(0.58, abs=5e-3)


@pytest.mark.parametrize("lr", [0.2, 0.8])
def test_steps_below_the_cut_limits_go_downhill(lr):
    for param in ("w", "b"):
        step = experiments.one_step(param, lr)
        assert step.loss_after < step.loss_before


def test_very_big_rate_climbs_in_b_but_not_in_w():
    b_step, w_step = experiments.one_step("b", 1.1), experiments.one_step("w", 1.1)
    assert b_step.loss_after > b_step.loss_before
    assert w_step.loss_after < w_step.loss_before


def test_big_rate_overshoots_the_bottom_of_the_b_cut(s):
    step = experiments.one_step("b", 0.8)
    bottom = s.along_b.values[np.argmin(s.along_b.loss)]
    assert step.before < bottom < step.after


def test_lr_0_2_converges_to_least_squares(s):
    x, y = s.split.x_train, s.split.y_train
    run = gradient_descent(x, y, s.start, 0.2, 1500)
    design = np.column_stack([np.ones_like(x), x])
    expected, *_ = np.linalg.lstsq(design, y, rcond=None)
    assert not run.diverged and run.steps == 1500
    np.testing.assert_allclose(run.final, expected, atol=1e-8)
    assert np.all(np.diff(run.losses) <= 1e-15)  # monotone at this rate


def test_lr_1_1_diverges_cleanly_without_warnings(s):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = gradient_descent(s.split.x_train, s.split.y_train, s.start, 1.1, 10_000)
    assert run.diverged and run.steps < 100
    assert np.all(np.isfinite(run.params)) and np.all(np.isfinite(run.losses))
    assert run.losses[-1] > 100 * run.losses[0]


def test_cut_run_moves_only_its_parameter():
    run = experiments.cut_run("w", 0.2)
    assert np.all(run.params[:, 0] == run.params[0, 0]) and len(set(run.params[:, 1])) > 1


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
