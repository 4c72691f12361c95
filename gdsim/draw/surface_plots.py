"""Figures of the loss surface: a 3-D view, a contour map and the two cross-sections."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from gdsim import model
from gdsim.draw.style import GREEN, INK, SURFACE_CMAP, VERMILLION, contour_map, mark_point, minus, new_figure
from gdsim.scenario import Scenario
from gdsim.surface import CrossSection


def surface_and_contours(s: Scenario) -> Figure:
    """The loss surface in 3-D beside its contour map, with the minimum and the start marked."""
    fig = new_figure(10.0, 4.8)
    fig.get_layout_engine().set(wspace=0.08)  # room for the 3-D z label, which layout does not see
    ax3d = fig.add_subplot(1, 2, 1, projection="3d", computed_zorder=False)
    ax2d = fig.add_subplot(1, 2, 2)
    g = s.grid
    bb, ww = np.meshgrid(g.b, g.w)
    ax3d.plot_surface(bb, ww, g.loss, cmap=SURFACE_CMAP, rstride=2, cstride=2, linewidth=0, antialiased=True, alpha=0.8)
    x, y = s.split.x_train, s.split.y_train
    for theta, color, marker, label in ((s.solution, GREEN, "*", "minimum"), (s.start, VERMILLION, "o", "random start")):
        height = model.mse(theta, x, y)
        # A stem from the floor makes the marker's true height readable.
        ax3d.plot([theta[0]] * 2, [theta[1]] * 2, [0, height], color=color, linewidth=1.5, zorder=9)
        ax3d.scatter([theta[0]], [theta[1]], [height], color=color, marker=marker, s=140 if marker == "*" else 60,
                     edgecolor="white", depthshade=False, zorder=10, label=f"{label}: loss {height:.2f}")
    ax3d.set_xlabel("b (bias)", labelpad=2)
    ax3d.set_ylabel("w (weight)", labelpad=2)
    ax3d.set_zlabel("loss (MSE)", labelpad=2)
    ax3d.tick_params(pad=0, labelsize=9)
    ax3d.view_init(elev=30, azim=-60)
    ax3d.set_box_aspect(None, zoom=0.88)
    ax3d.legend(loc="upper left", fontsize=9)
    ax3d.set_title("Loss surface")

    filled = contour_map(ax2d, g)
    mark_point(ax2d, s.solution, GREEN, f"minimum (b = {s.solution[0]:.2f}, w = {s.solution[1]:.2f})", marker="*", size=15)
    mark_point(ax2d, s.start, VERMILLION, minus(f"random start (b = {s.start[0]:.2f}, w = {s.start[1]:.2f})"))
    ax2d.legend(loc="upper left", labelcolor="white", fontsize=9)
    ax2d.set_title("Contour map (same surface from above)")
    fig.colorbar(filled, ax=ax2d, label="loss (MSE)", shrink=0.9, format="%.3g")
    return fig


def _cut_line(ax, section: CrossSection):
    """Dashed line on a contour map along which ``section`` cuts the surface."""
    if section.fixed == "b":
        ax.axvline(section.fixed_value, color=VERMILLION, linestyle="--", linewidth=1.8)
    else:
        ax.axhline(section.fixed_value, color=VERMILLION, linestyle="--", linewidth=1.8)


def cross_section(s: Scenario, varied: str) -> Figure:
    """Left: the contour map with the cut drawn; right: the loss along the cut, start and best marked."""
    section = s.along_w if varied == "w" else s.along_b
    fig = new_figure(9.0, 4.0)
    ax_map, ax_cut = fig.subplots(1, 2, width_ratios=[1, 1.15])
    contour_map(ax_map, s.grid, labels=False)
    _cut_line(ax_map, section)
    mark_point(ax_map, s.snapped_start, VERMILLION, "start (snapped to grid)")
    fixed = minus(f"{section.fixed} = {section.fixed_value:.2f}")
    ax_map.set_title(f"Cut at {fixed}")

    ax_cut.plot(section.values, section.loss, color=INK)
    here = s.snapped_start[0 if varied == "b" else 1]
    here_loss = np.interp(here, section.values, section.loss)
    best = int(np.argmin(section.loss))
    ax_cut.plot([here], [here_loss], "o", color=VERMILLION, markersize=9, markeredgecolor="white", label="start")
    ax_cut.plot(section.values[best], section.loss[best], "*", color=GREEN, markersize=14, markeredgecolor="white",
                label=f"lowest point of this cut ({varied} = {section.values[best]:.2f})")
    ax_cut.annotate("", xy=(section.values[best], here_loss), xytext=(here, here_loss),
                    arrowprops=dict(arrowstyle="->", color=VERMILLION, lw=1.6))
    ax_cut.set_xlabel(f"{varied} ({'bias' if varied == 'b' else 'weight'})")
    ax_cut.set_ylabel("loss (MSE)")
    ax_cut.set_title(f"Loss along {varied} with {fixed}")
    ax_cut.legend(loc="upper center")
    return fig
