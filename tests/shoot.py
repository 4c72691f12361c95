"""Screenshots of every page in both palettes, at a 1280 px and a 390 px wide window, for a human
to look at (not a test).

Usage: .venv/bin/python tests/shoot.py [OUT_DIR] [PAGE ...]   (build the site first: make build)
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from conftest import CHROMIUM_FLAGS, ROOT, _QuietHandler, chromium_executable  # noqa: E402
from pages import SCROLL_AND_WAIT_FOR_IMAGES, page_paths  # noqa: E402

WIDTHS = (1280, 390)


def main(out: Path, only: list[str]) -> None:
    site = ROOT / "site"
    out.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_FLAGS)
        for width in WIDTHS:
            for index, scheme in enumerate(("default", "slate")):
                context = browser.new_context(viewport={"width": width, "height": 900})
                context.add_init_script(
                    f"localStorage.setItem('/.__palette', JSON.stringify({{index: {index}, color: {{scheme: '{scheme}'}}}}));"
                )
                page = context.new_page()
                for path in page_paths(site):
                    name = (path.strip("/") or "home").replace("/", "-")
                    if only and name not in only:
                        continue
                    page.goto(url + path, wait_until="load")
                    page.evaluate(SCROLL_AND_WAIT_FOR_IMAGES)
                    # every image decoded before the whole page is drawn at once (a lazy poster
                    # far down was otherwise captured blank)
                    page.evaluate("() => Promise.all([...document.images].map(img => img.decode().catch(() => null)))")
                    page.screenshot(path=str(out / f"{name}-{scheme}-{width}.png"), full_page=True)
                context.close()
        browser.close()
    server.shutdown()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots", sys.argv[2:])
