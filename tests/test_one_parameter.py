"""Chapter "One parameter": θ², its tangents, the step story, the steeper bowl, the four regimes and
the step counts, each checked against pencil-and-paper arithmetic (θ_k = (1 − ηc)ᵏ·θ₀), central
differences, numpy.linalg or a loop written out here."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from words import said

from gdsim import quadratic
from gdsim.chapters import one_parameter as ch
from gdsim.quadratic import Regime


def by_hand(theta0: float, lr: float, steps: int, c: float = 2.0) -> list[float]:
    """Iterates of θ ← θ − η·cθ (c = 2: θ²), written out as a plain loop."""
    thetas = [theta0]
    for _ in range(steps):
        thetas.append(thetas[-1] - lr * c * thetas[-1])
    return thetas


def count_by_hand(theta0: float, lr: float, shrink: float = 1e-6, cap: int = 200_000) -> float:
    """Steps on θ² until |θ| ≤ shrink·|θ₀| by iterating; inf if |θ| never shrinks."""
    if abs(1 - 2 * lr) >= 1:
        return math.inf
    theta, k = theta0, 0
    while abs(theta) > shrink * abs(theta0) and k < cap:
        theta, k = theta - lr * 2 * theta, k + 1
    return k


@pytest.fixture(scope="module")
def facts():
    return ch.facts()


# ------------------------------------------------------------------ tangents


def test_tangents_touch_theta2_with_its_central_difference_slope():
    view = ch.tangents()
    assert [t.theta0 for t in view.tangents] == [-2.0, 2.0, 5.0]
    h = 1e-5
    for t in view.tangents:
        # central difference of θ², exact up to rounding for a quadratic
        numeric = ((t.theta0 + h) ** 2 - (t.theta0 - h) ** 2) / (2 * h)
        assert t.slope == pytest.approx(numeric, rel=1e-9)
        assert t.loss == t.theta0 * t.theta0
        # the drawn segment passes through the touching point with that slope
        rise = np.diff(t.line.value)[0] / np.diff(t.line.theta)[0]
        assert rise == pytest.approx(numeric, rel=1e-9)
        assert np.interp(t.theta0, t.line.theta, t.line.value) == pytest.approx(t.theta0**2)
        assert t.line.theta[0] == pytest.approx(t.theta0 - ch.TANGENT_REACH)
        assert t.line.theta[-1] == pytest.approx(t.theta0 + ch.TANGENT_REACH)
        # the move goes against the slope: −η·2θ₀
        assert t.move == pytest.approx(-view.lr * 2 * t.theta0)


def test_tangent_view_curves_are_theta2_and_2theta():
    view = ch.tangents()
    np.testing.assert_allclose(view.parabola.value, view.parabola.theta**2)
    np.testing.assert_allclose(view.slope_line.value, 2 * view.slope_line.theta)
    # the curves span every tangent point
    assert view.parabola.theta[0] < -2 and view.parabola.theta[-1] > 5
    assert view.slope_line.theta[0] == view.parabola.theta[0] and view.slope_line.theta[-1] == view.parabola.theta[-1]


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
    assert walk.bowl.theta[0] <= -4 and walk.bowl.theta[-1] >= 2
    np.testing.assert_allclose(walk.bowl.value, walk.bowl.theta**2)


def test_scaled_steps_halve_x_each_time():
    story = ch.step_story()
    walk = story.scaled
    assert story.lr == 0.25
    # θ_k = (1 − 2·0.25)ᵏ·2 = 2·0.5ᵏ
    np.testing.assert_allclose(walk.positions, [2 * 0.5**k for k in range(ch.STORY_LR_STEPS + 1)])
    np.testing.assert_allclose(walk.slopes, 2 * walk.positions)
    np.testing.assert_allclose(walk.moves, -story.lr * walk.slopes[:-1])
    assert not walk.rose.any()


def test_tiny_steps_needed_cover_the_distance():
    story = ch.step_story()
    assert story.tiny_step == 1e-4
    # ⌈2 / 10⁻⁴⌉ in exact rational arithmetic: no rounding in the way
    assert story.tiny_steps_needed == math.ceil(Fraction(2) / Fraction(1, 10_000)) == 20_000


# ------------------------------------------------------------------ steeper bowl


def test_steeper_bowl_runs_follow_the_closed_form_on_one_window():
    view = ch.steeper_bowl()
    assert view.lr == ch.STORY_LR
    for bowl, c in ((view.gentle, 2.0), (view.steep, 10.0)):
        walk = bowl.walk
        assert walk.curvature == c
        np.testing.assert_allclose(walk.positions, by_hand(2.0, view.lr, len(walk.positions) - 1, c), rtol=1e-12)
        np.testing.assert_allclose(walk.losses, c / 2 * walk.positions**2, rtol=1e-12)
        np.testing.assert_allclose(walk.slopes, c * walk.positions, rtol=1e-12)
        np.testing.assert_allclose(walk.bowl.value, c / 2 * walk.bowl.theta**2, rtol=1e-12)
        assert bowl.factor == pytest.approx(1 - view.lr * c)
        assert (bowl.one_step_lr, bowl.limit_lr) == pytest.approx((1 / c, 2 / c))
        # the window holds the whole walk
        assert walk.bowl.theta[0] < walk.positions.min() and walk.bowl.theta[-1] > walk.positions.max()
    # one θ axis for both
    np.testing.assert_array_equal(view.gentle.walk.bowl.theta, view.steep.walk.bowl.theta)
    assert not view.gentle.walk.rose.any() and view.steep.walk.rose.all()


# ------------------------------------------------------------------ regimes


def test_regime_runs_follow_the_closed_form_and_cover_four_regimes():
    view = ch.regimes()
    assert [run.regime for run in view.runs] == [Regime.MONOTONE, Regime.OSCILLATING, Regime.BOUNCING, Regime.DIVERGING]
    for run in view.runs:
        assert quadratic.regime(run.lr) == run.regime
        assert run.factor == pytest.approx(1 - 2 * run.lr)
        assert len(run.thetas) == view.steps + 1 == ch.REGIME_STEPS + 1
        np.testing.assert_allclose(run.thetas, by_hand(view.theta0, run.lr, view.steps), rtol=1e-12)
        np.testing.assert_allclose(run.thetas, view.theta0 * (1 - 2 * run.lr) ** np.arange(view.steps + 1), rtol=1e-9)
        np.testing.assert_allclose(run.losses, run.thetas**2, rtol=1e-12)
        # each panel's window holds its whole run
        assert run.parabola.theta[0] < run.thetas.min() and run.parabola.theta[-1] > run.thetas.max()


def test_regimes_do_what_their_names_say():
    by = {run.regime: run for run in ch.regimes().runs}
    mono, osc, bounce, div = (by[r] for r in (Regime.MONOTONE, Regime.OSCILLATING, Regime.BOUNCING, Regime.DIVERGING))
    assert np.all(mono.thetas > 0) and np.all(np.diff(mono.losses) < 0)
    assert np.all(osc.thetas[:-1] * osc.thetas[1:] < 0) and np.all(np.diff(osc.losses) < 0)
    assert np.all(np.abs(bounce.thetas) == 2.0) and np.all(bounce.losses == 4.0)
    assert np.all(np.diff(div.losses) > 0)


# ------------------------------------------------------------------ step counts


def test_step_counts_equal_iterating_by_hand():
    counts = ch.parabola_step_counts()
    assert 0.5 in counts.lrs and 1.0 in counts.lrs
    for lr in (0.005, 0.05, 0.1, 0.3, 0.5, 0.55, 0.8, 0.95, 0.995, 1.0, 1.1):
        k = int(np.flatnonzero(np.isclose(counts.lrs, lr))[0])
        assert counts.steps[k] == count_by_hand(counts.theta0, float(counts.lrs[k]), counts.shrink), lr
    assert np.all(np.isinf(counts.steps[counts.lrs >= 1.0]))
    assert np.all(np.isfinite(counts.steps[counts.lrs < 1.0]))
    # η and 1 − η shrink |θ| by the same factor |1 − 2η|
    assert counts.steps[np.isclose(counts.lrs, 0.1)][0] == counts.steps[np.isclose(counts.lrs, 0.9)][0]


def test_step_counts_mark_the_regime_boundaries_and_the_converging_rates():
    counts = ch.parabola_step_counts()
    # L'' = 2: one step at 1/2, never from 2/2 on
    assert counts.one_step_lr == 0.5 and counts.limit_lr == 1.0
    assert counts.steps[counts.lrs == counts.one_step_lr][0] == 1 == counts.steps.min()
    assert [(m.regime, m.lr) for m in counts.marks] == [(Regime.MONOTONE, 0.1), (Regime.OSCILLATING, 0.8)]
    for mark in counts.marks:
        assert mark.steps == count_by_hand(2.0, mark.lr)


@pytest.mark.parametrize("lrs", [[], [0.1, -0.2], [0.2, 0.1], [[0.1]], [0.1, float("nan")]])
def test_step_counts_reject_bad_rates(lrs):
    with pytest.raises(ValueError):
        ch.step_counts(lrs)


@pytest.mark.parametrize("theta0, shrink, match", [(0.0, 1e-6, "theta0"), (float("nan"), 1e-6, "theta0"),
                                                   (2.0, 0, "shrink"), (2.0, 1.5, "shrink")])
def test_step_counts_reject_bad_starts_and_shrinks(theta0, shrink, match):
    with pytest.raises(ValueError, match=match):
        ch.step_counts([0.1, 0.2], theta0, shrink)


def test_curvature_is_the_second_central_difference():
    h = 1e-3
    assert ch.curvature() == pytest.approx(((1 + h) ** 2 - 2 * 1 + (1 - h) ** 2) / h**2, rel=1e-6)


# ------------------------------------------------------------------ facts


def test_facts_quote_the_hand_computed_numbers(facts):
    v = {name: fact.value for name, fact in facts.items()}
    assert v["theta2_start"] == 2 and v["theta2_curvature"] == 2
    assert (v["regime_half"], v["regime_one"]) == (0.5, 1.0)
    assert (v["tangent_slope_minus2"], v["tangent_slope_at2"], v["tangent_slope_at5"]) == (-4, 4, 10)
    assert (v["story_step_first"], v["story_step_greedy"]) == (1, 5)
    assert (v["story_theta1"], v["story_loss1"], v["story_theta2"], v["story_loss2"], v["story_slope2"]) == (1, 1, -4, 16, -8)
    assert (v["story_lr"], v["story_lr_theta1"], v["story_lr_theta2"], v["story_lr_theta3"]) == (0.25, 1, 0.5, 0.25)
    assert v["story_factor"] == 1 - 2 * 0.25
    assert (v["tiny_step"], v["tiny_steps_needed"]) == (1e-4, 20_000)
    assert v["tiny_lr_steps"] == count_by_hand(2.0, 1e-4)
    assert v["regime_steps"] == 12
    rates = {"monotone": 0.1, "oscillating": 0.8, "bouncing": 1.0, "diverging": 1.05}
    assert {k: v[f"rate_{k}"] for k in rates} == rates
    assert v["factor_monotone"] == pytest.approx(0.8)
    assert v["factor_oscillating"] == pytest.approx(-0.6)
    assert v["factor_diverging"] == pytest.approx(-1.1)
    assert v["final_theta_monotone"] == pytest.approx(2 * 0.8**12)
    assert v["final_theta_oscillating"] == pytest.approx(2 * 0.6**12)
    assert v["final_theta_diverging"] == pytest.approx(2 * 1.1**12)
    assert v["final_loss_bouncing"] == 4.0
    assert v["final_loss_diverging"] == pytest.approx((2 * 1.1**12) ** 2)
    assert v["theta2_steps_monotone"] == count_by_hand(2.0, 0.1) == count_by_hand(2.0, 0.9)
    assert v["theta2_steps_oscillating"] == count_by_hand(2.0, 0.8)
    # the smallest k with 0.8ᵏ ≤ 10⁻⁶, in closed form
    assert v["theta2_steps_monotone"] == math.ceil(math.log(1e-6) / math.log(0.8))


def test_steeper_bowl_facts_by_hand(facts):
    """5θ² = ½·10·θ²: slope 10θ, and η = 0.25 multiplies θ by 1 − 2.5 = −1.5."""
    v = {name: fact.value for name, fact in facts.items()}
    assert v["steeper_bowl_coefficient"] == 5 and v["steeper_bowl_curvature"] == 10
    # the second central difference of 5θ² is its curvature
    h = 1e-3
    assert v["steeper_bowl_curvature"] == pytest.approx((5 * (1 + h) ** 2 - 2 * 5 + 5 * (1 - h) ** 2) / h**2, rel=1e-6)
    assert v["steeper_bowl_slope_at_start"] == 5 * 2 * 2 and v["steeper_bowl_slope_ratio"] == 5
    assert v["steeper_bowl_factor"] == 1 - 0.25 * 10
    assert (v["steeper_bowl_theta1"], v["steeper_bowl_theta2"]) == (-3, 4.5)
    assert (v["steeper_bowl_loss0"], v["steeper_bowl_loss1"], v["steeper_bowl_loss2"]) == (20, 5 * 9, 5 * 4.5**2)
    assert (v["steeper_bowl_one_step_lr"], v["steeper_bowl_limit_lr"]) == (0.1, 0.2)
    # the limits do what they say: 0.1 lands on 0 in one step, 0.2 bounces, just above it grows
    assert list(quadratic.iterates(2.0, 0.1, 3, curvature=10)) == [2.0, 0.0]
    assert np.allclose(np.abs(quadratic.iterates(2.0, 0.2, 6, curvature=10)), 2.0)
    assert abs(quadratic.iterates(2.0, 0.201, 300, curvature=10)[-1]) > 2


def test_exercise_facts_by_hand(facts):
    v = {name: fact.value for name, fact in facts.items()}
    assert v["theta2_exercise_lr"] == 0.3
    assert v["theta2_exercise_factor"] == pytest.approx(0.4)
    assert v["theta2_exercise_steps"] == count_by_hand(2.0, 0.3) == math.ceil(math.log(1e-6) / math.log(0.4))
    # loss θ², θ multiplied by −1.1 each step: the loss by 1.21
    run = quadratic.run(2.0, 1.05, 5)
    np.testing.assert_allclose(run.losses[1:] / run.losses[:-1], v["theta2_exercise_loss_growth"], rtol=1e-12)
    assert v["theta2_exercise_loss_growth"] == pytest.approx(1.21)
    assert v["theta2_exercise_loss_growth_percent"] == pytest.approx(21)


def test_b_cut_bends_like_theta2_and_multiplies_its_distance_by_the_facts(facts):
    """Oracle: H_bb of (1/n)Σ(b + wx − y)² is 2 for any data; a walk along b alone shrinks the distance
    to the cut's bottom by 1 − 2η each step, measured on real gradient descent runs."""
    from gdsim import scenarios
    from gdsim.chapters.learning_rate import RATES
    from gdsim.descent import gradient_descent

    s = scenarios.get("original")
    x, y = s.split.x_train, s.split.y_train
    assert facts["theta2_bcut_curvature"].value == pytest.approx(2.0, rel=1e-12)
    w = s.snapped_start[1]
    bottom = np.mean(y - w * x)  # the b that minimises the loss with w fixed
    for key, name in (("small", "theta2_bcut_factor_small"), ("big", "theta2_bcut_factor_big"),
                      ("very_big", "theta2_bcut_factor_very_big")):
        run = gradient_descent(x, y, s.snapped_start, RATES[key], 3, update=("b",))
        distance = run.params[:, 0] - bottom
        np.testing.assert_allclose(distance[1:] / distance[:-1], facts[name].value, rtol=1e-9)
        assert facts[name].value == pytest.approx(1 - 2 * RATES[key])
    assert [facts[n].text() for n in ("theta2_bcut_factor_small", "theta2_bcut_factor_big",
                                      "theta2_bcut_factor_very_big")] == ["0.6", "−0.6", "−1.2"]


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




