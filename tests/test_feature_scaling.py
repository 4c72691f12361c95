"""Chapter "Feature scaling": the bad feature 10·x, its steeper bowl, standardization, one learning
rate on three problems and the trained line, checked against oracles derived here by hand
(closed forms, numpy.linalg, finite differences, gradient descent written as a matrix recursion)."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import matplotlib
import numpy as np
import pytest

from gdsim import scaling
from gdsim.chapters import feature_scaling as fs
from gdsim.chapters import model_and_data
from gdsim.site import references

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "feature-scaling.md"


# ---------------------------------------------------------------- oracles written out here


def _by_hand_split(factor: float = 1.0):
    """The chapters' split, re-derived: RandomState(42) draws x, noise, then shuffles; 80 train points."""
    rng = np.random.RandomState(42)
    x = rng.rand(100)
    y = 1 + 2 * x + 0.1 * rng.randn(100)
    index = np.arange(100)
    rng.shuffle(index)
    train, val = index[:80], index[80:]
    return factor * x[train], y[train], factor * x[val], y[val]


def _standardized_by_hand():
    x_tr, y_tr, x_va, y_va = _by_hand_split()
    m, s = x_tr.mean(), x_tr.std()
    return (x_tr - m) / s, y_tr, (x_va - m) / s, y_va


PROBLEMS = {
    "original": lambda: _by_hand_split()[:2],
    "bad": lambda: _by_hand_split(10.0)[:2],
    "standardized": lambda: _standardized_by_hand()[:2],
}


def _loss(theta, x, y) -> float:
    b, w = theta
    return float(sum((b + w * xi - yi) ** 2 for xi, yi in zip(x, y)) / len(x))


def _lstsq(x, y) -> np.ndarray:
    return np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y, rcond=None)[0]


def _descent_by_matrices(x, y, start, lr, epochs, explode=1e6):
    """θ ← θ − η (Hθ − g) with H = (2/n) XᵀX and g = (2/n) Xᵀy; stops as the chapter's runs do."""
    X = np.column_stack([np.ones_like(x), x])
    n = len(x)
    H, g = 2 / n * X.T @ X, 2 / n * X.T @ y
    thetas, losses = [np.asarray(start, float)], [_loss(start, x, y)]
    for _ in range(epochs):
        theta = thetas[-1] - lr * (H @ thetas[-1] - g)
        value = float(np.mean((X @ theta - y) ** 2))
        if not math.isfinite(value) or value > explode * losses[0]:
            return np.array(thetas), np.array(losses), True
        thetas.append(theta)
        losses.append(value)
    return np.array(thetas), np.array(losses), False


def _second_difference(f, theta, index, h=1e-3) -> float:
    e = np.zeros(2)
    e[index] = h
    return (f(theta + e) - 2 * f(theta) + f(theta - e)) / h**2


# the random start: b then w, two standard-normal draws from a fresh RandomState(42)
START = np.random.RandomState(42).randn(2)


# ---------------------------------------------------------------- the bad feature


def test_bad_feature_figure_shows_the_same_labels_against_ten_times_x():
    view = fs.bad_feature_data_view()
    (orig, bad), (x, y, _, _) = view.panels, _by_hand_split()
    assert (orig.name, bad.name) == ("original", "bad") and view.factor == 10 == fs.facts()["bad_factor"].value
    np.testing.assert_allclose(orig.x, x)
    np.testing.assert_allclose(bad.x, 10 * x)
    np.testing.assert_array_equal(orig.y, y)
    np.testing.assert_array_equal(bad.y, y)


def test_bad_window_is_centred_on_the_bad_truth():
    """A window of the original's size (6 × 6) around (b, w/10) = (1, 0.2)."""
    facts = fs.facts()
    assert (facts["bad_w_min"].value, facts["bad_w_max"].value) == pytest.approx((0.2 - 3, 0.2 + 3))
    assert facts["bad_x_max"].value == pytest.approx(10 * _by_hand_split()[0].max())


def _nice_step(top: float, bins: int = 8) -> float:
    """The plotting libraries' rule, written out: the smallest 'nice' step with bins·step ≥ top."""
    magnitude = 10 ** math.floor(math.log10(top / bins))
    return next(s * magnitude for s in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if s * magnitude * bins >= top)


