"""The practice part's workload: the digits, the two classifiers and mini-batch SGD, against
scikit-learn's own loader and scaler, log-loss, finite differences and hand-computed steps."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.metrics import log_loss
from sklearn.preprocessing import StandardScaler

from gdsim import digits, network, search, sgd, workload
from gdsim.network import Network


@pytest.fixture(scope="module")
def data():
    return workload.data()


def _tiny(hidden, seed=3, n=12, d=5, k=3):
    rng = np.random.default_rng(seed)
    net = Network(inputs=d, classes=k, hidden=hidden)
    return net, rng.normal(size=net.size), rng.normal(size=(n, d)), rng.integers(0, k, size=n)


def test_the_digits_are_scikit_learns_read_from_its_file():
    x, labels = digits.raw()
    bundled = load_digits()
    assert np.array_equal(x, bundled.data) and np.array_equal(labels, bundled.target)
    assert x.shape == (1797, 64) and set(labels) == set(range(digits.CLASSES))


def test_the_split_is_disjoint_seeded_and_standardized_with_training_statistics_only(data):
    x, labels = digits.raw()
    order = np.random.default_rng(digits.SPLIT_SEED).permutation(len(labels))
    n_val = round(digits.VALIDATION_FRACTION * len(labels))
    train, val = order[n_val:], order[:n_val]
    scaler = StandardScaler().fit(x[train])  # keeps scale 1 where a pixel never varies, as we do
    np.testing.assert_allclose(data.x_train, scaler.transform(x[train]), atol=1e-12)
    np.testing.assert_allclose(data.x_val, scaler.transform(x[val]), atol=1e-12)
    assert np.array_equal(data.y_train, labels[train]) and np.array_equal(data.y_val, labels[val])
    assert len(data.y_train) + len(data.y_val) == len(labels) and not set(train) & set(val)


@pytest.mark.parametrize("hidden", [0, 4])
def test_the_loss_is_the_mean_cross_entropy_of_the_softmax(hidden):
    net, params, x, labels = _tiny(hidden)
    z = network.scores(net, params, x)
    probabilities = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    expected = log_loss(labels, probabilities, labels=range(net.classes))
    assert network.loss(net, params, x, labels) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("hidden", [0, 4])
def test_back_propagation_matches_central_finite_differences_in_every_parameter(hidden):
    net, params, x, labels = _tiny(hidden)
    value, gradient = network.loss_and_gradient(net, params, x, labels)
    assert value == pytest.approx(network.loss(net, params, x, labels), rel=1e-14)
    h = 1e-6
    numeric = np.array([(network.loss(net, params + h * e, x, labels) - network.loss(net, params - h * e, x, labels)) / (2 * h)
                        for e in np.eye(net.size)])
    np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-9)


def test_the_demo_network_is_laid_out_as_documented():
    net = workload.MLP
    assert net.size == 64 * 32 + 32 + 32 * 10 + 10 and workload.SOFTMAX.size == 64 * 10 + 10
    assert net.weight_mask().sum() == 64 * 32 + 32 * 10
    V, a, W, c = net.unpack(network.initial(net, seed=0))
    assert not a.any() and not c.any() and V.std() == pytest.approx(1 / 8, rel=0.05)


def test_full_batch_training_takes_exactly_the_gradient_descent_steps(data):
    net, lr = workload.SOFTMAX, 0.3
    run = sgd.train(net, data, lr, epochs=3, batch_size=len(data.y_train))
    theta = network.initial(net, seed=0)
    for _ in range(3):
        theta = theta - lr * network.loss_and_gradient(net, theta, data.x_train, data.y_train)[1]
    np.testing.assert_allclose(run.params, theta, rtol=0, atol=1e-13)
    assert run.steps == 3 and len(run.epoch_val_loss) == 4


def test_a_run_is_reproducible_and_a_constant_schedule_is_the_number_itself(data):
    a = sgd.train(workload.MLP, data, 0.1, epochs=2)
    b = sgd.train(workload.MLP, data, lambda step: 0.1, epochs=2)
    assert np.array_equal(a.params, b.params) and np.array_equal(a.step_loss, b.step_loss)
    assert a.steps == 2 * -(-len(data.y_train) // workload.BATCH_SIZE)


def test_the_update_to_weight_ratio_is_the_step_over_the_weights(data):
    net, lr = workload.MLP, 0.05
    run = sgd.train(net, data, lr, epochs=1)
    theta = network.initial(net, seed=0)
    rows = next(sgd.batches(len(data.y_train), workload.BATCH_SIZE, np.random.default_rng(0)))
    step = lr * network.loss_and_gradient(net, theta, data.x_train[rows], data.y_train[rows])[1]
    mask = net.weight_mask()
    assert run.update_ratio[0] == pytest.approx(np.linalg.norm(step[mask]) / np.linalg.norm((theta - step)[mask]), rel=1e-12)


def test_a_blow_up_stops_cleanly_with_finite_numbers_and_no_warning(data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = sgd.train(workload.MLP, data, 50.0, epochs=5)
    assert run.diverged and run.final_val_loss == np.inf
    assert all(np.all(np.isfinite(a)) for a in (run.params, run.step_loss, run.epoch_train_loss, run.update_ratio))
    assert run.steps < 5 * 45 and np.all(run.step_loss <= sgd.BLOWUP * run.epoch_train_loss[0])


def test_the_classifier_learns_the_digits(data):
    run = sgd.train(workload.MLP, data, 1.0, epochs=20)
    assert not run.diverged and run.epoch_val_accuracy[-1] >= 0.95
    assert run.epoch_val_accuracy[0] < 0.2  # from chance


def test_grid_search_picks_the_run_with_the_lowest_validation_loss(data):
    lrs = [0.01, 0.1, 1.0, 100.0]
    grid = search.grid_search(workload.SOFTMAX, data, lrs, epochs=2)
    losses = [sgd.train(workload.SOFTMAX, data, lr, epochs=2).final_val_loss for lr in lrs]
    assert np.array_equal(grid.val_loss, losses) and grid.best_lr == lrs[int(np.argmin(losses))]
    assert grid.val_loss[-1] == np.inf


@pytest.mark.parametrize("call, message", [
    (lambda d: Network(64, 1), "at least 2 classes"),
    (lambda d: Network(64, 10, hidden=-1), "hidden units"),
    (lambda d: sgd.train(workload.MLP, d, -0.1, 1), "learning rate"),
    (lambda d: sgd.train(workload.MLP, d, float("nan"), 1), "learning rate"),
    (lambda d: sgd.train(workload.MLP, d, lambda t: -1.0, 1), "learning rate"),
    (lambda d: sgd.train(workload.MLP, d, 0.1, 0), "number of epochs"),
    (lambda d: sgd.train(workload.MLP, d, 0.1, 1, batch_size=0), "batch size"),
    (lambda d: sgd.train(workload.MLP, d, 0.1, 1, start=np.zeros(3)), "2410 parameters"),
    (lambda d: digits.split(np.zeros((5, 2)), np.zeros(5), validation=1.5), "validation fraction"),
    (lambda d: digits.split(np.zeros((0, 2)), np.zeros(0)), "n ≥ 2"),
    (lambda d: search.grid_search(workload.MLP, d, [], 1), "lrs"),
    (lambda d: search.grid_search(workload.MLP, d, [0.1, 0.01], 1), "increasing"),
])
def test_bad_input_says_what_is_wrong(data, call, message):
    with pytest.raises(ValueError, match=message):
        call(data)
