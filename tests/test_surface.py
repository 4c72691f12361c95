"""The loss grid's floor and the contour levels every map of the site uses, against closed forms.

Oracles written out here: the least-squares fit by ``numpy.linalg.lstsq``, the Hessian
(2/n)·XᵀX and its eigenvectors by ``numpy.linalg.eigh``, and level crossings found by bisection
on the loss itself. For a quadratic bowl, L(θ* + t·u) = L* + ½·(uᵀHu)·t², so levels
L* + (k·d)² are crossed at t_k = k·d·√(2/uᵀHu): evenly spaced along every ray from the minimum.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.contour import QuadContourSet

from gdsim import scenarios, surface
from gdsim.build import registry
from gdsim.draw import style
from gdsim.draw.frames import Movie
from gdsim.paths import STYLE

matplotlib.use("Agg")


def _fit(name: str):
    """(θ*, L*, H, loss function) of one problem, by hand."""
    s = scenarios.get(name)
    x, y = s.split.x_train, s.split.y_train
    X = np.column_stack([np.ones_like(x), x])
    best, *_ = np.linalg.lstsq(X, y, rcond=None)

    def loss(theta):
        return float(np.mean((theta[0] + theta[1] * x - y) ** 2))

    return best, loss(best), 2 / len(x) * X.T @ X, loss


def _crossing(loss, origin, direction, level, far=100.0) -> float:
    """The distance t > 0 at which the loss along origin + t·direction first reaches ``level`` (bisection)."""
    lo, hi = 0.0, far
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if loss(origin + mid * direction) < level else (lo, mid)
    return 0.5 * (lo + hi)


# ---------------------------------------------------------------- the grid's floor and the levels


@pytest.mark.parametrize("name", scenarios.NAMES)
def test_the_grid_floor_is_the_least_squares_loss(name):
    grid = scenarios.get(name).grid
    _, lowest, _, _ = _fit(name)
    assert grid.floor == pytest.approx(lowest, rel=1e-10)
    assert grid.floor <= grid.loss.min()


@pytest.mark.parametrize("name", scenarios.NAMES)
def test_levels_are_evenly_spaced_in_root_loss_from_the_floor_to_the_top(name):
    grid = scenarios.get(name).grid
    levels = grid.levels()
    assert len(levels) == surface.BOWL_LEVELS + 1
    assert levels[0] == grid.floor and levels[-1] == grid.loss.max()
    roots = np.sqrt(levels - levels[0])
    np.testing.assert_allclose(np.diff(roots), roots[-1] / surface.BOWL_LEVELS, rtol=1e-12)
    np.testing.assert_allclose(surface.level_root(levels, levels), roots, rtol=1e-12)


@pytest.mark.parametrize("name", scenarios.NAMES)
@pytest.mark.parametrize("direction", ["b", "w", "flat", "steep"])
def test_level_crossings_along_a_ray_are_evenly_spaced_as_the_closed_form_says(name, direction):
    """Found by bisection on the loss, both ways along the two axes and the two eigen-directions."""
    best, _, H, loss = _fit(name)
    _, vectors = np.linalg.eigh(H)
    u = {"b": np.array([1.0, 0.0]), "w": np.array([0.0, 1.0]), "flat": vectors[:, 0], "steep": vectors[:, 1]}[direction]
    levels = scenarios.get(name).grid.levels()
    d = np.sqrt(levels[-1] - levels[0]) / surface.BOWL_LEVELS
    gap = d * np.sqrt(2 / (u @ H @ u))
    for sign in (1, -1):
        found = np.array([_crossing(loss, best, sign * u, level) for level in levels[1:-1]])
        np.testing.assert_allclose(np.diff(found), gap, rtol=1e-6)
        np.testing.assert_allclose(found, gap * np.arange(1, len(levels) - 1), rtol=1e-6)
    np.testing.assert_allclose(surface.level_crossings(levels, u @ H @ u)[1:-1],
                               gap * np.arange(1, len(levels) - 1), rtol=1e-12)


def test_lines_are_closer_where_the_bowl_curves_more_sharply():
    """On the original map: closest across the valley, furthest along its floor, √κ apart."""
    _, _, H, _ = _fit("original")
    lam = np.linalg.eigvalsh(H)
    levels = scenarios.get("original").grid.levels()
    gaps = {name: surface.level_crossings(levels, c)[1] for name, c in
            (("steep", lam[1]), ("b", H[0, 0]), ("w", H[1, 1]), ("flat", lam[0]))}
    assert gaps["steep"] < gaps["b"] < gaps["w"] < gaps["flat"]
    assert gaps["flat"] / gaps["steep"] == pytest.approx(np.sqrt(lam[1] / lam[0]))


@pytest.mark.parametrize("bad", [
    dict(loss=np.array([1.0, 2.0]), floor=1.5),     # a floor above a loss
    dict(loss=np.array([1.0, 1.0]), floor=None),   # nothing above the floor
    dict(loss=np.array([1.0, 2.0]), count=0),
    dict(loss=np.array([1.0, np.nan]), floor=None),
])
def test_bad_level_requests_are_value_errors(bad):
    with pytest.raises(ValueError):
        surface.bowl_levels(**bad)


def test_a_crossing_needs_a_positive_curvature():
    with pytest.raises(ValueError, match="curvature"):
        surface.level_crossings(np.array([0.0, 1.0]), 0.0)


def test_a_grid_built_by_hand_starts_its_levels_at_its_own_lowest_value():
    loss = np.array([[4.0, 1.0], [9.0, 2.0]])
    grid = surface.LossGrid(np.array([0.0, 1.0]), np.array([0.0, 1.0]), loss)
    levels = grid.levels(3)
    np.testing.assert_allclose(levels, 1 + (np.sqrt(8) / 3 * np.arange(4)) ** 2)


# ---------------------------------------------------------------- every map on the site


def _drawn(name: str, layout):
    with matplotlib.rc_context(fname=str(STYLE)):
        made = registry.get(name).build(layout)
    return made.figure if isinstance(made, Movie) else made


def _filled_maps(fig):
    return [c for ax in fig.axes for c in ax.collections if isinstance(c, QuadContourSet) and c.filled]


@pytest.fixture(scope="module")
def maps():
    """Every asset that draws a contour map, in both layouts: {(name, layout): figure}."""
    found = {}
    for name in registry.BY_NAME:
        fig = _drawn(name, style.COLUMN)
        if _filled_maps(fig):
            found[(name, "column")] = fig
            found[(name, "phone")] = _drawn(name, style.PHONE)
    return found


def test_the_site_has_the_contour_maps_this_test_expects(maps):
    names = {name for name, _ in maps}
    assert {"loss-surface", "cross-section-b-fixed", "cross-section-w-fixed", "descent-small", "descent-big",
            "descent-very-big", "bad-feature-surfaces", "three-contour-maps", "scaled-vs-unscaled",
            "hessian-axes"} <= names


def test_every_map_uses_the_bowl_levels_of_its_problem(maps):
    """One rule on every map: 12 bands, evenly spaced in √(L − L*), L* that problem's least-squares loss."""
    floors = [_fit(name)[1] for name in scenarios.NAMES]
    for (name, layout), fig in maps.items():
        for filled in _filled_maps(fig):
            levels = np.asarray(filled.levels)
            assert len(levels) == surface.BOWL_LEVELS + 1, (name, layout)
            assert min(abs(levels[0] - f) for f in floors) < 1e-12, (name, layout)
            roots = np.sqrt(levels - levels[0])
            np.testing.assert_allclose(np.diff(roots), roots[-1] / surface.BOWL_LEVELS, rtol=1e-9,
                                       err_msg=f"{name} ({layout})")


