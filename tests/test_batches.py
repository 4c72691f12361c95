"""Chapter "Batch, mini-batch and stochastic gradient descent": the three runs, their numbers, their noise."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from gdsim import data
from gdsim.chapters import batches
from gdsim.chapters.learning_rate import RATES
from gdsim.descent import batches as cut_into_batches
from gdsim.descent import gradient_descent, minibatch_gradient_descent


@pytest.fixture(scope="module")
def train():
    s = data.original_split()
    return s.x_train, s.y_train


@pytest.fixture(scope="module")
def best(train):
    x, y = train
    solution, *_ = np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y, rcond=None)
    return solution


@pytest.fixture(scope="module")
def facts():
    return batches.facts()


def _mse(theta, x, y):
    return float(np.mean((theta[0] + theta[1] * x - y) ** 2))


def _point_gradients(theta, x, y):
    """Oracle: the gradient of each point's squared residual, 2·rᵢ·(1, xᵢ), written out by hand."""
    r = theta[0] + theta[1] * x - y
    return np.column_stack([2 * r, 2 * r * x])


def test_the_runs_are_the_chapters_settings_and_reproducible(train):
    """Seeded: a fresh run with the chapter's seed equals the cached one, bit for bit."""
    x, y = train
    start = data.random_start()
    assert RATES["small"] == batches.LR
    for method, size in zip(batches.METHODS, (len(x), batches.MINI_BATCH, 1)):
        cached = batches.run(method)
        fresh = minibatch_gradient_descent(x, y, start, batches.LR, batches.EPOCHS, size, seed=batches.SEED)
        assert cached.batch_size == size
        assert np.array_equal(cached.trajectory.params, fresh.trajectory.params)
        assert np.array_equal(cached.orders, fresh.orders)
        assert cached.epochs == batches.EPOCHS and not cached.trajectory.diverged


def test_the_full_batch_run_is_plain_gradient_descent(train):
    x, y = train
    plain = gradient_descent(x, y, data.random_start(), batches.LR, batches.EPOCHS)
    full = batches.run("full").trajectory
    assert np.array_equal(full.params, plain.params) and np.array_equal(full.losses, plain.losses)


def test_steps_per_epoch_and_in_all(facts, train):
    n = len(train[0])
    assert facts["batch_full_size"].value == n
    for key, size in (("full", n), ("mini", batches.MINI_BATCH), ("sgd", 1)):
        per_epoch = math.ceil(n / size)
        assert facts[f"batch_{key}_per_epoch"].value == per_epoch
        assert facts[f"batch_{key}_steps"].value == batches.EPOCHS * per_epoch
    assert (facts["batch_full_per_epoch"].value, facts["batch_sgd_per_epoch"].value) == (1, n)
    assert facts["batch_compare_steps"].value == facts["batch_full_steps"].value == batches.EPOCHS


def test_ragged_batches_of_the_exercise(facts, train):
    """Oracle: a real epoch cut into batches of 12, counted."""
    x, y = train
    run = minibatch_gradient_descent(x, y, data.random_start(), 0.1, 1, batches.RAGGED_BATCH, seed=0)
    sizes = [len(b) for b in cut_into_batches(run.orders[0], batches.RAGGED_BATCH)]
    assert facts["batch_ragged_per_epoch"].value == len(sizes) == math.ceil(len(x) / batches.RAGGED_BATCH)
    assert facts["batch_ragged_full"].value == sizes.count(batches.RAGGED_BATCH) == len(sizes) - 1
    assert facts["batch_ragged_last"].value == sizes[-1] < batches.RAGGED_BATCH


