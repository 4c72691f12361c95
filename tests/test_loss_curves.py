"""Chapter "Reading the loss curve": the four rates over the seeds, the shapes of their curves, the
noise, the ratio, and the good rate chosen from the seed-averaged curve."""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from gdsim import network, reference, sgd, workload
from gdsim.chapters import loss_curves as lc
from gdsim.draw import style
from gdsim.network import Network

PAGE = Path(__file__).resolve().parent.parent / "docs" / "loss-curves.md"


@pytest.fixture(scope="module")
def facts():
    return lc.facts()


@pytest.fixture(scope="module")
def data():
    return workload.data()


@pytest.fixture(scope="module")
def runs():
    """Seed 0's run of each kind: the curves the figures draw."""
    return {kind: reference.run(lr, 0) for kind, lr in lc.rates().items()}


@pytest.fixture(scope="module")
def table():
    """Every rate of the grid on every seed, read straight from the stored runs: (val loss, blew up)."""
    lrs = np.logspace(-2, 1, 13)
    results = [[reference.run(float(lr), seed) for lr in lrs] for seed in (0, 1, 2, 3, 4)]
    val = np.array([[math.inf if r.diverged else r.epoch_val_loss[-1] for r in row] for row in results])
    return lrs, val, np.array([[r.diverged for r in row] for row in results])


def by_seed(kind, measure):
    """``measure`` of one kind's run on seeds 0 to 4, in a loop of the test's own."""
    return np.array([measure(reference.run(lc.rates()[kind], seed)) for seed in range(5)])


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
    assert facts["curves_seeds"].value == 5 and lc.SEEDS == (0, 1, 2, 3, 4)
    # the start is near chance: scores start small
    assert abs(facts["curves_start_loss"].value - math.log(10)) < 0.1
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0, atol=1e-12)  # standardized with training statistics


def test_the_reference_rate_is_the_lowest_mean_over_the_seeds(table, facts):
    """Oracle: the mean over seeds of the stored runs' final validation losses, taken here with numpy."""
    lrs, val, _ = table
    np.testing.assert_allclose(lc.grid(), lrs)
    mean = val.mean(axis=0)  # inf wherever a seed blew up
    assert lc.rates()["good"] == reference.rate() == pytest.approx(lrs[np.argmin(mean)])
    assert facts["curves_good_val_mean"].value == pytest.approx(mean.min())
    assert facts["curves_good_val_sd"].value == pytest.approx(np.std(val[:, np.argmin(mean)], ddof=1))
    # a run's final validation loss is the real cross-entropy of its last parameters on the validation images
    d, r = workload.data(), reference.run(reference.rate(), 3)
    assert r.final_val_loss == pytest.approx(network.loss(workload.MLP, r.params, d.x_val, d.y_val), rel=1e-12)


def test_the_four_rates_follow_their_rules(table, runs):
    lrs, _, blew = table
    chosen = lc.rates()
    always, ever = blew.all(axis=0), blew.any(axis=0)
    assert chosen["very high"] == pytest.approx(lrs[always][0])
    assert chosen["high"] == pytest.approx(max(lr for lr, b in zip(lrs, ever) if not b and lr < chosen["very high"]))
    assert chosen["low"] == pytest.approx(chosen["good"] / 100)
    assert chosen["low"] < chosen["good"] < chosen["high"] < chosen["very high"]
    assert [runs[k].diverged for k in lc.KINDS] == [True, False, False, False]
    # the rate between high and very high blew up on some seeds only: the page says so
    edge = int(np.flatnonzero(np.isclose(lrs, chosen["high"]))[0]) + 1
    assert 0 < blew[:, edge].sum() < 5
    assert reference.curve().largest_stable == pytest.approx(chosen["high"])


