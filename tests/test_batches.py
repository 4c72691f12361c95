"""Chapter "Batch, mini-batch and stochastic gradient descent": the three runs, their numbers, their noise."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from gdsim import data, paired
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


def _reference_run(x, y, start, lr, epochs, size, seed):
    """Oracle: mini-batch descent written out here, θ after every step. Each epoch shuffles with
    default_rng(seed).permutation, cuts the order into consecutive batches of ``size`` (each taken
    in the data's own order) and steps θ ← θ − η·(2·mean(r), 2·mean(r·x)) over the batch."""
    rng = np.random.default_rng(seed)
    theta, out = np.array(start, dtype=float), [np.array(start, dtype=float)]
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for i in range(0, len(x), size):
            batch = np.sort(order[i : i + size])
            r = theta[0] + theta[1] * x[batch] - y[batch]
            theta = theta - lr * np.array([2 * np.mean(r), 2 * np.mean(r * x[batch])])
            out.append(theta)
    return np.array(out)


@pytest.fixture(scope="module")
def oracle(train):
    """The reference loop's paths for every method, every seed of paired.SEEDS, at LR (and SGD at HALF_LR)."""
    x, y = train
    sizes = {"full": len(x), "mini": batches.MINI_BATCH, "stochastic": 1}
    paths = {(m, seed, batches.LR): _reference_run(x, y, data.random_start(), batches.LR, batches.EPOCHS, size, seed)
             for m, size in sizes.items() for seed in paired.SEEDS}
    for seed in paired.SEEDS:
        paths["stochastic", seed, batches.HALF_LR] = _reference_run(x, y, data.random_start(), batches.HALF_LR,
                                                                     batches.EPOCHS, 1, seed)
    return paths


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


def test_seed_zeros_runs_where_the_map_shows_them(facts, train, best):
    """The map's runs are seed 0's: their final distances to the least-squares minimum."""
    x, y = train
    assert batches.SEED == paired.SEEDS[0] == facts["batch_seed"].value
    assert facts["batch_seed_last"].value == paired.SEEDS[-1]
    for key, method in (("full", "full"), ("mini", "mini"), ("sgd", "stochastic")):
        final = batches.run(method).trajectory.final
        assert facts[f"batch_{key}_dist"].value == pytest.approx(np.hypot(*(final - best)), rel=1e-9)
    assert facts["batch_full_loss"].value == pytest.approx(_mse(batches.run("full").trajectory.final, x, y))
    assert facts["batch_mini_loss"].value == pytest.approx(_mse(batches.run("mini").trajectory.final, x, y))
    one_epoch = minibatch_gradient_descent(x, y, data.random_start(), batches.LR, 1, 1, seed=batches.SEED)
    assert facts["batch_sgd_one_epoch_dist"].value == pytest.approx(np.hypot(*(one_epoch.trajectory.final - best)))


def test_the_chapters_runs_are_the_reference_loop_on_every_seed(oracle):
    """Oracle: the loop written in this file, for every method and every paired seed."""
    for (method, seed, lr), path in oracle.items():
        np.testing.assert_allclose(batches.run(method, seed, lr=lr).trajectory.params, path, rtol=1e-12, atol=1e-14)
    # the full batch is one run whatever the seed; the others are not
    assert all(np.array_equal(oracle["full", s, batches.LR], oracle["full", 0, batches.LR]) for s in paired.SEEDS)
    assert not np.allclose(oracle["mini", 0, batches.LR][-1], oracle["mini", 1, batches.LR][-1])


def _over_seeds(oracle, method, measure, lr=batches.LR):
    return np.array([measure(oracle[method, seed, lr]) for seed in paired.SEEDS])


def _mean_sd(facts, name, values, rel=1e-9):
    assert facts[f"{name}_mean"].value == pytest.approx(np.mean(values), rel=rel)
    assert facts[f"{name}_sd"].value == pytest.approx(np.std(values, ddof=1), rel=rel)


def test_final_losses_over_the_seeds_with_their_wins(facts, train, best, oracle):
    """Mean ± sample sd and wins per seed, from the reference loop's runs: per epoch the smaller
    batch is ahead (the page's captions say they win)."""
    x, y = train
    assert facts["batch_seed_count"].value == len(paired.SEEDS) >= 5
    loss = {m: _over_seeds(oracle, m, lambda p: _mse(p[-1], x, y)) for m in batches.METHODS}
    np.testing.assert_allclose(loss["full"], facts["batch_full_loss"].value, rtol=1e-12)
    _mean_sd(facts, "batch_mini_loss", loss["mini"])
    _mean_sd(facts, "batch_sgd_loss", loss["stochastic"])
    assert facts["batch_mini_beats_full"].value == np.count_nonzero(loss["mini"] < loss["full"]) == len(paired.SEEDS)
    assert facts["batch_sgd_beats_mini"].value == np.count_nonzero(loss["stochastic"] < loss["mini"]) \
        == len(paired.SEEDS)
    dist = {m: _over_seeds(oracle, m, lambda p: np.hypot(*(p[-1] - best))) for m in batches.METHODS}
    _mean_sd(facts, "batch_mini_dist", dist["mini"])
    _mean_sd(facts, "batch_sgd_dist", dist["stochastic"])
    # the caption: of these three, the smaller the batch the further the path gets, on every seed
    assert dist["stochastic"].max() < dist["mini"].min() and dist["mini"].max() < dist["full"].min()
    # one stochastic epoch (the first 80 steps of the same runs) against ten full-batch ones
    n = len(x)
    one = _over_seeds(oracle, "stochastic", lambda p: _mse(p[n], x, y))
    _mean_sd(facts, "batch_sgd_one_epoch_loss", one)
    _mean_sd(facts, "batch_sgd_one_epoch_dist", _over_seeds(oracle, "stochastic", lambda p: np.hypot(*(p[n] - best))))
    assert facts["batch_sgd_one_epoch_beats_full"].value == np.count_nonzero(one < loss["full"]) == len(paired.SEEDS)


def test_per_step_the_smaller_batches_are_not_ahead_at_first(facts, train, oracle):
    """The prose: after the full batch's ten steps the mini-batch keeps pace, the stochastic run is
    behind on most seeds, and its band is wide from the first step."""
    x, y = train
    k = facts["batch_compare_steps"].value
    full = _mse(oracle["full", 0, batches.LR][k], x, y)
    assert facts["batch_full_loss_at_compare"].value == pytest.approx(full, rel=1e-12)
    mini = _over_seeds(oracle, "mini", lambda p: _mse(p[k], x, y))
    sgd = _over_seeds(oracle, "stochastic", lambda p: _mse(p[k], x, y))
    _mean_sd(facts, "batch_mini_loss_at_compare", mini)
    _mean_sd(facts, "batch_sgd_loss_at_compare", sgd)
    assert (facts["batch_sgd_loss_at_compare_low"].value, facts["batch_sgd_loss_at_compare_high"].value) == \
        pytest.approx((sgd.min(), sgd.max()))
    assert facts["batch_mini_ahead_at_compare"].value == np.count_nonzero(mini < full) <= len(paired.SEEDS) // 2
    assert facts["batch_sgd_ahead_at_compare"].value == np.count_nonzero(sgd < full) <= len(paired.SEEDS) // 2
    assert np.all(np.abs(mini / full - 1) < 0.1), "the mini-batch keeps pace"
    full_path = [_mse(t, x, y) for t in oracle["full", 0, batches.LR][: k + 1]]
    for seed in paired.SEEDS:
        mini_path = [_mse(t, x, y) for t in oracle["mini", seed, batches.LR][: k + 1]]
        assert np.all(np.abs(np.divide(mini_path, full_path) - 1) < 0.35), "within a third at every early step"
    first = _over_seeds(oracle, "stochastic", lambda p: _mse(p[1], x, y))
    assert first.max() / first.min() > 3, "the stochastic band is wide from the first step"


def test_noise_over_the_seeds(facts, train, best, oracle):
    """Rises, the last epoch's range and step length, and how far SGD wanders at η and η/2."""
    x, y = train
    n = len(x)

    def losses(p):
        return np.array([_mse(t, x, y) for t in p])

    def rises(p):
        return np.count_nonzero(np.diff(losses(p)) > 0)

    _mean_sd(facts, "batch_mini_rises", _over_seeds(oracle, "mini", rises))
    sgd_rises = _over_seeds(oracle, "stochastic", rises)
    _mean_sd(facts, "batch_sgd_rises", sgd_rises)
    assert sgd_rises.min() > _over_seeds(oracle, "mini", rises).max()
    last = [losses(oracle["stochastic", seed, batches.LR])[-n:] for seed in paired.SEEDS]
    assert facts["batch_sgd_last_low"].value == pytest.approx(min(v.min() for v in last))
    assert facts["batch_sgd_last_high"].value == pytest.approx(max(v.max() for v in last))
    assert facts["batch_sgd_last_low"].value >= _mse(best, x, y)
    step_rms = _over_seeds(oracle, "stochastic", lambda p: math.sqrt(np.mean(np.sum(np.diff(p[-n - 1:], axis=0) ** 2,
                                                                                      axis=1))))
    _mean_sd(facts, "batch_sgd_step_rms", step_rms)
    # the prose: about η times the noise at θ*, a little longer
    assert facts["batch_sgd_jitter"].value < step_rms.mean() < 1.5 * facts["batch_sgd_jitter"].value
    wander = {lr: _over_seeds(oracle, "stochastic", lambda p: np.mean(np.hypot(*(p[-n:] - best).T)), lr=lr)
              for lr in (batches.LR, batches.HALF_LR)}
    _mean_sd(facts, "batch_sgd_wander", wander[batches.LR])
    _mean_sd(facts, "batch_sgd_wander_half", wander[batches.HALF_LR])
    assert facts["batch_half_lr"].value == batches.LR / 2
    closer = np.count_nonzero(wander[batches.HALF_LR] < wander[batches.LR])
    assert facts["batch_half_lr_closer"].value == closer >= len(paired.SEEDS) - 1, "the region grows with η"


def test_smaller_is_not_better_without_end(facts, train, best):
    """Batches of SMALL_BATCH, from the reference loop on every seed: near the floor after ten
    epochs, below the stochastic runs, with the noise the formula gives."""
    x, y = train
    n, size = len(x), batches.SMALL_BATCH
    assert 1 < size < batches.MINI_BATCH and facts["batch_small_size"].value == size
    assert facts["batch_small_per_epoch"].value == math.ceil(n / size)
    small, sgd = (np.array([_mse(_reference_run(x, y, data.random_start(), batches.LR, batches.EPOCHS, b, seed)[-1],
                                 x, y) for seed in paired.SEEDS]) for b in (size, 1))
    _mean_sd(facts, "batch_small_loss", small)
    assert facts["batch_small_beats_sgd"].value == np.count_nonzero(small < sgd) >= len(paired.SEEDS) - 1
    assert small.mean() < 1.25 * _mse(best, x, y), "down the valley in ten epochs"
    # noise per step: √B·√((n − 1)/(n − B)) times less than one point's
    assert facts["batch_small_noise_ratio"].value == pytest.approx(math.sqrt(size * (n - 1) / (n - size)), rel=1e-9)


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
    assert facts["batch_full_rises"].value == np.count_nonzero(np.diff(full.losses) > 0) == 0, "the text says never"
    far = np.hypot(*(sgd.params - np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y, rcond=None)[0]).T)
    last = far[-batches.run("stochastic").steps_per_epoch:]
    assert (facts["batch_sgd_last_near"].value, facts["batch_sgd_last_far"].value) == pytest.approx((last.min(),
                                                                                                      last.max()))
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


