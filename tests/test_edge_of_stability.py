"""The edge of stability on the demo: sharpness against 2/η, checked against independent
measurements (a tight power iteration, the bowl's exact λ_max, the loss itself)."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim import network, sharpness, stability
from gdsim.chapters import edge_of_stability as E


@pytest.mark.parametrize("lr", [0.2, 0.25])
def test_the_sharpness_rises_from_below_2_over_eta_to_it_and_stays_while_the_loss_falls(lr):
    run = E.run(lr)
    ratio = run.sharpness / run.limit
    inside = np.abs(ratio - 1) <= 0.1
    outside = np.flatnonzero(~inside)
    first = outside[-1] + 1  # where the last stretch within 10 % of 2/η begins
    assert first < len(ratio) - 40, "it reaches 2/η and stays there for the last thousand steps and more"
    assert ratio[first - 1] < 0.9, "it comes from below"
    assert run.measured_at[first] == E.at_edge_from(run)
    assert ratio[first:].max() < 1.1 and run.losses[-1] < run.losses[0] and not run.diverged


def test_a_small_rate_sharpens_without_reaching_its_limit_and_the_loss_falls_every_step():
    run = E.run(E.RATES[0])
    assert np.all(run.sharpness[1:] / run.limit < 0.9) and E.at_edge_from(run) is None
    assert np.all(np.diff(run.losses) < 0)
    assert run.sharpness[-1] > run.sharpness[4:].min() * 1.3, "progressive sharpening"


def test_the_rate_that_starts_too_sharp_is_pushed_down_to_its_edge():
    run = E.run(E.RATES[-1])
    assert run.sharpness[0] > 1.5 * run.limit and run.sharpness.min() < run.limit
    assert abs(run.sharpness[-1] / run.limit - 1) < 0.05 and np.mean(np.diff(run.losses) > 0) > 0.2


def test_the_quick_measurements_agree_with_a_tight_power_iteration():
    """The chapter's warm-started estimates (tolerance 1e-3) against a cold start run to 1e-10."""
    x, labels = E.subset()
    params = network.initial(E.NET, E.SEED)
    run = E.run(E.RATES[-1])
    for _ in range(run.measured_at[2]):
        params -= run.lr * network.loss_and_gradient(E.NET, params, x, labels)[1]
    tight = sharpness.network_sharpness(E.NET, params, x, labels, tol=1e-10, seed=7)
    assert run.sharpness[2] == pytest.approx(tight.value, rel=2e-2)
    assert run.sharpness[0] == pytest.approx(
        sharpness.network_sharpness(E.NET, network.initial(E.NET, E.SEED), x, labels, tol=1e-10).value, rel=2e-2)


@pytest.mark.parametrize("lr", [0.25, 0.4])
def test_at_the_edge_a_step_multiplies_the_gradient_along_v_by_one_minus_eta_lambda(lr):
    factor = E.factor(lr)
    assert factor == pytest.approx(-1, abs=0.1)
    assert factor == pytest.approx(1 - lr * E.run(lr).sharpness[-1], abs=0.1)


def test_on_the_bowl_the_sharpness_is_lambda_max_and_a_rate_above_two_over_it_diverges():
    b = E.bowl()
    X = stability.design_matrix(E.scenarios.get(E.BOWL).split.x_train)
    assert b.lam_max == pytest.approx(np.linalg.eigvalsh(stability.hessian(X)).max(), rel=1e-12)
    for measured in b.sharpness:
        np.testing.assert_allclose(measured, b.lam_max, rtol=1e-3)
    below, above = b.losses
    assert below[-1] < 1e-5 * below[0] and above[-1] > 1e4 * above[0]
    # far from the start, the excess loss grows by (1 − ηλ_max)² per step along the steep direction
    assert above[-1] / above[-2] == pytest.approx((1 - b.rates[1] * b.lam_max) ** 2, rel=1e-3)


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=-0.1), "learning rate"),
    (dict(every=0), "between measurements"),
    (dict(start=np.zeros(3)), "must have 4810 entries"),
    (dict(steps=0), "number of steps"),
])
def test_bad_input_says_what_is_wrong(kwargs, message):
    x, labels = E.subset()
    args = dict(net=E.NET, x=x, labels=labels, lr=0.1, steps=2, every=1, start=network.initial(E.NET))
    with pytest.raises(ValueError, match=message):
        sharpness.descent_with_sharpness(**(args | kwargs))
    with pytest.raises(ValueError, match="empty"):
        sharpness.descent_with_sharpness(E.NET, x[:0], labels[:0], 0.1, 2, 1, network.initial(E.NET))


def test_the_exercises_count_the_rates_and_the_small_rates_distance_from_its_limit():
    """Oracle: the descent at the small rate replayed here, and its sharpness at the end measured by a
    cold power iteration run to 1e-10; the rates the first answer names are those above 2/λ at the start."""
    facts = E.facts()
    assert facts["eos_rates"].value == len(E.edge_view().runs)
    start = E.run(E.RATES[0]).sharpness[0]
    assert [lr for lr in E.RATES if lr > 2 / start] == [facts["eos_upper_lr"].value, facts["eos_big_lr"].value]
    x, labels = E.subset()
    params, lr = network.initial(E.NET, E.SEED).copy(), facts["eos_small_lr"].value
    for _ in range(E.run(lr).measured_at[-1]):
        params -= lr * network.loss_and_gradient(E.NET, params, x, labels)[1]
    tight = sharpness.network_sharpness(E.NET, params, x, labels, tol=1e-10, seed=7).value
    # 2/η over the sharpness reached
    assert facts["eos_small_limit_over_end"].value == pytest.approx((2 / lr) / tight, rel=2e-2)
    assert facts["eos_small_limit_over_end"].value > 2  # "more than twice": still far from the edge
