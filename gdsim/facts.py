"""Every number the chapters quote, computed from the scenario that also draws the figures.

A chapter writes ``{{ fact start_loss }}``; the MkDocs hook replaces it with the value formatted by
the fact's default format (or by one given in the tag, ``{{ fact start_b .4f }}``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdsim import data, experiments, model, scaling, surface
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
    s = original()
    best = model.mse(s.solution, s.split.x_train, s.split.y_train)
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
        out[f"full_{k}_excess"] = Fact(run.losses[-1] / best, ".3g")
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
        "bad_true_w": Fact(data.TRUE_W / scaling.BAD_FACTOR, "g"),
        "bad_x_max": Fact(bad.split.x_train.max(), ".1f"),
        "bad_w_min": Fact(bad.grid.w[0], ".1f"),
        "bad_w_max": Fact(bad.grid.w[-1], ".1f"),
        "level_original": Fact(surface.nice_levels(orig.grid.loss)[1], "g"),
        "level_bad": Fact(surface.nice_levels(bad.grid.loss)[1], "g"),
        "max_loss_original": Fact(orig.grid.loss.max(), ".0f"),
        "max_loss_bad": Fact(bad.grid.loss.max(), ".0f"),
        "curv_b": Fact(steepness(orig, 0), ".2f"),
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