def test_the_figures_share_one_map_window_that_holds_every_path(best, oracle):
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
    # every seed's end, per method, as the reference loop puts it, inside the window
    assert paths.seeds == paired.SEEDS
    for method, ends in zip(batches.METHODS, paths.ends):
        expected = np.array([oracle[method, seed, batches.LR][-1] for seed in paired.SEEDS])
        np.testing.assert_allclose(ends, expected, rtol=1e-12, atol=1e-14)
        assert np.all((grid.b[0] <= ends[:, 0]) & (ends[:, 0] <= grid.b[-1]))
        assert np.all((grid.w[0] <= ends[:, 1]) & (ends[:, 1] <= grid.w[-1]))


def test_the_loss_figure_holds_every_loss_on_one_axis(train, oracle):
    x, y = train
    view = batches.loss_view()
    low, high = view.loss_range
    assert low < view.solution_loss and view.seeds == paired.SEEDS
    for path, band in zip(view.paths, view.bands):
        assert band.method == path.method
        assert low <= band.low.min() and band.high.max() <= high
        assert np.all(band.low <= path.losses) and np.all(path.losses <= band.high)
        np.testing.assert_array_equal(path.epoch_ends, np.arange(batches.EPOCHS + 1) * path.steps_per_epoch)
        assert path.epoch_of_step[-1] == batches.EPOCHS
        # the band: the lowest and highest full loss over the reference loop's seeds, after every step
        every = np.array([[_mse(t, x, y) for t in oracle[path.method, seed, batches.LR]] for seed in paired.SEEDS])
        np.testing.assert_allclose(band.low, every.min(axis=0), rtol=1e-9)
        np.testing.assert_allclose(band.high, every.max(axis=0), rtol=1e-9)


