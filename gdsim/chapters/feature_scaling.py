"""Chapter "Feature scaling" (docs/feature-scaling.md): the bad feature 10·x, standardization, and
one learning rate on the original and the standardized problem.

Everything the chapter's figures draw is computed here and handed over in result objects, so a
number the prose quotes is the number a figure shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import checks, data, model, scaling, scenarios, stability, surface
from gdsim.assets import ANIMATION, STILL, Asset
from gdsim.descent import Trajectory, gradient_descent
from gdsim.facts import Fact

# One learning rate for the original, the bad and the standardized problem, and how many steps they
# take (full batch: every step uses the whole training set, so each step is also one epoch).
SCALING_LR = 0.2
SCALING_EPOCHS = 60
# The animation shows every FRAME_EVERY-th step (and the last): its GIF stays within its size budget.
FRAME_EVERY = 2
# A run has converged once its error ‖θ_k − θ*‖ is the site's fraction of its first one, so every
# chapter counts steps the same way.
CONVERGED_TOL = stability.REACHED
# Steps a run may take to meet that criterion (the original problem at SCALING_LR needs a few hundred).
CONVERGE_MAX_STEPS = 5000
# How far one parameter moves either side of the start on the cross-section figure, in how many points.
STEEPNESS_REACH = 1.0
STEEPNESS_POINTS = 201
# The two problems of the comparison figures, and the two of the animation and the standardized scatter.
BEFORE_AFTER = ("original", "bad")
RACE = ("original", "standardized")


# ---------------------------------------------------------------- result objects


@dataclass(frozen=True)
class FeaturePanel:
    """The training points of one problem, against its own feature."""

    name: str
    label: str  # e.g. "bad feature $10x$"
    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class BadFeatureData:
    """The same labels against x and against 10·x."""

    panels: tuple[FeaturePanel, ...]
    factor: float


@dataclass(frozen=True)
class StandardizedData:
    """The points against x and against z = (x − x̄)/σ, with the training statistics that map one to the other."""

    split: data.Split  # the original points
    scaled: data.Split  # the same points, feature standardized with the training statistics
    mean: float  # x̄ of the training feature
    std: float  # σ, its population standard deviation (ddof = 0)
    marks: np.ndarray  # x̄ − σ, x̄, x̄ + σ: where z is −1, 0 and 1


@dataclass(frozen=True)
class MapPanel:
    """One problem's contour map: its loss grid and levels, the minimum and the random start."""

    name: str
    label: str  # e.g. "standardized feature $z$"
    axis_labels: tuple[str, str]  # mathtext, (horizontal b axis, vertical w axis)
    grid: surface.LossGrid
    levels: np.ndarray  # the site's rule, surface.bowl_levels: evenly spaced in √(L − L*)
    solution: np.ndarray
    start: np.ndarray

    @property
    def innermost(self) -> float:
        """The first contour level above 0: the map's innermost line."""
        return float(self.levels[1])


@dataclass(frozen=True)
class MapFamily:
    """Contour maps drawn side by side for comparison."""

    panels: tuple[MapPanel, ...]


@dataclass(frozen=True)
class SteepnessPanel:
    """The loss as one parameter at a time moves away from the (snapped) start, on one problem."""

    name: str
    label: str
    through: np.ndarray  # the point [b, w] every curve passes through
    through_loss: float  # the loss there, where the curves cross
    deltas: np.ndarray  # how far the moving parameter is from ``through``
    loss: dict[str, np.ndarray]  # by parameter name: the loss as that parameter alone moves
    curvature: dict[str, float]  # by parameter name: ∂²L/∂θᵢ², the bend of that curve


@dataclass(frozen=True)
class SteepnessView:
    """Cross-sections before and after the feature was multiplied by ten."""

    panels: tuple[SteepnessPanel, ...]
    factor: float


@dataclass(frozen=True)
class RacePanel:
    """One problem of the animation: its map and the run descending on it."""

    map: MapPanel
    run: Trajectory


@dataclass(frozen=True)
class Race:
    """The same learning rate, start and epochs on the original and the standardized problem."""

    panels: tuple[RacePanel, ...]
    lr: float
    epochs: int
    shown: tuple[int, ...]  # the epochs the frames show, in order


