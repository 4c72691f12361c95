"""Chapter "The learning-rate range test" (docs/range-test.md): one run with a rising rate instead
of a search, the libraries' exponential version and Smith's linear one on the digits network, the
suggestion rules checked by real training on the paired seeds against the practice part's reference
rate, and, on the least-squares line, why the blow-up point lies beyond the exact limit 2/λ_max.

Every range test goes through ``gdsim.lr_range``; every fixed-rate training is ``gdsim.reference.run``
(the practice part's 20-epoch run), so a rule's suggestion and the reference rate are judged by the
same training on the same seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import lr_range, model, network, paired, reference, scenarios, schedules, sgd, stability, workload
from gdsim.assets import ANIMATION, STILL, Asset
from gdsim.facts import Fact
from gdsim.lr_range import RULES, RangeTest
from gdsim.stored import stored

NET = workload.MLP
SEED = workload.SEED  # the seed whose single runs illustrate the curves
SEEDS = paired.SEEDS  # every comparison runs on these
BATCH = workload.BATCH_SIZE
# The libraries' version: η from 10⁻⁴ to 100, a constant factor per step, for at most this many steps
# (on fastai's default range the smoothed loss never reaches the stop, so the range is raised).
LR_MIN, LR_MAX, STEPS = 1e-4, 100.0, 200
# fastai's lr_find(start_lr, end_lr, num_it) defaults. Its schedule sets η at the position
# train_iter/num_it with train_iter = 0 … num_it − 1, so its last step is short of end_lr:
# η_last = start·(end/start)^((num_it − 1)/num_it).
FASTAI_START, FASTAI_END, FASTAI_STEPS = 1e-7, 10.0, 100
FASTAI_LAST = FASTAI_START * (FASTAI_END / FASTAI_START) ** ((FASTAI_STEPS - 1) / FASTAI_STEPS)
# Two other ranges, to see how the suggestions move with the range: fastai's default (its rates, as
# rates(FASTAI_START, FASTAI_LAST, FASTAI_STEPS) gives them), and one that starts two decades higher.
FASTAI_RANGE = (FASTAI_START, FASTAI_LAST, FASTAI_STEPS)
HIGH_RANGE = (1e-2, 100.0, 200)
RANGES = ((LR_MIN, LR_MAX, STEPS), FASTAI_RANGE, HIGH_RANGE)
# Smith's version: η rising linearly over a few epochs, no early stop, validation accuracy after every step.
SMITH_LR_MIN, SMITH_LR_MAX, SMITH_EPOCHS = 0.01, 10.0, 4
SMITH_DIVISORS = (4.0, 3.0)  # base_lr = max_lr/4 … max_lr/3
SMITH_NEAR = 2  # percentage points below the peak accuracy that still count as "at the top"
SMITH_FIRST_STEPS = 3  # the first steps of Smith's test, where its accuracy already rises
ONSET_POINTS = 5  # "the accuracy starts to rise": this many percentage points above the untrained network's
# torch-lr-finder's defaults (LRFinder.range_test and plot): end_lr, num_iter, smooth_f (its average
# keeps 1 − smooth_f of the old value, so ω = 0.95), diverge_th, and plot's skip_start.
TORCH_END, TORCH_STEPS, TORCH_SMOOTH_F, TORCH_LR_FINDER_STOP_FACTOR, TORCH_SKIP_START = 10.0, 100, 0.05, 5.0, 10
# The smoothing weights whose stops the chapter compares: none, torch-lr-finder's and fastai's.
STOP_SMOOTHINGS = (0.0, 1.0 - TORCH_SMOOTH_F, lr_range.SMOOTHING)
# The check: fixed-rate training for the reference rate's horizon, on the paired seeds.
CHECK_EPOCHS = reference.EPOCHS
# The least-squares line (the site's original problem), full batch: η from 10⁻³ to 10 for at most
# LS_STEPS steps (the exercise also runs LS_FEWER_STEPS and LS_MORE_STEPS).
LS_SCENARIO = "original"
LS_LR_MIN, LS_LR_MAX, LS_STEPS = 1e-3, 10.0, 200
LS_FEWER_STEPS, LS_MORE_STEPS = 100, 400
LS_RULES = ("steepest", "minimum", "valley")  # the rules the least-squares figure marks
# The animation: one frame per this many steps of the exponential test.
MOVIE_STRIDE = 5
# The alt text quotes the smoothed curve's level up to this rate, where it is still flat.
FLAT_TO = 0.01
# Where the batches' own losses bottom out: the lowest running median over this many batches.
BOTTOM_WINDOW = 9


@dataclass(frozen=True)
class Contender:
    """One way of choosing a rate, run on every seed: its rate and final validation loss per seed."""

    name: str  # a rule, "smith-4", "smith-3" (max_lr/4, max_lr/3) or "smith-decay" (from max_lr, cosine)
    lrs: np.ndarray  # (seeds,) the rate it chose (the starting rate for "smith-decay")
    val_loss: np.ndarray  # (seeds,) after CHECK_EPOCHS epochs, inf where the run blew up

    @property
    def spread(self) -> paired.Spread:
        return paired.spread(self.val_loss)

    @property
    def survivors(self) -> paired.Spread:
        """The seeds on which it did not blow up (all of them for most contenders)."""
        return paired.spread(self.val_loss[np.isfinite(self.val_loss)])


@dataclass(frozen=True)
class CurveView:
    """The exponential test on the digits network (seed 0), its suggestions and the reference rate."""

    test: RangeTest
    suggestions: dict[str, float]
    suggestion_losses: dict[str, float]  # the smoothed loss at the point each rule read
    minimum_lr: float  # where the smoothed loss is lowest (the "minimum" rule divides it by lr_range.MINIMUM_DIVISOR)
    minimum_loss: float  # the smoothed loss there
    curve_at: dict[str, float]  # the smoothed curve's height at each suggested rate, where its marker sits
    reference_lr: float
    rules_from: float  # the rules see the curve from this rate …
    rules_to: float  # … to this one (fastai's trim)
    valley_span: tuple[float, float]  # the stretch the valley rule reads, as rates
    epoch_steps: int


@dataclass(frozen=True)
class CheckView:
    """The reference curve over the seeds and each rule's suggestion trained on each seed."""

    lrs: np.ndarray  # the reference grid
    val_loss: np.ndarray  # (seeds, rates), inf where a run blew up
    reference_lr: float
    rules: tuple[Contender, ...]
    epochs: int

    @property
    def stable(self) -> np.ndarray:
        """The grid's rates that blew up on no seed (where the band is drawn)."""
        return np.all(np.isfinite(self.val_loss), axis=0)

    @property
    def blown(self) -> np.ndarray:
        """On how many seeds each rate of the grid blew up."""
        return np.count_nonzero(~np.isfinite(self.val_loss), axis=0)

    @property
    def mean(self) -> np.ndarray:
        return np.array([s.mean for s in paired.spreads(self.val_loss)])

    @property
    def reference_mean(self) -> float:
        """The reference rate's mean validation loss over the seeds (where its star is drawn)."""
        return float(self.mean[np.flatnonzero(self.lrs == self.reference_lr)[0]])

    @property
    def sd(self) -> np.ndarray:
        return np.array([s.sd for s in paired.spreads(self.val_loss)])


