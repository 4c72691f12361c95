"""The edge of stability on the demo: sharpness against 2/η, checked against independent
measurements (a Lanczos iteration with full reorthogonalization written here, the bowl's exact
λ_max, the loss itself)."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim import network, sharpness, stability
from gdsim.chapters import edge_of_stability as E


def _reference_top_few(product, n, count, iterations=300, seed=11):
    """The ``count`` largest eigenvalues, largest first, by plain Lanczos, every new vector
    reorthogonalized against all the earlier ones: the top eigenvalues of the tridiagonal matrix T
    of the Krylov space's α and β."""
    q = np.random.default_rng(seed).normal(size=n)
    Q, alphas, betas = [q / np.linalg.norm(q)], [], []
    for _ in range(iterations):
        w = product(Q[-1])
        alphas.append(Q[-1] @ w)
        basis = np.array(Q)
        for _ in range(2):  # twice is enough (Kahan: "twice is enough")
            w = w - basis.T @ (basis @ w)
        beta = np.linalg.norm(w)
        if beta < 1e-10:
            break
        betas.append(beta)
        Q.append(w / beta)
    k = len(alphas)
    T = np.diag(alphas) + np.diag(betas[:k - 1], 1) + np.diag(betas[:k - 1], -1)
    return np.linalg.eigvalsh(T)[::-1][:count]


def _reference_top(product, n, iterations=150, seed=11):
    """λ_max by the reference Lanczos."""
    return _reference_top_few(product, n, 1, iterations, seed)[0]


def _replayed(lr, steps, seed=E.SEED):
    """The chapter's descent replayed here: θ ← θ − η∇L(θ) for ``steps`` steps on the subset."""
    x, labels = E.subset()
    params = network.initial(E.NET, seed).copy()
    for _ in range(steps):
        params -= lr * network.loss_and_gradient(E.NET, params, x, labels)[1]
    return params


def _reference_sharpness(params):
    x, labels = E.subset()
    return _reference_top(lambda v: network.hessian_vector_product(E.NET, params, x, labels, v), E.NET.size)


@pytest.mark.parametrize("lr", [0.2, 0.25])
def test_the_sharpness_rises_from_below_2_over_eta_to_it_and_stays_while_the_loss_falls(lr):
    run = E.run(lr)
    ratio = run.sharpness / run.limit
    inside = np.abs(ratio - 1) <= 0.1
    outside = np.flatnonzero(~inside)
    first = outside[-1] + 1  # where the last stretch within 10 % of 2/η begins
    assert first < len(ratio) - 40, "it reaches 2/η and stays there for the last thousand steps and more"
    assert ratio[first - 1] < 0.9, "it comes from below"
    assert run.measured_at[first] == E.at_edge_from(run)
    assert ratio[first:].max() < 1.1 and run.losses[-1] < run.losses[0] and not run.diverged


def test_a_small_rate_sharpens_without_reaching_its_limit_and_the_loss_falls_every_step():
    run = E.run(E.RATES[0])
    assert np.all(run.sharpness[1:] / run.limit < 0.9) and E.at_edge_from(run) is None
    assert np.all(np.diff(run.losses) < 0)
    assert run.sharpness[-1] > run.sharpness[4:].min() * 1.3, "progressive sharpening"


def test_the_rate_that_starts_too_sharp_is_pushed_down_to_its_edge():
    run = E.run(E.RATES[-1])
    assert run.sharpness[0] > 1.5 * run.limit and run.sharpness.min() < run.limit
    assert abs(run.sharpness[-1] / run.limit - 1) < 0.05 and np.mean(np.diff(run.losses) > 0) > 0.2


def test_every_measurement_meets_the_stated_bound():
    for lr in E.RATES:
        assert np.all(E.run(lr).residuals <= E.TOL)


@pytest.mark.parametrize("lr, index", [(0.4, 0), (0.4, 8), (0.25, 39)])
def test_the_measurements_agree_with_a_reference_lanczos_to_the_stated_accuracy(lr, index):
    """At the start, at η = 0.4's peak (step 200) and at η = 0.25's (step 975)."""
    run = E.run(lr)
    step = run.measured_at[index]
    assert step in (0, run.measured_at[1 + np.argmax(run.sharpness[1:])])
    assert run.sharpness[index] == pytest.approx(_reference_sharpness(_replayed(lr, step)), rel=E.TOL)


