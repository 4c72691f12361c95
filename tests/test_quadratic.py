"""Gradient descent on one parameter: each learning-rate regime does what the chapter says it does,
on θ² and on bowls ½cθ² of other curvatures, checked against iteration by hand and the closed
form θ_k = (1 − ηc)ᵏ·θ₀."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdsim import quadratic

THETA0 = 2.0
CURVATURES = pytest.mark.parametrize("c", [0.5, 2.0, 10.0, 64.8])


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.25, 0.4, 0.49])
def test_small_steps_keep_the_sign_and_shrink(lr):
    thetas = quadratic.iterates(THETA0, lr, 50)
    assert quadratic.regime(lr) == quadratic.Regime.MONOTONE
    assert np.all(thetas > 0)
    assert np.all(np.diff(thetas) < 0)


def test_half_lands_on_the_minimum_in_one_step():
    thetas = quadratic.iterates(THETA0, 0.5, 5)
    assert quadratic.regime(0.5) == quadratic.Regime.ONE_STEP
    # θ lands on 0 exactly, a fixed point: the run stops there instead of repeating it
    assert list(thetas) == [THETA0, 0]
    assert quadratic.run(THETA0, 0.5, 5).converged


@pytest.mark.parametrize("lr", [0.51, 0.6, 0.75, 0.9, 0.99])
def test_between_half_and_one_flips_sign_and_shrinks(lr):
    thetas = quadratic.iterates(THETA0, lr, 50)
    assert quadratic.regime(lr) == quadratic.Regime.OSCILLATING
    assert np.all(thetas[:-1] * thetas[1:] < 0)
    assert np.all(np.diff(np.abs(thetas)) < 0)


def test_one_bounces_between_plus_and_minus_theta0_forever():
    run = quadratic.run(THETA0, 1.0, 10_000)
    thetas = run.params[:, 0]
    assert quadratic.regime(1) == quadratic.Regime.BOUNCING
    assert not run.diverged
    assert run.steps == 10_000
    assert np.array_equal(thetas[0::2], np.full(5001, THETA0))
    assert np.array_equal(thetas[1::2], np.full(5000, -THETA0))
    assert np.all(run.losses == THETA0**2)


@pytest.mark.parametrize("lr", [1.01, 1.1, 1.5, 2.0, 5.0])
def test_above_one_grows_every_step_and_diverges(lr):
    assert quadratic.regime(lr) == quadratic.Regime.DIVERGING
    thetas = quadratic.iterates(THETA0, lr, 20)
    assert np.all(np.diff(np.abs(thetas)) > 0)
    assert np.all(thetas[:-1] * thetas[1:] < 0)
    run = quadratic.run(THETA0, lr, 5000)
    assert run.diverged
    assert run.steps < 5000


def test_the_api_reads_with_keywords():
    thetas = quadratic.iterates(theta0=2.0, lr=0.8, steps=5)
    # θ_k = (1 − 1.6)ᵏ·2 = 2·(−0.6)ᵏ, as the chapter's "Try it" prints
    np.testing.assert_allclose(thetas, [2, -1.2, 0.72, -0.432, 0.2592, -0.15552], rtol=1e-12)
    assert quadratic.steps_to_reach(theta0=2.0, lr=0.1, tol=2e-6) == quadratic.steps_to_reach(2.0, 0.1, 2e-6)
    assert quadratic.regime(lr=0.8, curvature=2.0) == quadratic.Regime.OSCILLATING


@CURVATURES
@pytest.mark.parametrize("share", [0.2, 0.5, 0.9, 1.0, 1.5, 1.99, 2.0])
def test_a_bowl_of_any_curvature_follows_the_closed_form(c, share):
    """ηc = share: the factor is 1 − share, whatever c is."""
    lr = share / c
    thetas = quadratic.iterates(THETA0, lr, 30, curvature=c)
    expected = THETA0 * (1 - share) ** np.arange(len(thetas))
    np.testing.assert_allclose(thetas, expected, rtol=1e-9, atol=1e-12)
    assert quadratic.factor(lr, c) == pytest.approx(1 - share)
    if share != 1.0:  # ηc = 1 lands on 0 in one step and stops there
        assert len(thetas) == 31


@CURVATURES
def test_regime_boundaries_sit_at_one_and_two_over_the_curvature(c):
    one, two = 1 / c, 2 / c
    assert quadratic.regime(0.999 * one, c) == quadratic.Regime.MONOTONE
    assert quadratic.regime(1.001 * one, c) == quadratic.regime(0.999 * two, c) == quadratic.Regime.OSCILLATING
    assert quadratic.regime(1.001 * two, c) == quadratic.Regime.DIVERGING
    # by hand: the run at 1.001·(2/c) grows, the run at 0.999·(2/c) shrinks
    assert abs(quadratic.iterates(THETA0, 1.001 * two, 200, c)[-1]) > THETA0
    assert abs(quadratic.iterates(THETA0, 0.999 * two, 200, c)[-1]) < THETA0


def test_the_steeper_bowl_climbs_where_theta2_halves():
    # η = 0.25: θ² multiplies θ by 1 − 0.5, 5θ² (c = 10) by 1 − 2.5
    np.testing.assert_allclose(quadratic.iterates(2.0, 0.25, 3), [2, 1, 0.5, 0.25])
    np.testing.assert_allclose(quadratic.iterates(2.0, 0.25, 3, curvature=10), [2, -3, 4.5, -6.75])
    assert quadratic.loss(-3.0, 10) == 45.0 == 5 * 9
    assert quadratic.regime(0.25, 10) == quadratic.Regime.DIVERGING


@pytest.mark.parametrize("lr", [-1, 0, float("nan"), float("inf"), "0.1", True, None])
def test_regime_rejects_bad_learning_rates(lr):
    with pytest.raises(ValueError, match="learning rate"):
        quadratic.regime(lr)
    with pytest.raises(ValueError, match="learning rate"):
        quadratic.steps_to_reach(THETA0, lr, 1e-3)
    with pytest.raises(ValueError, match="learning rate"):
        quadratic.factor(lr)


@pytest.mark.parametrize("c", [0, -2.0, float("nan"), float("inf"), "2", True, None])
def test_bad_curvatures_are_rejected(c):
    for call in (lambda: quadratic.loss(1.0, c), lambda: quadratic.slope(1.0, c), lambda: quadratic.regime(0.1, c),
                 lambda: quadratic.run(1.0, 0.1, 3, c), lambda: quadratic.steps_to_reach(1.0, 0.1, 1e-3, c),
                 lambda: quadratic.tangent(1.0, [0.0], c)):
        with pytest.raises(ValueError, match="curvature"):
            call()


def _first_within(thetas: np.ndarray, tol: float) -> int:
    return int(np.flatnonzero(np.abs(thetas) <= tol)[0])


@pytest.mark.parametrize("theta0", [2.0, -3.0, 0.7, 1e4])
@pytest.mark.parametrize("tol", [1e-2, 1e-6, 1e-10])
@pytest.mark.parametrize("lr", [round(v, 3) for v in np.linspace(0.02, 0.98, 25)] + [0.5, 0.999, 0.001])
def test_steps_to_reach_matches_iteration(theta0, tol, lr):
    k = quadratic.steps_to_reach(theta0, lr, tol)
    thetas = quadratic.iterates(theta0, lr, k + 5)
    assert _first_within(thetas, tol) == k


@pytest.mark.parametrize("c", [0.5, 10.0])
@pytest.mark.parametrize("share", [0.05, 0.3, 0.7, 1.0, 1.3, 1.9])
def test_steps_to_reach_matches_iteration_on_other_bowls(c, share):
    lr, tol = share / c, 1e-6
    k = quadratic.steps_to_reach(THETA0, lr, tol, c)
    assert _first_within(quadratic.iterates(THETA0, lr, k + 5, c), tol) == k


def test_steps_to_reach_edge_cases():
    assert quadratic.steps_to_reach(1e-4, 0.3, 1e-3) == 0
    assert quadratic.steps_to_reach(THETA0, 0.5, 1e-9) == 1
    assert quadratic.steps_to_reach(THETA0, 0.1, 1e-9, curvature=10) == 1
    assert quadratic.steps_to_reach(THETA0, 1.0, 1e-3) == math.inf
    assert quadratic.steps_to_reach(THETA0, 1.2, 1e-3) == math.inf
    assert quadratic.steps_to_reach(THETA0, 0.2, 1e-3, curvature=10) == math.inf
    with pytest.raises(ValueError, match="tol"):
        quadratic.steps_to_reach(THETA0, 0.1, 0)
    with pytest.raises(ValueError, match="theta0"):
        quadratic.steps_to_reach(float("nan"), 0.1, 1e-3)


def test_step_story_numbers():
    first = quadratic.step_by(2.0, 1.0)
    assert first == 1.0
    assert quadratic.loss(first) == 1.0
    second = quadratic.step_by(first, 5.0)
    assert second == -4.0
    assert quadratic.loss(second) == 16.0
    assert quadratic.slope(5.0) == 10.0
    assert quadratic.slope(2.0, curvature=10) == 20.0
    assert quadratic.step_by(-3.0, 1.0) == -2.0
    assert quadratic.step_by(0.0, 1.0) == 0.0
    with pytest.raises(ValueError, match="step size"):
        quadratic.step_by(1.0, -1.0)
    with pytest.raises(ValueError, match="theta"):
        quadratic.step_by(float("nan"), 1.0)


@CURVATURES
def test_slope_is_the_central_difference_of_the_loss(c):
    h = 1e-4
    for theta in (-3.0, 0.5, 2.0):
        # exact up to rounding for a quadratic
        numeric = (quadratic.loss(theta + h, c) - quadratic.loss(theta - h, c)) / (2 * h)
        assert quadratic.slope(theta, c) == pytest.approx(numeric, rel=1e-7)


@CURVATURES
def test_tangent_touches_and_stays_below(c):
    thetas = np.linspace(-3, 3, 61)
    line = quadratic.tangent(1.5, thetas, c)
    assert quadratic.tangent(1.5, 1.5, c) == pytest.approx(quadratic.loss(1.5, c))
    assert np.all(line <= quadratic.loss(thetas, c) + 1e-12)
    assert (line[-1] - line[0]) / (thetas[-1] - thetas[0]) == pytest.approx(quadratic.slope(1.5, c))


@pytest.mark.parametrize("function", [quadratic.loss, quadratic.slope])
def test_results_that_overflow_are_a_value_error_without_warnings(function):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="overflows"):
            function(1e200 if function is quadratic.loss else 1e308, 10.0)
        with pytest.raises(ValueError, match="overflows"):
            quadratic.tangent(1e200, [0.0, 1.0])
        with pytest.raises(ValueError):
            function("two")
    assert function(3.0) == (9.0 if function is quadratic.loss else 6.0)