def _sgd_oracle(lr, epochs, limit, seed):
    """Mini-batch SGD written out again, under raised floating-point errors: (batch losses, params)."""
    net, d = workload.MLP, workload.data()
    params, rng, losses = network.initial(net, seed), np.random.default_rng(seed), []
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


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_the_very_high_rate_is_stopped_cleanly_on_every_seed(seed):
    very_high = reference.run(lc.rates()["very high"], seed)
    limit = sgd.BLOWUP * very_high.epoch_train_loss[0]
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        losses, params = _sgd_oracle(lc.rates()["very high"], lc.EPOCHS, limit, seed)
        fresh = reference.run.__wrapped__(lc.rates()["very high"], seed)
        stop = lc.stop_loss(fresh)
    # the run stopped at the first batch over the line, in the first epoch, before taking that step
    assert losses[-1] > limit and np.all(losses[:-1] <= limit)
    assert fresh.steps == very_high.steps == len(losses) - 1 < lc.steps_per_epoch()
    np.testing.assert_allclose(very_high.step_loss, losses[:-1], rtol=1e-12)
    np.testing.assert_allclose(very_high.params, params, rtol=1e-12)
    for values in (very_high.step_loss, very_high.update_ratio, very_high.epoch_train_loss, very_high.params):
        assert np.all(np.isfinite(values))
    assert len(very_high.epoch_train_loss) == 1 and stop > limit  # no epoch finished; over the line at the stop


def test_the_very_high_facts(facts):
    steps = by_seed("very high", lambda r: r.steps)
    assert facts["curves_vh_blown"].value == 5
    assert (facts["curves_vh_steps_min"].value, facts["curves_vh_steps_max"].value) == (steps.min(), steps.max())
    assert facts["curves_vh_steps"].value == steps[0]
    assert facts["curves_vh_stop_loss"].value == pytest.approx(lc.stop_loss(reference.run(lc.rates()["very high"], 0)))


def test_left_to_run_the_very_high_rate_stays_finite_but_ends_worse(facts):
    good = by_seed("good", lambda r: r.final_val_loss)
    finals = []
    for seed in range(5):
        free = lc.unstopped(lc.rates()["very high"], seed)
        stopped = reference.run(lc.rates()["very high"], seed)
        assert not free.diverged and free.steps == lc.EPOCHS * lc.steps_per_epoch()
        assert np.all(np.isfinite(free.step_loss)) and np.all(np.isfinite(free.params))
        np.testing.assert_allclose(free.step_loss[: stopped.steps], stopped.step_loss)
        assert free.step_loss.max() > sgd.BLOWUP * free.epoch_train_loss[0]  # the stop would have fired
        finals.append(free.epoch_val_loss[-1])
    assert facts["curves_free_worse"].value == np.count_nonzero(np.array(finals) > good) == 5
    assert facts["curves_free_val_mean"].value == pytest.approx(np.mean(finals))
    assert facts["curves_free_peak"].value == pytest.approx(lc.unstopped(lc.rates()["very high"]).step_loss.max())


def test_high_against_good_over_the_seeds(runs, facts):
    """The page's comparisons, each recounted in a loop: seed 0 alone misleads, the seeds do not."""
    high_val, good_val = by_seed("high", lambda r: r.final_val_loss), by_seed("good", lambda r: r.final_val_loss)
    # on seed 0 the high rate ends lower (the page says "looks like the better rate"), over the seeds it does not
    assert high_val[0] < good_val[0] and high_val.mean() > good_val.mean()
    assert facts["curves_good_beats_high"].value == np.count_nonzero(good_val < high_val) >= 4
    assert facts["curves_high_val_sd"].value == pytest.approx(np.std(high_val, ddof=1))
    level = lambda r: r.epoch_val_loss[-5:].mean()  # noqa: E731
    assert facts["curves_good_plateau_beats"].value == np.count_nonzero(by_seed("good", level) < by_seed("high", level))
    rises = lambda r: np.count_nonzero(np.diff(r.epoch_train_loss) > 0)  # noqa: E731
    high_rises, good_rises = by_seed("high", rises), by_seed("good", rises)
    assert high_rises[0] == 0 and facts["curves_high_ragged_seeds"].value == np.count_nonzero(high_rises) > 0
    assert facts["curves_good_ragged_seeds"].value == np.count_nonzero(good_rises) == 0
    first = lambda r: r.epoch_train_loss[1]  # noqa: E731
    assert facts["curves_high_faster_first"].value == np.count_nonzero(by_seed("high", first) < by_seed("good", first))
    train = lambda r: r.epoch_train_loss[-1]  # noqa: E731
    assert facts["curves_high_train_lower"].value == np.count_nonzero(by_seed("high", train) < by_seed("good", train))
    assert runs["high"].epoch_train_loss[-1] < runs["good"].epoch_train_loss[-1]