def test_the_map_keeps_equal_aspect():
    """A parameter map: one unit of b is drawn as long as one unit of w, in both layouts."""
    from gdsim.draw import batches as draw
    from gdsim.draw.style import COLUMN, PHONE

    for layout in (COLUMN, PHONE):
        fig = draw.paths(batches.paths_view(), layout)
        assert fig.axes[0].get_aspect() == 1.0


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


def test_an_unknown_method_or_a_bad_seed_is_a_value_error():
    with pytest.raises(ValueError, match="unknown method"):
        batches.batch_size("huge")
    with pytest.raises(ValueError, match="unknown method"):
        batches.run("huge")
    with pytest.raises(ValueError, match="seed"):
        batches.run("mini", -1)


def test_sgd_at_a_smaller_rate_catches_up_with_the_small_batches(facts, train):
    """Oracle: the reference loop for SGD at SLOW_LR and batches of SMALL_BATCH at LR on every seed;
    final losses and last-epoch mean losses, with wins per seed."""
    x, y = train
    n = len(x)
    assert facts["batch_slow_lr"].value == batches.SLOW_LR < batches.HALF_LR
    slow = [_reference_run(x, y, data.random_start(), batches.SLOW_LR, batches.EPOCHS, 1, s) for s in paired.SEEDS]
    small = [_reference_run(x, y, data.random_start(), batches.LR, batches.EPOCHS, batches.SMALL_BATCH, s)
             for s in paired.SEEDS]
    per_epoch = math.ceil(n / batches.SMALL_BATCH)
    slow_final = np.array([_mse(p[-1], x, y) for p in slow])
    small_final = np.array([_mse(p[-1], x, y) for p in small])
    slow_last = np.array([np.mean([_mse(t, x, y) for t in p[-n:]]) for p in slow])
    small_last = np.array([np.mean([_mse(t, x, y) for t in p[-per_epoch:]]) for p in small])
    _mean_sd(facts, "batch_sgd_slow_loss", slow_final)
    _mean_sd(facts, "batch_sgd_slow_last", slow_last)
    _mean_sd(facts, "batch_small_last", small_last)
    assert facts["batch_sgd_slow_beats_small"].value == np.count_nonzero(slow_final < small_final)
    assert facts["batch_sgd_slow_last_beats_small"].value == np.count_nonzero(slow_last < small_last) \
        == len(paired.SEEDS), "caught up: lower last-epoch loss on every seed"
    # the final losses are a tie: neither is lower on every seed
    assert 0 < np.count_nonzero(slow_final < small_final) < len(paired.SEEDS)


