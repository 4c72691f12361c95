"""Every number the chapters quote, computed from the scenario that also draws the figures.

A chapter writes ``{{ fact start_loss }}``; the MkDocs hook replaces it with the value formatted by
the fact's default format (or by one given in the tag, ``{{ fact start_b .4f }}``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdsim import data, experiments, model, quadratic, scaling, surface, thresholds
from gdsim.experiments import SHRINKING_STEPS
from gdsim.scenario import original, three


@dataclass(frozen=True)
class Fact:
    """A quoted number and how the text shows it by default."""

    value: float
    fmt: str = ".2f"

    def text(self, fmt: str | None = None) -> str:
        """The value as prose shows it; a minus sign, not a hyphen, for negatives."""
        return format(self.value, fmt or self.fmt).replace("-", "−")

    def __format__(self, spec: str) -> str:
        """Lets captions say ``{start_loss}`` or ``{start_loss:.3f}`` in ``str.format`` templates."""
        return self.text(spec or None)


def compute() -> dict[str, Fact]:
    """All facts, by name."""
    s = original()
    n_train = len(s.split.x_train)
    i, j = s.grid.nearest(s.start)
    i_min, j_min = np.unravel_index(np.argmin(s.grid.loss), s.grid.loss.shape)
    solution = s.solution
    return {
        "true_b": Fact(data.TRUE_B, "g"),
        "true_w": Fact(data.TRUE_W, "g"),
        "true_line_at_one": Fact(data.TRUE_B + data.TRUE_W, "g"),
        "n_points": Fact(data.N_POINTS, "d"),
        "n_train": Fact(n_train, "d"),
        "n_val": Fact(data.N_POINTS - n_train, "d"),
        "train_percent": Fact(round(100 * data.TRAIN_FRACTION), "d"),
        "val_percent": Fact(round(100 * (1 - data.TRAIN_FRACTION)), "d"),
        "noise_scale": Fact(data.NOISE_SCALE, "g"),
        "seed": Fact(data.SEED, "d"),
        "start_b": Fact(s.start[0], ".3f"),
        "start_w": Fact(s.start[1], ".3f"),
        "start_loss": Fact(s.start_loss),
        "first_x": Fact(s.split.x_train[0]),
        "first_y": Fact(s.split.y_train[0]),
        "first_prediction": Fact(model.predict(s.start, s.split.x_train[0])),
        "first_error": Fact(model.errors(s.start, s.split.x_train[:1], s.split.y_train[:1])[0]),
        "grad_b": Fact(s.start_gradient[0]),
        "grad_w": Fact(s.start_gradient[1]),
        "grid_points": Fact(surface.GRID_POINTS, "d"),
        "grid_cells": Fact(surface.GRID_POINTS**2, ",d"),
        "b_min": Fact(surface.B_RANGE[0], "g"),
        "b_max": Fact(surface.B_RANGE[1], "g"),
        "w_min": Fact(surface.W_RANGE[0], "g"),
        "w_max": Fact(surface.W_RANGE[1], "g"),
        "grid_step": Fact(s.grid.b[1] - s.grid.b[0]),
        "snap_b": Fact(s.grid.b[j]),
        "snap_w": Fact(s.grid.w[i]),
        "snap_loss": Fact(s.grid.loss[i, j]),
        "grid_min_b": Fact(s.grid.b[j_min]),
        "grid_min_w": Fact(s.grid.w[i_min]),
        "grid_min_loss": Fact(s.grid.loss[i_min, j_min], ".4f"),
        "grid_max_loss": Fact(s.grid.loss.max(), ".0f"),
        "lstsq_b": Fact(solution[0], ".3f"),
        "lstsq_w": Fact(solution[1], ".3f"),
        "lstsq_loss": Fact(model.mse(solution, s.split.x_train, s.split.y_train), ".4f"),
        "along_w_min_w": Fact(s.along_w.values[np.argmin(s.along_w.loss)]),
        "along_b_min_b": Fact(s.along_b.values[np.argmin(s.along_b.loss)]),
        **_gradient_facts(),
        **_learning_rate_facts(),
        **_scaling_facts(),
        **_one_parameter_facts(),
        **_threshold_facts(),
    }


def _gradient_facts() -> dict[str, Fact]:
    """The gradients chapter: slopes read off the cross-sections against the exact derivatives."""
    s = original()
    exact_snap = model.gradient(s.snapped_start, s.split.x_train, s.split.y_train)
    return {
        "secant_step": Fact(experiments.SECANT_STEP, "g"),
        "geo_grad_w": Fact(experiments.secant(s, "w")),
        "geo_grad_b": Fact(experiments.secant(s, "b")),
        "geo_drop_w": Fact(experiments.secant_drop(s, "w")),
        "geo_drop_b": Fact(experiments.secant_drop(s, "b")),
        "geo_drop_w_abs": Fact(abs(experiments.secant_drop(s, "w"))),
        "geo_drop_b_abs": Fact(abs(experiments.secant_drop(s, "b"))),
        "exact_snap_w": Fact(exact_snap[1]),
        "exact_snap_b": Fact(exact_snap[0]),
        "secant_anim_first": Fact(SHRINKING_STEPS[0], "g"),
        "secant_anim_last": Fact(SHRINKING_STEPS[-1], "g"),
    }


def values() -> dict[str, float]:
    """Facts as plain numbers (what ``python -m gdsim facts`` prints)."""
    return {name: fact.value for name, fact in compute().items()}


def _learning_rate_facts() -> dict[str, Fact]:
    """The learning-rate chapter: one step, steps along the cuts and full runs, for each rate."""
    out = {"cut_steps": Fact(experiments.CUT_STEPS, "d"), "epochs": Fact(experiments.EPOCHS, "d")}
    for key, lr in experiments.RATES.items():
        k = key.replace("-", "_")
        out[f"lr_{k}"] = Fact(lr, "g")
        for param in ("w", "b"):
            step = experiments.one_step(param, lr)
            out[f"one_{k}_{param}_move"] = Fact(step.move)
            out[f"one_{k}_{param}_after"] = Fact(step.after)
            out[f"one_{k}_{param}_loss"] = Fact(step.loss_after)
            cut = experiments.cut_run(param, lr)
            out[f"cut_{k}_{param}_loss"] = Fact(cut.losses[-1], ".3g")
            out[f"cut_{k}_{param}_final"] = Fact(cut.final[experiments.PARAM_INDEX[param]])
        run = experiments.full_run(lr)
        out[f"full_{k}_steps"] = Fact(run.steps, "d")
        out[f"full_{k}_loss"] = Fact(run.losses[-1], ".4f")
        out[f"full_{k}_b"] = Fact(run.final[0])
        out[f"full_{k}_w"] = Fact(run.final[1])
    return out


def _scaling_facts() -> dict[str, Fact]:
    """The feature-scaling chapter: the bad feature, standardization and the trained model."""
    orig, bad, std = three()
    split, scaler = scaling.standardized_split(orig.split)
    runs = experiments.scaling_runs()
    theta_scaled, theta = experiments.trained_model()
    x, y = orig.split.x_train, orig.split.y_train

    def steepness(s, index):
        # curvature along one parameter: ∂²L/∂θᵢ² = 2·mean(feature_i²)
        feature = np.ones_like(s.split.x_train) if index == 0 else s.split.x_train
        return 2 * np.mean(feature**2)

    return {
        "bad_factor": Fact(scaling.BAD_FACTOR, "g"),
        "bad_x_max": Fact(bad.split.x_train.max(), ".1f"),
        "bad_w_min": Fact(bad.grid.w[0], ".1f"),
        "bad_w_max": Fact(bad.grid.w[-1], ".1f"),
        "level_original": Fact(surface.nice_levels(orig.grid.loss)[1], "g"),
        "level_bad": Fact(surface.nice_levels(bad.grid.loss)[1], "g"),
        "max_loss_original": Fact(orig.grid.loss.max(), ".0f"),
        "max_loss_bad": Fact(bad.grid.loss.max(), ".0f"),
        "curv_w": Fact(steepness(orig, 1), ".2f"),
        "curv_w_bad": Fact(steepness(bad, 1), ".1f"),
        "curv_ratio_original": Fact(steepness(orig, 0) / steepness(orig, 1), ".1f"),
        "curv_ratio_bad": Fact(steepness(bad, 1) / steepness(bad, 0), ".1f"),
        "curv_w_std": Fact(steepness(std, 1), "g"),
        "train_mean": Fact(scaler.mean, ".3f"),
        "train_std": Fact(scaler.std, ".3f"),
        "scaled_train_mean": Fact(abs(np.mean(split.x_train)), ".1f"),
        "scaled_train_std": Fact(np.std(split.x_train), ".1f"),
        "scaled_val_mean": Fact(np.mean(split.x_val), ".2f"),
        "scaled_val_std": Fact(np.std(split.x_val), ".2f"),
        "scaling_lr": Fact(experiments.SCALING_LR, "g"),
        "scaling_epochs": Fact(experiments.SCALING_EPOCHS, "d"),
        "scaling_original_loss": Fact(runs["original"].losses[-1], ".4f"),
        "scaling_std_loss": Fact(runs["standardized"].losses[-1], ".4f"),
        "scaling_bad_steps": Fact(runs["bad"].steps, "d"),
        "scaling_std_epochs": Fact(experiments.epochs_to_converge(runs["standardized"], std), "d"),
        "converged_rtol_percent": Fact(100 * experiments.CONVERGED_RTOL, "g"),
        "trained_b_scaled": Fact(theta_scaled[0], ".3f"),
        "trained_w_scaled": Fact(theta_scaled[1], ".3f"),
        "trained_b": Fact(theta[0], ".3f"),
        "trained_w": Fact(theta[1], ".3f"),
        "trained_val_loss": Fact(model.mse(theta, orig.split.x_val, orig.split.y_val), ".4f"),
        "trained_train_loss": Fact(model.mse(theta, x, y), ".4f"),
    }


def _one_parameter_facts() -> dict[str, Fact]:
    """The one-parameter chapter: tangents of x², the step story, the regimes and step counts."""
    story = thresholds.step_story()
    runs = thresholds.parabola_runs()
    # L'' of x², read off its slope 2x (a straight line): slope(1) − slope(0)
    curvature = float(quadratic.slope(1.0) - quadratic.slope(0.0))
    out = {
        "x2_start": Fact(thresholds.PARABOLA_START, "g"),
        "x2_curvature": Fact(curvature, "g"),
        # the regime boundaries of x²: η = 1/L'' and η = 2/L''
        "regime_half": Fact(1 / curvature, "g"),
        "regime_one": Fact(2 / curvature, "g"),
        "cubic_slope_at_start": Fact(float(quadratic.cubic_slope(thresholds.PARABOLA_START)), "g"),
        "story_step_first": Fact(story.sizes[0], "g"),
        "story_step_greedy": Fact(story.sizes[1], "g"),
        "story_x1": Fact(story.positions[1], "g"),
        "story_loss1": Fact(story.losses[1], "g"),
        "story_x2": Fact(story.positions[2], "g"),
        "story_loss2": Fact(story.losses[2], "g"),
        "story_slope2": Fact(story.slopes[2], "g"),
        "story_lr": Fact(thresholds.STORY_LR, "g"),
        "story_lr_x1": Fact(story.lr_run.params[1, 0], "g"),
        "story_lr_x2": Fact(story.lr_run.params[2, 0], "g"),
        "story_lr_x3": Fact(story.lr_run.params[3, 0], "g"),
        "tiny_step": Fact(story.tiny_step, "g"),
        "tiny_steps_needed": Fact(story.tiny_steps_needed, ",d"),
        "tiny_lr_steps": Fact(quadratic.steps_to_reach(thresholds.PARABOLA_START, story.tiny_step, thresholds.PARABOLA_TOL), ",d"),
        "regime_steps": Fact(thresholds.REGIME_STEPS, "d"),
    }
    for t in thresholds.tangents():
        key = f"{'minus' if t.x0 < 0 else 'at'}{abs(t.x0):g}"
        out[f"tangent_slope_{key}"] = Fact(t.slope, "g")
    for name, run in runs.items():
        out[f"rate_{name}"] = Fact(run.lr, "g")
        # each step multiplies x by 1 − 2η
        out[f"factor_{name}"] = Fact(1 - 2 * run.lr, ".2g")
        out[f"final_x_{name}"] = Fact(run.params[-1, 0], ".3g")
        out[f"final_loss_{name}"] = Fact(run.losses[-1], ".3g")
        steps = quadratic.steps_to_reach(thresholds.PARABOLA_START, run.lr, thresholds.PARABOLA_TOL)
        if steps != float("inf"):
            out[f"x2_steps_{name}"] = Fact(steps, "d")
    return out


def _threshold_facts() -> dict[str, Fact]:
    """The "how big is too big" chapter: one table row per problem, sweeps and one-axis thresholds."""
    out = {
        "sweep_steps": Fact(thresholds.SWEEP_STEPS, "d"),
        "sweep_runs": Fact(len(thresholds.SWEEP_RATIOS), "d"),
        "sweep_spacing_percent": Fact(100 * float(np.diff(thresholds.SWEEP_RATIOS)[0]), ".2g"),
        "sweep_max_ratio": Fact(float(thresholds.SWEEP_RATIOS[-1]), "g"),
    }
    sweeps = thresholds.sweeps()
    for row in thresholds.table():
        n = row.name
        out[f"lam_min_{n}"] = Fact(row.lam_min, ".3g")
        out[f"lam_max_{n}"] = Fact(row.lam_max, ".3g")
        out[f"eta_max_{n}"] = Fact(row.max_lr, ".3g")
        out[f"eta_best_{n}"] = Fact(row.best_lr, ".3g")
        out[f"kappa_{n}"] = Fact(row.kappa, ".3g")
        out[f"rho_best_{n}"] = Fact(_zero_if_rounding(row.best_contraction), ".3g")
        out[f"steps_best_{n}"] = Fact(row.steps_bound, ",.0f")
        out[f"steps_run_{n}"] = Fact(row.steps_run, ",.0f")
        out[f"boundary_{n}"] = Fact(row.boundary, ".4g")
        out[f"sweep_last_stable_{n}"] = Fact(sweeps[n].last_stable, ".4g")
        out[f"sweep_first_unstable_{n}"] = Fact(sweeps[n].first_unstable, ".4g")
        out[f"eta_max4_{n}"] = Fact(row.max_lr, ".4g")
        out[f"h_bb_{n}"] = Fact(row.h_bb, ".3g")
        out[f"h_ww_{n}"] = Fact(row.h_ww, ".3g")
        out[f"h_bw_{n}"] = Fact(_zero_if_rounding(row.h_bw), ".3g")
        out[f"axis_lr_b_{n}"] = Fact(row.axis_lr_b, ".3g")
        out[f"axis_lr_w_{n}"] = Fact(row.axis_lr_w, ".3g")
    # how far the bisected boundary lies from 2/λ_max, the worst of the three, in percent
    gaps = [abs(row.boundary - row.max_lr) / row.max_lr for row in thresholds.table()]
    out["boundary_gap_percent"] = Fact(100 * max(gaps), ".1g")
    orig = thresholds.table()[0]
    sweep = sweeps["original"]
    at_threshold = int(np.argmin(np.abs(sweep.ratios - 1.0)))
    out["sweep_loss_at_threshold"] = Fact(sweep.losses[at_threshold], ".3g")
    out["sweep_start_loss"] = Fact(sweep.start_loss, ".3g")
    for key in ("big", "very-big"):
        lr, k = experiments.RATES[key], key.replace("-", "_")
        # the factor the steep error component is multiplied by each step: 1 − ηλ_max
        out[f"{k}_percent_of_threshold"] = Fact(100 * lr / orig.max_lr, ".3g")
        out[f"{k}_steep_factor"] = Fact(1 - lr * orig.lam_max, ".3g")
    out["big_steep_shrink_percent"] = Fact(100 * (1 - abs(1 - experiments.RATES["big"] * orig.lam_max)), ".2g")
    out["very_big_grow_percent"] = Fact(100 * (abs(1 - experiments.RATES["very-big"] * orig.lam_max) - 1), ".2g")
    # κ of the bad problem against the original: the bound's step counts grow roughly like κ
    bad = thresholds.table()[1]
    out["kappa_ratio_bad"] = Fact(bad.kappa / orig.kappa, ".2g")
    out["steps_ratio_bad"] = Fact(bad.steps_bound / orig.steps_bound, ".2g")
    return out


def _zero_if_rounding(value: float) -> float:
    """A value that is 0 in exact arithmetic but came out as rounding noise (below 10⁻¹²) is shown as 0."""
    return 0.0 if abs(value) < 1e-12 else float(value)