def test_surfaces_levels_come_from_one_rule_and_the_bowls_maxima():
    """A convex bowl's maximum over a rectangle sits at a corner, so the colour scale's top is known."""
    view = fs.surfaces_view()
    facts = fs.facts()
    for panel in view.panels:
        x, y = PROBLEMS[panel.name]()
        corners = [_loss((b, w), x, y) for b in (panel.grid.b[0], panel.grid.b[-1])
                   for w in (panel.grid.w[0], panel.grid.w[-1])]
        top = max(corners)
        assert panel.grid.loss.max() == pytest.approx(top)
        assert facts[{"original": "max_loss_original", "bad": "max_loss_bad"}[panel.name]].value == pytest.approx(top)
        step = _nice_step(top)
        np.testing.assert_allclose(panel.levels, step * np.arange(len(panel.levels)))
        assert panel.levels[-1] >= top > panel.levels[-2]
        assert (
            facts[{"original": "level_original", "bad": "level_bad"}[panel.name]].value
            == pytest.approx(step)
            == panel.innermost
        )
        np.testing.assert_allclose(panel.solution, _lstsq(x, y))
    # the same rule gives a much coarser innermost line once the bowl is ×10 steeper along w
    assert facts["level_bad"].value > 10 * facts["level_original"].value


# ---------------------------------------------------------------- curvature


@pytest.mark.parametrize("name", ["original", "bad", "standardized"])
def test_curvatures_are_the_second_derivatives_of_the_loss(name):
    x, y = PROBLEMS[name]()
    curv = fs.curvature_table()[name]
    theta = np.array([0.3, -0.7])
    def f(t):
        return _loss(t, x, y)

    assert curv["b"] == pytest.approx(_second_difference(f, theta, 0), rel=1e-4) == pytest.approx(2)
    assert curv["w"] == pytest.approx(_second_difference(f, theta, 1), rel=1e-4)
    # ∂²L/∂w² = 2·mean(x²)
    assert curv["w"] == pytest.approx(2 * np.mean(x**2))


def test_curvature_facts_scale_with_the_feature_squared():
    facts = fs.facts()
    x = _by_hand_split()[0]
    assert facts["curv_w"].value == pytest.approx(2 * np.mean(x**2))
    assert facts["curv_w_bad"].value == pytest.approx(100 * facts["curv_w"].value)
    assert facts["curv_ratio_original"].value == pytest.approx(1 / np.mean(x**2))
    assert facts["curv_ratio_bad"].value == pytest.approx(100 * np.mean(x**2))
    # a standardized feature has mean(z²) = var(z) + mean(z)² = 1
    assert facts["curv_w_std"].value == pytest.approx(2)


def test_cross_sections_are_exact_parabolas_through_the_start():
    view = fs.steepness_view()
    assert [p.name for p in view.panels] == ["original", "bad"]
    for panel in view.panels:
        x, y = PROBLEMS[panel.name]()
        assert panel.deltas[0] == -fs.STEEPNESS_REACH and panel.deltas[-1] == fs.STEEPNESS_REACH
        middle = len(panel.deltas) // 2
        assert panel.deltas[middle] == pytest.approx(0)
        assert panel.through_loss == pytest.approx(_loss(panel.through, x, y))
        step = panel.deltas[1] - panel.deltas[0]
        for index, name in enumerate("bw"):
            curve = panel.loss[name]
            for k in (0, middle + 17, len(curve) - 1):
                moved = panel.through.copy()
                moved[index] += panel.deltas[k]
                assert curve[k] == pytest.approx(_loss(moved, x, y))
            assert curve[middle] == pytest.approx(panel.through_loss)
            # a quadratic's second difference is its curvature times the step squared, everywhere
            np.testing.assert_allclose(np.diff(curve, 2) / step**2, panel.curvature[name], rtol=1e-6)
    # the start the curves cross at is the grid point nearest the random start (grid step 0.06)
    for panel in view.panels:
        assert np.all(np.abs(panel.through - START) <= 0.03 + 1e-12)


# ---------------------------------------------------------------- standardization


def test_standardization_statistics_come_from_the_training_set_only():
    facts = fs.facts()
    x_tr, _, _, _ = _by_hand_split()
    _, _, z_va, _ = _standardized_by_hand()
    assert facts["train_mean"].value == pytest.approx(x_tr.mean())
    assert facts["train_std"].value == pytest.approx(x_tr.std())
    assert facts["scaled_train_mean"].value == pytest.approx(0, abs=1e-12)
    assert facts["scaled_train_std"].value == pytest.approx(1)
    assert facts["scaled_val_mean"].value == pytest.approx(z_va.mean())
    assert facts["scaled_val_std"].value == pytest.approx(z_va.std())
    assert abs(facts["scaled_val_mean"].value) > 1e-3  # the validation set's own mean was not used
    assert isinstance(fs.standardizer(), scaling.Standardizer)