def test_on_the_standardized_bowl_smaller_batches_buy_little(facts):
    """Oracle: the reference loop on the standardized feature, every method and seed at LR."""
    s = data.original_split()
    mean, std = s.x_train.mean(), s.x_train.std()
    x, y = (s.x_train - mean) / std, s.y_train
    start = batches.scenarios.get("standardized").start
    np.testing.assert_allclose(batches.scenarios.get("standardized").split.x_train, x, rtol=1e-12)
    sizes = {"full": len(x), "mini": batches.MINI_BATCH, "stochastic": 1}
    loss = {m: np.array([_mse(_reference_run(x, y, start, batches.LR, batches.EPOCHS, size, seed)[-1], x, y)
                         for seed in paired.SEEDS]) for m, size in sizes.items()}
    np.testing.assert_allclose(loss["full"], facts["batch_std_full_loss"].value, rtol=1e-9)
    _mean_sd(facts, "batch_std_mini_loss", loss["mini"])
    _mean_sd(facts, "batch_std_sgd_loss", loss["stochastic"])
    assert facts["batch_std_mini_beats_full"].value == np.count_nonzero(loss["mini"] < loss["full"])
    assert facts["batch_std_sgd_beats_full"].value == np.count_nonzero(loss["stochastic"] < loss["full"]) == 0
    assert np.all(np.abs(loss["mini"] / loss["full"] - 1) < 0.05), "the mini-batch buys little"