@pytest.mark.parametrize("lr", [0.25, 0.4])
def test_the_sharpness_overshoots_then_a_loss_spike_throws_it_back(lr):
    run, peak = E.run(lr), E.peak(E.run(lr))
    percent = 100 * run.sharpness / run.limit
    assert peak.percent == pytest.approx(percent[1:].max()) and peak.percent > 105
    # the loss at least doubles within CATAPULT steps of the peak, then the sharpness is below its peak by 5 points
    window = run.losses[peak.step:peak.step + E.CATAPULT + 1]
    assert peak.spike_loss == window.max() and peak.spike_loss > 2 * run.losses[peak.step]
    after = percent[(run.measured_at > peak.spike_step) & (run.measured_at <= peak.spike_step + E.CATAPULT)]
    assert after.min() == pytest.approx(peak.after_percent) and peak.after_percent < peak.percent - 5


@pytest.mark.parametrize("lr", [0.25, 0.4])
def test_late_in_training_the_sharpness_sits_just_above_2_over_eta(lr):
    run = E.run(lr)
    mean = np.mean(run.sharpness[run.measured_at >= E.STEPS // 2]) * lr / 2 * 100
    assert E.late(run).mean == pytest.approx(mean)
    assert 100 < mean < 105


@pytest.mark.parametrize("lr", [0.25, 0.4])
def test_at_the_edge_a_step_multiplies_the_gradient_along_v_by_one_minus_eta_lambda(lr):
    f = E.factor(lr)
    c = E.run(lr).top_component[E.LATE_FROM:]
    assert f.measured == pytest.approx(np.median(c[1:] / c[:-1]))
    assert -1.1 < f.measured < -1 and f.measured == pytest.approx(f.predicted, abs=0.05)
    assert f.size == pytest.approx(1, abs=0.01) and f.flips_pct > 95


@pytest.mark.parametrize("lr", E.SEED_RATES)
def test_from_every_start_the_edge_rates_train_and_sit_just_above_2_over_eta(lr):
    check = E.seed_check(lr)
    assert len(check.late) == len(E.SEEDS) >= 5
    assert all(100 < level.mean < 105 for level in check.late)
    assert not check.diverged.any() and np.all(check.peak > 100)


def test_seed_zero_is_the_chapters_run_and_the_seeds_are_read_at_the_same_steps():
    r = E.seed_series(E.SEED_RATES[0], 0)
    assert r is E.run(E.SEED_RATES[0])
    other = E.seed_series(E.SEED_RATES[0], 1)
    assert set(other.measured_at) <= set(r.measured_at)
    assert E.late(r, E.SEED_EVERY).mean == pytest.approx(
        100 * np.mean(r.sharpness[(r.measured_at >= E.LATE_FROM) & (r.measured_at % E.SEED_EVERY == 0)]) / r.limit)


def test_on_the_bowl_the_sharpness_is_lambda_max_and_a_rate_above_two_over_it_diverges():
    b = E.bowl()
    X = stability.design_matrix(E.scenarios.get(E.BOWL).split.x_train)
    assert b.lam_max == pytest.approx(np.linalg.eigvalsh(stability.hessian(X)).max(), rel=1e-12)
    for measured in b.sharpness:
        np.testing.assert_allclose(measured, b.lam_max, rtol=1e-9)
    below, above = b.losses
    assert below[-1] < 1e-5 * below[0] and above[-1] > 1e4 * above[0]
    # far from the start, the excess loss grows by (1 − ηλ_max)² per step along the steep direction
    assert above[-1] / above[-2] == pytest.approx((1 - b.rates[1] * b.lam_max) ** 2, rel=1e-3)
    # below the limit it falls at every step: a straight line on the log scale, no zig-zag
    assert np.all(np.diff(below) < 0)


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=-0.1), "learning rate"),
    (dict(every=0), "between measurements"),
    (dict(start=np.zeros(3)), "must have 4810 entries"),
    (dict(steps=0), "number of steps"),
    (dict(tol=0.0), "tolerance"),
])
def test_bad_input_says_what_is_wrong(kwargs, message):
    x, labels = E.subset()
    args = dict(net=E.NET, x=x, labels=labels, lr=0.1, steps=2, every=1, start=network.initial(E.NET))
    with pytest.raises(ValueError, match=message):
        sharpness.descent_with_sharpness(**(args | kwargs))
    with pytest.raises(ValueError, match="empty"):
        sharpness.descent_with_sharpness(E.NET, x[:0], labels[:0], 0.1, 2, 1, network.initial(E.NET))


