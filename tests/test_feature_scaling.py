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
from words import said, written

from gdsim import scaling
from gdsim.chapters import feature_scaling as fs
from gdsim.chapters import learning_rate, loss_surface, model_and_data
from gdsim.site.tags import references

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


def _root_levels(x, y, top):
    """The site's rule written out: L* + (k·d)², k = 0 … 12, d = √(top − L*)/12, L* the lstsq loss."""
    floor = _loss(_lstsq(x, y), x, y)
    return floor + (np.sqrt(top - floor) / 12 * np.arange(13)) ** 2


def test_surfaces_levels_come_from_one_rule_and_the_bowls_maxima():
    """A convex bowl's maximum over a rectangle sits at a corner, so the colour scale's top is known."""
    view = fs.surfaces_view()
    facts = fs.facts()
    inner = {}
    for panel in view.panels:
        x, y = PROBLEMS[panel.name]()
        corners = [_loss((b, w), x, y) for b in (panel.grid.b[0], panel.grid.b[-1])
                   for w in (panel.grid.w[0], panel.grid.w[-1])]
        top = max(corners)
        assert panel.grid.loss.max() == pytest.approx(top)
        assert facts[{"original": "max_loss_original", "bad": "max_loss_bad"}[panel.name]].value == pytest.approx(top)
        levels = _root_levels(x, y, top)
        np.testing.assert_allclose(panel.levels, levels, rtol=1e-9)
        inner[panel.name] = levels[1]
        assert facts[{"original": "level_original", "bad": "level_bad"}[panel.name]].value == pytest.approx(
            levels[1]) == panel.innermost
        np.testing.assert_allclose(panel.solution, _lstsq(x, y))
    # both bowls bottom out at the same L* (the same residuals), so every level scales with the top
    floor = _loss(_lstsq(*PROBLEMS["original"]()), *PROBLEMS["original"]())
    ratio = (inner["bad"] - floor) / (inner["original"] - floor)
    assert facts["level_ratio"].value == pytest.approx(ratio, rel=1e-6)
    assert ratio == pytest.approx((facts["max_loss_bad"].value - floor) / (facts["max_loss_original"].value - floor))
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
        # twelve even steps in √(L − L*) from the least-squares loss to the window's highest loss
        np.testing.assert_allclose(panel.levels, _root_levels(x, y, panel.grid.loss.max()), rtol=1e-9)
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


def _steps_to_shrink(x, y, lr, tol=1e-6, most=5000):
    """Steps until ‖θ_k − θ*‖ ≤ tol·‖θ₀ − θ*‖, by the matrix recursion from the start (None if never)."""
    thetas, _, _ = _descent_by_matrices(x, y, START, lr, most)
    errors = np.linalg.norm(thetas - _lstsq(x, y), axis=1)
    close = np.flatnonzero(errors <= tol * errors[0])
    return int(close[0]) if close.size else None


def test_standardized_problem_converges_much_faster_at_the_same_rate():
    facts = fs.facts()
    for name in ("original", "standardized"):
        x, y = PROBLEMS[name]()
        _, losses, _ = _descent_by_matrices(x, y, START, fs.SCALING_LR, fs.SCALING_EPOCHS)
        quoted = {"original": "scaling_original_loss", "standardized": "scaling_std_loss"}[name]
        assert facts[quoted].value == pytest.approx(losses[-1])
        steps = _steps_to_shrink(*PROBLEMS[name](), fs.SCALING_LR)
        assert fs.converge_steps(name) == steps
        assert facts[{"original": "scaling_original_steps", "standardized": "scaling_std_steps"}[name]].value == steps
    # on the round bowl every error shrinks by 1 − 2η per step: the bound is met exactly
    assert facts["scaling_std_factor"].value == pytest.approx(1 - 2 * fs.SCALING_LR)
    assert facts["scaling_std_steps"].value == math.ceil(math.log(1e-6) / math.log(1 - 2 * fs.SCALING_LR))
    assert facts["scaling_std_steps"].value < fs.SCALING_EPOCHS < facts["scaling_original_steps"].value
    x, _ = PROBLEMS["original"]()
    X = np.column_stack([np.ones_like(x), x])
    lam_min = np.linalg.eigvalsh(2 / len(x) * X.T @ X).min()
    assert facts["scaling_original_flat_factor"].value == pytest.approx(1 - fs.SCALING_LR * lam_min)
    assert facts["scaling_lr"].value == fs.SCALING_LR and facts["scaling_epochs"].value == fs.SCALING_EPOCHS


def test_the_convergence_criterion_is_how_bigs():
    """Every chapter counts steps to the same criterion: the error shrunk to 10⁻⁶ of its start."""
    from gdsim.chapters import how_big, one_parameter

    assert fs.CONVERGED_TOL == how_big.TOLERANCE == one_parameter.SHRINK == 1e-6
    x, y = PROBLEMS["standardized"]()
    assert how_big.steps_to_converge(x, y, START, fs.SCALING_LR) == fs.converge_steps("standardized")


def test_steps_to_converge_checks_its_tolerance():
    with pytest.raises(ValueError, match="tol"):
        fs.steps_to_converge(fs.scaling_runs()["original"], "original", tol=0)
    with pytest.raises(ValueError, match="scenario"):
        fs.converge_steps("unknown")


