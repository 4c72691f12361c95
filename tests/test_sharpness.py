"""Hessian-vector products and the sharpness, against finite differences, the full Hessian with
numpy.linalg.eigvalsh, and the exact λ_max of least squares."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim import network, scenarios, sharpness, stability
from gdsim.network import Network


def _tiny(hidden, loss, seed=5, n=10, d=4, k=3):
    rng = np.random.default_rng(seed)
    net = Network(inputs=d, classes=k, hidden=hidden, loss=loss)
    return net, rng.normal(size=net.size), rng.normal(size=(n, d)), rng.integers(0, k, size=n), rng.normal(size=net.size)


CASES = [(h, loss) for h in (0, 3) for loss in network.LOSSES]


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
def test_power_iteration_finds_the_top_eigenvalue_of_the_full_hessian(hidden, loss):
    net, params, x, labels, _ = _tiny(hidden, loss)
    product = lambda v: network.hessian_vector_product(net, params, x, labels, v)  # noqa: E731
    exact = np.linalg.eigvalsh(sharpness.hessian(product, net.size))
    found = sharpness.network_sharpness(net, params, x, labels, tol=1e-10)
    assert found.converged and found.value == pytest.approx(exact[-1], rel=1e-6)
    np.testing.assert_allclose(product(found.vector), found.value * found.vector, atol=1e-3 * abs(exact).max())


def test_a_dominant_negative_eigenvalue_is_shifted_away():
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