@dataclass(frozen=True)
class SmithView:
    """Smith's linear test (seed 0): validation accuracy after every step against η."""

    test: RangeTest
    max_lr: float  # η at the highest validation accuracy
    peak_accuracy: float
    base_range: tuple[float, float]  # max_lr/4, max_lr/3
    reference_lr: float
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
def exponential(seed: int = SEED, smoothing: float = lr_range.SMOOTHING, lr_min: float = LR_MIN,
                lr_max: float = LR_MAX, steps: int = STEPS) -> RangeTest:
    """The libraries' version on the digits network."""
    return lr_range.range_test(NET, workload.data(), lr_min, lr_max, steps, smoothing=smoothing, batch_size=BATCH,
                               seed=seed)


@stored
def smith(seed: int = SEED) -> RangeTest:
    """Smith's version: η rising linearly over SMITH_EPOCHS epochs, never stopped early."""
    steps = SMITH_EPOCHS * _epoch_steps()
    return lr_range.range_test(NET, workload.data(), SMITH_LR_MIN, SMITH_LR_MAX, steps, mode="linear",
                               stop_factor=None, batch_size=BATCH, seed=seed)


def smith_max_lr(seed: int) -> float:
    """max_lr read off Smith's test as the rate of its highest validation accuracy."""
    test = smith(seed)
    return float(test.lrs[int(np.argmax(test.val_accuracy))])


@stored
def smith_decay(seed: int) -> sgd.Training:
    """Smith's max_lr as the starting rate, then a cosine decay to zero over the CHECK_EPOCHS epochs."""
    total = CHECK_EPOCHS * _epoch_steps()
    decay = schedules.schedule("cosine", lr0=smith_max_lr(seed), total=total)
    return sgd.train(NET, workload.data(), decay, CHECK_EPOCHS, BATCH, seed)


def trained(lr: float, seed: int = SEED) -> sgd.Training:
    """A fixed rate trained like the reference grid's runs (the practice part's stored run)."""
    return reference.run(float(lr), seed)


