"""Chapter "Schedules and adaptive rates": the schedules against their closed forms, SGD-HD against
plain SGD and finite differences, and the chapter's claims against its runs."""

from __future__ import annotations

import math
import statistics
import warnings

import numpy as np
import pytest

from gdsim import hypergradient, network, reference, schedules, sgd, workload
from gdsim.chapters import schedules as chapter
from gdsim.digits import Split

BASE, TOP, SIZE = 0.5, 2.0, 10
FIXED = chapter.FIXED


@pytest.fixture(scope="module")
def data():
    return workload.data()


@pytest.fixture(scope="module")
def facts():
    return chapter.facts()


@pytest.fixture(scope="module")
def small(data):
    """A small slice of the digits, so the SGD-HD checks run in a moment."""
    return Split(data.x_train[:96], data.y_train[:96], data.x_val[:40], data.y_val[:40], data.mean, data.scale)


# ---------------------------------------------------------------- schedules against their closed forms


def test_triangular_is_the_piecewise_linear_zig_zag():
    """Oracle: straight lines between the knots base (even multiples of stepsize) and max (odd ones)."""
    t = np.arange(6 * SIZE + 1)
    knots = np.arange(0, 6 * SIZE + 1, SIZE)
    heights = np.where((knots // SIZE) % 2 == 1, TOP, BASE)
    assert np.allclose(schedules.triangular(t, BASE, TOP, SIZE), np.interp(t, knots, heights), rtol=0, atol=1e-12)
    assert schedules.triangular(0, BASE, TOP, SIZE) == BASE
    assert schedules.triangular(SIZE, BASE, TOP, SIZE) == TOP
    assert schedules.triangular(2 * SIZE, BASE, TOP, SIZE) == BASE
    assert schedules.triangular(SIZE // 2, BASE, TOP, SIZE) == pytest.approx((BASE + TOP) / 2)


def test_triangular2_halves_each_peak_and_exp_range_shrinks_by_gamma():
    peaks = [schedules.triangular2((2 * k + 1) * SIZE, BASE, TOP, SIZE) for k in range(3)]
    assert peaks == pytest.approx([TOP, BASE + (TOP - BASE) / 2, BASE + (TOP - BASE) / 4])
    # every trough is the base, whatever the cycle
    assert schedules.triangular2(np.arange(0, 7 * SIZE, 2 * SIZE), BASE, TOP, SIZE) == pytest.approx(BASE)
    gamma = 0.99
    for t in (3, SIZE, 3 * SIZE + 4):
        height = schedules.triangular(t, BASE, TOP, SIZE) - BASE
        assert schedules.exp_range(t, BASE, TOP, SIZE, gamma) == pytest.approx(BASE + height * gamma**t)
    # γ = 1 is the plain triangle
    t = np.arange(50)
    assert np.array_equal(schedules.exp_range(t, BASE, TOP, SIZE, 1.0), schedules.triangular(t, BASE, TOP, SIZE))


def test_the_decays_match_their_closed_forms():
    t = np.arange(200)
    ratio = schedules.exponential_decay(t[1:], 3.0, 0.02) / schedules.exponential_decay(t[:-1], 3.0, 0.02)
    assert np.allclose(ratio, math.exp(-0.02), rtol=1e-13)
    assert schedules.exponential_decay(0, 3.0, 0.02) == 3.0
    assert schedules.inverse_time_decay(50, 3.0, 0.02) == pytest.approx(1.5)  # halved at t = 1/k
    assert np.allclose(1 / schedules.inverse_time_decay(t, 3.0, 0.02), (1 + 0.02 * t) / 3.0)  # 1/η is linear in t
    # cosine: η₀ at 0, the midpoint at T/2, η_min at T and after
    assert schedules.cosine_decay(0, 2.0, 100, 0.2) == 2.0
    assert schedules.cosine_decay(50, 2.0, 100, 0.2) == pytest.approx(1.1)
    assert schedules.cosine_decay(25, 2.0, 100) == pytest.approx(1 + math.sqrt(0.5))
    assert schedules.cosine_decay(np.array([100, 150]), 2.0, 100, 0.2) == pytest.approx([0.2, 0.2])
    # step: a staircase with a drop at every multiple of `every`
    values = schedules.step_decay(np.array([0, 9, 10, 19, 20, 35]), 1.0, 0.5, 10)
    assert values == pytest.approx([1, 1, 0.5, 0.5, 0.25, 0.125])


@pytest.mark.parametrize("name", list(schedules.SCHEDULES))
def test_each_schedule_takes_one_step_or_an_array(name):
    bound = chapter.schedule(name, 0.5)
    steps = np.arange(0, 900, 7)
    many = bound(steps)
    assert isinstance(bound(3), float) and isinstance(many, np.ndarray) and many.shape == steps.shape
    assert np.array_equal(many, np.array([bound(int(s)) for s in steps]))
    assert np.all(many > 0) and np.all(np.isfinite(many))


def test_a_schedule_drives_training_step_by_step(small):
    """sgd.train records exactly the schedule's closed-form value at every step."""
    bound = schedules.schedule("triangular", base=0.1, max_lr=0.8, stepsize=4)
    run = sgd.train(workload.MLP, small, bound, epochs=2, batch_size=16)
    t = np.arange(run.steps)
    assert np.array_equal(run.step_lr, schedules.triangular(t, 0.1, 0.8, 4))
    by_hand = sgd.train(workload.MLP, small, lambda k: 0.1 + 0.7 * max(0.0, 1 - abs(k / 4 - 2 * math.floor(1 + k / 8) + 1)),
                        epochs=2, batch_size=16)
    assert np.allclose(run.params, by_hand.params, rtol=0, atol=1e-12)


@pytest.mark.parametrize("call, message", [
    (lambda: schedules.exponential_decay(1, 0.0, 0.1), "learning rate"),
    (lambda: schedules.exponential_decay(1, math.nan, 0.1), "learning rate"),
    (lambda: schedules.inverse_time_decay(1, 1.0, -0.1), "decay constant"),
    (lambda: schedules.step_decay(1, 1.0, 0.0, 10), "drop"),
    (lambda: schedules.step_decay(1, 1.0, 0.5, 0), "every"),
    (lambda: schedules.cosine_decay(1, 1.0, 100, lr_min=1.0), "lr_min must be below lr0"),
    (lambda: schedules.cosine_decay(1, 1.0, 0), "total"),
    (lambda: schedules.triangular(1, 2.0, 1.0, 10), "base must be below max_lr"),
    (lambda: schedules.triangular(1, 1.0, 1.0, 10), "base must be below max_lr"),
    (lambda: schedules.triangular(1, -1.0, 1.0, 10), "learning rate"),
    (lambda: schedules.triangular2(1, 0.5, 1.0, 0), "stepsize"),
    (lambda: schedules.triangular(1, 0.5, 1.0, 0.5), "stepsize"),
    (lambda: schedules.exp_range(1, 0.5, 1.0, 10, 1.5), "gamma"),
    (lambda: schedules.triangular(-1, 0.5, 1.0, 10), "step must be at or above zero"),
    (lambda: schedules.triangular([0, math.inf], 0.5, 1.0, 10), "finite"),
    (lambda: schedules.schedule("warmup", lr0=1.0), "unknown schedule"),
    (lambda: schedules.schedule("cosine", lr0=1.0), "takes lr0, total, lr_min"),
    (lambda: schedules.schedule("triangular", base=1.0, max_lr=0.5, stepsize=10), "base must be below"),
])
def test_bad_arguments_say_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------- SGD-HD


def test_beta_zero_is_plain_sgd_bit_for_bit(small):
    plain = sgd.train(workload.MLP, small, 0.3, epochs=3, batch_size=16, seed=4)
    hd = hypergradient.sgd_hd(workload.MLP, small, 0.3, 0.0, epochs=3, batch_size=16, seed=4)
    for field in ("params", "epoch_train_loss", "epoch_val_loss", "epoch_val_accuracy", "step_loss", "step_lr",
                  "update_ratio"):
        assert np.array_equal(getattr(plain, field), getattr(hd, field)), field
    tiny = hypergradient.sgd_hd(workload.MLP, small, 0.3, 1e-14, epochs=3, batch_size=16, seed=4)
    assert np.allclose(tiny.params, plain.params, rtol=0, atol=1e-12)
    assert np.allclose(tiny.step_lr, 0.3, rtol=1e-12)


def test_the_hypergradient_is_the_slope_of_the_loss_in_the_rate(small):
    """Oracle, central finite differences: d/dα f(θ − α g) = −∇f(θ − α g) · g, on one batch."""
    net, theta = workload.MLP, network.initial(workload.MLP, 0)
    x, y = small.x_train[:32], small.y_train[:32]
    _, g = network.loss_and_gradient(net, theta, x, y)
    alpha, h = 0.4, 1e-6
    f = lambda a: network.loss(net, theta - a * g, x, y)  # noqa: E731
    numeric = (f(alpha + h) - f(alpha - h)) / (2 * h)
    _, g_next = network.loss_and_gradient(net, theta - alpha * g, x, y)
    assert -g_next @ g == pytest.approx(numeric, rel=1e-6)


def test_the_rate_follows_the_update_rule(small):
    """Oracle: the batches re-drawn from the seed and the gradients recomputed from the recorded
    parameters' path: α_t − α_{t−1} = β g_t · g_{t−1}, and θ moves by −α_t g_t."""
    beta, lr0 = 0.05, 0.01
    run = hypergradient.sgd_hd(workload.MLP, small, lr0, beta, epochs=1, batch_size=16, seed=3)
    rng = np.random.default_rng(3)
    theta, alpha, previous = network.initial(workload.MLP, 3), lr0, None
    for k, rows in enumerate(sgd.batches(len(small.y_train), 16, rng)):
        _, g = network.loss_and_gradient(workload.MLP, theta, small.x_train[rows], small.y_train[rows])
        alpha = alpha + (beta * float(g @ previous) if previous is not None else 0.0)
        assert run.step_lr[k] == pytest.approx(alpha, rel=1e-12)
        theta, previous = theta - alpha * g, g
    assert np.allclose(run.params, theta, rtol=0, atol=1e-12)


def test_a_huge_beta_stops_cleanly(small):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = hypergradient.sgd_hd(workload.MLP, small, 0.1, 1e4, epochs=5, batch_size=16)
    assert run.diverged and run.final_val_loss == math.inf
    assert np.all(np.isfinite(run.step_lr)) and np.all(np.isfinite(run.step_loss))
    assert run.steps < 5 * 6


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr0=0.0), "learning rate"),
    (dict(lr0=math.inf), "learning rate"),
    (dict(beta=-0.1), "beta"),
    (dict(beta=math.nan), "beta"),
    (dict(epochs=0), "epochs"),
    (dict(batch_size=0), "batch size"),
    (dict(seed=-1), "seed"),
])
def test_sgd_hd_bad_arguments(small, kwargs, message):
    args = dict(lr0=0.1, beta=0.1, epochs=1, batch_size=16, seed=0) | kwargs
    with pytest.raises(ValueError, match=message):
        hypergradient.sgd_hd(workload.MLP, small, **args)


