"""Gradient descent: the chapters' numbers, convergence, divergence, and input checks."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from gdsim import model, scenarios
from gdsim.descent import batches, descend, gradient_descent, minibatch_gradient_descent


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


# ---------------------------------------------------------------- mini-batches


def _train(s):
    return s.split.x_train, s.split.y_train


def _central_gradient(theta, x, y, h=1e-6):
    """∂L/∂b and ∂L/∂w of the full-batch MSE, by central differences of the loss written out by hand."""
    def loss(t):
        return float(np.mean((t[0] + t[1] * x - y) ** 2))

    return np.array([(loss(theta + h * e) - loss(theta - h * e)) / (2 * h) for e in np.eye(2)])


def _assert_same_trajectory(a, b):
    for field in ("params", "losses", "gradients"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert (a.lr, a.diverged, a.converged) == (b.lr, b.diverged, b.converged)


@pytest.mark.parametrize("lr, epochs", [(0.2, 60), (0.8, 40), (1.1, 100), (0.2, 1500)])
def test_batch_size_n_is_full_batch_gradient_descent_bit_for_bit(s, lr, epochs):
    """Converging, zig-zagging, diverging, and reaching the exact fixed point: the same arrays to the last bit."""
    x, y = _train(s)
    full = gradient_descent(x, y, s.start, lr, epochs)
    batched = minibatch_gradient_descent(x, y, s.start, lr, epochs, batch_size=len(x), seed=3)
    _assert_same_trajectory(batched.trajectory, full)
    assert batched.steps_per_epoch == 1
    np.testing.assert_array_equal(batched.epoch_ends, np.arange(full.steps + 1))
    np.testing.assert_array_equal(batched.batch_gradients, full.gradients[:-1])
    if lr == 0.2 and epochs == 1500:
        assert full.converged and batched.trajectory.converged and full.steps < epochs


def test_stochastic_run_is_reproducible_for_a_seed_and_changes_with_it(s):
    x, y = _train(s)
    one = minibatch_gradient_descent(x, y, s.start, 0.2, 3, batch_size=1, seed=7)
    again = minibatch_gradient_descent(x, y, s.start, 0.2, 3, batch_size=1, seed=7)
    other = minibatch_gradient_descent(x, y, s.start, 0.2, 3, batch_size=1, seed=8)
    _assert_same_trajectory(one.trajectory, again.trajectory)
    np.testing.assert_array_equal(one.orders, again.orders)
    assert not np.array_equal(one.orders, other.orders)
    assert not np.array_equal(one.trajectory.params, other.trajectory.params)
    # the shuffles are numpy's default_rng(seed), one permutation per epoch (oracle: the generator itself)
    rng = np.random.default_rng(7)
    np.testing.assert_array_equal(one.orders, [rng.permutation(len(x)) for _ in range(3)])


def test_each_stochastic_step_follows_one_points_gradient(s):
    """Oracle: a single point's squared residual (b + w·xᵢ − yᵢ)² has gradient 2·rᵢ·(1, xᵢ)."""
    x, y = _train(s)
    run = minibatch_gradient_descent(x, y, s.start, 0.2, 2, batch_size=1, seed=1)
    t = run.trajectory
    assert t.steps == 2 * len(x) and run.steps_per_epoch == len(x)
    for k in (0, 1, 79, 80, 159):
        (i,) = run.batch(k)
        assert i == run.orders[k // len(x), k % len(x)]
        b, w = t.params[k]
        r = b + w * x[i] - y[i]
        np.testing.assert_allclose(run.batch_gradients[k], [2 * r, 2 * r * x[i]], rtol=1e-12)
        np.testing.assert_allclose(t.params[k + 1], t.params[k] - 0.2 * run.batch_gradients[k], rtol=1e-14)
        assert t.losses[k + 1] == pytest.approx(float(np.mean((t.params[k + 1, 0] + t.params[k + 1, 1] * x - y) ** 2)))
        np.testing.assert_allclose(t.gradients[k + 1], _central_gradient(t.params[k + 1], x, y), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("batch_size", [1, 7, 16, 80])
def test_each_epoch_visits_every_training_point_exactly_once(s, batch_size):
    x, y = _train(s)
    run = minibatch_gradient_descent(x, y, s.start, 0.1, 4, batch_size=batch_size, seed=11)
    per_epoch = run.steps_per_epoch
    assert per_epoch == math.ceil(len(x) / batch_size)
    np.testing.assert_array_equal(run.epoch_ends, per_epoch * np.arange(5))
    for epoch in range(4):
        used = np.concatenate([run.batch(k) for k in range(epoch * per_epoch, (epoch + 1) * per_epoch)])
        np.testing.assert_array_equal(np.sort(used), np.arange(len(x)))
        sizes = [len(run.batch(k)) for k in range(epoch * per_epoch, (epoch + 1) * per_epoch)]
        assert sizes[:-1] == [batch_size] * (per_epoch - 1) and 1 <= sizes[-1] <= batch_size
    if batch_size < len(x):
        assert not np.array_equal(run.orders[0], run.orders[1]), "reshuffled every epoch"


@pytest.mark.parametrize("batch_size", [1, 16, 12])
def test_mini_batch_gradients_of_an_epoch_average_to_the_full_gradient(s, batch_size):
    """At a fixed θ, the batches of one epoch average (weighted by their sizes) to the full gradient;
    with equal batches (B divides n) the plain mean does."""
    x, y = _train(s)
    run = minibatch_gradient_descent(x, y, s.start, 0.1, 1, batch_size=batch_size, seed=5)
    theta = np.array([0.3, 1.4])
    parts = batches(run.orders[0], batch_size)
    grads = np.array([model.gradient(theta, x[p], y[p]) for p in parts])
    sizes = np.array([len(p) for p in parts])
    expected = _central_gradient(theta, x, y)
    np.testing.assert_allclose(sizes @ grads / sizes.sum(), expected, rtol=1e-6)
    if len(x) % batch_size == 0:
        np.testing.assert_allclose(grads.mean(axis=0), expected, rtol=1e-6)
    else:
        assert not np.allclose(grads.mean(axis=0), expected, rtol=1e-6), "a shorter last batch counts less"


def test_mini_batches_reach_the_least_squares_minimum_region(s):
    x, y = _train(s)
    expected, *_ = np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y, rcond=None)
    run = minibatch_gradient_descent(x, y, s.start, 0.05, 200, batch_size=16, seed=2)
    assert not run.trajectory.diverged
    np.testing.assert_allclose(run.trajectory.final, expected, atol=0.02)


def test_a_stochastic_run_that_diverges_stops_cleanly_without_warnings(s):
    x, y = _train(s)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = minibatch_gradient_descent(x, y, s.start, 3.0, 50, batch_size=1, seed=0)
    t = run.trajectory
    assert t.diverged and not t.converged and t.steps < 50 * len(x)
    assert np.all(np.isfinite(t.params)) and np.all(np.isfinite(t.losses))
    assert len(run.batch_gradients) == t.steps and run.epoch_ends[-1] <= t.steps


def test_a_run_on_data_it_fits_exactly_stops_at_its_fixed_point():
    """Points on a line: every batch's gradient vanishes at the line, so an epoch comes that moves nothing."""
    x = np.array([0.0, 0.5, 1.0, 1.5])
    y = 1.0 + 2.0 * x
    run = minibatch_gradient_descent(x, y, [0.0, 0.0], 0.2, 100_000, batch_size=2, seed=0)
    t = run.trajectory
    assert t.converged and not t.diverged and run.epochs < 100_000
    assert t.steps == run.epoch_ends[-1] == len(run.batch_gradients)
    np.testing.assert_allclose(t.final, [1.0, 2.0], atol=1e-12)


@pytest.mark.parametrize("batch_size", [0, -1, 81, 2.0, "16", None, True])
def test_bad_batch_size_is_a_clear_value_error(s, batch_size):
    x, y = _train(s)
    with pytest.raises(ValueError, match="batch size must be a whole number from 1 to 80"):
        minibatch_gradient_descent(x, y, s.start, 0.1, 2, batch_size=batch_size)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", None, True])
def test_bad_seed_is_a_clear_value_error(s, seed):
    x, y = _train(s)
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        minibatch_gradient_descent(x, y, s.start, 0.1, 2, batch_size=8, seed=seed)


@pytest.mark.parametrize("lr, epochs, match", [(0, 2, "learning rate"), (0.1, 0, "number of epochs"),
                                               (0.1, 2.5, "number of epochs")])
def test_bad_rate_or_epochs_is_a_clear_value_error(s, lr, epochs, match):
    x, y = _train(s)
    with pytest.raises(ValueError, match=match):
        minibatch_gradient_descent(x, y, s.start, lr, epochs, batch_size=8)


def test_too_many_steps_in_all_are_refused_before_any_work(s):
    x, y = _train(s)
    with pytest.raises(ValueError, match="epochs × 80 steps per epoch"):
        minibatch_gradient_descent(x, y, s.start, 0.1, 20_000, batch_size=1)


@pytest.mark.parametrize("x, y, start", [([], [], [0, 0]), ([1, 2], [1], [0, 0]), ([1, np.nan], [1, 2], [0, 0]),
                                         ([1, 2], [1, 2], [0, 0, 0]), ([1.0, 2.0], [1.0, 2.0], "ab")])
def test_bad_data_or_start_is_a_value_error_for_mini_batches(x, y, start):
    with pytest.raises(ValueError):
        minibatch_gradient_descent(x, y, start, 0.1, 2, batch_size=1)


@pytest.mark.parametrize("scale", [1e160, 1e300])
def test_mini_batch_inputs_whose_loss_overflows_are_a_value_error_without_warnings(scale):
    x, y = np.array([0.0, 1.0, 2.0]) * scale, np.array([1.0, 3.0, 5.0]) * scale
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="not finite"):
            minibatch_gradient_descent(x, y, [0.0, 0.0], 0.1, 2, batch_size=1)