def test_the_high_rate_over_fits_early_on_every_seed_and_the_good_one_later(facts):
    lowest = by_seed("high", lambda r: int(np.argmin(r.epoch_val_loss)))
    climb = by_seed("high", lambda r: 100 * (r.epoch_val_loss[-1] / r.epoch_val_loss.min() - 1))
    assert np.all(lowest < 10) and np.all(climb > 5)  # early, and a real climb, on every seed
    assert (facts["curves_high_lowest_from"].value, facts["curves_high_lowest_to"].value) == (lowest.min(), lowest.max())
    good_lowest = by_seed("good", lambda r: int(np.argmin(r.epoch_val_loss)))
    assert facts["curves_good_lowest_last"].value == np.count_nonzero(good_lowest == lc.EPOCHS)
    assert facts["curves_good_lowest_from"].value == good_lowest.min() > lowest.max()


def test_the_good_and_low_rates(runs, facts):
    good, low = runs["good"], runs["low"]
    assert np.all(np.diff(good.epoch_train_loss) < 0)
    # low: still falling at the end on every seed, and far behind
    drop = by_seed("low", lambda r: r.epoch_train_loss[-2] - r.epoch_train_loss[-1])
    assert facts["curves_low_falling"].value == np.count_nonzero(drop > 0) == 5
    assert np.all(np.diff(low.epoch_train_loss) < 0) and np.all(np.diff(low.epoch_val_loss) < 0)
    assert low.epoch_train_loss[-1] > 10 * good.epoch_train_loss[-1]
    k = facts["curves_low_caught"].value
    for seed in range(5):  # on every seed the good rate passed the low rate's final level by epoch k
        g, lo = reference.run(lc.rates()["good"], seed), reference.run(lc.rates()["low"], seed)
        assert g.epoch_train_loss[k] <= lo.epoch_train_loss[-1]
    # the accuracy, counted independently
    d = workload.data()
    right = np.count_nonzero(network.scores(workload.MLP, good.params, d.x_val).argmax(axis=1) == d.y_val)
    assert facts["curves_good_accuracy"].value == pytest.approx(100 * right / len(d.y_val))
    assert facts["curves_good_errors"].value == len(d.y_val) - right


def test_each_seeds_winner_and_the_winners_curse(table, facts):
    lrs, val, _ = table
    winners = lrs[np.argmin(val, axis=1)]
    for seed in range(5):
        assert facts[f"curves_winner_{seed}"].value == pytest.approx(winners[seed])
    assert winners[0] == pytest.approx(lc.rates()["high"]) and winners[0] != pytest.approx(reference.rate())
    lucky = int(np.argmin(val[0]))
    assert facts["curves_lucky_val"].value == pytest.approx(val[0, lucky])
    # the winner's own score flatters it: the other seeds do worse at that rate
    assert facts["curves_lucky_others_mean"].value == pytest.approx(val[1:, lucky].mean())
    assert val[1:, lucky].min() > val[0, lucky]
    stable = np.isfinite(val).all(axis=0)
    ranked = np.sort(val.mean(axis=0)[stable])
    assert ranked[facts["curves_lucky_rank"].value - 1] == pytest.approx(val[:, lucky].mean())
    assert facts["curves_stable_count"].value == stable.sum()
    assert facts["curves_reference_wins"].value == np.count_nonzero(np.isclose(winners, reference.rate()))


