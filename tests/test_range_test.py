"""The learning-rate range test (gdsim.lr_range) and its chapter: rates, smoothing, stop, the rules
against transcriptions of fastai's code, restore and reproducibility, bad input, and the numbers
the page quotes, each recomputed here from numpy, gdsim.sgd or gdsim.model directly."""

from __future__ import annotations

import ast
import inspect
import itertools
import math

import numpy as np
import pytest

from gdsim import digits, lr_range, network, reference, scenarios, sgd, workload
from gdsim.chapters import range_test as ch
from gdsim.lr_range import RangeTest

NET = workload.MLP


@pytest.fixture(scope="module")
def data():
    return workload.data()


@pytest.fixture(scope="module")
def facts():
    return ch.facts()


def _curve(smoothed, lrs=None, planned=None) -> RangeTest:
    """A range test result written by hand, for the rules."""
    smoothed = np.asarray(smoothed, dtype=float)
    lrs = np.geomspace(1e-3, 10, len(smoothed)) if lrs is None else np.asarray(lrs, dtype=float)
    return RangeTest("exponential", lrs, smoothed.copy(), smoothed, planned or len(smoothed), False, 4.0, 0.98,
                     None, None, None)


def _fastai_valley(losses) -> int:
    """fastai's ``valley``, transcribed loop for loop (the oracle for the vectorized version)."""
    max_start, max_end = _fastai_valley_bounds(losses)
    sections = (max_end - max_start) / 3
    return max_start + int(sections) + int(sections / 2)


def _fastai_valley_bounds(losses) -> tuple[int, int]:
    """max_start and max_end of fastai's ``valley`` loop, transcribed."""
    n = len(losses)
    max_start, max_end = 0, 0
    lds = [1] * n
    for i in range(1, n):
        for j in range(0, i):
            if losses[i] < losses[j] and lds[i] < lds[j] + 1:
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    return max_start, max_end


def _fastai_slide(lrs, losses, lr_diff=15, thresh=0.005):
    """fastai's ``slide``, transcribed with its negative indices (the oracle for the index arithmetic)."""
    loss_grad = np.gradient(np.asarray(losses))
    r_idx = -1
    l_idx = r_idx - lr_diff
    local_min_lr = lrs[l_idx]
    while (l_idx >= -len(losses)) and (abs(loss_grad[r_idx] - loss_grad[l_idx]) > thresh):
        local_min_lr = lrs[l_idx]
        r_idx -= 1
        l_idx -= 1
    return local_min_lr


def _ema_stop(losses, lrs, beta, factor=4.0):
    """The stop of a range test replayed on its free-running losses: the rate of the first step whose
    bias-corrected average passes ``factor`` times the lowest average so far."""
    average, best = 0.0, math.inf
    for k, (loss, lr) in enumerate(zip(losses, lrs)):
        average = beta * average + (1 - beta) * loss
        shown = average / (1 - beta ** (k + 1))
        best = min(best, shown)
        if shown > factor * best:
            return lr
    return lrs[-1]


# ------------------------------------------------------------------ rates and smoothing


def test_exponential_rates_grow_by_one_factor_and_linear_ones_by_one_step():
    exp = lr_range.rates(1e-4, 100.0, 200)
    assert np.allclose(exp, np.geomspace(1e-4, 100.0, 200), rtol=1e-12)
    assert np.allclose(exp[1:] / exp[:-1], (1e6) ** (1 / 199), rtol=1e-12)
    lin = lr_range.rates(0.01, 10.0, 180, mode="linear")
    assert np.allclose(lin, np.linspace(0.01, 10.0, 180), rtol=1e-12)
    assert (exp[0], exp[-1], lin[0], lin[-1]) == pytest.approx((1e-4, 100.0, 0.01, 10.0), rel=1e-12)


def test_smoothing_is_the_bias_corrected_weighted_mean():
    """Oracle: ā_k = Σ_j β^{k−j} ℓ_j / Σ_j β^{k−j}, the weighted mean the recursion and the
    division by 1 − β^{k+1} add up to."""
    losses = np.random.default_rng(3).uniform(0.5, 3.0, 40)
    for beta in (0.0, 0.5, 0.98):
        shown = lr_range.smooth(losses, beta)
        for k in range(len(losses)):
            weights = beta ** np.arange(k, -1, -1.0)
            assert shown[k] == pytest.approx(np.sum(weights * losses[: k + 1]) / weights.sum(), rel=1e-12)
    assert np.allclose(lr_range.smooth(np.full(10, 2.5)), 2.5, rtol=1e-12), "a constant loss is not pulled to 0"


# ------------------------------------------------------------------ the test itself


def test_range_test_is_sgd_with_a_rising_schedule(data):
    """Oracle: gdsim.sgd.train with the same seed and the rates as a schedule takes the same
    batches, losses and parameters, bit for bit."""
    steps = 2 * ch._epoch_steps()
    rates = lr_range.rates(1e-3, 1.0, steps)
    result = lr_range.range_test(NET, data, 1e-3, 1.0, steps, stop_factor=None, seed=5, restore=False)
    run = sgd.train(NET, data, lambda k: float(rates[k]), epochs=2, batch_size=32, seed=5, blowup=1e300)
    assert np.array_equal(result.lrs, rates) and np.array_equal(result.lrs, run.step_lr)
    assert np.array_equal(result.losses, run.step_loss)
    assert np.array_equal(result.params, run.params)
    assert result.val_loss[-1] == run.epoch_val_loss[-1] and result.val_accuracy[-1] == run.epoch_val_accuracy[-1]
    assert np.array_equal(result.smoothed, lr_range.smooth(result.losses))
    assert not result.stopped and result.stop_step is None and result.steps == result.planned == steps


def test_the_callers_parameters_are_restored_and_trained_ones_returned_on_request(data):
    start = network.initial(NET, seed=7) * 1.5
    before = start.copy()
    kept = lr_range.range_test(NET, data, 1e-3, 10.0, 60, params=start)
    assert np.array_equal(start, before), "the array passed in was written to"
    assert kept.params is None
    trained = lr_range.range_test(NET, data, 1e-3, 10.0, 60, params=start, restore=False)
    assert np.array_equal(start, before)
    assert trained.params is not start and not np.array_equal(trained.params, start)
    # oracle: sgd.train from the same start takes the same first steps
    rates = lr_range.rates(1e-3, 10.0, 60)
    steps = trained.steps
    run = sgd.train(NET, data, lambda k: float(rates[min(k, steps - 1)]), epochs=2, seed=0, start=start,
                    blowup=1e300)
    assert np.array_equal(trained.losses, run.step_loss[:steps])
    assert np.array_equal(kept.losses, trained.losses), "restoring changes nothing about the curve"


