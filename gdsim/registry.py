"""The one list of every figure and animation the site shows.

Each asset is named once here (the name is also the output file stem); the CLI, the MkDocs hook
and the tests all iterate over ``ASSETS``. Alt text and captions are ``str.format`` templates over
the facts, so any number they quote is computed, never typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from gdsim import thresholds
from gdsim.draw import data_plots, gradient_plots, scaling_plots, step_plots, surface_plots
from gdsim.draw import quadratic_plots, threshold_plots
from gdsim.experiments import RATES
from gdsim.scenario import original, three

STILL = "still"
ANIMATION = "animation"
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Asset:
    """A figure or animation: how to build it and how to describe it to every reader."""

    name: str
    builder: Callable[..., Any]
    kind: str
    alt: str
    caption: str
    params: dict[str, Any] = field(default_factory=dict)
    data: Callable[[], Any] = original

    def __post_init__(self):
        if not _NAME.match(self.name):
            raise ValueError(f"asset name {self.name!r} is not kebab-case")
        if self.kind not in (STILL, ANIMATION):
            raise ValueError(f"asset {self.name!r}: kind must be {STILL!r} or {ANIMATION!r}")

    def build(self):
        """Run the simulation input through the builder: a Figure (still) or an Animation."""
        return self.builder(self.data(), **self.params)

    @property
    def files(self) -> tuple[str, ...]:
        """Output file names: a PNG for a still; a GIF and its PNG poster for an animation."""
        return (f"{self.name}.png",) if self.kind == STILL else (f"{self.name}.gif", f"{self.name}.png")


ASSETS: tuple[Asset, ...] = (
    Asset(
        "train-validation-split",
        data_plots.train_validation,
        STILL,
        alt=(
            "Two scatter plots side by side with the same axes, x from 0 to 1 and y from about {true_b} to "
            "{true_line_at_one}. Left, the {n_train} training points in blue; right, the {n_val} validation "
            "points as orange triangles. Both clouds follow the same rising straight band, so the split "
            "kept the shape of the data."
        ),
        caption=(
            "The {n_points} synthetic points after the {train_percent}/{val_percent} split: "
            "y = {true_b} + {true_w}·x plus a little Gaussian noise."
        ),
    ),
    Asset(
        "random-start-prediction",
        data_plots.prediction_line,
        STILL,
        alt=(
            "The training points rise from about {true_b} to {true_line_at_one} as x goes from 0 to 1. "
            "The random start's prediction line, ŷ = {start_b:.2f} + ({start_w:.2f})·x, is almost flat and "
            "slightly falling, far below most points. A dashed green line shows the least-squares fit "
            "running through the middle of the cloud."
        ),
        caption=(
            "The line the random start predicts (b = {start_b}, w = {start_w}) against the best line "
            "the data allow (dashed)."
        ),
    ),
    Asset(
        "random-start-error",
        data_plots.one_error,
        STILL,
        alt=(
            "The same plot with one training point highlighted at x = {first_x}. A black vertical segment "
            "joins the point, at y = {first_y}, to the prediction line below it, at ŷ = {first_prediction}; "
            "a label gives the error ŷ − y = {first_error}."
        ),
        caption=(
            "One point's error: the prediction {first_prediction} minus the label {first_y} gives "
            "{first_error}. The MSE squares all {n_train} such gaps and averages them."
        ),
    ),
    Asset(
        "loss-surface",
        surface_plots.surface_and_contours,
        STILL,
        alt=(
            "Left, a 3-D bowl-shaped surface of the loss over b from {b_min} to {b_max} and w from {w_min} to "
            "{w_max}, highest (about {grid_max_loss}) at the corners. Its lowest point, marked green, sits at "
            "b ≈ {lstsq_b:.2f}, w ≈ {lstsq_w:.2f}; the random start, marked red at loss {start_loss}, lies low "
            "on the bowl's side. Right, the same surface seen from above as a contour map: nested, "
            "elongated, tilted ellipses around the green star, with the red start near the bottom."
        ),
        caption=(
            "The loss over a {grid_points}×{grid_points} grid of (b, w): the 3-D surface and its contour map, "
            "with the minimum and the random start marked at their true heights."
        ),
    ),
    Asset(
        "cross-section-b-fixed",
        surface_plots.cross_section,
        STILL,
        params={"varied": "w"},
        alt=(
            "Left, the contour map with a vertical dashed red line at b = {snap_b}. Right, the loss along "
            "that line as a function of w: a parabola whose lowest point is near w = {along_w_min_w}. The "
            "start, at w = {snap_w}, sits high on its left flank, and an arrow points right, towards "
            "larger w."
        ),
        caption=(
            "Holding b at {snap_b} and varying only w: the loss falls if w grows, down to its lowest "
            "point near w = {along_w_min_w}."
        ),
    ),
    Asset(
        "cross-section-w-fixed",
        surface_plots.cross_section,
        STILL,
        params={"varied": "b"},
        alt=(
            "Left, the contour map with a horizontal dashed red line at w = {snap_w}. Right, the loss along "
            "that line as a function of b: a parabola, steeper than the one for w, whose lowest point is "
            "near b = {along_b_min_b}. The start, at b = {snap_b}, sits on its left flank, and an arrow points "
            "right, towards larger b."
        ),
        caption=(
            "Holding w at {snap_w} and varying only b: the loss falls if b grows, down to its lowest "
            "point near b = {along_b_min_b}."
        ),
    ),
    Asset(
        "geometric-gradients",
        gradient_plots.geometric_gradients,
        STILL,
        alt=(
            "Two panels, each a loss curve through the snapped start. Left, loss along w with b fixed at {snap_b}: a "
            "blue right triangle shows that moving w by {secant_step:g} lowers the loss by {geo_drop_w_abs}, so "
            "the red secant has slope {geo_grad_w}; a dashed green tangent with slope {exact_snap_w} is "
            "slightly steeper. Right, the same for b with w fixed at {snap_w}: the loss falls by {geo_drop_b_abs}, "
            "secant slope {geo_grad_b} against a tangent of {exact_snap_b}."
        ),
        caption=(
            "Slopes read off the cross-sections over a step of {secant_step:g}: {geo_grad_w} for w and "
            "{geo_grad_b} for b. The dashed tangents are the exact partial derivatives at the same point."
        ),
    ),
    Asset(
        "secant-to-tangent",
        gradient_plots.secant_to_tangent,
        ANIMATION,
        alt=(
            "Animation in two panels, the loss along w (left) and along b (right). A red secant joins the "
            "start to a second point on the curve; the second point slides towards the start as the step "
            "shrinks from {secant_anim_first:g} to {secant_anim_last:g}, and the secant turns until it lies on "
            "the dashed green tangent. A readout shows the step, the secant's slope and its error, which falls "
            "to zero: the slopes end at {exact_snap_w:.3f} for w and {exact_snap_b:.3f} for b."
        ),
        caption=(
            "As the step shrinks, the secant's slope converges to the derivative: {exact_snap_w:.3f} for w "
            "and {exact_snap_b:.3f} for b at the snapped start."
        ),
    ),
    Asset(
        "one-step-small",
        step_plots.one_step_on_cuts,
        STILL,
        params={"lr": RATES["small"]},
        alt=(
            "Two loss curves, w varying on the left and b on the right, each with a black dot at the start "
            "and a green dot one step later with learning rate {lr_small}. On the left w moves right by "
            "{one_small_w_move} and the loss falls from {snap_loss} to {one_small_w_loss}; on the right b moves "
            "right by {one_small_b_move} and the loss falls to {one_small_b_loss}. Both steps stay on the near "
            "side of their curve's lowest point."
        ),
        caption=(
            "η = {lr_small}: the moves are η × slope, {one_small_w_move} in w and {one_small_b_move} in b; both "
            "steps go downhill."
        ),
    ),
    Asset(
        "one-step-big",
        step_plots.one_step_on_cuts,
        STILL,
        params={"lr": RATES["big"]},
        alt=(
            "The same two curves with learning rate {lr_big}. On the left, w moves right by {one_big_w_move} "
            "and the loss falls to {one_big_w_loss}, still on the near side of the minimum. On the right, b "
            "moves by {one_big_b_move}, jumps over the curve's lowest point and lands on the far side, at loss "
            "{one_big_b_loss}: lower than before, but past the bottom."
        ),
        caption=(
            "η = {lr_big}: the step in b ({one_big_b_move}) overshoots the bottom of its curve and lands on the "
            "other side; w, on a flatter curve, is still fine."
        ),
    ),
    Asset(
        "one-step-very-big",
        step_plots.one_step_on_cuts,
        STILL,
        params={"lr": RATES["very-big"]},
        alt=(
            "The same two curves with learning rate {lr_very_big}. On the left, w moves by {one_very_big_w_move} "
            "and the loss falls to {one_very_big_w_loss}. On the right, b moves by {one_very_big_b_move}, far past "
            "the lowest point, and lands higher up the other side: the loss rises from {snap_loss} to "
            "{one_very_big_b_loss}, and the dot after the step is drawn in red."
        ),
        caption=(
            "η = {lr_very_big}: on the steep b curve the step climbs to a higher loss ({one_very_big_b_loss} "
            "instead of {snap_loss}); the flatter w curve still takes it."
        ),
    ),
    Asset(
        "steps-on-cuts-small",
        step_plots.steps_on_cuts,
        ANIMATION,
        params={"lr": RATES["small"]},
        alt=(
            "Animation of {cut_steps} steps with learning rate {lr_small} along each cross-section. Left, w "
            "creeps down its curve from one side in shrinking steps and ends near {cut_small_w_final}; right, b "
            "does the same on its steeper curve and ends near {cut_small_b_final}. No step crosses the bottom."
        ),
        caption="η = {lr_small} along each cross-section: steady, one-sided progress towards each curve's lowest point.",
    ),
    Asset(
        "steps-on-cuts-big",
        step_plots.steps_on_cuts,
        ANIMATION,
        params={"lr": RATES["big"]},
        alt=(
            "Animation of {cut_steps} steps with learning rate {lr_big}. Left, w takes large steps down its flat "
            "curve and settles near its bottom. Right, b zig-zags: every step jumps across the bottom of the "
            "steep curve to the other side, each time a little lower, settling at loss {cut_big_b_loss}."
        ),
        caption="η = {lr_big}: b overshoots on every step and zig-zags in, converging all the same.",
    ),
    Asset(
        "steps-on-cuts-very-big",
        step_plots.steps_on_cuts,
        ANIMATION,
        params={"lr": RATES["very-big"]},
        alt=(
            "Animation of {cut_steps} steps with learning rate {lr_very_big}. Left, w still reaches the bottom "
            "of its flat curve. Right, b jumps from side to side of its steep curve, landing higher each time; "
            "the zig-zag widens until the loss reaches {cut_very_big_b_loss}."
        ),
        caption="η = {lr_very_big}: along b every step lands higher than the last, climbing out of the valley.",
    ),
    Asset(
        "descent-small",
        step_plots.descent_on_map,
        ANIMATION,
        params={"lr": RATES["small"]},
        alt=(
            "Animation over {epochs} epochs with learning rate {lr_small}. Left, the contour map: the path leaves "
            "the random start, heads quickly into the valley, then bends and creeps along the valley floor towards "
            "the green star. Right, the loss per epoch on a log scale falls fast, then slowly, ending at "
            "{full_small_loss}."
        ),
        caption=(
            "Full gradient descent, η = {lr_small}: quickly into the valley, then slowly along it; after "
            "{epochs} epochs the loss is {full_small_loss}."
        ),
    ),
    Asset(
        "descent-big",
        step_plots.descent_on_map,
        ANIMATION,
        params={"lr": RATES["big"]},
        alt=(
            "Animation over {epochs} epochs with learning rate {lr_big}. On the contour map the path zig-zags "
            "across the valley from wall to wall, drifting slowly towards the star. The loss falls steadily but "
            "slowly, a straight line on the log scale, and ends at {full_big_loss}, far above the smaller rate's."
        ),
        caption=(
            "η = {lr_big}: each step crosses the valley; the run still converges, but after {epochs} epochs it "
            "is behind the smaller rate (loss {full_big_loss})."
        ),
    ),
    Asset(
        "descent-very-big",
        step_plots.descent_on_map,
        ANIMATION,
        params={"lr": RATES["very-big"]},
        alt=(
            "Animation with learning rate {lr_very_big}. The path jumps across the valley, each jump longer than "
            "the last, and leaves the map. The loss curve rises steeply on its log scale; after "
            "{full_very_big_steps} epochs the run is stopped and marked as diverged."
        ),
        caption=(
            "η = {lr_very_big}: the jumps grow every epoch; the run diverges and is stopped after "
            "{full_very_big_steps} epochs."
        ),
    ),
    Asset(
        "bad-feature-data",
        scaling_plots.bad_feature_data,
        STILL,
        data=three,
        alt=(
            "Two scatter plots of the same {n_train} training points with the same vertical axis. Left, against "
            "the original feature, x from 0 to 1; right, against the bad feature 10·x, from 0 to about "
            "{bad_x_max}. The clouds have exactly the same shape; only the numbers on the horizontal axis differ."
        ),
        caption="Same points, same labels; only the feature's scale changed (×{bad_factor}).",
    ),
    Asset(
        "bad-feature-surfaces",
        scaling_plots.bad_feature_surfaces,
        STILL,
        data=three,
        alt=(
            "Two contour maps with colour bars. Left, the original loss surface: tilted ellipses around the "
            "minimum; the innermost line, drawn in orange, is at loss {level_original}. Right, the surface for "
            "the bad feature over a window of the same size around its own minimum: the ellipses are squeezed "
            "into a thin diagonal band, and the innermost orange line is at loss {level_bad}; the colour bar "
            "reaches about {max_loss_bad} instead of {max_loss_original}."
        ),
        caption=(
            "Contour levels picked by the same rule: the innermost line reads {level_original} before and "
            "{level_bad} after multiplying the feature by {bad_factor}."
        ),
    ),
    Asset(
        "bad-feature-cross-sections",
        scaling_plots.bad_feature_cross_sections,
        STILL,
        data=three,
        alt=(
            "Two panels of loss against how far one parameter moves from the start, black for b and red for w. "
            "Left, original feature: the black b curve is the steeper of the two, the red w curve is wider. "
            "Right, bad feature: the red w curve has become a very narrow, steep parabola, while the black b "
            "curve is unchanged."
        ),
        caption=(
            "Moving one parameter at a time: after ×{bad_factor}, the loss bends about {curv_ratio_bad} times "
            "faster along w than along b (before, b bent {curv_ratio_original} times faster than w)."
        ),
    ),
    Asset(
        "three-contour-maps",
        scaling_plots.three_contour_maps,
        STILL,
        data=three,
        alt=(
            "Three contour maps, each over a window of the same size around its minimum. Original feature: "
            "long tilted ellipses. Bad feature: ellipses squeezed into a thin, almost horizontal band. "
            "Standardized feature: circles centred on the minimum, the random start sitting below-left of them."
        ),
        caption="The same problem three ways: original, bad (×{bad_factor}) and standardized feature.",
    ),
    Asset(
        "scaled-vs-unscaled",
        scaling_plots.scaled_vs_unscaled,
        ANIMATION,
        data=three,
        alt=(
            "Animation of {scaling_epochs} epochs with learning rate {scaling_lr} on two contour maps. Left, the "
            "original feature: the path drops into the long valley and then crawls along it, ending at loss "
            "{scaling_original_loss}. Right, the standardized feature: the path runs straight to the centre of "
            "the circular contours and stops there, at loss {scaling_std_loss}."
        ),
        caption=(
            "One learning rate, {lr_small}, for both: after {scaling_epochs} epochs the standardized problem is "
            "solved (loss {scaling_std_loss}) while the original one is still on its way ({scaling_original_loss})."
        ),
    ),
    Asset(
        "trained-model",
        scaling_plots.trained_fit,
        STILL,
        data=three,
        alt=(
            "Training points in blue and validation points as orange triangles, rising from about {true_b} to "
            "{true_line_at_one}. A red line, the trained model ŷ = {trained_b} + {trained_w}·x, runs through "
            "the middle of both clouds, almost on top of the dashed green true line."
        ),
        caption=(
            "The trained model back in original units: b = {trained_b}, w = {trained_w} (true: {true_b} and "
            "{true_w}); validation loss {trained_val_loss}."
        ),
    ),
    Asset(
        "parabola-tangents",
        quadratic_plots.parabola_tangents,
        STILL,
        data=thresholds.tangents,
        alt=(
            "Left, the parabola loss = x² with dashed tangent lines touching it at x = −2, 2 and 5, whose slopes "
            "are {tangent_slope_minus2}, {tangent_slope_at2} and {tangent_slope_at5}: the line at −2 falls, the "
            "two on the right rise, the one at 5 most steeply. Right, the slope 2x as a straight line through "
            "the origin with the same three points on it, and under each an arrow for the move minus η times "
            "the slope: to the right from −2, to the left from 2, and furthest to the left from 5."
        ),
        caption=(
            "The slope of x² is 2x: its sign says which way is downhill, its size how far the step goes."
        ),
    ),
    Asset(
        "step-story",
        quadratic_plots.step_story,
        STILL,
        data=thresholds.step_story,
        alt=(
            "Two parabolas. Left, fixed steps: from x = {x2_start} a step of {story_step_first} to the left lands "
            "at x = {story_x1}, loss {story_loss1}, drawn green; a greedy step of {story_step_greedy} then jumps "
            "over the bottom to x = {story_x2}, loss {story_loss2}, drawn red. Right, steps of learning rate "
            "{story_lr} times the slope from the same start: x goes {x2_start}, {story_lr_x1}, {story_lr_x2}, "
            "{story_lr_x3} and so on, each step half the one before, all downhill."
        ),
        caption=(
            "A fixed step ignores the slope and overshoots; a step of η × slope shrinks as the bottom nears."
        ),
    ),
    Asset(
        "parabola-regimes",
        quadratic_plots.parabola_regimes,
        ANIMATION,
        data=thresholds.parabola_runs,
        alt=(
            "Animation of {regime_steps} steps of gradient descent on x² from x = {x2_start}, four panels side "
            "by side with the parabola above and the loss per step on a log scale below. η = {rate_monotone}: "
            "the point slides down one side and ends at x = {final_x_monotone}. η = {rate_oscillating}: it "
            "jumps from side to side in shrinking zig-zags to x = {final_x_oscillating}. η = {rate_bouncing}: it "
            "bounces between {x2_start} and −{x2_start} and the loss stays at {final_loss_bouncing}. "
            "η = {rate_diverging}: each jump lands higher, reaching x = {final_x_diverging} and loss "
            "{final_loss_diverging}."
        ),
        caption=(
            "The four regimes of x²: below {regime_half}, between {regime_half} and {regime_one}, exactly "
            "{regime_one}, and above it."
        ),
    ),
    Asset(
        "steps-vs-learning-rate",
        quadratic_plots.steps_vs_learning_rate,
        STILL,
        data=thresholds.parabola_step_counts,
        alt=(
            "A V-shaped curve on a log scale: the number of steps gradient descent needs to bring x from "
            "{x2_start} to within a millionth of 0, against the learning rate from 0 to beyond {regime_one}. The "
            "count falls as η grows to {regime_half}, where one step suffices, marked with a green star, then "
            "rises again towards {regime_one}. Shaded bands name the regimes: monotone, oscillating, and "
            "diverging to the right of a purple line at η = {regime_one}, where the count is infinite. Dots mark "
            "η = {rate_monotone} ({x2_steps_monotone} steps) and η = {rate_oscillating} "
            "({x2_steps_oscillating} steps)."
        ),
        caption=(
            "Steps to reach the minimum of x²: fewest at η = {regime_half}, never at {regime_one} or above."
        ),
    ),
    Asset(
        "threshold-sweep",
        threshold_plots.threshold_sweep,
        STILL,
        data=three,
        alt=(
            "Three panels, one per data set, each showing the loss after {sweep_steps} steps of gradient descent "
            "on a log scale against the learning rate divided by the predicted threshold 2/λ_max, from 0 to "
            "{sweep_max_ratio}. In every panel the loss sits at the least-squares floor for most rates below 1, "
            "then jumps above the starting loss, and soon after the runs diverge, marked by crosses along the "
            "top. An orange vertical line at 1 marks the prediction, and the jump falls on it. Original: predicted "
            "{eta_max4_original}, runs stable up to {sweep_last_stable_original} and unstable from "
            "{sweep_first_unstable_original}. Bad: predicted {eta_max4_bad}, stable up to {sweep_last_stable_bad}, "
            "unstable from {sweep_first_unstable_bad}. Standardized: predicted {eta_max4_standardized}, stable up "
            "to {sweep_last_stable_standardized}, unstable from {sweep_first_unstable_standardized}."
        ),
        caption=(
            "{sweep_runs} runs per data set: the empirical edge of stability falls on the predicted line "
            "η = 2/λ_max every time."
        ),
    ),
    Asset(
        "hessian-axes",
        threshold_plots.hessian_axes_maps,
        STILL,
        data=three,
        alt=(
            "Three contour maps: original, bad and standardized feature. From the green star at each minimum two "
            "arrows follow the Hessian's eigenvectors to the same orange contour line: a long white one along "
            "the flat direction and a short red one along the steep direction. Original: curvatures "
            "{lam_min_original} and {lam_max_original}, κ = {kappa_original}, a tilted ellipse. Bad: "
            "{lam_min_bad} and {lam_max_bad}, κ = {kappa_bad}, a thin band with a very short red arrow. "
            "Standardized: both {lam_max_standardized}, κ = {kappa_standardized}, a circle with two equal arrows."
        ),
        caption=(
            "The Hessian's eigenvectors are the axes of the contour ellipses; each arrow's length is "
            "proportional to 1/√λ."
        ),
    ),
)

BY_NAME: dict[str, Asset] = {asset.name: asset for asset in ASSETS}


def get(name: str) -> Asset:
    """The asset called ``name``; a KeyError naming the known assets otherwise."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown asset {name!r} (known: {', '.join(BY_NAME)})") from None