def test_limits_and_condition_numbers_are_the_hessians():
    """2/λ_max and κ from numpy's eigenvalues; standardizing raises the limit by 24 %, κ falls to 1."""
    facts = fs.facts()
    lam = {}
    for name in ("original", "bad", "standardized"):
        x, _ = PROBLEMS[name]()
        X = np.column_stack([np.ones_like(x), x])
        lam[name] = np.linalg.eigvalsh(2 / len(x) * X.T @ X)
    limit = {name: 2 / v[-1] for name, v in lam.items()}
    assert facts["limit_original"].value == pytest.approx(limit["original"])
    assert facts["limit_bad"].value == pytest.approx(limit["bad"])
    assert facts["limit_standardized"].value == pytest.approx(1.0)
    assert facts["limit_gain_percent"].value == pytest.approx(100 * (1 / limit["original"] - 1))
    assert round(facts["limit_gain_percent"].value) == 24
    assert facts["limit_bad_ratio"].value == pytest.approx(limit["original"] / limit["bad"])
    for name in lam:
        assert facts[f"kappa_fs_{name}"].value == pytest.approx(lam[name][-1] / lam[name][0])
    assert facts["kappa_fs_original"].value == pytest.approx(16.4, abs=0.05)
    assert facts["best_lr_standardized"].value == pytest.approx(2 / (lam["standardized"].sum()))


def test_the_best_rate_on_the_round_bowl_lands_on_the_minimum_in_one_step():
    x, y = PROBLEMS["standardized"]()
    thetas, _, _ = _descent_by_matrices(x, y, START, fs.facts()["best_lr_standardized"].value, 1)
    np.testing.assert_allclose(thetas[1], _lstsq(x, y), atol=1e-12)


def test_the_bad_run_blows_up_as_quoted():
    """Loss at the start, after one and two steps; the third would pass 10⁶ × the start and is refused."""
    facts = fs.facts()
    x, y = PROBLEMS["bad"]()
    _, losses, diverged = _descent_by_matrices(x, y, START, fs.SCALING_LR, 10, explode=math.inf)
    assert diverged is False and len(losses) == 11
    assert facts["scaling_bad_loss0"].value == pytest.approx(losses[0])
    assert facts["scaling_bad_loss1"].value == pytest.approx(losses[1])
    assert facts["scaling_bad_loss2"].value == pytest.approx(losses[2])
    assert losses[2] < 1e6 * losses[0] < losses[3]
    assert facts["scaling_bad_steps"].value == 2


def test_standardized_scatter_is_the_same_points_moved_and_stretched():
    view = fs.standardized_data_view()
    x_tr, y_tr, x_va, y_va = _by_hand_split()
    z_tr, _, z_va, _ = _standardized_by_hand()
    np.testing.assert_allclose(view.split.x_train, x_tr)
    np.testing.assert_allclose(view.scaled.x_train, z_tr)
    np.testing.assert_allclose(view.scaled.x_val, z_va)
    np.testing.assert_array_equal(view.scaled.y_train, y_tr)
    np.testing.assert_array_equal(view.scaled.y_val, y_va)
    # σ is the population standard deviation: ddof = 0, so z has standard deviation exactly 1
    assert view.std == pytest.approx(np.sqrt(np.mean((x_tr - x_tr.mean()) ** 2)))
    assert np.std(view.scaled.x_train) == pytest.approx(1) and np.std(x_tr / np.std(x_tr, ddof=1)) < 1
    np.testing.assert_allclose(view.marks, x_tr.mean() + x_tr.std() * np.array([-1, 0, 1]))
    np.testing.assert_allclose((view.marks - view.mean) / view.std, [-1, 0, 1], atol=1e-12)


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
    return {**model_and_data.facts(), **loss_surface.facts(), **learning_rate.facts(), **fs.facts()}


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
        caption, alt = said(asset.name, known)
        assert len(alt.split()) >= 20 and len(caption.split()) >= 6
    race = written("feature-scaling")["scaled-vs-unscaled"]
    assert "{{ fact scaling_lr }}" in race.caption and "lr_small" not in race.caption
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




def test_standardized_panels_name_their_axes_b_z_and_w_z_in_both_layouts():
    """Fix: the standardized maps are in b_z and w_z, the others in b and w, column and phone alike."""
    from gdsim.build import registry
    from gdsim.draw import style
    from gdsim.paths import STYLE

    for name in ("three-contour-maps", "scaled-vs-unscaled"):
        for layout in style.LAYOUTS:
            with matplotlib.rc_context(fname=str(STYLE)):
                made = registry.get(name).build(layout)
            fig = getattr(made, "figure", made)
            maps = [ax for ax in fig.axes if ax.get_xlabel()]
            labels = [(ax.get_xlabel(), ax.get_ylabel()) for ax in maps]
            assert labels[-1] == ("$b_z$ (bias)", "$w_z$ (weight)"), (name, layout.name, labels)
            assert all(pair == ("$b$ (bias)", "$w$ (weight)") for pair in labels[:-1]), (name, layout.name)
