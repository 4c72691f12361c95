"""How big a learning rate least squares can take, exactly: the Hessian's eigenvalues decide.

For L(θ) = (1/n)‖Xθ − y‖² the Hessian is H = (2/n)XᵀX, constant in θ. Each step multiplies the
error along eigenvector i by (1 − ηλᵢ), so gradient descent converges iff 0 < η < 2/λ_max
(LeCun et al., "Efficient BackProp", 1998, §5.1; Nesterov, Lectures on Convex Optimization, 2018,
Thm 2.1.15). ``divergence_boundary`` finds the same threshold by running gradient descent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from gdsim import checks
from gdsim.descent import gradient_descent

# Steps per bisection run: enough that a rate 0.5 % above 2/λ_max visibly grows (1.01^400 ≈ 54).
BOUNDARY_STEPS = 400

# "Reached the minimum", on every page that counts steps: the error ‖θ_k − θ*‖ is down to this
# fraction of its start.
REACHED = 1e-6


@dataclass(frozen=True)
class Stability:
    """The learning-rate facts of one least-squares problem, one row of a table."""

    eigenvalues: np.ndarray
    max_stable_lr: float
    best_lr: float
    condition_number: float
    best_contraction: float


def design_matrix(x: ArrayLike) -> np.ndarray:
    """X = [1, x]: a column of ones for the bias b, then the feature for the weight w."""
    x = checks.vector(x, "x")
    return np.column_stack([np.ones_like(x), x])


def hessian(X: ArrayLike) -> np.ndarray:
    """The MSE's Hessian, the same at every θ because the loss is quadratic."""
    X = checks.design(X)
    with np.errstate(all="ignore"):
        # H = (2/n) XᵀX
        H = 2.0 / X.shape[0] * (X.T @ X)
    if not np.all(np.isfinite(H)):
        raise ValueError("the Hessian overflows: the design matrix's values are too large to square")
    return H


def eigenvalues(X: ArrayLike) -> np.ndarray:
    """The Hessian's eigenvalues, ascending: the loss's curvatures along its principal axes."""
    H = hessian(X)
    with np.errstate(all="ignore"):
        return np.linalg.eigvalsh(H)