def test_sgd_hd_refuses_empty_data(small):
    empty = Split(small.x_train[:0], small.y_train[:0], small.x_val, small.y_val, small.mean, small.scale)
    with pytest.raises(ValueError, match="x_train must be a non-empty"):
        hypergradient.sgd_hd(workload.MLP, empty, 0.1, 0.1, 1)


# ---------------------------------------------------------------- the chapter's runs and claims


def by_hand(values) -> tuple[float, float]:
    """Oracle for a spread: the mean and the sample sd from the standard library."""
    values = [float(v) for v in values]
    return statistics.fmean(values), statistics.stdev(values)


def finals(name: str, lr: float) -> list[float]:
    return [chapter.run(name, lr, seed).final_val_loss for seed in chapter.SEEDS]


def test_the_two_starts_are_read_off_the_reference_runs(facts):
    """Oracle: the reference grid's stored runs, averaged and scanned by hand."""
    grid = reference.grid()
    means = [statistics.fmean(reference.run(float(lr), s).final_val_loss for s in chapter.SEEDS) for lr in grid]
    assert chapter.start_lr("reference") == grid[means.index(min(means))]
    stable = [lr for lr in grid if not any(reference.run(float(lr), s).diverged for s in chapter.SEEDS)]
    edge = chapter.start_lr("edge")
    assert edge == max(stable) and edge > chapter.start_lr("reference")
    assert facts["schedule_first_blown"].value == chapter.above_edge()[0] == min(lr for lr in grid if lr > edge)
    assert any(reference.run(chapter.above_edge()[0], s).diverged for s in chapter.SEEDS)
    with pytest.raises(ValueError, match="unknown start"):
        chapter.start_lr("middle")


