"""Hessian-vector products and the sharpness, against finite differences, the full Hessian with
numpy.linalg.eigvalsh, and the exact λ_max of least squares; the solver's stated accuracy (its
residual bound) on matrices whose two largest eigenvalues are 10⁻³ apart, where a stopping rule
on the change of vᵀHv stops far too early."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim import network, scenarios, sharpness, stability
from gdsim.network import Network


def _tiny(hidden, loss, seed=5, n=10, d=4, k=3):
    rng = np.random.default_rng(seed)
    net = Network(inputs=d, classes=k, hidden=hidden, loss=loss)
    return net, rng.normal(size=net.size), rng.normal(size=(n, d)), rng.integers(0, k, size=n), rng.normal(size=net.size)


# hidden 0 and 3 give 15 and 27 parameters (the dense path), 8 gives 67 (Lanczos)
CASES = [(h, loss) for h in (0, 3, 8) for loss in network.LOSSES]
assert {Network(4, 3, hidden=h).size > sharpness.DENSE_BELOW for h in (0, 3, 8)} == {False, True}


@pytest.mark.parametrize("hidden, loss", CASES)
def test_the_product_is_the_derivative_of_the_gradient_along_v(hidden, loss):
    net, params, x, labels, v = _tiny(hidden, loss)
    eps = 1e-5
    # (∇L(θ + εv) − ∇L(θ − εv)) / 2ε = Hv + O(ε²)
    numeric = (network.loss_and_gradient(net, params + eps * v, x, labels)[1]
               - network.loss_and_gradient(net, params - eps * v, x, labels)[1]) / (2 * eps)
    np.testing.assert_allclose(network.hessian_vector_product(net, params, x, labels, v), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("hidden, loss", CASES)
def test_the_full_hessian_matches_second_differences_of_the_loss(hidden, loss):
    net, params, x, labels, _ = _tiny(hidden, loss)
    H = sharpness.hessian(lambda v: network.hessian_vector_product(net, params, x, labels, v), net.size)
    L = lambda p: network.loss(net, p, x, labels)  # noqa: E731
    h, E = 1e-4, np.eye(net.size)
    rng = np.random.default_rng(0)
    for i, j in rng.integers(0, net.size, size=(25, 2)):
        second = (L(params + h * E[i] + h * E[j]) - L(params + h * E[i] - h * E[j])
                  - L(params - h * E[i] + h * E[j]) + L(params - h * E[i] - h * E[j])) / (4 * h * h)
        assert H[i, j] == pytest.approx(second, abs=1e-5 + 1e-5 * abs(second))
    np.testing.assert_allclose(H, H.T, atol=1e-12)


@pytest.mark.parametrize("hidden, loss", CASES)
def test_the_sharpness_is_the_top_eigenvalue_of_the_full_hessian(hidden, loss):
    net, params, x, labels, _ = _tiny(hidden, loss)
    product = lambda v: network.hessian_vector_product(net, params, x, labels, v)  # noqa: E731
    exact = np.linalg.eigvalsh(sharpness.hessian(product, net.size))
    found = sharpness.network_sharpness(net, params, x, labels, tol=1e-8)
    assert found.converged and found.value == pytest.approx(exact[-1], rel=1e-6)
    np.testing.assert_allclose(product(found.vector), found.value * found.vector, atol=1e-6 * abs(exact).max())


def _matrix(eigenvalues, seed):
    """A symmetric matrix with these eigenvalues, in a random orthonormal basis; and its columns."""
    n = len(eigenvalues)
    Q = np.linalg.qr(np.random.default_rng(seed).normal(size=(n, n)))[0]
    A = (Q * np.asarray(eigenvalues)) @ Q.T
    return (A + A.T) / 2, Q


def _spectrum(top, rest_low, rest_high, n=300, gap=1e-3, seed=0):
    """``top`` and ``top − gap`` above n − 2 eigenvalues spread over [rest_low, rest_high]."""
    rest = np.random.default_rng(seed + 100).uniform(rest_low, rest_high, size=n - 2)
    return np.concatenate([[top, top - gap], rest])


SPECTRA = {
    "positive": lambda seed: _spectrum(5.0, -3.0, 4.5, seed=seed),
    # |λ| largest at the bottom: power iteration would find −40, not λ_max
    "negative dominant": lambda seed: _spectrum(1.0, -40.0, 0.9, seed=seed),
    "all negative": lambda seed: _spectrum(-2.0, -30.0, -2.5, seed=seed),
    # the pair at the top and the bulk just under it: a relative gap of 10⁻⁴ to the rest
    "crowded": lambda seed: _spectrum(10.0, 0.0, 9.99, seed=seed),
}


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("kind", SPECTRA)
def test_two_top_eigenvalues_1e_3_apart_are_told_apart_to_1e_6(kind, seed):
    A, _ = _matrix(SPECTRA[kind](seed), seed)
    exact = np.linalg.eigvalsh(A)
    assert exact[-1] - exact[-2] == pytest.approx(1e-3, rel=1e-6)
    found = sharpness.top_eigenvalue(lambda v: A @ v, len(A), tol=1e-6, seed=seed)
    assert found.converged
    assert found.value == pytest.approx(exact[-1], rel=1e-6)
    # the stated bound, recomputed here: ‖Av − θv‖ ≤ tol·|θ| for the unit vector returned
    assert np.linalg.norm(found.vector) == pytest.approx(1)
    assert np.linalg.norm(A @ found.vector - found.value * found.vector) <= 1e-6 * abs(found.value)
    assert found.residual == pytest.approx(np.linalg.norm(A @ found.vector - found.value * found.vector), abs=1e-12)


def test_a_warm_start_on_the_second_eigenvector_still_finds_the_first():
    """The case a warm start fears: last time's direction is now the runner-up, 10⁻³ below the top."""
    A, Q = _matrix(SPECTRA["positive"](0), 0)
    for start in (Q[:, 1], Q[:, 1] + 1e-8 * Q[:, 0]):
        found = sharpness.top_eigenvalue(lambda v: A @ v, len(A), tol=1e-6, start=start)
        assert found.value == pytest.approx(np.linalg.eigvalsh(A)[-1], rel=1e-6)


