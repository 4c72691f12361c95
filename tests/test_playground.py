"""The learning-rate playground: gdsim's export against independent oracles, and the page in a real
browser — its JavaScript iterates equal gdsim's, the threshold indicator follows the slider, and
every control works from the keyboard alone."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gdsim import descent, quadratic, scenarios
from gdsim.chapters import one_parameter
from gdsim.site import playground
from gdsim.site.pages import playground_html

EXPORT = playground.export()
BY_NAME = {p["name"]: p for p in EXPORT["problems"]}


def training_data(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The chapters' 80 training points, rebuilt here from the legacy stream without gdsim.scaling."""
    rng = np.random.RandomState(42)
    x = rng.rand(100)
    y = 1.0 + 2.0 * x + 0.1 * rng.randn(100)
    index = np.arange(100)
    rng.shuffle(index)
    x, y = x[index[:80]], y[index[:80]]
    if name == "bad":
        x = 10.0 * x
    if name == "standardized":
        x = (x - x.mean()) / x.std()
    return x, y


# ------------------------------------------------------------------ the export, against oracles


def test_the_export_is_plain_json_and_lists_every_problem():
    text = json.dumps(EXPORT, allow_nan=False)
    assert json.loads(text) == EXPORT
    assert [p["name"] for p in EXPORT["problems"]] == ["theta2", *scenarios.NAMES]
    assert EXPORT["explode_factor"] == descent.EXPLODE_FACTOR


@pytest.mark.parametrize("name", scenarios.NAMES)
def test_each_regression_exports_its_data_start_minimum_and_exact_thresholds(name):
    p = BY_NAME[name]
    x, y = training_data(name)
    np.testing.assert_allclose(p["x"], x, rtol=1e-15, atol=1e-15)
    np.testing.assert_array_equal(p["y"], y)
    np.testing.assert_array_equal(p["start"], np.random.RandomState(42).randn(2))
    X = np.column_stack([np.ones_like(x), x])
    H = 2.0 / len(x) * X.T @ X
    np.testing.assert_allclose(p["hessian"], H, rtol=1e-12, atol=1e-15)
    lam = np.linalg.eigvalsh(H)
    assert p["lam_min"] == pytest.approx(lam[0], rel=1e-12) and p["lam_max"] == pytest.approx(lam[1], rel=1e-12)
    for d, value in zip(p["directions"], lam):
        assert d["lam"] == pytest.approx(value, rel=1e-12)
        assert d["one_step"] == pytest.approx(1.0 / value, rel=1e-12)
        assert d["limit"] == pytest.approx(2.0 / value, rel=1e-12)
        v = np.array(d["vector"])
        assert np.linalg.norm(v) == pytest.approx(1.0) and np.allclose(H @ v, value * v, rtol=1e-10, atol=1e-12)
    assert [d["name"] for d in p["directions"]] == ["flat", "steep"]
    solution, *_ = np.linalg.lstsq(X, y, rcond=None)
    np.testing.assert_allclose(p["minimum"], solution, rtol=1e-10)
    assert p["floor"] == pytest.approx(np.mean((X @ solution - y) ** 2), rel=1e-10)
    (b0, b1), (w0, w1) = p["window"]
    assert b0 < p["start"][0] < b1 and w0 < p["start"][1] < w1
    assert b0 < p["minimum"][0] < b1 and w0 < p["minimum"][1] < w1
    levels = np.array(p["levels"])
    assert levels[0] == pytest.approx(p["floor"]) and np.all(np.diff(np.sqrt(levels - levels[0])) > 0)
    r = p["rates"]
    assert r["min"] < r["default"] < 2.0 / lam[1] < 2.0 / lam[0] < r["max"]


def test_theta2_exports_the_bowl_and_its_regimes():
    p = BY_NAME["theta2"]
    assert p["dims"] == 1 and p["curvature"] == 2.0 and p["minimum"] == [0.0] and p["floor"] == 0.0
    assert p["start"] == [one_parameter.THETA0]
    (d,) = p["directions"]
    assert (d["lam"], d["one_step"], d["limit"]) == (2.0, 0.5, 1.0)
    assert p["lam_min"] == p["lam_max"] == 2.0
    lo, hi = p["window"][0]
    assert lo < -abs(p["start"][0]) and abs(p["start"][0]) < hi
    assert quadratic.regime(d["limit"]) == quadratic.Regime.BOUNCING
    assert quadratic.regime(d["one_step"]) == quadratic.Regime.ONE_STEP


def test_the_page_gets_the_data_inline_and_its_script_cannot_be_closed_by_it():
    data = '{"label":"</script><b> <!-- <script>"}'
    html = playground_html("<p>page</p>", data, "..")
    inline = html.split('<script type="application/json" id="gd-playground-data">')[1].split("</script>")[0]
    assert "<" not in inline and json.loads(inline) == json.loads(data)
    assert 'src="../javascripts/playground.js"' in html and 'href="../stylesheets/playground.css"' in html
    assert html.count("</script>") == 2


