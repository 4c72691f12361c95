"""Chapter "One parameter": x², its tangents, the step story, the four regimes and the step counts,
each checked against pencil-and-paper arithmetic (x_k = (1 − 2η)ᵏ·x₀), central differences or a
loop written out here."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from gdsim import quadratic
from gdsim.chapters import one_parameter as ch
from gdsim.quadratic import Regime


def by_hand(x0: float, lr: float, steps: int) -> list[float]:
    """Iterates of x ← x − η·2x, written out as a plain loop."""
    xs = [x0]
    for _ in range(steps):
        xs.append(xs[-1] - lr * 2 * xs[-1])
    return xs


def count_by_hand(x0: float, lr: float, tol: float, cap: int = 200_000) -> float:
    """Steps until |x| ≤ tol by iterating; inf if |x| never shrinks."""
    if abs(1 - 2 * lr) >= 1:
        return math.inf
    x, k = x0, 0
    while abs(x) > tol and k < cap:
        x, k = x - lr * 2 * x, k + 1
    return k


@pytest.fixture(scope="module")
def facts():
    return ch.facts()


# ------------------------------------------------------------------ tangents


def test_tangents_touch_x2_with_its_central_difference_slope():
    view = ch.tangents()
    assert [t.x0 for t in view.tangents] == [-2.0, 2.0, 5.0]
    h = 1e-5
    for t in view.tangents:
        # central difference of x², exact up to rounding for a quadratic
        numeric = ((t.x0 + h) ** 2 - (t.x0 - h) ** 2) / (2 * h)
        assert t.slope == pytest.approx(numeric, rel=1e-9)
        assert t.loss == t.x0 * t.x0
        # the drawn segment passes through the touching point with that slope
        rise = np.diff(t.line.y)[0] / np.diff(t.line.x)[0]
        assert rise == pytest.approx(numeric, rel=1e-9)
        assert np.interp(t.x0, t.line.x, t.line.y) == pytest.approx(t.x0**2)
        assert t.line.x[0] == pytest.approx(t.x0 - ch.TANGENT_REACH) and t.line.x[-1] == pytest.approx(t.x0 + ch.TANGENT_REACH)
        # the move goes against the slope: −η·2x₀
        assert t.move == pytest.approx(-view.lr * 2 * t.x0)


def test_tangent_view_curves_are_x2_and_2x():
    view = ch.tangents()
    np.testing.assert_allclose(view.parabola.y, view.parabola.x**2)
    np.testing.assert_allclose(view.slope_line.y, 2 * view.slope_line.x)
    # the curves span every tangent point
    assert view.parabola.x[0] < -2 and view.parabola.x[-1] > 5
    assert view.slope_line.x[0] == view.parabola.x[0] and view.slope_line.x[-1] == view.parabola.x[-1]


# ------------------------------------------------------------------ step story


def test_fixed_steps_go_left_then_overshoot():
    story = ch.step_story()
    walk = story.fixed
    # 2 − 1 = 1, then 1 − 5 = −4 (the slope at 1 is still positive)
    assert list(walk.positions) == [2.0, 1.0, -4.0]
    assert list(walk.losses) == [4.0, 1.0, 16.0]
    assert list(walk.slopes) == [4.0, 2.0, -8.0]
    assert list(walk.moves) == [-1.0, -5.0]
    assert list(walk.rose) == [False, True]
    assert walk.parabola.x[0] <= -4 and walk.parabola.x[-1] >= 2
    np.testing.assert_allclose(walk.parabola.y, walk.parabola.x**2)


def test_scaled_steps_halve_x_each_time():
    story = ch.step_story()
    walk = story.scaled
    assert story.lr == 0.25
    # x_k = (1 − 2·0.25)ᵏ·2 = 2·0.5ᵏ
    np.testing.assert_allclose(walk.positions, [2 * 0.5**k for k in range(ch.STORY_LR_STEPS + 1)])
    np.testing.assert_allclose(walk.slopes, 2 * walk.positions)
    np.testing.assert_allclose(walk.moves, -story.lr * walk.slopes[:-1])
    assert not walk.rose.any()


def test_tiny_steps_needed_cover_the_distance():
    story = ch.step_story()
    assert story.tiny_step == 1e-4
    # ⌈2 / 10⁻⁴⌉ in exact rational arithmetic: no rounding in the way
    assert story.tiny_steps_needed == math.ceil(Fraction(2) / Fraction(1, 10_000)) == 20_000


# ------------------------------------------------------------------ regimes


def test_regime_runs_follow_the_closed_form_and_cover_four_regimes():
    view = ch.regimes()
    assert [run.regime for run in view.runs] == [Regime.MONOTONE, Regime.OSCILLATING, Regime.BOUNCING, Regime.DIVERGING]
    for run in view.runs:
        assert quadratic.regime(run.lr) == run.regime
        assert run.factor == pytest.approx(1 - 2 * run.lr)
        assert len(run.xs) == view.steps + 1 == ch.REGIME_STEPS + 1
        np.testing.assert_allclose(run.xs, by_hand(view.x0, run.lr, view.steps), rtol=1e-12)
        np.testing.assert_allclose(run.xs, view.x0 * (1 - 2 * run.lr) ** np.arange(view.steps + 1), rtol=1e-9)
        np.testing.assert_allclose(run.losses, run.xs**2, rtol=1e-12)
        # each panel's window holds its whole run
        assert run.parabola.x[0] < run.xs.min() and run.parabola.x[-1] > run.xs.max()


def test_regimes_do_what_their_names_say():
    by = {run.regime: run for run in ch.regimes().runs}
    mono, osc, bounce, div = (by[r] for r in (Regime.MONOTONE, Regime.OSCILLATING, Regime.BOUNCING, Regime.DIVERGING))
    assert np.all(mono.xs > 0) and np.all(np.diff(mono.losses) < 0)
    assert np.all(osc.xs[:-1] * osc.xs[1:] < 0) and np.all(np.diff(osc.losses) < 0)
    assert np.all(np.abs(bounce.xs) == 2.0) and np.all(bounce.losses == 4.0)
    assert np.all(np.diff(div.losses) > 0)


# ------------------------------------------------------------------ step counts


def test_step_counts_equal_iterating_by_hand():
    counts = ch.parabola_step_counts()
    assert 0.5 in counts.lrs and 1.0 in counts.lrs
    for lr in (0.005, 0.05, 0.1, 0.3, 0.5, 0.55, 0.8, 0.95, 0.995, 1.0, 1.1):
        k = int(np.flatnonzero(np.isclose(counts.lrs, lr))[0])
        assert counts.steps[k] == count_by_hand(counts.x0, float(counts.lrs[k]), counts.tol), lr
    assert np.all(np.isinf(counts.steps[counts.lrs >= 1.0]))
    assert np.all(np.isfinite(counts.steps[counts.lrs < 1.0]))
    # η and 1 − η shrink |x| by the same factor |1 − 2η|
    assert counts.steps[np.isclose(counts.lrs, 0.1)][0] == counts.steps[np.isclose(counts.lrs, 0.9)][0]


def test_step_counts_mark_the_regime_boundaries_and_the_converging_rates():
    counts = ch.parabola_step_counts()
    # L'' = 2: one step at 1/2, never from 2/2 on
    assert counts.one_step_lr == 0.5 and counts.limit_lr == 1.0
    assert counts.steps[counts.lrs == counts.one_step_lr][0] == 1 == counts.steps.min()
    assert [(m.regime, m.lr) for m in counts.marks] == [(Regime.MONOTONE, 0.1), (Regime.OSCILLATING, 0.8)]
    for mark in counts.marks:
        assert mark.steps == count_by_hand(2.0, mark.lr, 1e-6)


@pytest.mark.parametrize("lrs", [[], [0.1, -0.2], [0.2, 0.1], [[0.1]], [0.1, float("nan")]])
def test_step_counts_reject_bad_rates(lrs):
    with pytest.raises(ValueError):
        ch.step_counts(lrs)


def test_curvature_is_the_second_central_difference():
    h = 1e-3
    assert ch.curvature() == pytest.approx(((1 + h) ** 2 - 2 * 1 + (1 - h) ** 2) / h**2, rel=1e-6)


# ------------------------------------------------------------------ facts


def test_facts_quote_the_hand_computed_numbers(facts):
    v = {name: fact.value for name, fact in facts.items()}
    assert v["x2_start"] == 2 and v["x2_curvature"] == 2
    assert (v["regime_half"], v["regime_one"]) == (0.5, 1.0)
    assert v["cubic_slope_at_start"] == 15 * 2**2
    assert (v["tangent_slope_minus2"], v["tangent_slope_at2"], v["tangent_slope_at5"]) == (-4, 4, 10)
    assert (v["story_step_first"], v["story_step_greedy"]) == (1, 5)
    assert (v["story_x1"], v["story_loss1"], v["story_x2"], v["story_loss2"], v["story_slope2"]) == (1, 1, -4, 16, -8)
    assert (v["story_lr"], v["story_lr_x1"], v["story_lr_x2"], v["story_lr_x3"]) == (0.25, 1, 0.5, 0.25)
    assert (v["tiny_step"], v["tiny_steps_needed"]) == (1e-4, 20_000)
    assert v["tiny_lr_steps"] == count_by_hand(2.0, 1e-4, 1e-6)
    assert v["regime_steps"] == 12
    rates = {"monotone": 0.1, "oscillating": 0.8, "bouncing": 1.0, "diverging": 1.05}
    assert {k: v[f"rate_{k}"] for k in rates} == rates
    assert v["factor_monotone"] == pytest.approx(0.8)
    assert v["factor_oscillating"] == pytest.approx(-0.6)
    assert v["factor_diverging"] == pytest.approx(-1.1)
    assert v["final_x_monotone"] == pytest.approx(2 * 0.8**12)
    assert v["final_x_oscillating"] == pytest.approx(2 * 0.6**12)
    assert v["final_x_diverging"] == pytest.approx(2 * 1.1**12)
    assert v["final_loss_bouncing"] == 4.0
    assert v["final_loss_diverging"] == pytest.approx((2 * 1.1**12) ** 2)
    assert v["x2_steps_monotone"] == count_by_hand(2.0, 0.1, 1e-6) == count_by_hand(2.0, 0.9, 1e-6)
    assert v["x2_steps_oscillating"] == count_by_hand(2.0, 0.8, 1e-6)


def test_regime_facts_are_where_the_regime_changes(facts):
    half, one = facts["regime_half"].value, facts["regime_one"].value
    assert quadratic.regime(half * 0.999) == Regime.MONOTONE
    assert quadratic.regime(half) == Regime.ONE_STEP
    assert quadratic.regime(half * 1.001) == quadratic.regime(one * 0.999) == Regime.OSCILLATING
    assert quadratic.regime(one) == Regime.BOUNCING
    assert quadratic.regime(one * 1.001) == Regime.DIVERGING


def test_fact_names_are_literal_strings():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(ch.facts))
    keys = [k for node in ast.walk(tree) if isinstance(node, ast.Dict) for k in node.keys]
    assert keys and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in keys)


# ------------------------------------------------------------------ figures