def test_runs_are_chaotic_at_the_edge_and_not_at_the_reference_rate(facts):
    for kind, name in (("high", "curves_nudge_edge_min"), ("good", "curves_nudge_good_max")):
        lr = lc.rates()[kind]
        change = [abs(reference.run(lr * (1 + 1e-5), s).final_val_loss / reference.run(lr, s).final_val_loss - 1)
                  for s in range(5)]
        expected = min(change) if name.endswith("min") else max(change)
        assert facts[name].value == pytest.approx(100 * expected)
    assert facts["curves_nudge_edge_min"].value > 1000 * facts["curves_nudge_good_max"].value


def test_the_flat_floor_paired_against_a_loop(table, facts):
    lrs, val, _ = table
    best = int(np.argmin(val.mean(axis=0)))
    for name, offset in (("down2", -2), ("down1", -1), ("up1", 1), ("up2", 2), ("up3", 3)):
        k = best + offset
        gaps = val[:, k] - val[:, best]
        assert facts[f"curves_floor_{name}_lr"].value == pytest.approx(lrs[k])
        assert facts[f"curves_floor_{name}_gap_mean"].value == pytest.approx(gaps.mean())
        assert facts[f"curves_floor_{name}_gap_sd"].value == pytest.approx(gaps.std(ddof=1))
        assert facts[f"curves_floor_{name}_wins"].value == np.count_nonzero(gaps > 0)
        # the page: only the rate just below cannot be told from the reference (mean gap under its spread)
        assert (gaps.mean() <= gaps.std(ddof=1)) == (name == "down1")
    # the floor's other rates are worse on every seed, but by less than one seed's noise
    for k in (best - 2, best + 1):
        gaps = val[:, k] - val[:, best]
        assert np.all(gaps > 0) and gaps.mean() < val[:, best].std(ddof=1)
    # the alt text: relative to its mean, the spread over the seeds is widest at the high rate
    stable = np.isfinite(val).all(axis=0)
    relative = val[:, stable].std(axis=0, ddof=1) / val[:, stable].mean(axis=0)
    assert lrs[stable][np.argmax(relative)] == pytest.approx(lc.rates()["high"])
    # the floor: every rate whose mean lies within one sd (the reference's) of the lowest mean
    within = val.mean(axis=0) <= val.mean(axis=0)[best] + val[:, best].std(ddof=1)
    assert facts["curves_floor_low"].value == pytest.approx(lrs[within].min())
    assert facts["curves_floor_high"].value == pytest.approx(lrs[within].max())
    assert np.all(within[np.flatnonzero(within).min(): np.flatnonzero(within).max() + 1])  # one unbroken stretch


def test_smiths_rule_picks_another_rate_here(table, facts):
    lrs, val, blew = table
    top = lrs[~blew.any(axis=0)].max()
    inside = [k for k, lr in enumerate(lrs) if top / 2 <= lr < top]
    assert len(inside) == 1 and facts["curves_smith_lr"].value == pytest.approx(lrs[inside[0]])
    best = int(np.argmin(val.mean(axis=0)))
    assert lrs[best] < top / 2  # the reference lies outside the window
    assert facts["curves_smith_loses"].value == np.count_nonzero(val[:, best] < val[:, inside[0]])
    assert facts["curves_backoff"].value == pytest.approx(top / lrs[best])
    # seed 0 alone puts the edge one grid step higher, at a rate another seed blew up on
    seed0_top = lrs[~blew[0]].max()
    assert seed0_top > top and blew[:, lrs == seed0_top].any()


def test_exercise_one_the_gradient_of_the_last_layer_is_bounded():
    """The answer's argument: every entry of ∇W and ∇b_W lies in [−1, 1], whatever the parameters."""
    net, d = workload.MLP, workload.data()
    rng = np.random.default_rng(11)
    for scale in (1.0, 100.0, 1e4):
        params = scale * rng.normal(size=net.size)
        _, grad = network.loss_and_gradient(net, params, d.x_train[:64], d.y_train[:64])
        _, _, gW, gb = net.unpack(grad)
        assert np.abs(gW).max() <= 1 and np.abs(gb).max() <= 1