# ------------------------------------------------------------------ the page in a browser

CASES = [  # (problem, start, lr, steps): converging, oscillating, at the edge, diverging
    ("theta2", [2.0], 0.3, 60),
    ("theta2", [2.0], 0.8, 60),
    ("theta2", [-1.3], 1.05, 500),
    ("theta2", [2.0], 0.5, 10),
    ("original", None, 0.2, 300),
    ("original", [3.0, 4.5], 0.79, 500),
    ("original", None, 0.9, 500),
    ("bad", None, 0.03, 500),
    ("bad", [0.0, 3.0], 0.0315, 500),
    ("standardized", None, 0.5, 100),
    ("standardized", [4.0, -1.0], 0.99, 500),
    ("standardized", None, 1.2, 500),
]


@pytest.fixture()
def page(site_url, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url + "/playground/", wait_until="load")
    page.wait_for_function("() => !!window.gdPlayground")
    yield page
    context.close()
    assert not errors, errors


def gdsim_run(name, start, lr, steps):
    if name == "theta2":
        run = quadratic.run(start[0], lr, steps)
    else:
        s = scenarios.get(name)
        run = descent.gradient_descent(s.split.x_train, s.split.y_train, start, lr, steps)
    return run


@pytest.mark.browser
@pytest.mark.slow
def test_the_pages_iterates_equal_gdsims_trajectory(page):
    diverged = 0
    for name, start, lr, steps in CASES:
        start = list(BY_NAME[name]["start"]) if start is None else start
        expected = gdsim_run(name, start, lr, steps)
        got = page.evaluate("([n, s, lr, k]) => gdPlayground.run(n, s, lr, k)", [name, start, lr, steps])
        where = f"{name} from {start} at η = {lr}"
        assert len(got["params"]) == len(expected.params), where
        np.testing.assert_allclose(got["params"], expected.params, rtol=1e-9, atol=0, err_msg=where)
        np.testing.assert_allclose(got["losses"], expected.losses, rtol=1e-9, atol=0, err_msg=where)
        assert (got["diverged"], got["converged"]) == (expected.diverged, expected.converged), where
        diverged += expected.diverged
        if name == "theta2":
            np.testing.assert_array_equal(page.evaluate(
                "([n, s, lr, k]) => gdPlayground.iterate(n, s, lr, k)", [name, start, lr, steps]),
                quadratic.iterates(start[0], lr, steps)[:, None])
    assert diverged >= 3, "the cases must include diverging runs"


def test_the_console_and_the_exact_field_refuse_what_the_page_cannot_show(page):
    """``iterate`` is bounded like the page's own runs; a rate of 10³⁰⁸ is refused, not drawn as −Infinity."""
    name, start = "theta2", [1.0]
    for steps, lr in [(10**9, 0.1), (-1, 0.1), (2.5, 0.1), (5, 1e308), (5, 0), (5, float("nan"))]:
        error = page.evaluate("""([n, s, lr, k]) => { try { gdPlayground.iterate(n, s, lr, k); return null; }
                                 catch (e) { return e.message; } }""", [name, start, lr, steps])
        assert error and ("steps must be" in error or "learning rate must be" in error), (steps, lr, error)
    before = page.evaluate("gdPlayground.state().lr")
    page.fill("#gd-pg-lr-exact", "1e308")
    page.dispatch_event("#gd-pg-lr-exact", "change")
    assert page.get_attribute("#gd-pg-lr-exact", "aria-invalid") == "true"
    assert page.evaluate("gdPlayground.state().lr") == before
    assert "Infinity" not in page.inner_text("main")


def regimes(page):
    return page.locator("#gd-pg-regimes tr").evaluate_all("rows => rows.map(r => r.dataset.regime)")


def set_exact_rate(page, lr: str) -> None:
    page.fill("#gd-pg-lr-exact", lr)
    page.dispatch_event("#gd-pg-lr-exact", "change")


@pytest.mark.browser
@pytest.mark.slow
def test_equal_curvatures_get_one_verdict_and_the_rate_shows_the_digits_that_matter(page):
    """The standardized problem's two curvatures are equal but came out 2 ulps apart: at η = 1 one
    row said bouncing and the other diverging. At η = 1.001 on θ², three digits read "η = 1"."""
    directions = BY_NAME["standardized"]["directions"]
    assert directions[0]["limit"] != directions[1]["limit"] and abs(directions[0]["limit"] - directions[1]["limit"]) < 1e-12
    page.select_option("#gd-pg-problem", "standardized")
    set_exact_rate(page, "1")
    assert regimes(page) == ["bouncing", "bouncing"]
    set_exact_rate(page, "0.5")
    assert regimes(page) == ["one-step", "one-step"]
    page.select_option("#gd-pg-problem", "theta2")
    set_exact_rate(page, "1.001")
    assert page.inner_text("#gd-pg-lr-shown") == "η = 1.001" and regimes(page) == ["diverging"]
    set_exact_rate(page, "0.3")
    assert page.inner_text("#gd-pg-lr-shown") == "η = 0.3"