def test_the_chapters_schedules_are_set_as_the_page_says(facts):
    lr, T = chapter.start_lr("edge"), chapter.total_steps()
    assert T == facts["schedule_steps"].value == chapter.EPOCHS * chapter.steps_per_epoch()
    for name in ("exponential", "inverse_time"):
        assert chapter.schedule(name, lr)(T) == pytest.approx(chapter.END_FRACTION * lr)
    assert chapter.schedule("cosine", lr)(T) == 0.0 and chapter.schedule("cosine", lr)(T - 1) > 0
    assert chapter.schedule("step", lr)(T - 1) == pytest.approx(lr / 8)
    s = chapter.schedule("triangular", lr)
    assert (s(0), s(facts["schedule_stepsize"].value)) == pytest.approx((lr / 4, lr))
    assert s(T) == pytest.approx(lr / 4), "the run ends at a cycle's end"
    # a cycle (up and down) lasts schedule_cycle_period epochs: the peaks are that far apart
    peaks = np.flatnonzero(chapter.schedule("triangular", 1.0)(np.arange(T)) == 1.0)
    assert np.all(np.diff(peaks) == facts["schedule_cycle_period"].value * chapter.steps_per_epoch())
    ref = chapter.start_lr("reference")
    assert facts["schedule_ref_tri2_second_peak"].value == pytest.approx(ref / 4 + (ref - ref / 4) / 2)
    assert facts["schedule_ref_cycle_base"].value == pytest.approx(ref / 4)
    k = facts["schedule_exp_k"].value
    assert facts["schedule_exp_ratio"].value == pytest.approx(math.exp(-k))
    half = round(facts["schedule_exp_half"].value)
    assert chapter.schedule("exponential", lr)(half) == pytest.approx(lr / 2, rel=2 * k)
    assert chapter.schedule("inverse_time", lr)(facts["schedule_inv_half"].value) == pytest.approx(lr / 2)
    # the shapes figure draws each schedule divided by its start: the same as a start of 1
    view = chapter.shapes_view()
    assert np.allclose(view.rates["cosine"] * lr, chapter.schedule("cosine", lr)(view.steps))