def test_the_first_exercise_the_dip_deepens_a_little_below_and_much_at_the_rate_too_large():
    """Oracle: the lowest sharpness in the first DIP steps, read off each run here."""
    facts = E.facts()
    dips = []
    for lr in E.RATES:
        r = E.run(lr)
        dips.append(r.sharpness[r.measured_at <= E.DIP].min())
    names = ("small", "mid", "upper", "big")
    for name, value in zip(names, dips):
        assert facts[f"eos_{name}_dip"].value == pytest.approx(value)
    assert dips[0] > dips[1] > dips[2], "a little deeper the larger the rate, even below the limit"
    assert facts["eos_dip_spread_pct"].value == pytest.approx(100 * (1 - dips[2] / dips[0]))
    assert facts["eos_big_dip_below_pct"].value == pytest.approx(100 * (1 - dips[3] / dips[0]))
    assert facts["eos_dip_spread_pct"].value < 5 < 25 < facts["eos_big_dip_below_pct"].value
    assert dips[3] < 0.8 * min(dips[:3]) and dips[3] < 2 / E.RATES[3], "deeper, below its limit, at η = 0.4"
    assert E.RATES[2] * E.run(E.RATES[2]).sharpness[0] / 2 - 1 < 0.01, "η = 0.25 starts barely above 2/λ"


def test_the_third_exercise_the_small_rates_distance_from_its_limit():
    """Oracle: the descent at the small rate replayed here, its sharpness at the end measured by
    the reference Lanczos."""
    facts = E.facts()
    lr = facts["eos_small_lr"].value
    tight = _reference_sharpness(_replayed(lr, E.run(lr).measured_at[-1]))
    # 2/η over the sharpness reached
    assert facts["eos_small_limit_over_end"].value == pytest.approx((2 / lr) / tight, rel=1e-3)
    assert facts["eos_small_limit_over_end"].value > 2  # "more than twice": still far from the edge


@pytest.mark.parametrize("lr, name", [(0.25, "upper"), (0.4, "big")])
def test_at_the_edge_more_than_one_curvature_sits_at_2_over_eta(lr, name):
    """Oracle: the run replayed here to its last step, its three largest eigenvalues by the reference
    Lanczos; the earlier late points against the run's own λ_max."""
    facts, spectrum, run = E.facts(), E.late_spectrum(lr), E.run(lr)
    assert list(spectrum.steps) == list(range(E.LATE_FROM, E.STEPS + 1, E.SPECTRUM_EVERY))
    assert np.all(spectrum.residuals <= E.TOL)
    top = run.sharpness[np.searchsorted(run.measured_at, spectrum.steps)]
    np.testing.assert_allclose(spectrum.values[:, 0], top, rtol=E.TOL)
    x, labels = E.subset()
    params = _replayed(lr, E.STEPS)
    reference = _reference_top_few(lambda v: network.hessian_vector_product(E.NET, params, x, labels, v),
                                   E.NET.size, 3)
    np.testing.assert_allclose(spectrum.values[-1], reference, rtol=E.TOL)
    second, third = 100 * spectrum.values[:, 1] / run.limit, 100 * spectrum.values[:, 2] / run.limit
    assert facts[f"eos_{name}_second_low_pct"].value == pytest.approx(second.min())
    assert facts[f"eos_{name}_second_high_pct"].value == pytest.approx(second.max())
    assert facts[f"eos_{name}_third_low_pct"].value == pytest.approx(third.min())
    assert facts[f"eos_{name}_second_over"].value == np.sum(second > 100) >= 2
    assert facts[f"eos_{name}_end_second"].value == pytest.approx(reference[1], rel=E.TOL)
    assert reference[1] > run.limit, "at the last step the second curvature is above 2/η too"
    assert np.all(np.abs(second - 100) < 2.5), "within 2.5 % of 2/η at every late point"