def test_where_the_change_in_vhv_stops_power_iteration_too_early_the_residual_does_not():
    """The old rule (stop when vᵀHv changes by less than 10⁻³ of itself in one iteration), written
    here, stops well below λ_max on a close pair; the solver's residual bound does not."""
    A, _ = _matrix(_spectrum(5.0, 0.0, 4.0, gap=1e-3), 4)
    top = np.linalg.eigvalsh(A)[-1]
    v = np.random.default_rng(4).normal(size=len(A))
    v, value = v / np.linalg.norm(v), None
    while True:
        w = A @ v
        estimate = v @ w
        if value is not None and abs(estimate - value) <= 1e-3 * abs(estimate):
            break
        value, v = estimate, w / np.linalg.norm(w)
    assert top - estimate > 1e-4 * top, "the old rule is off by more than 10⁻⁴ here"
    assert np.linalg.norm(A @ v - estimate * v) > 1e-3 * estimate, "and its residual says so"
    found = sharpness.top_eigenvalue(lambda u: A @ u, len(A), tol=1e-6)
    assert found.value == pytest.approx(top, rel=1e-6)


def test_a_run_out_of_iterations_is_not_converged_and_says_how_far():
    A, _ = _matrix(SPECTRA["crowded"](1), 1)
    found = sharpness.top_eigenvalue(lambda v: A @ v, len(A), tol=1e-9, max_iterations=1)
    assert not found.converged and found.residual > 1e-9 * abs(found.value)
    assert found.residual == pytest.approx(np.linalg.norm(A @ found.vector - found.value * found.vector), rel=1e-9)
    # a Rayleigh quotient never exceeds λ_max
    assert found.value <= np.linalg.eigvalsh(A)[-1] + 1e-12


def test_a_dominant_negative_eigenvalue_does_not_hide_the_largest():
    Q = np.linalg.qr(np.random.default_rng(1).normal(size=(4, 4)))[0]
    A = Q @ np.diag([-6.0, -1.0, 0.5, 2.0]) @ Q.T
    found = sharpness.top_eigenvalue(lambda v: A @ v, 4, tol=1e-12)
    assert found.value == pytest.approx(2.0, rel=1e-6)


@pytest.mark.parametrize("name", ["original", "bad", "standardized"])
def test_on_least_squares_the_sharpness_is_the_exact_lambda_max(name):
    X = stability.design_matrix(scenarios.get(name).split.x_train)
    H = stability.hessian(X)
    found = sharpness.top_eigenvalue(lambda v: H @ v, 2, tol=1e-12)
    assert found.value == pytest.approx(stability.eigenvalues(X).max(), rel=1e-9)


@pytest.mark.parametrize("call, message", [
    (lambda: sharpness.top_eigenvalue(lambda v: v, 3, tol=1.5), "tolerance"),
    (lambda: sharpness.top_eigenvalue(lambda v: v, 0), "size"),
    (lambda: sharpness.top_eigenvalue(lambda v: v, 3, start=np.zeros(3)), "non-zero"),
    (lambda: sharpness.top_eigenvalue(lambda v: v, 3, start=np.ones(2)), "3 entries"),
    (lambda: sharpness.network_sharpness(Network(4, 3), np.zeros(2), np.zeros((1, 4)), np.zeros(1, int)), "must have 15 entries"),
    (lambda: sharpness.network_sharpness(Network(4, 3), np.zeros(15), np.zeros((0, 4)), np.zeros(0, int)), "empty"),
    (lambda: Network(4, 3, loss="hinge"), "unknown loss"),
])
def test_bad_input_says_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()