@dataclass(frozen=True)
class TrainedModel:
    """The line learned on the standardized feature, back in original units, with the data and the truth."""

    split: data.Split  # the original (unscaled) points
    theta: np.ndarray  # [b, w] in original units
    theta_scaled: np.ndarray  # [b_z, w_z]
    truth: np.ndarray  # [b, w] of the line the data were drawn from
    line_x: np.ndarray
    trained_y: np.ndarray  # ŷ of the trained model at line_x
    truth_y: np.ndarray  # the true line at line_x
    epochs: int


# ---------------------------------------------------------------- computations


def axis_labels(name: str) -> tuple[str, str]:
    """Mathtext axis labels of one problem: $b$, $w$, or $b_z$, $w_z$ for the standardized feature."""
    suffix = "_z" if name == "standardized" else ""
    return tuple(f"${p.name}{suffix}$ ({p.role})" for p in model.PARAMETERS)


def curvatures(x_train: np.ndarray) -> dict[str, float]:
    """The loss's bend along each parameter alone, the Hessian's diagonal: why one rate cannot suit both."""
    H = stability.hessian(stability.design_matrix(x_train))
    # ∂²L/∂θᵢ² = Hᵢᵢ = 2·mean(featureᵢ²), the feature of b being the constant 1
    return {p.name: float(H[p.index, p.index]) for p in model.PARAMETERS}


def curvature_table() -> dict[str, dict[str, float]]:
    """Curvatures along b and w of every problem, by problem name."""
    return {name: curvatures(scenarios.get(name).split.x_train) for name in scenarios.NAMES}


@lru_cache(maxsize=None)
def scaling_runs(lr: float = SCALING_LR, epochs: int = SCALING_EPOCHS) -> dict[str, Trajectory]:
    """One learning rate on the original, the bad and the standardized problem, from the same start."""
    lr, epochs = checks.learning_rate(lr), checks.step_count(epochs, "epochs")
    runs = {}
    for name in scenarios.NAMES:
        s = scenarios.get(name)
        runs[name] = gradient_descent(s.split.x_train, s.split.y_train, s.start, lr, epochs)
    return runs


def steps_to_converge(run: Trajectory, name: str, tol: float = CONVERGED_TOL) -> int | None:
    """First step k at which the error has shrunk to ``tol`` of its start, ‖θ_k − θ*‖ ≤ tol·‖θ₀ − θ*‖
    (None if the run never gets there)."""
    tol = checks.fraction(tol, "tol")
    # the error e_k = θ_k − θ*, θ* the problem's least-squares parameters
    errors = np.linalg.norm(run.params - scenarios.get(name).solution, axis=1)
    close = np.flatnonzero(errors <= tol * errors[0])
    return int(close[0]) if close.size else None


@lru_cache(maxsize=None)
def converge_steps(name: str, lr: float = SCALING_LR) -> int | None:
    """Steps one problem needs at ``lr`` from the random start to meet the convergence criterion."""
    s = scenarios.get(checks.one_of(name, scenarios.NAMES, "scenario"))
    run = gradient_descent(s.split.x_train, s.split.y_train, s.start, lr, CONVERGE_MAX_STEPS)
    return steps_to_converge(run, name)


def stability_table() -> dict[str, stability.Stability]:
    """The exact learning-rate facts (limit 2/λ_max, best rate, κ) of every problem, by name."""
    return {name: stability.analyse(stability.design_matrix(scenarios.get(name).split.x_train))
            for name in scenarios.NAMES}


@lru_cache(maxsize=None)
def standardizer() -> scaling.Standardizer:
    """The scaler fitted on the original training feature, the one every standardized set uses."""
    return scaling.standardized_split(data.original_split())[1]


@lru_cache(maxsize=None)
def trained_model() -> TrainedModel:
    """The parameters after SCALING_EPOCHS on the standardized feature, in its units and the original's."""
    theta_scaled = scaling_runs()["standardized"].final
    theta = standardizer().to_original(theta_scaled)
    truth = np.array([data.TRUE_B, data.TRUE_W])
    line_x = np.array([0.0, 1.0])
    return TrainedModel(
        data.original_split(), theta, theta_scaled, truth, line_x,
        model.predict(theta, line_x), model.predict(truth, line_x), SCALING_EPOCHS,
    )


def _map_panel(name: str) -> MapPanel:
    s = scenarios.get(name)
    return MapPanel(name, s.label, axis_labels(name), s.grid, s.grid.levels(), s.solution, s.start)