def _texts(fig) -> list[str]:
    """Every non-empty text of a drawn figure."""
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text().strip()]


@pytest.mark.parametrize("name", ["parabola-tangents", "step-story", "steeper-bowl", "parabola-regimes",
                                  "steps-vs-learning-rate"])
def test_figures_name_the_parameter_theta_never_x(name):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from gdsim.build import registry
    from gdsim.draw import one_parameter as draw
    from gdsim.draw.frames import Movie
    from gdsim.draw.style import COLUMN, PHONE

    asset = registry.get(name)
    for layout in (COLUMN, PHONE):
        drawn = getattr(draw, asset.draw)(asset.compute(), layout)
        fig = drawn.figure if isinstance(drawn, Movie) else drawn
        FigureCanvasAgg(fig).draw()
        texts = _texts(fig)
        assert any("\\theta" in t for t in texts), name
        assert not any("$x" in t or "x^2" in t or "x$" in t for t in texts), [t for t in texts if "x" in t]
    caption, alt = said(name)
    assert "x²" not in alt + caption and "x =" not in alt


def test_steeper_bowl_figure_draws_both_walks_over_one_theta_window():
    from gdsim.draw import one_parameter as draw
    from gdsim.draw.style import COLUMN, PHONE

    view = ch.steeper_bowl()
    for layout in (COLUMN, PHONE):
        fig = draw.steeper_bowl(view, layout)
        panels = [ax for ax in fig.axes if ax.get_title()]
        assert len(panels) == 2 and panels[0].get_xlim() == panels[1].get_xlim()
        for ax, bowl in zip(panels, (view.gentle, view.steep)):
            # the landings are the walk's points: every dot drawn sits on it
            dots = np.concatenate([line.get_xydata() for line in ax.get_lines() if line.get_marker() == "o"])
            expected = np.column_stack([bowl.walk.positions, bowl.walk.losses])
            assert {tuple(p) for p in dots} == {tuple(p) for p in expected}
            # each bowl on its own loss scale, tall enough for its whole curve
            assert ax.get_ylim()[1] >= bowl.walk.bowl.value.max()