@pytest.mark.browser
@pytest.mark.slow
def test_moving_the_slider_past_the_limit_switches_the_indicator_to_diverging(page):
    p = BY_NAME["original"]
    page.select_option("#gd-pg-problem", "original")
    state = page.evaluate("gdPlayground.state()")
    assert state["lr"] == p["rates"]["default"] and state["start"] == p["start"]
    assert regimes(page) == ["monotone", "oscillating"]
    limit = p["directions"][1]["limit"]
    slider = page.locator("#gd-pg-lr")
    slider.focus()
    presses = 0
    while page.evaluate("gdPlayground.state().lr") <= limit:
        page.keyboard.press("ArrowRight")
        presses += 1
        assert presses < 200
    lr = page.evaluate("gdPlayground.state().lr")
    assert lr > limit and regimes(page) == ["monotone", "diverging"]
    word = page.locator("#gd-pg-regimes tr").nth(1).locator(".gd-pg-word").inner_text()
    assert word == "diverging"
    page.locator("#gd-pg-play").click()  # reduced motion: the whole run at once
    state = page.evaluate("gdPlayground.state()")
    assert state["diverged"] and state["shown"] == state["steps"]
    assert "Diverged" in page.locator("#gd-pg-readout").inner_text()
    # the run drawn is gdsim's: it stops at the same step
    s = scenarios.get("original")
    assert state["steps"] == descent.gradient_descent(s.split.x_train, s.split.y_train, s.start, lr,
                                                      playground.MAX_STEPS).steps
    slider.focus()
    while page.evaluate("gdPlayground.state().lr") > limit:
        page.keyboard.press("ArrowLeft")
    assert regimes(page) == ["monotone", "oscillating"]


@pytest.mark.browser
@pytest.mark.slow
def test_every_control_works_from_the_keyboard_alone(page):
    controls = ["gd-pg-problem", "gd-pg-lr", "gd-pg-lr-exact", "gd-pg-play", "gd-pg-step", "gd-pg-reset", "gd-pg-map"]
    page.locator("h1").first.evaluate("h => { h.tabIndex = -1; h.focus(); }")
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
        if focused in controls and focused not in seen:
            seen.append(focused)
        if len(seen) == len(controls):
            break
    assert seen == controls, f"Tab reached {seen}"

    def state():
        return page.evaluate("gdPlayground.state()")

    page.focus("#gd-pg-problem")
    page.keyboard.press("ArrowDown")
    assert state()["problem"] == "original"
    page.focus("#gd-pg-lr")
    before = state()["lr"]
    page.keyboard.press("ArrowLeft")
    assert state()["lr"] < before
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("0.5")
    page.keyboard.press("Tab")
    assert state()["lr"] == 0.5
    assert page.evaluate("document.activeElement.id") == "gd-pg-play"
    page.keyboard.press("Tab")  # Step
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    assert state()["shown"] == 2
    page.keyboard.press("Tab")  # Reset
    page.keyboard.press("Space")
    assert state()["shown"] == 0
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # Play: under reduced motion the whole run at once
    page.keyboard.press("Enter")
    assert state()["shown"] == state()["steps"] > 2
    assert page.locator("#gd-pg-status").inner_text()
    page.focus("#gd-pg-map")
    start = state()["start"]
    (b0, b1), (w0, w1) = BY_NAME["original"]["window"]
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowUp")
    moved = state()
    assert moved["start"] == pytest.approx([start[0] + (b1 - b0) / 40, start[1] + (w1 - w0) / 40])
    assert moved["shown"] == 0
    page.keyboard.press("Home")
    assert state()["start"] == BY_NAME["original"]["start"]


@pytest.mark.browser
@pytest.mark.slow
def test_play_animates_step_by_step_and_pauses_without_reduced_motion(site_url, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site_url + "/playground/", wait_until="load")
    page.wait_for_function("() => !!window.gdPlayground")
    page.wait_for_timeout(300)
    assert page.evaluate("gdPlayground.state().shown") == 0, "nothing plays by itself"
    page.focus("#gd-pg-play")
    page.keyboard.press("Enter")
    assert page.get_attribute("#gd-pg-play", "aria-pressed") == "true"
    page.wait_for_function("() => gdPlayground.state().shown >= 3")
    page.keyboard.press("Enter")
    paused = page.evaluate("gdPlayground.state().shown")
    page.wait_for_timeout(300)
    assert page.evaluate("gdPlayground.state().shown") == paused and paused > 0
    assert page.get_attribute("#gd-pg-play", "aria-pressed") == "false"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width} px"
    context.close()


def test_the_default_rate_sits_below_every_limit():
    for p in EXPORT["problems"]:
        assert p["rates"]["default"] < min(d["limit"] for d in p["directions"])
        assert math.isclose(p["rates"]["default"], playground.DEFAULT_FRACTION * 2.0 / p["lam_max"])
