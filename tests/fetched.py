"""Browser checks of a page that are not repeated while nothing the browser saw has changed.

Like ``go test``'s result cache: a check that passed records every file of the built site its
browser fetched, with their digests. A later run finds the record and, if each of those files is
byte-identical (the search index: see ``digest``), the check would see exactly what it saw then
(the same test code, axe-core, Chromium and fonts are part of the record's name), so it is not
run again. Any changed byte, a file gone, a request that left the site, or ``GDSIM_FRESH=1``
(``make test FRESH=1``) runs it. A fresh clone, CI's included, has no records and runs every check.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from gdsim import digests

TESTS = Path(__file__).resolve().parent
RECORDS = TESTS.parent / ".cache" / "browser-checks"
CACHED = ("cached", "unchanged since it passed")  # a user property the summary counts
SEARCH_INDEX = "search/search_index.json"


def digest(site: Path, name: str) -> str | None:
    """A site file's SHA-256, or None if it is missing (or, for the search index, not JSON).

    The search index counts without the text of its entries: every page fetches it once the
    theme starts, but its text is read only when a query is typed, which no page check does (the
    search test, which types one, is never cached). Counted whole, any edit of any chapter would
    make every page check run again.
    """
    try:
        data = (site / name).read_bytes()
        if name == SEARCH_INDEX:
            index = json.loads(data)
            index["docs"] = [{key: value for key, value in doc.items() if key != "text"} for doc in index["docs"]]
            data = json.dumps(index, sort_keys=True).encode()
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return digests.digest(data)


SHARED_CODE = ("conftest.py", "pages.py", "fetched.py")  # what every page check runs (and its own file)


def salt(browser_version: str, axe_script: str) -> str:
    """What every page check's result depends on besides the site: the test code they share,
    axe-core, the browser and the system fonts the pages use. (A record's name adds the check's
    own test file.)"""
    parts = [(TESTS / name).read_bytes() for name in SHARED_CODE]
    fonts = subprocess.run(["fc-list"], capture_output=True).stdout if shutil.which("fc-list") else b""
    versions = f"{browser_version} {sys.version} playwright {metadata.version('playwright')}"
    parts += [versions.encode(), axe_script.encode(), fonts]
    return digests.digest(*parts)[:16]


class PageChecks:
    """The records of one salt, in ``.cache/browser-checks/<salt>/``; older salts are dropped."""

    def __init__(self, site: Path, site_url: str, key: str, records: Path = RECORDS, fresh: bool = False):
        self.site, self.site_url, self.fresh = site, site_url, fresh
        self._tabs: dict = {}
        self.folder = records / key
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in records.iterdir():
            if old != self.folder:
                shutil.rmtree(old, ignore_errors=True)

    def _record(self, item: pytest.Item) -> Path:
        name = item.nodeid.split("@")[0].encode()  # without xdist's group
        code = item.path.read_bytes()
        return self.folder / (digests.digest(name, code)[:24] + ".json")

    def file(self, url: str) -> str | None:
        """The site file a URL of the local server names (a folder means its index.html)."""
        parts = urlparse(url)
        if not url.startswith(self.site_url):
            return None
        relative = unquote(parts.path).lstrip("/")
        return relative + "index.html" if relative == "" or relative.endswith("/") else relative

    def unchanged(self, item: pytest.Item) -> bool:
        """Whether this check passed before on files identical to the site's now (then it is
        marked cached, and the caller returns)."""
        if self.fresh:
            return False
        try:
            fetched = json.loads(self._record(item).read_text())["fetched"]
        except (OSError, ValueError, KeyError, TypeError):
            return False
        if not fetched or any(digest(self.site, name) != sha for name, sha in fetched.items()):
            return False
        item.user_properties.append(CACHED)
        return True

    @contextmanager
    def visit(self, browser, width: int, height: int, scheme: str | None = None):
        """A tab for a page check, with its own ``on(event, handler)`` and the set of every URL the
        tab (and its workers) requests while the check runs.

        A tab per size and palette is opened once per worker and reused, which halves what each
        check costs in Chromium. Its HTTP cache is kept (the site does not change during a run),
        and Chromium reports a request even for a file it takes from that cache, so the record
        still names every file the page used. What could carry over from the check before is
        removed: storage is cleared, and the check's event handlers go when it ends.
        """
        key = (width, height, scheme)
        if key not in self._tabs:
            context = browser.new_context(viewport={"width": width, "height": height})
            if scheme is not None:  # the palette the reader would pick with the toggle
                context.add_init_script(
                    f"localStorage.setItem('/.__palette', JSON.stringify({{index: {0 if scheme == 'default' else 1}, "
                    f"color: {{scheme: '{scheme}'}}}}));")
            page = context.new_page()
            self._tabs[key] = page, context.new_cdp_session(page)
        page, devtools = self._tabs[key]
        devtools.send("Storage.clearDataForOrigin", {"origin": self.site_url, "storageTypes": "all"})
        urls: set[str] = set()
        handlers = []

        def on(event: str, handler) -> None:
            target = page.context if event == "request" else page  # the context's requests include workers'
            target.on(event, handler)
            handlers.append((target, event, handler))

        on("request", lambda request: urls.add(request.url))
        try:
            yield page, on, urls
        finally:
            for target, event, handler in handlers:
                target.remove_listener(event, handler)
            page.goto("about:blank")

    def close(self) -> None:
        for page, _ in self._tabs.values():
            page.context.close()

    def passed(self, item: pytest.Item, urls: set[str]) -> None:
        """Keep the record of a check that passed, unless it fetched something off the site."""
        local = [url for url in urls if not url.startswith("data:")]
        names = {self.file(url) for url in local}
        if None in names:
            return
        fetched = {name: digest(self.site, name) for name in sorted(names)}
        if None in fetched.values():
            return
        record = self._record(item)
        temporary = record.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"test": item.nodeid.split("@")[0], "fetched": fetched}))
        os.replace(temporary, record)