def test_exercise_one_the_loss_grows_at_most_linearly():
    """The answer's bound, in a loop of the test's own without a stop: A_k = Σ_j |W_jk| + |b_k| grows by
    at most (h + 1)η a step, every batch loss is at most log 10 + 2 max_k A_k, so after t steps at most
    log 10 + 2(C + (h + 1)ηt); and the stored run left alone obeys it."""
    net, d, lr = workload.MLP, workload.data(), lc.rates()["very high"]
    params, rng = network.initial(net, 0), np.random.default_rng(0)

    def sizes(p):
        _, _, W, b = net.unpack(p)
        return np.abs(W).sum(axis=0) + np.abs(b)

    start, losses = sizes(params), []
    for _ in range(lc.EPOCHS):
        order = rng.permutation(len(d.y_train))
        for first in range(0, len(order), workload.BATCH_SIZE):
            rows = order[first:first + workload.BATCH_SIZE]
            before = sizes(params)
            value, grad = network.loss_and_gradient(net, params, d.x_train[rows], d.y_train[rows])
            assert value <= math.log(10) + 2 * before.max() + 1e-9
            losses.append(value)
            params = params - lr * grad
            assert np.all(sizes(params) <= before + (net.hidden + 1) * lr * (1 + 1e-12))
    free = lc.unstopped(lr)
    np.testing.assert_allclose(free.step_loss, losses, rtol=1e-9)
    t = np.arange(free.steps)  # step_loss[t] is the loss before step t, after t steps
    assert np.all(free.step_loss <= math.log(10) + 2 * (start.max() + (net.hidden + 1) * lr * t))


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
    params = network.initial(net, 0)
    rows = np.random.default_rng(0).permutation(len(d.y_train))[:32]
    _, grad = network.loss_and_gradient(net, params, d.x_train[rows], d.y_train[rows])
    V, _, W, _ = net.unpack(params - lr * grad)
    gV, _, gW, _ = net.unpack(grad)
    ratio = lr * math.hypot(np.linalg.norm(gV), np.linalg.norm(gW)) / math.hypot(np.linalg.norm(V), np.linalg.norm(W))
    assert runs["good"].update_ratio[0] == pytest.approx(ratio, rel=1e-12)
    assert facts["curves_good_ratio_start"].value == pytest.approx(ratio)
    assert facts["curves_good_ratio"].value == pytest.approx(np.median(runs["good"].update_ratio))


def test_the_ratio_orders_the_rates_as_the_page_says(runs, facts):
    median = {kind: by_seed(kind, lambda r: np.median(r.update_ratio)) for kind in ("high", "good", "low")}
    assert facts["curves_good_ratio_above_high"].value == np.count_nonzero(median["good"] > median["high"]) == 5
    assert facts["curves_high_ratio_above_low"].value == np.count_nonzero(median["high"] > median["low"]) == 5
    epoch_mean = lambda r: np.convolve(r.update_ratio, np.ones(45) / 45, mode="valid")  # noqa: E731 (full windows)
    good_low = by_seed("good", lambda r: epoch_mean(r).min())
    assert facts["curves_good_ratio_reaches"].value == np.count_nonzero(good_low <= lc.RULE_OF_THUMB) == 0
    assert runs["very high"].update_ratio.max() > 0.5
    k = facts["curves_high_ratio_below"].value
    smooth = lc.trailing_mean(runs["high"].update_ratio, 45)
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


def test_the_figures_axes_hold_every_curve(table):
    view = lc.curves_view()
    low, high = view.epoch_range
    for c in view.curves:
        assert low <= c.train.min() and c.train.max() <= high and low <= c.val.min() and c.val.max() <= high
        assert view.step_range[0] <= c.step_loss.min() and c.step_loss.max() <= view.step_range[1]
        assert (c.stop is not None) == c.diverged
    stop = view.curves[0].stop
    assert stop[1] < high and view.blowup_limit < stop[1]
    grid = lc.grid_view()
    lrs, val, blew = table
    finite = val[np.isfinite(val)]
    assert grid.loss_range[0] < finite.min() and finite.max() < grid.loss_range[1]
    np.testing.assert_array_equal(grid.blown, blew.sum(axis=0))
    np.testing.assert_allclose(grid.winner_loss, val.min(axis=1))