def test_final_losses_and_distances_to_the_least_squares_minimum(facts, train, best):
    x, y = train
    for key, method in (("full", "full"), ("mini", "mini"), ("sgd", "stochastic")):
        final = batches.run(method).trajectory.final
        assert facts[f"batch_{key}_loss"].value == pytest.approx(_mse(final, x, y), rel=1e-12)
        assert facts[f"batch_{key}_dist"].value == pytest.approx(np.hypot(*(final - best)), rel=1e-9)
    # the prose: per epoch, the smaller the batch the further it gets
    for what in ("loss", "dist"):
        assert facts[f"batch_sgd_{what}"].value < facts[f"batch_mini_{what}"].value < facts[f"batch_full_{what}"].value
    # one stochastic epoch beats ten full-batch ones
    one_epoch = minibatch_gradient_descent(x, y, data.random_start(), batches.LR, 1, 1, seed=batches.SEED)
    assert facts["batch_sgd_one_epoch_loss"].value == pytest.approx(_mse(one_epoch.trajectory.final, x, y))
    assert facts["batch_sgd_one_epoch_loss"].value < facts["batch_full_loss"].value
    assert facts["batch_sgd_one_epoch_dist"].value == pytest.approx(np.hypot(*(one_epoch.trajectory.final - best)))
    assert facts["batch_sgd_one_epoch_dist"].value < facts["batch_mini_dist"].value


def test_per_step_the_three_are_close_at_first(facts, train):
    """The prose: after the full batch's ten steps, none of the three is clearly ahead."""
    x, y = train
    k = facts["batch_compare_steps"].value
    values = []
    for key, method in (("full", "full"), ("mini", "mini"), ("sgd", "stochastic")):
        value = facts[f"batch_{key}_loss_at_compare"].value
        assert value == pytest.approx(_mse(batches.run(method).trajectory.params[k], x, y), rel=1e-12)
        values.append(value)
    assert max(values) / min(values) < 1.5


def test_while_every_residual_is_negative_every_batch_pulls_the_same_way(train):
    """The prose: the start's line lies below every point, so any batch's gradient points like the full one."""
    x, y = train
    run = batches.run("stochastic")
    t = run.trajectory
    checked = 0
    for k in range(t.steps):
        b, w = t.params[k]
        if np.all(b + w * x - y < 0):
            assert np.all(run.batch_gradients[k] < 0) and np.all(t.params[k + 1] > t.params[k])
            checked += 1
    assert checked >= 1


def test_noise_counts_and_last_epoch_range(facts, train):
    x, y = train
    full, mini, sgd = (batches.run(m).trajectory for m in batches.METHODS)
    assert facts["batch_full_rises"].value == np.count_nonzero(np.diff(full.losses) > 0) == 0, "the caption says none"
    assert facts["batch_mini_rises"].value == np.count_nonzero(np.diff(mini.losses) > 0)
    assert facts["batch_sgd_rises"].value == np.count_nonzero(np.diff(sgd.losses) > 0) > facts["batch_mini_rises"].value
    last = sgd.losses[-batches.run("stochastic").steps_per_epoch:]
    assert (facts["batch_sgd_last_low"].value, facts["batch_sgd_last_high"].value) == (last.min(), last.max())
    assert facts["batch_sgd_last_low"].value >= _mse(np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y,
                                                                     rcond=None)[0], x, y)
    assert facts["batch_sgd_last_near"].value <= facts["batch_sgd_dist"].value <= facts["batch_sgd_last_far"].value


def test_batch_noise_formula_against_every_batch_of_a_small_set(train):
    """Oracle: all C(8, B) batches of the first eight points, enumerated, at a point θ."""
    x, y = train[0][:8], train[1][:8]
    theta = np.array([0.8, 1.5])
    points = _point_gradients(theta, x, y)
    full = points.mean(axis=0)
    for size in range(1, 9):
        spread = [np.sum((points[list(c)].mean(axis=0) - full) ** 2) for c in itertools.combinations(range(8), size)]
        assert batches.batch_noise_rms(theta, x, y, size) == pytest.approx(math.sqrt(np.mean(spread)), rel=1e-12,
                                                                          abs=1e-15)
    assert batches.batch_noise_rms(theta, x, y, 8) == 0