def eigenvectors(X: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and unit eigenvectors (columns) of the Hessian."""
    H = hessian(X)
    with np.errstate(all="ignore"):
        return np.linalg.eigh(H)


def oriented_eigenvectors(x: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """The Hessian's eigenvalues (ascending) and unit eigenvectors (columns), each with its largest
    component positive, since an eigenvector's sign is arbitrary (arrows then point up or right)."""
    values, vectors = eigenvectors(design_matrix(x))
    signs = np.sign(vectors[np.argmax(np.abs(vectors), axis=0), np.arange(vectors.shape[1])])
    return values, vectors * signs


def max_stable_lr(X: ArrayLike) -> float:
    """The largest learning rate that does not diverge; at it, the steepest direction bounces forever."""
    lam_max = _positive_lam_max(eigenvalues(X))
    # η_max = 2 / λ_max
    return 2.0 / lam_max


def best_lr(X: ArrayLike) -> float:
    """The fixed learning rate that shrinks the slowest-shrinking error component fastest."""
    lam_min, lam_max = _nonsingular(eigenvalues(X), "the best learning rate")
    # η* = 2 / (λ_min + λ_max)
    return 2.0 / (lam_min + lam_max)


def condition_number(X: ArrayLike) -> float:
    """How much steeper the steepest direction is than the flattest: 1 is a round bowl."""
    lam_min, lam_max = _nonsingular(eigenvalues(X), "the condition number")
    # κ = λ_max / λ_min
    return lam_max / lam_min


def contraction(X: ArrayLike, lr: float) -> float:
    """The factor by which one step shrinks the worst error component; ≥ 1 means no convergence."""
    lr = checks.learning_rate(lr)
    lam = eigenvalues(X)
    # ρ(η) = max_i |1 − ηλᵢ|
    return float(np.max(np.abs(1.0 - lr * lam)))


def best_contraction(X: ArrayLike) -> float:
    """The per-step factor at the best learning rate: it tends to 1 as κ grows."""
    kappa = condition_number(X)
    # ρ* = (κ − 1) / (κ + 1)
    return (kappa - 1.0) / (kappa + 1.0)


def steps_to_tolerance(X: ArrayLike, lr: float, tol: float = REACHED) -> int | float:
    """Steps the contraction bound needs to shrink the error by ``tol``; ``math.inf`` if it never does."""
    tol = checks.fraction(tol, "tol")
    rho = contraction(X, lr)
    if rho >= 1.0:
        return math.inf
    if rho == 0.0:
        return 1
    # k = ⌈log(tol) / log ρ⌉, the smallest k with ρᵏ ≤ tol
    return max(1, math.ceil(math.log(tol) / math.log(rho)))


def analyse(X: ArrayLike) -> Stability:
    """All the facts of ``Stability`` for one design matrix."""
    return Stability(
        eigenvalues(X), max_stable_lr(X), best_lr(X), condition_number(X), best_contraction(X)
    )


def is_unstable(x: ArrayLike, y: ArrayLike, start: ArrayLike, lr: float, steps: int = BOUNDARY_STEPS) -> bool:
    """True if ``steps`` steps at ``lr`` diverge or end above the starting loss.

    Below 2/λ_max every error component shrinks, so the loss never rises; above it the steepest
    component grows geometrically and the loss eventually passes its start. Just above the
    threshold that can take more than ``steps`` steps, so the test errs only towards "stable".
    """
    run = gradient_descent(x, y, start, lr, steps)
    return bool(run.diverged or run.losses[-1] > run.losses[0])


def divergence_boundary(
    x: ArrayLike, y: ArrayLike, start: ArrayLike, lo: float, hi: float, steps: int = BOUNDARY_STEPS, rtol: float = 1e-4
) -> float:
    """The learning rate where gradient descent turns unstable, found by bisection on [lo, hi].

    ``lo`` must be stable and ``hi`` unstable by ``is_unstable``; the interval is halved until
    hi − lo ≤ rtol·hi and its midpoint returned. Misclassification can only call a barely
    unstable rate stable, so the result is at most slightly above 2/λ_max; more steps tighten it.
    """
    x, y = checks.data(x, y)
    lo, hi = checks.learning_rate(lo), checks.learning_rate(hi)
    steps, rtol = checks.step_count(steps), checks.fraction(rtol, "rtol")
    if lo >= hi:
        raise ValueError(f"need lo < hi, got lo={lo!r}, hi={hi!r}")
    if is_unstable(x, y, start, lo, steps):
        raise ValueError(f"lo={lo!r} is already unstable; pick a smaller lower bound")
    if not is_unstable(x, y, start, hi, steps):
        raise ValueError(f"hi={hi!r} is still stable after {steps} steps; pick a larger upper bound")
    while hi - lo > rtol * hi:
        mid = 0.5 * (lo + hi)
        if is_unstable(x, y, start, mid, steps):
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def _positive_lam_max(lam: np.ndarray) -> float:
    lam_max = float(lam[-1])
    if lam_max <= 0:
        raise ValueError("the Hessian is zero (the design matrix is all zeros): no curvature, no threshold")
    return lam_max


def _nonsingular(lam: np.ndarray, what: str) -> tuple[float, float]:
    lam_max = _positive_lam_max(lam)
    lam_min = float(lam[0])
    # Below rounding level (d·ε·λ_max) an eigenvalue is indistinguishable from 0.
    if lam_min <= len(lam) * np.finfo(float).eps * lam_max:
        raise ValueError(
            f"the Hessian is singular (λ_min ≈ 0, e.g. a constant or duplicated feature), "
            f"so {what} would divide by zero"
        )
    return lam_min, lam_max

