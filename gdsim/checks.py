"""Input checks shared by every public function: a clean value back, or a ValueError that says
which argument is wrong and why.

Each check names the argument it was handed (``name``), so a message reads like
``learning rate must be a positive finite number, got -0.1``. Wrong types are a ValueError too,
never a TypeError or OverflowError leaking from NumPy.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from numbers import Integral, Real

import numpy as np

# The most steps any single run may take: a trajectory this long holds 10⁶ × (d + 2) floats.
MAX_STEPS = 1_000_000


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def positive_number(value: object, name: str) -> float:
    """``value`` as a float if it is a finite number above zero."""
    if not _is_number(value) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def non_negative_number(value: object, name: str) -> float:
    """``value`` as a float if it is a finite number at or above zero."""
    if not _is_number(value) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative finite number, got {value!r}")
    return float(value)


def finite_number(value: object, name: str) -> float:
    """``value`` as a float if it is a finite number."""
    if not _is_number(value) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def fraction(value: object, name: str) -> float:
    """``value`` as a float if it lies strictly between 0 and 1."""
    if not _is_number(value) or not 0 < value < 1:
        raise ValueError(f"{name} must be a number strictly between 0 and 1, got {value!r}")
    return float(value)


def learning_rate(value: object) -> float:
    """A learning rate η: a positive finite number."""
    return positive_number(value, "learning rate")


def step_count(value: object, name: str = "number of steps", maximum: int = MAX_STEPS) -> int:
    """A count of steps: a whole number from 1 to ``maximum``."""
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if value > maximum:
        raise ValueError(f"{name} must be at most {maximum:,}, got {value:,}")
    return int(value)


def batch_size(value: object, n: int) -> int:
    """A mini-batch size B: a whole number from 1 (stochastic) to n, the number of training points (full batch)."""
    if not isinstance(value, Integral) or isinstance(value, bool) or not 1 <= value <= n:
        raise ValueError(f"batch size must be a whole number from 1 to {n} (the number of training points), got {value!r}")
    return int(value)


def seed(value: object) -> int:
    """A seed for ``numpy.random.default_rng``: a whole number at or above zero."""
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 0:
        raise ValueError(f"seed must be a non-negative integer, got {value!r}")
    return int(value)


def vector(values: object, name: str) -> np.ndarray:
    """A non-empty 1-D array of finite floats."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {values!r}") from None
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold only finite values (no NaN or inf)")
    return array


def finite_array(values: object, name: str) -> np.ndarray:
    """Numbers of any shape (a scalar too) as a float array, all finite."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, got {values!r}") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold only finite values (no NaN or inf)")
    return array


def finite_result(compute: Callable[[], np.ndarray], what: str) -> np.ndarray:
    """``compute()`` inside ``errstate``: its result, or a ValueError if it overflowed."""
    with np.errstate(all="ignore"):
        result = np.asarray(compute(), dtype=float)
    if not np.all(np.isfinite(result)):
        raise ValueError(f"{what} overflows: the inputs are too large")
    return result


def one_of(value: object, options: Iterable[str], name: str) -> str:
    """``value`` if it is one of ``options`` (a name such as a scenario, a rate or a parameter)."""
    options = tuple(options)
    if value not in options:
        raise ValueError(f"unknown {name} {value!r}; known: {', '.join(options)}")
    return value


def data(x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    """A feature vector and a label vector of one length."""
    x, y = vector(x, "x"), vector(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x and y must have one length, got {x.size} and {y.size}")
    return x, y


def point(values: object, name: str, size: int) -> np.ndarray:
    """A finite parameter vector of exactly ``size`` entries, e.g. a start ``[b, w]``."""
    array = vector(np.atleast_1d(values), name)
    if array.shape != (size,):
        raise ValueError(f"{name} must have {size} entries, got shape {array.shape}")
    return array


def design(values: object) -> np.ndarray:
    """A 2-D design matrix (n × d) of finite floats."""
    try:
        X = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"the design matrix must be an array of numbers, got {values!r}") from None
    if X.ndim != 2:
        raise ValueError(f"the design matrix must be 2-D (n × d), got shape {X.shape}; use design_matrix(x)")
    if X.size == 0:
        raise ValueError(f"the design matrix is empty, shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("the design matrix must hold only finite values (no NaN or inf)")
    return X


def increasing_rates(values: object, name: str = "lrs") -> np.ndarray:
    """A non-empty, strictly increasing 1-D array of positive finite learning rates."""
    rates = vector(values, name)
    if np.any(rates <= 0):
        raise ValueError(f"{name} must hold positive finite learning rates")
    if np.any(np.diff(rates) <= 0):
        raise ValueError(f"{name} must be strictly increasing")
    return rates


def features(values: object, name: str, inputs: int) -> np.ndarray:
    """Points as rows: a non-empty n × ``inputs`` array of finite floats."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {type(values).__name__}") from None
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] != inputs:
        raise ValueError(f"{name} must be a non-empty n × {inputs} array (one row per point), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold only finite values (no NaN or inf)")
    return array


def labels(values: object, n: int, classes: int, name: str = "labels") -> np.ndarray:
    """One class label per point: ``n`` whole numbers from 0 to ``classes`` − 1, as integers."""
    array = np.asarray(values)
    if array.ndim != 1 or len(array) != n:
        raise ValueError(f"{name} must hold one label per point ({n}), got shape {array.shape}")
    integral = np.issubdtype(array.dtype, np.integer)
    if not integral and not (np.issubdtype(array.dtype, np.floating) and np.all(np.isfinite(array))
                             and np.all(array == np.round(array))):
        raise ValueError(f"{name} must be whole numbers (class indices), got {array.dtype} values")
    low, high = array.min(), array.max()
    if low < 0 or high >= classes:
        raise ValueError(f"{name} must be from 0 to {classes - 1}, got values from {low:g} to {high:g}")
    return array.astype(np.intp, copy=False)


def labelled(x: object, y: object, inputs: int, classes: int, names: tuple[str, str] = ("x", "labels")
             ) -> tuple[np.ndarray, np.ndarray]:
    """Points and their labels: n × ``inputs`` finite features and n labels below ``classes``."""
    x = features(x, names[0], inputs)
    return x, labels(y, len(x), classes, names[1])


def split(data: object, inputs: int, classes: int) -> object:
    """A training and validation split (``gdsim.digits.Split``) whose four arrays agree with each
    other and with the network: both parts non-empty, finite, labels in range."""
    try:
        parts = data.x_train, data.y_train, data.x_val, data.y_val
    except AttributeError:
        raise ValueError(f"data must be a Split with x_train, y_train, x_val and y_val, got {type(data).__name__}") from None
    x_train, y_train = labelled(parts[0], parts[1], inputs, classes, ("x_train", "y_train"))
    x_val, y_val = labelled(parts[2], parts[3], inputs, classes, ("x_val", "y_val"))
    if all(a is b for a, b in zip(parts, (x_train, y_train, x_val, y_val))):
        return data
    return dataclasses.replace(data, x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val)