def test_a_stored_schedule_run_is_the_run_it_names(data):
    """Oracle: the cosine decay written out by hand, trained with the seed's start and batches."""
    lr, T, seed = chapter.start_lr("edge"), chapter.total_steps(), 3
    cosine = lambda t: lr * 0.5 * (1 + math.cos(math.pi * t / T))  # noqa: E731
    fresh = sgd.train(workload.MLP, data, cosine, chapter.EPOCHS, workload.BATCH_SIZE, seed)
    stored = chapter.schedule_run("cosine", lr, seed)
    assert np.allclose(fresh.params, stored.params, rtol=0, atol=1e-9)
    assert fresh.final_val_loss == pytest.approx(stored.final_val_loss, rel=1e-9)
    # the fixed contender is the plain run with that seed
    plain = sgd.train(workload.MLP, data, lr, chapter.EPOCHS, workload.BATCH_SIZE, seed)
    assert plain.final_val_loss == chapter.run("fixed", lr, seed).final_val_loss


@pytest.mark.parametrize("start, tag", [("reference", "ref"), ("edge", "edge")])
def test_each_starts_table_is_its_runs_mean_sd_and_wins(facts, start, tag):
    """Oracle: mean and sample sd from the standard library, wins counted seed by seed."""
    lr = chapter.start_lr(start)
    fixed = finals("fixed", lr)
    mean, sd = by_hand(fixed)
    assert facts[f"schedule_{tag}_fixed_mean"].value == pytest.approx(mean)
    assert facts[f"schedule_{tag}_fixed_sd"].value == pytest.approx(sd)
    for name in chapter.NAMES:
        values = finals(name, lr)
        m, s = by_hand(values)
        assert facts[f"schedule_{tag}_{name}_mean"].value == pytest.approx(m)
        assert facts[f"schedule_{tag}_{name}_sd"].value == pytest.approx(s)
        assert facts[f"schedule_{tag}_{name}_wins"].value == sum(v < f for v, f in zip(values, fixed))
        assert facts[f"schedule_{tag}_{name}_sd_cut"].value == pytest.approx(sd / s)


def test_what_the_page_says_about_the_verdict(facts):
    ref, edge = chapter.comparison("reference"), chapter.comparison("edge")
    seeds = len(chapter.SEEDS)
    # from the reference rate: no schedule has a lower mean, none wins on most seeds, spreads alike
    assert facts["schedule_ref_lower_count"].value == 0 and facts["schedule_ref_majority_count"].value == 0
    assert facts["schedule_ref_most_wins"].value < seeds / 2
    assert all(0.8 < ref.spread(FIXED).sd / ref.spread(n).sd < 1.25 for n in chapter.NAMES)
    assert max(chapter.NAMES, key=lambda n: ref.spread(n).mean) == "inverse_time"
    # from the edge: every mean lower, most win on most seeds, step decay on every seed
    assert facts["schedule_edge_lower_count"].value == len(chapter.NAMES)
    assert facts["schedule_edge_majority_count"].value == len(chapter.NAMES) - 1
    assert edge.wins("step") == seeds
    # the cycles cut the spread more than any decay, the largest cut is a cycle's
    cut = {n: edge.spread(FIXED).sd / edge.spread(n).sd for n in chapter.NAMES}
    assert min(cut[n] for n in chapter.CYCLES) > max(cut[n] for n in chapter.DECAYS) > 1
    assert max(cut, key=cut.get) in chapter.CYCLES and min(cut, key=cut.get) in chapter.DECAYS
    assert facts["schedule_edge_cut_high"].value == pytest.approx(max(cut.values()))
    # the best from the edge is 1/t, below the fixed reference rate's mean but not on most seeds
    best = min(chapter.NAMES, key=lambda n: edge.spread(n).mean)
    assert best == "inverse_time" and edge.spread(best).mean < ref.spread(FIXED).mean
    assert facts["schedule_edge_best_wins_vs_ref"].value == sum(
        a < b for a, b in zip(edge.column(best), ref.column(FIXED))) <= seeds // 2 + 1
    # the fixed rate's training loss is far below its validation loss
    assert facts["schedule_ref_fixed_train"].value < ref.spread(FIXED).mean / 10


