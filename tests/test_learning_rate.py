"""Chapter "The learning rate": one step, steps along the cuts and full runs, for three rates.

The oracles are derived here by hand. Along one cross-section the loss is a parabola,
L(v) = L* + (H/2)(v − v*)², with H = 2 along b and H = 2·mean(x²) along w, so a gradient step
multiplies the distance to the bottom by (1 − ηH). Both parameters at once, the error θ − θ*
is multiplied by (I − ηH) with H = (2/n)XᵀX, and θ* comes from ``numpy.linalg.lstsq``.
"""

from __future__ import annotations

import ast
import inspect
import warnings

import matplotlib
import numpy as np
import pytest
from words import said

from gdsim import scenarios
from gdsim.chapters import learning_rate as lr_chapter
from gdsim.chapters import random_guess
from gdsim.descent import EXPLODE_FACTOR

matplotlib.use("Agg")

S = scenarios.get("original")
X, Y = S.split.x_train, S.split.y_train
B0, W0 = 0.52, -0.16  # the grid point nearest the random start (grid step 0.06)
SECANT_STEP = 0.12  # the article's ruler step, two grid spacings
RATE_KEYS = ("small", "big", "very_big")
EVERY_STEP = [(key, name) for key in RATE_KEYS for name in ("b", "w")]


def mse(b, w) -> float:
    return float(np.mean((b + w * X - Y) ** 2))


def parabola(name: str) -> tuple[float, float, float, float]:
    """(start value v0, bottom v*, curvature H, lowest loss L*) of one cut through (B0, W0)."""
    if name == "b":
        bottom = float(np.mean(Y - W0 * X))
        return B0, bottom, 2.0, mse(bottom, W0)
    bottom = float(np.mean(X * (Y - B0)) / np.mean(X**2))
    return W0, bottom, 2.0 * float(np.mean(X**2)), mse(B0, bottom)


