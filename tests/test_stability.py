"""The exact learning-rate rule for least squares, checked against gradient descent itself."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdsim import model, stability
from gdsim.data import original_split, random_start
from gdsim.descent import gradient_descent

s = original_split()
start = random_start()
x = s.x_train
y = s.y_train
x_bad = 10 * x  # same labels
mean, std = x.mean(), x.std()
x_std = (x - mean) / std

FEATURES = {"original": x, "bad": x_bad, "standardized": x_std}
CASES = pytest.mark.parametrize("feature", FEATURES.values(), ids=FEATURES.keys())
X = stability.design_matrix(x)


@CASES
def test_formula_threshold_matches_bisected_boundary(feature):
    threshold = stability.max_stable_lr(stability.design_matrix(feature))
    found = stability.divergence_boundary(feature, y, start, 0.5 * threshold, 1.5 * threshold)
    assert found == pytest.approx(threshold, rel=0.005)


@CASES
def test_just_below_threshold_converges_to_least_squares(feature):
    lr = 0.99 * stability.max_stable_lr(stability.design_matrix(feature))
    run = gradient_descent(feature, y, start, lr, 5000)
    assert not run.diverged
    assert run.losses[-1] < run.losses[0]
    np.testing.assert_allclose(run.final, model.least_squares(feature, y), atol=1e-6)
    # Below the threshold no error component grows, so the loss never rises.
    assert np.all(np.diff(run.losses) <= 1e-12)


@CASES
def test_just_above_threshold_diverges(feature):
    lr = 1.01 * stability.max_stable_lr(stability.design_matrix(feature))
    short = gradient_descent(feature, y, start, lr, stability.BOUNDARY_STEPS)
    assert short.diverged or short.losses[-1] > short.losses[0]
    assert gradient_descent(feature, y, start, lr, 5000).diverged


def _kappa_2x2(a: float, b: float, c: float) -> float:
    """κ of the symmetric matrix [[a, b], [b, c]] from its closed-form eigenvalues."""
    centre, radius = (a + c) / 2, math.hypot((a - c) / 2, b)
    return (centre + radius) / (centre - radius)


@CASES
def test_condition_number_matches_closed_form(feature):
    # (1/n)XᵀX for X = [1, x] is [[1, mean x], [mean x, mean x²]]; the factor 2 cancels in κ.
    expected = _kappa_2x2(1.0, float(np.mean(feature)), float(np.mean(feature**2)))
    assert stability.condition_number(stability.design_matrix(feature)) == pytest.approx(expected, rel=1e-9)


def test_standardized_design_is_the_identity_so_kappa_is_one():
    design = np.column_stack([np.ones_like(x_std), x_std])
    second_moment = design.T @ design / len(x_std)
    np.testing.assert_allclose(second_moment, np.eye(2), atol=1e-12)
    assert _kappa_2x2(*second_moment[0], second_moment[1, 1]) == pytest.approx(1.0, abs=1e-9)
    assert stability.condition_number(stability.design_matrix(x_std)) == pytest.approx(1.0, abs=1e-9)


def test_bad_feature_is_worse_conditioned_than_original():
    kappas = [stability.condition_number(stability.design_matrix(f)) for f in (x_std, x, x_bad)]
    assert kappas == sorted(kappas)
    assert kappas[2] > 5 * kappas[1]


@CASES
def test_hessian_matches_finite_differences_of_mse(feature):
    h, theta = 1e-3, np.array([0.3, -0.7])
    fd = np.empty((2, 2))
    for i in range(2):
        for j in range(2):
            def shifted(di, dj, i=i, j=j):
                t = theta.copy()
                t[i] += di * h
                t[j] += dj * h
                return model.mse(t, feature, y)

            # ∂²L/∂θᵢ∂θⱼ ≈ [L(+,+) − L(+,−) − L(−,+) + L(−,−)] / 4h²
            fd[i, j] = (shifted(1, 1) - shifted(1, -1) - shifted(-1, 1) + shifted(-1, -1)) / (4 * h * h)
    np.testing.assert_allclose(stability.hessian(stability.design_matrix(feature)), fd, rtol=1e-5, atol=1e-6)


@CASES
def test_eigenvectors_diagonalise_the_hessian(feature):
    design = stability.design_matrix(feature)
    values, vectors = stability.eigenvectors(design)
    np.testing.assert_allclose(values, stability.eigenvalues(design))
    assert values[0] <= values[1]
    np.testing.assert_allclose(vectors @ np.diag(values) @ vectors.T, stability.hessian(design), atol=1e-10)


@CASES
def test_best_lr_gives_the_optimal_contraction_and_wins(feature):
    design = stability.design_matrix(feature)
    kappa, best = stability.condition_number(design), stability.best_lr(design)
    assert stability.contraction(design, best) == pytest.approx((kappa - 1) / (kappa + 1), abs=1e-12)
    assert stability.best_contraction(design) == pytest.approx((kappa - 1) / (kappa + 1))
    steps = stability.steps_to_tolerance(design, best)
    assert steps < stability.steps_to_tolerance(design, 0.9 * best)
    assert steps < stability.steps_to_tolerance(design, 1.1 * best)


@CASES
def test_steps_to_tolerance_bounds_the_actual_error(feature):
    design = stability.design_matrix(feature)
    lr, tol = stability.best_lr(design), 1e-6
    k = stability.steps_to_tolerance(design, lr, tol)
    solution = model.least_squares(feature, y)
    run = gradient_descent(feature, y, start, lr, k)
    assert np.linalg.norm(run.final - solution) <= tol * np.linalg.norm(start - solution) * (1 + 1e-6)


def test_at_or_above_threshold_never_reaches_tolerance():
    threshold = stability.max_stable_lr(X)
    assert stability.contraction(X, threshold) == pytest.approx(1.0)
    assert stability.steps_to_tolerance(X, 1.01 * threshold) == math.inf


def test_analyse_agrees_with_the_closed_form_of_a_2x2_hessian():
    """Oracle: H = (2/n)[[n, Σx], [Σx, Σx²]] by hand; its eigenvalues from trace T and determinant D,
    λ = (T ± √(T² − 4D)) / 2, then every threshold from its textbook formula."""
    n, sx, sxx = len(x), float(np.sum(x)), float(np.sum(x * x))
    h_bb, h_bw, h_ww = 2.0, 2.0 * sx / n, 2.0 * sxx / n
    trace, det = h_bb + h_ww, h_bb * h_ww - h_bw**2
    lam_min = (trace - math.sqrt(trace**2 - 4 * det)) / 2
    lam_max = (trace + math.sqrt(trace**2 - 4 * det)) / 2
    facts = stability.analyse(X)
    np.testing.assert_allclose(facts.eigenvalues, [lam_min, lam_max], rtol=1e-12)
    assert facts.max_stable_lr == pytest.approx(2 / lam_max, rel=1e-12)
    assert facts.best_lr == pytest.approx(2 / (lam_min + lam_max), rel=1e-12)
    assert facts.condition_number == pytest.approx(lam_max / lam_min, rel=1e-12)
    assert facts.best_contraction == pytest.approx((lam_max - lam_min) / (lam_max + lam_min), rel=1e-12)


@pytest.mark.parametrize(
    "bad_x, match",
    [([], "non-empty"), ([1.0, np.nan], "finite"), ([1.0, np.inf], "finite"), ([[1.0, 2.0]], "1-D")],
)
def test_design_matrix_rejects_bad_features(bad_x, match):
    with pytest.raises(ValueError, match=match):
        stability.design_matrix(bad_x)


@pytest.mark.parametrize(
    "function", [stability.hessian, stability.eigenvalues, stability.max_stable_lr, stability.analyse]
)
@pytest.mark.parametrize(
    "design, match",
    [(np.zeros((0, 2)), "empty"), (np.array([1.0, 2.0]), "2-D"), (np.array([[1.0, np.nan]]), "finite")],
)
def test_design_functions_reject_bad_matrices(function, design, match):
    with pytest.raises(ValueError, match=match):
        function(design)


@pytest.mark.parametrize(
    "function", [stability.condition_number, stability.best_lr, stability.best_contraction]
)
@pytest.mark.parametrize("feature", [np.zeros(5), np.full(5, 3.7)], ids=["zeros", "constant"])
def test_singular_hessian_is_named(function, feature):
    with pytest.raises(ValueError, match="singular"):
        function(stability.design_matrix(feature))


def test_zero_design_has_no_threshold():
    with pytest.raises(ValueError, match="zero"):
        stability.max_stable_lr(np.zeros((3, 2)))


@pytest.mark.parametrize("lr", [-0.1, 0, float("nan"), float("inf"), "0.1", True, None])
def test_bad_learning_rates_are_rejected(lr):
    with pytest.raises(ValueError, match="learning rate"):
        stability.contraction(X, lr)
    with pytest.raises(ValueError, match="learning rate"):
        stability.steps_to_tolerance(X, lr)


@pytest.mark.parametrize("tol", [0, 1, -1e-3, float("nan"), "1e-6", True])
def test_bad_tolerances_are_rejected(tol):
    with pytest.raises(ValueError, match="tol"):
        stability.steps_to_tolerance(X, 0.1, tol)


@pytest.mark.parametrize(
    "xs, ys, match",
    [
        ([], [], "non-empty"),
        ([1.0, np.nan], [1.0, 2.0], "finite"),
        ([1.0, 2.0], [1.0, np.inf], "finite"),
        ([1.0, 2.0, 3.0], [1.0, 2.0], "one length"),
    ],
)
def test_divergence_boundary_rejects_bad_data(xs, ys, match):
    with pytest.raises(ValueError, match=match):
        stability.divergence_boundary(xs, ys, start, 0.1, 1.0)


def test_divergence_boundary_rejects_bad_brackets():
    threshold = stability.max_stable_lr(X)
    with pytest.raises(ValueError, match="already unstable"):
        stability.divergence_boundary(x, y, start, 1.2 * threshold, 1.5 * threshold)
    with pytest.raises(ValueError, match="still stable"):
        stability.divergence_boundary(x, y, start, 0.1 * threshold, 0.5 * threshold)
    with pytest.raises(ValueError, match="lo < hi"):
        stability.divergence_boundary(x, y, start, 0.5, 0.4)
    with pytest.raises(ValueError, match="learning rate"):
        stability.divergence_boundary(x, y, start, -0.1, 1.0)
    with pytest.raises(ValueError, match="learning rate"):
        stability.divergence_boundary(x, y, start, 0.1, float("nan"))


@pytest.mark.parametrize("scale", [1e160, 1e300])
def test_inputs_whose_hessian_overflows_are_a_value_error_without_warnings(scale):
    import warnings

    X = stability.design_matrix(np.array([0.0, 1.0, 2.0]) * scale)
    for function in (stability.max_stable_lr, stability.condition_number, stability.best_lr, stability.eigenvalues):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(ValueError, match="overflows"):
                function(X)


def test_large_but_representable_inputs_still_give_finite_answers():
    X = stability.design_matrix(np.array([0.0, 1.0, 2.0]) * 1e100)
    assert np.isfinite(stability.max_stable_lr(X)) and stability.max_stable_lr(X) > 0
