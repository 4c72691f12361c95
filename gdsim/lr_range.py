"""The learning-rate range test: train once while η rises, watch the loss, read a rate off the curve.

One short run with a rate that grows every step (Smith, "Cyclical Learning Rates for Training
Neural Networks", WACV 2017, arXiv:1506.01186). Smith raised η **linearly** over a few epochs and
plotted accuracy; the libraries raise it **exponentially** over about a hundred mini-batches,
plot the training loss smoothed by an exponential moving average on a log-η axis, and stop once
the smoothed loss passes ``stop_factor`` times the best seen (fastai's ``lr_find``: its Recorder's
β = 0.98 with bias correction, and a stop at 4× that ``stop_div`` only turns on or off).
``suggest`` turns the curve into one number with the rules those libraries use. The network's
parameters are restored afterwards unless the caller says not to.

``range_test`` runs on the classifiers of ``gdsim.network``; ``range_test_least_squares`` runs the
same test on the line y ≈ b + w·x of ``gdsim.model``, where the largest stable rate 2/λ_max is
known exactly (``gdsim.stability``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from gdsim import checks, model, network, sgd
from gdsim.digits import Split
from gdsim.network import Network

MODES = ("exponential", "linear")
RULES = ("steepest", "minimum", "valley", "slide")
SMOOTHING = 0.98  # ω, the moving average's weight: fastai's beta
STOP_FACTOR = 4.0  # fastai and Lightning; torch-lr-finder and Ignite use 5
# fastai hands the rules the curve without its first tenth of steps and its last five points.
SKIP_START_FRACTION = 10
SKIP_END = 5
# "minimum": the rate at the lowest smoothed loss, divided by this.
MINIMUM_DIVISOR = 10.0
# "slide" (fastai's ``slide``): compare the curve's slope two points this many steps apart, ...
SLIDE_DISTANCE = 15
# ... and stop sliding left once the two slopes differ by at most this much (in loss per step).
SLIDE_THRESHOLD = 0.005

# one step: the loss at the current parameters and its gradient, for the step's batch of rows
LossGradient = Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]


@dataclass(frozen=True)
class RangeTest:
    """One range test: the rate, raw and smoothed loss of every step taken, and where it stopped.

    ``losses[k]`` is the loss of step k's batch at the parameters before step k, which then moves
    them with rate ``lrs[k]`` (the loss a step reports shows the rates before it).
    """

    mode: str
    lrs: np.ndarray  # (k,) η of each step taken
    losses: np.ndarray  # (k,) raw batch loss before each step
    smoothed: np.ndarray  # (k,) the bias-corrected moving average of ``losses``
    planned: int  # steps asked for
    stopped: bool  # True if the smoothed loss passed stop_factor × its best (or a loss was not finite)
    stop_factor: float | None
    smoothing: float
    val_loss: np.ndarray | None  # (k,) validation loss after each step (classifiers only)
    val_accuracy: np.ndarray | None  # (k,) validation accuracy after each step (classifiers only)
    params: np.ndarray | None  # the parameters at the end; None when restored (the default)

    @property
    def steps(self) -> int:
        """Steps taken (``planned`` unless the test stopped early)."""
        return len(self.lrs)

    @property
    def stop_step(self) -> int | None:
        """The index of the step at which the test stopped, None if it ran to the end."""
        return self.steps - 1 if self.stopped else None

    @property
    def stop_lr(self) -> float:
        """The rate of the last step recorded: the blow-up point when the test stopped."""
        return float(self.lrs[-1])

    @property
    def best_loss(self) -> float:
        """The lowest smoothed loss: what the stop compares with."""
        return float(self.smoothed.min())


def rates(lr_min: float, lr_max: float, steps: int, mode: str = "exponential") -> np.ndarray:
    """The rate of each of ``steps`` steps, from ``lr_min`` at the first to ``lr_max`` at the last."""
    lr_min, lr_max, steps, mode = _check_range(lr_min, lr_max, steps, mode)
    position = np.arange(steps) / (steps - 1)
    if mode == "linear":
        # η_k = η_min + (η_max − η_min)·k/(K − 1)
        return lr_min + (lr_max - lr_min) * position
    # η_k = η_min·(η_max/η_min)^(k/(K − 1)): the same factor every step
    return lr_min * (lr_max / lr_min) ** position


def smooth(losses: ArrayLike, beta: float = SMOOTHING) -> np.ndarray:
    """The exponential moving average with bias correction (fastai's ``AvgSmoothLoss``).

    a_k = ω·a_{k−1} + (1 − ω)·ℓ_k from a_{−1} = 0, shown as a_k / (1 − ω^{k+1}) so that the first
    values are not pulled towards the zero it started from; ω (``beta``, fastai's name) = 0 is no smoothing.
    """
    losses, beta = checks.vector(losses, "losses"), _check_smoothing(beta)
    out, average = np.empty_like(losses), 0.0
    for k, value in enumerate(losses):
        average = beta * average + (1.0 - beta) * value
        out[k] = average / (1.0 - beta ** (k + 1))
    return out


def range_test(net: Network, data: Split, lr_min: float, lr_max: float, steps: int, mode: str = "exponential",
               smoothing: float = SMOOTHING, stop_factor: float | None = STOP_FACTOR, batch_size: int = 32,
               seed: int = 0, params: ArrayLike | None = None, restore: bool = True) -> RangeTest:
    """Train ``net`` for up to ``steps`` mini-batch steps while η rises from ``lr_min`` to ``lr_max``.

    Batches are drawn as ``gdsim.sgd.train`` draws them (a fresh shuffle of the training set per
    epoch, one generator seeded by ``seed``), from ``params`` (default ``network.initial(net,
    seed)``), which the test never modifies. After every step it also measures the validation loss
    and accuracy, what Smith's linear version plots. ``stop_factor=None`` never stops early.
    With ``restore=False`` the parameters the test ended with are returned in ``result.params``.
    """
    lrs = rates(lr_min, lr_max, steps, mode)
    data = checks.split(data, net.inputs, net.classes)
    n = len(data.y_train)
    batch_size = checks.batch_size(batch_size, n)
    start = network.initial(net, seed) if params is None else checks.vector(params, "params")
    if start.shape != (net.size,):
        raise ValueError(f"params must hold the network's {net.size} parameters, got {start.size}")
    rng = np.random.default_rng(checks.seed(seed))

    def batches() -> Iterator[np.ndarray]:
        while True:
            yield from sgd.batches(n, batch_size, rng)

    def loss_and_gradient(theta: np.ndarray, rows: np.ndarray) -> tuple[float, np.ndarray]:
        return network._loss_and_gradient(net, theta, data.x_train[rows], data.y_train[rows])

    def validate(theta: np.ndarray) -> tuple[float, float]:
        return (network._loss(net, theta, data.x_val, data.y_val),
                network._accuracy(net, theta, data.x_val, data.y_val))

    return _sweep(mode, lrs, start, loss_and_gradient, batches(), smoothing, stop_factor, validate, restore)


def range_test_least_squares(x: ArrayLike, y: ArrayLike, start: ArrayLike, lr_min: float, lr_max: float, steps: int,
                             mode: str = "exponential", smoothing: float = SMOOTHING,
                             stop_factor: float | None = STOP_FACTOR, batch_size: int | None = None, seed: int = 0,
                             restore: bool = True) -> RangeTest:
    """The same test on the line y ≈ b + w·x (MSE) from ``start`` = [b, w]; full batch by default,
    where gradient descent is stable exactly for η < 2/λ_max (``gdsim.stability``)."""
    lrs = rates(lr_min, lr_max, steps, mode)
    x, y = checks.data(x, y)
    start = checks.point(start, "start [b, w]", len(model.PARAMETERS))
    n = len(x)
    batch_size = n if batch_size is None else checks.batch_size(batch_size, n)
    rng = np.random.default_rng(checks.seed(seed))

    def batches() -> Iterator[np.ndarray]:
        while True:
            yield from (np.arange(n),) if batch_size == n else sgd.batches(n, batch_size, rng)

    def loss_and_gradient(theta: np.ndarray, rows: np.ndarray) -> tuple[float, np.ndarray]:
        return model.mse(theta, x[rows], y[rows]), model.gradient(theta, x[rows], y[rows])

    return _sweep(mode, lrs, start, loss_and_gradient, batches(), smoothing, stop_factor, None, restore)


def _sweep(mode: str, lrs: np.ndarray, start: np.ndarray, loss_and_gradient: LossGradient,
           batches: Iterator[np.ndarray], smoothing: float, stop_factor: float | None,
           validate: Callable[[np.ndarray], tuple[float, float]] | None, restore: bool) -> RangeTest:
    """The test itself, for any loss: step, smooth, record, stop on a blow-up."""
    beta = _check_smoothing(smoothing)
    if stop_factor is not None:
        stop_factor = checks.positive_number(stop_factor, "stop factor")
        if stop_factor <= 1:
            raise ValueError(f"stop factor must be above 1 (a multiple of the best loss), got {stop_factor!r}")
    if not isinstance(restore, bool):
        raise ValueError(f"restore must be True or False, got {restore!r}")
    theta = start.copy()  # the caller's array is never written to
    raw, smoothed, val = [], [], []
    average, best, stopped = 0.0, math.inf, False
    with np.errstate(all="ignore"):
        for k, (eta, rows) in enumerate(zip(lrs, batches)):
            value, gradient = loss_and_gradient(theta, rows)
            if not math.isfinite(value):
                stopped = True
                break
            # a_k = ω·a_{k−1} + (1 − ω)·ℓ_k, shown bias-corrected: a_k / (1 − ω^{k+1})
            average = beta * average + (1.0 - beta) * value
            shown = average / (1.0 - beta ** (k + 1))
            raw.append(value)
            smoothed.append(shown)
            best = min(best, shown)
            # θ ← θ − η_k ∇L_batch(θ)
            theta -= eta * gradient
            if validate is not None:
                val.append(validate(theta))
            if stop_factor is not None and shown > stop_factor * best:
                stopped = True
                break
    if not raw:
        raise ValueError("the first loss is not finite: the start or the data are unusable")
    taken = len(raw)
    array = lambda values: np.array(values, dtype=float)  # noqa: E731
    val_loss, val_accuracy = (array([v[i] for v in val]) for i in (0, 1)) if validate is not None else (None, None)
    return RangeTest(mode, lrs[:taken].copy(), array(raw), array(smoothed), len(lrs), stopped, stop_factor, beta,
                     val_loss, val_accuracy, None if restore else theta)


# ---------------------------------------------------------------- suggestion rules


def curve_for_rules(result: RangeTest) -> tuple[np.ndarray, np.ndarray, int]:
    """The part of the curve the rules see, as fastai trims it: without the first tenth of the
    planned steps and the last ``SKIP_END`` points; also the index of its first point."""
    first = result.planned // SKIP_START_FRACTION
    end = result.steps - SKIP_END
    if end - first < 3:
        raise ValueError(
            f"the range test recorded {result.steps} steps: too few for a suggestion once the first "
            f"{first} and the last {SKIP_END} are dropped; plan more steps or stop later"
        )
    return result.lrs[first:end], result.smoothed[first:end], first


def suggestion_index(result: RangeTest, rule: str) -> int:
    """The index (into ``result.lrs``) of the point a rule reads its rate from."""
    rule = checks.one_of(rule, RULES, "rule")
    lrs, losses, first = curve_for_rules(result)
    if rule == "steepest":
        # the most negative slope dL/d(log η) between neighbours; the left point of that pair
        slopes = np.diff(losses) / np.diff(np.log(lrs))
        return first + int(np.argmin(slopes))
    if rule == "minimum":
        return first + int(np.argmin(losses))
    if rule == "slide":
        return first + _slide(losses)
    return first + _valley(losses)


def suggest(result: RangeTest, rule: str = "valley") -> float:
    """A learning rate from a range test's smoothed curve, by one of fastai's four rules.

    - "steepest": the rate where the smoothed loss falls fastest against log η;
    - "minimum": the rate at the lowest smoothed loss, divided by 10;
    - "valley" (fastai's default): about halfway along the longest decreasing stretch;
    - "slide": sliding left from the end, the first rate where the slope matches the slope
      ``SLIDE_DISTANCE`` points to its right (within ``SLIDE_THRESHOLD``).
    Each sees the curve as fastai hands it over (``curve_for_rules``).
    """
    index = suggestion_index(result, rule)
    lr = float(result.lrs[index])
    return lr / MINIMUM_DIVISOR if rule == "minimum" else lr


def valley_span(result: RangeTest) -> tuple[int, int]:
    """The stretch the valley rule reads (indices into ``result.lrs``): from ``m`` points before
    the end of the longest decreasing sequence to that end, ``m`` being its length."""
    _, losses, first = curve_for_rules(result)
    start, end = _valley_bounds(losses)
    return first + max(0, start), first + end


def smoothing_lag(step: int, beta: float = SMOOTHING) -> float:
    """How many steps the bias-corrected average lags behind at ``step``: the mean age of its weights.

    The weights ω^age / Σ ω^age over ages 0 … k have mean age ω/(1 − ω) − (k + 1)·ω^{k+1}/(1 − ω^{k+1}),
    which reaches ω/(1 − ω) only when k is large (49 steps for ω = 0.98).
    """
    if not isinstance(step, (int, np.integer)) or isinstance(step, bool) or step < 0:
        raise ValueError(f"step must be a whole number from 0 (the first step), got {step!r}")
    k, beta = int(step), _check_smoothing(beta)
    if beta == 0:
        return 0.0
    # mean age = ω/(1 − ω) − (k + 1) ω^{k+1} / (1 − ω^{k+1})
    return beta / (1.0 - beta) - (k + 1) * beta ** (k + 1) / (1.0 - beta ** (k + 1))


def longest_decrease(losses: ArrayLike) -> np.ndarray:
    """For every point, the length of the longest strictly decreasing sequence of points (not
    necessarily neighbours) that ends there: fastai's ``lds``."""
    losses = checks.vector(losses, "losses")
    lengths = np.ones(len(losses), dtype=int)
    for i in range(1, len(losses)):
        # lds_i = 1 + max{lds_j : j < i, L_j > L_i}
        higher = losses[:i] > losses[i]
        if higher.any():
            lengths[i] = 1 + int(lengths[:i][higher].max())
    return lengths


def _valley_bounds(losses: np.ndarray) -> tuple[int, int]:
    """fastai's valley: the longest decreasing sequence ends at the first point where the longest
    length m is reached; the valley is taken to start m points before that end (−1 at the earliest)."""
    lengths = longest_decrease(losses)
    end = int(np.argmax(lengths))
    return end - int(lengths[end]), end


def _valley(losses: np.ndarray) -> int:
    """fastai's ``valley``: from the valley's start, a third and then a sixth of its length on (each
    rounded down), so about half of the way along (fastai's docs say "roughly 2/3 through")."""
    start, end = _valley_bounds(losses)
    sections = (end - start) / 3
    return max(0, start + int(sections) + int(sections / 2))


def _slide(losses: np.ndarray) -> int:
    """fastai's ``slide``: the slope g = np.gradient(losses) (per point) is compared at r and
    l = r − SLIDE_DISTANCE, both stepping left from the end while |g_r − g_l| > SLIDE_THRESHOLD;
    the suggestion is the last l for which they still differed (the first l if none did)."""
    n = len(losses)
    if n <= SLIDE_DISTANCE:
        raise ValueError(f"the slide rule needs more than {SLIDE_DISTANCE} points of the curve, got {n}")
    slope = np.gradient(losses)
    right, left = n - 1, n - 1 - SLIDE_DISTANCE
    chosen = left
    while left >= 0 and abs(slope[right] - slope[left]) > SLIDE_THRESHOLD:
        chosen = left
        right, left = right - 1, left - 1
    return chosen


# ---------------------------------------------------------------- checks


def _check_range(lr_min: object, lr_max: object, steps: object, mode: object) -> tuple[float, float, int, str]:
    lr_min = checks.positive_number(lr_min, "lr_min (the first learning rate)")
    lr_max = checks.positive_number(lr_max, "lr_max (the last learning rate)")
    if lr_min >= lr_max:
        raise ValueError(f"lr_min must be below lr_max, got lr_min={lr_min!r} and lr_max={lr_max!r}")
    steps = checks.step_count(steps, "number of steps", maximum=100_000)
    if steps < 2:
        raise ValueError(f"a range test needs at least 2 steps, got {steps}")
    return lr_min, lr_max, steps, checks.one_of(mode, MODES, "mode")


def _check_smoothing(beta: object) -> float:
    if not isinstance(beta, (int, float)) or isinstance(beta, bool) or not 0 <= beta < 1:
        raise ValueError(f"smoothing (the moving average's weight ω) must be a number from 0 up to but not 1, got {beta!r}")
    return float(beta)
