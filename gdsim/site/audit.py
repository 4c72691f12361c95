"""``make audit``: Lighthouse on every page of the built site, the way a static host serves it.

The site in ``site/`` is served on 127.0.0.1 with gzip; Lighthouse 12 (``.ci/audit``, npm) runs
each page in Debian's Chromium with its default mobile emulation and throttling, from one runner
per core (``AUDIT_WORKERS``), each starting its Chromium once (``.ci/audit/run.mjs``). A single run's
performance score moves by about ±0.05 on a busy machine, so a page that misses a goal on its
first run is run twice more and judged on the median of the three (``AUDIT_RUNS=N`` runs every
page N times instead). It prints a table and fails (exit 1) below performance 0.95,
accessibility 1, best practices 1, SEO 0.95, or above an LCP of 2.5 s or a CLS of 0.05. A
report, not a test: scores depend on the machine.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
from pathlib import Path

from gdsim.paths import ROOT

RUNS = int(os.environ.get("AUDIT_RUNS", "0"))  # 0: once, three times for a page that misses a goal
# Runners at once, each a Chromium: a page's load spends most of its time waiting (for the network
# to be quiet, for the main thread to be idle), which a second runner fills.
WORKERS = int(os.environ.get("AUDIT_WORKERS", str(len(os.sched_getaffinity(0)))))
RUNNER = ROOT / ".ci" / "audit" / "run.mjs"
LIGHTHOUSE = ROOT / ".ci" / "audit" / "node_modules" / "lighthouse"
NODE = shutil.which("node") or "node"
GOALS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 0.95}
MAX_LCP_MS, MAX_CLS = 2500.0, 0.05
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".ipynb", ".mjs")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking " \
               "--disable-component-update --disable-sync --no-first-run"


class QuietServer(http.server.ThreadingHTTPServer):
    """Lighthouse drops connections it no longer needs; that is not an error worth a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text ones gzip-compressed when the browser asks for it (as Pages does)."""

    def log_message(self, *args: object) -> None:
        pass

    def send_head(self):  # noqa: ANN201 - the base class's own protocol
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not (path.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", "") and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def pages(site: Path) -> list[str]:
    """URL paths of every page of the built site, home first."""
    found = []
    for index in sorted(site.rglob("index.html")):
        relative = index.parent.relative_to(site).as_posix()
        if relative.split("/")[0] not in {"assets", "search", "figures"}:
            found.append("/" if relative == "." else f"/{relative}/")
    return sorted(found, key=lambda p: (p != "/", p))


def audit(urls: list[str], workers: int = WORKERS) -> dict[str, dict]:
    """Lighthouse's four scores, LCP (ms) and CLS for each URL, from ``workers`` runners at once,
    each with one Chromium started once (``.ci/audit/run.mjs``); pages are dealt out in turn."""
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    shares = [urls[k::workers] for k in range(workers) if urls[k::workers]]
    runners = [subprocess.Popen([NODE, str(RUNNER), str(chromium), CHROME_FLAGS, *share], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=RUNNER.parent) for share in shares]
    results = {}
    for runner in runners:
        out, err = runner.communicate(timeout=300 * len(urls))
        for line in out.splitlines():
            found = json.loads(line)
            if "error" in found:
                raise RuntimeError(f"lighthouse failed on {found['url']}: {found['error']}")
            results[found["url"]] = {**found.pop("scores"), **found}
        if runner.returncode != 0:
            raise RuntimeError(f"the Lighthouse runner failed: {err.strip()[-500:]}")
    missing = sorted(set(urls) - set(results))
    if missing:
        raise RuntimeError(f"Lighthouse gave no result for {', '.join(missing)}")
    return results


def below(scores: dict) -> list[str]:
    """The goals one page's scores miss."""
    bad = [name for name, goal in GOALS.items() if scores[name] < goal]
    bad += ["LCP"] if scores["lcp_ms"] > MAX_LCP_MS else []
    return bad + (["CLS"] if scores["cls"] > MAX_CLS else [])


def median(results: list[dict]) -> dict:
    """Each score and metric over several runs of one page, the median."""
    merged = {key: statistics.median(r[key] for r in results) for key in (*GOALS, "lcp_ms", "cls")}
    merged["failing"] = sorted(set().union(*(r["failing"] for r in results)))
    merged["shifts"] = results[0]["shifts"]
    merged["runs"] = len(results)
    return merged


def median_audits(urls: list[str], runs: int) -> dict[str, dict]:
    """Every page's scores, the median over ``runs`` Lighthouse runs (``runs`` 0: one run, and
    three for a page whose first run misses a goal). A second runner only ever lowers a score
    (it competes for the CPU, and blocking time counts four times over under the simulated
    throttling), so a page that passes beside it passes; a page that misses is run twice more
    with the machine to itself."""
    rounds = [audit(urls) for _ in range(max(runs, 1))]
    again = [url for url in urls if runs == 0 and below(rounds[0][url])]
    if again:
        rounds += [audit(again, workers=1), audit(again, workers=1)]
    return {url: median([r[url] for r in rounds if url in r]) for url in urls}


def main(only: list[str] | None = None) -> int:
    """Audit every page (or the URL paths in ``only``, e.g. ``/how-big/``) and print the table."""
    site = ROOT / "site"
    if not LIGHTHOUSE.exists():
        print("gdsim: error: Lighthouse is not installed: npm ci --prefix .ci/audit (make audit does)", file=sys.stderr)
        return 1
    server = QuietServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"{'page':34} perf  a11y  b.p.  seo   LCP (s)  CLS    runs (median)")
    failures = []
    paths = only or pages(site)
    results = median_audits([base + path for path in paths], RUNS)
    for path in paths:
        s = results[base + path]
        bad = below(s)
        print(f"{path:34} {s['performance']:.2f}  {s['accessibility']:.2f}  {s['best-practices']:.2f}  "
              f"{s['seo']:.2f}  {s['lcp_ms'] / 1000:6.2f}  {s['cls']:.3f}  {s['runs']}"
              + (f"   below: {', '.join(bad)}" if bad else ""), flush=True)
        if bad:
            failures.append(path)
            print(f"{'':34} audits under 0.9: {', '.join(s['failing'][:8])}")
            if "CLS" in bad:
                print(f"{'':34} shifted: {s['shifts']}")
    server.shutdown()
    if failures:
        print(f"\n{len(failures)} page(s) below the goals", file=sys.stderr)
        return 1
    print("\nevery page meets the goals")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
