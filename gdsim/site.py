"""What the MkDocs hook does, as plain functions: chapter tags, figure HTML, self-hosted MathJax.

A chapter writes ``{{ figure NAME }}`` to show an asset and ``{{ fact NAME }}`` (optionally
``{{ fact NAME .3f }}``) to quote a number. Unknown names raise ``UnknownReference``.
"""

from __future__ import annotations

import html
import re
from importlib import resources
from pathlib import Path

from gdsim.catalogue import Catalogue

TAG = re.compile(r"\{\{\s*(figure|fact)\s+([A-Za-z0-9_.-]+)(?:\s+([^\s{}]+))?\s*\}\}")
MATHJAX_SITE_DIR = "assets/mathjax"


class UnknownReference(LookupError):
    """A chapter names an asset or a fact that does not exist."""


def references(markdown: str) -> list[tuple[str, str, str | None]]:
    """Every ``(kind, name, format)`` tag in a chapter, in order."""
    return [(m.group(1), m.group(2), m.group(3)) for m in TAG.finditer(markdown)]


def figure_html(name: str, entry: dict, figures_url: str) -> str:
    """A captioned <figure>: lazy image with its size; an animation gets its poster and a control."""
    alt = html.escape(entry["alt"], quote=True)
    caption = html.escape(entry["caption"])
    size = f'width="{entry["width"]}" height="{entry["height"]}"'
    poster = f"{figures_url}/{name}.png"
    if entry["kind"] == "animation":
        return (
            f'<figure class="gd-figure gd-animation" id="fig-{name}" data-gif="{figures_url}/{name}.gif" '
            f'data-poster="{poster}">\n'
            f'<div class="gd-stage"><img src="{poster}" alt="{alt}" {size} loading="lazy" decoding="async"></div>\n'
            f'<button type="button" class="gd-play" aria-pressed="false">Play animation</button>\n'
            f"<figcaption>{caption}</figcaption>\n</figure>"
        )
    return (
        f'<figure class="gd-figure" id="fig-{name}">\n'
        f'<img src="{poster}" alt="{alt}" {size} loading="lazy" decoding="async">\n'
        f"<figcaption>{caption}</figcaption>\n</figure>"
    )


def expand(markdown: str, catalogue: Catalogue, figures_url: str, where: str = "") -> str:
    """Replace every tag in a chapter; an unknown asset or fact, or a bad format, raises."""

    def replace(match: re.Match) -> str:
        kind, name, fmt = match.group(1), match.group(2), match.group(3)
        if kind == "figure":
            if name not in catalogue.assets:
                raise UnknownReference(f"{where}: unknown figure {name!r}")
            return "\n" + figure_html(name, catalogue.assets[name], figures_url) + "\n"
        if name not in catalogue.facts:
            raise UnknownReference(f"{where}: unknown fact {name!r}")
        try:
            return catalogue.facts[name].text(fmt)
        except ValueError as error:
            raise UnknownReference(f"{where}: bad format {fmt!r} for fact {name!r}: {error}") from None

    return TAG.sub(replace, markdown)


def mathjax_files() -> list[tuple[Path, str]]:
    """MathJax's files to publish, as ``(source path, path inside the site)`` pairs.

    Only the TeX-to-CommonHTML bundle and its web fonts are needed; they come from the
    ``django-static-mathjax`` wheel, so pages never ask a CDN for anything.
    """
    es5 = Path(str(resources.files("mathjax"))) / "static" / "mathjax" / "es5"
    fonts = es5 / "output" / "chtml" / "fonts" / "woff-v2"
    pairs = [(es5 / "tex-chtml.js", f"{MATHJAX_SITE_DIR}/tex-chtml.js")]
    pairs += [(font, f"{MATHJAX_SITE_DIR}/output/chtml/fonts/woff-v2/{font.name}") for font in sorted(fonts.glob("*.woff"))]
    return pairs
