"""Chapter "The loss surface" (docs/loss-surface.md): the loss on a grid of guesses, and two cuts through it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import checks, data, model, scenarios, stability, surface
from gdsim.assets import STILL, Asset
from gdsim.facts import Fact


@dataclass(frozen=True)
class SurfaceView:
    """The loss surface figure: the grid, its contour levels, and the two points marked at their true heights."""

    parameters: tuple[model.Parameter, ...]  # (b, w): the map's horizontal and vertical axes
    grid: surface.LossGrid
    levels: np.ndarray  # contour levels L* + (k·d)², evenly spaced in √(L − L*) (every map of this chapter)
    start: np.ndarray  # [b, w] of the random start
    start_loss: float
    solution: np.ndarray  # [b, w] of the least-squares minimum
    solution_loss: float


@dataclass(frozen=True)
class CutView:
    """One cross-section figure: the map with the cut, and the loss along it from the snapped start."""

    map: SurfaceView
    varied: model.Parameter  # along the horizontal axis of the cut
    fixed: model.Parameter  # held at the snapped start's value
    section: surface.CrossSection
    snapped: np.ndarray  # [b, w] of the grid point nearest the random start, where both cuts cross
    start_value: float  # the varied parameter at the snapped start
    start_loss: float  # the loss there
    lowest_value: float  # where the loss along this cut is lowest (exact, not a grid value)
    lowest_loss: float
    loss_range: tuple[float, float]  # one loss axis for both cuts, so their steepness compares


@lru_cache(maxsize=None)
def surface_view() -> SurfaceView:
    """The original problem's loss over the chapter's grid, with its minimum and the random start."""
    s = scenarios.get("original")
    return SurfaceView(
        model.PARAMETERS, s.grid, s.grid.levels(), s.start, s.start_loss, s.solution, s.solution_loss
    )


def _section(s: scenarios.Scenario, varied: model.Parameter) -> surface.CrossSection:
    return s.along_b if varied.name == "b" else s.along_w


@lru_cache(maxsize=None)
def cut_view(varied: str) -> CutView:
    """The cross-section through the snapped start along ``varied`` ("b" or "w"), the other parameter fixed."""
    s = scenarios.get("original")
    along = model.BY_NAME[checks.one_of(varied, model.BY_NAME, "parameter")]
    held = next(p for p in model.PARAMETERS if p.name != varied)
    section = _section(s, along)
    snapped = s.snapped_start
    x, y = s.split.x_train, s.split.y_train
    lowest = model.minimum_along(snapped, along.index, x, y)
    moved = snapped.copy()
    moved[along.index] = lowest
    # one loss axis for the pair: from 0 to the highest loss either cut reaches on the grid
    top = max(float(np.max(_section(s, p).loss)) for p in model.PARAMETERS)
    return CutView(surface_view(), along, held, section, snapped, float(snapped[along.index]), s.loss(snapped),
                   lowest, s.loss(moved), (0.0, top))


@dataclass(frozen=True)
class LevelSpacing:
    """How far apart the map's contour lines are along a ray from the minimum, from the closed form.

    Level k is L* + (k·d)²; along a ray of curvature c the loss is L* + ½·c·t², so the lines
    sit d·√(2/c) apart on that ray (``surface.level_crossings``).
    """

    step: float  # d, one level step in √(L − L*)
    first: float  # the innermost line's loss, L* + d²
    curvature: dict[str, float]  # by direction: "b" and "w" (the axes), "across" λ_max, "along" λ_min
    gap: dict[str, float]  # by direction: the distance between successive lines, d·√(2/c)


@lru_cache(maxsize=None)
def level_spacing() -> LevelSpacing:
    """The contour spacing of the chapter's map along the two axes and across and along the valley."""
    s = scenarios.get("original")
    levels = surface_view().levels
    # d = √(L₁ − L*), the first line's height above the floor in √ units
    step = float(surface.level_root(levels, levels[1]))
    H = stability.hessian(stability.design_matrix(s.split.x_train))
    lam = stability.eigenvalues(stability.design_matrix(s.split.x_train))
    curvature = {"b": float(H[0, 0]), "w": float(H[1, 1]), "across": float(lam[-1]), "along": float(lam[0])}
    gap = {name: float(surface.level_crossings(levels[:2], c)[1]) for name, c in curvature.items()}
    return LevelSpacing(step, float(levels[1]), curvature, gap)


