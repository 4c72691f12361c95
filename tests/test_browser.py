"""The built site in a real browser: what its pages do beyond loading (every page's load, images,
formulas and accessibility: test_accessibility.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pages import (
    SCROLL_AND_WAIT_FOR_IMAGES,
    START_THEME,
    page_paths,
    source_page_paths,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS = Path(__file__).resolve().parent.parent / "docs"
PATHS = source_page_paths(DOCS)
# the pages whose source places a figure (a {{ figure ... }} tag)
WITH_FIGURES = {"/" if p.stem == "index" else f"/{p.stem}/" for p in DOCS.glob("*.md")
                if re.search(r"\{\{\s*figure\s", p.read_text(encoding="utf-8"))}


def test_site_has_every_chapter(built_site):
    chapters = {p.stem for p in (Path(__file__).parent.parent / "docs").glob("*.md")} - {"index"}
    assert {p.strip("/") for p in page_paths(built_site)} >= chapters


def test_the_browser_checks_run_in_the_worker_groups_conftest_gives_them(request, worker_id):
    """Under ``make test`` the browser checks make two groups, each kept on one worker (Chromium
    fills more than a core): the group must reach pytest-xdist, which writes it into the test's id."""
    if worker_id == "master" or not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not run by pytest-xdist with --dist loadgroup")
    assert request.node.nodeid.rsplit("@", 1)[-1] in ("browser-0", "browser-1"), request.node.nodeid


def test_every_built_page_is_checked(built_site):
    """The per-page checks (test_accessibility.py) run on the pages docs/ holds: the built site has
    exactly those."""
    assert page_paths(built_site) == PATHS


def test_chapters_with_math_are_typeset_at_build_time(built_site, site_url, browser):
    """The model chapter's formulas arrive typeset: visible KaTeX HTML, MathML for screen readers,
    KaTeX's fonts from the site, and no script involved (they render with JavaScript off)."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    fonts = []
    page.on("request", lambda r: fonts.append(r.url) if r.url.endswith(".woff2") else None)
    page.goto(site_url + "/model-and-data/", wait_until="load")
    html = page.content()
    assert html.count('class="katex-mathml"') >= 3 and "<math" in html
    box = page.locator(".arithmatex .katex-html").first.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
    assert fonts and all("/assets/katex/fonts/" in url for url in fonts)
    context.close()


def _first_animation(page):
    figure = page.locator("figure.gd-animation").first
    figure.scroll_into_view_if_needed()
    return figure, figure.locator("img"), figure.locator("button.gd-play")


def test_animation_starts_paused_and_play_pause_works_from_the_keyboard(site_url, browser):
    page = browser.new_page()
    gif_requests = []
    page.on("request", lambda r: gif_requests.append(r.url) if r.url.endswith(".gif") else None)
    page.goto(site_url + "/learning-rate/", wait_until="load")
    figure, img, button = _first_animation(page)
    assert img.get_attribute("src").endswith(".png") and not gif_requests
    assert button.get_attribute("aria-pressed") == "false" and "Play" in button.inner_text()
    assert button.evaluate("b => b.tagName") == "BUTTON" and button.get_attribute("tabindex") != "-1"

    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "true" and "Pause" in button.inner_text()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0 && img.src.endsWith('.gif')", arg=img.element_handle())
    assert gif_requests, "playing should load the GIF"
    page.wait_for_timeout(700)

    page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "false" and "Play" in button.inner_text()
    src = img.get_attribute("src")
    assert src.startswith("data:image/png") or src.endswith(".png"), src
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    frozen = img.evaluate("i => i.src")
    page.wait_for_timeout(500)
    assert img.evaluate("i => i.src") == frozen, "a paused animation must stay still"
    page.close()


def test_a_phone_gets_the_phone_layout_and_its_gif(site_url, browser):
    """At 390 px the <picture> shows the 358 px phone drawings, and playing loads the phone GIF."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    gifs = []
    page.on("request", lambda r: gifs.append(r.url) if r.url.endswith(".gif") else None)
    page.goto(site_url + "/learning-rate/", wait_until="load")
    sources = page.evaluate(SCROLL_AND_WAIT_FOR_IMAGES)
    figures = [s["src"] for s in sources if "/figures/" in s["src"]]
    assert figures and all(src.endswith(".phone.png") for src in figures), figures
    widths = page.locator("figure.gd-figure img").evaluate_all("imgs => imgs.map(i => i.getBoundingClientRect().width)")
    assert max(widths) <= 358.5, widths  # shown at its own width: its 12 px text stays 12 px
    figure, img, button = _first_animation(page)
    button.click()
    page.wait_for_function("img => img.complete && img.currentSrc.endsWith('.phone.gif')", arg=img.element_handle())
    assert gifs and all(url.endswith(".phone.gif") for url in gifs), gifs
    context.close()