def test_same_seed_same_curve_other_seed_other_curve(data):
    a = lr_range.range_test(NET, data, 1e-4, 100.0, 120, seed=3)
    b = lr_range.range_test(NET, data, 1e-4, 100.0, 120, seed=3)
    c = lr_range.range_test(NET, data, 1e-4, 100.0, 120, seed=4)
    assert np.array_equal(a.losses, b.losses) and np.array_equal(a.smoothed, b.smoothed)
    assert np.array_equal(a.val_accuracy, b.val_accuracy) and a.steps == b.steps
    assert not np.array_equal(a.losses[:10], c.losses[:10])


def test_the_test_stops_at_the_first_smoothed_loss_above_four_times_the_best(data):
    stopped = ch.exponential()
    assert stopped.stopped and stopped.steps < stopped.planned
    s = stopped.smoothed
    best_so_far = np.minimum.accumulate(s)
    assert s[-1] > 4 * best_so_far[-1]
    assert np.all(s[:-1] <= 4 * best_so_far[:-1])
    # without the stop the first steps are the same
    free = lr_range.range_test(NET, data, ch.LR_MIN, ch.LR_MAX, ch.STEPS, stop_factor=None)
    assert np.array_equal(free.losses[: stopped.steps], stopped.losses)
    assert free.steps == free.planned


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(lr_min=1.0, lr_max=1.0), "below lr_max"),
        (dict(lr_min=2.0, lr_max=1.0), "below lr_max"),
        (dict(lr_min=0.0), "positive finite"),
        (dict(lr_min=-1e-3), "positive finite"),
        (dict(lr_max=math.inf), "positive finite"),
        (dict(lr_min=math.nan), "positive finite"),
        (dict(mode="cosine"), "unknown mode"),
        (dict(steps=1), "at least 2 steps"),
        (dict(steps=0), "positive integer"),
        (dict(smoothing=1.0), "smoothing"),
        (dict(stop_factor=0.5), "above 1"),
        (dict(params=np.zeros(3)), "parameters"),
        (dict(batch_size=0), "batch size"),
    ],
)
def test_bad_arguments_say_what_is_wrong(data, kwargs, match):
    args = dict(lr_min=1e-3, lr_max=1.0, steps=20) | kwargs
    with pytest.raises(ValueError, match=match):
        lr_range.range_test(NET, data, **args)


def test_empty_data_and_unknown_rules_are_refused(data):
    empty = digits.Split(np.zeros((0, 64)), np.zeros(0, int), data.x_val, data.y_val, data.mean, data.scale)
    with pytest.raises(ValueError, match="empty"):
        lr_range.range_test(NET, empty, 1e-3, 1.0, 20)
    with pytest.raises(ValueError, match="non-empty"):
        lr_range.range_test_least_squares([], [], [0.0, 0.0], 1e-3, 1.0, 20)
    with pytest.raises(ValueError, match="unknown rule"):
        lr_range.suggest(ch.exponential(), "cosine")
    with pytest.raises(ValueError, match="slide rule needs more than 15 points"):
        lr_range.suggest(_curve(np.linspace(3, 1, 22)), "slide")
    with pytest.raises(ValueError, match="step must be a whole number"):
        lr_range.smoothing_lag(-1)
    with pytest.raises(ValueError, match="too few"):
        lr_range.suggest(_curve([3.0, 2.0, 1.0, 0.5, 0.4, 0.3, 0.2]), "valley")


# ------------------------------------------------------------------ the rules


def test_longest_decrease_against_every_subsequence():
    """Oracle: all index subsets of a short curve, the longest strictly decreasing one ending at each point."""
    rng = np.random.default_rng(11)
    for _ in range(20):
        losses = rng.integers(0, 6, 8).astype(float)
        expected = []
        for i in range(len(losses)):
            best = 1
            for size in range(2, i + 2):
                for rest in itertools.combinations(range(i), size - 1):
                    chain = [losses[j] for j in rest] + [losses[i]]
                    if all(a > b for a, b in zip(chain, chain[1:])):
                        best = max(best, size)
            expected.append(best)
        assert lr_range.longest_decrease(losses).tolist() == expected


def test_rules_equal_fastais_definitions_on_random_curves():
    rng = np.random.default_rng(2)
    for trial in range(30):
        n = int(rng.integers(30, 120))
        smoothed = np.cumsum(rng.normal(-0.02, 0.1, n)) + 3.0
        lrs = np.geomspace(1e-5, 10, n)
        curve = _curve(smoothed, lrs, planned=n + int(rng.integers(0, 40)))
        first, end = curve.planned // 10, n - 5
        lo, lo_lr = smoothed[first:end], lrs[first:end]
        # steepest: the left point of the most negative slope against ln η
        slopes = [(lo[k + 1] - lo[k]) / (math.log(lo_lr[k + 1]) - math.log(lo_lr[k])) for k in range(len(lo) - 1)]
        assert lr_range.suggest(curve, "steepest") == lo_lr[int(np.argmin(slopes))]
        assert lr_range.suggest(curve, "minimum") == pytest.approx(lo_lr[int(np.argmin(lo))] / 10, rel=1e-15)
        assert lr_range.suggest(curve, "valley") == lo_lr[max(0, _fastai_valley(list(lo)))], trial
        assert lr_range.suggest(curve, "slide") == _fastai_slide(lo_lr, lo), trial
        start, end = _fastai_valley_bounds(list(lo))
        assert lr_range.valley_span(curve) == (first + max(0, start), first + end), trial


