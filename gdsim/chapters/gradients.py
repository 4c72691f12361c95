"""Chapter "Gradients" (docs/gradients.md): slopes read off the cross-sections, secants that become tangents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from gdsim import checks, model, scenarios
from gdsim.assets import ANIMATION, STILL, Asset
from gdsim.facts import Fact

# The step over which slopes are read off the cross-sections: two grid spacings.
SECANT_STEP = scenarios.SECANT_STEP
# The secant steps of the animation: from wide to almost nothing, evenly on a log scale.
SHRINKING_STEPS = np.geomspace(1.5, 0.002, 20)
# Left panel: b fixed, w varies; right panel: w fixed, b varies.
ORDER = ("w", "b")
# How far each figure's curve and lines reach from the snapped start (the same for both panels,
# so both share one horizontal scale): (to the left, to the right).
STILL_CURVE = (0.45, 0.55)
STILL_LINES = (0.4, 0.5)
MOVIE_CURVE = (0.6, 1.8)
MOVIE_LINES = (0.6, 1.8)
# In the animation the secant reaches this far beyond the start and its far point (a pivoting ruler).
MOVIE_SECANT_REACH = 0.35
CURVE_POINTS = 121


@dataclass(frozen=True)
class Cut:
    """The exact loss along one parameter through the snapped start, and its tangent there."""

    varied: model.Parameter
    fixed: model.Parameter
    fixed_value: float
    at: float  # the varied parameter at the snapped start
    at_loss: float  # the loss there
    values: np.ndarray  # the varied parameter along the drawn curve
    loss: np.ndarray  # the exact loss there
    tangent: float  # ∂L/∂θᵢ at the snapped start
    line_x: np.ndarray  # the two ends of the drawn secant and tangent lines
    tangent_y: np.ndarray  # the tangent at line_x


@dataclass(frozen=True)
class Secant:
    """One secant over ``step`` from the snapped start: its far point, its slope, the line it draws."""

    cut: Cut
    step: float
    far_x: float  # the varied parameter at the far point: at + step
    far_loss: float
    slope: float  # (L(θ + h·eᵢ) − L(θ)) / h
    drop: float  # far_loss − at_loss: negative where the loss went down
    secant_y: np.ndarray  # the secant at cut.line_x


@dataclass(frozen=True)
class GeometricGradients:
    """Both cuts with the secant over SECANT_STEP and the tangent, on one loss axis."""

    panels: tuple[Secant, ...]  # w varies, then b varies
    loss_range: tuple[float, float]


@dataclass(frozen=True)
class ShrinkingSecant:
    """Every frame of one panel of the animation: the step, the far point, the slope and its gap to the tangent's."""

    cut: Cut
    steps: np.ndarray  # (F,)
    far_x: np.ndarray  # (F,) at + step
    far_loss: np.ndarray  # (F,)
    slopes: np.ndarray  # (F,) secant slopes
    gaps: np.ndarray  # (F,) secant slope − tangent slope
    secant_x: np.ndarray  # (F, 2) the ends of the drawn secant: a little beyond the start and the far point
    secant_y: np.ndarray  # (F, 2) the secant there


@dataclass(frozen=True)
class SecantMovie:
    """The animation: both panels frame by frame, on one loss axis."""

    panels: tuple[ShrinkingSecant, ...]  # w varies, then b varies
    loss_range: tuple[float, float]

    @property
    def count(self) -> int:
        return len(self.panels[0].steps)


def _problem():
    s = scenarios.get("original")
    return s, s.split.x_train, s.split.y_train


@lru_cache(maxsize=None)
def cut(varied: str, curve: tuple[float, float], lines: tuple[float, float]) -> Cut:
    """The cut along ``varied`` through the snapped start, drawn ``curve`` to either side, lines ``lines``."""
    s, x, y = _problem()
    along = model.BY_NAME[varied]
    held = next(p for p in model.PARAMETERS if p is not along)
    snapped = s.snapped_start
    at = float(snapped[along.index])
    values = np.linspace(at - curve[0], at + curve[1], CURVE_POINTS)
    tangent = float(model.gradient(snapped, x, y)[along.index])
    line_x = np.array([at - lines[0], at + lines[1]])
    at_loss = s.loss(snapped)
    # the tangent line: L(θ) + ∂L/∂θᵢ · (θᵢ' − θᵢ)
    tangent_y = at_loss + tangent * (line_x - at)
    return Cut(along, held, float(snapped[held.index]), at, at_loss, values,
               model.loss_along(snapped, along.index, values, x, y), tangent, line_x, tangent_y)


