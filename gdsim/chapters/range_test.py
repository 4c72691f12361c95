"""Chapter "The learning-rate range test" (docs/range-test.md): one run with a rising rate instead
of a search, the libraries' exponential version and Smith's linear one on the digits network, the
suggestion rules checked by real training, and, on the least-squares line, why the blow-up point
lies beyond the exact limit 2/λ_max.

Every range test goes through ``gdsim.lr_range``, every training through ``gdsim.sgd`` with the
practice part's workload and seed, so the numbers agree with the search chapter's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import lr_range, model, scenarios, search, sgd, stability, workload
from gdsim.assets import ANIMATION, STILL, Asset
from gdsim.facts import Fact
from gdsim.lr_range import RULES, RangeTest
from gdsim.stored import stored

NET = workload.MLP
SEED = workload.SEED
BATCH = workload.BATCH_SIZE
# The libraries' version: η from 10⁻⁴ to 100, a constant factor per step, for at most this many steps
# (this network survives fastai's top rate of 10, so the range is raised to reach its blow-up).
LR_MIN, LR_MAX, STEPS = 1e-4, 100.0, 200
# Smith's version: η rising linearly over a few epochs, no early stop, validation accuracy after every step.
SMITH_LR_MIN, SMITH_LR_MAX, SMITH_EPOCHS = 0.01, 10.0, 4
SMITH_DIVISORS = (4.0, 3.0)  # base_lr = max_lr/4 … max_lr/3
SMITH_NEAR = 2  # percentage points below the peak accuracy that still count as "at the top"
# The stop other libraries use by default, quoted on the page (this chapter stops at lr_range.STOP_FACTOR,
# fastai's and Lightning's): torch-lr-finder's and Ignite's ``diverge_th``.
TORCH_LR_FINDER_STOP_FACTOR = 5.0
# The check: fixed-rate training for as many epochs as the search chapter's full runs, and the grid
# that finds the best rate by training once per candidate.
CHECK_EPOCHS = 20
GRID = np.geomspace(0.1, 10.0, 17)
# The spread of the suggestions over other shuffles and starts (range tests only, no training).
SPREAD_SEEDS = range(5)
# The least-squares line (the site's original problem), full batch: η from 10⁻³ to 10 for at most
# LS_STEPS steps (the exercise also runs LS_FEWER_STEPS and LS_MORE_STEPS).
LS_SCENARIO = "original"
LS_LR_MIN, LS_LR_MAX, LS_STEPS = 1e-3, 10.0, 200
LS_FEWER_STEPS, LS_MORE_STEPS = 100, 400
# The animation: one frame per this many steps of the exponential test.
MOVIE_STRIDE = 5


@dataclass(frozen=True)
class Check:
    """One rate trained at a fixed value for CHECK_EPOCHS epochs: what the rule promised, judged."""

    name: str  # a rule, "best" for the grid's best, or "smith-4"/"smith-3"
    lr: float
    val_loss: float  # inf if it blew up
    val_accuracy: float


@dataclass(frozen=True)
class CurveView:
    """The exponential test on the digits network, its suggestions and the grid's best rate."""

    test: RangeTest
    suggestions: dict[str, float]
    suggestion_losses: dict[str, float]  # the smoothed loss at the point each rule read
    minimum_lr: float  # where the smoothed loss is lowest (the "minimum" rule divides it by lr_range.MINIMUM_DIVISOR)
    minimum_loss: float  # the smoothed loss there
    curve_at: dict[str, float]  # the smoothed curve's height at each suggested rate, where its marker sits
    best_lr: float
    rules_from: float  # the rules see the curve from this rate …
    rules_to: float  # … to this one (fastai's trim)
    epoch_steps: int


@dataclass(frozen=True)
class CheckView:
    """The grid's validation losses and each suggestion trained for real, on one η axis."""

    grid_lrs: np.ndarray
    grid_val_loss: np.ndarray  # inf where a run blew up
    checks: tuple[Check, ...]
    epochs: int