def test_from_the_reference_rate_every_decay_ends_with_a_higher_training_loss(facts):
    """Oracle: each run's last-epoch training loss, averaged over the seeds by the standard library."""
    lr = chapter.start_lr("reference")
    train = {n: statistics.fmean(chapter.run(n, lr, s).epoch_train_loss[-1] for s in chapter.SEEDS)
             for n in (FIXED, *chapter.NAMES)}
    assert facts["schedule_ref_fixed_train"].value == pytest.approx(train[FIXED])
    for name in chapter.NAMES:
        assert facts[f"schedule_ref_{name}_train"].value == pytest.approx(train[name])
    decays = [train[n] for n in chapter.DECAYS]
    assert min(decays) > train[FIXED], "every decay ends with a higher training loss than the fixed rate"
    assert (facts["schedule_ref_decay_train_low"].value, facts["schedule_ref_decay_train_high"].value) == \
        pytest.approx((min(decays), max(decays)))
    # 1/t, the earliest to drop, loses most: on the training loss and on the validation loss
    assert max(chapter.DECAYS, key=train.get) == "inverse_time"
    early = {n: chapter.schedule(n, lr)(chapter.steps_per_epoch()) for n in chapter.DECAYS}
    assert min(early, key=early.get) == "inverse_time"


def paired_by_hand(a, b) -> tuple[float, float]:
    """Oracle for a paired difference: the mean and sample sd of a − b, seed by seed."""
    return by_hand([x - y for x, y in zip(a, b)])


def test_near_the_edge_the_paired_differences_rest_on_the_fixed_rates_worst_seed(facts):
    """Oracle: per-seed differences schedule − fixed, with and without the fixed rate's worst seed."""
    edge = chapter.start_lr("edge")
    fixed = finals("fixed", edge)
    worst = chapter.SEEDS[fixed.index(max(fixed))]
    assert facts["schedule_edge_fixed_worst_seed"].value == worst == 1
    assert facts["schedule_edge_fixed_high"].value == pytest.approx(max(fixed))
    flips = []
    for name in chapter.NAMES:
        values = finals(name, edge)
        mean, sd = paired_by_hand(values, fixed)
        assert (facts[f"schedule_edge_{name}_diff_mean"].value, facts[f"schedule_edge_{name}_diff_sd"].value) == \
            pytest.approx((mean, sd))
        assert mean < 0, "every schedule's mean is below the fixed edge rate's"
        kept = [v - f for v, f, s in zip(values, fixed, chapter.SEEDS) if s != worst]
        if statistics.fmean(kept) > 0:
            flips.append(name)
    assert flips == ["cosine", "triangular", "triangular2"]
    assert facts["schedule_edge_flips_without_worst"].value == len(flips)
    # those three: the difference is small against its spread
    for name in flips:
        assert abs(facts[f"schedule_edge_{name}_diff_mean"].value) < facts[f"schedule_edge_{name}_diff_sd"].value / 3
    # step decay wins on every seed
    assert all(v < f for v, f in zip(finals("step", edge), fixed))