def secant(base: Cut, step: float) -> Secant:
    """The secant of ``base`` over ``step``: the line through the snapped start and the point ``step`` further."""
    step = checks.positive_number(step, "secant step")
    s, x, y = _problem()
    slope = model.secant_slope(s.snapped_start, base.varied.index, step, x, y)
    far_x = base.at + step
    far_loss = float(model.loss_along(s.snapped_start, base.varied.index, np.array([far_x]), x, y)[0])
    # the secant line: L(θ) + slope · (θᵢ' − θᵢ), through the start and the far point at θᵢ + h
    secant_y = base.at_loss + slope * (base.line_x - base.at)
    return Secant(base, step, far_x, far_loss, slope, far_loss - base.at_loss, secant_y)


def _loss_range(curves: Sequence[ArrayLike]) -> tuple[float, float]:
    """The range of losses all the curves reach: one loss axis for panels that are compared."""
    return (min(float(np.min(c)) for c in curves), max(float(np.max(c)) for c in curves))


@lru_cache(maxsize=None)
def geometric_gradients() -> GeometricGradients:
    """Both cuts with their secants over SECANT_STEP: the slopes read off with a ruler."""
    panels = tuple(secant(cut(name, STILL_CURVE, STILL_LINES), SECANT_STEP) for name in ORDER)
    curves = [p.cut.loss for p in panels] + [p.secant_y for p in panels] + [p.cut.tangent_y for p in panels]
    return GeometricGradients(panels, _loss_range(curves))


def shrinking_secant(base: Cut, steps: np.ndarray, reach: float = MOVIE_SECANT_REACH) -> ShrinkingSecant:
    """One panel of the animation: the secant of ``base`` over each of ``steps``, drawn ``reach`` past its ends."""
    steps = checks.vector(steps, "secant steps")
    reach = checks.positive_number(reach, "secant reach")
    frames = [secant(base, float(h)) for h in steps]
    slopes = np.array([f.slope for f in frames])
    far_x = np.array([f.far_x for f in frames])
    secant_x = np.column_stack([np.full_like(steps, base.at - reach), far_x + reach])
    # the secant line: L(θ) + slope · (θᵢ' − θᵢ) at both ends
    secant_y = base.at_loss + slopes[:, None] * (secant_x - base.at)
    # gap: how far the secant's slope is above the derivative
    gaps = slopes - base.tangent
    return ShrinkingSecant(base, steps, far_x, np.array([f.far_loss for f in frames]), slopes, gaps,
                           secant_x, secant_y)


@lru_cache(maxsize=None)
def secant_movie() -> SecantMovie:
    """The animation's frames: the step shrinks from SHRINKING_STEPS[0] to SHRINKING_STEPS[-1] in both cuts."""
    panels = tuple(shrinking_secant(cut(name, MOVIE_CURVE, MOVIE_LINES), SHRINKING_STEPS) for name in ORDER)
    return SecantMovie(panels, _loss_range([p.cut.loss for p in panels]))


def facts() -> dict[str, Fact]:
    """The chapter's quoted numbers: slopes over SECANT_STEP, the exact derivatives, the animation's steps."""
    s, x, _ = _problem()
    w_panel, b_panel = geometric_gradients().panels
    return {
        "secant_step": Fact(SECANT_STEP, "g"),
        "snap_loss": Fact(s.loss(s.snapped_start)),
        "geo_grad_w": Fact(w_panel.slope),
        "geo_grad_b": Fact(b_panel.slope),
        "geo_drop_w": Fact(w_panel.drop),
        "geo_drop_w_abs": Fact(abs(w_panel.drop)),
        "geo_drop_b_abs": Fact(abs(b_panel.drop)),
        "exact_snap_w": Fact(w_panel.cut.tangent),
        "exact_snap_b": Fact(b_panel.cut.tangent),
        "grad_b": Fact(float(s.start_gradient[model.BY_NAME["b"].index])),
        "grad_w": Fact(float(s.start_gradient[model.BY_NAME["w"].index])),
        # how much higher than the tangent's each secant's slope is: h along b, h·mean(x²) along w
        "secant_gap_b": Fact(b_panel.slope - b_panel.cut.tangent, ".2f"),
        "secant_gap_w": Fact(w_panel.slope - w_panel.cut.tangent, ".3f"),
        "mean_x_squared": Fact(float(np.mean(x**2)), ".3f"),
        "curvature_w": Fact(float(2 * np.mean(x**2)), ".2f"),
        "secant_anim_first": Fact(float(SHRINKING_STEPS[0]), "g"),
        "secant_anim_last": Fact(float(SHRINKING_STEPS[-1]), "g"),
    }


ASSETS = (
    Asset(
        "geometric-gradients",
        STILL,
        data=geometric_gradients,
        draw="geometric_gradients",
    ),
    Asset(
        "secant-to-tangent",
        ANIMATION,
        data=secant_movie,
        draw="secant_to_tangent",
    ),
)