@dataclass(frozen=True)
class SmithView:
    """Smith's linear test: validation accuracy after every step against η."""

    test: RangeTest
    max_lr: float  # η at the highest validation accuracy
    peak_accuracy: float
    base_range: tuple[float, float]  # max_lr/4, max_lr/3
    best_lr: float
    epoch_steps: int


@dataclass(frozen=True)
class LeastSquaresView:
    """The exponential test on the least-squares line, with the error split along the eigenvectors."""

    test: RangeTest
    limit: float  # 2/λ_max
    raw_test: RangeTest  # the same test without smoothing
    errors: np.ndarray  # (steps, 2): |v · (θ_k − θ*)| before each step, flat then steep
    floor: float  # the least-squares loss
    suggestions: dict[str, float]
    cross_step: int  # the first step with η above 2/λ_max

    @property
    def stop_ratio(self) -> float:
        """Where the test stopped, as a multiple of the limit 2/λ_max."""
        return self.test.stop_lr / self.limit

    @property
    def ratios(self) -> dict[str, float]:
        """Each rule's suggestion as a multiple of the limit 2/λ_max."""
        return {rule: lr / self.limit for rule, lr in self.suggestions.items()}


@dataclass(frozen=True)
class MovieView:
    """The exponential test drawn as it runs: which steps each frame shows."""

    curve: CurveView
    ends: np.ndarray  # frame f shows steps 0 … ends[f] − 1


# ---------------------------------------------------------------- runs


@stored
def exponential(seed: int = SEED) -> RangeTest:
    """The libraries' version on the digits network."""
    return lr_range.range_test(NET, workload.data(), LR_MIN, LR_MAX, STEPS, batch_size=BATCH, seed=seed)


@stored
def smith() -> RangeTest:
    """Smith's version: η rising linearly over SMITH_EPOCHS epochs, never stopped early."""
    steps = SMITH_EPOCHS * _epoch_steps()
    return lr_range.range_test(NET, workload.data(), SMITH_LR_MIN, SMITH_LR_MAX, steps, mode="linear",
                               stop_factor=None, batch_size=BATCH, seed=SEED)


@stored
def grid() -> search.Grid:
    """The search: one CHECK_EPOCHS-epoch run per rate of GRID, judged on validation loss."""
    return search.grid_search(NET, workload.data(), GRID, CHECK_EPOCHS, BATCH, SEED)


@stored
def trained(lr: float) -> Check:
    """A fixed rate trained like the grid's runs."""
    run = sgd.train(NET, workload.data(), lr, CHECK_EPOCHS, BATCH, SEED)
    accuracy = math.nan if run.diverged else float(run.epoch_val_accuracy[-1])
    return Check("", lr, run.final_val_loss, accuracy)


