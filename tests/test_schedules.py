"""Chapter "Schedules and adaptive rates": the schedules against their closed forms, SGD-HD against
plain SGD and finite differences, and the chapter's claims against its runs."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from gdsim import hypergradient, network, schedules, sgd, workload
from gdsim.chapters import schedules as chapter
from gdsim.digits import Split

BASE, TOP, SIZE = 0.5, 2.0, 10


@pytest.fixture(scope="module")
def data():
    return workload.data()


@pytest.fixture(scope="module")
def facts():
    return chapter.facts()


@pytest.fixture(scope="module")
def small(data):
    """A small slice of the digits, so the SGD-HD checks run in a moment."""
    return Split(data.x_train[:96], data.y_train[:96], data.x_val[:40], data.y_val[:40], data.mean, data.scale)


# ---------------------------------------------------------------- schedules against their closed forms


def test_triangular_is_the_piecewise_linear_zig_zag():
    """Oracle: straight lines between the knots base (even multiples of stepsize) and max (odd ones)."""
    t = np.arange(6 * SIZE + 1)
    knots = np.arange(0, 6 * SIZE + 1, SIZE)
    heights = np.where((knots // SIZE) % 2 == 1, TOP, BASE)
    assert np.allclose(schedules.triangular(t, BASE, TOP, SIZE), np.interp(t, knots, heights), rtol=0, atol=1e-12)
    assert schedules.triangular(0, BASE, TOP, SIZE) == BASE
    assert schedules.triangular(SIZE, BASE, TOP, SIZE) == TOP
    assert schedules.triangular(2 * SIZE, BASE, TOP, SIZE) == BASE
    assert schedules.triangular(SIZE // 2, BASE, TOP, SIZE) == pytest.approx((BASE + TOP) / 2)


def test_triangular2_halves_each_peak_and_exp_range_shrinks_by_gamma():
    peaks = [schedules.triangular2((2 * k + 1) * SIZE, BASE, TOP, SIZE) for k in range(3)]
    assert peaks == pytest.approx([TOP, BASE + (TOP - BASE) / 2, BASE + (TOP - BASE) / 4])
    # every trough is the base, whatever the cycle
    assert schedules.triangular2(np.arange(0, 7 * SIZE, 2 * SIZE), BASE, TOP, SIZE) == pytest.approx(BASE)
    gamma = 0.99
    for t in (3, SIZE, 3 * SIZE + 4):
        height = schedules.triangular(t, BASE, TOP, SIZE) - BASE
        assert schedules.exp_range(t, BASE, TOP, SIZE, gamma) == pytest.approx(BASE + height * gamma**t)
    # γ = 1 is the plain triangle
    t = np.arange(50)
    assert np.array_equal(schedules.exp_range(t, BASE, TOP, SIZE, 1.0), schedules.triangular(t, BASE, TOP, SIZE))


def test_the_decays_match_their_closed_forms():
    t = np.arange(200)
    ratio = schedules.exponential_decay(t[1:], 3.0, 0.02) / schedules.exponential_decay(t[:-1], 3.0, 0.02)
    assert np.allclose(ratio, math.exp(-0.02), rtol=1e-13)
    assert schedules.exponential_decay(0, 3.0, 0.02) == 3.0
    assert schedules.inverse_time_decay(50, 3.0, 0.02) == pytest.approx(1.5)  # halved at t = 1/k
    assert np.allclose(1 / schedules.inverse_time_decay(t, 3.0, 0.02), (1 + 0.02 * t) / 3.0)  # 1/η is linear in t
    # cosine: η₀ at 0, the midpoint at T/2, η_min at T and after
    assert schedules.cosine_decay(0, 2.0, 100, 0.2) == 2.0
    assert schedules.cosine_decay(50, 2.0, 100, 0.2) == pytest.approx(1.1)
    assert schedules.cosine_decay(25, 2.0, 100) == pytest.approx(1 + math.sqrt(0.5))
    assert schedules.cosine_decay(np.array([100, 150]), 2.0, 100, 0.2) == pytest.approx([0.2, 0.2])
    # step: a staircase with a drop at every multiple of `every`
    values = schedules.step_decay(np.array([0, 9, 10, 19, 20, 35]), 1.0, 0.5, 10)
    assert values == pytest.approx([1, 1, 0.5, 0.5, 0.25, 0.125])


@pytest.mark.parametrize("name", list(schedules.SCHEDULES))
def test_each_schedule_takes_one_step_or_an_array(name):
    bound = chapter.schedule(name)
    steps = np.arange(0, 900, 7)
    many = bound(steps)
    assert isinstance(bound(3), float) and isinstance(many, np.ndarray) and many.shape == steps.shape
    assert np.array_equal(many, np.array([bound(int(s)) for s in steps]))
    assert np.all(many > 0) and np.all(np.isfinite(many))


def test_a_schedule_drives_training_step_by_step(small):
    """sgd.train records exactly the schedule's closed-form value at every step."""
    bound = schedules.schedule("triangular", base=0.1, max_lr=0.8, stepsize=4)
    run = sgd.train(workload.MLP, small, bound, epochs=2, batch_size=16)
    t = np.arange(run.steps)
    assert np.array_equal(run.step_lr, schedules.triangular(t, 0.1, 0.8, 4))
    by_hand = sgd.train(workload.MLP, small, lambda k: 0.1 + 0.7 * max(0.0, 1 - abs(k / 4 - 2 * math.floor(1 + k / 8) + 1)),
                        epochs=2, batch_size=16)
    assert np.allclose(run.params, by_hand.params, rtol=0, atol=1e-12)