@pytest.mark.parametrize("asset", lc.ASSETS, ids=[a.name for a in lc.ASSETS])
def test_figures_have_no_colliding_labels(asset):
    for layout in style.LAYOUTS:
        fig = asset.build(layout)
        assert style.text_overlaps(fig) == [], (asset.name, layout.name)
        assert style.texts_over_lines(fig, draw=False, pad_px=2) == [], (asset.name, layout.name)


def test_the_page_links_the_box_and_the_other_practice_chapters_point_to_it():
    text = PAGE.read_text(encoding="utf-8")
    assert "\n## One good rate\n" in text and "(#one-good-rate)" in text
    assert text.index("(#one-good-rate)") < text.index("## One good rate")
    box = text[text.index("## One good rate"):text.index("\n## ", text.index("## One good rate") + 1)]
    assert '!!! abstract "Every “best” rate in this part, side by side"' in box
    for other in ("lr-search", "range-test", "schedules"):
        assert "loss-curves.md#one-good-rate" in (PAGE.parent / f"{other}.md").read_text(encoding="utf-8"), other
    # no fact starts a line of prose, where Markdown could read "523." as a list item
    assert not re.search(r"^\s*\{\{ fact [a-z_0-9]+ \}\}\.", text, flags=re.M)


def _curve(lrs, diverged, val=None):
    diverged = np.asarray(diverged, dtype=bool)
    val = np.where(diverged, np.inf, 1.0) if val is None else np.asarray(val, dtype=float)
    return reference.Curve(np.asarray(lrs, dtype=float), tuple(range(len(diverged))), val, diverged)


def test_bad_input_is_a_value_error():
    lrs = [0.1, 1.0, 10.0, 100.0]
    ok = [[False, False, False, True], [False, False, True, True]]
    assert lc.pick_rates(_curve(lrs, ok, [[1, 2, 3, np.inf], [1, 2, np.inf, np.inf]]))["high"] == 1.0
    with pytest.raises(ValueError, match="increasing"):
        lc.pick_rates(_curve(lrs[::-1], ok))
    with pytest.raises(ValueError, match="every seed"):
        lc.pick_rates(_curve(lrs, [[False, False, False, True], [False, False, True, False]]))
    with pytest.raises(ValueError, match="below the very high one"):
        lc.pick_rates(_curve(lrs, [[True, True, True, True], [False, True, True, True]]))
    with pytest.raises(ValueError, match="between the good one"):
        lc.pick_rates(_curve(lrs, ok, [[3, 1, 2, np.inf], [3, 1, np.inf, np.inf]]))
    with pytest.raises(ValueError, match="at least three"):
        lc.pick_rates(_curve(lrs[:2], [[False, True], [False, True]]))
    with pytest.raises(ValueError, match="low factor"):
        lc.pick_rates(_curve(lrs, ok, [[1, 2, 3, np.inf], [1, 2, np.inf, np.inf]]), low_factor=0)
    with pytest.raises(ValueError, match="learning rate"):
        lc.unstopped(-1.0)
    with pytest.raises(ValueError, match="kind"):
        lc.curve("medium")
    with pytest.raises(ValueError, match="never reaches"):
        lc.first_at_most(np.array([3.0, 2.0]), 1.0)
    with pytest.raises(ValueError, match="no rate"):
        lc.gap(100)