def test_noise_at_the_minimum(facts, train, best):
    x, y = train
    points = _point_gradients(best, x, y)
    np.testing.assert_allclose(points.mean(axis=0), 0, atol=1e-12)  # ∇L = 0 at the minimum
    rms = math.sqrt(np.mean(np.sum(points**2, axis=1)))
    n, size = len(x), batches.MINI_BATCH
    assert facts["batch_point_noise"].value == pytest.approx(rms, rel=1e-9)
    assert facts["batch_mini_noise"].value == pytest.approx(rms * math.sqrt((n - size) / (size * (n - 1))), rel=1e-9)
    assert facts["batch_noise_ratio"].value == pytest.approx(math.sqrt(size * (n - 1) / (n - size)), rel=1e-9)
    assert facts["batch_sgd_jitter"].value == pytest.approx(batches.LR * rms, rel=1e-9)
    assert facts["batch_mini_jitter"].value == pytest.approx(batches.LR * facts["batch_mini_noise"].value, rel=1e-9)


def test_the_figures_share_one_map_window_that_holds_every_path(best):
    paths, opening = batches.paths_view(), batches.opening_movie()
    grid = paths.window.grid
    assert opening.window is paths.window
    for path in paths.paths:
        assert grid.b[0] <= path.params[:, 0].min() and path.params[:, 0].max() <= grid.b[-1]
        assert grid.w[0] <= path.params[:, 1].min() and path.params[:, 1].max() <= grid.w[-1]
    assert grid.b[0] < best[0] < grid.b[-1] and grid.w[0] < best[1] < grid.w[-1]
    i, j = len(grid.w) // 3, len(grid.b) // 2
    s = data.original_split()
    assert grid.loss[i, j] == pytest.approx(_mse([grid.b[j], grid.w[i]], s.x_train, s.y_train), rel=1e-12)


def test_the_loss_figure_holds_every_loss_on_one_axis():
    view = batches.loss_view()
    low, high = view.loss_range
    assert low < view.solution_loss
    for path in view.paths:
        assert low <= path.losses.min() and path.losses.max() <= high
        np.testing.assert_array_equal(path.epoch_ends, np.arange(batches.EPOCHS + 1) * path.steps_per_epoch)
        assert path.epoch_of_step[-1] == batches.EPOCHS


def test_the_opening_animation_is_the_mini_batch_runs_first_epochs(facts, train):
    x, y = train
    movie = batches.opening_movie()
    run = batches.run("mini")
    steps = batches.OPENING_EPOCHS * run.steps_per_epoch
    assert movie.frames == steps + 1 == len(movie.lines) == len(movie.batches) + 1
    np.testing.assert_array_equal(movie.path.params, run.trajectory.params[: steps + 1])
    for k in (0, steps // 2, steps - 1):
        np.testing.assert_array_equal(movie.batches[k], run.batch(k))
        assert len(movie.batches[k]) == batches.MINI_BATCH
    for k in (0, steps):
        b, w = movie.path.params[k]
        np.testing.assert_allclose(movie.lines[k], b + w * movie.line_x, rtol=1e-12)
    assert facts["batch_opening_steps"].value == steps
    # the prose: every batch of the animation raises w; they disagree about b
    slopes = run.batch_gradients[:steps]
    assert np.all(slopes[:, 1] < 0) and np.any(slopes[:, 0] < 0) and np.any(slopes[:, 0] > 0)
    # and the last frame's line is still too flat: above the points at x = 0, below them at x = 1
    assert movie.lines[-1][0] > y[x < 0.1].max() and movie.lines[-1][1] < y[x > 0.9].min()
    assert facts["batch_opening_loss"].value == pytest.approx(_mse(movie.path.params[-1], x, y), rel=1e-12)


def test_an_unknown_method_is_a_value_error():
    with pytest.raises(ValueError, match="unknown method"):
        batches.batch_size("huge")