def test_three_maps_are_the_three_problems_with_root_spaced_levels():
    view = fs.three_maps_view()
    assert [p.name for p in view.panels] == ["original", "bad", "standardized"]
    for panel in view.panels:
        x, y = PROBLEMS[panel.name]()
        np.testing.assert_allclose(panel.solution, _lstsq(x, y))
        np.testing.assert_allclose(panel.start, START)
        # every panel's window has the original's size
        assert panel.grid.b[-1] - panel.grid.b[0] == pytest.approx(6)
        assert panel.grid.w[-1] - panel.grid.w[0] == pytest.approx(6)
        # twelve even steps in √loss from the bowl's floor to its rim, each level rounded to two
        # significant digits (so within 5 % of the exact square)
        low, high = np.sqrt(panel.grid.loss.min()), np.sqrt(panel.grid.loss.max())
        ideal = np.linspace(low, high, 13)[1:] ** 2
        inner = panel.levels[1:-1]  # between 0 and the exact top; the rounded top may be dropped
        assert len(inner) in (len(ideal), len(ideal) - 1)
        np.testing.assert_allclose(inner, ideal[: len(inner)], rtol=0.05)
        assert panel.levels[0] == 0 and panel.levels[-1] == pytest.approx(panel.grid.loss.max())
        assert "√loss" in panel.spacing
    assert view.panels[2].axis_labels == ("$b_z$ (bias)", "$w_z$ (weight)")
    assert view.panels[0].axis_labels == ("$b$ (bias)", "$w$ (weight)")


def test_standardized_bowl_is_round():
    """Centred and unit-spread, the Hessian is 2·I: both eigenvalues 2."""
    x, _ = PROBLEMS["standardized"]()
    X = np.column_stack([np.ones_like(x), x])
    np.testing.assert_allclose(np.linalg.eigvalsh(2 / len(x) * X.T @ X), [2, 2], atol=1e-12)
    assert fs.curvature_table()["standardized"] == pytest.approx({"b": 2, "w": 2})


# ---------------------------------------------------------------- one learning rate, three problems


