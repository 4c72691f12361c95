"""Figures of "A model and its data": the training and validation points."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from gdsim.draw.style import COLUMN, Layout, new_figure, scatter_train, scatter_validation

if TYPE_CHECKING:  # types only: drawing never runs chapter code
    from gdsim.chapters.model_and_data import SplitView


def train_validation(view: SplitView, layout: Layout = COLUMN) -> Figure:
    """Training and validation points in two panels on shared axes (side by side; stacked on a phone)."""
    fig = new_figure(layout.height(3.2, 5.4), layout)
    ax_train, ax_val = fig.subplots(*layout.grid(1, 2), sharex=True, sharey=True)
    scatter_train(ax_train, view.split.x_train, view.split.y_train)
    ax_train.set_title(f"Training set ({len(view.split.x_train)} points)")
    scatter_validation(ax_val, view.split.x_val, view.split.y_val)
    ax_val.set_title(f"Validation set ({len(view.split.x_val)} points)")
    for ax in (ax_train, ax_val):
        ax.set_xlim(*view.x_range)
    ax_val.set_xlabel("feature $x$")
    if not layout.narrow:
        ax_train.set_xlabel("feature $x$")
    for ax in (ax_train, ax_val) if layout.narrow else (ax_train,):
        ax.set_ylabel("label $y$")
    return fig
