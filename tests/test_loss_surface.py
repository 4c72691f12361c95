"""Chapter "The loss surface": the grid's orientation and values, its minimum, and the two cuts."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from gdsim import data, model
from gdsim.chapters import loss_surface

PACKAGE = Path(__file__).resolve().parent.parent / "gdsim"


@pytest.fixture(scope="module")
def train():
    s = data.original_split()
    return s.x_train, s.y_train


def _by_hand_mse(b, w, x, y):
    return float(np.mean((b + w * x - y) ** 2))


def test_loss_grid_orientation_and_values(train):
    """loss[i, j] is the MSE at (b[j], w[i]): rows follow w, columns follow b."""
    x, y = train
    grid = loss_surface.surface_view().grid
    assert grid.loss.shape == (101, 101)
    assert (grid.b[0], grid.b[-1], grid.w[0], grid.w[-1]) == (-2.0, 4.0, -1.0, 5.0)
    for i, j in [(0, 100), (17, 3), (60, 42), (100, 0)]:
        assert grid.loss[i, j] == pytest.approx(_by_hand_mse(grid.b[j], grid.w[i], x, y), rel=1e-12)


def test_mesh_follows_the_grid_orientation():
    grid = loss_surface.surface_view().grid
    b_values, w_values = grid.mesh()
    assert b_values.shape == w_values.shape == grid.loss.shape
    assert b_values[7, 3] == grid.b[3] and w_values[7, 3] == grid.w[7]


def test_grid_facts_describe_the_grid_the_figures_draw():
    facts = loss_surface.facts()
    grid = loss_surface.surface_view().grid
    assert (facts["b_min"].value, facts["b_max"].value) == (-2.0, 4.0)
    assert (facts["w_min"].value, facts["w_max"].value) == (-1.0, 5.0)
    assert facts["grid_points"].value == 101 and facts["grid_cells"].value == 101 * 101
    # 101 points over a range of 6 are 100 steps of 0.06
    assert facts["grid_step"].value == pytest.approx(6 / 100, rel=1e-12)
    assert facts["grid_max_loss"].value == grid.loss.max()
    corners = [grid.loss[0, 0], grid.loss[0, -1], grid.loss[-1, 0], grid.loss[-1, -1]]
    assert facts["grid_max_loss"].value == max(corners), "a bowl is highest at a corner"


def test_grid_minimum_is_near_least_squares(train):
    x, y = train
    design = np.column_stack([np.ones_like(x), x])
    best, *_ = np.linalg.lstsq(design, y, rcond=None)
    view = loss_surface.surface_view()
    i, j = np.unravel_index(np.argmin(view.grid.loss), view.grid.loss.shape)
    assert abs(view.grid.b[j] - best[0]) <= 0.06 and abs(view.grid.w[i] - best[1]) <= 0.06
    np.testing.assert_allclose(view.solution, best, rtol=1e-10)
    assert view.solution_loss == pytest.approx(_by_hand_mse(*best, x, y), rel=1e-10)
    assert view.start_loss == pytest.approx(_by_hand_mse(*view.start, x, y), rel=1e-12)


def _hessian(x):
    design = np.column_stack([np.ones_like(x), x])
    return 2 / len(x) * design.T @ design


def test_levels_are_evenly_spaced_in_root_loss_from_the_least_squares_loss(train):
    """Level k = L* + (k·d)²: from the exact minimum's loss (lstsq) to the grid's highest loss."""
    x, y = train
    view = loss_surface.surface_view()
    design = np.column_stack([np.ones_like(x), x])
    best, *_ = np.linalg.lstsq(design, y, rcond=None)
    floor = _by_hand_mse(*best, x, y)
    top = view.grid.loss.max()
    d = np.sqrt(top - floor) / 12
    np.testing.assert_allclose(view.levels, floor + (d * np.arange(13)) ** 2, rtol=1e-12)
    assert view.levels[-1] == top


def test_level_spacing_facts_are_the_closed_form_and_the_bisected_crossings(train):
    """The page's gaps between lines along b, w, across and along the valley: d·√(2/c), and found
    by bisection on the loss along each ray from the minimum."""
    x, y = train
    facts = loss_surface.facts()
    spacing = loss_surface.level_spacing()
    levels = loss_surface.surface_view().levels
    H = _hessian(x)
    lam, vectors = np.linalg.eigh(H)
    design = np.column_stack([np.ones_like(x), x])
    best, *_ = np.linalg.lstsq(design, y, rcond=None)
    d = np.sqrt(levels[1] - levels[0])
    assert facts["level_step"].value == pytest.approx(d)
    assert facts["level_first"].value == pytest.approx(levels[1])
    for name, u, c in (("b", np.array([1.0, 0.0]), H[0, 0]), ("w", np.array([0.0, 1.0]), H[1, 1]),
                       ("across", vectors[:, 1], lam[1]), ("along", vectors[:, 0], lam[0])):
        assert spacing.curvature[name] == pytest.approx(c, rel=1e-12)
        assert spacing.gap[name] == pytest.approx(d * np.sqrt(2 / c), rel=1e-12)
        # the first two crossings by bisection: the gap between them is the same step
        crossings = []
        for level in levels[1:3]:
            lo, hi = 0.0, 50.0
            for _ in range(200):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if _by_hand_mse(*(best + mid * u), x, y) < level else (lo, mid)
            crossings.append(lo)
        assert crossings[0] == pytest.approx(spacing.gap[name], rel=1e-7)
        assert crossings[1] - crossings[0] == pytest.approx(spacing.gap[name], rel=1e-7)
    assert facts["level_gap_b"].value == pytest.approx(d)  # curvature 2 along b: the gap is d itself
    assert facts["level_gap_ratio_w"].value == pytest.approx(np.sqrt(H[0, 0] / H[1, 1]))
    assert facts["level_gap_ratio_valley"].value == pytest.approx(np.sqrt(lam[1] / lam[0]))
    assert facts["level_curv_ratio"].value == pytest.approx(H[0, 0] / H[1, 1])
    assert facts["level_lines"].value == len(levels) - 2


def test_even_levels_of_the_exercise(train):
    """Twelve bands evenly spaced in L from L* to the top: the first line and how many the descent crosses."""
    x, y = train
    view = loss_surface.surface_view()
    facts = loss_surface.facts()
    floor, top = view.levels[0], view.grid.loss.max()
    step = (top - floor) / 12
    assert facts["even_level_first"].value == pytest.approx(floor + step)
    lines = floor + step * np.arange(1, 12)
    assert facts["even_levels_below_start"].value == int(np.sum(lines < view.start_loss)) == 1


def test_snapped_start_is_the_grid_point_nearest_the_start():
    view = loss_surface.surface_view()
    b_values, w_values = np.meshgrid(view.grid.b, view.grid.w)
    k = np.argmin((b_values - view.start[0]) ** 2 + (w_values - view.start[1]) ** 2)
    expected = np.array([b_values.flat[k], w_values.flat[k]])
    for varied in ("b", "w"):
        np.testing.assert_array_equal(loss_surface.cut_view(varied).snapped, expected)
    facts = loss_surface.facts()
    assert (facts["snap_b"].value, facts["snap_w"].value) == pytest.approx((0.52, -0.16))


@pytest.mark.parametrize("varied", ["b", "w"])
def test_cut_passes_through_the_snapped_start_with_the_other_parameter_fixed(varied, train):
    x, y = train
    view = loss_surface.cut_view(varied)
    grid = view.map.grid
    assert view.varied.name == varied and view.fixed.name != varied
    assert view.section.varied == varied and view.section.fixed == view.fixed.name
    assert view.section.fixed_value == view.snapped[view.fixed.index]
    b, w = view.snapped
    assert view.start_loss == pytest.approx(_by_hand_mse(b, w, x, y), rel=1e-12)
    # every sample of the cut is the loss with only the varied parameter moved
    for k in (0, 37, 100):
        theta = view.snapped.copy()
        theta[view.varied.index] = view.section.values[k]
        assert view.section.loss[k] == pytest.approx(_by_hand_mse(*theta, x, y), rel=1e-12)
    i, j = grid.nearest(view.snapped)
    assert view.start_loss == pytest.approx(grid.loss[i, j], rel=1e-12)


@pytest.mark.parametrize("varied", ["b", "w"])
def test_lowest_point_of_a_cut_is_the_vertex_of_its_parabola(varied, train):
    """Oracle: a parabola fitted through the cut's samples (exact: the loss is quadratic along a cut)."""
    view = loss_surface.cut_view(varied)
    a, b, c = np.polyfit(view.section.values, view.section.loss, 2)
    assert view.lowest_value == pytest.approx(-b / (2 * a), rel=1e-8)
    assert view.lowest_loss == pytest.approx(c - b**2 / (4 * a), rel=1e-6)
    assert view.lowest_loss <= view.section.loss.min()
    assert view.lowest_value > view.start_value, "the prose says: go right, increase the parameter"


