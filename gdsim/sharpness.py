"""Sharpness: the largest eigenvalue of the training loss's Hessian, measured without forming it.

For least squares the Hessian is a constant matrix and gradient descent is stable exactly when
η < 2/λ_max (``gdsim.stability``). A network's Hessian changes as it trains, so its top
eigenvalue, the **sharpness**, is measured along the way from exact Hessian-vector products
(``network.hessian_vector_product``), never building the d × d matrix: by Lanczos iteration,
SciPy's ``eigsh`` (ARPACK) on a ``LinearOperator``, asked for the largest *signed* eigenvalue.

**What the tolerance guarantees.** The value returned is the Rayleigh quotient θ = vᵀHv of the
unit vector v returned, and ``converged`` means its residual, recomputed here with one more
product, satisfies ‖Hv − θv‖ ≤ tol·|θ|. For a symmetric H that puts an eigenvalue of H within
tol·|θ| of θ (within (tol·θ)²/gap when the rest are a gap away), and θ ≤ λ_max always. The bound
holds however close λ₂ is to λ₁, unlike a stopping rule on how much θ changed in one iteration,
which a slow convergence between two close eigenvalues satisfies long before θ is right. (That
the eigenvalue found is the top one, not another, is Lanczos' part: its Krylov space holds every
direction the start vector touches, so it finds λ_max unless the start is exactly orthogonal to it.)
Small matrices (``DENSE_BELOW`` rows) are built column by column and solved by ``eigvalsh``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

from gdsim import checks, network
from gdsim.network import Network

# The relative residual bound ‖Hv − λv‖ ≤ tol·|λ| a measurement meets when it converges.
TOLERANCE = 1e-6
# Lanczos restarts at most (each one ``LANCZOS_VECTORS`` − 1 products), and restarts from the
# vector found, with a tolerance ten times tighter, when the recomputed residual misses the bound.
MAX_ITERATIONS = 2000
LANCZOS_VECTORS = 20
RETRIES = 3
# Up to this size the matrix is built (``size`` products) and solved exactly by eigh.
DENSE_BELOW = 32
# Bounds on what one call may ask for: a vector of 10⁷ parameters is 80 MB; a dense Hessian of
# size n holds n² floats (4,096 → 134 MB); each sharpness measurement is a Lanczos run.
MAX_SIZE = 10**7
MAX_DENSE = 4096
MAX_MEASUREMENTS = 10_000
Product = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Eigen:
    """An eigenvalue estimate θ, its unit eigenvector v, the Hessian-vector products it took, and
    its residual ‖Hv − θv‖ (``converged``: at most tol·|θ|)."""

    value: float
    vector: np.ndarray
    products: int
    converged: bool
    residual: float = math.nan


def _counted(product: Product) -> tuple[Product, list[int]]:
    """``product`` that counts its calls and refuses a non-finite result."""
    calls = [0]

    def counted(v: np.ndarray) -> np.ndarray:
        calls[0] += 1
        w = np.asarray(product(np.ravel(v)), dtype=float).ravel()
        if not np.all(np.isfinite(w)):
            raise ValueError(f"the matrix-vector product gave a non-finite vector at product {calls[0]}: "
                             "the matrix (or the data behind it) holds NaN or inf")
        return w

    return counted, calls


def _checked_eigen(product: Product, v: np.ndarray, tol: float, calls: list[int]) -> Eigen:
    """The Rayleigh quotient of unit ``v`` and its residual, from one more product: the stated bound."""
    v = v / np.linalg.norm(v)
    w = product(v)
    # θ = vᵀHv, r = ‖Hv − θv‖
    value = float(v @ w)
    residual = float(np.linalg.norm(w - value * v))
    return Eigen(value, v, calls[0], residual <= tol * abs(value), residual)


def _dense(product: Product, size: int) -> np.ndarray:
    """The top eigenvector of the whole (small) matrix, built column by column."""
    H = np.column_stack([product(e) for e in np.eye(size)])
    # symmetrize the rounding away: eigvalsh reads one triangle
    return np.linalg.eigh((H + H.T) / 2)[1][:, -1]


def _lanczos(product: Product, size: int, v: np.ndarray, tol: float, max_iterations: int) -> np.ndarray:
    """ARPACK's Lanczos from ``v`` for the largest algebraic eigenvalue; its best vector if it runs out."""
    operator = LinearOperator((size, size), matvec=product, dtype=float)
    try:
        return eigsh(operator, k=1, which="LA", v0=v, tol=tol, maxiter=max_iterations,
                     ncv=min(size, LANCZOS_VECTORS))[1][:, 0]
    except ArpackNoConvergence as failed:
        return failed.eigenvectors[:, 0] if failed.eigenvectors.size else v


