"""Every page of the built site in a real browser, once per palette and width: it loads cleanly
and offline, with every image and formula, axe-core finds no accessibility violation, and on a
phone every stop of the Tab key is on screen.

One test per page and configuration, so that the checks spread over the browser workers and a
failure names its page. Each visit makes every check that configuration calls for, so no page
is loaded twice for one configuration.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from pages import MATH_STATUS, SCROLL_AND_WAIT_FOR_IMAGES, START_THEME, TEXT_LAYOUT, assert_nothing_moved, source_page_paths

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PATHS = source_page_paths(Path(__file__).resolve().parent.parent / "docs")
CONFIGURATIONS = [("default", 1280), ("slate", 1280), ("default", 390)]
AXE = Axe()  # reads axe-core's script once
TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


# Where focus is: the element, or for Material's hidden option inputs the label that shows it.
FOCUSED = """async () => {
  // Focus scrolls its element into view, smoothly where the theme asks for it: measure once the
  // page has stopped moving (two frames at the same scroll position, half a second at most).
  for (let i = 0, last = -1; i < 30 && window.scrollY !== last; i++) {
    last = window.scrollY;
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  }
  let el = document.activeElement;
  if (!el || el === document.body) return null;
  if (el.matches('input.md-option, input.md-toggle') && el.nextElementSibling) el = el.nextElementSibling;
  const r = el.getBoundingClientRect();
  const onScreen = r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight;
  return {element: el.tagName + ' ' + (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40),
          seen: onScreen && getComputedStyle(el).visibility !== 'hidden'};
}"""
TAB_STOPS = 40  # past the header and into the content on every page


def tab_walk(page) -> list[str]:
    """Tab from the top of the page: every element that takes focus must be on screen (the closed
    navigation drawer and the closed search once took 33 invisible stops at 390 px)."""
    unseen = []
    for _ in range(TAB_STOPS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused and not focused["seen"]:
            unseen.append(focused["element"])
    return unseen


def axe_violations(page, state: str, options: dict) -> list[str]:
    return [f"({state}) {violation['id']}: {node['html'][:120]}"
            for violation in AXE.run(page, options=options).response["violations"] for node in violation["nodes"]]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("scheme, width", CONFIGURATIONS)
def test_page_loads_cleanly_and_accessibly(site_url, browser, page_checks, request, scheme, width, path):
    """On a desktop, in both palettes: the page loads with no console error, no failed request and
    no request off 127.0.0.1, without the theme's script (it starts on the first interaction and
    then moves nothing), with every image loaded and every formula typeset at build time, in the
    palette asked for. Everywhere: axe-core, every rule it runs by default, on the page once the
    theme has started, and on the default desktop also before (what a reader sees before touching
    the page, and what Lighthouse audits). At 390 px colour contrast, half of axe's time, is left
    to the 1280 px run of the same palette: the phone layout changes no colour. At 390 px the
    first 40 stops of the Tab key are all on screen."""
    if page_checks.unchanged(request.node):
        return
    desktop = width == 1280
    options = {"resultTypes": ["violations"]}
    if not desktop:
        options["rules"] = {"color-contrast": {"enabled": False}}
    found, problems = [], []
    with page_checks.visit(browser, width, 900, scheme) as (page, on, fetched):
        on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        on("pageerror", lambda e: problems.append(f"page error: {e}"))
        on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
        response = page.goto(site_url + path, wait_until="load")
        assert response.ok, f"HTTP {response.status}"
        before = page.evaluate(TEXT_LAYOUT)
        if desktop:
            assert not [u for u in fetched if "/assets/javascripts/" in u], "theme script fetched during load"
        if desktop and scheme == "default":
            page.evaluate(TWO_FRAMES)  # a11y.js marks what scrolls at load: give it two frames
            found += axe_violations(page, "loaded", options)
        if desktop:
            images = page.evaluate(SCROLL_AND_WAIT_FOR_IMAGES)  # scrolling starts the theme's script
            broken = [img["src"] for img in images if not img["ok"]]
            assert not broken, f"images that did not load: {broken}"
            math = page.evaluate(MATH_STATUS)
            assert math["typeset"] == math["marked"], f"{math['marked'] - math['typeset']} formulas not typeset"
            assert not page.evaluate("() => !!window.MathJax"), "the page loads a math script"
            assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme
        page.evaluate(START_THEME)  # its errors are caught, and it must move nothing
        assert_nothing_moved(path, before, page.evaluate(TEXT_LAYOUT))
        found += axe_violations(page, "started", options)
        if not desktop:
            unseen = tab_walk(page)
            assert not unseen, f"{path}: at {width} px, Tab reaches what the reader cannot see: {unseen[:3]}"
        # what the started theme fetches (the search index) must finish: leaving the page while it
        # loads would abort it, a failure of the test's making
        page.wait_for_load_state("networkidle")
    assert not found, f"{path}: {len(found)} accessibility violations:\n" + "\n".join(found[:20])
    assert not problems, "\n".join(problems)
    outside = sorted({u for u in fetched if urlparse(u).hostname not in ("127.0.0.1", None) and not u.startswith("data:")})
    assert not outside, f"requests that left 127.0.0.1: {outside}"
    page_checks.passed(request.node, fetched)