@pytest.mark.parametrize("name", ["original", "bad", "standardized"])
def test_scaling_runs_are_gradient_descent(name):
    x, y = PROBLEMS[name]()
    run = fs.scaling_runs()[name]
    thetas, losses, diverged = _descent_by_matrices(x, y, START, fs.SCALING_LR, fs.SCALING_EPOCHS)
    assert run.diverged == diverged
    np.testing.assert_allclose(run.params, thetas, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(run.losses, losses, rtol=1e-9)


def test_the_rate_is_harmless_on_two_problems_and_fatal_on_the_bad_one():
    """Gradient descent converges iff η < 2/λ_max; the bad feature's λ_max puts η far above it."""
    facts = fs.facts()
    for name, stable in (("original", True), ("bad", False), ("standardized", True)):
        x, _ = PROBLEMS[name]()
        X = np.column_stack([np.ones_like(x), x])
        lam_max = np.linalg.eigvalsh(2 / len(x) * X.T @ X).max()
        assert (2 / lam_max > fs.SCALING_LR) == stable
    runs = fs.scaling_runs()
    assert runs["bad"].diverged and not runs["original"].diverged and not runs["standardized"].diverged
    x, y = PROBLEMS["bad"]()
    _, losses, _ = _descent_by_matrices(x, y, START, fs.SCALING_LR, fs.SCALING_EPOCHS)
    assert facts["scaling_bad_steps"].value == len(losses) - 1 == runs["bad"].steps < 5
    assert np.all(np.diff(runs["bad"].losses) > 0)  # every step it took made things worse


def test_standardized_problem_converges_much_faster_at_the_same_rate():
    facts = fs.facts()
    first = {}
    for name in ("original", "standardized"):
        x, y = PROBLEMS[name]()
        best = _loss(_lstsq(x, y), x, y)
        _, losses, _ = _descent_by_matrices(x, y, START, fs.SCALING_LR, fs.SCALING_EPOCHS)
        close = [k for k, v in enumerate(losses) if v <= best * (1 + fs.CONVERGED_RTOL)]
        first[name] = close[0] if close else None
        assert fs.epochs_to_converge(fs.scaling_runs()[name], name) == first[name]
        quoted = {"original": "scaling_original_loss", "standardized": "scaling_std_loss"}[name]
        assert facts[quoted].value == pytest.approx(losses[-1])
    assert first["original"] is None
    assert first["standardized"] is not None and first["standardized"] < fs.SCALING_EPOCHS / 3
    assert facts["scaling_std_epochs"].value == first["standardized"]
    assert facts["converged_rtol_percent"].value == pytest.approx(0.1)
    assert facts["scaling_lr"].value == fs.SCALING_LR and facts["scaling_epochs"].value == fs.SCALING_EPOCHS


def test_epochs_to_converge_checks_its_tolerance():
    with pytest.raises(ValueError, match="rtol"):
        fs.epochs_to_converge(fs.scaling_runs()["original"], "original", rtol=0)


def test_race_plays_the_original_and_standardized_runs_to_the_last_epoch():
    race = fs.race_view()
    assert [p.map.name for p in race.panels] == ["original", "standardized"]
    assert race.lr == fs.SCALING_LR and race.epochs == fs.SCALING_EPOCHS
    assert race.shown[0] == 0 and race.shown[-1] == race.epochs and list(race.shown) == sorted(set(race.shown))
    for panel in race.panels:
        x, y = PROBLEMS[panel.map.name]()
        thetas, _, _ = _descent_by_matrices(x, y, START, race.lr, race.epochs)
        np.testing.assert_allclose(panel.run.params, thetas, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(panel.map.solution, _lstsq(x, y))


# ---------------------------------------------------------------- the trained model


def test_trained_model_is_least_squares_in_both_units():
    trained = fs.trained_model()
    x_tr, y_tr, x_va, _ = _by_hand_split()
    z_tr, _, _, _ = _standardized_by_hand()
    np.testing.assert_allclose(trained.theta_scaled, _lstsq(z_tr, y_tr), atol=1e-6)
    np.testing.assert_allclose(trained.theta, _lstsq(x_tr, y_tr), atol=1e-6)
    # the same line: b_z + w_z·z = b + w·x at every training point
    np.testing.assert_allclose(trained.theta_scaled[0] + trained.theta_scaled[1] * z_tr,
                               trained.theta[0] + trained.theta[1] * x_tr, rtol=1e-12)
    np.testing.assert_allclose(trained.trained_y, trained.theta[0] + trained.theta[1] * trained.line_x)
    np.testing.assert_allclose(trained.truth_y, 1 + 2 * trained.line_x)
    np.testing.assert_allclose(trained.split.x_val, x_va)
    assert trained.epochs == fs.SCALING_EPOCHS


def test_trained_facts_are_the_trained_line():
    facts = fs.facts()
    trained = fs.trained_model()
    x_tr, y_tr, x_va, y_va = _by_hand_split()
    assert (facts["trained_b"].value, facts["trained_w"].value) == pytest.approx(tuple(trained.theta))
    assert (facts["trained_b_scaled"].value, facts["trained_w_scaled"].value) == pytest.approx(tuple(trained.theta_scaled))
    assert facts["trained_val_loss"].value == pytest.approx(_loss(trained.theta, x_va, y_va))
    assert facts["trained_train_loss"].value == pytest.approx(_loss(trained.theta, x_tr, y_tr))
    # the noise keeps the fit off the truth, but by little
    assert abs(facts["trained_b"].value - 1) < 0.1 and abs(facts["trained_w"].value - 2) < 0.1


# ---------------------------------------------------------------- the page, the captions, the code


def _known_facts():
    return {**model_and_data.facts(), **fs.facts()}


def test_every_fact_the_page_quotes_is_defined_and_every_figure_is_ours():
    text = PAGE.read_text(encoding="utf-8")
    known = _known_facts()
    quoted = {name for kind, name, _ in references(text) if kind == "fact"}
    assert quoted <= set(known), quoted - set(known)
    figures = [name for kind, name, _ in references(text) if kind == "figure"]
    assert figures == [a.name for a in fs.ASSETS]


def test_captions_and_alt_texts_format_and_quote_the_runs_rate():
    known = _known_facts()
    for asset in fs.ASSETS:
        alt, caption = asset.alt.format_map(known), asset.caption.format_map(known)
        assert len(alt.split()) >= 20 and len(caption.split()) >= 6
    race = fs.ASSETS[[a.name for a in fs.ASSETS].index("scaled-vs-unscaled")]
    assert "{scaling_lr}" in race.caption and "{lr_small}" not in race.caption
    assert known["scaling_lr"].value == fs.race_view().lr


def test_fact_names_are_literal_strings():
    tree = ast.parse(Path(fs.__file__).read_text(encoding="utf-8"))
    facts_fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "facts")
    table = next(n for n in ast.walk(facts_fn) if isinstance(n, ast.Dict))
    assert all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in table.keys)
    assert [k.value for k in table.keys] == list(fs.facts())


@pytest.fixture(scope="module")
def drawn():
    from gdsim.paths import STYLE

    with matplotlib.rc_context(fname=str(STYLE)):
        yield {asset.name: asset.build() for asset in fs.ASSETS}


def test_animation_titles_keep_their_width_and_quote_the_runs(drawn):
    movie = drawn["scaled-vs-unscaled"]
    race = fs.race_view()
    titles = []
    for k in range(movie.count):
        movie.update(k)
        titles.append([ax.get_title() for ax in movie.figure.axes if ax.get_title()])
    assert len({tuple(len(t) for t in row) for row in titles}) == 1  # frame 0's text is as long as any
    last = titles[-1]
    for title, panel in zip(last, race.panels):
        assert f"{panel.run.losses[-1]:.4f}" in title and str(race.epochs) in title


