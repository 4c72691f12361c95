"""Learning-rate schedules: the rate η_t as a plain function of the step t = 0, 1, 2, ….

Decays (CS231n's three, and the cosine of Loshchilov and Hutter, SGDR, 2017):

- ``step_decay``:         η_t = η₀ · drop^⌊t / every⌋
- ``exponential_decay``:  η_t = η₀ · e^{−k t}
- ``inverse_time_decay``: η_t = η₀ / (1 + k t)
- ``cosine_decay``:       η_t = η_min + (η₀ − η_min) · (1 + cos(π t / T)) / 2, then η_min after T

Cycles (Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017, arXiv:1506.01186),
with cycle = ⌊1 + t / (2·stepsize)⌋ and x = |t / stepsize − 2·cycle + 1|:

- ``triangular``:  η_t = base + (max − base) · max(0, 1 − x)
- ``triangular2``: the same with the amplitude halved every cycle, ÷ 2^(cycle − 1)
- ``exp_range``:   the same with the amplitude scaled by γ^t

Each takes a step or a NumPy array of steps (a float back for a single step, an array for an
array), so one function both drives training and draws its own curve. ``schedule(name, **params)``
binds the parameters once and gives the callable ``gdsim.sgd.train(..., lr=...)`` takes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import numpy as np

from gdsim import checks

# ---------------------------------------------------------------- argument checks


def _steps(step: object) -> np.ndarray:
    """Steps as a float array: finite and at or above zero."""
    steps = checks.finite_array(step, "step")
    if np.any(steps < 0):
        raise ValueError("step must be at or above zero (the first step is 0)")
    return steps


def _out(step: object, values: np.ndarray) -> float | np.ndarray:
    """A float for a single step, an array for an array of steps."""
    return float(values) if np.ndim(step) == 0 else values


def _rate_range(low: object, high: object, low_name: str, high_name: str) -> tuple[float, float]:
    """Two positive finite rates with low < high (the bounds of a cycle)."""
    low, high = checks.learning_rate(low), checks.learning_rate(high)
    if low >= high:
        raise ValueError(f"{low_name} must be below {high_name}, got {low_name} = {low:g} ≥ {high_name} = {high:g}")
    return low, high


def _factor(value: object, name: str) -> float:
    """A multiplier in (0, 1]: 1 keeps the rate, smaller shrinks it."""
    if not isinstance(value, Real) or isinstance(value, bool) or not 0 < value <= 1:
        raise ValueError(f"{name} must be a number in (0, 1], got {value!r}")
    return float(value)


# ---------------------------------------------------------------- decays


def step_decay(step: object, lr0: float, drop: float, every: int) -> float | np.ndarray:
    """η₀ multiplied by ``drop`` after every ``every`` steps: a staircase."""
    t, lr0 = _steps(step), checks.learning_rate(lr0)
    drop, every = _factor(drop, "drop"), checks.step_count(every, "every")
    # η_t = η₀ · drop^⌊t / every⌋
    return _out(step, lr0 * drop ** np.floor(t / every))


def exponential_decay(step: object, lr0: float, k: float) -> float | np.ndarray:
    """η₀ shrinking by the same factor e^{−k} every step."""
    t, lr0, k = _steps(step), checks.learning_rate(lr0), checks.positive_number(k, "decay constant k")
    # η_t = η₀ · e^{−k t}
    return _out(step, lr0 * np.exp(-k * t))


def inverse_time_decay(step: object, lr0: float, k: float) -> float | np.ndarray:
    """η₀ / (1 + k t): halved at t = 1/k, then falling like 1/t."""
    t, lr0, k = _steps(step), checks.learning_rate(lr0), checks.positive_number(k, "decay constant k")
    # η_t = η₀ / (1 + k t)
    return _out(step, lr0 / (1.0 + k * t))


def cosine_decay(step: object, lr0: float, total: int, lr_min: float = 0.0) -> float | np.ndarray:
    """Half a cosine from η₀ at step 0 down to ``lr_min`` at step ``total``, and ``lr_min`` after."""
    t, lr0 = _steps(step), checks.learning_rate(lr0)
    total = checks.step_count(total, "total")
    lr_min = checks.non_negative_number(lr_min, "lr_min")
    if lr_min >= lr0:
        raise ValueError(f"lr_min must be below lr0, got lr_min = {lr_min:g} ≥ lr0 = {lr0:g}")
    # η_t = η_min + (η₀ − η_min) · (1 + cos(π min(t, T) / T)) / 2
    return _out(step, lr_min + (lr0 - lr_min) * 0.5 * (1.0 + np.cos(np.pi * np.minimum(t, total) / total)))


# ---------------------------------------------------------------- Smith's cycles


def _cycle(t: np.ndarray, stepsize: int) -> tuple[np.ndarray, np.ndarray]:
    """Smith's cycle number (1, 2, …) and the triangle's height max(0, 1 − x) in [0, 1]."""
    # cycle = ⌊1 + t / (2·stepsize)⌋
    cycle = np.floor(1.0 + t / (2 * stepsize))
    # x = |t / stepsize − 2·cycle + 1|
    x = np.abs(t / stepsize - 2.0 * cycle + 1.0)
    return cycle, np.maximum(0.0, 1.0 - x)


def triangular(step: object, base: float, max_lr: float, stepsize: int) -> float | np.ndarray:
    """Up from ``base`` to ``max_lr`` in ``stepsize`` steps, down again in as many, and repeat."""
    t, (base, max_lr) = _steps(step), _rate_range(base, max_lr, "base", "max_lr")
    _, height = _cycle(t, checks.step_count(stepsize, "stepsize"))
    # η_t = base + (max − base) · max(0, 1 − x)
    return _out(step, base + (max_lr - base) * height)


def triangular2(step: object, base: float, max_lr: float, stepsize: int) -> float | np.ndarray:
    """The triangular cycle with its amplitude halved after every cycle."""
    t, (base, max_lr) = _steps(step), _rate_range(base, max_lr, "base", "max_lr")
    cycle, height = _cycle(t, checks.step_count(stepsize, "stepsize"))
    # η_t = base + (max − base) · max(0, 1 − x) / 2^(cycle − 1)
    return _out(step, base + (max_lr - base) * height / 2.0 ** (cycle - 1.0))


def exp_range(step: object, base: float, max_lr: float, stepsize: int, gamma: float) -> float | np.ndarray:
    """The triangular cycle with its amplitude shrunk by γ every step."""
    t, (base, max_lr) = _steps(step), _rate_range(base, max_lr, "base", "max_lr")
    _, height = _cycle(t, checks.step_count(stepsize, "stepsize"))
    gamma = _factor(gamma, "gamma")
    # η_t = base + (max − base) · max(0, 1 − x) · γ^t
    return _out(step, base + (max_lr - base) * height * gamma**t)


# ---------------------------------------------------------------- by name

SCHEDULES: dict[str, Callable[..., float | np.ndarray]] = {
    "step": step_decay,
    "exponential": exponential_decay,
    "inverse_time": inverse_time_decay,
    "cosine": cosine_decay,
    "triangular": triangular,
    "triangular2": triangular2,
    "exp_range": exp_range,
}


@dataclass(frozen=True)
class Schedule:
    """One schedule with its parameters bound: call it with a step (or an array of steps) for η."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)

    def __call__(self, step: object) -> float | np.ndarray:
        return SCHEDULES[self.name](step, **self.params)


def schedule(name: str, **params: Any) -> Schedule:
    """The schedule ``name`` (a key of ``SCHEDULES``) with ``params`` bound, checked once here."""
    function = SCHEDULES[checks.one_of(name, SCHEDULES, "schedule")]
    try:
        inspect.signature(function).bind(0, **params)
    except TypeError:
        takes = ", ".join(list(inspect.signature(function).parameters)[1:])
        raise ValueError(f"schedule {name!r} takes {takes}; got {', '.join(params) or 'nothing'}") from None
    bound = Schedule(name, dict(params))
    bound(0)  # every parameter is checked now, not at the first step of a run
    return bound

