"""Gradient descent on x²: each learning-rate regime does what the chapter says it does."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdsim import quadratic

X0 = 2.0


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.25, 0.4, 0.49])
def test_small_steps_keep_the_sign_and_shrink(lr):
    xs = quadratic.iterates(X0, lr, 50)
    assert quadratic.regime(lr) == quadratic.Regime.MONOTONE
    assert np.all(xs > 0)
    assert np.all(np.diff(xs) < 0)


def test_half_lands_on_the_minimum_in_one_step():
    xs = quadratic.iterates(X0, 0.5, 5)
    assert quadratic.regime(0.5) == quadratic.Regime.ONE_STEP
    # x lands on 0 exactly, a fixed point: the run stops there instead of repeating it
    assert list(xs) == [X0, 0]
    assert quadratic.run(X0, 0.5, 5).converged


@pytest.mark.parametrize("lr", [0.51, 0.6, 0.75, 0.9, 0.99])
def test_between_half_and_one_flips_sign_and_shrinks(lr):
    xs = quadratic.iterates(X0, lr, 50)
    assert quadratic.regime(lr) == quadratic.Regime.OSCILLATING
    assert np.all(xs[:-1] * xs[1:] < 0)
    assert np.all(np.diff(np.abs(xs)) < 0)


def test_one_bounces_between_plus_and_minus_x0_forever():
    run = quadratic.run(X0, 1.0, 10_000)
    xs = run.params[:, 0]
    assert quadratic.regime(1) == quadratic.Regime.BOUNCING
    assert not run.diverged
    assert run.steps == 10_000
    assert np.array_equal(xs[0::2], np.full(5001, X0))
    assert np.array_equal(xs[1::2], np.full(5000, -X0))
    assert np.all(run.losses == X0**2)


@pytest.mark.parametrize("lr", [1.01, 1.1, 1.5, 2.0, 5.0])
def test_above_one_grows_every_step_and_diverges(lr):
    assert quadratic.regime(lr) == quadratic.Regime.DIVERGING
    xs = quadratic.iterates(X0, lr, 20)
    assert np.all(np.diff(np.abs(xs)) > 0)
    assert np.all(xs[:-1] * xs[1:] < 0)
    run = quadratic.run(X0, lr, 5000)
    assert run.diverged
    assert run.steps < 5000


@pytest.mark.parametrize("lr", [-1, 0, float("nan"), float("inf"), "0.1", True, None])
def test_regime_rejects_bad_learning_rates(lr):
    with pytest.raises(ValueError, match="learning rate"):
        quadratic.regime(lr)
    with pytest.raises(ValueError, match="learning rate"):
        quadratic.steps_to_reach(X0, lr, 1e-3)


def _first_within(xs: np.ndarray, tol: float) -> int:
    return int(np.flatnonzero(np.abs(xs) <= tol)[0])


@pytest.mark.parametrize("x0", [2.0, -3.0, 0.7, 1e4])
@pytest.mark.parametrize("tol", [1e-2, 1e-6, 1e-10])
@pytest.mark.parametrize("lr", [round(v, 3) for v in np.linspace(0.02, 0.98, 25)] + [0.5, 0.999, 0.001])
def test_steps_to_reach_matches_iteration(x0, tol, lr):
    k = quadratic.steps_to_reach(x0, lr, tol)
    xs = quadratic.iterates(x0, lr, k + 5)
    assert _first_within(xs, tol) == k


def test_steps_to_reach_edge_cases():
    assert quadratic.steps_to_reach(1e-4, 0.3, 1e-3) == 0
    assert quadratic.steps_to_reach(X0, 0.5, 1e-9) == 1
    assert quadratic.steps_to_reach(X0, 1.0, 1e-3) == math.inf
    assert quadratic.steps_to_reach(X0, 1.2, 1e-3) == math.inf
    with pytest.raises(ValueError, match="tol"):
        quadratic.steps_to_reach(X0, 0.1, 0)
    with pytest.raises(ValueError, match="x0"):
        quadratic.steps_to_reach(float("nan"), 0.1, 1e-3)


def test_step_story_numbers():
    first = quadratic.step_by(2.0, 1.0)
    assert first == 1.0
    assert quadratic.loss(first) == 1.0
    second = quadratic.step_by(first, 5.0)
    assert second == -4.0
    assert quadratic.loss(second) == 16.0
    assert quadratic.slope(5.0) == 10.0
    assert quadratic.cubic_slope(2.0) == 60.0
    assert quadratic.step_by(-3.0, 1.0) == -2.0
    assert quadratic.step_by(0.0, 1.0) == 0.0
    with pytest.raises(ValueError, match="step size"):
        quadratic.step_by(1.0, -1.0)


def test_tangent_touches_and_stays_below():
    xs = np.linspace(-3, 3, 61)
    line = quadratic.tangent(1.5, xs)
    assert quadratic.tangent(1.5, 1.5) == pytest.approx(quadratic.loss(1.5))
    assert np.all(line <= quadratic.loss(xs) + 1e-12)
    assert (line[-1] - line[0]) / (xs[-1] - xs[0]) == pytest.approx(quadratic.slope(1.5))


@pytest.mark.parametrize("function", [quadratic.loss, quadratic.cubic_slope])
def test_results_that_overflow_are_a_value_error_without_warnings(function):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="overflows"):
            function(1e200)
        with pytest.raises(ValueError, match="overflows"):
            quadratic.tangent(1e200, [0.0, 1.0])
        with pytest.raises(ValueError):
            function("two")
    assert function(3.0) == (9.0 if function is quadratic.loss else 135.0)
