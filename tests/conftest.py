"""Shared fixtures: a site built once per session, served on 127.0.0.1, and Debian's Chromium."""

from __future__ import annotations

import fcntl
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="session")
def rendered() -> Path:
    """Every asset brought up to date in the real figures/ folder, once per test run.

    The tests that check assets read what this render wrote (files, sizes, the manifest), so no
    asset is drawn twice in a run except by the test whose point is determinism.
    """
    from gdsim.paths import FIGURES
    from gdsim.render import render

    with open(os.devnull, "w") as quiet:
        render(out_dir=FIGURES, stream=quiet)
    return FIGURES


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, rendered, worker_id) -> Path:
    """The whole site built with ``mkdocs build --strict`` once per test run: the first pytest
    worker that needs it builds it, under a lock, and the others read the same folder."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # xdist: one temporary root for all the workers of this run
        shared = shared.parent
    site, done_mark = shared / "site", shared / "site.built"
    with open(shared / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done_mark.exists():
            env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
            done = subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                cwd=ROOT, env=env, capture_output=True, text=True,
            )
            assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
            done_mark.touch()
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site served over HTTP on 127.0.0.1 (an ephemeral port)."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def chromium_executable() -> str | None:
    """The system's Chromium (Debian's ``chromium``, Ubuntu's ``chromium-browser``), or ``$CHROMIUM``;
    None means Playwright's own build, installed with ``python -m playwright install chromium``."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by Playwright. No browser at all is an error, not a skip."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        executable = chromium_executable()
        if executable is None:
            assert Path(playwright.chromium.executable_path).is_file(), (
                "no Chromium: apt-get install -y chromium, or python -m playwright install chromium")
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