def _steepness_panel(name: str, reach: float, points: int) -> SteepnessPanel:
    s = scenarios.get(name)
    x, y = s.split.x_train, s.split.y_train
    deltas = np.linspace(-reach, reach, points)
    through = s.snapped_start
    loss = {p.name: model.loss_along(through, p.index, through[p.index] + deltas, x, y) for p in model.PARAMETERS}
    return SteepnessPanel(name, s.label, through, model.mse(through, x, y), deltas, loss, curvatures(x))


# ---------------------------------------------------------------- what each figure draws


@lru_cache(maxsize=None)
def bad_feature_data_view() -> BadFeatureData:
    """The training points against the original and the bad feature: same labels, stretched axis."""
    panels = tuple(
        FeaturePanel(name, scenarios.get(name).label, scenarios.get(name).split.x_train, scenarios.get(name).split.y_train)
        for name in BEFORE_AFTER
    )
    return BadFeatureData(panels, scaling.BAD_FACTOR)


@lru_cache(maxsize=None)
def surfaces_view() -> MapFamily:
    """Contour maps before and after ×10 over windows of one size, levels by the site's one rule."""
    return MapFamily(tuple(_map_panel(name) for name in BEFORE_AFTER))


@lru_cache(maxsize=None)
def standardized_data_view() -> StandardizedData:
    """The points before and after standardization, with x̄ and x̄ ± σ marked (there z is 0 and ±1)."""
    scaler = standardizer()
    split = data.original_split()
    scaled, _ = scaling.standardized_split(split)
    marks = scaler.mean + scaler.std * np.array([-1.0, 0.0, 1.0])
    return StandardizedData(split, scaled, scaler.mean, scaler.std, marks)


@lru_cache(maxsize=None)
def steepness_view(reach: float = STEEPNESS_REACH, points: int = STEEPNESS_POINTS) -> SteepnessView:
    """The loss as b alone or w alone moves from the start, before and after ×10."""
    reach = checks.positive_number(reach, "reach")
    points = checks.step_count(points, "points")
    return SteepnessView(tuple(_steepness_panel(name, reach, points) for name in BEFORE_AFTER), scaling.BAD_FACTOR)


@lru_cache(maxsize=None)
def three_maps_view() -> MapFamily:
    """The original, bad and standardized problems, each over a window of one size around its minimum."""
    return MapFamily(tuple(_map_panel(name) for name in scenarios.NAMES))


@lru_cache(maxsize=None)
def race_view() -> Race:
    """The runs the animation plays: one learning rate on the original and the standardized problem."""
    runs = scaling_runs()
    panels = tuple(RacePanel(_map_panel(name), runs[name]) for name in RACE)
    shown = tuple(sorted(set(range(0, SCALING_EPOCHS + 1, FRAME_EVERY)) | {SCALING_EPOCHS}))
    return Race(panels, SCALING_LR, SCALING_EPOCHS, shown)


# ---------------------------------------------------------------- quoted numbers