def test_slide_with_a_larger_threshold_stops_sliding_sooner():
    """On a curve whose slope changes smoothly, a larger threshold is met further right."""
    n = 120
    smoothed = 3 - np.tanh(np.linspace(-3, 3, n)) + np.linspace(0, 0.5, n) ** 4
    curve = _curve(smoothed, planned=n)
    index = lr_range.suggestion_index(curve, "slide")
    # oracle: the transcription on the trimmed curve, with the index recovered from its rate
    lo_lr, lo = curve.lrs[n // 10:n - 5], smoothed[n // 10:n - 5]
    assert curve.lrs[index] == _fastai_slide(lo_lr, lo)
    assert _fastai_slide(lo_lr, lo, thresh=0.05) >= _fastai_slide(lo_lr, lo)


def test_smoothing_lag_is_the_mean_age_of_the_weights():
    """Oracle: the weights ω^age over ages 0 … k, normalised, and their mean age, summed with numpy."""
    for beta in (0.5, 0.9, 0.98):
        for k in (0, 1, 10, 155, 2000):
            ages = np.arange(k + 1, dtype=float)
            weights = beta**ages / np.sum(beta**ages)
            assert lr_range.smoothing_lag(k, beta) == pytest.approx(np.sum(ages * weights), rel=1e-9, abs=1e-12)
    assert lr_range.smoothing_lag(10**6, 0.98) == pytest.approx(49, rel=1e-12)
    assert lr_range.smoothing_lag(5, 0.0) == 0.0


def test_valley_takes_the_middle_of_a_clean_descent():
    """A curve that falls over points 30…70 and rises elsewhere: valley lands about halfway down."""
    n = 100
    smoothed = np.concatenate([np.linspace(3, 3.2, 30), np.linspace(3.0, 1.0, 41), np.linspace(1.1, 5, 29)])
    curve = _curve(smoothed, planned=n)
    index = lr_range.suggestion_index(curve, "valley")
    assert 45 <= index <= 55


# ------------------------------------------------------------------ least squares


def test_least_squares_test_is_gradient_descent_with_the_rates():
    """Oracle: full-batch steps θ ← θ − η_k (2/n) Xᵀ(Xθ − y), written with numpy."""
    s = scenarios.get("original")
    x, y = s.split.x_train, s.split.y_train
    result = lr_range.range_test_least_squares(x, y, s.start, 1e-3, 1.0, 50, stop_factor=None, restore=False)
    X = np.column_stack([np.ones_like(x), x])
    theta = s.start.copy()
    for eta, loss in zip(lr_range.rates(1e-3, 1.0, 50), result.losses):
        r = X @ theta - y
        assert loss == pytest.approx(np.mean(r**2), rel=1e-12)
        theta = theta - eta * 2 / len(x) * X.T @ r
    assert np.allclose(result.params, theta, rtol=1e-12)
    assert result.val_loss is None and result.val_accuracy is None


def test_on_least_squares_the_blow_up_exceeds_two_over_lambda_max_and_the_suggestions_stay_below(facts):
    s = scenarios.get("original")
    x = s.split.x_train
    X = np.column_stack([np.ones_like(x), x])
    limit = 2 / np.linalg.eigvalsh(2 / len(x) * X.T @ X).max()
    for steps in (100, 200, 400):
        test = ch.least_squares(steps)
        assert test.stopped
        assert test.stop_lr > limit
        for rule in ch.LS_RULES:
            assert lr_range.suggest(test, rule) < limit, (steps, rule)
    # the fourth rule does not keep its distance on the chapter's test
    slide = lr_range.suggest(ch.least_squares(), "slide") / limit
    assert facts["range_ls_slide_share"].value == pytest.approx(slide, rel=1e-12) and slide > 1


def test_least_squares_facts_by_hand(facts):
    s = scenarios.get("original")
    x, y = s.split.x_train, s.split.y_train
    X = np.column_stack([np.ones_like(x), x])
    values, vectors = np.linalg.eigh(2 / len(x) * X.T @ X)
    lam_max, limit = values[-1], 2 / values[-1]
    test = ch.least_squares()
    assert facts["range_ls_limit"].value == pytest.approx(limit, rel=1e-12)
    cross = facts["range_ls_cross_step"].value - 1  # counted from 1 on the page
    assert test.lrs[cross - 1] <= limit < test.lrs[cross]
    assert facts["range_ls_steps_past"].value == test.steps - cross
    assert facts["range_ls_overshoot"].value == pytest.approx(test.stop_lr / limit, rel=1e-12)
    assert facts["range_ls_overshoot"].value > 2
    # the steep error at the crossing, replayed here with numpy
    solution = np.linalg.lstsq(X, y, rcond=None)[0]
    theta = s.start.copy()
    for eta in test.lrs[:cross]:
        theta = theta - eta * 2 / len(x) * X.T @ (X @ theta - y)
    steep = abs((theta - solution) @ vectors[:, -1]) / abs((s.start - solution) @ vectors[:, -1])
    # at rounding level the exact value depends on the order of the arithmetic, so only its size is checked
    ours = facts["range_ls_steep_at_cross"].value
    assert ours < 1e-15 and steep < 1e-15
    assert abs(facts["range_ls_steep_at_cross_exp"].value - math.log10(steep)) < 1.5
    closed = np.prod(np.abs(1 - test.lrs[:cross] * lam_max))
    assert facts["range_ls_steep_closed_form_exp"].value == pytest.approx(math.log10(closed), rel=1e-9)
    assert closed < 1e-3 * min(ours, steep), "the runs keep rounding error the closed form would not"
    assert facts["range_ls_first_growth"].value == pytest.approx(test.lrs[cross] * lam_max - 1, rel=1e-9)
    growth = np.prod(test.lrs[cross:] * lam_max - 1)
    assert facts["range_ls_growth"].value == pytest.approx(growth, rel=1e-9)
    assert facts["range_ls_growth_exp"].value == pytest.approx(math.log10(growth), rel=1e-9)
    # the exercise writes G as m × 10^p with 1 ≤ m < 10
    mantissa, power = facts["range_ls_growth_mantissa"].value, facts["range_ls_growth_power"].value
    assert 1 <= mantissa < 10 and mantissa * 10.0**power == pytest.approx(growth, rel=1e-9)
    assert facts["range_ls_fixed_steps"].value == pytest.approx(
        math.log(growth) / math.log(test.lrs[cross] * lam_max - 1), rel=1e-9)
    # the floor and the lagging average
    floor = np.mean((X @ solution - y) ** 2)
    assert facts["range_ls_floor"].value == pytest.approx(floor, rel=1e-9)
    assert facts["range_ls_best_raw"].value == pytest.approx(floor, rel=1e-3)
    assert facts["range_ls_best_smoothed"].value > 10 * floor
    raw = lr_range.range_test_least_squares(x, y, s.start, ch.LS_LR_MIN, ch.LS_LR_MAX, ch.LS_STEPS, smoothing=0.0)
    assert facts["range_ls_raw_overshoot"].value == pytest.approx(raw.stop_lr / limit, rel=1e-12)
    assert 1 < facts["range_ls_raw_overshoot"].value <= facts["range_ls_overshoot"].value
    # a slower sweep overshoots less (the exercise)
    assert (facts["range_ls_overshoot_fewer"].value > facts["range_ls_overshoot"].value
            > facts["range_ls_overshoot_more"].value > 1)


def _replayed_stop_lr(X, y, start, steps, beta, stop_factor):
    """The exponential range test on least squares, full batch, written out with numpy: the rate at
    which the bias-corrected moving average first passes ``stop_factor`` times its lowest value."""
    theta, average, best = start.copy(), 0.0, math.inf
    for k in range(steps):
        # η_k = η_min·(η_max/η_min)^(k/(K − 1))
        eta = ch.LS_LR_MIN * (ch.LS_LR_MAX / ch.LS_LR_MIN) ** (k / (steps - 1))
        residual = X @ theta - y
        average = beta * average + (1 - beta) * np.mean(residual**2)
        shown = average / (1 - beta ** (k + 1))
        best = min(best, shown)
        theta = theta - eta * 2 / len(y) * X.T @ residual
        if shown > stop_factor * best:
            return eta
    return eta


def test_the_minimum_rules_divisor_is_the_ratio_of_its_two_rates(facts):
    """Oracle: the rate at the lowest smoothed loss of the trimmed curve (fastai's first tenth of the
    planned steps and last five points dropped), found here with argmin, over the rule's suggestion."""
    test = ch.curve_view().test
    first = test.planned // 10
    at = test.lrs[first + int(np.argmin(test.smoothed[first:test.steps - 5]))]
    assert facts["range_minimum_at"].value == at
    assert facts["range_minimum_divisor"].value == 10
    assert at / facts["range_minimum_lr"].value == pytest.approx(facts["range_minimum_divisor"].value, rel=1e-12)


def test_the_exercise_step_counts_are_the_chapters_and_their_overshoots_replay(facts):
    """Oracle: the sweep replayed by hand with the exercise's step counts, against 2/λ_max from eigh."""
    s = scenarios.get("original")
    x, y = s.split.x_train, s.split.y_train
    X = np.column_stack([np.ones_like(x), x])
    limit = 2 / np.linalg.eigvalsh(2 / len(x) * X.T @ X)[-1]
    assert facts["range_ls_fewer_steps"].value == ch.LS_FEWER_STEPS < ch.LS_STEPS
    assert facts["range_ls_more_steps"].value == ch.LS_MORE_STEPS > ch.LS_STEPS
    for name, steps in (("range_ls_overshoot_fewer", ch.LS_FEWER_STEPS), ("range_ls_overshoot_more", ch.LS_MORE_STEPS)):
        stop = _replayed_stop_lr(X, y, s.start, steps, lr_range.SMOOTHING, lr_range.STOP_FACTOR)
        assert facts[name].value == pytest.approx(stop / limit, rel=1e-9), name


# ------------------------------------------------------------------ the digits network


def _trained(lr, seed, data):
    """Oracle: a fresh sgd.train run, 20 epochs, batches of 32; inf if it blew up."""
    return _trained_with_accuracy(lr, seed, data)[0]


def _trained_with_accuracy(lr, seed, data):
    """The same run's final validation loss (inf if it blew up) and accuracy, from the network's argmax."""
    run = sgd.train(NET, data, float(lr), ch.CHECK_EPOCHS, 32, seed)
    predicted = np.argmax(network.scores(NET, run.params, data.x_val), axis=1)
    return (math.inf if run.diverged else float(run.epoch_val_loss[-1])), float(np.mean(predicted == data.y_val))


@pytest.fixture(scope="module")
def paired_runs(data):
    """Each seed's own range test, each rule's suggestion trained on that seed, and the reference rate."""
    rate = reference.rate()
    ref, ref_acc = np.array([_trained_with_accuracy(rate, s, data) for s in ch.SEEDS]).T
    rules, accuracy = {}, {"reference": ref_acc}
    for rule in lr_range.RULES:
        lrs = np.array([lr_range.suggest(lr_range.range_test(NET, data, 1e-4, 100.0, 200, seed=s), rule)
                        for s in ch.SEEDS])
        losses, accuracy[rule] = np.array([_trained_with_accuracy(lr, s, data) for lr, s in zip(lrs, ch.SEEDS)]).T
        rules[rule] = (lrs, losses)
    return ref, rules, accuracy


def test_each_rule_trained_on_every_seed_against_the_reference(facts, paired_runs):
    """Oracle: fresh range tests and sgd.train runs per seed; mean, sample sd and wins counted here."""
    ref, rules, accuracy = paired_runs
    assert len(ch.SEEDS) >= 5
    assert facts["range_ref_val_mean"].value == pytest.approx(ref.mean(), rel=1e-12)
    assert facts["range_ref_val_sd"].value == pytest.approx(np.std(ref, ddof=1), rel=1e-12)
    for rule in ("steepest", "minimum", "valley"):
        lrs, losses = rules[rule]
        assert facts[f"range_{rule}_lr"].value == lrs[0]
        assert (facts[f"range_{rule}_lr_lo"].value, facts[f"range_{rule}_lr_hi"].value) == (lrs.min(), lrs.max())
        assert facts[f"range_{rule}_val_mean"].value == pytest.approx(losses.mean(), rel=1e-12)
        assert facts[f"range_{rule}_val_sd"].value == pytest.approx(np.std(losses, ddof=1), rel=1e-12)
        assert facts[f"range_{rule}_wins"].value == sum(a < b for a, b in zip(losses, ref))
    lrs, losses = rules["slide"]
    ok = np.isfinite(losses)
    assert facts["range_slide_blown"].value == np.count_nonzero(~ok) > 0
    assert facts["range_slide_survived"].value == np.count_nonzero(ok)
    assert facts["range_slide_val_mean"].value == pytest.approx(losses[ok].mean(), rel=1e-12)
    assert (facts["range_slide_ok_lo"].value, facts["range_slide_ok_hi"].value) == (lrs[ok].min(), lrs[ok].max())
    assert facts["range_slide_wins"].value == sum(a < b for a, b in zip(losses, ref))
    # the prose: steepest and minimum as good as the reference, by their paired differences; valley lost on
    # every seed
    for rule in ("steepest", "minimum"):
        diff = rules[rule][1] - ref
        assert facts[f"range_{rule}_diff_mean"].value == pytest.approx(diff.mean(), rel=1e-9, abs=1e-15)
        assert facts[f"range_{rule}_diff_sd"].value == pytest.approx(np.std(diff, ddof=1), rel=1e-9)
        assert abs(diff.mean()) < 0.1 * np.std(ref, ddof=1) and np.std(diff, ddof=1) < 0.1 * np.std(ref, ddof=1)
        assert 1 <= facts[f"range_{rule}_wins"].value <= 4
    assert facts["range_steepest_diff_mean"].text().startswith("+")
    assert facts["range_valley_wins"].value == 0
    # accuracy barely separates valley from the reference: its mean within one image, higher on some seeds
    n = len(ch.SEEDS)
    assert facts["range_ref_acc_mean"].value == pytest.approx(100 * accuracy["reference"].mean(), rel=1e-12)
    assert facts["range_valley_acc_mean"].value == pytest.approx(100 * accuracy["valley"].mean(), rel=1e-12)
    images = (accuracy["reference"] - accuracy["valley"]).mean() * 359
    assert facts["range_valley_acc_images"].value == pytest.approx(images, rel=1e-9) and 0 < images < 1
    assert facts["range_valley_acc_wins"].value == np.count_nonzero(accuracy["valley"] > accuracy["reference"])
    assert 0 < facts["range_valley_acc_wins"].value < n
    assert facts["range_valley_below_ref"].value == pytest.approx(
        reference.rate() / np.exp(np.mean(np.log(rules["valley"][0]))), rel=1e-12)
    assert 3 < facts["range_valley_below_ref"].value < 8
    # steepest and minimum on the reference curve's floor, valley below it
    curve = reference.curve()
    floor = curve.lrs[curve.mean <= curve.mean.min() + np.std(ref, ddof=1)]
    assert (facts["range_floor_lo"].value, facts["range_floor_hi"].value) == (floor.min(), floor.max())
    for rule in ("steepest", "minimum"):
        assert floor.min() <= rules[rule][0].min() and rules[rule][0].max() <= floor.max()
    assert rules["valley"][0].max() < floor.min()


def test_smiths_rates_on_every_seed(facts, data, paired_runs):
    """Oracle: each seed's Smith test re-run, max_lr at its accuracy peak, trained fixed and with a cosine
    decay written here, η_t = η₀ (1 + cos(π t / T)) / 2."""
    ref, rules, _ = paired_runs
    total = ch.CHECK_EPOCHS * 45
    max_lrs, decayed, steps = [], [], []
    for seed in ch.SEEDS:
        test = lr_range.range_test(NET, data, 0.01, 10.0, 4 * 45, mode="linear", stop_factor=None, seed=seed)
        max_lr = float(test.lrs[int(np.argmax(test.val_accuracy))])
        run = sgd.train(NET, data, lambda t, m=max_lr: m * (1 + math.cos(math.pi * t / total)) / 2,
                        ch.CHECK_EPOCHS, 32, seed)
        max_lrs.append(max_lr)
        decayed.append(math.inf if run.diverged else float(run.epoch_val_loss[-1]))
        steps.append(run.steps if run.diverged else None)
    max_lrs, decayed = np.array(max_lrs), np.array(decayed)
    assert (facts["range_smith_max_lo"].value, facts["range_smith_max_hi"].value) == (max_lrs.min(), max_lrs.max())
    ok = np.isfinite(decayed)
    assert facts["range_smith_decay_blown"].value == np.count_nonzero(~ok) >= 1
    assert facts["range_smith_decay_blown_lr"].value == max_lrs[~ok].min()
    assert facts["range_smith_decay_blown_steps"].value == min(s for s in steps if s is not None)
    assert facts["range_smith_decay_val_mean"].value == pytest.approx(decayed[ok].mean(), rel=1e-9)
    assert facts["range_smith_decay_val_sd"].value == pytest.approx(np.std(decayed[ok], ddof=1), rel=1e-9)
    assert facts["range_smith_decay_wins"].value == np.count_nonzero(decayed < ref)
    # the prose compares the decay with the reference rate on the seeds where the decay survived
    assert facts["range_smith_decay_ref_mean"].value == pytest.approx(ref[ok].mean(), rel=1e-12)
    assert facts["range_smith_decay_wins"].value == np.count_nonzero(decayed[ok] < ref[ok])
    for divisor, name in ((4, "smith_4"), (3, "smith_3")):
        losses = np.array([_trained(m / divisor, s, data) for m, s in zip(max_lrs, ch.SEEDS)])
        assert facts[f"range_{name}_val_mean"].value == pytest.approx(losses.mean(), rel=1e-12)
        assert facts[f"range_{name}_wins"].value == np.count_nonzero(losses < ref)
        # the prose: better than valley (on most seeds), not better than the reference
        assert ref.mean() < losses.mean() < rules["valley"][1].mean()
        beats = np.count_nonzero(losses < rules["valley"][1])
        assert facts[f"range_{name}_beats_valley"].value == beats >= len(ch.SEEDS) - 1
    # "with the widest spread of the table"
    spreads = [facts[f"range_{n}_val_sd"].value for n in ("steepest", "minimum", "valley", "slide", "smith_4",
                                                          "smith_3", "ref")]
    assert facts["range_smith_decay_val_sd"].value > max(spreads)


def test_the_overshoot_is_the_lag_not_the_network(facts, data):
    """Oracle: one free-running test per seed (no stop), its stop replayed here for ω = 0, 0.95 and 0.98
    with a moving average written out; the blow-up rates from the reference grid's runs."""
    blown = []
    curve = reference.curve()
    for seed in ch.SEEDS:
        runs = [reference.run(float(lr), seed) for lr in curve.lrs]
        blown.append(min(lr for lr, r in zip(curve.lrs, runs) if r.diverged))
    blown = np.array(blown)
    stops = {w: [] for w in (0.0, 0.95, 0.98)}
    for seed in ch.SEEDS:
        free = lr_range.range_test(NET, data, 1e-4, 100.0, 200, stop_factor=None, seed=seed)
        for w in stops:
            stops[w].append(_ema_stop(free.losses, free.lrs, w))
    raw, torch_like, fastai_like = (np.array(stops[w]) for w in (0.0, 0.95, 0.98))
    assert facts["range_raw_stop_lr"].value == raw[0]
    assert (facts["range_raw_stop_lo"].value, facts["range_raw_stop_hi"].value) == (raw.min(), raw.max())
    assert facts["range_torch_omega_stop_lr"].value == torch_like[0]
    assert (facts["range_stop_lo"].value, facts["range_stop_hi"].value) == (fastai_like.min(), fastai_like.max())
    assert facts["range_stop_lr"].value == fastai_like[0]
    assert facts["range_blowup_lr"].value == blown[0]
    # the page: the unsmoothed stop below each seed's blow-up, fastai's above it, on every seed
    assert facts["range_raw_below_blowup"].value == np.count_nonzero(raw < blown) == len(ch.SEEDS)
    assert facts["range_smoothed_above_blowup"].value == np.count_nonzero(fastai_like > blown) == len(ch.SEEDS)
    assert np.all(raw < torch_like) and np.all(torch_like < fastai_like)
    # the unsmoothed stop on seed 0: one batch above 4× the lowest batch so far, and the next batch below it again
    free = lr_range.range_test(NET, data, 1e-4, 100.0, 200, stop_factor=None, seed=0)
    k = next(k for k in range(free.steps) if free.losses[k] > 4 * free.losses[: k + 1].min())
    assert free.lrs[k] == raw[0]
    assert facts["range_raw_trigger_loss"].value == free.losses[k]
    assert facts["range_raw_best_batch"].value == free.losses[:k].min()
    assert facts["range_raw_next_loss"].value == free.losses[k + 1] < 4 * free.losses[:k].min()


def test_the_batches_bottom_out_before_the_smoothed_minimum(facts, data):
    """Oracle: numpy's sliding windows over each seed's batch losses (the test as it stopped), the median
    per window, and the smoothed minimum found on fastai's trimmed curve with argmin."""
    from numpy.lib.stride_tricks import sliding_window_view

    bottoms, ratios = [], []
    for seed in ch.SEEDS:
        test = lr_range.range_test(NET, data, 1e-4, 100.0, 200, seed=seed)
        medians = np.median(sliding_window_view(test.losses, 9), axis=1)
        bottom = test.lrs[int(np.argmin(medians)) + 4]
        lowest = test.lrs[20 + int(np.argmin(test.smoothed[20:test.steps - 5]))]
        bottoms.append(bottom)
        ratios.append(lowest / bottom)
    assert facts["range_bottom_window"].value == 9
    assert facts["range_batch_bottom_lr"].value == bottoms[0]
    assert (facts["range_batch_bottom_lo"].value, facts["range_batch_bottom_hi"].value) == (min(bottoms), max(bottoms))
    assert facts["range_bottom_ratio_lo"].value == pytest.approx(min(ratios), rel=1e-12)
    assert facts["range_bottom_ratio_hi"].value == pytest.approx(max(ratios), rel=1e-12)
    # the page: the batches bottom out a factor of 2 to 4 before the average, well under the divisor of 10
    assert min(ratios) > 2 and max(ratios) < 4 < facts["range_minimum_divisor"].value


def test_the_lag_at_the_minimum(facts):
    """Oracle: the normalised weights ω^age at the minimum's step, their mean age, and η's growth over it."""
    test = ch.exponential()
    first = test.planned // 10
    k = first + int(np.argmin(test.smoothed[first:test.steps - 5]))
    ages = np.arange(k + 1, dtype=float)
    weights = 0.98**ages / np.sum(0.98**ages)
    lag = np.sum(ages * weights)
    assert facts["range_minimum_step"].value == k + 1
    assert facts["range_lag_steps"].value == pytest.approx(lag, rel=1e-9)
    assert facts["range_lag_factor"].value == pytest.approx((1e6 ** (1 / 199)) ** lag, rel=1e-9)
    assert facts["range_lag_limit"].value == pytest.approx(49)
    assert 40 < lag < 45


def test_the_valley_reads_half_its_span_not_two_thirds(facts):
    test = ch.exponential()
    first = test.planned // 10
    lo = list(test.smoothed[first:test.steps - 5])
    start, end = _fastai_valley_bounds(lo)
    m = end - start
    assert facts["range_valley_length"].value == m
    assert facts["range_valley_from"].value == test.lrs[first + start]
    assert facts["range_valley_to"].value == test.lrs[first + end]
    assert facts["range_valley_share"].value == pytest.approx(100 * (_fastai_valley(lo) - start) / m)
    assert 45 <= facts["range_valley_share"].value <= 55
    assert facts["range_valley_two_thirds_lr"].value == test.lrs[first + start + round(2 * m / 3)]
    assert facts["range_valley_two_thirds_lr"].value > 3 * facts["range_valley_lr"].value


def _fastai_rates(start_lr=1e-7, end_lr=10.0, num_it=100):
    """fastai's LRFinder schedule: before batch train_iter = 0 … num_it − 1, SchedExp at train_iter/num_it."""
    return np.array([start_lr * (end_lr / start_lr) ** (i / num_it) for i in range(num_it)])


def _fastai_tests(data):
    """fastai's default range on every seed, checked to take fastai's rates."""
    rates = _fastai_rates()
    tests = [lr_range.range_test(NET, data, rates[0], rates[-1], len(rates), seed=s) for s in ch.SEEDS]
    for t in tests:
        assert np.allclose(t.lrs, rates[:t.steps], rtol=1e-12)
    return tests


def _reference_losses():
    """The reference rate's final validation loss per seed, from the stored reference runs."""
    rate = reference.rate()
    return np.array([reference.run(rate, s).epoch_val_loss[-1] for s in ch.SEEDS])


def _weighted_means(losses, beta=0.98):
    """The bias-corrected average at every step, as the weighted mean Σ β^{k−j} ℓ_j / Σ β^{k−j}."""
    return np.array([np.sum(beta ** np.arange(k, -1, -1.0) * losses[: k + 1]) / np.sum(beta ** np.arange(k + 1.0))
                     for k in range(len(losses))])


def test_the_suggestions_move_with_the_range(facts, data):
    """Oracle: fresh tests over the three ranges, fastai's with its own schedule; the page's claims about
    which rules move and why minimum does not on fastai's range."""
    means, found = {}, {}
    ranges = (("fastai", None), ("ours", (1e-4, 100.0, 200)), ("high", (1e-2, 100.0, 200)))
    for name, args in ranges:
        tests = _fastai_tests(data) if args is None else [lr_range.range_test(NET, data, *args, seed=s) for s in ch.SEEDS]
        found[name] = {r: np.array([lr_range.suggest(t, r) for t in tests]) for r in lr_range.RULES}
        means[name] = {r: found[name][r].mean() for r in lr_range.RULES}
    assert facts["range_valley_fastai_mean"].value == pytest.approx(means["fastai"]["valley"], rel=1e-12)
    assert facts["range_valley_high_mean"].value == pytest.approx(means["high"]["valley"], rel=1e-12)
    assert facts["range_minimum_high_mean"].value == pytest.approx(means["high"]["minimum"], rel=1e-12)
    assert facts["range_minimum_fastai_mean"].value == pytest.approx(means["fastai"]["minimum"], rel=1e-12)
    assert facts["range_steepest_fastai_mean"].value == pytest.approx(means["fastai"]["steepest"], rel=1e-12)
    # valley follows the start of the range
    assert means["fastai"]["valley"] < means["ours"]["valley"] < means["high"]["valley"]
    # all but minimum move; steepest most, and on fastai's range it lies above the floor on most seeds
    spread = {r: max(m[r] for m in means.values()) / min(m[r] for m in means.values()) for r in lr_range.RULES}
    assert facts["range_steepest_range_factor"].value == pytest.approx(spread["steepest"], rel=1e-12)
    assert facts["range_minimum_range_factor"].value == pytest.approx(spread["minimum"], rel=1e-12)
    assert spread["minimum"] == min(spread.values()) < 2 < 5 < spread["steepest"]
    assert spread["steepest"] == max(spread[r] for r in ("steepest", "minimum", "valley"))
    steepest = found["fastai"]["steepest"]
    assert (facts["range_steepest_fastai_lo"].value, facts["range_steepest_fastai_hi"].value) == pytest.approx(
        (steepest.min(), steepest.max()), rel=1e-12)
    ref = _reference_losses()
    curve = reference.curve()
    floor_hi = curve.lrs[curve.mean <= curve.mean.min() + np.std(ref, ddof=1)].max()
    above = np.count_nonzero(steepest > floor_hi)
    assert facts["range_steepest_fastai_above_floor"].value == above > len(ch.SEEDS) // 2


def test_on_fastais_range_the_average_never_reaches_the_stop(facts, data):
    """Oracle: fastai's schedule written here, the tests run to its end, the lag as the mean age of the
    normalised weights ω^age, and the reference grid's fixed-rate runs at end_lr."""
    rates = _fastai_rates()
    tests = _fastai_tests(data)
    assert facts["range_fastai_last_lr"].value == pytest.approx(rates[-1], rel=1e-12) and rates[-1] < 10
    assert facts["range_fastai_end"].value == 10 and facts["range_fastai_steps"].value == 100
    assert facts["range_fastai_stopped"].value == sum(t.stopped for t in tests) == 0
    assert all(t.steps == 100 for t in tests)
    # the batches rise past 4× their lowest by the last step; the average stays near its best
    rise = [t.losses[-1] / t.losses.min() for t in tests]
    assert facts["range_fastai_batch_rise_lo"].value == pytest.approx(min(rise), rel=1e-12) and min(rise) > 4
    assert facts["range_fastai_batch_rise_hi"].value == pytest.approx(max(rise), rel=1e-12)
    ratio = max(_weighted_means(t.losses)[-1] / _weighted_means(t.losses).min() for t in tests)
    assert facts["range_fastai_smoothed_ratio_hi"].value == pytest.approx(ratio, rel=1e-9) and ratio < 1.5
    ages = np.arange(100.0)
    lag = np.sum(ages * 0.98**ages) / np.sum(0.98**ages)
    assert facts["range_fastai_lag_steps"].value == pytest.approx(lag, rel=1e-9)
    per_decade = 1 / np.log10(rates[1] / rates[0])
    assert facts["range_fastai_steps_per_decade"].value == pytest.approx(per_decade, rel=1e-9)
    assert facts["range_fastai_lag_decades"].value == pytest.approx(lag / per_decade, rel=1e-9) and lag / per_decade > 2
    blown = sum(reference.run(10.0, s).diverged for s in ch.SEEDS)
    assert facts["range_fastai_end_blown"].value == blown == len(ch.SEEDS)
    # minimum reads the last point fastai's rules see (recorder[num_it//10:-5]) on every seed; the smoothed
    # curve's lowest point lies beyond it, in the dropped tail
    edge = len(rates) - 5 - 1
    at_edge = [10 + int(np.argmin(_weighted_means(t.losses)[10:-5])) == edge for t in tests]
    assert facts["range_minimum_fastai_at_edge"].value == sum(at_edge) == len(ch.SEEDS)
    assert facts["range_fastai_rules_to"].value == pytest.approx(rates[edge], rel=1e-12)
    lowest = np.array([rates[int(np.argmin(_weighted_means(t.losses)))] for t in tests])
    assert (facts["range_fastai_lowest_lo"].value, facts["range_fastai_lowest_hi"].value) == pytest.approx(
        (lowest.min(), lowest.max()), rel=1e-12)
    assert np.all(lowest > rates[edge])
    assert facts["range_minimum_fastai_mean"].value == pytest.approx(rates[edge] / 10, rel=1e-12)


def test_smiths_first_reading_rises_from_the_first_step(facts, data):
    """Oracle: sgd.train's accuracy before any step is the untrained network's."""
    before = sgd.train(NET, data, 0.01, 1, 32, 0).epoch_val_accuracy[0]
    assert facts["range_initial_percent"].value == pytest.approx(100 * before)
    test = ch.smith()
    first = facts["range_smith_first_steps"].value
    assert facts["range_smith_first_percent"].value == pytest.approx(100 * test.val_accuracy[first - 1])
    assert np.all(np.diff(np.concatenate([[before], test.val_accuracy[:first]])) > 0), "rises from the first step"
    onsets = []
    fastai = _fastai_rates()
    for lo, hi, steps in ((1e-4, 100.0, 200), (fastai[0], fastai[-1], len(fastai)), (1e-2, 100.0, 200)):
        t = lr_range.range_test(NET, data, lo, hi, steps, seed=0)
        onsets.append(t.lrs[np.argmax(t.val_accuracy >= before + 0.05)])
    assert [facts[n].value for n in ("range_onset_lr", "range_onset_fastai_lr", "range_onset_high_lr")] == onsets
    assert max(onsets) / min(onsets) > 2, "the onset moves with the range"


def test_smith_reads_max_lr_at_the_accuracy_peak(facts, data):
    view = ch.smith_view()
    test = view.test
    assert view.reference_lr == reference.rate()
    assert test.mode == "linear" and not test.stopped and test.steps == ch.SMITH_EPOCHS * 45
    assert np.allclose(np.diff(test.lrs), np.diff(test.lrs)[0])
    k = int(np.argmax(test.val_accuracy))
    assert facts["range_smith_max_lr"].value == test.lrs[k]
    assert view.base_range == pytest.approx((test.lrs[k] / 4, test.lrs[k] / 3))
    # oracle for the accuracy: sgd.train with the same rates, then the network's argmax on the validation images
    rates = test.lrs
    run = sgd.train(NET, data, lambda j: float(rates[j]), epochs=ch.SMITH_EPOCHS, seed=0, blowup=1e300)
    assert run.epoch_val_accuracy[-1] == test.val_accuracy[-1]
    predicted = np.argmax(network.scores(NET, run.params, data.x_val), axis=1)
    assert facts["range_smith_end_percent"].value == pytest.approx(100 * np.mean(predicted == data.y_val))


def test_smiths_accuracy_comes_near_its_top_twice_and_dips_between(facts):
    """Oracle: the steps within 2 points of the peak found by a loop; the page's "first at, last at,
    dipping to … in between"."""
    test = ch.smith_view().test
    acc, top = test.val_accuracy, test.val_accuracy.max()
    near = [k for k in range(test.steps) if acc[k] >= top - 0.02]
    first, last = near[0], near[-1]
    assert facts["range_smith_near"].value == 2
    assert (facts["range_smith_near_from"].value, facts["range_smith_near_to"].value) == (test.lrs[first],
                                                                                           test.lrs[last])
    dip = min(range(first, last + 1), key=lambda k: acc[k])
    assert facts["range_smith_dip_percent"].value == pytest.approx(100 * acc[dip], rel=1e-12)
    assert facts["range_smith_dip_lr"].value == test.lrs[dip]
    assert facts["range_smith_near_share"].value == pytest.approx(100 * len(near) / (last - first + 1), rel=1e-12)
    # not a plateau: it dips more than the 2 points, and fewer than half of the steps between are near the top
    assert acc[dip] < top - 0.1 and len(near) < (last - first + 1) / 2
    assert test.lrs[first] < facts["range_smith_max_lr"].value < test.lrs[last]


def test_settings_facts(facts):
    assert facts["range_step_factor"].value == pytest.approx((ch.LR_MAX / ch.LR_MIN) ** (1 / (ch.STEPS - 1)))
    assert facts["range_steps_taken"].value == ch.exponential().steps
    assert facts["range_run_steps"].value == 20 * 45
    assert facts["range_fastai_start_exp"].value == pytest.approx(-7)
    # the page: "both default to 100 steps and trim the same points"
    assert facts["range_fastai_steps"].value == facts["range_torch_steps"].value == 100
    assert facts["range_fastai_skip_start"].value == facts["range_torch_skip_start"].value == 100 // 10
    assert facts["range_torch_omega"].value == pytest.approx(1 - facts["range_torch_smooth_f"].value)
    # every run of the reference grid on seed 0 that did not blow up took all its steps
    runs = [reference.run(float(lr), 0) for lr in reference.grid()]
    assert facts["range_grid_runs_steps"].value == sum(len(r.step_loss) for r in runs)
    assert all(len(r.step_loss) == 900 for r in runs if not r.diverged)
    flat = ch.exponential().smoothed[ch.exponential().lrs <= 0.01]
    assert (facts["range_flat_lo"].value, facts["range_flat_hi"].value) == (flat.min(), flat.max())


def test_fact_names_are_literal_strings():
    parts = [ch._test_facts, ch._library_facts, ch._paired_facts, ch._range_facts, ch._smith_facts,
             ch._least_squares_facts]
    names = []
    for part in parts:
        tree = ast.parse(inspect.getsource(part))
        returned = [node.value for node in ast.walk(tree) if isinstance(node, ast.Return)]
        keys = [k for node in returned if isinstance(node, ast.Dict) for k in node.keys]
        assert keys and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in keys), part
        names += [k.value for k in keys]
    assert all(n.startswith("range_") for n in names) and len(names) == len(set(names))
    assert set(names) == set(ch.facts())


# ------------------------------------------------------------------ figures


def test_the_animation_ends_on_the_stop():
    view = ch.movie_view()
    assert view.ends[0] == 1 and view.ends[-1] == view.curve.test.steps
    assert np.all(np.diff(view.ends) > 0)


def test_the_undivided_minimum_rate_is_trained_on_every_seed_and_summarized():
    """Exercise 2's undivided rate: each seed's smoothed minimum, trained, as mean ± sd (statistics)."""
    import statistics

    losses = []
    for seed in ch.SEEDS:
        test = ch.exponential(seed)
        lr = float(test.lrs[lr_range.suggestion_index(test, "minimum")])
        losses.append(ch.trained(lr, seed).final_val_loss)
    finite = [v for v in losses if math.isfinite(v)]
    facts = ch.facts()
    assert facts["range_minimum_undivided_trained"].value == len(finite)
    assert facts["range_minimum_undivided_val_mean"].value == pytest.approx(statistics.fmean(finite), rel=1e-12)
    assert facts["range_minimum_undivided_val_sd"].value == pytest.approx(statistics.stdev(finite), rel=1e-9)
