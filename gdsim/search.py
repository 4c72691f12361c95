"""Searching for a learning rate by training: one run per candidate, judged on validation loss."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdsim import checks, sgd
from gdsim.digits import Split
from gdsim.network import Network


@dataclass(frozen=True)
class Grid:
    """Candidate rates and the validation loss each reached (inf where the run blew up)."""

    lrs: np.ndarray
    val_loss: np.ndarray
    steps: int  # SGD steps taken by all runs together

    @property
    def best_lr(self) -> float:
        """The candidate with the lowest final validation loss."""
        return float(self.lrs[int(np.argmin(self.val_loss))])


def grid_search(net: Network, data: Split, lrs: object, epochs: int, batch_size: int = 32, seed: int = 0) -> Grid:
    """Train once per rate in ``lrs`` (same start, same batches) and keep each final validation loss."""
    lrs = checks.increasing_rates(lrs)
    runs = [sgd.train(net, data, float(lr), epochs, batch_size, seed) for lr in lrs]
    return Grid(lrs, np.array([run.final_val_loss for run in runs]), sum(run.steps for run in runs))