@pytest.mark.parametrize("call, message", [
    (lambda: schedules.exponential_decay(1, 0.0, 0.1), "learning rate"),
    (lambda: schedules.exponential_decay(1, math.nan, 0.1), "learning rate"),
    (lambda: schedules.inverse_time_decay(1, 1.0, -0.1), "decay constant"),
    (lambda: schedules.step_decay(1, 1.0, 0.0, 10), "drop"),
    (lambda: schedules.step_decay(1, 1.0, 0.5, 0), "every"),
    (lambda: schedules.cosine_decay(1, 1.0, 100, lr_min=1.0), "lr_min must be below lr0"),
    (lambda: schedules.cosine_decay(1, 1.0, 0), "total"),
    (lambda: schedules.triangular(1, 2.0, 1.0, 10), "base must be below max_lr"),
    (lambda: schedules.triangular(1, 1.0, 1.0, 10), "base must be below max_lr"),
    (lambda: schedules.triangular(1, -1.0, 1.0, 10), "learning rate"),
    (lambda: schedules.triangular2(1, 0.5, 1.0, 0), "stepsize"),
    (lambda: schedules.triangular(1, 0.5, 1.0, 0.5), "stepsize"),
    (lambda: schedules.exp_range(1, 0.5, 1.0, 10, 1.5), "gamma"),
    (lambda: schedules.triangular(-1, 0.5, 1.0, 10), "step must be at or above zero"),
    (lambda: schedules.triangular([0, math.inf], 0.5, 1.0, 10), "finite"),
    (lambda: schedules.schedule("warmup", lr0=1.0), "unknown schedule"),
    (lambda: schedules.schedule("cosine", lr0=1.0), "takes lr0, total, lr_min"),
    (lambda: schedules.schedule("triangular", base=1.0, max_lr=0.5, stepsize=10), "base must be below"),
])
def test_bad_arguments_say_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------- SGD-HD


def test_beta_zero_is_plain_sgd_bit_for_bit(small):
    plain = sgd.train(workload.MLP, small, 0.3, epochs=3, batch_size=16, seed=4)
    hd = hypergradient.sgd_hd(workload.MLP, small, 0.3, 0.0, epochs=3, batch_size=16, seed=4)
    for field in ("params", "epoch_train_loss", "epoch_val_loss", "epoch_val_accuracy", "step_loss", "step_lr",
                  "update_ratio"):
        assert np.array_equal(getattr(plain, field), getattr(hd, field)), field
    tiny = hypergradient.sgd_hd(workload.MLP, small, 0.3, 1e-14, epochs=3, batch_size=16, seed=4)
    assert np.allclose(tiny.params, plain.params, rtol=0, atol=1e-12)
    assert np.allclose(tiny.step_lr, 0.3, rtol=1e-12)


def test_the_hypergradient_is_the_slope_of_the_loss_in_the_rate(small):
    """Oracle, central finite differences: d/dα f(θ − α g) = −∇f(θ − α g) · g, on one batch."""
    net, theta = workload.MLP, network.initial(workload.MLP, 0)
    x, y = small.x_train[:32], small.y_train[:32]
    _, g = network.loss_and_gradient(net, theta, x, y)
    alpha, h = 0.4, 1e-6
    f = lambda a: network.loss(net, theta - a * g, x, y)  # noqa: E731
    numeric = (f(alpha + h) - f(alpha - h)) / (2 * h)
    _, g_next = network.loss_and_gradient(net, theta - alpha * g, x, y)
    assert -g_next @ g == pytest.approx(numeric, rel=1e-6)