def test_ten_more_seeds_check_the_edge_comparison(facts):
    """Oracle: the same runs on seeds 5 … 14, wins counted and sd taken by the standard library."""
    edge, seeds = chapter.start_lr("edge"), range(5, 15)
    assert tuple(seeds) == chapter.EXTRA_SEEDS and not set(seeds) & set(chapter.SEEDS)
    fixed = [chapter.run(FIXED, edge, s).final_val_loss for s in seeds]
    fixed_sd = statistics.stdev(fixed)
    assert facts["schedule_extra_fixed_sd"].value == pytest.approx(fixed_sd)
    cut, wins = {}, {}
    for name in chapter.NAMES:
        values = [chapter.run(name, edge, s).final_val_loss for s in seeds]
        cut[name] = fixed_sd / statistics.stdev(values)
        wins[name] = sum(v < f for v, f in zip(values, fixed))
        assert facts[f"schedule_extra_{name}_sd_cut"].value == pytest.approx(cut[name])
        assert facts[f"schedule_extra_{name}_wins"].value == wins[name]
    # every schedule beat the fixed edge rate on most of the ten seeds
    assert (facts["schedule_extra_wins_low"].value, facts["schedule_extra_wins_high"].value) == \
        (min(wins.values()), max(wins.values()))
    assert min(wins.values()) >= 8
    # the cycles and 1/t narrow the spread on the new seeds too; step, exponential and cosine do not
    here = chapter.comparison("edge")
    here_cut = {n: here.spread(FIXED).sd / here.spread(n).sd for n in chapter.NAMES}
    rest = ("step", "exponential", "cosine")
    assert min(cut[n] for n in chapter.CYCLES) > 2 and cut["inverse_time"] > 2
    assert all(0.9 < cut[n] < 1.1 for n in rest)
    assert min(here_cut[n] for n in chapter.CYCLES) > max(here_cut[n] for n in rest)
    assert (facts["schedule_extra_cycle_cut_low"].value, facts["schedule_extra_cycle_cut_high"].value) == \
        pytest.approx((min(cut[n] for n in chapter.CYCLES), max(cut[n] for n in chapter.CYCLES)))
    assert (facts["schedule_extra_rest_cut_low"].value, facts["schedule_extra_rest_cut_high"].value) == \
        pytest.approx((min(cut[n] for n in rest), max(cut[n] for n in rest)))
    assert (facts["schedule_edge_rest_cut_low"].value, facts["schedule_edge_rest_cut_high"].value) == \
        pytest.approx((min(here_cut[n] for n in rest), max(here_cut[n] for n in rest)))
    assert facts["schedule_edge_cycle_cut_high"].value == pytest.approx(max(here_cut[n] for n in chapter.CYCLES))


def test_from_the_edge_only_one_over_t_comes_level_with_the_reference_rate(facts):
    """Oracle: each schedule from the edge against the fixed reference rate, seed by seed."""
    reference_fixed = finals("fixed", chapter.start_lr("reference"))
    edge, seeds = chapter.start_lr("edge"), len(chapter.SEEDS)
    wins = {}
    for name in chapter.NAMES:
        values = finals(name, edge)
        wins[name] = sum(v < f for v, f in zip(values, reference_fixed))
        assert facts[f"schedule_edge_{name}_wins_vs_ref"].value == wins[name]
    assert [n for n in chapter.NAMES if 2 * wins[n] > seeds] == ["inverse_time"]
    assert wins["triangular"] == wins["triangular2"] == 0
    mean, sd = paired_by_hand(finals("inverse_time", edge), reference_fixed)
    assert (facts["schedule_edge_inverse_time_vs_ref_diff_mean"].value,
            facts["schedule_edge_inverse_time_vs_ref_diff_sd"].value) == pytest.approx((mean, sd))
    assert abs(mean) < sd / 2, "level: the difference is small against its spread"
    # and every schedule's mean from the edge is below the fixed edge rate's
    assert all(statistics.fmean(finals(n, edge)) < statistics.fmean(finals("fixed", edge)) for n in chapter.NAMES)


def test_time_below_the_edge_does_not_order_the_spread(facts):
    """Oracle: the share of steps under the grid's next rate down, from each schedule's closed form:
    the triangle spends (x − base)/(peak − base) of each whole cycle under x; the step decay is under
    it from its first drop; the exponential from t = ln(η₀/x)/μ."""
    edge, T = chapter.start_lr("edge"), chapter.total_steps()
    below = facts["schedule_below_edge_lr"].value
    assert below == pytest.approx(10 ** -0.25 * edge)
    base = chapter.CYCLE_BASE_FRACTION * edge
    assert facts["schedule_edge_triangular_below_share"].value == pytest.approx((below - base) / (edge - base),
                                                                                abs=2 / T)
    assert facts["schedule_edge_step_below_share"].value == pytest.approx(
        1 - chapter.STEP_EVERY * chapter.steps_per_epoch() / T)
    mu = -math.log(chapter.END_FRACTION) / T
    assert facts["schedule_edge_exponential_below_share"].value == pytest.approx(
        1 - math.ceil(math.log(edge / below) / mu) / T, abs=1 / T)
    shares = {n: facts[f"schedule_edge_{n}_below_share"].value for n in chapter.NAMES}
    assert min(shares, key=shares.get) == "triangular"
    # and yet triangular's sd is less than half that of step and exponential decay
    c = chapter.comparison("edge")
    assert c.spread("triangular").sd < min(c.spread("step").sd, c.spread("exponential").sd) / 2


def test_seed_zero_alone_misleads_as_the_third_exercise_says(facts):
    edge = chapter.start_lr("edge")
    fixed = finals("fixed", edge)
    assert facts["schedule_edge_seed0_fixed"].value == fixed[0] == min(fixed)
    assert facts["schedule_edge_seed0_rank"].value == 1
    beaten = sum(chapter.run(n, edge, 0).final_val_loss < fixed[0] for n in chapter.NAMES)
    assert facts["schedule_edge_seed0_beaten"].value == beaten == 1
    # and seed 0's own search picks the edge: the winner's curse
    assert reference.curve().best_per_seed[chapter.SEEDS.index(0)] == edge