def top_eigenvalue(product: Product, size: int, tol: float = TOLERANCE, max_iterations: int = MAX_ITERATIONS,
                   start: np.ndarray | None = None, seed: int = 0) -> Eigen:
    """The largest eigenvalue λ_max of the symmetric matrix behind ``product`` (v ↦ Hv), with
    ‖Hv − λv‖ ≤ tol·|λ| when ``converged``: Lanczos from ``start`` (a random direction if None:
    pass the last eigenvector to warm-start), ``max_iterations`` restarts at most."""
    size = checks.step_count(size, "size", maximum=MAX_SIZE)
    tol = checks.fraction(tol, "tolerance")
    max_iterations = checks.step_count(max_iterations, "most iterations")
    v = np.random.default_rng(checks.seed(seed)).normal(size=size) if start is None else checks.vector(start, "start")
    if v.shape != (size,) or not np.any(v):
        raise ValueError(f"start must be a non-zero vector of {size} entries")
    counted, calls = _counted(product)
    if size <= DENSE_BELOW:
        return _checked_eigen(counted, _dense(counted, size), tol, calls)
    found = _checked_eigen(counted, _lanczos(counted, size, v, tol, max_iterations), tol, calls)
    # ARPACK's own test uses its estimate of the residual: if the recomputed one misses the bound,
    # go on from the vector found with a tighter tolerance (rarely needed, at most RETRIES times).
    tighter = tol
    for _ in range(RETRIES):
        if found.converged:
            break
        tighter /= 10
        found = _checked_eigen(counted, _lanczos(counted, size, found.vector, tighter, max_iterations), tol, calls)
    return found


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
    residuals: np.ndarray  # ‖Hv − λv‖/|λ| of each measurement: each one's relative accuracy bound

    @property
    def limit(self) -> float:
        """2/η, the largest sharpness a quadratic bowl can have and still be stable at this η."""
        return 2.0 / self.lr


def descent_with_sharpness(net: Network, x: np.ndarray, labels: np.ndarray, lr: float, steps: int, every: int,
                           start: np.ndarray, tol: float = TOLERANCE) -> SharpnessRun:
    """θ ← θ − η ∇L(θ) on all of (x, labels) for ``steps`` steps, measuring the sharpness every
    ``every`` steps (Lanczos warm-started from the last eigenvector, to ``tol``). A loss that passes
    1000 times its start, or stops being finite, ends the run: ``diverged``."""
    lr, steps = checks.learning_rate(lr), checks.step_count(steps)
    every = checks.step_count(every, "steps between measurements")
    if steps // every + 1 > MAX_MEASUREMENTS:
        raise ValueError(f"{steps:,} steps measured every {every:,} would take {steps // every + 1:,} sharpness "
                         f"measurements, at most {MAX_MEASUREMENTS:,}: measure less often")
    params = checks.point(start, "start", net.size).copy()
    x, labels = checks.labelled(x, labels, net.inputs, net.classes)
    tol = checks.fraction(tol, "tolerance")
    losses, measured_at, values, components, residuals = [], [], [], [], []
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
                # an eigenvector's sign is arbitrary: keep v · v_previous ≥ 0, so v · ∇L is comparable
                vector = top.vector if vector is None or top.vector @ vector >= 0 else -top.vector
                measured_at.append(k)
                values.append(top.value)
                residuals.append(top.residual / abs(top.value) if top.value else top.residual)
            components.append(float(vector @ gradient))
            if k < steps:
                # θ ← θ − η ∇L(θ)
                params -= lr * gradient
    return SharpnessRun(lr, np.array(losses), np.array(measured_at), np.array(values), np.array(components), diverged,
                        np.array(residuals))
