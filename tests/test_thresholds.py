"""The "how big is too big" simulation: sweeps, table rows, one-axis thresholds and step counts,
checked against ``stability``, ``quadratic`` and gradient descent itself."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdsim import facts, model, quadratic, stability, thresholds
from gdsim.descent import gradient_descent
from gdsim.scenario import three

NAMES = thresholds.NAMES
SCENARIOS = dict(zip(NAMES, three()))
EACH = pytest.mark.parametrize("name", NAMES)


@pytest.fixture(scope="module")
def sweeps():
    return thresholds.sweeps()


@pytest.fixture(scope="module")
def rows():
    return {row.name: row for row in thresholds.table()}


# ------------------------------------------------------------------ the sweep


@EACH
def test_sweep_below_threshold_ends_finite_and_below_start(sweeps, name):
    s = sweeps[name]
    below = s.lrs < s.threshold
    assert below.sum() > 100
    assert np.all(np.isfinite(s.losses[below]))
    assert not s.diverged[below].any()
    assert np.all(s.losses[below] < s.start_loss)


@EACH
def test_sweep_above_threshold_ends_above_start_or_diverges(sweeps, name):
    s = sweeps[name]
    above = s.lrs > s.threshold * (1 + 1e-9)
    assert above.sum() > 50
    assert np.all(s.diverged[above] | (s.losses[above] > s.start_loss))
    assert s.unstable[above].all() and not s.unstable[s.lrs < s.threshold].any()


@EACH
def test_empirical_boundary_is_within_one_spacing_of_two_over_lambda_max(sweeps, name):
    s = sweeps[name]
    predicted = stability.max_stable_lr(stability.design_matrix(SCENARIOS[name].split.x_train))
    assert s.threshold == predicted
    assert abs(s.boundary - predicted) <= s.spacing
    assert s.last_stable <= predicted * (1 + 1e-9) < s.first_unstable
    assert s.first_unstable - s.last_stable == pytest.approx(s.spacing)


@EACH
def test_sweep_losses_are_real_gradient_descent_runs(sweeps, name):
    s, sc = sweeps[name], SCENARIOS[name]
    for k in (10, 150, 210):
        run = gradient_descent(sc.split.x_train, sc.split.y_train, sc.start, float(s.lrs[k]), s.steps)
        assert run.diverged == s.diverged[k]
        if not run.diverged:
            assert run.losses[-1] == s.losses[k]


def test_sweep_floor_and_start_are_the_least_squares_and_starting_losses(sweeps):
    for name, s in sweeps.items():
        sc = SCENARIOS[name]
        x, y = sc.split.x_train, sc.split.y_train
        assert s.start_loss == model.mse(sc.start, x, y)
        assert s.best_loss == pytest.approx(model.mse(sc.solution, x, y))
        assert np.all(s.losses[np.isfinite(s.losses)] >= s.best_loss * (1 - 1e-12))


def test_sweep_of_a_tiny_problem_by_hand():
    # x = [0, 1, 2], y = 2x: H = (2/3)[[3, 3], [3, 5]]
    x, y = np.array([0.0, 1.0, 2.0]), np.array([0.0, 2.0, 4.0])
    s = thresholds.sweep(x, y, [0.0, 0.0], np.linspace(0.5, 1.5, 101), steps=400)
    lam_max = max(np.linalg.eigvalsh(2 / 3 * np.array([[3.0, 3.0], [3.0, 5.0]])))
    assert s.threshold == pytest.approx(2 / lam_max)
    assert abs(s.boundary - s.threshold) <= s.spacing


def test_sweep_that_never_crosses_says_so():
    sc = SCENARIOS["original"]
    s = thresholds.sweep(sc.split.x_train, sc.split.y_train, sc.start, np.linspace(0.2, 0.9, 8), steps=50)
    with pytest.raises(ValueError, match="does not cross"):
        s.boundary


@pytest.mark.parametrize(
    "ratios, match",
    [([], "non-empty"), ([[0.5, 1.0]], "1-D"), ([0.5, np.nan], "finite"), ([0.0, 1.0], "positive"),
     ([-1.0, 1.0], "positive"), ([1.0, 0.5], "increasing"), ([1.0, 1.0], "increasing")],
)
def test_sweep_rejects_bad_ratios(ratios, match):
    sc = SCENARIOS["original"]
    with pytest.raises(ValueError, match=match):
        thresholds.sweep(sc.split.x_train, sc.split.y_train, sc.start, ratios)


@pytest.mark.parametrize("steps", [0, -3, 2.5, True, "10"])
def test_sweep_rejects_bad_step_counts(steps):
    sc = SCENARIOS["original"]
    with pytest.raises(ValueError, match="steps"):
        thresholds.sweep(sc.split.x_train, sc.split.y_train, sc.start, [0.5, 1.5], steps=steps)


@pytest.mark.parametrize(
    "xs, ys, start, match",
    [
        ([], [], [0.0, 0.0], "non-empty"),
        ([1.0, np.nan], [1.0, 2.0], [0.0, 0.0], "finite"),
        ([1.0, 2.0, 3.0], [1.0, 2.0], [0.0, 0.0], "one length"),
        ([1.0, 2.0], [1.0, 2.0], [0.0], "start"),
        ([1.0, 2.0], [1.0, 2.0], [0.0, np.inf], "start"),
    ],
)
def test_public_functions_reject_bad_problems(xs, ys, start, match):
    with pytest.raises(ValueError, match=match):
        thresholds.sweep(xs, ys, start, [0.5, 1.5])
    with pytest.raises(ValueError, match=match):
        thresholds.table_row("bad input", xs, ys, start)
    with pytest.raises(ValueError, match=match):
        thresholds.steps_to_converge(xs, ys, start, 0.1)


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.1", None])
def test_steps_to_converge_rejects_bad_learning_rates(lr):
    sc = SCENARIOS["original"]
    with pytest.raises(ValueError, match="learning rate"):
        thresholds.steps_to_converge(sc.split.x_train, sc.split.y_train, sc.start, lr)


# ------------------------------------------------------------------ the table


@EACH
def test_table_rows_equal_the_stability_functions(rows, name):
    row, X = rows[name], stability.design_matrix(SCENARIOS[name].split.x_train)
    lam = stability.eigenvalues(X)
    assert (row.lam_min, row.lam_max) == (lam[0], lam[-1])
    assert row.max_lr == stability.max_stable_lr(X)
    assert row.best_lr == stability.best_lr(X)
    assert row.kappa == stability.condition_number(X)
    assert row.best_contraction == stability.best_contraction(X)
    assert row.steps_bound == stability.steps_to_tolerance(X, row.best_lr, thresholds.TOLERANCE)
    h = stability.hessian(X)
    assert (row.h_bb, row.h_ww, row.h_bw) == (h[0, 0], h[1, 1], h[0, 1])


@EACH
def test_bisected_boundary_matches_the_formula(rows, name):
    row = rows[name]
    assert row.boundary == pytest.approx(row.max_lr, rel=0.005)
    assert row.boundary >= row.max_lr * (1 - 1e-4)


@EACH
def test_steps_counted_on_a_run_equal_the_bound_at_the_best_step(rows, name):
    # at η* both error components shrink by exactly ρ*, so the bound is met with equality
    row, sc = rows[name], SCENARIOS[name]
    assert row.steps_run == pytest.approx(row.steps_bound, abs=1)
    k = int(row.steps_run)
    solution = model.least_squares(sc.split.x_train, sc.split.y_train)
    run = gradient_descent(sc.split.x_train, sc.split.y_train, sc.start, row.best_lr, k)
    errors = np.linalg.norm(run.params - solution, axis=1)
    assert errors[k] <= thresholds.TOLERANCE * errors[0]
    assert k == 1 or errors[k - 1] > thresholds.TOLERANCE * errors[0]


def test_step_counts_order_by_condition_number(rows):
    original, bad, standardized = (rows[n] for n in NAMES)
    assert standardized.kappa == pytest.approx(1.0) and standardized.steps_run == 1
    assert original.kappa < bad.kappa and original.steps_run < bad.steps_run
    # iterations grow roughly linearly with κ
    assert bad.steps_run / original.steps_run == pytest.approx(bad.kappa / original.kappa, rel=0.1)


def test_steps_to_converge_is_infinite_at_or_above_the_limit(rows):
    sc, row = SCENARIOS["original"], rows["original"]
    assert thresholds.steps_to_converge(sc.split.x_train, sc.split.y_train, sc.start, 1.01 * row.max_lr) == math.inf


# ------------------------------------------------------------------ one axis at a time


@EACH
def test_one_axis_thresholds_are_two_over_the_diagonal(rows, name):
    row, x = rows[name], SCENARIOS[name].split.x_train
    assert row.axis_lr_b == pytest.approx(1.0)
    assert row.axis_lr_w == pytest.approx(1.0 / np.mean(x**2))
    assert thresholds.axis_thresholds(x) == (row.axis_lr_b, row.axis_lr_w)
    # the joint limit is never above either one-axis limit (λ_max ≥ max diagonal entry)
    assert row.max_lr <= min(row.axis_lr_b, row.axis_lr_w) * (1 + 1e-12)


def test_one_axis_thresholds_explain_the_learning_rate_chapter(rows):
    from gdsim.experiments import RATES, cut_run

    row = rows["original"]
    big, very_big = RATES["big"], RATES["very-big"]
    assert row.max_lr < min(row.axis_lr_b, row.axis_lr_w)  # strictly: the coupling is not zero
    assert big < row.max_lr < very_big < row.axis_lr_w
    assert row.axis_lr_b < very_big
    # along b alone 1.1 climbs; along w alone it settles
    b_run, w_run = cut_run("b", very_big), cut_run("w", very_big)
    assert b_run.losses[-1] > b_run.losses[0]
    assert w_run.losses[-1] < w_run.losses[0]


@pytest.mark.parametrize("bad_x", [[], [np.nan, 1.0], [[1.0, 2.0]]])
def test_axis_thresholds_reject_bad_features(bad_x):
    with pytest.raises(ValueError):
        thresholds.axis_thresholds(bad_x)


# ------------------------------------------------------------------ principal axes


@EACH
def test_arrows_reach_the_same_contour(name):
    axes, sc = thresholds.hessian_axes()[name], SCENARIOS[name]
    x, y = sc.split.x_train, sc.split.y_train
    for i in range(2):
        tip = axes.solution + axes.lengths[i] * axes.vectors[:, i]
        assert model.mse(tip, x, y) == pytest.approx(axes.level, rel=1e-9)
        assert np.max(np.abs(axes.vectors[:, i])) == np.max(axes.vectors[:, i])  # largest component positive
    # lengths ∝ 1/√λ
    assert axes.lengths[0] / axes.lengths[1] == pytest.approx(np.sqrt(axes.eigenvalues[1] / axes.eigenvalues[0]))
    # the longest arrow stays inside the window
    tip = axes.solution + axes.lengths[0] * axes.vectors[:, 0]
    assert sc.grid.b[0] < tip[0] < sc.grid.b[-1] and sc.grid.w[0] < tip[1] < sc.grid.w[-1]


# ------------------------------------------------------------------ x²


def test_parabola_runs_cover_the_four_regimes():
    runs = thresholds.parabola_runs()
    assert [quadratic.regime(run.lr) for run in runs.values()] == [
        quadratic.MONOTONE, quadratic.OSCILLATING, quadratic.BOUNCING, quadratic.DIVERGING,
    ]
    for run in runs.values():
        assert run.steps == thresholds.REGIME_STEPS and not run.diverged
        np.testing.assert_allclose(run.params[:, 0], quadratic.iterates(thresholds.PARABOLA_START, run.lr, run.steps))


def test_step_story_numbers():
    story = thresholds.step_story()
    assert list(story.positions) == [2.0, 1.0, -4.0]
    assert list(story.losses) == [4.0, 1.0, 16.0]
    assert story.slopes[-1] == -8.0
    assert story.tiny_steps_needed == 20_000
    np.testing.assert_allclose(story.lr_run.params[:, 0], [2.0, 1.0, 0.5, 0.25, 0.125])


def test_tangents_touch_the_parabola_with_slope_two_x():
    for t in thresholds.tangents():
        assert t.loss == t.x0**2 and t.slope == 2 * t.x0
        np.testing.assert_allclose(np.diff(t.line) / np.diff(t.xs), t.slope)


def test_step_counts_match_quadratic_and_mark_never_as_inf():
    counts = thresholds.parabola_step_counts()
    assert 0.5 in counts.lrs and 1.0 in counts.lrs
    assert counts.steps[counts.lrs == 0.5][0] == 1
    assert np.all(np.isinf(counts.steps[counts.lrs >= 1.0]))
    assert np.all(np.isfinite(counts.steps[counts.lrs < 1.0]))
    for lr in (0.05, 0.3, 0.8, 0.95):
        k = int(np.flatnonzero(np.isclose(counts.lrs, lr))[0])
        assert counts.steps[k] == quadratic.steps_to_reach(2.0, lr, thresholds.PARABOLA_TOL)
    # η and 1 − η shrink |x| by the same factor, so they need the same number of steps
    assert counts.steps[np.isclose(counts.lrs, 0.1)][0] == counts.steps[np.isclose(counts.lrs, 0.9)][0]


@pytest.mark.parametrize("lrs", [[], [0.1, -0.2], [0.2, 0.1], [[0.1]]])
def test_step_counts_reject_bad_rates(lrs):
    with pytest.raises(ValueError):
        thresholds.step_counts(lrs)


# ------------------------------------------------------------------ facts


def test_threshold_facts_are_the_simulation_numbers(rows):
    f = facts.compute()
    for name in NAMES:
        row = rows[name]
        assert f[f"lam_max_{name}"].value == row.lam_max
        assert f[f"eta_max_{name}"].value == row.max_lr
        assert f[f"eta_best_{name}"].value == row.best_lr
        assert f[f"kappa_{name}"].value == row.kappa
        assert f[f"steps_best_{name}"].value == row.steps_bound
        assert f[f"steps_run_{name}"].value == row.steps_run
        assert f[f"axis_lr_w_{name}"].value == row.axis_lr_w
    assert f["axis_lr_b_original"].text() == "1"
    assert f["kappa_standardized"].text() == "1"
    assert f["rho_best_standardized"].text() == "0"
    assert f["regime_half"].value == 0.5 and f["regime_one"].value == 1.0
    assert f["big_percent_of_threshold"].value < 100 < f["very_big_percent_of_threshold"].value