def test_the_box_of_best_rates_says_what_the_chapters_found():
    """'One good rate' reconciles the part's best rates: those found over the seeds lie on the flat
    floor, and the seed-averaged best after a short run is larger than after the full run."""
    from gdsim.chapters import lr_search, range_test, schedules

    floor = lc.facts()
    low, high = floor["curves_floor_low"].value, floor["curves_floor_high"].value
    found = range_test.facts() | schedules.facts()
    for name in ("range_steepest_lr_lo", "range_steepest_lr_hi", "range_minimum_lr_lo", "range_minimum_lr_hi",
                 "hd_end_low", "hd_end_high"):
        assert low <= found[name].value <= high, name
    search = lr_search.facts()
    assert low <= search["search_fine_mean_best"].value <= high
    # the two rules that miss it: valley below (worse than the reference on every seed), slide above
    assert found["range_valley_lr_hi"].value < low and found["range_valley_wins"].value == 0
    assert found["range_slide_lr_hi"].value > high and found["range_slide_blown"].value > 0
    assert search["search_h8_best"].value == search["search_h1_best"].value
    # after one epoch the short-run winner leads on every seed, after eight it does not
    assert search["search_h1_vs_ref_wins"].value == len(reference.curve().seeds) > search["search_h8_vs_ref_wins"].value
    assert search["search_h1_best"].value > search["search_h20_best"].value == reference.rate()
    assert search["search_fine_best"].value > high  # seed 0's short search lands off the floor


def test_near_the_rule_of_thumb_the_low_rate_stays_most(facts):
    """The share of steps with a ratio within a factor of 2 of 0.001, recounted: low > high > good on every seed."""
    share = {kind: by_seed(kind, lambda r: 100 * np.mean((r.update_ratio >= 0.0005) & (r.update_ratio <= 0.002)))
             for kind in ("low", "high", "good")}
    for kind in share:
        assert facts[f"curves_ratio_within2_{kind}_min"].value == pytest.approx(share[kind].min())
        assert facts[f"curves_ratio_within2_{kind}_max"].value == pytest.approx(share[kind].max())
    assert np.all(share["low"] > share["high"]) and np.all(share["high"] > share["good"])
    assert facts["curves_near_factor"].value == 2 and lc.RULE_OF_THUMB == 0.001
    # the medians alone would not say so: on seed 0 the high rate's median is nearer 0.001, as a factor
    high, low = np.median(reference.run(lc.rates()["high"], 0).update_ratio), np.median(
        reference.run(lc.rates()["low"], 0).update_ratio)
    assert abs(math.log(high / 0.001)) < abs(math.log(low / 0.001))


def test_the_alarm_near_one_has_a_margin_under_two(facts):
    vh_first = by_seed("very high", lambda r: r.update_ratio[0])
    high_first = by_seed("high", lambda r: r.update_ratio[0])
    assert (facts["curves_vh_ratio_first_min"].value, facts["curves_vh_ratio_first_max"].value) == pytest.approx(
        (vh_first.min(), vh_first.max()))
    assert (facts["curves_high_ratio_start_min"].value, facts["curves_high_ratio_start_max"].value) == pytest.approx(
        (high_first.min(), high_first.max()))
    assert 1 < vh_first.min() / high_first.max() < 2


def test_the_ratio_falls_with_the_gradient_and_as_the_weights_grow(facts):
    """Oracle: ‖W‖ over the weight matrices V and W unpacked by hand, and the full-batch gradient."""
    net, d = workload.MLP, workload.data()

    def weights(p):
        V, _, W, _ = net.unpack(p)
        return math.hypot(np.linalg.norm(V), np.linalg.norm(W))

    def gradient(p):
        _, g = network.loss_and_gradient(net, p, d.x_train, d.y_train)
        gV, _, gW, _ = net.unpack(g)
        return math.hypot(np.linalg.norm(gV), np.linalg.norm(gW))

    good, high = (reference.run(lc.rates()[k], 0) for k in ("good", "high"))
    start = weights(network.initial(net, 0))
    assert facts["curves_weights_start"].value == pytest.approx(start)
    assert facts["curves_good_weights_end"].value == pytest.approx(weights(good.params))
    assert facts["curves_high_weights_end"].value == pytest.approx(weights(high.params))
    growth = weights(good.params) / start
    assert facts["curves_good_weights_growth"].value == pytest.approx(growth) and 1.5 < growth < 2.5
    assert facts["curves_good_ratio_fall"].value / growth > 10  # the gradient's fall is most of it
    assert weights(high.params) > weights(good.params)
    smaller = by_seed("high", lambda r: gradient(r.params)) < by_seed("good", lambda r: gradient(r.params))
    assert facts["curves_high_gradient_smaller"].value == np.count_nonzero(smaller) < 5


