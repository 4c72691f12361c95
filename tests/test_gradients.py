"""Chapter "Gradients": the gradient formula, slopes read off the cuts, and secants shrinking to tangents."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim import data, model
from gdsim.chapters import gradients


@pytest.fixture(scope="module")
def train():
    s = data.original_split()
    return s.x_train, s.y_train


def _by_hand_mse(theta, x, y):
    return float(np.mean((theta[0] + theta[1] * x - y) ** 2))


def _central(theta, x, y, h=1e-6):
    """∂L/∂b and ∂L/∂w by central differences of the MSE written out by hand."""
    theta = np.asarray(theta, dtype=float)
    return np.array([(_by_hand_mse(theta + h * e, x, y) - _by_hand_mse(theta - h * e, x, y)) / (2 * h)
                     for e in np.eye(2)])


@pytest.mark.parametrize("theta", [[0.4967, -0.1383], [1.0, 2.0], [-1.5, 4.2], [3.0, -0.5]])
def test_gradient_matches_central_differences(theta, train):
    x, y = train
    np.testing.assert_allclose(model.gradient(np.array(theta), x, y), _central(theta, x, y), rtol=1e-6, atol=1e-8)


def test_gradient_vanishes_at_the_least_squares_solution(train):
    x, y = train
    best, *_ = np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y, rcond=None)
    np.testing.assert_allclose(model.gradient(best, x, y), 0, atol=1e-12)


def test_gradient_facts_at_the_random_start(train):
    x, y = train
    facts = gradients.facts()
    expected = _central(data.random_start(), x, y)
    assert facts["grad_b"].value == pytest.approx(expected[0], rel=1e-6)
    assert facts["grad_w"].value == pytest.approx(expected[1], rel=1e-6)
    # the article's numbers
    assert facts["grad_b"].value == pytest.approx(-3.04, abs=5e-3)
    assert facts["grad_w"].value == pytest.approx(-1.83, abs=5e-3)


def test_snapped_start_facts(train):
    x, y = train
    facts = gradients.facts()
    w_panel, b_panel = gradients.geometric_gradients().panels
    snapped = np.array([w_panel.cut.fixed_value, b_panel.cut.fixed_value])  # b fixed on the w cut, w on the b cut
    np.testing.assert_allclose(snapped, [0.52, -0.16])
    assert facts["snap_loss"].value == pytest.approx(_by_hand_mse(snapped, x, y), rel=1e-12)
    exact = _central(snapped, x, y)
    assert facts["exact_snap_b"].value == pytest.approx(exact[0], rel=1e-6)
    assert facts["exact_snap_w"].value == pytest.approx(exact[1], rel=1e-6)


def test_secant_slopes_follow_the_closed_form(train):
    """L(θ + h·eᵢ) − L(θ) = h·∂L/∂θᵢ + h²·mean(fᵢ²), so the secant is off by h (b) and h·mean(x²) (w)."""
    x, _ = train
    facts = gradients.facts()
    h = facts["secant_step"].value
    assert h == gradients.SECANT_STEP
    assert facts["geo_grad_b"].value == pytest.approx(facts["exact_snap_b"].value + h, rel=1e-9)
    assert facts["geo_grad_w"].value == pytest.approx(facts["exact_snap_w"].value + h * np.mean(x**2), rel=1e-9)
    assert facts["geo_drop_w"].value == pytest.approx(facts["geo_grad_w"].value * h, rel=1e-9)
    assert facts["geo_drop_w_abs"].value == -facts["geo_drop_w"].value > 0
    assert facts["geo_drop_b_abs"].value == pytest.approx(-facts["geo_grad_b"].value * h, rel=1e-9)
    # the prose: the same step lowers the loss more along b, and both slopes are negative
    assert facts["geo_drop_b_abs"].value > facts["geo_drop_w_abs"].value
    assert facts["geo_grad_b"].value < facts["geo_grad_w"].value < 0
    # and the b slope is the further off, because the b curve bends more
    assert abs(facts["geo_grad_b"].value - facts["exact_snap_b"].value) > \
        abs(facts["geo_grad_w"].value - facts["exact_snap_w"].value)


def test_geometric_figure_draws_the_curve_the_triangle_and_both_lines(train):
    x, y = train
    view = gradients.geometric_gradients()
    assert [p.cut.varied.name for p in view.panels] == ["w", "b"]
    for panel in view.panels:
        cut, i = panel.cut, panel.cut.varied.index
        snapped = np.empty(2)
        snapped[i], snapped[cut.fixed.index] = cut.at, cut.fixed_value
        for k in (0, 60, -1):
            theta = snapped.copy()
            theta[i] = cut.values[k]
            assert cut.loss[k] == pytest.approx(_by_hand_mse(theta, x, y), rel=1e-12)
        far = snapped.copy()
        far[i] += panel.step
        assert panel.far_loss == pytest.approx(_by_hand_mse(far, x, y), rel=1e-12)
        assert panel.drop == pytest.approx(panel.far_loss - cut.at_loss, rel=1e-9)
        # both drawn lines go through the start; the secant also through the far point
        secant_at = np.interp([cut.at, cut.at + panel.step], cut.line_x, panel.secant_y)
        np.testing.assert_allclose(secant_at, [cut.at_loss, panel.far_loss], rtol=1e-9)
        assert np.interp(cut.at, cut.line_x, cut.tangent_y) == pytest.approx(cut.at_loss, rel=1e-9)
        tangent_slope = np.diff(cut.tangent_y)[0] / np.diff(cut.line_x)[0]
        assert tangent_slope == pytest.approx(_central(snapped, x, y)[i], rel=1e-6)
        assert cut.values[0] < cut.line_x[0] < cut.at < cut.line_x[1] < cut.values[-1]


def test_panels_that_are_compared_share_their_scales():
    for view in (gradients.geometric_gradients(), gradients.secant_movie()):
        low, high = view.loss_range
        for panel in view.panels:
            assert low <= panel.cut.loss.min() and high >= panel.cut.loss.max()
        spans = [np.ptp(p.cut.values) for p in view.panels]
        assert spans[0] == pytest.approx(spans[1]), "one horizontal scale, so slopes compare by eye"


def test_animation_frames_shrink_the_secant_onto_the_tangent(train):
    x, y = train
    movie = gradients.secant_movie()
    facts = gradients.facts()
    assert movie.count == len(gradients.SHRINKING_STEPS) >= 2
    for panel in movie.panels:
        cut, i = panel.cut, panel.cut.varied.index
        np.testing.assert_array_equal(panel.steps, gradients.SHRINKING_STEPS)
        assert np.all(np.diff(panel.steps) < 0)
        snapped = np.empty(2)
        snapped[i], snapped[cut.fixed.index] = cut.at, cut.fixed_value
        for k in (0, movie.count // 2, movie.count - 1):
            far = snapped.copy()
            far[i] += panel.steps[k]
            assert panel.far_x[k] == pytest.approx(far[i])
            assert panel.far_loss[k] == pytest.approx(_by_hand_mse(far, x, y), rel=1e-12)
            # the drawn secant passes through the start and the far point
            on_line = np.interp([cut.at, panel.far_x[k]], panel.secant_x[k], panel.secant_y[k])
            np.testing.assert_allclose(on_line, [cut.at_loss, panel.far_loss[k]], rtol=1e-9)
            assert panel.secant_x[k, 0] < cut.at < panel.far_x[k] < panel.secant_x[k, 1]
        gaps = panel.gaps
        assert np.all(gaps > 0), "the secant's slope is above the tangent's: the curve bends up"
        assert np.all(np.diff(gaps) < 0) and gaps[-1] < 3e-3
        np.testing.assert_allclose(panel.slopes - panel.gaps, _central(snapped, x, y)[i], rtol=1e-6)
    w_panel, b_panel = movie.panels
    # the prose: the loss is a parabola in b with curvature 2, so the gap equals the step exactly
    np.testing.assert_allclose(b_panel.gaps, b_panel.steps, rtol=1e-6)
    np.testing.assert_allclose(w_panel.gaps, w_panel.steps * np.mean(x**2), rtol=1e-6)
    assert (facts["secant_anim_first"].value, facts["secant_anim_last"].value) == (b_panel.steps[0], b_panel.steps[-1])


def test_a_secant_needs_a_positive_step():
    cut = gradients.cut("b", gradients.STILL_CURVE, gradients.STILL_LINES)
    with pytest.raises(ValueError, match="secant step"):
        gradients.secant(cut, -0.1)
    with pytest.raises(ValueError, match="secant step"):
        gradients.secant(cut, 0.0)




def test_secant_gaps_are_the_step_along_b_and_step_times_mean_x_squared_along_w(train):
    """The prose: higher by h on the parabola along b (curvature 2, like θ²), by h·mean(x²) along w."""
    x, y = train
    facts = gradients.facts()
    h = facts["secant_step"].value
    assert facts["secant_gap_b"].value == pytest.approx(h, rel=1e-9)
    assert facts["secant_gap_w"].value == pytest.approx(h * np.mean(x**2), rel=1e-9)
    assert facts["mean_x_squared"].value == pytest.approx(np.mean(x**2), rel=1e-12)
    # the bend along w by a central second difference of the loss written out by hand
    snapped = np.array([0.52, -0.16])
    k = 1e-3
    second = (_by_hand_mse(snapped + [0, k], x, y) - 2 * _by_hand_mse(snapped, x, y)
              + _by_hand_mse(snapped - [0, k], x, y)) / k**2
    assert facts["curvature_w"].value == pytest.approx(second, rel=1e-6)
    # both secants are less steep than their tangents: higher, and the slopes are negative
    assert facts["exact_snap_b"].value < facts["geo_grad_b"].value < 0
    assert facts["exact_snap_w"].value < facts["geo_grad_w"].value < 0