def _epoch_steps() -> int:
    return -(-len(workload.data().y_train) // BATCH)


def suggestions(test: RangeTest) -> dict[str, float]:
    return {rule: lr_range.suggest(test, rule) for rule in RULES}


@lru_cache(maxsize=None)
def verifications() -> tuple[Check, ...]:
    """Each rule's suggestion, the grid's best and Smith's two base rates, trained for real."""
    named = dict(suggestions(exponential()))
    named["best"] = grid().best_lr
    view = smith_view()
    named["smith-4"], named["smith-3"] = view.base_range
    return tuple(Check(name, lr, trained(lr).val_loss, trained(lr).val_accuracy) for name, lr in named.items())


def by_name() -> dict[str, Check]:
    return {c.name: c for c in verifications()}


@stored
def least_squares(steps: int = LS_STEPS, smoothing: float = lr_range.SMOOTHING) -> RangeTest:
    """The exponential test on the original line, full batch, from its random start."""
    s = scenarios.get(LS_SCENARIO)
    return lr_range.range_test_least_squares(s.split.x_train, s.split.y_train, s.start, LS_LR_MIN, LS_LR_MAX,
                                             steps, smoothing=smoothing, restore=False)


def ls_limit() -> float:
    """2/λ_max of the original line."""
    return stability.max_stable_lr(stability.design_matrix(scenarios.get(LS_SCENARIO).split.x_train))


def _ls_errors(test: RangeTest) -> np.ndarray:
    """|v · (θ_k − θ*)| along the flat and the steep eigenvector, before every step, replayed from the
    rates: each full-batch step is θ ← θ − η∇L(θ)."""
    s = scenarios.get(LS_SCENARIO)
    x, y = s.split.x_train, s.split.y_train
    _, vectors = stability.oriented_eigenvectors(x)
    theta, out = s.start.copy(), []
    for eta in test.lrs:
        out.append(np.abs((theta - s.solution) @ vectors))
        theta = theta - eta * model.gradient(theta, x, y)
    return np.array(out)


# ---------------------------------------------------------------- views


@lru_cache(maxsize=None)
def curve_view() -> CurveView:
    test = exponential()
    rules = suggestions(test)
    at = {rule: float(test.smoothed[lr_range.suggestion_index(test, rule)]) for rule in RULES}
    lrs, _, _ = lr_range.curve_for_rules(test)
    minimum_lr = float(test.lrs[lr_range.suggestion_index(test, "minimum")])
    # the smoothed curve read at a rate, between the tested rates on a log scale
    def height(lr: float) -> float:
        return float(np.interp(np.log(lr), np.log(test.lrs), test.smoothed))

    curve_at = {rule: height(lr) for rule, lr in rules.items()}
    return CurveView(test, rules, at, minimum_lr, height(minimum_lr), curve_at, grid().best_lr, float(lrs[0]),
                     float(lrs[-1]), _epoch_steps())


def check_view() -> CheckView:
    g = grid()
    return CheckView(g.lrs, g.val_loss, verifications(), CHECK_EPOCHS)


@lru_cache(maxsize=None)
def smith_view() -> SmithView:
    test = smith()
    peak = int(np.argmax(test.val_accuracy))
    max_lr = float(test.lrs[peak])
    low, high = (max_lr / d for d in SMITH_DIVISORS)
    return SmithView(test, max_lr, float(test.val_accuracy[peak]), (low, high), grid().best_lr, _epoch_steps())


@lru_cache(maxsize=None)
def least_squares_view() -> LeastSquaresView:
    test, limit = least_squares(), ls_limit()
    s = scenarios.get(LS_SCENARIO)
    cross = int(np.argmax(test.lrs > limit))
    return LeastSquaresView(test, limit, least_squares(smoothing=0.0), _ls_errors(test), s.solution_loss,
                            suggestions(test), cross)


def movie_view() -> MovieView:
    view = curve_view()
    ends = np.arange(1, view.test.steps + MOVIE_STRIDE, MOVIE_STRIDE).clip(max=view.test.steps)
    return MovieView(view, np.unique(ends))


# ---------------------------------------------------------------- facts


def facts() -> dict[str, Fact]:
    """The chapter's numbers: the tests' settings and stops, the suggestions and how they trained."""
    curve, smith_v, ls = curve_view(), smith_view(), least_squares_view()
    test, found = curve.test, by_name()
    spread = {rule: [lr_range.suggest(exponential(seed), rule) for seed in SPREAD_SEEDS] for rule in RULES}
    best = found["best"]
    limit = ls.limit
    lam_max = 2.0 / limit
    t = ls.test
    past = slice(ls.cross_step, t.steps)
    # every step past the limit multiplies the steep error by |1 − η_k λ_max| = η_k λ_max − 1 > 1
    growth = float(np.prod(np.abs(1.0 - t.lrs[past] * lam_max)))
    factor = (LS_LR_MAX / LS_LR_MIN) ** (1 / (LS_STEPS - 1))
    step_factor = (LR_MAX / LR_MIN) ** (1 / (STEPS - 1))
    # the moving average's weights (ω, fastai's beta) have mean age ω/(1 − ω) steps: the curve lags that far behind
    lag = lr_range.SMOOTHING / (1.0 - lr_range.SMOOTHING)
    g = grid()
    blown = g.lrs[~np.isfinite(g.val_loss)]
    near_peak = smith_v.test.lrs[smith_v.test.val_accuracy >= smith_v.peak_accuracy - SMITH_NEAR / 100]
    first_growth = float(abs(1.0 - t.lrs[ls.cross_step] * lam_max))
    floor = g.val_loss[(g.lrs >= best.lr / 3) & (g.lrs <= best.lr * 3)]
    steep_left = float(ls.errors[ls.cross_step, 1] / ls.errors[0, 1])
    return {
        "range_lr_min": Fact(LR_MIN, "g"),
        "range_lr_max": Fact(LR_MAX, "g"),
        "range_steps": Fact(STEPS, "d"),
        "range_step_factor": Fact(step_factor, ".3f"),
        "range_decades": Fact(math.log10(LR_MAX / LR_MIN), ".0f"),
        "range_run_steps": Fact(CHECK_EPOCHS * curve.epoch_steps, ",d"),
        # the search's own runs within a factor 3 of its best rate: how much one seed's floor varies
        "range_floor_lo": Fact(float(floor.min()), ".4f"),
        "range_floor_hi": Fact(float(floor.max()), ".4f"),
        "range_minimum_undivided_val_loss": Fact(trained(curve.minimum_lr).val_loss, ".3f"),
        "range_floor_gap": Fact(max(found[r].val_loss for r in ("steepest", "minimum")) - best.val_loss, ".3f"),
        "range_one_image_percent": Fact(100 / len(workload.data().y_val), ".2f"),
        "range_smith_near_ratio": Fact(float(near_peak.max() / near_peak.min()), ".1f"),
        "range_steps_per_decade": Fact((STEPS - 1) / math.log10(LR_MAX / LR_MIN), ".1f"),
        "range_lag_steps": Fact(lag, ".0f"),
        "range_lag_factor": Fact(step_factor**lag, ".2g"),
        "range_grid_first_blowup": Fact(float(blown[0]), ".3g"),
        "range_stop_over_blowup": Fact(test.stop_lr / float(blown[0]), ".2g"),
        "range_batch_accuracy_step": Fact(100 / BATCH, ".1f"),
        "range_val_points": Fact(len(workload.data().y_val), "d"),
        "range_smith_near": Fact(SMITH_NEAR, "d"),
        "range_smith_near_from": Fact(float(near_peak.min()), ".2g"),
        "range_smith_near_to": Fact(float(near_peak.max()), ".2g"),
        "range_smith_start_percent": Fact(100 * float(smith_v.test.val_accuracy[0]), ".0f"),
        "range_steps_taken": Fact(test.steps, "d"),
        "range_epochs_taken": Fact(test.steps / curve.epoch_steps, ".1f"),
        "range_epoch_steps": Fact(curve.epoch_steps, "d"),
        "range_stop_lr": Fact(test.stop_lr, ".3g"),
        "range_stop_factor": Fact(lr_range.STOP_FACTOR, "g"),
        "range_stop_factor_torch": Fact(TORCH_LR_FINDER_STOP_FACTOR, "g"),
        "range_smoothing": Fact(lr_range.SMOOTHING, "g"),
        "range_best_smoothed": Fact(test.best_loss, ".3f"),
        "range_start_loss": Fact(float(test.losses[0]), ".3f"),
        "range_rules_from": Fact(curve.rules_from, ".2g"),
        "range_rules_to": Fact(curve.rules_to, ".3g"),
        "range_skip_start": Fact(STEPS // lr_range.SKIP_START_FRACTION, "d"),
        # the steps the rules skip, as a share of those planned
        "range_skip_start_percent": Fact(100 * (STEPS // lr_range.SKIP_START_FRACTION) / STEPS, ".0f"),
        "range_skip_end": Fact(lr_range.SKIP_END, "d"),
        "range_minimum_at": Fact(curve.minimum_lr, ".3g"),
        "range_check_epochs": Fact(CHECK_EPOCHS, "d"),
        "range_grid_points": Fact(len(GRID), "d"),
        "range_grid_lo": Fact(float(GRID[0]), "g"),
        "range_grid_hi": Fact(float(GRID[-1]), "g"),
        "range_grid_factor": Fact(float(GRID[1] / GRID[0]), ".3f"),
        "range_grid_runs_steps": Fact(grid().steps, ",d"),
        "range_best_lr": Fact(best.lr, ".3g"),
        "range_best_val_loss": Fact(best.val_loss, ".4f"),
        "range_best_val_percent": Fact(100 * best.val_accuracy, ".1f"),
        "range_spread_seeds": Fact(len(SPREAD_SEEDS), "d"),
        "range_smith_lr_min": Fact(SMITH_LR_MIN, "g"),
        "range_smith_lr_max": Fact(SMITH_LR_MAX, "g"),
        "range_smith_epochs": Fact(SMITH_EPOCHS, "d"),
        "range_smith_steps": Fact(smith_v.test.steps, "d"),
        "range_smith_max_lr": Fact(smith_v.max_lr, ".3g"),
        "range_smith_peak_percent": Fact(100 * smith_v.peak_accuracy, ".1f"),
        "range_smith_end_percent": Fact(100 * float(smith_v.test.val_accuracy[-1]), ".1f"),
        "range_smith_base_lo": Fact(smith_v.base_range[0], ".3g"),
        "range_smith_base_hi": Fact(smith_v.base_range[1], ".3g"),
        "range_smith_4_val_loss": Fact(found["smith-4"].val_loss, ".4f"),
        "range_smith_3_val_loss": Fact(found["smith-3"].val_loss, ".4f"),
        "range_smith_4_val_percent": Fact(100 * found["smith-4"].val_accuracy, ".1f"),
        "range_smith_3_val_percent": Fact(100 * found["smith-3"].val_accuracy, ".1f"),
        # the least-squares line
        "range_ls_limit": Fact(limit, ".4g"),
        "range_ls_lr_min": Fact(LS_LR_MIN, "g"),
        "range_ls_lr_max": Fact(LS_LR_MAX, "g"),
        "range_ls_steps": Fact(LS_STEPS, "d"),
        "range_ls_step_factor": Fact(factor, ".4f"),
        "range_ls_first_growth": Fact(first_growth, ".3f"),
        # at that first rate past the limit, held fixed: steps to grow the steep error as much as the test did
        "range_ls_fixed_steps": Fact(math.log(growth) / math.log(first_growth), ",.0f"),
        "range_ls_cross_step": Fact(ls.cross_step + 1, "d"),
        "range_ls_stop_step": Fact(t.steps, "d"),
        "range_ls_steps_past": Fact(t.steps - ls.cross_step, "d"),
        "range_ls_stop_lr": Fact(t.stop_lr, ".3g"),
        "range_ls_overshoot": Fact(t.stop_lr / limit, ".2f"),
        "range_ls_raw_stop_lr": Fact(ls.raw_test.stop_lr, ".3g"),
        "range_ls_raw_overshoot": Fact(ls.raw_test.stop_lr / limit, ".2f"),
        "range_ls_steep_at_cross": Fact(steep_left, ".1e"),
        # the same numbers as powers of ten, for the prose
        "range_ls_steep_at_cross_exp": Fact(math.log10(steep_left), ".0f"),
        "range_ls_growth": Fact(growth, ".2g"),
        "range_ls_growth_exp": Fact(math.log10(growth), ".0f"),
        # what the closed form leaves of the steep error at the crossing: ∏ |1 − η_k λ_max| before it
        "range_ls_steep_closed_form_exp": Fact(math.log10(np.prod(np.abs(1.0 - t.lrs[: ls.cross_step] * lam_max))),
                                               ".0f"),
        "range_ls_best_smoothed": Fact(t.best_loss, ".3g"),
        "range_ls_best_raw": Fact(float(t.losses.min()), ".3g"),
        "range_ls_floor": Fact(ls.floor, ".3g"),
        "range_ls_start_loss": Fact(float(t.losses[0]), ".3g"),
        "range_steepest_lr": Fact(curve.suggestions["steepest"], ".3g"),
        "range_steepest_val_loss": Fact(found["steepest"].val_loss, ".4f"),
        "range_steepest_val_percent": Fact(100 * found["steepest"].val_accuracy, ".1f"),
        "range_steepest_below_best": Fact(best.lr / curve.suggestions["steepest"], ".2g"),
        "range_steepest_spread_lo": Fact(min(spread["steepest"]), ".2g"),
        "range_steepest_spread_hi": Fact(max(spread["steepest"]), ".2g"),
        "range_ls_steepest_share": Fact(ls.suggestions["steepest"] / limit, ".2g"),
        "range_minimum_lr": Fact(curve.suggestions["minimum"], ".3g"),
        "range_minimum_val_loss": Fact(found["minimum"].val_loss, ".4f"),
        "range_minimum_val_percent": Fact(100 * found["minimum"].val_accuracy, ".1f"),
        "range_minimum_below_best": Fact(best.lr / curve.suggestions["minimum"], ".2g"),
        "range_minimum_spread_lo": Fact(min(spread["minimum"]), ".2g"),
        "range_minimum_spread_hi": Fact(max(spread["minimum"]), ".2g"),
        "range_ls_minimum_share": Fact(ls.suggestions["minimum"] / limit, ".2g"),
        "range_valley_lr": Fact(curve.suggestions["valley"], ".3g"),
        "range_valley_val_loss": Fact(found["valley"].val_loss, ".4f"),
        "range_valley_val_percent": Fact(100 * found["valley"].val_accuracy, ".1f"),
        "range_valley_below_best": Fact(best.lr / curve.suggestions["valley"], ".2g"),
        "range_valley_spread_lo": Fact(min(spread["valley"]), ".2g"),
        "range_valley_spread_hi": Fact(max(spread["valley"]), ".2g"),
        "range_ls_valley_share": Fact(ls.suggestions["valley"] / limit, ".2g"),
        # the exercise: the same least-squares test with fewer and with more steps
        "range_minimum_divisor": Fact(lr_range.MINIMUM_DIVISOR, "g"),
        "range_ls_fewer_steps": Fact(LS_FEWER_STEPS, "d"),
        "range_ls_more_steps": Fact(LS_MORE_STEPS, "d"),
        "range_ls_overshoot_fewer": Fact(least_squares(LS_FEWER_STEPS).stop_lr / limit, ".2f"),
        "range_ls_overshoot_more": Fact(least_squares(LS_MORE_STEPS).stop_lr / limit, ".2f"),
    }


# ---------------------------------------------------------------- figures

ASSETS = (
    Asset(
        "range-test-running",
        ANIMATION,
        data=movie_view,
        draw="running",
    ),
    Asset(
        "range-test-curve",
        STILL,
        data=curve_view,
        draw="curve",
    ),
    Asset(
        "range-test-check",
        STILL,
        data=check_view,
        draw="check",
    ),
    Asset(
        "range-test-smith",
        STILL,
        data=smith_view,
        draw="smith",
    ),
    Asset(
        "range-test-least-squares",
        STILL,
        data=least_squares_view,
        draw="least_squares",
    ),
)