def _epoch_steps() -> int:
    return -(-len(workload.data().y_train) // BATCH)


def suggestions(test: RangeTest, rules: tuple[str, ...] = RULES) -> dict[str, float]:
    return {rule: lr_range.suggest(test, rule) for rule in rules}


def reference_losses() -> np.ndarray:
    """The reference rate's final validation loss on each seed."""
    curve = reference.curve()
    return curve.val_loss[:, curve.best]


@lru_cache(maxsize=None)
def contenders() -> dict[str, Contender]:
    """Each rule read off each seed's own range test, and Smith's three uses of each seed's max_lr,
    trained on that seed."""
    out = {}
    for rule in RULES:
        lrs = np.array([lr_range.suggest(exponential(s), rule) for s in SEEDS])
        out[rule] = Contender(rule, lrs, np.array([trained(lr, s).final_val_loss for lr, s in zip(lrs, SEEDS)]))
    max_lrs = np.array([smith_max_lr(s) for s in SEEDS])
    for divisor in SMITH_DIVISORS:
        lrs = max_lrs / divisor
        name = f"smith-{divisor:g}"
        out[name] = Contender(name, lrs, np.array([trained(lr, s).final_val_loss for lr, s in zip(lrs, SEEDS)]))
    out["smith-decay"] = Contender("smith-decay", max_lrs, np.array([smith_decay(s).final_val_loss for s in SEEDS]))
    return out


def range_suggestions(lr_min: float, lr_max: float, steps: int) -> dict[str, np.ndarray]:
    """Each rule's suggestion on each seed for a test over another range."""
    tests = [exponential(s, lr_range.SMOOTHING, lr_min, lr_max, steps) for s in SEEDS]
    return {rule: np.array([lr_range.suggest(t, rule) for t in tests]) for rule in RULES}


def batch_bottom(test: RangeTest) -> float:
    """The rate where the batches' own losses bottom out: the middle one of the BOTTOM_WINDOW
    consecutive batches whose median loss is lowest (a median, so one lucky batch cannot decide it)."""
    w = BOTTOM_WINDOW
    medians = np.array([np.median(test.losses[i:i + w]) for i in range(test.steps - w + 1)])
    return float(test.lrs[int(np.argmin(medians)) + w // 2])


def final_accuracy(lrs: np.ndarray) -> np.ndarray:
    """The validation accuracy after CHECK_EPOCHS epochs at each seed's fixed rate (one rate per seed)."""
    return np.array([trained(lr, s).epoch_val_accuracy[-1] for lr, s in zip(lrs, SEEDS)])


def onset_lr(test: RangeTest, initial_accuracy: float) -> float:
    """The rate of the first step after which the validation accuracy is ONSET_POINTS points above
    the untrained network's: where "the accuracy starts to rise" reads on this test."""
    above = np.flatnonzero(test.val_accuracy >= initial_accuracy + ONSET_POINTS / 100)
    return float(test.lrs[above[0]])


def initial_accuracy(seed: int = SEED) -> float:
    """The validation accuracy of the untrained network."""
    data = workload.data()
    return network.accuracy(NET, network.initial(NET, seed), data.x_val, data.y_val)


def stops(smoothing: float) -> np.ndarray:
    """Where the exponential test stops on each seed with this smoothing weight ω."""
    return np.array([exponential(s, smoothing).stop_lr for s in SEEDS])


def first_blown_per_seed() -> np.ndarray:
    """For each seed, the smallest rate of the reference grid whose fixed-rate run blew up."""
    curve = reference.curve()
    return np.array([curve.lrs[np.flatnonzero(row)[0]] for row in curve.diverged])


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
    start, end = lr_range.valley_span(test)
    return CurveView(test, rules, at, minimum_lr, height(minimum_lr), curve_at, reference.rate(), float(lrs[0]),
                     float(lrs[-1]), (float(test.lrs[start]), float(test.lrs[end])), _epoch_steps())


def check_view() -> CheckView:
    curve = reference.curve()
    found = contenders()
    return CheckView(curve.lrs, curve.val_loss, curve.rate, tuple(found[r] for r in RULES), CHECK_EPOCHS)


@lru_cache(maxsize=None)
def smith_view() -> SmithView:
    test = smith()
    peak = int(np.argmax(test.val_accuracy))
    max_lr = float(test.lrs[peak])
    low, high = (max_lr / d for d in SMITH_DIVISORS)
    return SmithView(test, max_lr, float(test.val_accuracy[peak]), (low, high), reference.rate(), _epoch_steps())


@lru_cache(maxsize=None)
def least_squares_view() -> LeastSquaresView:
    test, limit = least_squares(), ls_limit()
    s = scenarios.get(LS_SCENARIO)
    cross = int(np.argmax(test.lrs > limit))
    return LeastSquaresView(test, limit, least_squares(smoothing=0.0), _ls_errors(test), s.solution_loss,
                            suggestions(test, LS_RULES), cross)


def movie_view() -> MovieView:
    view = curve_view()
    ends = np.arange(1, view.test.steps + MOVIE_STRIDE, MOVIE_STRIDE).clip(max=view.test.steps)
    return MovieView(view, np.unique(ends))


# ---------------------------------------------------------------- facts


def facts() -> dict[str, Fact]:
    """The chapter's numbers: the tests' settings and stops, the suggestions and how they trained."""
    return {**_test_facts(), **_library_facts(), **_paired_facts(), **_range_facts(), **_smith_facts(),
            **_least_squares_facts()}


def _test_facts() -> dict[str, Fact]:
    """The exponential test on seed 0: its settings, its stop and why the stop overshoots."""
    curve = curve_view()
    test = curve.test
    step_factor = (LR_MAX / LR_MIN) ** (1 / (STEPS - 1))
    minimum_step = lr_range.suggestion_index(test, "minimum")
    # the bias-corrected average at step k: mean age ω/(1 − ω) − (k + 1)ω^{k+1}/(1 − ω^{k+1}) steps
    lag = lr_range.smoothing_lag(minimum_step)
    raw, torch_like, fastai_like = (stops(w) for w in STOP_SMOOTHINGS)
    blown = first_blown_per_seed()
    flat = test.smoothed[test.lrs <= FLAT_TO]
    start, end = lr_range.valley_span(test)
    length = end - start
    # the unsmoothed stop on seed 0: the batch that triggered it, the lowest batch before it, and the
    # next batch (the same batches as the smoothed test's, which ran on)
    trigger = exponential(SEED, 0.0)
    # where the batches bottom out on each seed, and how far the smoothed minimum lies to its right
    bottoms = np.array([batch_bottom(exponential(s)) for s in SEEDS])
    minimum_at = np.array([float(exponential(s).lrs[lr_range.suggestion_index(exponential(s), "minimum")])
                           for s in SEEDS])
    return {
        "range_lr_min": Fact(LR_MIN, "g"),
        "range_lr_max": Fact(LR_MAX, "g"),
        "range_steps": Fact(STEPS, "d"),
        "range_step_factor": Fact(step_factor, ".3f"),
        "range_decades": Fact(math.log10(LR_MAX / LR_MIN), ".0f"),
        "range_run_steps": Fact(CHECK_EPOCHS * curve.epoch_steps, ",d"),
        "range_steps_per_decade": Fact((STEPS - 1) / math.log10(LR_MAX / LR_MIN), ".1f"),
        "range_steps_taken": Fact(test.steps, "d"),
        "range_epochs_taken": Fact(test.steps / curve.epoch_steps, ".1f"),
        "range_epoch_steps": Fact(curve.epoch_steps, "d"),
        "range_stop_lr": Fact(test.stop_lr, ".3g"),
        "range_stop_factor": Fact(lr_range.STOP_FACTOR, "g"),
        "range_smoothing": Fact(lr_range.SMOOTHING, "g"),
        "range_best_smoothed": Fact(test.best_loss, ".3f"),
        "range_start_loss": Fact(float(test.losses[0]), ".3f"),
        # the smoothed curve's flat start, up to η = FLAT_TO: the level the animation shows
        "range_flat_to": Fact(FLAT_TO, "g"),
        "range_flat_lo": Fact(float(flat.min()), ".2f"),
        "range_flat_hi": Fact(float(flat.max()), ".2f"),
        "range_rules_from": Fact(curve.rules_from, ".2g"),
        "range_rules_to": Fact(curve.rules_to, ".3g"),
        "range_skip_start": Fact(STEPS // lr_range.SKIP_START_FRACTION, "d"),
        # the steps the rules skip, as a share of those planned
        "range_skip_start_percent": Fact(100 * (STEPS // lr_range.SKIP_START_FRACTION) / STEPS, ".0f"),
        "range_skip_end": Fact(lr_range.SKIP_END, "d"),
        "range_minimum_at": Fact(curve.minimum_lr, ".3g"),
        "range_minimum_step": Fact(minimum_step + 1, "d"),
        "range_minimum_divisor": Fact(lr_range.MINIMUM_DIVISOR, "g"),
        # the valley rule's stretch on seed 0: from m points before the end of the longest decrease to its end
        "range_valley_length": Fact(length, "d"),
        "range_valley_from": Fact(curve.valley_span[0], ".2g"),
        "range_valley_to": Fact(curve.valley_span[1], ".3g"),
        "range_valley_share": Fact(100 * (lr_range.suggestion_index(test, "valley") - start) / length, ".0f"),
        # fastai's docs: "roughly 2/3 through the longest valley"; what that would read on the same stretch
        "range_valley_two_thirds_lr": Fact(float(test.lrs[start + round(2 * length / 3)]), ".2g"),
        # the lag: the limit ω/(1 − ω), and the bias-corrected mean age where the smoothed loss is lowest
        "range_lag_limit": Fact(lr_range.SMOOTHING / (1 - lr_range.SMOOTHING), ".0f"),
        "range_lag_steps": Fact(lag, ".0f"),
        "range_lag_factor": Fact(step_factor**lag, ".3g"),
        # where the test stops without smoothing, with torch-lr-finder's ω and with fastai's, seed 0 and range
        "range_raw_stop_lr": Fact(float(raw[0]), ".3g"),
        "range_raw_stop_lo": Fact(float(raw.min()), ".3g"),
        "range_raw_stop_hi": Fact(float(raw.max()), ".3g"),
        "range_torch_omega_stop_lr": Fact(float(torch_like[0]), ".3g"),
        "range_torch_omega_stop_lo": Fact(float(torch_like.min()), ".3g"),
        "range_torch_omega_stop_hi": Fact(float(torch_like.max()), ".3g"),
        "range_stop_lo": Fact(float(fastai_like.min()), ".3g"),
        "range_stop_hi": Fact(float(fastai_like.max()), ".3g"),
        # the smallest rate of the reference grid that blew up in fixed-rate training, on seed 0 and on any seed
        "range_blowup_lr": Fact(float(blown[0]), ".3g"),
        "range_blowup_any_lr": Fact(float(blown.min()), ".3g"),
        # on how many seeds the unsmoothed stop lies below that seed's smallest blown rate, and fastai's above it
        "range_raw_below_blowup": Fact(int(np.count_nonzero(raw < blown)), "d"),
        "range_smoothed_above_blowup": Fact(int(np.count_nonzero(fastai_like > blown)), "d"),
        "range_seeds": Fact(len(SEEDS), "d"),
        "range_raw_trigger_loss": Fact(float(trigger.losses[-1]), ".3f"),
        "range_raw_best_batch": Fact(float(trigger.losses[:-1].min()), ".3f"),
        "range_raw_next_loss": Fact(float(test.losses[trigger.steps]), ".3f"),
        "range_bottom_window": Fact(BOTTOM_WINDOW, "d"),
        "range_batch_bottom_lr": Fact(float(bottoms[0]), ".3g"),
        "range_batch_bottom_lo": Fact(float(bottoms.min()), ".3g"),
        "range_batch_bottom_hi": Fact(float(bottoms.max()), ".3g"),
        # the smoothed curve's minimum over the batches' bottom, per seed: the lag the minimum rule carries
        "range_bottom_ratio_lo": Fact(float((minimum_at / bottoms).min()), ".2g"),
        "range_bottom_ratio_hi": Fact(float((minimum_at / bottoms).max()), ".2g"),
    }


def _library_facts() -> dict[str, Fact]:
    """The libraries' defaults the chapter's table quotes (fastai's lr_find, torch-lr-finder)."""
    return {
        "range_fastai_start": Fact(FASTAI_START, "g"),
        "range_fastai_start_exp": Fact(math.log10(FASTAI_START), ".0f"),
        "range_fastai_end": Fact(FASTAI_END, "g"),
        "range_fastai_steps": Fact(FASTAI_STEPS, "d"),
        # fastai's last step, at the position (num_it − 1)/num_it, and its steps per decade, num_it/log10(end/start)
        "range_fastai_last_lr": Fact(FASTAI_LAST, ".2g"),
        "range_fastai_steps_per_decade": Fact(FASTAI_STEPS / math.log10(FASTAI_END / FASTAI_START), ".1f"),
        "range_fastai_skip_start": Fact(FASTAI_STEPS // lr_range.SKIP_START_FRACTION, "d"),
        "range_torch_end": Fact(TORCH_END, "g"),
        "range_torch_steps": Fact(TORCH_STEPS, "d"),
        "range_torch_smooth_f": Fact(TORCH_SMOOTH_F, "g"),
        "range_torch_omega": Fact(1 - TORCH_SMOOTH_F, "g"),
        "range_torch_skip_start": Fact(TORCH_SKIP_START, "d"),
        "range_stop_factor_torch": Fact(TORCH_LR_FINDER_STOP_FACTOR, "g"),
        "range_slide_distance": Fact(lr_range.SLIDE_DISTANCE, "d"),
        "range_slide_threshold": Fact(lr_range.SLIDE_THRESHOLD, "g"),
    }


def _paired_facts() -> dict[str, Fact]:
    """Each rule and Smith's rates against the reference rate, trained on the paired seeds."""
    found, ref = contenders(), paired.spread(reference_losses())
    curve = reference.curve()
    floor = curve.floor(ref.sd)
    valley = found["valley"].lrs
    minimum_at = [float(exponential(s).lrs[lr_range.suggestion_index(exponential(s), "minimum")]) for s in SEEDS]
    undivided = paired.spread([trained(lr, s).final_val_loss for lr, s in zip(minimum_at, SEEDS)])

    def wins(name: str) -> int:
        return paired.wins(found[name].val_loss, reference_losses())

    def difference(name: str) -> paired.Spread:
        """A rule's loss minus the reference rate's, seed by seed."""
        return paired.difference(found[name].val_loss, reference_losses())

    # the final validation accuracies of the reference rate and of valley, seed by seed
    ref_acc = final_accuracy(np.full(len(SEEDS), curve.rate))
    valley_acc = final_accuracy(valley)
    decayed = np.isfinite(found["smith-decay"].val_loss)

    return {
        "range_check_epochs": Fact(CHECK_EPOCHS, "d"),
        "range_ref_lr": Fact(curve.rate, ".3g"),
        "range_ref_val_mean": Fact(ref.mean, ".4f"),
        "range_ref_val_sd": Fact(ref.sd, ".4f"),
        "range_grid_points": Fact(len(curve.lrs), "d"),
        "range_grid_lo": Fact(float(curve.lrs[0]), "g"),
        "range_grid_hi": Fact(float(curve.lrs[-1]), "g"),
        # the steps of the reference grid's runs on one seed (a run that blew up stopped early)
        "range_grid_runs_steps": Fact(sum(trained(lr, SEED).steps for lr in curve.lrs), ",d"),
        # the reference curve's floor: rates whose mean loss is within one sd (the reference's) of the lowest mean
        "range_floor_lo": Fact(float(floor.min()), ".3g"),
        "range_floor_hi": Fact(float(floor.max()), ".3g"),
        "range_one_image_percent": Fact(100 / len(workload.data().y_val), ".2f"),
        "range_val_points": Fact(len(workload.data().y_val), "d"),
        "range_steepest_lr": Fact(float(found["steepest"].lrs[0]), ".3g"),
        "range_steepest_lr_lo": Fact(float(found["steepest"].lrs.min()), ".3g"),
        "range_steepest_lr_hi": Fact(float(found["steepest"].lrs.max()), ".3g"),
        "range_steepest_val_mean": Fact(found["steepest"].spread.mean, ".4f"),
        "range_steepest_val_sd": Fact(found["steepest"].spread.sd, ".4f"),
        "range_steepest_wins": Fact(wins("steepest"), "d"),
        # steepest's and minimum's losses minus the reference rate's, paired by seed: mean and sd
        "range_steepest_diff_mean": Fact(difference("steepest").mean, "+.4f"),
        "range_steepest_diff_sd": Fact(difference("steepest").sd, ".4f"),
        "range_minimum_diff_mean": Fact(difference("minimum").mean, "+.4f"),
        "range_minimum_diff_sd": Fact(difference("minimum").sd, ".4f"),
        # accuracy is a blunter judge: valley against the reference rate, in % and in validation images
        "range_ref_acc_mean": Fact(100 * float(ref_acc.mean()), ".1f"),
        "range_valley_acc_mean": Fact(100 * float(valley_acc.mean()), ".1f"),
        "range_valley_acc_images": Fact(float((ref_acc - valley_acc).mean()) * len(workload.data().y_val), ".1f"),
        "range_valley_acc_wins": Fact(int(np.count_nonzero(valley_acc > ref_acc)), "d"),
        "range_minimum_lr": Fact(float(found["minimum"].lrs[0]), ".3g"),
        "range_minimum_lr_lo": Fact(float(found["minimum"].lrs.min()), ".2g"),
        "range_minimum_lr_hi": Fact(float(found["minimum"].lrs.max()), ".2g"),
        "range_minimum_val_mean": Fact(found["minimum"].spread.mean, ".4f"),
        "range_minimum_val_sd": Fact(found["minimum"].spread.sd, ".4f"),
        "range_minimum_wins": Fact(wins("minimum"), "d"),
        "range_valley_lr": Fact(float(valley[0]), ".3g"),
        "range_valley_lr_lo": Fact(float(valley.min()), ".2g"),
        "range_valley_lr_hi": Fact(float(valley.max()), ".2g"),
        "range_valley_val_mean": Fact(found["valley"].spread.mean, ".4f"),
        "range_valley_val_sd": Fact(found["valley"].spread.sd, ".4f"),
        "range_valley_wins": Fact(wins("valley"), "d"),
        # how far below the reference rate valley lands: the reference over the geometric mean of its suggestions
        "range_valley_below_ref": Fact(curve.rate / float(np.exp(np.mean(np.log(valley)))), ".2g"),
        "range_slide_lr": Fact(float(found["slide"].lrs[0]), ".3g"),
        "range_slide_lr_lo": Fact(float(found["slide"].lrs.min()), ".2g"),
        "range_slide_lr_hi": Fact(float(found["slide"].lrs.max()), ".2g"),
        "range_slide_blown": Fact(found["slide"].spread.blown, "d"),
        # the seeds on which slide's rate did not blow up: how many, and their mean ± sd
        "range_slide_survived": Fact(len(found["slide"].survivors.values), "d"),
        "range_slide_val_mean": Fact(found["slide"].survivors.mean, ".4f"),
        "range_slide_val_sd": Fact(found["slide"].survivors.sd, ".4f"),
        "range_slide_wins": Fact(wins("slide"), "d"),
        # the rates slide suggested on the seeds where they did not blow up
        "range_slide_ok_lo": Fact(float(found["slide"].lrs[np.isfinite(found["slide"].val_loss)].min()), ".2g"),
        "range_slide_ok_hi": Fact(float(found["slide"].lrs[np.isfinite(found["slide"].val_loss)].max()), ".2g"),
        "range_ref_largest_stable": Fact(curve.largest_stable, ".3g"),
        # the minimum rule without its division, trained on each seed
        "range_minimum_undivided_blown": Fact(undivided.blown, "d"),
        "range_minimum_undivided_val_mean": Fact(float(np.mean(undivided.values[np.isfinite(undivided.values)])),
                                                 ".3f"),
        "range_minimum_undivided_val_sd": Fact(float(np.std(undivided.values[np.isfinite(undivided.values)], ddof=1)),
                                               ".3f"),
        "range_minimum_undivided_trained": Fact(len(SEEDS) - undivided.blown, "d"),
        "range_smith_4_lr_lo": Fact(float(found["smith-4"].lrs.min()), ".2g"),
        "range_smith_4_lr_hi": Fact(float(found["smith-4"].lrs.max()), ".2g"),
        "range_smith_3_lr_lo": Fact(float(found["smith-3"].lrs.min()), ".2g"),
        "range_smith_3_lr_hi": Fact(float(found["smith-3"].lrs.max()), ".2g"),
        "range_smith_4_val_mean": Fact(found["smith-4"].spread.mean, ".4f"),
        "range_smith_4_val_sd": Fact(found["smith-4"].spread.sd, ".4f"),
        "range_smith_4_wins": Fact(wins("smith-4"), "d"),
        "range_smith_3_val_mean": Fact(found["smith-3"].spread.mean, ".4f"),
        "range_smith_3_val_sd": Fact(found["smith-3"].spread.sd, ".4f"),
        "range_smith_3_wins": Fact(wins("smith-3"), "d"),
        # on how many seeds max_lr/4 and max_lr/3 ended lower than valley
        "range_smith_4_beats_valley": Fact(paired.wins(found["smith-4"].val_loss, found["valley"].val_loss), "d"),
        "range_smith_3_beats_valley": Fact(paired.wins(found["smith-3"].val_loss, found["valley"].val_loss), "d"),
        # the reference rate on the seeds where the decay from max_lr survived
        "range_smith_decay_ref_mean": Fact(float(reference_losses()[decayed].mean()), ".4f"),
        "range_smith_decay_blown": Fact(found["smith-decay"].spread.blown, "d"),
        "range_smith_decay_survived": Fact(len(found["smith-decay"].survivors.values), "d"),
        "range_smith_decay_val_mean": Fact(found["smith-decay"].survivors.mean, ".4f"),
        "range_smith_decay_val_sd": Fact(found["smith-decay"].survivors.sd, ".4f"),
        "range_smith_decay_wins": Fact(wins("smith-decay"), "d"),
        # the seed whose max_lr blew up as a starting rate, and that max_lr
        "range_smith_decay_blown_lr": Fact(float(found["smith-decay"].lrs[~np.isfinite(found["smith-decay"].val_loss)].min()),
                                           ".3g"),
        "range_smith_decay_blown_steps": Fact(min((smith_decay(s).steps for s in SEEDS if smith_decay(s).diverged), default=0),
                                              "d"),
        "range_smith_max_lo": Fact(float(found["smith-decay"].lrs.min()), ".3g"),
        "range_smith_max_hi": Fact(float(found["smith-decay"].lrs.max()), ".3g"),
    }


def _range_facts() -> dict[str, Fact]:
    """How the suggestions move with the test's range: each rule's mean over the seeds, per range."""
    ours, fastai, high = (range_suggestions(*r) for r in RANGES)
    tests = [exponential(s, lr_range.SMOOTHING, *FASTAI_RANGE) for s in SEEDS]
    # the last point fastai's rules see, and the seeds on which minimum read exactly it
    edge = tests[0].steps - lr_range.SKIP_END - 1
    at_edge = sum(lr_range.suggestion_index(t, "minimum") == edge for t in tests)
    # where each seed's smoothed curve is really lowest, over all its steps
    lowest = np.array([t.lrs[int(np.argmin(t.smoothed))] for t in tests])
    # how far each rule's mean moves over the three ranges: the largest mean over the smallest
    means = {rule: [float(r[rule].mean()) for r in (ours, fastai, high)] for rule in RULES}
    lag = lr_range.smoothing_lag(FASTAI_STEPS - 1)
    reference_curve = reference.curve()
    floor = reference_curve.floor(paired.spread(reference_losses()).sd)
    return {
        "range_high_start": Fact(HIGH_RANGE[0], "g"),
        "range_high_end": Fact(HIGH_RANGE[1], "g"),
        "range_high_steps": Fact(HIGH_RANGE[2], "d"),
        "range_fastai_stopped": Fact(sum(t.stopped for t in tests), "d"),
        "range_valley_mean": Fact(float(ours["valley"].mean()), ".2g"),
        "range_valley_fastai_mean": Fact(float(fastai["valley"].mean()), ".2g"),
        "range_valley_high_mean": Fact(float(high["valley"].mean()), ".2g"),
        "range_steepest_mean": Fact(float(ours["steepest"].mean()), ".2g"),
        "range_steepest_fastai_mean": Fact(float(fastai["steepest"].mean()), ".2g"),
        "range_steepest_high_mean": Fact(float(high["steepest"].mean()), ".2g"),
        "range_minimum_mean": Fact(float(ours["minimum"].mean()), ".2g"),
        "range_minimum_fastai_mean": Fact(float(fastai["minimum"].mean()), ".2g"),
        "range_minimum_high_mean": Fact(float(high["minimum"].mean()), ".2g"),
        "range_slide_fastai_lo": Fact(float(fastai["slide"].min()), ".2g"),
        "range_slide_fastai_hi": Fact(float(fastai["slide"].max()), ".2g"),
        "range_slide_high_lo": Fact(float(high["slide"].min()), ".2g"),
        "range_slide_high_hi": Fact(float(high["slide"].max()), ".2g"),
        "range_steepest_fastai_lo": Fact(float(fastai["steepest"].min()), ".2g"),
        "range_steepest_fastai_hi": Fact(float(fastai["steepest"].max()), ".2g"),
        # on how many seeds steepest, on fastai's range, lies above the reference curve's floor
        "range_steepest_fastai_above_floor": Fact(int(np.count_nonzero(fastai["steepest"] > floor.max())), "d"),
        "range_steepest_range_factor": Fact(max(means["steepest"]) / min(means["steepest"]), ".0f"),
        "range_minimum_range_factor": Fact(max(means["minimum"]) / min(means["minimum"]), ".1f"),
        "range_minimum_fastai_at_edge": Fact(int(at_edge), "d"),
        "range_fastai_rules_to": Fact(float(tests[0].lrs[edge]), ".2g"),
        "range_fastai_lowest_lo": Fact(float(lowest.min()), ".2g"),
        "range_fastai_lowest_hi": Fact(float(lowest.max()), ".2g"),
        # fastai's range run to its end: each seed's last batch loss over its lowest, and the average's end over its best
        "range_fastai_batch_rise_lo": Fact(float(min(t.losses[-1] / t.losses.min() for t in tests)), ".2g"),
        "range_fastai_batch_rise_hi": Fact(float(max(t.losses[-1] / t.losses.min() for t in tests)), ".2g"),
        "range_fastai_smoothed_ratio_hi": Fact(float(max(t.smoothed[-1] / t.best_loss for t in tests)), ".2f"),
        # the average's lag at fastai's last step, in steps and in decades of η (num_it/8 steps per decade)
        "range_fastai_lag_steps": Fact(lag, ".0f"),
        "range_fastai_lag_decades": Fact(lag / (FASTAI_STEPS / math.log10(FASTAI_END / FASTAI_START)), ".1f"),
        # fixed-rate training at fastai's end_lr (a rate of the reference grid): on how many seeds it blew up
        "range_fastai_end_blown": Fact(int(reference_curve.diverged[:, np.isclose(reference_curve.lrs, FASTAI_END)].sum()),
                                       "d"),
    }


def _smith_facts() -> dict[str, Fact]:
    """Smith's linear test on seed 0, and why his first reading (where accuracy starts to rise) fails here."""
    smith_v = smith_view()
    test = smith_v.test
    near = test.val_accuracy >= smith_v.peak_accuracy - SMITH_NEAR / 100
    near_peak = test.lrs[near]
    # between the first and the last step near the top: the share of steps near it, and the lowest accuracy
    first, last = np.flatnonzero(near)[[0, -1]]
    between = test.val_accuracy[first:last + 1]
    dip = first + int(np.argmin(between))
    start = initial_accuracy()
    onsets = [onset_lr(exponential(SEED, lr_range.SMOOTHING, *r), start) for r in RANGES]
    return {
        "range_smith_lr_min": Fact(SMITH_LR_MIN, "g"),
        "range_smith_lr_max": Fact(SMITH_LR_MAX, "g"),
        "range_smith_epochs": Fact(SMITH_EPOCHS, "d"),
        "range_smith_steps": Fact(test.steps, "d"),
        "range_smith_max_lr": Fact(smith_v.max_lr, ".3g"),
        "range_smith_peak_percent": Fact(100 * smith_v.peak_accuracy, ".1f"),
        "range_smith_end_percent": Fact(100 * float(test.val_accuracy[-1]), ".1f"),
        "range_smith_base_lo": Fact(smith_v.base_range[0], ".3g"),
        "range_smith_base_hi": Fact(smith_v.base_range[1], ".3g"),
        "range_smith_near": Fact(SMITH_NEAR, "d"),
        "range_smith_near_from": Fact(float(near_peak.min()), ".2g"),
        "range_smith_near_to": Fact(float(near_peak.max()), ".2g"),
        "range_smith_near_ratio": Fact(float(near_peak.max() / near_peak.min()), ".1f"),
        "range_smith_near_share": Fact(100 * float(np.mean(near[first:last + 1])), ".0f"),
        "range_smith_dip_percent": Fact(100 * float(between.min()), ".0f"),
        "range_smith_dip_lr": Fact(float(test.lrs[dip]), ".3g"),
        "range_smith_start_percent": Fact(100 * float(test.val_accuracy[0]), ".0f"),
        "range_batch_accuracy_step": Fact(100 / BATCH, ".1f"),
        # the untrained network's accuracy, and Smith's test after its first few steps
        "range_initial_percent": Fact(100 * start, ".1f"),
        "range_smith_first_steps": Fact(SMITH_FIRST_STEPS, "d"),
        "range_smith_first_lr": Fact(float(test.lrs[SMITH_FIRST_STEPS - 1]), ".2g"),
        "range_smith_first_percent": Fact(100 * float(test.val_accuracy[SMITH_FIRST_STEPS - 1]), ".1f"),
        # on the exponential tests: the rate after which accuracy is ONSET_POINTS points above the start
        "range_onset_points": Fact(ONSET_POINTS, "d"),
        "range_onset_lr": Fact(onsets[0], ".2g"),
        "range_onset_fastai_lr": Fact(onsets[1], ".2g"),
        "range_onset_high_lr": Fact(onsets[2], ".2g"),
    }


def _least_squares_facts() -> dict[str, Fact]:
    """The test on the least-squares line, where the limit 2/λ_max is exact."""
    ls = least_squares_view()
    limit = ls.limit
    lam_max = 2.0 / limit
    t = ls.test
    past = slice(ls.cross_step, t.steps)
    # every step past the limit multiplies the steep error by |1 − η_k λ_max| = η_k λ_max − 1 > 1
    growth = float(np.prod(np.abs(1.0 - t.lrs[past] * lam_max)))
    factor = (LS_LR_MAX / LS_LR_MIN) ** (1 / (LS_STEPS - 1))
    first_growth = float(abs(1.0 - t.lrs[ls.cross_step] * lam_max))
    steep_left = float(ls.errors[ls.cross_step, 1] / ls.errors[0, 1])
    return {
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
        # the same growth written m × 10^p, for the exercise
        "range_ls_growth_mantissa": Fact(growth / 10 ** math.floor(math.log10(growth)), ".1f"),
        "range_ls_growth_power": Fact(math.floor(math.log10(growth)), "d"),
        # what the closed form leaves of the steep error at the crossing: ∏ |1 − η_k λ_max| before it
        "range_ls_steep_closed_form_exp": Fact(math.log10(np.prod(np.abs(1.0 - t.lrs[: ls.cross_step] * lam_max))),
                                               ".0f"),
        "range_ls_best_smoothed": Fact(t.best_loss, ".3g"),
        "range_ls_best_raw": Fact(float(t.losses.min()), ".3g"),
        "range_ls_floor": Fact(ls.floor, ".3g"),
        "range_ls_start_loss": Fact(float(t.losses[0]), ".3g"),
        "range_ls_steepest_share": Fact(ls.suggestions["steepest"] / limit, ".2g"),
        "range_ls_minimum_share": Fact(ls.suggestions["minimum"] / limit, ".2g"),
        "range_ls_valley_share": Fact(ls.suggestions["valley"] / limit, ".2g"),
        # the fourth rule on the same curve, which the figure does not mark
        "range_ls_slide_share": Fact(lr_range.suggest(t, "slide") / limit, ".2g"),
        # the exercise: the same least-squares test with fewer and with more steps
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
