"""Chapter "The edge of stability" (docs/edge-of-stability.md).

Full-batch gradient descent on a small network, with its sharpness (the largest eigenvalue of
the training loss's Hessian) measured every ``EVERY`` steps, beside the same measurement on the
linear regression of the earlier chapters, where the sharpness is the constant λ_max.

The workload follows Cohen et al. (ICLR 2021): the squared-error loss, a subset of the training
set, full batches. It is the practice part's digits and its tanh network, wider (``HIDDEN``
units) because the wider network sharpens faster; on the first ``SUBSET`` training images.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import descent, network, scenarios, sharpness, stability, workload
from gdsim.assets import STILL, Asset
from gdsim.facts import Fact
from gdsim.network import Network
from gdsim.stored import stored

SUBSET = 500
HIDDEN = 64
NET = Network(inputs=64, classes=10, hidden=HIDDEN, loss="mse")
SEED = workload.SEED
# Step sizes: one whose 2/η the sharpness never reaches, two it reaches from below, one it starts above.
RATES = (0.1, 0.2, 0.25, 0.4)
STEPS = 3000
EVERY = 25
# Power iteration stops when vᵀHv changes by less than this (relative) in one iteration; it is
# warm-started from the last eigenvector, so two or three products per measurement suffice.
TOL = 1e-3
# "At the edge": within this fraction of 2/η (the test uses the same band).
BAND = 0.1
# The bowl: the original linear regression, at these multiples of its limit 2/λ_max.
BOWL = "original"
BOWL_MULTIPLES = (0.9, 1.05)
BOWL_STEPS = 60


@lru_cache(maxsize=1)
def subset() -> tuple[np.ndarray, np.ndarray]:
    """The first SUBSET standardized training images and their digits."""
    data = workload.data()
    return data.x_train[:SUBSET], data.y_train[:SUBSET]


@stored
def run(lr: float) -> sharpness.SharpnessRun:
    """Full-batch descent at ``lr`` from the shared start, the sharpness every EVERY steps."""
    x, labels = subset()
    return sharpness.descent_with_sharpness(NET, x, labels, lr, STEPS, EVERY, network.initial(NET, SEED), TOL)


def at_edge_from(result: sharpness.SharpnessRun) -> int | None:
    """The first measured step from which the sharpness stays within BAND of 2/η to the end
    (None if it never settles there)."""
    inside = np.abs(result.sharpness / result.limit - 1) <= BAND
    if not inside[-1]:
        return None
    first = len(inside) - np.argmin(inside[::-1]) if not inside.all() else 0
    return int(result.measured_at[first])


def first_over(result: sharpness.SharpnessRun) -> int:
    """The first measured step at which the sharpness reached 2/η (−1 if it never did)."""
    over = result.sharpness >= result.limit
    return int(result.measured_at[np.argmax(over)]) if over.any() else -1


@dataclass(frozen=True)
class EdgeView:
    runs: tuple[sharpness.SharpnessRun, ...]
    steps: int


def edge_view() -> EdgeView:
    return EdgeView(tuple(run(lr) for lr in RATES), STEPS)


@dataclass(frozen=True)
class Bowl:
    """Gradient descent on least squares at two rates, the sharpness measured at every step."""

    lam_max: float
    rates: tuple[float, ...]
    losses: tuple[np.ndarray, ...]  # L − L* per step (until a run diverges)
    sharpness: tuple[np.ndarray, ...]  # measured by power iteration at every step
    floor: float

    @property
    def limits(self) -> tuple[float, ...]:
        """2/η of each rate: the sharpness a bowl can have and still be stable at that rate."""
        return tuple(2 / lr for lr in self.rates)


@lru_cache(maxsize=1)
def bowl() -> Bowl:
    s = scenarios.get(BOWL)
    x, y = s.split.x_train, s.split.y_train
    X = stability.design_matrix(x)
    H = stability.hessian(X)
    lam_max = float(stability.eigenvalues(X).max())
    floor = float(np.mean((X @ np.linalg.lstsq(X, y, rcond=None)[0] - y) ** 2))
    rates = tuple(m * 2 / lam_max for m in BOWL_MULTIPLES)
    losses, measured = [], []
    for lr in rates:
        path = descent.gradient_descent(x, y, s.start, lr, BOWL_STEPS)
        losses.append(path.losses - floor)
        # The same power iteration as on the network; H does not depend on θ, so neither does it.
        measured.append(np.array([sharpness.top_eigenvalue(lambda v: H @ v, 2, TOL, seed=k).value
                                  for k in range(path.steps + 1)]))
    return Bowl(lam_max, rates, tuple(losses), tuple(measured), floor)


# The last steps of each run, where the step along the sharpest direction is watched one by one.
WINDOW = 40
LATE = 100


@dataclass(frozen=True)
class Alternation:
    """Along the sharpest direction v: the gradient's component v·∇L at each of the last steps."""

    lr: float
    steps: np.ndarray
    component: np.ndarray