def test_sgd_hd_over_the_seeds_settles_around_the_reference_rate(facts):
    """The last epoch's mean rate, by hand, on every seed: within a factor of two across α₀ decades apart,
    and from the lowest α₀ between the reference rate's neighbours on the grid."""
    epoch = chapter.steps_per_epoch()
    settled = np.array([[np.mean(chapter.hd_run(lr0, chapter.HD_BETA, s).step_lr[-epoch:]) for s in chapter.SEEDS]
                        for lr0 in chapter.HD_LR0])
    assert math.log10(max(chapter.HD_LR0) / min(chapter.HD_LR0)) >= 4
    ratio = settled.max(axis=0) / settled.min(axis=0)
    assert np.all(ratio < 2) and facts["hd_end_ratio"].value == pytest.approx(ratio.max())
    low = settled[0]
    assert (facts["hd_end_low"].value, facts["hd_end_high"].value) == pytest.approx((low.min(), low.max()))
    # the run from the highest α₀ settles above the others, on every seed
    assert np.all(settled[-1] > settled[:-1].max(axis=0))
    assert (facts["hd_end_top_low"].value, facts["hd_end_top_high"].value) == \
        pytest.approx((settled[-1].min(), settled[-1].max()))
    assert (facts["hd_end_rest_low"].value, facts["hd_end_rest_high"].value) == \
        pytest.approx((settled[:-1].min(), settled[:-1].max()))
    ref = chapter.start_lr("reference")
    assert facts["schedule_grid_lower"].value < low.min() < ref < low.max() < facts["schedule_grid_upper"].value
    assert all(np.all(chapter.hd_run(lr0, chapter.HD_BETA, s).step_lr > 0)
               for lr0 in chapter.HD_LR0 for s in chapter.SEEDS)


def test_sgd_hd_against_the_fixed_rates_as_the_page_says(facts):
    ref, edge = chapter.start_lr("reference"), chapter.start_lr("edge")
    hd = [chapter.hd_run(chapter.HD_LR0[0], chapter.HD_BETA, s).final_val_loss for s in chapter.SEEDS]
    mean, sd = by_hand(hd)
    assert (facts["hd_mean"].value, facts["hd_sd"].value) == pytest.approx((mean, sd))
    assert facts["hd_wins_vs_edge"].value == sum(h < f for h, f in zip(hd, finals("fixed", edge))) == 4
    wins_ref = sum(h < f for h, f in zip(hd, finals("fixed", ref)))
    assert facts["hd_wins_vs_ref"].value == wins_ref
    # "level with a well-chosen fixed rate, not better": within its sd, and not on every seed
    fixed_mean, fixed_sd = by_hand(finals("fixed", ref))
    assert abs(mean - fixed_mean) < fixed_sd and wins_ref < len(chapter.SEEDS)
    family = [by_hand([chapter.hd_run(lr0, chapter.HD_BETA, s).final_val_loss for s in chapter.SEEDS])[0]
              for lr0 in chapter.HD_LR0]
    assert (facts["hd_val_low"].value, facts["hd_val_high"].value) == pytest.approx((min(family), max(family)))
    assert max(family) < fixed_mean + fixed_sd