def test_reduced_motion_shows_stills_only(site_url, browser):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    gif_requests = []
    page.on("request", lambda r: gif_requests.append(r.url) if r.url.endswith(".gif") else None)
    for path in ("/gradients/", "/learning-rate/", "/feature-scaling/"):
        page.goto(site_url + path, wait_until="load")
        page.evaluate(SCROLL_AND_WAIT_FOR_IMAGES)
        page.wait_for_timeout(300)
        sources = page.locator("figure.gd-animation img").evaluate_all("imgs => imgs.map(i => i.src)")
        assert sources and all(s.endswith(".png") for s in sources), sources
    assert not gif_requests
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_palette_works_before_the_theme_script_and_search_after(site_url, browser, scheme):
    """Material's bundle is fetched only on the first interaction (every page is checked for that
    above); until then the system's palette is applied and the toggle shows and works. The
    reader's choice is remembered and kept by Material once it starts; then search answers."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(site_url + "/gradients/", wait_until="load")
    system, flipped = ("default", "slate") if scheme == "light" else ("slate", "default")
    assert page.evaluate("document.body.dataset.mdColorScheme") == system
    toggle = page.locator("form[data-md-component=palette] label:not([hidden])")
    assert toggle.count() == 1, "the palette toggle must show before the theme starts"
    page.evaluate("document.querySelector('form[data-md-component=palette] label:not([hidden])').click()")
    assert page.evaluate("document.body.dataset.mdColorScheme") == flipped
    page.reload(wait_until="load")
    assert page.evaluate("document.body.dataset.mdColorScheme") == flipped, "the choice is remembered"
    page.mouse.move(100, 400)  # any interaction starts the theme
    page.wait_for_function("() => window.gdThemeStarted === true")
    page.evaluate(START_THEME)
    assert page.evaluate("document.body.dataset.mdColorScheme") == flipped, "Material keeps the reader's choice"
    page.evaluate("document.querySelector('label[for=__search]').click()")
    page.locator("input.md-search__input").press_sequentially("learning rate")  # typed: Material reads keys
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0")
    context.close()
    assert not problems, problems


@pytest.mark.parametrize("path", PATHS)
def test_a_first_figure_is_fetched_at_once_exactly_when_it_starts_on_the_first_screen(
        site_url, browser, page_checks, request, path):
    """The build guesses from the prose above it (gdsim/site/tags.py FIRST_SCREEN_CHARS); the browser
    knows: eager if at least VISIBLE px of it show on the first screen of a phone or a laptop,
    lazy otherwise (it would only delay the text)."""
    if page_checks.unchanged(request.node):
        return
    visible = 100
    loading, on_first_screen, fetched = None, [], set()
    for width, height in ((390, 844), (1280, 800)):
        with page_checks.visit(browser, width, height) as (page, on, seen):
            page.goto(site_url + path, wait_until="load")
            found = page.evaluate("""() => [...document.querySelectorAll('figure.gd-figure img')].map(img =>
                [img.getAttribute('loading'), img.closest('figure').getBoundingClientRect().top])""")
        fetched |= seen
        assert bool(found) == (path in WITH_FIGURES), f"{len(found)} figures at {width} px"
        if not found:
            break
        assert all(later == "lazy" for later, _ in found[1:]), "only the first figure may be eager"
        loading = found[0][0]
        on_first_screen.append(found[0][1] < height - visible)
    assert not on_first_screen or (loading == "eager") == any(on_first_screen), (
        f"the first figure is {loading}, and on the first screen at 390 and 1280 px: {on_first_screen}")
    page_checks.passed(request.node, fetched)
