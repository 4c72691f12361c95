"""axe-core on every page of the built site in a real browser: any violation fails the run.

The pages are scanned in four slices per configuration, so that a failure names its slice and
its pages.
"""

from __future__ import annotations

import pytest
from pages import START_THEME, TEXT_LAYOUT, assert_nothing_moved, page_paths

pytestmark = [pytest.mark.browser, pytest.mark.slow]


SLICES = 4
CONFIGURATIONS = [("default", 1280), ("slate", 1280), ("default", 390)]


@pytest.mark.parametrize("scheme, width, part", [
    (scheme, width, part) for scheme, width in CONFIGURATIONS for part in range(SLICES)
])
def test_every_page_has_no_accessibility_violation(built_site, site_url, browser, scheme, width, part):
    """axe-core, every rule it runs by default, on every page: both palettes on a desktop (colours
    are what changes between them) and the phone layout (what changes there is the layout). At
    390 px colour contrast, half of axe's time, is left to the 1280 px run of the same palette:
    the phone layout changes no colour. Every ``SLICES``-th page, from the ``part``-th on."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_init_script(
        f"localStorage.setItem('/.__palette', JSON.stringify({{index: {0 if scheme == 'default' else 1}, "
        f"color: {{scheme: '{scheme}'}}}}));"
    )
    page = context.new_page()
    options = {"resultTypes": ["violations"]}
    if width < 1280:
        options["rules"] = {"color-contrast": {"enabled": False}}
    found = []
    paths = page_paths(built_site)[part::SLICES]
    assert paths, "no page to scan"
    for path in paths:
        page.goto(site_url + path, wait_until="load")
        # What a reader sees before touching the page (and what Lighthouse audits), on the desktop...
        states = ["loaded"] if width == 1280 and scheme == "default" else []
        # ...and, everywhere, the page once Material's bundle has started and added its parts.
        states.append("started")
        before = page.evaluate(TEXT_LAYOUT)
        for state in states:
            if state == "started":
                page.evaluate(START_THEME)
                assert_nothing_moved(path, before, page.evaluate(TEXT_LAYOUT))
            else:  # a11y.js marks what scrolls at load: give it two frames
                page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
            for violation in axe.run(page, options=options).response["violations"]:
                found += [f"{path} ({state}) {violation['id']}: {node['html'][:120]}" for node in violation["nodes"]]
    context.close()
    assert not found, f"{len(found)} accessibility violations:\n" + "\n".join(found[:20])
