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

import passed
import pytest

ROOT = Path(__file__).resolve().parent.parent
DURATIONS = "gdsim/durations"
FAILED = pytest.StashKey[list]()  # seconds each test took when it last ran, in pytest's cache
SHARED_SCOPES = {"class", "module", "package"}
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def _shares_a_fixture(item: pytest.Item) -> bool:
    """Whether the test uses a fixture its module (or class) shares: one made once per module."""
    fixtures = getattr(item, "_fixtureinfo", None)
    return fixtures is not None and any(
        definitions and definitions[-1].scope in SHARED_SCOPES
        for definitions in fixtures.name2fixturedefs.values())


# Seconds a test takes, guessed for a run with no durations to go by (a fresh clone, CI): the
# browser units go first, then the determinism check, which can use both cores while the first
# worker's site build runs on one (measured: one core idle for 45 s of a fresh run without it).
FIRST_RUN_SECONDS = {
    "tests/test_render_cache.py::test_rendering_again_from_scratch_gives_identical_bytes": 100.0,
    "tests/test_render_faults.py": 10.0,
    "tests/test_notebooks.py": 1.0,
    "tests/test_digests.py": 5.0,
}


def first_run_guess(item: pytest.Item) -> float:
    """A test's seconds when none was ever timed: a browser check takes a few, a unit test less
    than one, a few long ones are known by name or file."""
    if item.get_closest_marker("browser"):
        return 4.0
    return FIRST_RUN_SECONDS.get(item.nodeid, FIRST_RUN_SECONDS.get(item.nodeid.split("::")[0], 0.5))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Work units for ``--dist loadgroup``, longest first.

    The browser tests make two units, one per core, taking pages in turn: Chromium's scans fill
    more than a core each, and more of them at once only slow each other. A test file whose tests
    share a module fixture (the notebooks, run once) is one unit, kept on one worker. Every other
    test is a unit of its own, free to run on any worker. Units are sent in the order of what they
    took last time, longest first, so that no long one starts last and leaves the other cores idle
    (a test never timed counts as longest). With nothing timed at all (a fresh clone, CI) the
    order comes from ``first_run_guess``. Every worker computes the same order from the same
    cache, as xdist requires.
    """
    # tests that read only the package's code, and passed on identical code, are not run again
    unchanged = {item for item in items if item.get_closest_marker("code_only") and passed.unchanged(item)}
    if unchanged:
        config.hook.pytest_deselected(items=[item for item in items if item in unchanged])
        items[:] = [item for item in items if item not in unchanged]
    cache = getattr(config, "cache", None)  # none under -p no:cacheprovider, as in CI
    last = cache.get(DURATIONS, {}) if cache is not None else {}
    grouping = config.pluginmanager.has_plugin("xdist")  # which knows the xdist_group mark
    units: dict[str, list[pytest.Item]] = {}
    browsers = 0
    for item in items:
        if item.get_closest_marker("browser"):
            unit, browsers = f"browser-{browsers % 2}", browsers + 1
        else:
            unit = item.path.name if _shares_a_fixture(item) else item.nodeid
        if grouping and unit != item.nodeid:
            item.add_marker(pytest.mark.xdist_group(unit))
        units.setdefault(unit, []).append(item)

    def took(unit: list[pytest.Item]) -> float:
        return sum(last.get(item.nodeid, float("inf") if last else first_run_guess(item)) for item in unit)

    items[:] = [item for unit in sorted(units.values(), key=took, reverse=True) for item in unit]


_took: dict[str, float] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Remember a ``code_only`` test that passed (its set-up, call and tear-down), in its worker."""
    report = (yield).get_result()
    if item.get_closest_marker("code_only"):
        failed = item.stash.setdefault(FAILED, [])
        failed.append(report.failed or report.skipped)
        if report.when == "teardown" and len(failed) == 3 and not any(failed):
            passed.remember(item)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up each test's set-up, call and tear-down (on the controller, for every worker)."""
    nodeid = report.nodeid.split("@")[0] if report.nodeid.rfind("@") > report.nodeid.rfind("]") else report.nodeid
    _took[nodeid] = _took.get(nodeid, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Keep what each test took for the next run's order (the controller writes, workers don't)."""
    cache = getattr(session.config, "cache", None)
    if cache is not None and not hasattr(session.config, "workerinput") and _took:
        cache.set(DURATIONS, cache.get(DURATIONS, {}) | _took)


def shared_folder(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The temporary folder every pytest worker of this run sees (each has one of its own below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


@pytest.fixture(scope="session")
def rendered(tmp_path_factory, worker_id) -> Path:
    """Every asset brought up to date in the real figures/ folder, once per test run: the first
    worker that needs it renders, under a lock, and the others read what it wrote. Under
    ``make test FRESH=1`` every asset is drawn again, its runs computed in an empty store.

    The tests that check assets read what this render wrote (files, sizes, the manifest), so no
    asset is drawn twice in a run except by the test whose point is determinism.
    """
    from gdsim.build.render import render
    from gdsim.paths import FIGURES

    shared = shared_folder(tmp_path_factory, worker_id)
    with open(shared / "render.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "render.done").exists():
            with open(os.devnull, "w") as quiet:
                render(out_dir=FIGURES, stream=quiet, force=os.environ.get("GDSIM_FRESH") == "1")
            (shared / "render.done").touch()
    return FIGURES


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, rendered, worker_id) -> Path:
    """The whole site built with ``mkdocs build --strict`` once per test run: the first pytest
    worker that needs it builds it, under a lock, and the others read the same folder."""
    shared = shared_folder(tmp_path_factory, worker_id)
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


@pytest.fixture(scope="session")
def page_checks(built_site, site_url, browser):
    """The records of page checks that passed (``tests/fetched.py``): a check whose page and every
    file it fetched are unchanged is not run again; ``GDSIM_FRESH=1`` runs every one."""
    from axe_playwright_python.sync_playwright import Axe
    from fetched import PageChecks, salt

    checks = PageChecks(built_site, site_url, salt(browser.version, Axe().axe_script),
                        fresh=os.environ.get("GDSIM_FRESH") == "1")
    yield checks
    checks.close()


def pytest_terminal_summary(terminalreporter) -> None:
    """Say how many checks were not run again, and why (as ``go test`` prints "(cached)")."""
    from fetched import CACHED, RECORDS

    reports = [r for key in ("passed", "failed") for r in terminalreporter.stats.get(key, [])]
    browser = [r for r in terminalreporter.stats.get("passed", []) if r.when == "call" and "browser" in r.keywords]
    cached = sum(any(tuple(p) == CACHED for p in r.user_properties) for r in browser)
    if cached:
        terminalreporter.write_line(
            f"{cached} browser page checks not run again: the page and every file they fetched are "
            f"byte-identical to when they passed ({RECORDS.relative_to(ROOT)}; make test FRESH=1 runs all)")
    skipped = passed.not_run_again({passed._test(r.nodeid) for r in reports})
    if skipped:
        terminalreporter.write_line(
            f"{skipped} tests that read only the package's code not run again: it is byte-identical to when "
            f"they passed ({passed.RECORDS.relative_to(ROOT)}; make test FRESH=1 runs all)")
