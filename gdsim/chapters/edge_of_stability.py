"""Chapter "The edge of stability" (docs/edge-of-stability.md).

Full-batch gradient descent on a small network, with its sharpness (the largest eigenvalue of
the training loss's Hessian) measured every ``EVERY`` steps by Lanczos to a stated accuracy,
beside the same measurement on the linear regression of the earlier chapters, where the
sharpness is the constant λ_max.

The workload follows Cohen et al. (ICLR 2021): the squared-error loss, a subset of the training
set, full batches. It is the practice part's digits and its tanh network, widened to ``HIDDEN``
units, on the first ``SUBSET`` training images. The runs are deterministic given the initial
parameters; the edge rates are also run from ``SEEDS`` (measured every ``SEED_EVERY`` steps),
so that what the page says of them is checked on more than one initialization.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh

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
# Each measurement's relative residual bound ‖Hv − λv‖ ≤ TOL·|λ| (Lanczos, warm-started from the
# last eigenvector): every value is within TOL of an eigenvalue, relative, the 0.01 % the page quotes.
TOL = 1e-4
# "At the edge": within this fraction of 2/η.
BAND = 0.1
# The late phase: the second half of each run, where the page averages the sharpness.
LATE_FROM = STEPS // 2
# The early dip: the lowest sharpness within the first DIP steps.
DIP = 200
# A loss spike ("catapult") is looked for within this many steps after the sharpness peaks.
CATAPULT = 100
# The edge rates again, from these initializations (seed 0 is the chapter's own runs).
SEEDS = (0, 1, 2, 3, 4)
SEED_RATES = (0.25, 0.4)
SEED_EVERY = 100
# A clear overshoot: the highest sharpness measured after the start is above the run's own late-phase
# high by more than this many points of % of 2/η (both read every SEED_EVERY steps).
OVERSHOOT = 2.0
# At these late steps the few largest eigenvalues are measured (not only the top one): at the edge
# more than one of them sits near 2/η.
SPECTRUM_EVERY = 500
SPECTRUM_TOP = 3
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


@stored
def seed_run(lr: float, seed: int) -> sharpness.SharpnessRun:
    """The same descent from the initialization ``seed``, the sharpness every SEED_EVERY steps."""
    x, labels = subset()
    return sharpness.descent_with_sharpness(NET, x, labels, lr, STEPS, SEED_EVERY, network.initial(NET, seed), TOL)


def percent(result: sharpness.SharpnessRun) -> np.ndarray:
    """The sharpness at each measurement as a percentage of 2/η."""
    return 100 * result.sharpness / result.limit


def at_edge_from(result: sharpness.SharpnessRun) -> int | None:
    """The first measured step from which the sharpness stays within BAND of 2/η to the end
    (None if it never settles there)."""
    inside = np.abs(result.sharpness / result.limit - 1) <= BAND
    if not inside[-1]:
        return None
    first = len(inside) - np.argmin(inside[::-1]) if not inside.all() else 0
    return int(result.measured_at[first])


def first_over(result: sharpness.SharpnessRun) -> int:
    """The first measured step after the start at which the sharpness reached 2/η (−1 if never)."""
    over = result.sharpness[1:] >= result.limit
    return int(result.measured_at[1:][np.argmax(over)]) if over.any() else -1


@dataclass(frozen=True)
class Peak:
    """The highest sharpness after the start, and the loss spike that follows it (if any)."""

    step: int
    percent: float  # of 2/η
    loss: float  # the loss at that step
    spike_step: int  # where the loss is highest within CATAPULT steps after it
    spike_loss: float
    after_percent: float  # the lowest sharpness measured within CATAPULT steps after the spike, % of 2/η


def peak(result: sharpness.SharpnessRun) -> Peak:
    """The run's highest measured sharpness after the start, and the loss's highest point in the
    CATAPULT steps that follow (the catapult, when it comes before the run ends), and how low the
    sharpness falls in the CATAPULT steps after that."""
    i = 1 + int(np.argmax(result.sharpness[1:]))
    step = int(result.measured_at[i])
    window = result.losses[step:step + CATAPULT + 1]
    spike = step + int(np.argmax(window))
    after = (result.measured_at > spike) & (result.measured_at <= spike + CATAPULT)
    after_percent = float(percent(result)[after].min()) if after.any() else math.nan
    return Peak(step, float(percent(result)[i]), float(result.losses[step]), spike, float(result.losses[spike]),
                after_percent)


@dataclass(frozen=True)
class Late:
    """The sharpness over the late phase (from LATE_FROM on), as percentages of 2/η."""

    mean: float
    low: float
    high: float


def late(result: sharpness.SharpnessRun, every: int = EVERY) -> Late:
    """Mean, lowest and highest of the sharpness measured from step LATE_FROM on, % of 2/η (read
    every ``every`` steps: the seeds' runs are compared at the steps they all measured)."""
    late_steps = (result.measured_at >= LATE_FROM) & (result.measured_at % every == 0)
    values = percent(result)[late_steps]
    return Late(float(values.mean()), float(values.min()), float(values.max()))


def dip(result: sharpness.SharpnessRun) -> tuple[int, float]:
    """The step and value of the lowest sharpness measured within the first DIP steps."""
    early = result.measured_at <= DIP
    i = int(np.argmin(result.sharpness[early]))
    return int(result.measured_at[i]), float(result.sharpness[i])


@dataclass(frozen=True)
class Factor:
    """Along the sharpest direction v over the late phase: what one step multiplies v·∇L by."""

    measured: float  # median of (v·∇L_{k+1}) / (v·∇L_k)
    predicted: float  # median of the bowl's rule 1 − ηλ_max with the sharpness measured
    size: float  # geometric mean of |(v·∇L_{k+1}) / (v·∇L_k)|: above 1 the bounce grows, below it shrinks
    flips_pct: float  # the steps whose factor is negative, %
    grows_pct: float  # the steps whose factor is bigger than 1 in size, %


def factor(lr: float) -> Factor:
    """The late phase's step-to-step factor along v, measured, and the bowl's rule for it."""
    r = run(lr)
    c = r.top_component[LATE_FROM:]
    ratios = c[1:] / c[:-1]
    late_sharpness = r.sharpness[r.measured_at >= LATE_FROM]
    return Factor(float(np.median(ratios)), float(np.median(1 - lr * late_sharpness)),
                  # (∏|r_k|)^(1/n) = exp(mean log|r_k|)
                  float(np.exp(np.mean(np.log(np.abs(ratios))))), float(100 * np.mean(ratios < 0)),
                  float(100 * np.mean(np.abs(ratios) > 1)))


def growth(lr: float) -> tuple[float, float]:
    """From the first crossing of 2/η to the spike: ln of how much |v·∇L| grew, measured, and ln of
    the product of the bowl's factors |1 − ηλ_max| over the same steps (λ_max interpolated linearly
    between measurements)."""
    r = run(lr)
    start, top = first_over(r), peak(r)
    around = np.abs(r.top_component[top.step:top.spike_step + 1])
    end = top.step + int(np.argmax(around))
    # ln(|c_end| / |c_start|)
    measured = math.log(around[end - top.step] / abs(r.top_component[start]))
    lam = np.interp(np.arange(start, end), r.measured_at, r.sharpness)
    # ln ∏ |1 − ηλ_k| = Σ ln|1 − ηλ_k|, over the steps k that carry c_start to c_end
    return measured, float(np.sum(np.log(np.abs(1 - lr * lam))))


@dataclass(frozen=True)
class Spectrum:
    """The SPECTRUM_TOP largest Hessian eigenvalues at a few late steps of one run (seed SEED)."""

    lr: float
    steps: np.ndarray
    values: np.ndarray  # (len(steps), SPECTRUM_TOP), largest first
    residuals: np.ndarray  # ‖Hv − λv‖/|λ| of each: its relative accuracy bound


def top_eigenvalues(params: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` largest eigenvalues of the Hessian at ``params`` (Lanczos, eigsh), largest
    first, and each one's relative residual ‖Hv − λv‖/|λ|, recomputed with one more product."""
    x, labels = subset()

    def product(v: np.ndarray) -> np.ndarray:
        return network.hessian_vector_product(NET, params, x, labels, v)

    operator = LinearOperator((NET.size, NET.size), matvec=product, dtype=float)
    start = np.random.default_rng(SEED).normal(size=NET.size)
    values, vectors = eigsh(operator, k=count, which="LA", tol=TOL / 10, v0=start,
                            ncv=sharpness.LANCZOS_VECTORS)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    # ‖Hv − λv‖ / |λ|
    residuals = np.array([np.linalg.norm(product(v) - lam * v) / abs(lam) for lam, v in zip(values, vectors.T)])
    return values, residuals


@stored
def late_spectrum(lr: float) -> Spectrum:
    """The run at ``lr`` replayed, its SPECTRUM_TOP largest eigenvalues at every SPECTRUM_EVERY
    steps of the late phase: whether the top one is alone near 2/η."""
    x, labels = subset()
    params = network.initial(NET, SEED).copy()
    steps = np.arange(LATE_FROM, STEPS + 1, SPECTRUM_EVERY)
    values, residuals = [], []
    for k in range(STEPS + 1):
        if k in steps:
            found, bounds = top_eigenvalues(params, SPECTRUM_TOP)
            values.append(found)
            residuals.append(bounds)
        if k < STEPS:
            # θ ← θ − η ∇L(θ), the run's own step
            params -= lr * network.loss_and_gradient(NET, params, x, labels)[1]
    return Spectrum(lr, steps, np.array(values), np.array(residuals))


def seed_series(lr: float, seed: int) -> sharpness.SharpnessRun:
    """The run at ``lr`` from ``seed``; seed 0 is the chapter's own run (measured every EVERY steps)."""
    return run(lr) if seed == SEED else seed_run(lr, seed)


@dataclass(frozen=True)
class SeedCheck:
    """One edge rate from every seed: where each run's sharpness starts, peaks and sits late."""

    lr: float
    start: np.ndarray  # the starting sharpness per seed
    late: tuple[Late, ...]
    peak: np.ndarray  # the highest sharpness after the start, % of 2/η (at SEED_EVERY resolution)
    loss_start: np.ndarray
    loss_end: np.ndarray
    diverged: np.ndarray


def seed_check(lr: float) -> SeedCheck:
    """The rate ``lr`` from each of SEEDS; every run read at the same steps (multiples of SEED_EVERY)."""
    runs = [seed_series(lr, seed) for seed in SEEDS]
    peaks = []
    for r in runs:
        on_grid = r.measured_at % SEED_EVERY == 0
        peaks.append(float(percent(r)[on_grid][1:].max()))
    return SeedCheck(lr, np.array([r.sharpness[0] for r in runs]), tuple(late(r, SEED_EVERY) for r in runs),
                     np.array(peaks),
                     np.array([r.losses[0] for r in runs]), np.array([r.losses[-1] for r in runs]),
                     np.array([r.diverged for r in runs]))


@dataclass(frozen=True)
class EdgeView:
    runs: tuple[sharpness.SharpnessRun, ...]
    steps: int
    late_from: int
    peaks: tuple[Peak | None, ...]  # each run's peak, None for a run that never reached 2/η
    late: tuple[Late | None, ...]  # each run's late phase, None for one that had not reached 2/η by then


def _at_edge_by_late_phase(result: sharpness.SharpnessRun) -> bool:
    """Whether the sharpness had reached 2/η (after the start) before the late phase, and stays near it."""
    return 0 <= first_over(result) <= LATE_FROM and at_edge_from(result) is not None


def edge_view() -> EdgeView:
    runs = tuple(run(lr) for lr in RATES)
    return EdgeView(runs, STEPS, LATE_FROM,
                    tuple(peak(r) if first_over(r) >= 0 else None for r in runs),
                    tuple(late(r) if _at_edge_by_late_phase(r) else None for r in runs))


@dataclass(frozen=True)
class SeedView:
    """The late-phase sharpness (% of 2/η) per seed at each edge rate."""

    checks: tuple[SeedCheck, ...]
    seeds: tuple[int, ...]


def seed_view() -> SeedView:
    return SeedView(tuple(seed_check(lr) for lr in SEED_RATES), SEEDS)


@dataclass(frozen=True)
class Bowl:
    """Gradient descent on least squares at two rates, the sharpness measured at every step."""

    lam_max: float
    rates: tuple[float, ...]
    losses: tuple[np.ndarray, ...]  # L − L* per step (until a run diverges)
    sharpness: tuple[np.ndarray, ...]  # measured at every step by sharpness.top_eigenvalue
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
        # The same solver as on the network; H does not depend on θ, so neither does it.
        measured.append(np.array([sharpness.top_eigenvalue(lambda v: H @ v, 2, TOL, seed=k).value
                                  for k in range(path.steps + 1)]))
    return Bowl(lam_max, rates, tuple(losses), tuple(measured), floor)


# The last steps of each run, where the step along the sharpest direction is watched one by one.
WINDOW = 40


@dataclass(frozen=True)
class Alternation:
    """Along the sharpest direction v: the gradient's component v·∇L at each of the last steps."""

    lr: float
    steps: np.ndarray
    component: np.ndarray


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
    top = peak(r)
    dip_step, dip_value = dip(r)
    return {
        "lr": lr, "limit": r.limit, "lowest": float(r.sharpness[1:].min()), "end": float(r.sharpness[-1]),
        "end_pct": float(percent(r)[-1]), "loss_end": float(r.losses[-1]),
        "rose_pct": 100 * float(np.mean(np.diff(r.losses) > 0)), "edge_step": -1 if edge is None else edge,
        "first_over": first_over(r), "peak_pct": top.percent, "peak_step": top.step,
        "dip_step": dip_step, "dip": dip_value, "peak_value": float(r.sharpness[r.measured_at == top.step][0]),
        "start_pct": float(percent(r)[0]),
        # the steps before the loss first rose (all of them if it never did)
        "falls_first": int(np.argmax(np.diff(r.losses) > 0)) if np.any(np.diff(r.losses) > 0) else len(r.losses) - 1,
    }


def _edge_numbers(lr: float) -> dict[str, float]:
    """An edge rate's catapult, late phase and step factor, and its late phase over the seeds."""
    r = run(lr)
    top, level, f = peak(r), late(r), factor(lr)
    grown, predicted_growth = growth(lr)
    c = seed_check(lr)
    means = np.array([seed_level.mean for seed_level in c.late])
    # how far each seed's highest measured sharpness is above its own late-phase high, points of %
    margins = c.peak - np.array([seed_level.high for seed_level in c.late])
    spectrum = late_spectrum(lr)
    second, third = (100 * spectrum.values[:, i] / r.limit for i in (1, 2))
    return {
        "spike_step": top.spike_step,
        "peak_loss": top.loss,
        "spike_loss": top.spike_loss,
        "spike_ratio": top.spike_loss / top.loss,
        "after_pct": top.after_percent,
        "late_pct": level.mean,
        "late_low_pct": level.low,
        "late_high_pct": level.high,
        # |v·∇L| when the sharpness first crossed 2/η, and at its largest around the spike
        "cross_component": abs(float(r.top_component[first_over(r)])),
        "spike_component": float(np.abs(r.top_component[top.step:top.spike_step + 1]).max()),
        "factor": f.measured,
        "predicted": f.predicted,
        "factor_size": f.size,
        "flips_pct": f.flips_pct,
        "grows_pct": f.grows_pct,
        # |measured − predicted| / |predicted|: how close the factor's size is to the rule's
        "factor_size_err_pct": 100 * abs(f.measured - f.predicted) / abs(f.predicted),
        # the measured excess below −1 as a share of the predicted one
        "excess_pct": 100 * (f.measured + 1) / (f.predicted + 1),
        "growth_measured": grown,
        "growth_predicted": predicted_growth,
        "second_low_pct": float(second.min()),
        "second_high_pct": float(second.max()),
        "second_over": int(np.sum(second > 100)),
        "third_low_pct": float(third.min()),
        "third_high_pct": float(third.max()),
        "end_second": float(spectrum.values[-1, 1]),
        "seed_loss_mean": float(c.loss_end.mean()),
        "seed_loss_sd": float(c.loss_end.std(ddof=1)),
        "seed_loss_low": float(c.loss_end.min()),
        "seed_loss_high": float(c.loss_end.max()),
        "seed_overshoot": int(np.sum(margins > OVERSHOOT)),
        "seed_overshoot_least": float(margins.min()),
        "seed_late_mean": float(means.mean()),
        "seed_late_sd": float(means.std(ddof=1)),
        "seed_late_above": int(np.sum(means > 100)),
        "seed_peak_low": float(c.peak.min()),
        "seed_peak_high": float(c.peak.max()),
        "seed_trained": int(np.sum(~c.diverged & (c.loss_end < c.loss_start))),
        "seed_start_over": int(np.sum(c.start > 2 / lr)),
    }


def _worst_residual() -> float:
    """The largest relative residual ‖Hv − λv‖/|λ| of any measurement on the page."""
    runs = [run(lr) for lr in RATES] + [seed_series(lr, seed) for lr in SEED_RATES for seed in SEEDS]
    spectra = [late_spectrum(lr) for lr in SEED_RATES]
    return float(max([r.residuals.max() for r in runs] + [s.residuals.max() for s in spectra]))


def facts() -> dict[str, Fact]:
    """The chapter's quoted numbers: the workload, each rate's sharpness against 2/η, the bowl."""
    first = run(RATES[0])
    starts = seed_check(SEED_RATES[0]).start
    facts = {
        "eos_subset": Fact(SUBSET, ","),
        "eos_hidden": Fact(HIDDEN, "d"),
        "eos_params": Fact(NET.size, ","),
        "eos_steps": Fact(STEPS, ","),
        "eos_every": Fact(EVERY, "d"),
        "eos_tol": Fact(TOL, "g"),
        "eos_tol_pct": Fact(100 * TOL, "g"),
        "eos_worst_residual": Fact(_worst_residual(), ".1e"),
        "eos_band_pct": Fact(100 * BAND, ".0f"),
        "eos_window": Fact(WINDOW, "d"),
        "eos_late_from": Fact(LATE_FROM, ","),
        "eos_dip_steps": Fact(DIP, "d"),
        "eos_catapult": Fact(CATAPULT, "d"),
        "eos_rates": Fact(len(RATES), "d"),
        "eos_seeds": Fact(len(SEEDS), "d"),
        "eos_seed_every": Fact(SEED_EVERY, "d"),
        "eos_start_sharpness": Fact(first.sharpness[0], ".2f"),
        "eos_start_loss": Fact(first.losses[0], ".3f"),
        # the largest rate the starting curvature alone would allow
        "eos_start_limit": Fact(2 / first.sharpness[0], ".3f"),
        # η = 0.25 against it: η·λ₀/2 − 1, in %
        "eos_upper_over_start_pct": Fact(100 * (RATES[2] * first.sharpness[0] / 2 - 1), ".1f"),
        "eos_big_over_start": Fact(RATES[3] * first.sharpness[0] / 2, ".1f"),
        "eos_seed_start_low": Fact(float(starts.min()), ".2f"),
        "eos_seed_start_high": Fact(float(starts.max()), ".2f"),
        "eos_overshoot_points": Fact(OVERSHOOT, "g"),
        "eos_spectrum_every": Fact(SPECTRUM_EVERY, "d"),
        "eos_spectrum_points": Fact(len(late_spectrum(SEED_RATES[0]).steps), "d"),
        # v was measured at most EVERY − 1 steps before any step
        "eos_v_age": Fact(EVERY - 1, "d"),
        # η·λ₀ of the largest rate
        "eos_big_eta_lam0": Fact(RATES[3] * first.sharpness[0], ".1f"),
        # the seeds on which η = 0.4 ended lower than η = 0.25 (paired: the same start)
        "eos_big_seed_beats_upper": Fact(int(np.sum(seed_check(SEED_RATES[1]).loss_end
                                                    < seed_check(SEED_RATES[0]).loss_end)), "d"),
    }
    small, mid, upper, big = (rate_numbers(lr) for lr in RATES)
    upper_edge, big_edge = (_edge_numbers(lr) for lr in RATES[2:])
    facts |= {
        # the early dip: how much deeper at η = 0.25 than at η = 0.1, and at η = 0.4, in % of η = 0.1's
        "eos_dip_spread_pct": Fact(100 * (1 - upper["dip"] / small["dip"]), ".1f"),
        "eos_big_dip_below_pct": Fact(100 * (1 - big["dip"] / small["dip"]), ".0f"),
        "eos_upper_peak_value": Fact(upper["peak_value"], ".2f"),
        "eos_big_start_pct": Fact(big["start_pct"], ".0f"),
        "eos_big_falls_first": Fact(big["falls_first"], "d"),
        "eos_small_lr": Fact(small["lr"], "g"),
        "eos_small_limit": Fact(small["limit"], ".3g"),
        "eos_small_lowest": Fact(small["lowest"], ".2f"),
        "eos_small_end": Fact(small["end"], ".2f"),
        "eos_small_end_pct": Fact(small["end_pct"], ".1f"),
        "eos_small_loss_end": Fact(small["loss_end"], ".4f"),
        "eos_small_rose_pct": Fact(small["rose_pct"], ".0f"),
        "eos_small_edge_step": Fact(small["edge_step"], ","),
        "eos_small_first_over": Fact(small["first_over"], ","),
        "eos_small_peak_pct": Fact(small["peak_pct"], ".0f"),
        "eos_small_peak_step": Fact(small["peak_step"], ","),
        "eos_small_dip_step": Fact(small["dip_step"], ","),
        "eos_small_dip": Fact(small["dip"], ".2f"),
        "eos_mid_lr": Fact(mid["lr"], "g"),
        "eos_mid_limit": Fact(mid["limit"], ".3g"),
        "eos_mid_lowest": Fact(mid["lowest"], ".2f"),
        "eos_mid_end": Fact(mid["end"], ".2f"),
        "eos_mid_end_pct": Fact(mid["end_pct"], ".1f"),
        "eos_mid_loss_end": Fact(mid["loss_end"], ".4f"),
        "eos_mid_rose_pct": Fact(mid["rose_pct"], ".0f"),
        "eos_mid_edge_step": Fact(mid["edge_step"], ","),
        "eos_mid_first_over": Fact(mid["first_over"], ","),
        "eos_mid_peak_pct": Fact(mid["peak_pct"], ".0f"),
        "eos_mid_peak_step": Fact(mid["peak_step"], ","),
        "eos_mid_dip_step": Fact(mid["dip_step"], ","),
        "eos_mid_dip": Fact(mid["dip"], ".2f"),
        "eos_upper_lr": Fact(upper["lr"], "g"),
        "eos_upper_limit": Fact(upper["limit"], ".3g"),
        "eos_upper_lowest": Fact(upper["lowest"], ".2f"),
        "eos_upper_end": Fact(upper["end"], ".2f"),
        "eos_upper_end_pct": Fact(upper["end_pct"], ".1f"),
        "eos_upper_loss_end": Fact(upper["loss_end"], ".4f"),
        "eos_upper_rose_pct": Fact(upper["rose_pct"], ".0f"),
        "eos_upper_edge_step": Fact(upper["edge_step"], ","),
        "eos_upper_first_over": Fact(upper["first_over"], ","),
        "eos_upper_peak_pct": Fact(upper["peak_pct"], ".0f"),
        "eos_upper_peak_step": Fact(upper["peak_step"], ","),
        "eos_upper_dip_step": Fact(upper["dip_step"], ","),
        "eos_upper_dip": Fact(upper["dip"], ".2f"),
        "eos_big_lr": Fact(big["lr"], "g"),
        "eos_big_limit": Fact(big["limit"], ".3g"),
        "eos_big_lowest": Fact(big["lowest"], ".2f"),
        "eos_big_end": Fact(big["end"], ".2f"),
        "eos_big_end_pct": Fact(big["end_pct"], ".1f"),
        "eos_big_loss_end": Fact(big["loss_end"], ".4f"),
        "eos_big_rose_pct": Fact(big["rose_pct"], ".0f"),
        "eos_big_edge_step": Fact(big["edge_step"], ","),
        "eos_big_first_over": Fact(big["first_over"], ","),
        "eos_big_peak_pct": Fact(big["peak_pct"], ".0f"),
        "eos_big_peak_step": Fact(big["peak_step"], ","),
        "eos_big_dip_step": Fact(big["dip_step"], ","),
        "eos_big_dip": Fact(big["dip"], ".2f"),
        "eos_upper_spike_step": Fact(upper_edge["spike_step"], ","),
        "eos_upper_peak_loss": Fact(upper_edge["peak_loss"], ".3f"),
        "eos_upper_spike_loss": Fact(upper_edge["spike_loss"], ".3f"),
        "eos_upper_spike_ratio": Fact(upper_edge["spike_ratio"], ".1f"),
        "eos_upper_after_pct": Fact(upper_edge["after_pct"], ".0f"),
        "eos_upper_late_pct": Fact(upper_edge["late_pct"], ".1f"),
        "eos_upper_late_low_pct": Fact(upper_edge["late_low_pct"], ".1f"),
        "eos_upper_late_high_pct": Fact(upper_edge["late_high_pct"], ".1f"),
        "eos_upper_cross_component": Fact(upper_edge["cross_component"], ".0e"),
        "eos_upper_spike_component": Fact(upper_edge["spike_component"], ".2f"),
        "eos_upper_factor": Fact(upper_edge["factor"], ".3f"),
        "eos_upper_predicted": Fact(upper_edge["predicted"], ".3f"),
        "eos_upper_factor_size": Fact(upper_edge["factor_size"], ".4f"),
        "eos_upper_flips_pct": Fact(upper_edge["flips_pct"], ".1f"),
        "eos_upper_grows_pct": Fact(upper_edge["grows_pct"], ".0f"),
        "eos_upper_factor_size_err_pct": Fact(upper_edge["factor_size_err_pct"], ".1f"),
        "eos_upper_excess_pct": Fact(upper_edge["excess_pct"], ".0f"),
        "eos_upper_growth_measured": Fact(upper_edge["growth_measured"], ".1f"),
        "eos_upper_growth_predicted": Fact(upper_edge["growth_predicted"], ".1f"),
        "eos_upper_second_low_pct": Fact(upper_edge["second_low_pct"], ".1f"),
        "eos_upper_second_high_pct": Fact(upper_edge["second_high_pct"], ".1f"),
        "eos_upper_second_over": Fact(upper_edge["second_over"], "d"),
        "eos_upper_third_low_pct": Fact(upper_edge["third_low_pct"], ".1f"),
        "eos_upper_third_high_pct": Fact(upper_edge["third_high_pct"], ".1f"),
        "eos_upper_end_second": Fact(upper_edge["end_second"], ".2f"),
        "eos_upper_seed_loss_mean": Fact(upper_edge["seed_loss_mean"], ".4f"),
        "eos_upper_seed_loss_sd": Fact(upper_edge["seed_loss_sd"], ".4f"),
        "eos_upper_seed_loss_low": Fact(upper_edge["seed_loss_low"], ".4f"),
        "eos_upper_seed_loss_high": Fact(upper_edge["seed_loss_high"], ".4f"),
        "eos_upper_seed_overshoot": Fact(upper_edge["seed_overshoot"], "d"),
        "eos_upper_seed_overshoot_least": Fact(upper_edge["seed_overshoot_least"], ".1f"),
        "eos_upper_seed_late_mean": Fact(upper_edge["seed_late_mean"], ".1f"),
        "eos_upper_seed_late_sd": Fact(upper_edge["seed_late_sd"], ".1f"),
        "eos_upper_seed_late_above": Fact(upper_edge["seed_late_above"], "d"),
        "eos_upper_seed_peak_low": Fact(upper_edge["seed_peak_low"], ".0f"),
        "eos_upper_seed_peak_high": Fact(upper_edge["seed_peak_high"], ".0f"),
        "eos_upper_seed_trained": Fact(upper_edge["seed_trained"], "d"),
        "eos_upper_seed_start_over": Fact(upper_edge["seed_start_over"], "d"),
        "eos_big_spike_step": Fact(big_edge["spike_step"], ","),
        "eos_big_peak_loss": Fact(big_edge["peak_loss"], ".3f"),
        "eos_big_spike_loss": Fact(big_edge["spike_loss"], ".3f"),
        "eos_big_spike_ratio": Fact(big_edge["spike_ratio"], ".1f"),
        "eos_big_after_pct": Fact(big_edge["after_pct"], ".0f"),
        "eos_big_late_pct": Fact(big_edge["late_pct"], ".1f"),
        "eos_big_late_low_pct": Fact(big_edge["late_low_pct"], ".1f"),
        "eos_big_late_high_pct": Fact(big_edge["late_high_pct"], ".1f"),
        "eos_big_cross_component": Fact(big_edge["cross_component"], ".0e"),
        "eos_big_spike_component": Fact(big_edge["spike_component"], ".2f"),
        "eos_big_factor": Fact(big_edge["factor"], ".3f"),
        "eos_big_predicted": Fact(big_edge["predicted"], ".3f"),
        "eos_big_factor_size": Fact(big_edge["factor_size"], ".4f"),
        "eos_big_flips_pct": Fact(big_edge["flips_pct"], ".1f"),
        "eos_big_grows_pct": Fact(big_edge["grows_pct"], ".0f"),
        "eos_big_factor_size_err_pct": Fact(big_edge["factor_size_err_pct"], ".1f"),
        "eos_big_excess_pct": Fact(big_edge["excess_pct"], ".0f"),
        "eos_big_growth_measured": Fact(big_edge["growth_measured"], ".1f"),
        "eos_big_growth_predicted": Fact(big_edge["growth_predicted"], ".1f"),
        "eos_big_second_low_pct": Fact(big_edge["second_low_pct"], ".1f"),
        "eos_big_second_high_pct": Fact(big_edge["second_high_pct"], ".1f"),
        "eos_big_second_over": Fact(big_edge["second_over"], "d"),
        "eos_big_third_low_pct": Fact(big_edge["third_low_pct"], ".1f"),
        "eos_big_third_high_pct": Fact(big_edge["third_high_pct"], ".1f"),
        "eos_big_end_second": Fact(big_edge["end_second"], ".2f"),
        "eos_big_seed_loss_mean": Fact(big_edge["seed_loss_mean"], ".4f"),
        "eos_big_seed_loss_sd": Fact(big_edge["seed_loss_sd"], ".4f"),
        "eos_big_seed_loss_low": Fact(big_edge["seed_loss_low"], ".4f"),
        "eos_big_seed_loss_high": Fact(big_edge["seed_loss_high"], ".4f"),
        "eos_big_seed_overshoot": Fact(big_edge["seed_overshoot"], "d"),
        "eos_big_seed_overshoot_least": Fact(big_edge["seed_overshoot_least"], ".1f"),
        "eos_big_seed_late_mean": Fact(big_edge["seed_late_mean"], ".1f"),
        "eos_big_seed_late_sd": Fact(big_edge["seed_late_sd"], ".1f"),
        "eos_big_seed_late_above": Fact(big_edge["seed_late_above"], "d"),
        "eos_big_seed_peak_low": Fact(big_edge["seed_peak_low"], ".0f"),
        "eos_big_seed_peak_high": Fact(big_edge["seed_peak_high"], ".0f"),
        "eos_big_seed_trained": Fact(big_edge["seed_trained"], "d"),
        "eos_big_seed_start_over": Fact(big_edge["seed_start_over"], "d"),
    }
    facts["eos_small_limit_over_end"] = Fact(first.limit / first.sharpness[-1], ".1f")
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
        "edge-seeds",
        STILL,
        data=seed_view,
        draw="seeds",
    ),
    Asset(
        "top-direction",
        STILL,
        data=alternation_view,
        draw="alternation",
    ),
]