def test_the_floors_order_on_fresh_seeds(table, facts):
    """The reference rate and its neighbours on seeds 5 to 9, which chose nothing: the order does not hold."""
    lrs, val, _ = table
    best = int(np.argmin(val.mean(axis=0)))
    fresh = {k: np.array([reference.run(float(lrs[best + k]), s).epoch_val_loss[-1] for s in range(5, 10)])
             for k in (-1, 0, 1)}
    assert not set(range(5, 10)) & set(lc.SEEDS)
    assert (facts["curves_fresh_first"].value, facts["curves_fresh_last"].value, facts["curves_fresh_seeds"].value) == (
        5, 9, 5)
    for name, k in (("down1", -1), ("ref", 0), ("up1", 1)):
        assert facts[f"curves_fresh_{name}_mean"].value == pytest.approx(fresh[k].mean())
        assert facts[f"curves_fresh_{name}_sd"].value == pytest.approx(fresh[k].std(ddof=1))
    for name, k in (("down1", -1), ("up1", 1)):
        assert facts[f"curves_fresh_{name}_wins"].value == np.count_nonzero(fresh[0] < fresh[k])
    # the page: on fresh seeds the rate above ends lower on average, though not on most seeds
    assert fresh[1].mean() < fresh[0].mean() and np.count_nonzero(fresh[0] < fresh[1]) >= 3


def test_judged_by_training_loss_smiths_window_holds(table, facts):
    lrs, _, blew = table
    stable = ~blew.any(axis=0)
    train = np.array([[reference.run(float(lr), s).epoch_train_loss[-1] for lr in lrs[stable]] for s in range(5)])
    best = lrs[stable][np.argmin(train.mean(axis=0))]
    top = lrs[stable].max()
    assert facts["curves_train_best"].value == pytest.approx(best)
    assert top / 2 <= best <= top and best > reference.rate()


def test_accuracy_high_against_good_seed_by_seed(facts):
    d = workload.data()
    right = {k: by_seed(k, lambda r: np.count_nonzero(
        network.scores(workload.MLP, r.params, d.x_val).argmax(axis=1) == d.y_val)) for k in ("high", "good")}
    higher, tied = np.count_nonzero(right["good"] > right["high"]), np.count_nonzero(right["good"] == right["high"])
    assert (facts["curves_good_accuracy_higher"].value, facts["curves_accuracy_tied"].value) == (higher, tied)
    assert higher + tied == 5  # the high rate is never the more accurate: the page's wording needs it


def test_the_small_loss_leans_below_its_mean(runs, facts):
    last = {k: runs[k].step_loss[-lc.steps_per_epoch():] for k in ("high", "good")}
    high, good = last["high"], last["good"]
    assert facts["curves_high_below_mean"].value == np.count_nonzero(high < high.mean()) > 2 * len(high) / 3 - 1
    assert facts["curves_high_last_median"].value == pytest.approx(np.median(high))
    assert facts["curves_high_last_mean"].value == pytest.approx(high.mean())
    assert np.median(high) < 0.9 * high.mean()  # clearly below
    assert facts["curves_good_last_median"].value == pytest.approx(np.median(good))
    assert 0.95 * good.mean() < np.median(good) < good.mean()  # slightly below


def test_the_seeds_on_which_the_high_rate_went_further_in_one_epoch(facts):
    high, good = by_seed("high", lambda r: r.epoch_train_loss[1]), by_seed("good", lambda r: r.epoch_train_loss[1])
    faster = np.flatnonzero(high < good)
    assert len(faster) == facts["curves_high_faster_first"].value == 2 and 0 not in faster
    for name, seed in zip("ab", faster):
        assert facts[f"curves_faster_{name}_seed"].value == seed
        assert facts[f"curves_faster_{name}_high"].value == pytest.approx(high[seed])
        assert facts[f"curves_faster_{name}_good"].value == pytest.approx(good[seed])