def walk_oracle(name: str, lr: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Values and losses of ``steps`` gradient steps along one cut, from the closed form."""
    v0, bottom, h, lowest = parabola(name)
    values = bottom + (v0 - bottom) * (1 - lr * h) ** np.arange(steps + 1)
    return values, lowest + h / 2 * (values - bottom) ** 2


def full_oracle(lr: float, epochs: int) -> tuple[np.ndarray, np.ndarray]:
    """Iterates and losses of full gradient descent from the random start, by the linear recursion."""
    design = np.column_stack([np.ones_like(X), X])
    solution, *_ = np.linalg.lstsq(design, Y, rcond=None)
    hessian = 2 / len(X) * design.T @ design
    theta = [np.array(S.start, dtype=float)]
    for _ in range(epochs):
        theta.append(solution + (np.eye(2) - lr * hessian) @ (theta[-1] - solution))
    theta = np.array(theta)
    return theta, np.array([mse(b, w) for b, w in theta])


def lam_max() -> float:
    design = np.column_stack([np.ones_like(X), X])
    return float(np.linalg.eigvalsh(2 / len(X) * design.T @ design).max())


# ---------------------------------------------------------------- constants


def test_rates_are_the_chapters_three_with_one_spelling():
    assert lr_chapter.RATES == {"small": 0.2, "big": 0.8, "very_big": 1.1}
    facts = lr_chapter.facts()
    assert [facts[f"lr_{key}"].value for key in RATE_KEYS] == [0.2, 0.8, 1.1]


def test_the_snapped_start_is_the_grid_point_nearest_the_random_start():
    np.testing.assert_allclose(S.snapped_start, [B0, W0], atol=1e-12)
    assert np.all(np.abs(S.snapped_start - S.start) <= 0.03 + 1e-12)


@pytest.mark.parametrize("rate", ["tiny", "very-big", 0.2])
def test_unknown_rate_keys_are_a_clear_value_error(rate):
    with pytest.raises(ValueError, match="unknown rate"):
        lr_chapter.one_step_view(rate)


# ---------------------------------------------------------------- one step


@pytest.mark.parametrize("key, name", EVERY_STEP)
def test_one_step_moves_by_eta_times_the_exact_derivative(key, name):
    lr = lr_chapter.RATES[key]
    step = lr_chapter.one_step(name, lr)
    v0, bottom, h, _ = parabola(name)
    # oracle 1: a central finite difference of the loss along the cut
    eps = 1e-6
    at = (lambda v: mse(v, W0)) if name == "b" else (lambda v: mse(B0, v))
    derivative = (at(v0 + eps) - at(v0 - eps)) / (2 * eps)
    assert step.slope == pytest.approx(derivative, rel=1e-7)
    assert step.before == pytest.approx(v0)
    assert step.move == pytest.approx(-lr * derivative, rel=1e-7)
    assert step.after == pytest.approx(v0 - lr * derivative, rel=1e-7)
    assert step.loss_before == pytest.approx(at(v0))
    assert step.loss_after == pytest.approx(at(step.after))
    # oracle 2: on a parabola one step scales the distance to the bottom by (1 − ηH); the loss rises
    # exactly when η is above the cut's own limit 2/H
    assert step.after - bottom == pytest.approx((1 - lr * h) * (v0 - bottom), rel=1e-9)
    assert step.rose == (lr > 2 / h)
    assert step.param.name == name


def test_small_rate_moves_are_the_articles_plus_the_secant_bias():
    """The article moved w by 0.36 and b by 0.58 with η = 0.2 times slopes read over a 0.12 step.
    A forward secant over h, towards the bottom, is shallower than the tangent by (H/2)·h, so the
    exact moves are longer by η·(H/2)·h: 0.60 in b instead of 0.58."""
    for name, article in (("w", 0.36), ("b", 0.58)):
        _, _, h, _ = parabola(name)
        step = lr_chapter.one_step(name, 0.2)
        assert step.move == pytest.approx(article + 0.2 * h / 2 * SECANT_STEP, abs=5e-3)
    assert lr_chapter.one_step("b", 0.2).move == pytest.approx(0.60, abs=5e-3)


def test_big_rate_overshoots_the_bottom_of_the_b_cut_and_still_goes_down():
    step = lr_chapter.one_step("b", 0.8)
    _, bottom, _, _ = parabola("b")
    assert step.before < bottom < step.after
    assert step.loss_after < step.loss_before
    w_step = lr_chapter.one_step("w", 0.8)
    assert w_step.before < w_step.after < parabola("w")[1]  # w stays on the near side


def test_very_big_rate_climbs_in_b_but_not_in_w():
    b_step, w_step = lr_chapter.one_step("b", 1.1), lr_chapter.one_step("w", 1.1)
    assert b_step.loss_after > b_step.loss_before and b_step.rose
    assert w_step.loss_after < w_step.loss_before and not w_step.rose
    # the two one-axis limits bracket the rate: 2/H_bb = 1 < 1.1 < 2/H_ww
    assert 2 / parabola("b")[2] < 1.1 < 2 / parabola("w")[2]


# ---------------------------------------------------------------- walks along the cuts


@pytest.mark.parametrize("key, name", EVERY_STEP)
def test_walks_along_a_cut_follow_the_closed_form(key, name):
    lr = lr_chapter.RATES[key]
    view = lr_chapter.cut_walks_view(key)
    walk = view.walks[lr_chapter.CUTS.index(name)]
    assert walk.param.name == name and walk.steps == lr_chapter.CUT_STEPS == view.steps
    values, losses = walk_oracle(name, lr, walk.steps)
    np.testing.assert_allclose(walk.values, values, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(walk.losses, losses, rtol=1e-9)
    # every step of a walk rises or falls together: |1 − ηH| > 1 or not
    h = parabola(name)[2]
    assert np.all(walk.rose == (abs(1 - lr * h) > 1))
    assert view.frames == walk.steps + 1


def test_a_walk_moves_only_its_own_parameter():
    run = lr_chapter.cut_run("w", 0.2)
    assert np.all(run.params[:, 0] == B0) and len(set(run.params[:, 1])) == run.steps + 1
    run = lr_chapter.cut_run("b", 1.1)
    assert np.all(run.params[:, 1] == run.params[0, 1]) and not run.diverged


# ---------------------------------------------------------------- the shared cut axes


def test_cut_windows_share_one_width_and_hold_every_step():
    axes = lr_chapter.cut_axes()
    assert [cut.param.name for cut in axes.cuts] == list(lr_chapter.CUTS) == ["w", "b"]
    widths = [cut.window[1] - cut.window[0] for cut in axes.cuts]
    assert widths[0] == pytest.approx(widths[1])
    for cut in axes.cuts:
        lo, hi = cut.window
        for lr in lr_chapter.RATES.values():
            step = lr_chapter.one_step(cut.param.name, lr)
            assert lo < step.before < hi and lo < step.after < hi
        assert lo < parabola(cut.param.name)[1] < hi  # the bottom is in view
        # the curve drawn is the exact loss along the cut, over the whole window
        _, bottom, h, lowest = parabola(cut.param.name)
        assert cut.values[0] == pytest.approx(lo) and cut.values[-1] == pytest.approx(hi)
        np.testing.assert_allclose(cut.loss, lowest + h / 2 * (cut.values - bottom) ** 2, rtol=1e-9)
        assert cut.fixed_value == pytest.approx(B0 if cut.param.name == "w" else W0)
    low, high = axes.loss_range
    assert low == 0 and high >= max(cut.loss.max() for cut in axes.cuts)
    assert high < 2 * max(cut.loss.max() for cut in axes.cuts)  # no wasted headroom


def test_every_family_of_cut_figures_uses_the_same_axes():
    shared = lr_chapter.cut_axes()
    for key in RATE_KEYS:
        assert lr_chapter.one_step_view(key).axes is shared
        assert lr_chapter.cut_walks_view(key).axes is shared


def test_the_very_big_b_walk_leaves_the_shared_window_but_the_others_stay():
    axes = lr_chapter.cut_axes()
    top = axes.loss_range[1]
    for key in RATE_KEYS:
        for walk, cut in zip(lr_chapter.cut_walks_view(key).walks, axes.cuts):
            inside = (walk.values >= cut.window[0]) & (walk.values <= cut.window[1]) & (walk.losses <= top)
            if (key, walk.param.name) == ("very_big", "b"):
                assert inside[:3].all() and not inside[3:].any()  # two jumps, then gone for good
            else:
                assert inside.all()


# ---------------------------------------------------------------- full descent


@pytest.mark.parametrize("key", ["small", "big"])
def test_full_runs_follow_the_linear_recursion(key):
    lr = lr_chapter.RATES[key]
    view = lr_chapter.descent_view(key)
    theta, losses = full_oracle(lr, lr_chapter.EPOCHS)
    assert not view.run.diverged and view.run.steps == lr_chapter.EPOCHS == view.epochs
    np.testing.assert_allclose(view.run.params, theta, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(view.run.losses, losses, rtol=1e-9)
    assert not view.rose.any()  # below 2/λ_max every epoch lowers the loss of a quadratic
    assert lr < 2 / lam_max()


def test_very_big_run_diverges_where_the_recursion_says_without_warnings():
    lr = lr_chapter.RATES["very_big"]
    assert lr > 2 / lam_max()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = lr_chapter.full_run.__wrapped__(lr)  # a fresh run, not the cached one
    _, losses = full_oracle(lr, 100)
    first_exploded = int(np.argmax(losses > EXPLODE_FACTOR * losses[0]))
    assert run.diverged and run.steps == first_exploded - 1
    np.testing.assert_allclose(run.losses, losses[: run.steps + 1], rtol=1e-9)
    view = lr_chapter.descent_view("very_big")
    assert view.rose.all() and view.frame_epochs[-1] == run.steps


def test_descent_views_share_the_map_and_the_loss_axis():
    views = [lr_chapter.descent_view(key) for key in RATE_KEYS]
    low, high = views[0].loss_range
    for view in views:
        assert view.grid is S.grid and view.loss_range == (low, high)
        np.testing.assert_allclose(view.solution, np.linalg.lstsq(np.column_stack([np.ones_like(X), X]), Y,
                                                                  rcond=None)[0])
        assert view.solution_loss == pytest.approx(mse(*view.solution))
        np.testing.assert_array_equal(view.start, S.start)
    assert low < views[0].solution_loss < 10 * low  # one decade of room under the floor
    converging_top = max(view.run.losses.max() for view in views[:2])
    assert converging_top * 10 <= high < converging_top * 100
    assert views[2].run.losses[-1] > high  # the diverging run leaves through the top


@pytest.mark.parametrize("steps", [0, 5, 12, 13, 59, 60])
def test_descent_frames_show_every_early_epoch_then_every_second_and_always_the_last(steps):
    epochs = lr_chapter.frame_epochs(steps)
    assert epochs[0] == 0 and epochs[-1] == steps and np.all(np.diff(epochs) > 0)
    assert set(range(min(steps, 12) + 1)) <= set(epochs.tolist())
    assert np.all(np.diff(epochs) <= 2)


# ---------------------------------------------------------------- facts


def test_facts_match_the_closed_forms():
    f = {name: fact.value for name, fact in lr_chapter.facts().items()}
    for key in RATE_KEYS:
        lr = lr_chapter.RATES[key]
        for name in ("b", "w"):
            v0, bottom, h, lowest = parabola(name)
            after = bottom + (1 - lr * h) * (v0 - bottom)
            assert f[f"one_{key}_{name}_move"] == pytest.approx(after - v0, rel=1e-9)
            assert f[f"one_{key}_{name}_loss"] == pytest.approx(lowest + h / 2 * (after - bottom) ** 2, rel=1e-9)
    steps = f["cut_steps"]
    assert steps == lr_chapter.cut_walks_view("small").walks[0].steps
    assert f["cut_small_w_final"] == pytest.approx(walk_oracle("w", 0.2, steps)[0][-1])
    assert f["cut_small_b_final"] == pytest.approx(walk_oracle("b", 0.2, steps)[0][-1])
    assert f["cut_big_b_loss"] == pytest.approx(walk_oracle("b", 0.8, steps)[1][-1])
    assert f["cut_very_big_b_loss"] == pytest.approx(walk_oracle("b", 1.1, steps)[1][-1])
    assert f["cut_very_big_b_loss"] > 50 * S.loss(S.snapped_start)
    assert f["epochs"] == lr_chapter.descent_view("small").epochs
    assert f["full_small_loss"] == pytest.approx(full_oracle(0.2, f["epochs"])[1][-1], rel=1e-9)
    assert f["full_big_loss"] == pytest.approx(full_oracle(0.8, f["epochs"])[1][-1], rel=1e-9)
    assert f["full_small_loss"] < f["full_big_loss"]  # the bigger rate is behind after 60 epochs
    losses = full_oracle(1.1, 100)[1]
    assert f["full_very_big_steps"] == int(np.argmax(losses > EXPLODE_FACTOR * losses[0])) - 1


def test_fact_names_are_literal_strings():
    tree = ast.parse(inspect.getsource(lr_chapter.facts))
    returned = [node.value for node in ast.walk(tree) if isinstance(node, ast.Return)]
    assert len(returned) == 1 and isinstance(returned[0], ast.Dict)
    keys = returned[0].keys
    assert all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in keys)
    assert len({k.value for k in keys}) == len(keys) == len(lr_chapter.facts())



def test_movies_have_one_frame_per_step_or_scheduled_epoch():
    from gdsim.build import registry

    for key in RATE_KEYS:
        with matplotlib.rc_context():
            steps = registry.get(f"steps-on-cuts-{key.replace('_', '-')}").build()
            descent = registry.get(f"descent-{key.replace('_', '-')}").build()
        assert steps.count == lr_chapter.CUT_STEPS + 1
        assert descent.count == len(lr_chapter.descent_view(key).frame_epochs)


def test_assets_pass_their_rate_key_and_quote_only_known_facts():
    for asset in lr_chapter.ASSETS:
        assert asset.params["rate"] in lr_chapter.RATES
        assert asset.name.endswith(asset.params["rate"].replace("_", "-"))
        _, alt = said(asset.name)  # an unknown fact would raise here
        assert len(alt.split()) >= 20


# ---------------------------------------------------------------- the θ² link: factors per step


@pytest.mark.parametrize("key", RATE_KEYS)
@pytest.mark.parametrize("name", ["b", "w"])
def test_each_step_multiplies_the_distance_to_the_bottom_by_one_minus_eta_c(key, name):
    """Measured on the real walks: (v_k+1 − v*) / (v_k − v*) is the quoted factor at every step."""
    lr = lr_chapter.RATES[key]
    v0, bottom, h, lowest = parabola(name)
    run = lr_chapter.cut_run(name, lr)
    index = 0 if name == "b" else 1
    distances = run.params[:, index] - bottom
    np.testing.assert_allclose(distances[1:] / distances[:-1], 1 - lr * h, rtol=1e-6)
    facts = lr_chapter.facts()
    assert facts[f"factor_{name}_{key}"].value == pytest.approx(1 - lr * h, rel=1e-12)
    assert facts[f"eta_curv_{name}_{key}"].value == pytest.approx(lr * h, rel=1e-12)
    step = lr_chapter.one_step(name, lr)
    assert step.bottom == pytest.approx(bottom, rel=1e-12) and step.bottom_loss == pytest.approx(lowest)
    assert step.share == pytest.approx(lr * h, rel=1e-9)


def test_the_b_cut_has_the_curvature_of_theta_squared_and_its_regimes():
    """Curvature 2 along b, so 0.2, 0.8, 1.1 give 0.6, −0.6, −1.2: monotone, oscillating, diverging."""
    from gdsim import quadratic

    facts = lr_chapter.facts()
    assert facts["cut_curv_b"].value == pytest.approx(2.0, rel=1e-12)
    expected = {"small": 0.6, "big": -0.6, "very_big": -1.2}
    for key, factor in expected.items():
        assert facts[f"factor_b_{key}"].value == pytest.approx(factor, abs=1e-12)
        # the same factor as one step of θ² from θ = 1
        assert quadratic.iterates(1.0, lr_chapter.RATES[key], 1)[1] == pytest.approx(factor)
    assert facts["factor_b_very_big_size"].value == pytest.approx(1.2)
    assert facts["climb_b_very_big"].value == pytest.approx(1.44)
    # the mirror pair: η and 1 − η leave the same distance, so the b losses are equal step for step
    np.testing.assert_allclose(lr_chapter.cut_run("b", 0.2).losses, lr_chapter.cut_run("b", 0.8).losses, rtol=1e-9)
    assert facts["cut_overshoot_b"].value == pytest.approx(0.5) and facts["cut_limit_b"].value == pytest.approx(1)
    hw = parabola("w")[2]
    assert facts["cut_curv_w"].value == pytest.approx(hw)
    assert facts["cut_overshoot_w"].value == pytest.approx(1 / hw) and facts["cut_limit_w"].value == pytest.approx(2 / hw)


def test_the_joint_limit_is_below_the_b_cuts():
    facts = lr_chapter.facts()
    lam = lam_max()
    assert facts["lr_lam_max"].value == pytest.approx(lam) and lam > 2
    assert facts["lr_limit"].value == pytest.approx(2 / lam)
    assert facts["lr_limit"].value < facts["cut_limit_b"].value
    assert facts["lr_big_percent_of_limit"].value == pytest.approx(100 * 0.8 * lam / 2)
    assert facts["lr_big_steep_factor"].value == pytest.approx(1 - 0.8 * lam)
    assert facts["lr_very_big_steep_factor"].value == pytest.approx(1 - 1.1 * lam)


def test_the_exact_slopes_are_steeper_than_the_ruler_by_the_secant_bias():
    """A forward secant over h of a parabola is the slope at h/2: shallower than the tangent by c·h/2."""
    facts = lr_chapter.facts()
    for name, at in (("b", lambda v: mse(v, W0)), ("w", lambda v: mse(B0, v))):
        v0, _, h, _ = parabola(name)
        ruler = (at(v0 + SECANT_STEP) - at(v0)) / SECANT_STEP
        exact = lr_chapter.one_step(name, 0.2).slope
        assert facts[f"ruler_{name}"].value == pytest.approx(ruler, rel=1e-9)
        assert exact - ruler == pytest.approx(-h * SECANT_STEP / 2, rel=1e-6)
        assert facts[f"exact_vs_ruler_{name}_percent"].value == pytest.approx(100 * (exact / ruler - 1), rel=1e-9)


def test_the_very_big_run_is_stopped_just_before_passing_the_explode_rule():
    facts = lr_chapter.facts()
    _, losses = full_oracle(1.1, 20)
    k = facts["full_very_big_steps"].value
    assert facts["full_very_big_start_loss"].value == pytest.approx(losses[0])
    assert facts["full_very_big_last_loss"].value == pytest.approx(losses[k], rel=1e-9)
    assert facts["full_very_big_next_loss"].value == pytest.approx(losses[k + 1], rel=1e-9)
    assert losses[k] <= EXPLODE_FACTOR * losses[0] < losses[k + 1]
    assert facts["explode_factor"].value == EXPLODE_FACTOR
    # the loss grows by about (1 − ηλ_max)² per step once the steep direction dominates
    assert facts["full_very_big_growth"].value == pytest.approx((1 - 1.1 * lam_max()) ** 2, rel=0.01)


def test_the_floor_is_the_noise_in_the_sample():
    """L* sits just under the true line's loss, the mean square of the noise actually drawn."""
    facts = random_guess.facts()  # the page quotes the random-guess chapter's noise facts
    rng = np.random.RandomState(42)
    rng.rand(100)  # x comes first in the stream
    noise = 0.1 * rng.randn(100)
    index = np.arange(100)
    rng.shuffle(index)
    drawn = noise[index[:80]]
    assert facts["true_line_loss"].value == pytest.approx(np.mean(drawn**2), rel=1e-9)
    assert facts["noise_variance"].value == pytest.approx(0.01)
    design = np.column_stack([np.ones_like(X), X])
    best, *_ = np.linalg.lstsq(design, Y, rcond=None)
    assert mse(*best) < facts["true_line_loss"].value < 1.3 * mse(*best)


def test_the_loss_per_step_panels_share_one_log_axis_holding_every_walk():
    low, high = lr_chapter.step_loss_range()
    losses = np.concatenate([walk_oracle(name, lr, lr_chapter.CUT_STEPS)[1]
                             for name in ("b", "w") for lr in lr_chapter.RATES.values()])
    assert low < losses.min() and losses.max() < high
    assert low == pytest.approx(losses.min() / lr_chapter.STEP_LOSS_MARGIN)
    for key in RATE_KEYS:
        assert lr_chapter.cut_walks_view(key).step_loss_range == (low, high)