def even_loss_levels() -> np.ndarray:
    """The other choice, for an exercise: as many levels evenly spaced in L from L* to the grid's top."""
    grid = scenarios.get("original").grid
    return np.linspace(grid.floor, grid.loss.max(), surface.BOWL_LEVELS + 1)


def facts() -> dict[str, Fact]:
    """The chapter's quoted numbers: the grid's extent and spacing, the levels, the snapped start, the cuts' minima."""
    s = scenarios.get("original")
    grid = s.grid
    spacing = level_spacing()
    even = even_loss_levels()
    return {
        "grid_points": Fact(len(grid.b), "d"),
        "grid_cells": Fact(grid.loss.size, ",d"),
        "b_min": Fact(float(grid.b[0]), "g"),
        "b_max": Fact(float(grid.b[-1]), "g"),
        "w_min": Fact(float(grid.w[0]), "g"),
        "w_max": Fact(float(grid.w[-1]), "g"),
        "grid_step": Fact(float(grid.b[1] - grid.b[0])),
        "grid_max_loss": Fact(float(grid.loss.max()), ".0f"),
        "snap_b": Fact(cut_view("b").snapped[model.BY_NAME["b"].index]),
        "snap_w": Fact(cut_view("w").snapped[model.BY_NAME["w"].index]),
        "along_w_min_w": Fact(cut_view("w").lowest_value),
        # how much steeper than the true weight the best w of the b-fixed cut is, in %
        "along_w_min_excess_percent": Fact(100 * (cut_view("w").lowest_value / data.TRUE_W - 1), ".0f"),
        "along_b_min_b": Fact(cut_view("b").lowest_value),
        "level_lines": Fact(surface.BOWL_LEVELS - 1, "d"),
        "level_step": Fact(spacing.step, ".3f"),
        "level_first": Fact(spacing.first, ".2f"),
        "level_curv_w": Fact(spacing.curvature["w"], ".3f"),
        # how many times more sharply the bowl curves along b than along w: H_bb / H_ww
        "level_curv_ratio": Fact(spacing.curvature["b"] / spacing.curvature["w"], ".2f"),
        "level_curv_across": Fact(spacing.curvature["across"], ".2f"),
        "level_curv_along": Fact(spacing.curvature["along"], ".3f"),
        "level_gap_b": Fact(spacing.gap["b"], ".3f"),
        "level_gap_w": Fact(spacing.gap["w"], ".3f"),
        "level_gap_across": Fact(spacing.gap["across"], ".3f"),
        "level_gap_along": Fact(spacing.gap["along"], ".2f"),
        # the lines are this many times further apart along w than along b: √(H_bb / H_ww)
        "level_gap_ratio_w": Fact(spacing.gap["w"] / spacing.gap["b"], ".2f"),
        # and along the valley than across it: √(λ_max / λ_min) = √κ
        "level_gap_ratio_valley": Fact(spacing.gap["along"] / spacing.gap["across"], ".2f"),
        # the exercise's even-in-L levels: the innermost line, and how many lines lie between the start and L*
        "even_level_first": Fact(float(even[1]), ".2f"),
        "even_levels_below_start": Fact(int(np.sum(even[1:-1] < s.start_loss)), "d"),
    }


ASSETS = (
    Asset(
        "loss-surface",
        STILL,
        data=surface_view,
        draw="surface_and_contours",
    ),
    Asset(
        "cross-section-b-fixed",
        STILL,
        data=cut_view,
        params={"varied": "w"},
        draw="cross_section",
    ),
    Asset(
        "cross-section-w-fixed",
        STILL,
        data=cut_view,
        params={"varied": "b"},
        draw="cross_section",
    ),
)
