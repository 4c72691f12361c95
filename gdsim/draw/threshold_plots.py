"""Figures of the "how big is too big" chapter: the threshold sweep and the Hessian's axes."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from gdsim.draw.style import GREEN, INK, MUTED, ORANGE, SKY, VERMILLION, contour_map, mark_point, new_figure
from gdsim.thresholds import NAMES, hessian_axes, sweeps

TITLES = {"original": "Original feature x", "bad": "Bad feature: 10·x", "standardized": "Standardized feature"}


def threshold_sweep(scenarios) -> Figure:
    """Loss after a fixed number of steps against η/η_max, one panel per problem, with 2/λ_max drawn."""
    runs = sweeps()
    fig = new_figure(9.8, 4.8)
    axes = fig.subplots(1, 3, sharey=True)
    top = max(np.max(s.losses[np.isfinite(s.losses)]) for s in runs.values()) * 30
    floor = min(s.best_loss for s in runs.values()) / 2
    for ax, name in zip(axes, NAMES):
        s = runs[name]
        ratios, stable = s.ratios, ~s.unstable
        finite = np.isfinite(s.losses)
        ax.axvspan(s.boundary / s.threshold, ratios.max() + 0.05, color=VERMILLION, alpha=0.08, linewidth=0)
        ax.axhline(s.start_loss, color=MUTED, linestyle=":", linewidth=1.2, label="loss at the start")
        ax.axhline(s.best_loss, color=GREEN, linestyle="--", linewidth=1.2, label="least-squares loss")
        ax.plot(ratios[finite], s.losses[finite], "-", color=INK, linewidth=1.0, alpha=0.6, zorder=2)
        ax.plot(ratios[stable], s.losses[stable], "o", color=SKY, markersize=2.8, label="stable run", zorder=3)
        grew = s.unstable & finite
        ax.plot(ratios[grew], s.losses[grew], "o", color=VERMILLION, markersize=3.5, label="ended above its start", zorder=3)
        gone = s.diverged
        ax.plot(ratios[gone], np.full(gone.sum(), top / 3), "x", color=VERMILLION, markersize=4, markeredgewidth=1.2,
                label="diverged (run stopped)", zorder=3)
        ax.axvline(1.0, color=ORANGE, linewidth=2.2, label="predicted: η = 2/λ_max", zorder=1)
        ax.set_xscale("linear")
        ax.set_yscale("log")
        ax.set_ylim(floor, top)
        ax.set_xlim(0, ratios.max() + 0.05)
        ax.set_xlabel("η / (2/λ_max)")
        ax.set_title(f"{TITLES[name]}\npredicted 2/λ_max = {s.threshold:.4g}\n"
                     f"last stable {s.last_stable:.4g}, first unstable {s.first_unstable:.4g}", fontsize=9.5)
    axes[0].set_ylabel(f"loss after {runs[NAMES[0]].steps} steps (log scale)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=9.5)
    return fig


def hessian_axes_maps(scenarios) -> Figure:
    """Contour maps of the three problems with the Hessian's eigenvectors drawn from the minimum."""
    axes_by_name = hessian_axes()
    fig = new_figure(10.5, 4.1)
    for ax, s, name in zip(fig.subplots(1, 3), scenarios, NAMES):
        found = axes_by_name[name]
        contour_map(ax, s.grid, labels=False)
        ax.contour(s.grid.b, s.grid.w, s.grid.loss, levels=[found.level], colors=[ORANGE], linewidths=2.0)
        round_bowl = np.isclose(found.eigenvalues[0], found.eigenvalues[-1])
        span = np.hypot(s.grid.b[-1] - s.grid.b[0], s.grid.w[-1] - s.grid.w[0])
        for i, colour in ((0, "white"), (1, VERMILLION)):
            v, length = found.vectors[:, i], found.lengths[i]
            # the whole axis, thin and dashed, then the arrow that reaches the orange contour
            ends = found.solution[:, None] + np.outer(v, [-span, span])
            ax.plot(ends[0], ends[1], color=colour, linewidth=0.9, linestyle="--", alpha=0.8, zorder=4)
            ax.annotate("", xy=found.solution + length * v, xytext=found.solution,
                        arrowprops=dict(arrowstyle="-|>", color=colour, lw=2.4, shrinkA=0, shrinkB=0,
                                        mutation_scale=14), zorder=6)
        handles = [Line2D([], [], color=ORANGE, linewidth=2.0)]
        labels = [f"contour: loss {found.level:.3g}"]
        if round_bowl:
            handles.append(Line2D([], [], color="white", linewidth=2.4))
            labels.append(f"λ = {found.eigenvalues[0]:.3g} in every direction")
        else:
            handles += [Line2D([], [], color="white", linewidth=2.4), Line2D([], [], color=VERMILLION, linewidth=2.4)]
            labels += [f"flat axis: λ_min = {found.eigenvalues[0]:.3g}", f"steep axis: λ_max = {found.eigenvalues[-1]:.3g}"]
        legend = ax.legend(handles, labels, loc="lower left", fontsize=8.5, frameon=True, facecolor=INK, framealpha=0.75,
                           edgecolor="none", labelcolor="white", handlelength=1.6, borderpad=0.4)
        legend.set_zorder(8)
        mark_point(ax, found.solution, GREEN, "minimum", marker="*", size=13)
        ax.set_aspect("equal")
        ax.set_xlim(s.grid.b[0], s.grid.b[-1])
        ax.set_ylim(s.grid.w[0], s.grid.w[-1])
        kappa = found.eigenvalues[-1] / found.eigenvalues[0]
        ax.set_title(f"{TITLES[name]}\nκ = λ_max/λ_min = {kappa:.3g}", fontsize=10.5)
    return fig
