"""Chapter "How big is too big": the table, the sweep across 2/λ_max and the Hessian's axes,
checked against closed forms of the 2×2 Hessian, ``numpy.linalg`` and gradient descent itself."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdsim import scenarios
from gdsim.chapters import how_big as ch
from gdsim.chapters.learning_rate import RATES
from gdsim.descent import EXPLODE_FACTOR, gradient_descent, gradient_descent_many

NAMES = scenarios.NAMES
EACH = pytest.mark.parametrize("name", NAMES)


def hessian_by_hand(x: np.ndarray) -> np.ndarray:
    """H = (2/n)XᵀX for X = [1, x], written out: 2·[[1, mean x], [mean x, mean x²]]."""
    return 2 * np.array([[1.0, np.mean(x)], [np.mean(x), np.mean(x * x)]])


def problem(name: str):
    s = scenarios.get(name)
    return s.split.x_train, s.split.y_train, s.start


@pytest.fixture(scope="module")
def view():
    return ch.sweeps()


@pytest.fixture(scope="module")
def sweeps(view):
    return {s.name: s for s in view.sweeps}


@pytest.fixture(scope="module")
def rows():
    return {row.name: row for row in ch.table()}


@pytest.fixture(scope="module")
def facts():
    return ch.facts()


# ------------------------------------------------------------------ batched descent


@EACH
def test_batched_runs_equal_a_loop_of_gradient_descent_bit_for_bit(sweeps, name):
    x, y, start = problem(name)
    s = sweeps[name]
    many = gradient_descent_many(x, y, start, s.lrs, s.steps)
    # every fourth rate, and both rates either side of every change between stable and diverged
    edges = np.flatnonzero(np.diff(many.diverged.astype(int)))
    picked = sorted({*range(0, len(s.lrs), 4), *edges, *(edges + 1), len(s.lrs) - 1})
    for k in picked:
        lr = s.lrs[k]
        run = gradient_descent(x, y, start, float(lr), s.steps)
        assert many.diverged[k] == run.diverged
        assert many.steps[k] == run.steps
        assert many.final_losses[k] == run.losses[-1]
        assert np.array_equal(many.finals[k], run.final)
        assert s.losses[k] == (math.inf if run.diverged else run.losses[-1])
    assert many.diverged.any() and not many.diverged.all()


def test_batched_runs_stop_by_the_explode_rule():
    # x = [1], y = [0], start [1, 0]: L = e² with e = b + w, and ∇L = [2e, 2e], so each step
    # multiplies e by 1 − 4η: 0.6 (shrinks), −1 (bounces at loss 1), −11 (explodes)
    x, y = np.array([1.0]), np.array([0.0])
    many = gradient_descent_many(x, y, [1.0, 0.0], [0.1, 0.5, 3.0], 50)
    assert list(many.diverged) == [False, False, True]
    assert list(many.steps[:2]) == [50, 50]
    # the stopped run holds only losses under EXPLODE_FACTOR × the start loss of 1
    assert many.final_losses[1] == 1.0
    # 11²ᵏ ≤ 10⁶ holds up to k = 2, so the run stopped after 2 steps, at loss 11⁴
    assert many.steps[2] == 2 and many.final_losses[2] == pytest.approx(11.0**4)
    assert many.final_losses[2] <= EXPLODE_FACTOR


@pytest.mark.parametrize("lrs", [[], [0.1, -0.2], [0.1, float("nan")], [[0.1]], [None]])
def test_batched_runs_reject_bad_rates(lrs):
    x, y, start = problem("original")
    with pytest.raises(ValueError):
        gradient_descent_many(x, y, start, lrs, 10)


@pytest.mark.parametrize("steps", [0, -1, 2.5, True])
def test_batched_runs_reject_bad_step_counts(steps):
    x, y, start = problem("original")
    with pytest.raises(ValueError, match="steps"):
        gradient_descent_many(x, y, start, [0.1], steps)


# ------------------------------------------------------------------ the sweep


@EACH
def test_sweep_threshold_is_two_over_the_largest_eigenvalue(sweeps, name):
    x, _, _ = problem(name)
    s = sweeps[name]
    assert s.threshold == pytest.approx(2 / np.linalg.eigvalsh(hessian_by_hand(x))[-1], rel=1e-12)
    np.testing.assert_allclose(s.ratios, ch.SWEEP_RATIOS, rtol=1e-12)
    np.testing.assert_allclose(s.lrs, ch.SWEEP_RATIOS * s.threshold, rtol=1e-12)


@EACH
def test_sweep_is_stable_below_the_limit_and_unstable_above(sweeps, name):
    s = sweeps[name]
    below, above = s.lrs < s.threshold, s.lrs > s.threshold * (1 + 1e-9)
    assert below.sum() > 100 and above.sum() > 50
    assert np.all(np.isfinite(s.losses[below])) and not s.diverged[below].any()
    assert np.all(s.losses[below] < s.start_loss)
    assert np.all(s.diverged[above] | (s.losses[above] > s.start_loss))
    assert np.array_equal(s.unstable, s.diverged | (s.losses > s.start_loss))


@EACH
def test_sweep_edge_lies_on_the_prediction(sweeps, name):
    s = sweeps[name]
    assert abs(s.boundary - s.threshold) <= s.spacing
    assert s.last_stable <= s.threshold * (1 + 1e-9) < s.first_unstable
    assert s.first_unstable - s.last_stable == pytest.approx(s.spacing)
    assert s.boundary == pytest.approx((s.last_stable + s.first_unstable) / 2)
    assert s.boundary_ratio * s.threshold == pytest.approx(s.boundary)


@EACH
def test_sweep_floor_and_start_are_the_least_squares_and_starting_losses(sweeps, name):
    x, y, start = problem(name)
    s = sweeps[name]
    solution, *_ = np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y, rcond=None)
    assert s.best_loss == pytest.approx(np.mean((solution[0] + solution[1] * x - y) ** 2), rel=1e-12)
    assert s.start_loss == pytest.approx(np.mean((start[0] + start[1] * x - y) ** 2), rel=1e-12)
    assert np.all(s.losses[np.isfinite(s.losses)] >= s.best_loss * (1 - 1e-12))


def test_sweep_of_a_tiny_problem_by_hand():
    # x = [0, 1, 2], y = 2x: H = (2/3)[[3, 3], [3, 5]]
    x, y = np.array([0.0, 1.0, 2.0]), np.array([0.0, 2.0, 4.0])
    s = ch.sweep(x, y, [0.0, 0.0], np.linspace(0.5, 1.5, 101), steps=400)
    lam_max = max(np.linalg.eigvalsh(2 / 3 * np.array([[3.0, 3.0], [3.0, 5.0]])))
    assert s.threshold == pytest.approx(2 / lam_max)
    assert abs(s.boundary - s.threshold) <= s.spacing


def test_sweep_that_never_crosses_says_so():
    x, y, start = problem("original")
    with pytest.raises(ValueError, match="does not cross"):
        ch.sweep(x, y, start, np.linspace(0.2, 0.9, 8), steps=50)


@pytest.mark.parametrize("ratios", [[], [[0.5, 1.0]], [0.5, np.nan], [0.0, 1.0], [1.0, 0.5], [1.0, 1.0]])
def test_sweep_rejects_bad_ratios(ratios):
    x, y, start = problem("original")
    with pytest.raises(ValueError):
        ch.sweep(x, y, start, ratios)


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
        ch.sweep(xs, ys, start, [0.5, 1.5])
    with pytest.raises(ValueError, match=match):
        ch.table_row("bad input", xs, ys, start)
    with pytest.raises(ValueError, match=match):
        ch.steps_to_converge(xs, ys, start, 0.1)


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.1", None])
def test_steps_to_converge_rejects_bad_learning_rates(lr):
    x, y, start = problem("original")
    with pytest.raises(ValueError, match="learning rate"):
        ch.steps_to_converge(x, y, start, lr)


# ------------------------------------------------------------------ the table


@EACH
def test_table_rows_match_the_closed_form_hessian(rows, name):
    row, (x, _, _) = rows[name], problem(name)
    h = hessian_by_hand(x)
    lam = np.linalg.eigvalsh(h)
    assert (row.lam_min, row.lam_max) == pytest.approx((lam[0], lam[1]), rel=1e-10)
    assert (row.h_bb, row.h_ww, row.h_bw) == pytest.approx((h[0, 0], h[1, 1], h[0, 1]), rel=1e-12, abs=1e-14)
    assert row.max_lr == pytest.approx(2 / lam[1], rel=1e-10)
    assert row.best_lr == pytest.approx(2 / (lam[0] + lam[1]), rel=1e-10)
    assert row.kappa == pytest.approx(lam[1] / lam[0], rel=1e-9)
    # ρ* is the worst factor max|1 − η*λᵢ|, and the bound the smallest k with ρ*ᵏ ≤ 10⁻⁶
    rho = max(abs(1 - row.best_lr * lam))
    assert row.best_contraction == pytest.approx(rho, abs=1e-12)
    if rho > 1e-12:
        k = 1
        while rho**k > ch.TOLERANCE:
            k += 1
        assert row.steps_bound == k
    else:
        assert row.steps_bound == 1


@EACH
def test_bisected_boundary_matches_the_formula(rows, name):
    row = rows[name]
    assert row.boundary == pytest.approx(row.max_lr, rel=0.005)
    assert row.boundary >= row.max_lr * (1 - 1e-4)


@EACH
def test_steps_counted_on_a_run_reach_the_tolerance_and_no_sooner(rows, name):
    # at η* both error components shrink by exactly ρ*, so the bound is met with equality
    row, (x, y, start) = rows[name], problem(name)
    assert row.steps_run == pytest.approx(row.steps_bound, abs=1)
    k = int(row.steps_run)
    solution, *_ = np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y, rcond=None)
    run = gradient_descent(x, y, start, row.best_lr, k)
    errors = np.linalg.norm(run.params - solution, axis=1)
    assert errors[k] <= ch.TOLERANCE * errors[0]
    assert k == 1 or errors[k - 1] > ch.TOLERANCE * errors[0]


def test_step_counts_order_by_condition_number(rows):
    original, bad, standardized = (rows[n] for n in NAMES)
    assert standardized.kappa == pytest.approx(1.0) and standardized.steps_run == 1
    assert original.kappa < bad.kappa and original.steps_run < bad.steps_run
    # iterations grow roughly linearly with κ
    assert bad.steps_run / original.steps_run == pytest.approx(bad.kappa / original.kappa, rel=0.1)


def test_steps_to_converge_is_infinite_above_the_limit(rows):
    x, y, start = problem("original")
    assert ch.steps_to_converge(x, y, start, 1.01 * rows["original"].max_lr) == math.inf


@EACH
def test_one_axis_thresholds_are_two_over_the_diagonal(rows, name):
    row, (x, _, _) = rows[name], problem(name)
    assert row.axis_lr_b == pytest.approx(1.0)
    assert row.axis_lr_w == pytest.approx(1.0 / np.mean(x**2))
    # the joint limit is never above either one-axis limit (λ_max ≥ max diagonal entry)
    assert row.max_lr <= min(row.axis_lr_b, row.axis_lr_w) * (1 + 1e-12)


def test_one_axis_thresholds_explain_the_learning_rate_chapter(rows):
    row = rows["original"]
    x, y, start = problem("original")
    big, very_big = RATES["big"], RATES["very_big"]
    assert row.max_lr < min(row.axis_lr_b, row.axis_lr_w)  # strictly: the coupling is not zero
    assert big < row.max_lr < very_big < row.axis_lr_w
    assert row.axis_lr_b < very_big
    # walking along b alone, 1.1 climbs; along w alone it settles; both at once it diverges
    along_b = gradient_descent(x, y, start, very_big, 20, update=("b",))
    along_w = gradient_descent(x, y, start, very_big, 20, update=("w",))
    assert along_b.losses[-1] > along_b.losses[0] and along_w.losses[-1] < along_w.losses[0]
    assert gradient_descent(x, y, start, very_big, 400).diverged


@pytest.mark.parametrize("bad_x", [[], [np.nan, 1.0], [[1.0, 2.0]]])
def test_axis_thresholds_reject_bad_features(bad_x):
    with pytest.raises(ValueError):
        ch.axis_thresholds(bad_x)


# ------------------------------------------------------------------ principal axes


@EACH
def test_arrows_follow_eigenvectors_to_one_contour(name):
    found = {m.name: m for m in ch.hessian_axes().maps}[name]
    x, y, _ = problem(name)
    h = hessian_by_hand(x)
    solution, *_ = np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y, rcond=None)
    np.testing.assert_allclose(found.solution, solution, rtol=1e-10)
    for i in range(2):
        v = found.vectors[:, i]
        np.testing.assert_allclose(h @ v, found.eigenvalues[i] * v, atol=1e-10)
        assert np.max(np.abs(v)) == np.max(v)  # largest component positive: arrows point up or right
        tip = found.tips[:, i]
        np.testing.assert_allclose(tip, solution + found.lengths[i] * v, rtol=1e-12)
        assert np.mean((tip[0] + tip[1] * x - y) ** 2) == pytest.approx(found.level, rel=1e-9)
        # the dashed axis line runs through the minimum along v, beyond the window on both sides
        a, b = found.lines[i][:, 0], found.lines[i][:, 1]
        d, r = b - a, solution - a
        assert d[0] * r[1] - d[1] * r[0] == pytest.approx(0, abs=1e-9)
        np.testing.assert_allclose(abs(np.dot((b - a) / np.linalg.norm(b - a), v)), 1, rtol=1e-12)
    # lengths ∝ 1/√λ, and the longest arrow stays inside the window
    assert found.lengths[0] / found.lengths[1] == pytest.approx(np.sqrt(found.eigenvalues[1] / found.eigenvalues[0]))
    g = found.grid
    assert g.b[0] < found.tips[0, 0] < g.b[-1] and g.w[0] < found.tips[1, 0] < g.w[-1]
    assert found.kappa == pytest.approx(found.eigenvalues[1] / found.eigenvalues[0])
    assert found.round_bowl == (name == "standardized")


# ------------------------------------------------------------------ facts


def test_table_facts_equal_the_hessian_computed_here(facts):
    """Oracle: each problem's Hessian written out by hand and numpy.linalg.eigvalsh, not the chapter's rows."""
    for name in NAMES:
        x, y, start = problem(name)
        lam_min, lam_max = np.linalg.eigvalsh(hessian_by_hand(x))
        assert facts[f"lam_min_{name}"].value == pytest.approx(lam_min, rel=1e-9)
        assert facts[f"lam_max_{name}"].value == pytest.approx(lam_max, rel=1e-9)
        assert facts[f"kappa_{name}"].value == pytest.approx(lam_max / lam_min, rel=1e-9)
        assert facts[f"eta_max4_{name}"].value == pytest.approx(2 / lam_max, rel=1e-9)
        assert facts[f"eta_best_{name}"].value == pytest.approx(2 / (lam_min + lam_max), rel=1e-9)
        # the contraction bound: the smallest k with ρ*ᵏ ≤ 10⁻⁶, ρ* = (λmax − λmin)/(λmax + λmin)
        rho = (lam_max - lam_min) / (lam_max + lam_min)
        bound = 1 if rho < 1e-12 else math.ceil(math.log(ch.TOLERANCE) / math.log(rho))
        assert facts[f"steps_best_{name}"].value == bound
        # an actual run at η* reaches the tolerance no later than the bound says
        assert facts[f"steps_run_{name}"].value <= bound
        # the bisected boundary sits within 0.5 % of 2/λ_max
        assert facts[f"boundary_{name}"].value == pytest.approx(2 / lam_max, rel=5e-3)
    assert facts["kappa_standardized"].text() == "1"
    assert facts["rho_best_standardized"].text() == "0"
    assert facts["axis_lr_b_original"].text() == "1"
    assert facts["h_bb_original"].text() == "2"


def test_sweep_facts_by_hand(facts, sweeps):
    assert facts["sweep_runs"].value == 300 and facts["sweep_steps"].value == 400
    assert facts["sweep_spacing_percent"].text() == "0.5" and facts["sweep_max_ratio"].value == 1.5
    for name in NAMES:
        assert facts[f"sweep_last_stable_{name}"].value == sweeps[name].last_stable
        assert facts[f"sweep_first_unstable_{name}"].value == sweeps[name].first_unstable
    # exactly at 2/λ_max the steep part bounces: after 400 steps the loss is still just under the start
    x, y, start = problem("original")
    at_limit = gradient_descent(x, y, start, 2 / np.linalg.eigvalsh(hessian_by_hand(x))[-1], 400)
    assert facts["sweep_loss_at_threshold"].value == pytest.approx(at_limit.losses[-1], rel=1e-6)
    assert facts["sweep_loss_at_threshold"].value < facts["sweep_start_loss"].value
    assert facts["sweep_start_loss"].value == pytest.approx(np.mean((start[0] + start[1] * x - y) ** 2))


def test_learning_rate_chapter_facts_by_hand(facts):
    x, _, _ = problem("original")
    lam_max = np.linalg.eigvalsh(hessian_by_hand(x))[-1]
    big, very_big = RATES["big"], RATES["very_big"]
    assert facts["big_percent_of_threshold"].value == pytest.approx(100 * big * lam_max / 2)
    assert facts["very_big_percent_of_threshold"].value == pytest.approx(100 * very_big * lam_max / 2)
    assert facts["big_percent_of_threshold"].value < 100 < facts["very_big_percent_of_threshold"].value
    assert facts["big_steep_factor"].value == pytest.approx(1 - big * lam_max)
    assert facts["very_big_steep_factor"].value == pytest.approx(1 - very_big * lam_max)
    assert facts["big_steep_shrink_percent"].value == pytest.approx(100 * (1 - abs(1 - big * lam_max)))
    assert facts["very_big_grow_percent"].value == pytest.approx(100 * (abs(1 - very_big * lam_max) - 1))
    assert facts["eta_max_original"].value == pytest.approx(2 / lam_max)
    assert facts["h_ww_original"].value == pytest.approx(2 * np.mean(x**2))
    assert facts["h_bw_original"].value == pytest.approx(2 * np.mean(x))
    assert facts["axis_lr_w_original"].value == pytest.approx(1 / np.mean(x**2))


def test_ratio_and_gap_facts(rows, facts):
    orig, bad = rows["original"], rows["bad"]
    assert facts["kappa_ratio_bad"].value == pytest.approx(bad.kappa / orig.kappa)
    assert facts["steps_ratio_bad"].value == pytest.approx(bad.steps_bound / orig.steps_bound)
    gaps = [abs(r.boundary - r.max_lr) / r.max_lr for r in rows.values()]
    assert facts["boundary_gap_percent"].value == pytest.approx(100 * max(gaps))
    assert facts["boundary_gap_percent"].value < 0.5


def test_fact_names_are_literal_strings():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(ch.facts))
    keys = [k for node in ast.walk(tree) if isinstance(node, ast.Dict) for k in node.keys]
    assert keys and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in keys)


# ------------------------------------------------------------------ figures


def test_error_along_axes_facts_by_hand(facts):
    """Oracle: eigenvalues of the hand-written Hessian; each part of the error is multiplied by 1 − ηλ."""
    x, y, start = problem("original")
    lam_min, lam_max = np.linalg.eigvalsh(hessian_by_hand(x))
    small, big = RATES["small"], RATES["big"]
    best = 2 / (lam_min + lam_max)
    assert facts["axis_steps"].value == ch.AXIS_ERROR_STEPS
    expected = {
        "axis_flat_factor_small": 1 - small * lam_min, "axis_steep_factor_small": 1 - small * lam_max,
        "axis_flat_factor_big": 1 - big * lam_min, "axis_steep_factor_big": 1 - big * lam_max,
        "axis_flat_factor_best": 1 - best * lam_min, "axis_steep_factor_best": 1 - best * lam_max,
    }
    for name, value in expected.items():
        assert facts[name].value == pytest.approx(value, rel=1e-9), name
    # at η* the two factors are ±ρ*
    rho = (lam_max - lam_min) / (lam_max + lam_min)
    assert facts["axis_flat_factor_best"].value == pytest.approx(rho) == -facts["axis_steep_factor_best"].value
    k = ch.AXIS_ERROR_STEPS
    assert facts["axis_flat_left_small_percent"].value == pytest.approx(100 * (1 - small * lam_min) ** k, rel=1e-9)
    assert facts["axis_flat_left_big_percent"].value == pytest.approx(100 * (1 - big * lam_min) ** k, rel=1e-9)
    assert facts["axis_steep_left_big_percent"].value == pytest.approx(100 * abs(1 - big * lam_max) ** k, rel=1e-9)
    assert facts["axis_left_best_percent"].value == pytest.approx(100 * rho**k, rel=1e-9)
    # the start's parts along the eigenvectors: |v · (θ₀ − θ*)|
    solution, *_ = np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y, rcond=None)
    _, vectors = np.linalg.eigh(hessian_by_hand(x))
    parts = np.abs(vectors.T @ (start - solution))
    assert (facts["axis_flat_error0"].value, facts["axis_steep_error0"].value) == pytest.approx(tuple(parts), rel=1e-9)
    # the exercise at η = 0.2: the flat factor sets the pace, ⌈ln 10⁻⁶ / ln(1 − 0.2 λ_min)⌉ steps
    assert facts["axis_steps_small"].value == math.ceil(math.log(1e-6) / math.log(1 - small * lam_min))


def test_exercise_facts_by_hand(facts):
    x, _, _ = problem("original")
    lam_min, lam_max = np.linalg.eigvalsh(hessian_by_hand(x))
    lr = facts["how_big_exercise_lr"].value
    assert lr == ch.EXERCISE_LR
    flat, steep = 1 - lr * lam_min, 1 - lr * lam_max
    assert facts["how_big_exercise_flat_factor"].value == pytest.approx(flat)
    assert facts["how_big_exercise_steep_factor"].value == pytest.approx(steep)
    assert facts["how_big_exercise_rho"].value == pytest.approx(max(abs(flat), abs(steep)))
    assert facts["how_big_exercise_rho"].value > facts["rho_best_original"].value  # slower than η*
    assert facts["how_big_exercise_steps"].value == math.ceil(math.log(1e-6) / math.log(abs(flat)))
    lam_max_bad = np.linalg.eigvalsh(hessian_by_hand(problem("bad")[0]))[-1]
    assert facts["limit_ratio_bad"].value == pytest.approx(lam_max_bad / lam_max)


# ------------------------------------------------------------------ the error along each eigenvector


@pytest.fixture(scope="module")
def eigen_view():
    return ch.eigen_errors()


def test_eigen_errors_use_the_chapter_rates_and_the_hessians_axes(eigen_view):
    x, _, _ = problem("original")
    lam, vectors = np.linalg.eigh(hessian_by_hand(x))
    np.testing.assert_allclose(eigen_view.eigenvalues, lam, rtol=1e-10)
    for i in range(2):
        # the same axis as numpy's, up to the sign, with its largest component positive
        assert abs(np.dot(eigen_view.vectors[:, i], vectors[:, i])) == pytest.approx(1, rel=1e-10)
        assert np.max(eigen_view.vectors[:, i]) == np.max(np.abs(eigen_view.vectors[:, i]))
    assert [run.rate for run in eigen_view.runs] == ["small", "big", "best"]
    assert [run.lr for run in eigen_view.runs] == pytest.approx([RATES["small"], RATES["big"], 2 / (lam[0] + lam[1])])
    assert eigen_view.best_lr == pytest.approx(2 / (lam[0] + lam[1]))


def test_eigen_errors_are_the_projections_of_real_runs_and_follow_the_closed_form(eigen_view):
    """Oracle: a separate gradient-descent run, numpy.linalg's least squares and eigenvectors, and
    vᵢ·δ_k = (1 − ηλᵢ)ᵏ·vᵢ·δ₀ evaluated here."""
    x, y, start = problem("original")
    solution, *_ = np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y, rcond=None)
    lam, _ = np.linalg.eigh(hessian_by_hand(x))
    for run in eigen_view.runs:
        assert run.steps == eigen_view.steps == ch.AXIS_ERROR_STEPS
        trajectory = gradient_descent(x, y, start, run.lr, run.steps)
        measured = (trajectory.params - solution) @ eigen_view.vectors
        np.testing.assert_allclose(run.errors, measured, atol=1e-12)
        closed = (1 - run.lr * lam) ** np.arange(run.steps + 1)[:, None] * measured[0]
        np.testing.assert_allclose(run.errors, closed, atol=1e-12)
        np.testing.assert_allclose(run.predicted, closed, atol=1e-12)
        np.testing.assert_allclose(run.envelope, np.abs(closed), atol=1e-12)
        np.testing.assert_allclose(run.factors, 1 - run.lr * lam, rtol=1e-12)
        # the two parts put back together are the whole error
        np.testing.assert_allclose(run.errors @ eigen_view.vectors.T, trajectory.params - solution, atol=1e-12)
    small, big, best = eigen_view.runs
    # what the page says: at 0.2 the flat part crawls and the steep part is gone; at 0.8 the steep part
    # zig-zags; at η* both shrink by the same factor
    assert abs(small.errors[-1, 0]) > 0.25 * abs(small.errors[0, 0]) and abs(small.errors[-1, 1]) < 1e-9
    assert np.all(big.errors[:-1, 1] * big.errors[1:, 1] < 0) and np.all(big.errors[:-1, 0] * big.errors[1:, 0] > 0)
    assert abs(best.factors[0]) == pytest.approx(abs(best.factors[1]))


@pytest.mark.parametrize("lr, steps, match", [(0, 10, "learning rate"), (0.2, 0, "steps"), (float("nan"), 5, "learning rate")])
def test_axis_errors_reject_bad_rates_and_step_counts(lr, steps, match):
    x, y, start = problem("original")
    with pytest.raises(ValueError, match=match):
        ch.axis_errors(x, y, start, lr, steps)


def test_axis_errors_reject_bad_problems():
    with pytest.raises(ValueError, match="finite"):
        ch.axis_errors([1.0, np.nan], [1.0, 2.0], [0.0, 0.0], 0.1, 5)
    with pytest.raises(ValueError, match="start"):
        ch.axis_errors([1.0, 2.0], [1.0, 2.0], [0.0], 0.1, 5)


def test_axis_errors_of_a_tiny_problem_by_hand():
    # x = [−1, 1], y = [0, 2]: H = 2I, θ* = (1, 1); from (0, 0) each part is multiplied by 1 − 2η
    errors = ch.axis_errors([-1.0, 1.0], [0.0, 2.0], [0.0, 0.0], 0.2, 5)
    np.testing.assert_allclose(errors.factors, [0.6, 0.6])
    np.testing.assert_allclose(np.linalg.norm(errors.errors, axis=1), np.sqrt(2) * 0.6 ** np.arange(6), rtol=1e-12)


# ------------------------------------------------------------------ figures


def test_threshold_sweep_figure_shares_one_log_learning_rate_axis(view):
    from matplotlib.lines import Line2D

    from gdsim.draw import how_big as draw
    from gdsim.draw.style import THRESHOLD

    fig = draw.threshold_sweep(view)
    axes = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert len(axes) == 3
    limits = sorted(s.threshold for s in view.sweeps)
    for ax, s in zip(axes, view.sweeps):
        assert ax.get_xscale() == "log"
        assert ax.get_xlim() == axes[0].get_xlim()
        lo, hi = ax.get_xlim()
        assert lo < min(limits) and hi > max(limits)
        # its own limit in orange at the absolute η, and all three limits drawn
        vertical = [line for line in ax.get_lines() if isinstance(line, Line2D) and len(line.get_xdata()) == 2
                    and line.get_xdata()[0] == line.get_xdata()[-1] and line.get_linestyle() != "None"]
        xs = sorted({float(line.get_xdata()[0]) for line in vertical})
        assert xs == pytest.approx(limits)
        orange = [line for line in vertical if line.get_color() == THRESHOLD]
        assert [float(line.get_xdata()[0]) for line in orange] == pytest.approx([s.threshold])


def test_hessian_axes_label_the_standardized_parameters_b_z_and_w_z():
    from gdsim.draw import how_big as draw
    from gdsim.draw.style import COLUMN, PHONE

    for layout in (COLUMN, PHONE):
        fig = draw.hessian_axes_maps(ch.hessian_axes(), layout)
        maps = [ax for ax in fig.axes if ax.get_xlabel()]
        assert [ax.get_xlabel() for ax in maps] == ["$b$ (bias)", "$b$ (bias)", "$b_z$ (bias)"]
        assert maps[0].get_ylabel() == "$w$ (weight)" and maps[2].get_ylabel() == "$w_z$ (weight)"
        legend = fig.legends[0]
        labels = [t.get_text() for t in legend.get_texts()]
        assert any("flat eigenvector" in t for t in labels) and any("steep eigenvector" in t for t in labels)


def test_error_along_axes_figure_draws_the_runs_on_shared_axes(eigen_view):
    from gdsim.draw import how_big as draw
    from gdsim.draw.style import COLUMN, PHONE

    for layout in (COLUMN, PHONE):
        fig = draw.error_along_axes(eigen_view, layout)
        panels = [ax for ax in fig.axes if ax.get_title()]
        assert len(panels) == 3
        assert len({ax.get_ylim() for ax in panels}) == 1 and len({ax.get_xlim() for ax in panels}) == 1
        for ax, run in zip(panels, eigen_view.runs):
            drawn = [line.get_ydata() for line in ax.get_lines() if line.get_marker() == "o"]
            assert len(drawn) == 2
            np.testing.assert_array_equal(drawn[0], run.errors[:, 0])
            np.testing.assert_array_equal(drawn[1], run.errors[:, 1])
