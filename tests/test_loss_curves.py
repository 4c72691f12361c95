"""Chapter "Reading the loss curve": the four rates, the shapes of their curves, the noise, the ratio."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from gdsim import network, search, sgd, workload
from gdsim.chapters import loss_curves as lc
from gdsim.draw import style
from gdsim.network import Network


@pytest.fixture(scope="module")
def facts():
    return lc.facts()


@pytest.fixture(scope="module")
def data():
    return workload.data()


@pytest.fixture(scope="module")
def runs():
    return {kind: lc.run(lr) for kind, lr in lc.rates().items()}


def test_the_workload_numbers(facts, data):
    n_train, n_val = len(data.y_train), len(data.y_val)
    assert facts["curves_images"].value == n_train + n_val == 1797
    assert facts["curves_n_val"].value == round(0.2 * 1797)
    # 64 → 32 → 10: V (64 × 32), a (32), W (32 × 10), c (10)
    assert facts["curves_params"].value == 64 * 32 + 32 + 32 * 10 + 10
    assert facts["curves_softmax_params"].value == 64 * 10 + 10
    assert facts["curves_per_epoch"].value == math.ceil(n_train / 32)
    assert facts["curves_last_batch"].value == n_train - 32 * (facts["curves_per_epoch"].value - 1)
    assert facts["curves_chance_loss"].value == pytest.approx(math.log(10))
    # the start is near chance: scores start small
    assert abs(facts["curves_start_loss"].value - math.log(10)) < 0.1
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0, atol=1e-12)  # standardized with training statistics


def test_the_four_rates_follow_their_rules(runs):
    """Oracle for "good": the shared grid search over the same grid; the others from each run's flag."""
    lrs, chosen = lc.grid(), lc.rates()
    np.testing.assert_allclose(lrs, np.logspace(-2, 1, 13))
    assert chosen["good"] == search.grid_search(workload.MLP, workload.data(), lrs, lc.EPOCHS).best_lr
    diverged = {float(lr): lc.run(float(lr)).diverged for lr in lrs}
    assert diverged[chosen["very high"]] and not any(d for lr, d in diverged.items() if lr < chosen["very high"])
    below = [lr for lr in diverged if lr < chosen["very high"]]
    assert chosen["high"] == max(below) and chosen["good"] < chosen["high"]
    assert chosen["low"] == pytest.approx(chosen["good"] / 100)
    assert [runs[k].diverged for k in lc.KINDS] == [True, False, False, False]


def _sgd_oracle(lr, epochs, limit):
    """Mini-batch SGD written out again, under raised floating-point errors: (batch losses, params)."""
    net, d = workload.MLP, workload.data()
    params, rng, losses = network.initial(net, workload.SEED), np.random.default_rng(workload.SEED), []
    for _ in range(epochs):
        order = rng.permutation(len(d.y_train))
        for start in range(0, len(order), workload.BATCH_SIZE):
            rows = order[start:start + workload.BATCH_SIZE]
            value, grad = network.loss_and_gradient(net, params, d.x_train[rows], d.y_train[rows])
            losses.append(value)
            if value > limit:
                return np.array(losses), params
            params = params - lr * grad
    return np.array(losses), params


def test_the_very_high_rate_is_stopped_cleanly_with_only_finite_values(runs, facts):
    very_high = runs["very high"]
    limit = sgd.BLOWUP * very_high.epoch_train_loss[0]
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        losses, params = _sgd_oracle(lc.rates()["very high"], lc.EPOCHS, limit)
        fresh = lc.run.__wrapped__(lc.rates()["very high"])
        stop = lc.stop_loss(fresh)
    # the run stopped at the first batch over the line, in the first epoch, before taking that step
    assert losses[-1] > limit and np.all(losses[:-1] <= limit)
    assert fresh.steps == very_high.steps == len(losses) - 1 < lc.steps_per_epoch()
    np.testing.assert_allclose(very_high.step_loss, losses[:-1], rtol=1e-12)
    np.testing.assert_allclose(very_high.params, params, rtol=1e-12)
    for values in (very_high.step_loss, very_high.update_ratio, very_high.epoch_train_loss, very_high.params):
        assert np.all(np.isfinite(values))
    assert len(very_high.epoch_train_loss) == 1  # no epoch finished
    # the batch loss rose at every step it took, and where it stopped the training loss is over the line
    assert np.all(np.diff(losses) > 0)
    assert stop > limit and facts["curves_vh_stop_loss"].value == pytest.approx(stop)
    assert facts["curves_vh_steps"].value == very_high.steps