def test_what_the_page_says_about_beta(facts):
    seeds = chapter.SEEDS
    timid, chosen, bold = ([chapter.hd_run(chapter.BETA_LR0, b, s) for s in seeds] for b in chapter.BETAS)
    assert chapter.BETAS[0] == chapter.BAYDIN_BETA
    # the first hypergradient: α₁ − α₀ = β g₁·g₀, so it is the same for every β
    first = [(r[0].step_lr[1] - r[0].step_lr[0]) / b for r, b in zip((timid, chosen, bold), chapter.BETAS)]
    assert first == pytest.approx([facts["hd_first_dot"].value] * 3, rel=1e-9)
    # the largest move of the timid rate in one step, by a loop over the steps
    moves = [max(abs(r.step_lr[k] - r.step_lr[k - 1]) for k in range(1, r.steps)) for r in timid]
    assert facts["hd_timid_largest_move"].value == pytest.approx(moves[0])
    assert facts["hd_timid_largest_move_seeds"].value == pytest.approx(max(moves))
    assert moves[0] > facts["hd_first_move"].value
    fixed = finals("fixed", chapter.start_lr("reference"))
    assert all(t.final_val_loss > f for t, f in zip(timid, fixed)), "behind the reference rate on every seed"
    assert facts["hd_timid_end_high"].value < 0.2 * min(chapter.end_rate(r) for r in chosen)
    assert all(np.all(r.step_lr > 0) for r in chosen) and all(np.any(r.step_lr < 0) for r in bold)
    assert facts["hd_bold_negative_seeds"].value == len(seeds)
    assert facts["hd_bold_blown"].value == sum(r.diverged for r in bold) == 1
    assert facts["hd_bold_negative"].value == np.count_nonzero(bold[0].step_lr < 0)
    assert facts["hd_chosen_wins_vs_bold"].value == len(seeds)
    wild = chapter.hd_run(chapter.BETA_LR0, chapter.BETA_BLOWUP, 0)
    assert wild.diverged and facts["hd_wild_steps"].value == wild.steps < chapter.steps_per_epoch()
    # β = BETA_BLOWUP on every seed: most blow up within a few steps, one lasts with negative rates
    wilds = [chapter.hd_run(chapter.BETA_LR0, chapter.BETA_BLOWUP, s) for s in seeds]
    blown = [r.steps for r in wilds if r.diverged]
    assert facts["hd_wild_blown"].value == len(blown) == len(seeds) - 1
    assert (facts["hd_wild_steps_low"].value, facts["hd_wild_steps_high"].value) == (min(blown), max(blown))
    assert max(blown) < chapter.steps_per_epoch()
    survivor = next(s for s, r in zip(seeds, wilds) if not r.diverged)
    lasted = wilds[seeds.index(survivor)]
    assert facts["hd_wild_survivor_seed"].value == survivor
    assert facts["hd_wild_survivor_steps"].value == lasted.steps == chapter.total_steps()
    assert facts["hd_wild_survivor_negative"].value == sum(1 for a in lasted.step_lr if a < 0) > 0


def test_the_fourth_exercise_runs_as_written_end_at_the_reference_runs_loss(data, facts):
    """The exercise's two calls, with the reference rate and the epoch budget: one run, bit for bit."""
    lr, epochs = chapter.start_lr("reference"), chapter.EPOCHS
    hd = hypergradient.sgd_hd(workload.MLP, data, lr0=lr, beta=0.0, epochs=epochs)
    plain = sgd.train(workload.MLP, data, lr, epochs=epochs)
    assert np.array_equal(hd.params, plain.params)
    assert hd.final_val_loss == plain.final_val_loss == facts["schedule_ref_fixed_seed0"].value


def test_a_blown_run_is_inf_in_a_comparison_and_its_spread_says_so():
    view = chapter.beta_view()
    bold = view.finals.spread(chapter.hd_name(chapter.BETA_LR0, chapter.BETAS[-1]))
    assert bold.blown == 1 and bold.sd == math.inf and math.isinf(bold.high)
    assert view.finals.labels[:2] == (f"fixed {chapter.start_lr('reference'):.3g}",
                                      f"fixed {chapter.start_lr('edge'):.3g}")


def test_the_final_loss_plots_give_each_seed_one_marker_shape_in_every_row():
    """The per-seed markers of the verdict figure: in every row, seed k is drawn with marker k."""
    import matplotlib.pyplot as plt

    from gdsim.draw import schedules as draw

    view = chapter.training_view()
    fig = draw.training(view)
    try:
        ax = fig.axes[0]
        seeds = len(view.comparisons[0].seeds)
        for row in range(len(view.comparisons[0].names)):
            y = row + draw.SEED_OFFSET
            markers = [line.get_marker() for line in ax.lines if len(line.get_ydata()) == 1
                       and line.get_ydata()[0] == pytest.approx(y)]
            assert markers == list(draw.SEED_MARKERS[:seeds])
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="marker shapes"):
        draw._marker_handles(tuple(range(len(draw.SEED_MARKERS) + 1)))


def test_the_extra_seeds_paired_differences_are_the_runs_subtracted_seed_by_seed():
    """Schedule − fixed from the edge on the ten extra seeds, recomputed from the stored runs."""
    facts, edge = chapter.facts(), chapter.start_lr("edge")
    fixed = [chapter.run("fixed", edge, seed).final_val_loss for seed in chapter.EXTRA_SEEDS]
    for name in ("cosine", "triangular", "triangular2"):
        diff = [chapter.run(name, edge, seed).final_val_loss - f for seed, f in zip(chapter.EXTRA_SEEDS, fixed)]
        assert facts[f"schedule_extra_{name}_diff_mean"].value == pytest.approx(statistics.fmean(diff), abs=1e-12)
        assert facts[f"schedule_extra_{name}_diff_sd"].value == pytest.approx(statistics.stdev(diff), rel=1e-9)
        assert facts[f"schedule_extra_{name}_diff_mean"].value < 0
