"""The simulation reproduces the source article's numbers, and its gradients are right."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from gdsim import data, model
from gdsim.scenario import original

PACKAGE = Path(__file__).resolve().parent.parent / "gdsim"


def test_data_follow_the_legacy_seed_42_stream():
    x, y, index = data.make_data()
    rng = np.random.RandomState(42)
    expected_x = rng.rand(100)
    expected_y = 1 + 2 * expected_x + 0.1 * rng.randn(100)
    expected_index = np.arange(100)
    rng.shuffle(expected_index)
    np.testing.assert_array_equal(x, expected_x)
    np.testing.assert_array_equal(y, expected_y)
    np.testing.assert_array_equal(index, expected_index)


def test_split_is_80_20_and_disjoint():
    x, y, index = data.make_data()
    s = data.split(x, y, index)
    assert len(s.x_train) == 80 and len(s.x_val) == 20
    assert set(np.round(s.x_train, 12)).isdisjoint(np.round(s.x_val, 12))
    assert sorted(np.concatenate([s.x_train, s.x_val])) == sorted(x)


def test_random_start_matches_the_article():
    b, w = data.random_start()
    assert b == pytest.approx(0.4967, abs=5e-5)
    assert w == pytest.approx(-0.1383, abs=5e-5)


def test_start_loss_and_gradient_match_the_article():
    s = original()
    assert s.start_loss == pytest.approx(2.742, abs=5e-4)
    grad_b, grad_w = s.start_gradient
    assert grad_b == pytest.approx(-3.04, abs=5e-3)
    assert grad_w == pytest.approx(-1.83, abs=5e-3)


def test_cross_sections_pass_through_the_snapped_start():
    s = original()
    assert s.along_w.fixed == "b" and s.along_w.fixed_value == pytest.approx(0.52)
    assert s.along_b.fixed == "w" and s.along_b.fixed_value == pytest.approx(-0.16)
    i, j = s.grid.nearest(s.start)
    assert s.along_w.loss[i] == s.grid.loss[i, j] == s.along_b.loss[j]


def test_loss_grid_orientation_and_values():
    """loss[i, j] is the MSE at (b[j], w[i]): rows follow w, columns follow b."""
    s = original()
    g = s.grid
    assert g.loss.shape == (101, 101)
    assert (g.b[0], g.b[-1], g.w[0], g.w[-1]) == (-2.0, 4.0, -1.0, 5.0)
    for i, j in [(0, 100), (17, 3), (60, 42), (100, 0)]:
        theta = np.array([g.b[j], g.w[i]])
        assert g.loss[i, j] == pytest.approx(model.mse(theta, s.split.x_train, s.split.y_train), rel=1e-12)


def test_grid_minimum_is_near_least_squares():
    s = original()
    i, j = np.unravel_index(np.argmin(s.grid.loss), s.grid.loss.shape)
    assert abs(s.grid.b[j] - s.solution[0]) <= 0.06 and abs(s.grid.w[i] - s.solution[1]) <= 0.06


@pytest.mark.parametrize("theta", [[0.4967, -0.1383], [1.0, 2.0], [-1.5, 4.2], [3.0, -0.5]])
def test_gradient_matches_central_differences(theta):
    s = original()
    x, y, theta = s.split.x_train, s.split.y_train, np.array(theta)
    h = 1e-6
    numeric = [
        (model.mse(theta + h * e, x, y) - model.mse(theta - h * e, x, y)) / (2 * h) for e in np.eye(2)
    ]
    np.testing.assert_allclose(model.gradient(theta, x, y), numeric, rtol=1e-6, atol=1e-8)


def test_gradient_vanishes_at_least_squares_solution():
    s = original()
    np.testing.assert_allclose(model.gradient(s.solution, s.split.x_train, s.split.y_train), 0, atol=1e-12)


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", ["data", "model", "surface", "scenario", "facts"])
def test_simulation_modules_do_not_import_matplotlib(module):
    assert "matplotlib" not in _imported_modules(PACKAGE / f"{module}.py")


def test_loss_grid_has_no_python_loop_over_points():
    tree = ast.parse((PACKAGE / "surface.py").read_text())
    loss_grid = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "loss_grid")
    assert not any(isinstance(n, (ast.For, ast.While, ast.ListComp)) for n in ast.walk(loss_grid))