def test_left_to_run_the_very_high_rate_stays_finite_but_ends_worse(facts, runs):
    free = lc.unstopped(lc.rates()["very high"])
    assert not free.diverged and free.steps == lc.EPOCHS * lc.steps_per_epoch()
    assert np.all(np.isfinite(free.step_loss)) and np.all(np.isfinite(free.params))
    np.testing.assert_allclose(free.step_loss[: runs["very high"].steps], runs["very high"].step_loss)
    assert facts["curves_free_peak"].value == pytest.approx(free.step_loss.max())
    assert free.step_loss.max() > sgd.BLOWUP * free.epoch_train_loss[0]  # the stop would have fired
    assert free.epoch_val_loss[-1] > 2 * runs["good"].epoch_val_loss[-1]


def test_the_shapes_of_the_curves(runs, facts):
    high, good, low = runs["high"], runs["good"], runs["low"]
    rises = lambda curve: int(np.count_nonzero(np.diff(curve) > 0))  # noqa: E731
    # good: falls at every epoch; high: ragged, and its final losses are worse
    assert rises(good.epoch_train_loss) == 0 < rises(high.epoch_train_loss)
    assert high.epoch_train_loss[-1] > good.epoch_train_loss[-1]
    assert high.epoch_val_loss[-5:].mean() > 2 * good.epoch_val_loss[-5:].mean()
    assert high.epoch_val_loss[-1] > good.epoch_val_loss[-1]
    # the sketch's "high drops faster at first" does not hold here, as the page says
    assert high.epoch_train_loss[1] > good.epoch_train_loss[1]
    # low: falls at every epoch, still falling at the end, and far behind
    assert np.all(np.diff(low.epoch_train_loss) < 0) and np.all(np.diff(low.epoch_val_loss) < 0)
    assert low.epoch_train_loss[-1] > 10 * good.epoch_train_loss[-1]
    assert facts["curves_low_last_drop"].value == pytest.approx(
        100 * (low.epoch_train_loss[-2] - low.epoch_train_loss[-1]) / low.epoch_train_loss[-2])
    k = facts["curves_low_caught"].value
    assert good.epoch_train_loss[k] <= low.epoch_train_loss[-1] < good.epoch_train_loss[k - 1]
    # good is best on validation among the four and over-fits a little at the end
    assert good.epoch_val_loss[-1] == min(r.final_val_loss for r in runs.values())
    best = int(np.argmin(good.epoch_val_loss))
    assert 0 < best < lc.EPOCHS and facts["curves_good_val_min_epoch"].value == best
    assert good.epoch_val_loss[-1] > good.epoch_val_loss[best] and good.epoch_val_loss[-1] > 10 * good.epoch_train_loss[-1]
    # the accuracy, counted independently
    d = workload.data()
    right = np.count_nonzero(network.scores(workload.MLP, good.params, d.x_val).argmax(axis=1) == d.y_val)
    assert facts["curves_good_accuracy"].value == pytest.approx(100 * right / len(d.y_val))
    assert facts["curves_good_errors"].value == len(d.y_val) - right


def test_trailing_mean_against_a_loop():
    values = np.random.default_rng(1).normal(size=50)
    for window in (1, 7, 50, 80):
        expected = [values[max(0, k + 1 - window): k + 1].mean() for k in range(len(values))]
        np.testing.assert_allclose(lc.trailing_mean(values, window), expected, rtol=1e-12)
    with pytest.raises(ValueError, match="window"):
        lc.trailing_mean(values, 0)


def test_batch_loss_spread_against_random_batches(runs):
    """Oracle: 20,000 batches drawn without replacement, their losses' RMS gap to the full loss."""
    d, params = workload.data(), runs["low"].params
    full = network.loss(workload.MLP, params, d.x_train, d.y_train)
    rng = np.random.default_rng(7)
    gaps = [network.loss(workload.MLP, params, d.x_train[rows], d.y_train[rows]) - full
            for rows in (rng.choice(len(d.y_train), 32, replace=False) for _ in range(20_000))]
    assert lc.batch_loss_spread(params, 32) == pytest.approx(math.sqrt(np.mean(np.square(gaps))), rel=0.03)
    assert lc.batch_loss_spread(params, len(d.y_train)) == 0