def test_cut_minima_facts_and_the_prose_claims():
    facts = loss_surface.facts()
    assert facts["along_w_min_w"].value == loss_surface.cut_view("w").lowest_value
    assert facts["along_b_min_b"].value == loss_surface.cut_view("b").lowest_value
    # with b stuck below its best value, the best w is steeper than the true slope, by this much
    assert facts["along_w_min_w"].value > data.TRUE_W
    assert facts["along_w_min_excess_percent"].value == pytest.approx(
        100 * (loss_surface.cut_view("w").lowest_value - 2) / 2)


@pytest.mark.parametrize("theta", [[0.52, -0.16], [-1.0, 3.0], [2.5, 0.4]])
@pytest.mark.parametrize("index", [0, 1])
def test_minimum_along_solves_the_one_feature_least_squares(theta, index, train):
    x, y = train
    theta = np.array(theta)
    features = [np.ones_like(x), x]
    rest = y - theta[1 - index] * features[1 - index]
    expected, *_ = np.linalg.lstsq(features[index][:, None], rest, rcond=None)
    assert model.minimum_along(theta, index, x, y) == pytest.approx(expected[0], rel=1e-10)


def test_both_cuts_share_one_loss_axis():
    w_cut, b_cut = loss_surface.cut_view("w"), loss_surface.cut_view("b")
    assert w_cut.loss_range == b_cut.loss_range
    low, high = w_cut.loss_range
    for cut in (w_cut, b_cut):
        assert low <= cut.section.loss.min() and high >= cut.section.loss.max()
    assert high == max(w_cut.section.loss.max(), b_cut.section.loss.max())
    # equal horizontal spans, so the steepness reads the same way on both
    assert np.ptp(w_cut.section.values) == pytest.approx(np.ptp(b_cut.section.values))


def test_the_b_cut_is_steeper_than_the_w_cut_at_the_start():
    """The prose: a small change of b changes the loss more than the same change of w."""
    slopes = {}
    for cut in (loss_surface.cut_view("w"), loss_surface.cut_view("b")):
        values, loss = cut.section.values, cut.section.loss
        k = int(np.argmin(np.abs(values - cut.start_value)))
        assert values[k] == pytest.approx(cut.start_value) and loss[k] == pytest.approx(cut.start_loss)
        slopes[cut.varied.name] = (loss[k + 1] - loss[k - 1]) / (values[k + 1] - values[k - 1])
    assert slopes["b"] < slopes["w"] < 0


def test_loss_grid_has_no_python_loop_over_points():
    tree = ast.parse((PACKAGE / "surface.py").read_text())
    loss_grid = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "loss_grid")
    assert not any(isinstance(n, (ast.For, ast.While, ast.ListComp)) for n in ast.walk(loss_grid))