def test_the_rate_follows_the_update_rule(small):
    """Oracle: the batches re-drawn from the seed and the gradients recomputed from the recorded
    parameters' path: α_t − α_{t−1} = β g_t · g_{t−1}, and θ moves by −α_t g_t."""
    beta, lr0 = 0.05, 0.01
    run = hypergradient.sgd_hd(workload.MLP, small, lr0, beta, epochs=1, batch_size=16, seed=3)
    rng = np.random.default_rng(3)
    theta, alpha, previous = network.initial(workload.MLP, 3), lr0, None
    for k, rows in enumerate(sgd.batches(len(small.y_train), 16, rng)):
        _, g = network.loss_and_gradient(workload.MLP, theta, small.x_train[rows], small.y_train[rows])
        alpha = alpha + (beta * float(g @ previous) if previous is not None else 0.0)
        assert run.step_lr[k] == pytest.approx(alpha, rel=1e-12)
        theta, previous = theta - alpha * g, g
    assert np.allclose(run.params, theta, rtol=0, atol=1e-12)


def test_a_huge_beta_stops_cleanly(small):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = hypergradient.sgd_hd(workload.MLP, small, 0.1, 1e4, epochs=5, batch_size=16)
    assert run.diverged and run.final_val_loss == math.inf
    assert np.all(np.isfinite(run.step_lr)) and np.all(np.isfinite(run.step_loss))
    assert run.steps < 5 * 6


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr0=0.0), "learning rate"),
    (dict(lr0=math.inf), "learning rate"),
    (dict(beta=-0.1), "beta"),
    (dict(beta=math.nan), "beta"),
    (dict(epochs=0), "epochs"),
    (dict(batch_size=0), "batch size"),
    (dict(seed=-1), "seed"),
])
def test_sgd_hd_bad_arguments(small, kwargs, message):
    args = dict(lr0=0.1, beta=0.1, epochs=1, batch_size=16, seed=0) | kwargs
    with pytest.raises(ValueError, match=message):
        hypergradient.sgd_hd(workload.MLP, small, **args)


def test_sgd_hd_refuses_empty_data(small):
    empty = Split(small.x_train[:0], small.y_train[:0], small.x_val, small.y_val, small.mean, small.scale)
    with pytest.raises(ValueError, match="x_train must be a non-empty"):
        hypergradient.sgd_hd(workload.MLP, empty, 0.1, 0.1, 1)


# ---------------------------------------------------------------- the chapter's runs and claims


def test_the_baseline_is_the_grids_best_and_not_on_its_border(data, facts):
    grid = chapter.grid()
    k = int(np.argmin(grid.val_loss))
    assert 0 < k < len(grid.lrs) - 1, "the best fixed rate must lie inside the grid"
    assert np.allclose(np.diff(np.log10(grid.lrs)), 0.5)
    assert facts["schedule_best_lr"].value == grid.lrs[k]
    # oracle: a fresh run at η* reproduces the grid's value; the rate below is worse, the top blows up
    fresh = sgd.train(workload.MLP, data, grid.lrs[k], chapter.EPOCHS)
    assert fresh.final_val_loss == grid.val_loss[k] == facts["schedule_fixed_val"].value
    assert facts["schedule_below_val"].value == grid.val_loss[k - 1] > facts["schedule_fixed_val"].value
    assert grid.val_loss[-1] == math.inf
    assert facts["schedule_fixed_train"].value < facts["schedule_fixed_val"].value / 10


def test_the_chapters_schedules_are_set_as_the_page_says(facts):
    lr, T = chapter.best_lr(), chapter.total_steps()
    assert T == 900 and chapter.steps_per_epoch() == 45
    for name in ("exponential", "inverse_time"):
        assert chapter.schedule(name)(T) == pytest.approx(chapter.END_FRACTION * lr)
    assert chapter.schedule("cosine")(T) == 0.0
    assert chapter.schedule("step")(T - 1) == pytest.approx(lr / 8)
    s = chapter.schedule("triangular")
    assert (s(0), s(facts["schedule_stepsize"].value)) == pytest.approx((lr / 4, lr))
    assert s(T) == pytest.approx(lr / 4), "the run ends at a cycle's end"
    assert facts["schedule_tri2_second_peak"].value == pytest.approx(lr / 4 + (lr - lr / 4) / 2)
    k = facts["schedule_exp_k"].value
    assert facts["schedule_exp_ratio"].value == pytest.approx(math.exp(-k))
    half = round(facts["schedule_exp_half"].value)
    assert chapter.schedule("exponential")(half) == pytest.approx(lr / 2, rel=2 * k)
    assert chapter.schedule("inverse_time")(facts["schedule_inv_half"].value) == pytest.approx(lr / 2)


