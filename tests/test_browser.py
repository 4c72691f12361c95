"""The built site in a real browser: every page loads cleanly, offline, with images and math."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from pages import MATH_STATUS, SCROLL_AND_WAIT_FOR_IMAGES, page_paths

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_site_has_every_chapter(built_site):
    from pathlib import Path

    chapters = {p.stem for p in (Path(__file__).parent.parent / "docs").glob("*.md")} - {"index"}
    assert {p.strip("/") for p in page_paths(built_site)} >= chapters


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_every_page_loads_offline_with_images_and_math(built_site, site_url, browser, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Force the palette the reader would pick with the toggle.
    context.add_init_script(
        f"localStorage.setItem('/.__palette', JSON.stringify({{index: {0 if scheme == 'default' else 1}, "
        f"color: {{scheme: '{scheme}'}}}}));"
    )
    page = context.new_page()
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    for path in page_paths(built_site):
        response = page.goto(site_url + path, wait_until="load")
        assert response.ok, f"{path}: HTTP {response.status}"
        images = page.evaluate(SCROLL_AND_WAIT_FOR_IMAGES)
        broken = [img["src"] for img in images if not img["ok"]]
        assert not broken, f"{path}: images that did not load: {broken}"
        page.wait_for_function("() => !window.MathJax || (MathJax.startup && MathJax.startup.promise)")
        page.evaluate("() => window.MathJax && MathJax.startup.promise")
        math = page.evaluate(MATH_STATUS)
        assert math["typeset"] == math["marked"], f"{path}: {math['marked'] - math['typeset']} formulas not typeset"
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme
    context.close()
    assert not problems, "\n".join(problems)
    outside = sorted({u for u in requests if urlparse(u).hostname not in ("127.0.0.1", None) and not u.startswith("data:")})
    assert not outside, f"requests that left 127.0.0.1: {outside}"


def test_chapters_with_math_are_typeset(built_site, site_url, browser):
    """At least the model chapter has formulas, and MathJax turned them into rendered math."""
    page = browser.new_page()
    page.goto(site_url + "/model-and-data/", wait_until="load")
    page.evaluate("() => MathJax.startup.promise")
    math = page.evaluate(MATH_STATUS)
    assert math["marked"] >= 3 and math["typeset"] == math["marked"]
    assert page.locator("mjx-container").first.bounding_box()["width"] > 0
    page.close()