def _colour_bars(fig):
    return [ax._colorbar for ax in fig.axes if getattr(ax, "_colorbar", None) is not None]


def test_colour_bars_are_on_the_root_scale_and_ticked_in_loss(maps):
    """A tick labelled L sits at √(L − L*) on the bar, whose bands are all equally long."""
    seen = 0
    for (name, layout), fig in maps.items():
        FigureCanvasAgg(fig).draw()
        floors = [np.asarray(f.levels)[0] for f in _filled_maps(fig)]
        for bar in _colour_bars(fig):
            seen += 1
            bands = np.diff(bar._boundaries)
            np.testing.assert_allclose(bands, bands[0], rtol=1e-9)
            axis = bar.ax.yaxis if bar.orientation == "vertical" else bar.ax.xaxis
            labels = [float(t.get_text().replace("−", "-")) for t in axis.get_ticklabels()]
            assert len(labels) >= 2, (name, layout)
            positions = axis.get_ticklocs()
            assert any(np.allclose(positions, np.sqrt(np.array(labels) - floor), rtol=1e-9) for floor in floors)
            assert "√" in bar.ax.get_ylabel() + bar.ax.get_xlabel(), (name, layout)
    assert seen >= 8  # loss-surface, the two cross-sections and the two bad-feature maps, in both layouts


def test_the_loss_surface_bar_ticks_the_squares_the_page_names(maps):
    """The page says the ticks 1, 4 and 9 sit evenly spaced up the bar."""
    bar = _colour_bars(maps[("loss-surface", "column")])[0]
    labels = [t.get_text() for t in bar.ax.yaxis.get_ticklabels()]
    assert {"1", "4", "9"} <= set(labels)


def test_drawn_contour_lines_lie_on_their_levels():
    """The white lines of a map are the exact loss's level sets (to the grid's linear interpolation)."""
    _, _, _, loss = _fit("original")
    grid = scenarios.get("original").grid
    fig = style.new_figure(3.0)
    ax = fig.subplots()
    style.contour_map(ax, grid)
    lines = [c for c in ax.collections if isinstance(c, QuadContourSet) and not c.filled][0]
    levels = grid.levels()
    np.testing.assert_allclose(lines.levels, levels[1:-1])
    for level, path in zip(lines.levels, lines.get_paths()):
        vertices = path.vertices[:: max(1, len(path.vertices) // 50)]
        values = np.array([loss(v) for v in vertices])
        # linear interpolation between grid points 0.06 apart errs by at most (λ_max/8)·h² per cell
        np.testing.assert_allclose(values, level, atol=0.01 + 0.002 * level)
