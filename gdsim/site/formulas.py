"""Formulas rendered when the site is built, so no page needs a script to show one.

pymdownx.arithmatex marks TeX as ``<span class="arithmatex">\\(…\\)</span>`` (inline) and
``<div class="arithmatex">\\[…\\]</div>`` (display); KaTeX, run in one Node.js process per build,
turns each into HTML for the eye and MathML for screen readers. The page then needs only KaTeX's
stylesheet and fonts, which the site serves itself. A formula KaTeX cannot read fails the build.
The MathML keeps its presentation only: the TeX source KaTeX copies into an ``<annotation>`` is
read by no screen reader, yet costs the browser a fifth of its style and layout time on a page
with 150 formulas.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from gdsim.paths import ROOT

KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
KATEX_SITE_DIR = "assets/katex"
TEX_SOURCE = re.compile(
    r'<semantics>(?P<presentation>.*?)<annotation encoding="application/x-tex">.*?</annotation></semantics>', re.S)
MARKED = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\s*(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\])\s*</(?P=tag)>', re.S)


class FormulaError(ValueError):
    """KaTeX could not render a formula."""


class KaTeX:
    """A Node.js process running KaTeX, started on first use; answers are kept for the build."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._answers: dict[tuple[str, bool], str] = {}

    def render(self, tex: str, display: bool) -> str:
        """HTML (with MathML inside) for one formula; FormulaError if KaTeX cannot read it."""
        key = (tex, display)
        if key not in self._answers:
            process = self._start()
            process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
            process.stdin.flush()
            answer = json.loads(process.stdout.readline())
            if "error" in answer:
                raise FormulaError(f"KaTeX cannot render {tex!r}: {answer['error']}")
            self._answers[key] = TEX_SOURCE.sub(r"\g<presentation>", answer["html"])
        return self._answers[key]

    def _start(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            node = shutil.which("node")
            if node is None or not KATEX_DIST.is_dir():
                raise FormulaError("rendering formulas needs Node.js and KaTeX: run 'npm ci' (make does)")
            self._process = subprocess.Popen(
                [node, str(Path(__file__).with_name("katex_render.mjs"))], cwd=ROOT, text=True, encoding="utf-8",
                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return self._process

    def close(self) -> None:
        if self._process is not None:
            self._process.stdin.close()
            self._process.wait(timeout=10)
            self._process = None


def render_formulas(page: str, katex: KaTeX) -> str:
    """The page with every arithmatex formula replaced by KaTeX's HTML."""

    def replace(match: re.Match) -> str:
        display = match.group("display") is not None
        tex = html.unescape(match.group("display") if display else match.group("inline")).strip()
        rendered = katex.render(tex, display)
        return f'<div class="arithmatex">{rendered}</div>' if display else f'<span class="arithmatex">{rendered}</span>'

    return MARKED.sub(replace, page)


# The fonts nearly every formula uses (upright and italic letters and digits): fetched early.
PRELOADED_FONTS = ("KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2")


def font_preloads(page: str, site_root: str) -> str:
    """The page with its main formula fonts preloaded, if it has formulas (``site_root``: the
    relative path from the page to the site's root, e.g. ``../``)."""
    if 'class="katex"' not in page or "</head>" not in page:
        return page
    links = "".join(f'<link rel="preload" href="{site_root}{KATEX_SITE_DIR}/fonts/{font}" as="font" type="font/woff2" '
                    f"crossorigin>" for font in PRELOADED_FONTS)
    return page.replace("</head>", links + "</head>", 1)


def katex_files() -> list[tuple[Path, str]]:
    """KaTeX's stylesheet and its WOFF2 fonts, as ``(source, path inside the site)`` pairs."""
    pairs = [(KATEX_DIST / "katex.min.css", f"{KATEX_SITE_DIR}/katex.min.css")]
    pairs += [(font, f"{KATEX_SITE_DIR}/fonts/{font.name}") for font in sorted((KATEX_DIST / "fonts").glob("*.woff2"))]
    return pairs
