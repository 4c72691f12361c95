"""axe-core on every page of the built site in a real browser: any violation fails the run.

One test per page and configuration, so that the scans spread over every worker and a failure
names its page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from pages import START_THEME, TEXT_LAYOUT, assert_nothing_moved, source_page_paths

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PATHS = source_page_paths(Path(__file__).resolve().parent.parent / "docs")
CONFIGURATIONS = [("default", 1280), ("slate", 1280), ("default", 390)]
AXE = Axe()  # reads axe-core's script once


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("scheme, width", CONFIGURATIONS)
def test_page_has_no_accessibility_violation(site_url, browser, page_checks, request, scheme, width, path):
    """axe-core, every rule it runs by default: both palettes on a desktop (colours are what
    changes between them) and the phone layout (what changes there is the layout). At 390 px
    colour contrast, half of axe's time, is left to the 1280 px run of the same palette: the phone
    layout changes no colour."""
    if page_checks.unchanged(request.node):
        return
    options = {"resultTypes": ["violations"]}
    if width < 1280:
        options["rules"] = {"color-contrast": {"enabled": False}}
    found = []
    with page_checks.visit(browser, width, 900, scheme) as (page, on, fetched):
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
            for violation in AXE.run(page, options=options).response["violations"]:
                found += [f"({state}) {violation['id']}: {node['html'][:120]}" for node in violation["nodes"]]
    assert not found, f"{path}: {len(found)} accessibility violations:\n" + "\n".join(found[:20])
    page_checks.passed(request.node, fetched)