def facts() -> dict[str, Fact]:
    original, bad = scenarios.get("original"), scenarios.get("bad")
    curv = curvature_table()
    scaler = standardizer()
    z_split, _ = scaling.standardized_split(original.split)
    runs = scaling_runs()
    levels = {panel.name: panel.innermost for panel in surfaces_view().panels}
    trained = trained_model()
    x_val, y_val = original.split.x_val, original.split.y_val
    exact = stability_table()
    limit = {name: row.max_stable_lr for name, row in exact.items()}
    bad_losses = runs["bad"].losses
    steps = {name: converge_steps(name) for name in RACE}
    return {
        "bad_factor": Fact(scaling.BAD_FACTOR, "g"),
        "bad_x_max": Fact(bad.split.x_train.max(), ".1f"),
        "bad_w_min": Fact(bad.grid.w[0], ".1f"),
        "bad_w_max": Fact(bad.grid.w[-1], ".1f"),
        "level_original": Fact(levels["original"], ".2f"),
        "level_bad": Fact(levels["bad"], ".2f"),
        # the bad map's every level is this many times the original's: both scale with the window's top
        "level_ratio": Fact((levels["bad"] - bad.grid.floor) / (levels["original"] - original.grid.floor), ".1f"),
        "max_loss_original": Fact(original.grid.loss.max(), ".0f"),
        "max_loss_bad": Fact(bad.grid.loss.max(), ".0f"),
        "curv_w": Fact(curv["original"]["w"], ".2f"),
        "curv_w_bad": Fact(curv["bad"]["w"], ".1f"),
        # how many times faster the loss bends along b than along w: H_bb / H_ww
        "curv_ratio_original": Fact(curv["original"]["b"] / curv["original"]["w"], ".1f"),
        # and, after ×10, along w than along b: H_ww / H_bb
        "curv_ratio_bad": Fact(curv["bad"]["w"] / curv["bad"]["b"], ".1f"),
        "curv_w_std": Fact(curv["standardized"]["w"], "g"),
        "train_mean": Fact(scaler.mean, ".3f"),
        "train_std": Fact(scaler.std, ".3f"),
        # |mean| so that rounding noise (−1e−17) does not print as "−0.0"
        "scaled_train_mean": Fact(abs(np.mean(z_split.x_train)), ".1f"),
        "scaled_train_std": Fact(np.std(z_split.x_train), ".1f"),
        "scaled_val_mean": Fact(np.mean(z_split.x_val), ".2f"),
        "scaled_val_std": Fact(np.std(z_split.x_val), ".2f"),
        "scaling_lr": Fact(SCALING_LR, "g"),
        "scaling_epochs": Fact(SCALING_EPOCHS, "d"),
        "scaling_original_loss": Fact(runs["original"].losses[-1], ".4f"),
        "scaling_std_loss": Fact(runs["standardized"].losses[-1], ".4f"),
        "scaling_bad_steps": Fact(runs["bad"].steps, "d"),
        # the bad run's loss: at the start, after one step and after two; the next would pass the stop rule
        "scaling_bad_loss0": Fact(bad_losses[0], ".1f"),
        "scaling_bad_loss1": Fact(bad_losses[1], ".0f"),
        "scaling_bad_loss2": Fact(bad_losses[2], ",.0f"),
        "scaling_std_steps": Fact(steps["standardized"], "d"),
        "scaling_original_steps": Fact(steps["original"], "d"),
        # the error's factor per step at SCALING_LR on the round bowl: 1 − η·2, the same in every direction
        "scaling_std_factor": Fact(1 - SCALING_LR * exact["standardized"].eigenvalues[0], ".1f"),
        # and along the original's flattest direction: 1 − η·λ_min
        "scaling_original_flat_factor": Fact(1 - SCALING_LR * exact["original"].eigenvalues[0], ".3f"),
        # the exact limits 2/λ_max, and how much higher the standardized one is, in %
        "limit_original": Fact(limit["original"], ".3f"),
        "limit_bad": Fact(limit["bad"], ".3f"),
        "limit_standardized": Fact(limit["standardized"], ".2f"),
        "limit_gain_percent": Fact(100 * (limit["standardized"] / limit["original"] - 1), ".0f"),
        "limit_bad_ratio": Fact(limit["original"] / limit["bad"], ".0f"),
        "kappa_fs_original": Fact(exact["original"].condition_number, ".1f"),
        "kappa_fs_bad": Fact(exact["bad"].condition_number, ".0f"),
        "kappa_fs_standardized": Fact(exact["standardized"].condition_number, ".0f"),
        "best_lr_standardized": Fact(exact["standardized"].best_lr, ".1f"),
        "trained_b_scaled": Fact(trained.theta_scaled[0], ".3f"),
        "trained_w_scaled": Fact(trained.theta_scaled[1], ".3f"),
        "trained_b": Fact(trained.theta[0], ".3f"),
        "trained_w": Fact(trained.theta[1], ".3f"),
        "trained_val_loss": Fact(model.mse(trained.theta, x_val, y_val), ".4f"),
        "trained_train_loss": Fact(model.mse(trained.theta, original.split.x_train, original.split.y_train), ".4f"),
    }


# ---------------------------------------------------------------- figures

ASSETS = (
    Asset(
        "bad-feature-data",
        STILL,
        data=bad_feature_data_view,
        draw="bad_feature_data",
    ),
    Asset(
        "bad-feature-surfaces",
        STILL,
        data=surfaces_view,
        draw="bad_feature_surfaces",
    ),
    Asset(
        "bad-feature-cross-sections",
        STILL,
        data=steepness_view,
        draw="bad_feature_cross_sections",
    ),
    Asset(
        "standardized-feature-data",
        STILL,
        data=standardized_data_view,
        draw="standardized_feature_data",
    ),
    Asset(
        "three-contour-maps",
        STILL,
        data=three_maps_view,
        draw="three_contour_maps",
    ),
    Asset(
        "scaled-vs-unscaled",
        ANIMATION,
        data=race_view,
        draw="scaled_vs_unscaled",
    ),
    Asset(
        "trained-model",
        STILL,
        data=trained_model,
        draw="trained_model",
    ),
)