def test_what_the_page_says_about_the_schedules(facts):
    val = {name: facts[f"schedule_{name}_val"].value for name in chapter.NAMES}
    fixed = facts["schedule_fixed_val"].value
    assert chapter.better() == ("step",) and val["step"] < fixed
    assert set(chapter.within_luck()) == set(chapter.NAMES) - {"step"}
    assert all(val[n] > fixed for n in ("cosine", "triangular", "triangular2", "exp_range"))
    for name in ("exponential", "inverse_time"):  # "level with it"
        assert abs(val[name] - fixed) < 0.1 * fixed
    assert val["cosine"] == max(val.values())
    assert facts["schedule_val_best"].value == val["step"] and facts["schedule_val_worst"].value == val["cosine"]
    acc = {name: facts[f"schedule_{name}_acc"].value for name in chapter.NAMES}
    assert acc["triangular"] == acc["triangular2"] == acc["exp_range"] < acc["cosine"] < acc["step"]
    assert acc["step"] == facts["schedule_fixed_acc"].value
    low, high = facts["schedule_fixed_seed_low"].value, facts["schedule_fixed_seed_high"].value
    assert low == fixed and high > max(val.values())


def test_sgd_hd_rates_four_decades_apart_end_within_a_factor_of_two(facts):
    """The issue's claim, on the chapter's runs: the last epoch's mean rates, max/min < 2."""
    view = chapter.hd_view()
    assert math.log10(max(view.lr0) / min(view.lr0)) >= 4
    ends = [float(np.mean(r[-chapter.steps_per_epoch():])) for r in view.rates]
    assert max(ends) / min(ends) < 2
    assert facts["hd_end_ratio"].value == pytest.approx(max(ends) / min(ends))
    # and the losses approach the tuned baseline: within a quarter of it
    finals = [v[-1] for v in view.val_loss]
    assert max(finals) < 1.25 * view.baseline_val_loss[-1]
    # the rates settle below η*, all positive
    assert all(np.all(r > 0) for r in view.rates) and max(ends) < view.best_lr


def test_what_the_page_says_about_beta(facts):
    timid, chosen, bold = (chapter.hd_run(chapter.BETA_LR0, b) for b in chapter.BETAS)
    assert chapter.BETAS[0] == chapter.BAYDIN_BETA
    # the first hypergradient: α₁ − α₀ = β g₁·g₀, so it is the same for every β
    first = [(r.step_lr[1] - r.step_lr[0]) / b for r, b in zip((timid, chosen, bold), chapter.BETAS)]
    assert first == pytest.approx([facts["hd_first_dot"].value] * 3, rel=1e-9)
    assert facts["hd_timid_end"].value < 0.2 * chapter.end_rate(chosen)
    assert facts["hd_timid_val"].value > 1.5 * chosen.final_val_loss
    assert np.all(chosen.step_lr > 0) and np.any(bold.step_lr < 0)
    assert facts["hd_bold_negative"].value == np.count_nonzero(bold.step_lr < 0)
    assert facts["hd_bold_peak"].value > 2 * chosen.step_lr.max()
    assert chosen.final_val_loss < min(timid.final_val_loss, bold.final_val_loss)
    wild = chapter.hd_run(chapter.BETA_LR0, chapter.BETA_BLOWUP)
    assert wild.diverged and facts["hd_wild_steps"].value == wild.steps < chapter.steps_per_epoch()


def test_the_fourth_exercise_runs_as_written_end_at_the_baselines_loss(data, facts):
    """The exercise's two calls, with the chapter's η* and epoch budget: one run, bit for bit."""
    lr, epochs = chapter.best_lr(), chapter.EPOCHS
    hd = hypergradient.sgd_hd(workload.MLP, data, lr0=lr, beta=0.0, epochs=epochs)
    plain = sgd.train(workload.MLP, data, lr, epochs=epochs)
    assert np.array_equal(hd.params, plain.params)
    assert hd.final_val_loss == plain.final_val_loss == facts["schedule_fixed_val"].value
    assert facts["schedule_epochs"].value == epochs and facts["schedule_best_lr"].value == lr