def factor(lr: float) -> float:
    """The median of (v·∇L_{k+1}) / (v·∇L_k) over the last LATE steps: what one step multiplies the
    gradient along v by (1 − ηλ on a bowl)."""
    c = run(lr).top_component[-LATE - 1:]
    return float(np.median(c[1:] / c[:-1]))


def alternation_view() -> tuple[Alternation, ...]:
    views = []
    for lr in RATES[1:]:
        c = run(lr).top_component
        views.append(Alternation(lr, np.arange(len(c) - WINDOW, len(c)), c[-WINDOW:]))
    return tuple(views)


def rate_numbers(lr: float) -> dict[str, float]:
    """What the page quotes about one rate's run."""
    r = run(lr)
    edge = at_edge_from(r)
    return {
        "lr": lr, "limit": r.limit, "lowest": float(r.sharpness.min()), "end": float(r.sharpness[-1]),
        "end_pct": 100 * float(r.sharpness[-1]) / r.limit, "loss_end": float(r.losses[-1]),
        "rose_pct": 100 * float(np.mean(np.diff(r.losses) > 0)), "edge_step": -1 if edge is None else edge,
        "ratio": factor(lr), "predicted": float(1 - lr * r.sharpness[-1]),
    }


def facts() -> dict[str, Fact]:
    """The chapter's quoted numbers: the workload, each rate's sharpness against 2/η, the bowl."""
    facts = {
        "eos_subset": Fact(SUBSET, ","),
        "eos_hidden": Fact(HIDDEN, "d"),
        "eos_params": Fact(NET.size, ","),
        "eos_steps": Fact(STEPS, ","),
        "eos_every": Fact(EVERY, "d"),
        "eos_tol": Fact(TOL, "g"),
        "eos_band_pct": Fact(100 * BAND, ".0f"),
        "eos_window": Fact(WINDOW, "d"),
        "eos_late": Fact(LATE, "d"),
        "eos_rates": Fact(len(RATES), "d"),
        "eos_start_sharpness": Fact(run(RATES[0]).sharpness[0], ".2f"),
        "eos_start_loss": Fact(run(RATES[0]).losses[0], ".3f"),
        # the largest rate the starting curvature alone would allow
        "eos_start_limit": Fact(2 / run(RATES[0]).sharpness[0], ".3f"),
        "eos_mid_first_over": Fact(first_over(run(RATES[1])), ","),
        "eos_mid_peak_pct": Fact(100 * float(run(RATES[1]).sharpness.max()) / run(RATES[1]).limit, ".0f"),
    }
    small, mid, upper, big = (rate_numbers(lr) for lr in RATES)
    facts |= {
        "eos_small_lr": Fact(small["lr"], "g"),
        "eos_small_limit": Fact(small["limit"], ".3g"),
        "eos_small_lowest": Fact(small["lowest"], ".2f"),
        "eos_small_end": Fact(small["end"], ".2f"),
        "eos_small_end_pct": Fact(small["end_pct"], ".0f"),
        "eos_small_limit_over_end": Fact(small["limit"] / small["end"], ".1f"),
        "eos_small_loss_end": Fact(small["loss_end"], ".4f"),
        "eos_small_rose_pct": Fact(small["rose_pct"], ".0f"),
        "eos_small_edge_step": Fact(small["edge_step"], ","),
        "eos_small_ratio": Fact(small["ratio"], ".2f"),
        "eos_small_predicted": Fact(small["predicted"], ".2f"),
        "eos_mid_lr": Fact(mid["lr"], "g"),
        "eos_mid_limit": Fact(mid["limit"], ".3g"),
        "eos_mid_lowest": Fact(mid["lowest"], ".2f"),
        "eos_mid_end": Fact(mid["end"], ".2f"),
        "eos_mid_end_pct": Fact(mid["end_pct"], ".0f"),
        "eos_mid_loss_end": Fact(mid["loss_end"], ".4f"),
        "eos_mid_rose_pct": Fact(mid["rose_pct"], ".0f"),
        "eos_mid_edge_step": Fact(mid["edge_step"], ","),
        "eos_mid_ratio": Fact(mid["ratio"], ".2f"),
        "eos_mid_predicted": Fact(mid["predicted"], ".2f"),
        "eos_upper_lr": Fact(upper["lr"], "g"),
        "eos_upper_limit": Fact(upper["limit"], ".3g"),
        "eos_upper_lowest": Fact(upper["lowest"], ".2f"),
        "eos_upper_end": Fact(upper["end"], ".2f"),
        "eos_upper_end_pct": Fact(upper["end_pct"], ".0f"),
        "eos_upper_loss_end": Fact(upper["loss_end"], ".4f"),
        "eos_upper_rose_pct": Fact(upper["rose_pct"], ".0f"),
        "eos_upper_edge_step": Fact(upper["edge_step"], ","),
        "eos_upper_ratio": Fact(upper["ratio"], ".2f"),
        "eos_upper_predicted": Fact(upper["predicted"], ".2f"),
        "eos_big_lr": Fact(big["lr"], "g"),
        "eos_big_limit": Fact(big["limit"], ".3g"),
        "eos_big_lowest": Fact(big["lowest"], ".2f"),
        "eos_big_end": Fact(big["end"], ".2f"),
        "eos_big_end_pct": Fact(big["end_pct"], ".0f"),
        "eos_big_loss_end": Fact(big["loss_end"], ".4f"),
        "eos_big_rose_pct": Fact(big["rose_pct"], ".0f"),
        "eos_big_edge_step": Fact(big["edge_step"], ","),
        "eos_big_ratio": Fact(big["ratio"], ".2f"),
        "eos_big_predicted": Fact(big["predicted"], ".2f"),
    }
    b = bowl()
    facts |= {
        "eos_bowl_lam_max": Fact(b.lam_max, ".3g"),
        "eos_bowl_limit": Fact(2 / b.lam_max, ".3f"),
        "eos_bowl_below": Fact(b.rates[0], ".3f"),
        "eos_bowl_above": Fact(b.rates[1], ".3f"),
        "eos_bowl_below_pct": Fact(100 * BOWL_MULTIPLES[0], ".0f"),
        "eos_bowl_above_pct": Fact(100 * BOWL_MULTIPLES[1], ".0f"),
        "eos_bowl_steps": Fact(BOWL_STEPS, "d"),
        "eos_bowl_below_end": Fact(float(b.losses[0][-1]), ".1e"),
        "eos_bowl_above_end": Fact(float(b.losses[1][-1]), ".3g"),
        "eos_bowl_factor": Fact(abs(1 - b.rates[1] * b.lam_max), ".3f"),
    }
    return facts


ASSETS = [
    Asset(
        "edge-of-stability",
        STILL,
        data=edge_view,
        draw="edge",
    ),
    Asset(
        "bowl-sharpness",
        STILL,
        data=bowl,
        draw="bowl",
    ),
    Asset(
        "top-direction",
        STILL,
        data=alternation_view,
        draw="alternation",
    ),
]
