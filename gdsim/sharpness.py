"""Sharpness: the largest eigenvalue of the training loss's Hessian, measured without forming it.

For least squares the Hessian is a constant matrix and gradient descent is stable exactly when
η < 2/λ_max (``gdsim.stability``). A network's Hessian changes as it trains, so its top
eigenvalue, the **sharpness**, is measured along the way: by power iteration on exact
Hessian-vector products (``network.hessian_vector_product``), never building the d × d matrix.

Power iteration v ← Hv/‖Hv‖ converges to the eigenvalue largest in size. The sharpness is the
largest *signed* one, so if that turns out negative, the iteration is repeated on H − μI (μ the
negative one found), whose largest eigenvalue is λ_max − μ. It stops when the Rayleigh quotient
vᵀHv changes by less than ``tol`` relative over one iteration.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gdsim import checks, network
from gdsim.network import Network

TOLERANCE = 1e-6
MAX_ITERATIONS = 2000
# Bounds on what one call may ask for: a vector of 10⁷ parameters is 80 MB; a dense Hessian of
# size n holds n² floats (4,096 → 134 MB); each sharpness measurement is a power iteration.
MAX_SIZE = 10**7
MAX_DENSE = 4096
MAX_MEASUREMENTS = 10_000
Product = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Eigen:
    """An eigenvalue estimate, its unit eigenvector and the Hessian-vector products it took."""

    value: float
    vector: np.ndarray
    products: int
    converged: bool


def _power(product: Product, v: np.ndarray, tol: float, max_iterations: int) -> Eigen:
    v = v / np.linalg.norm(v)
    value = math.nan
    for k in range(1, max_iterations + 1):
        w = product(v)
        # Rayleigh quotient λ ≈ vᵀ H v for a unit vector v
        estimate = float(v @ w)
        norm = np.linalg.norm(w)
        if not math.isfinite(norm):
            raise ValueError(f"the matrix-vector product gave a non-finite vector at iteration {k}: "
                             "the matrix (or the data behind it) holds NaN or inf")
        if norm == 0:
            return Eigen(0.0, v, k, True)
        if k > 1 and abs(estimate - value) <= tol * abs(estimate):
            return Eigen(estimate, w / norm, k, True)
        value, v = estimate, w / norm
    return Eigen(value, v, max_iterations, False)


def top_eigenvalue(product: Product, size: int, tol: float = TOLERANCE, max_iterations: int = MAX_ITERATIONS,
                   start: np.ndarray | None = None, seed: int = 0) -> Eigen:
    """The largest eigenvalue of the symmetric matrix behind ``product`` (v ↦ Hv), by power
    iteration from ``start`` (a random direction if None: pass the last eigenvector to warm-start)."""
    size = checks.step_count(size, "size", maximum=MAX_SIZE)
    tol = checks.fraction(tol, "tolerance")
    max_iterations = checks.step_count(max_iterations, "most iterations")
    v = np.random.default_rng(checks.seed(seed)).normal(size=size) if start is None else checks.vector(start, "start")
    if v.shape != (size,) or not np.any(v):
        raise ValueError(f"start must be a non-zero vector of {size} entries")
    found = _power(product, v, tol, max_iterations)
    if found.value >= 0:
        return found
    # The dominant eigenvalue μ is negative: the largest of H − μI is λ_max − μ ≥ 0.
    shift = found.value
    shifted = _power(lambda u: product(u) - shift * u, v, tol, max_iterations)
    return Eigen(shifted.value + shift, shifted.vector, found.products + shifted.products, shifted.converged)


def hessian(product: Product, size: int) -> np.ndarray:
    """The whole matrix, column by column (H e_i): for small problems and for tests."""
    size = checks.step_count(size, "size (of a dense n × n Hessian)", maximum=MAX_DENSE)
    return np.column_stack([product(e) for e in np.eye(size)])


def network_sharpness(net: Network, params: np.ndarray, x: np.ndarray, labels: np.ndarray,
                      tol: float = TOLERANCE, start: np.ndarray | None = None, seed: int = 0) -> Eigen:
    """The sharpness of ``net``'s mean loss on (x, labels) at ``params``."""
    params = checks.point(params, "params", net.size)
    x, labels = checks.labelled(x, labels, net.inputs, net.classes)
    return _sharpness(net, params, x, labels, tol, start, seed)


def _sharpness(net: Network, params: np.ndarray, x: np.ndarray, labels: np.ndarray, tol: float,
               start: np.ndarray | None, seed: int = 0) -> Eigen:
    """``network_sharpness`` on arguments already checked."""
    return top_eigenvalue(lambda v: network._hessian_vector_product(net, params, x, labels, v), net.size, tol,
                          start=start, seed=seed)


@dataclass(frozen=True)
class SharpnessRun:
    """Full-batch gradient descent with the sharpness measured along the way."""

    lr: float
    losses: np.ndarray  # (steps + 1,) the training loss before each step, and at the end
    measured_at: np.ndarray  # the steps at which the sharpness was measured
    sharpness: np.ndarray  # its value there
    top_component: np.ndarray  # (steps + 1,) v · ∇L at every step, v the last sharpest direction found
    diverged: bool

    @property
    def limit(self) -> float:
        """2/η, the largest sharpness a quadratic bowl can have and still be stable at this η."""
        return 2.0 / self.lr


def descent_with_sharpness(net: Network, x: np.ndarray, labels: np.ndarray, lr: float, steps: int, every: int,
                           start: np.ndarray, tol: float = TOLERANCE) -> SharpnessRun:
    """θ ← θ − η ∇L(θ) on all of (x, labels) for ``steps`` steps, measuring the sharpness every
    ``every`` steps (power iteration warm-started from the last eigenvector). A loss that passes
    1000 times its start, or stops being finite, ends the run: ``diverged``."""
    lr, steps = checks.learning_rate(lr), checks.step_count(steps)
    every = checks.step_count(every, "steps between measurements")
    if steps // every + 1 > MAX_MEASUREMENTS:
        raise ValueError(f"{steps:,} steps measured every {every:,} would take {steps // every + 1:,} sharpness "
                         f"measurements, at most {MAX_MEASUREMENTS:,}: measure less often")
    params = checks.point(start, "start", net.size).copy()
    x, labels = checks.labelled(x, labels, net.inputs, net.classes)
    tol = checks.fraction(tol, "tolerance")
    losses, measured_at, values, components = [], [], [], []
    vector, diverged = None, False
    with np.errstate(all="ignore"):
        for k in range(steps + 1):
            value, gradient = network._loss_and_gradient(net, params, x, labels)
            if not math.isfinite(value) or (losses and value > 1000 * losses[0]):
                diverged = True
                break
            losses.append(value)
            if k % every == 0:
                top = _sharpness(net, params, x, labels, tol, start=vector)
                vector = top.vector
                measured_at.append(k)
                values.append(top.value)
            components.append(float(vector @ gradient))
            if k < steps:
                # θ ← θ − η ∇L(θ)
                params -= lr * gradient
    return SharpnessRun(lr, np.array(losses), np.array(measured_at), np.array(values), np.array(components), diverged)