@pytest.mark.parametrize("lr, name", [(0.25, "upper"), (0.4, "big")])
def test_the_rule_overstates_the_regrowth_and_the_excess_below_minus_one(lr, name):
    """Oracle: the step factors and the growth from the crossing to the spike, read off the run by
    a loop here (the sharpness interpolated between measurements by hand)."""
    facts, run = E.facts(), E.run(lr)
    c = run.top_component[E.LATE_FROM:]
    ratios = c[1:] / c[:-1]
    assert facts[f"eos_{name}_grows_pct"].value == pytest.approx(100 * np.mean(np.abs(ratios) > 1))
    assert 60 < facts[f"eos_{name}_grows_pct"].value < 95, "most steps, not every step"
    f = E.factor(lr)
    excess, size_err = 100 * (f.measured + 1) / (f.predicted + 1), 100 * abs(f.measured / f.predicted - 1)
    assert facts[f"eos_{name}_excess_pct"].value == pytest.approx(excess)
    assert facts[f"eos_{name}_factor_size_err_pct"].value == pytest.approx(size_err)
    assert size_err < 2.5 and excess < 75, "the size within a few %, the excess well below the rule's"
    start = E.first_over(run)
    peak = E.peak(run)
    window = np.abs(run.top_component[peak.step:peak.spike_step + 1])
    end = peak.step + int(np.argmax(window))
    total = 0.0
    for k in range(start, end):
        j = np.searchsorted(run.measured_at, k, side="right") - 1
        a, b = run.measured_at[j], run.measured_at[min(j + 1, len(run.measured_at) - 1)]
        lam = run.sharpness[j] if b == a else run.sharpness[j] + (k - a) / (b - a) * (run.sharpness[j + 1]
                                                                                        - run.sharpness[j])
        total += np.log(abs(1 - lr * lam))
    grown = np.log(abs(run.top_component[end]) / abs(run.top_component[start]))
    assert facts[f"eos_{name}_growth_predicted"].value == pytest.approx(total, rel=1e-9)
    assert facts[f"eos_{name}_growth_measured"].value == pytest.approx(grown, rel=1e-9)
    assert 10 < grown < 0.8 * total, "large, but well below what the rule's product predicts"


def test_the_seeds_losses_and_how_clear_each_overshoot_was():
    """Oracle: each seed's run read here: final losses, and the peak against the late high, both on
    the SEED_EVERY grid."""
    facts = E.facts()
    ends = {}
    for lr, name in zip(E.SEED_RATES, ("upper", "big")):
        runs = [E.seed_series(lr, seed) for seed in E.SEEDS]
        ends[name] = np.array([r.losses[-1] for r in runs])
        assert facts[f"eos_{name}_seed_loss_mean"].value == pytest.approx(ends[name].mean())
        assert facts[f"eos_{name}_seed_loss_sd"].value == pytest.approx(ends[name].std(ddof=1))
        assert facts[f"eos_{name}_seed_loss_low"].value == pytest.approx(ends[name].min())
        assert facts[f"eos_{name}_seed_loss_high"].value == pytest.approx(ends[name].max())
        margins = []
        for r in runs:
            grid = r.measured_at % E.SEED_EVERY == 0
            pct, steps = 100 * r.sharpness[grid] / r.limit, r.measured_at[grid]
            margins.append(pct[1:].max() - pct[steps >= E.LATE_FROM].max())
        margins = np.array(margins)
        assert facts[f"eos_{name}_seed_overshoot"].value == np.sum(margins > E.OVERSHOOT)
        assert facts[f"eos_{name}_seed_overshoot_least"].value == pytest.approx(margins.min())
    assert facts["eos_upper_seed_overshoot"].value == 5 and facts["eos_big_seed_overshoot"].value == 4
    assert facts["eos_big_seed_beats_upper"].value == np.sum(ends["big"] < ends["upper"])
    # on seed 0 both end below η = 0.1
    assert max(ends["big"][0], ends["upper"][0]) < E.run(E.RATES[0]).losses[-1]


def test_the_largest_rate_flattens_without_a_loss_spike_at_the_start():
    """Oracle: the loss of η = 0.4's run read step by step here."""
    facts, run = E.facts(), E.run(E.RATES[3])
    n = facts["eos_big_falls_first"].value
    assert np.all(np.diff(run.losses[: n + 1]) < 0) and run.losses[n + 1] > run.losses[n]
    assert facts["eos_big_eta_lam0"].value == pytest.approx(E.RATES[3] * run.sharpness[0])
    assert 2 < facts["eos_big_eta_lam0"].value < 4, "in the catapult range of Lewkowycz et al."
    assert run.sharpness[run.measured_at <= n].min() == pytest.approx(facts["eos_big_lowest"].value)