def test_update_ratio_of_the_first_step_by_hand(runs, facts):
    """Oracle: the first step of the good run, recomputed: ‖η g_W‖ / ‖W‖ after the step, weights only."""
    net, d, lr = workload.MLP, workload.data(), lc.rates()["good"]
    params = network.initial(net, workload.SEED)
    rows = np.random.default_rng(workload.SEED).permutation(len(d.y_train))[:32]
    _, grad = network.loss_and_gradient(net, params, d.x_train[rows], d.y_train[rows])
    V, _, W, _ = net.unpack(params - lr * grad)
    gV, _, gW, _ = net.unpack(grad)
    ratio = lr * math.hypot(np.linalg.norm(gV), np.linalg.norm(gW)) / math.hypot(np.linalg.norm(V), np.linalg.norm(W))
    assert runs["good"].update_ratio[0] == pytest.approx(ratio, rel=1e-12)
    assert facts["curves_good_ratio_start"].value == pytest.approx(ratio)
    assert facts["curves_good_ratio"].value == pytest.approx(np.median(runs["good"].update_ratio))
    # the page's reading: the very high ratio is near 1, the good one falls through the rule of thumb,
    # and the low rate's median is above the good one's
    assert runs["very high"].update_ratio.max() > 0.5
    assert runs["good"].update_ratio[0] > 100 * lc.RULE_OF_THUMB > 100 * np.median(runs["good"].update_ratio[-45:])
    assert np.median(runs["low"].update_ratio) > np.median(runs["good"].update_ratio)
    k = facts["curves_good_ratio_below"].value
    smooth = lc.trailing_mean(runs["good"].update_ratio, 45)
    assert smooth[k] <= lc.RULE_OF_THUMB < smooth[:k].min()


@pytest.mark.parametrize("net", [Network(6, 3), Network(6, 3, hidden=4)], ids=["softmax", "hidden"])
def test_back_propagation_against_central_differences(net):
    rng = np.random.default_rng(3)
    x, labels = rng.normal(size=(9, 6)), rng.integers(0, 3, size=9)
    params = network.initial(net, 5) + 0.1 * rng.normal(size=net.size)
    value, grad = network.loss_and_gradient(net, params, x, labels)
    assert value == pytest.approx(network.loss(net, params, x, labels), rel=1e-12)
    h = 1e-6
    for i in range(net.size):
        e = np.zeros(net.size)
        e[i] = h
        fd = (network.loss(net, params + e, x, labels) - network.loss(net, params - e, x, labels)) / (2 * h)
        assert grad[i] == pytest.approx(fd, rel=1e-5, abs=1e-8)


def test_the_figures_axes_hold_every_curve():
    view = lc.curves_view()
    low, high = view.epoch_range
    for c in view.curves:
        assert low <= c.train.min() and c.train.max() <= high and low <= c.val.min() and c.val.max() <= high
        assert view.step_range[0] <= c.step_loss.min() and c.step_loss.max() <= view.step_range[1]
        assert (c.stop is not None) == c.diverged
    stop = view.curves[0].stop
    assert stop[1] < high and view.blowup_limit < stop[1]


@pytest.mark.parametrize("asset", lc.ASSETS, ids=[a.name for a in lc.ASSETS])
def test_figures_have_no_colliding_labels(asset):
    for layout in style.LAYOUTS:
        fig = asset.build(layout)
        assert style.text_overlaps(fig) == [], (asset.name, layout.name)
        assert style.texts_over_lines(fig, draw=False, pad_px=2) == [], (asset.name, layout.name)


def test_bad_input_is_a_value_error():
    lrs = np.array([0.1, 1.0, 10.0])
    with pytest.raises(ValueError, match="increasing"):
        lc.pick_rates(lrs[::-1], [1, 2, 3], [False, False, True])
    with pytest.raises(ValueError, match="blew up and rates that did not"):
        lc.pick_rates(lrs, [1, 2, 3], [False, False, False])
    with pytest.raises(ValueError, match="between the good one"):
        lc.pick_rates(lrs, [3, 1, np.inf], [False, False, True])
    with pytest.raises(ValueError, match="not on the grid"):
        lc.pick_rates(np.array([0.1, 1, 2, 10]), [2, 1, 3, np.inf], [False, False, False, True])
    with pytest.raises(ValueError, match="at least three"):
        lc.pick_rates(lrs[:2], [1, 2], [False, True])
    with pytest.raises(ValueError, match="learning rate"):
        lc.run(-1.0)
    with pytest.raises(ValueError, match="kind"):
        lc.curve("medium")
    with pytest.raises(ValueError, match="never reaches"):
        lc.first_at_most(np.array([3.0, 2.0]), 1.0)
