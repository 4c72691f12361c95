r"""What the MkDocs hook does, as plain functions: chapter tags, figure HTML, page clean-up.

A chapter writes ``{{ figure NAME }}`` to show an asset and ``{{ fact NAME }}`` (optionally
``{{ fact NAME .3f }}``) to quote a number. The grammar is strict: outside code and HTML
comments, every ``{{`` must open one of those two tags, closed by ``}}`` on the same line; anything
else (``{{ figure }}``, ``{{ Figure x }}``, ``{{ figur x }}``, an unclosed tag) is a
``TagError`` naming the file and line, and so is an unknown name. Tags inside fenced code, inline
code and HTML comments are left as written; ``\{{`` writes a literal ``{{`` anywhere.
"""

from __future__ import annotations

import html
import re

from gdsim.build.catalogue import Catalogue

TAG = re.compile(r"\{\{[ \t]*(figure|fact)[ \t]+([a-z0-9_-]+)(?:[ \t]+([^\s{}]+))?[ \t]*\}\}")
OPENER = re.compile(r"(?<!\\)\{\{")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
INLINE_OR_COMMENT = re.compile(r"<!--.*?-->|(`+).+?(?<!`)\1(?!`)", re.S)


class TagError(LookupError):
    """A malformed tag, or one that names an asset or a fact that does not exist."""


def prose_spans(markdown: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the text where tags count: all but fenced code, inline code and
    HTML comments."""
    spans, start, fence, offset = [], 0, None, 0
    for line in markdown.splitlines(keepends=True):
        match = FENCE.match(line)
        if fence is None and match:
            spans.append((start, offset))
            fence = match.group(1)
        elif fence is not None and match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                and not line[match.end():].strip():
            fence, start = None, offset + len(line)
        offset += len(line)
    if fence is None:
        spans.append((start, len(markdown)))
    prose = []
    for begin, end in spans:
        cursor = begin
        for hidden in INLINE_OR_COMMENT.finditer(markdown, begin, end):
            prose.append((cursor, hidden.start()))
            cursor = hidden.end()
        prose.append((cursor, end))
    return [(a, b) for a, b in prose if b > a]


def _tags(markdown: str, where: str, line_offset: int = 0):
    """Every tag match in the prose of a chapter; a malformed one raises TagError."""
    for begin, end in prose_spans(markdown):
        for opener in OPENER.finditer(markdown, begin, end):
            match = TAG.match(markdown, opener.start(), end)
            if match is None:
                line_no = line_offset + markdown.count("\n", 0, opener.start()) + 1
                text = markdown[opener.start():].split("\n", 1)[0]
                problem = "unclosed tag" if "}}" not in text else "malformed tag"
                raise TagError(
                    f"{where}:{line_no}: {problem} {text[:60]!r}; write {{{{ figure NAME }}}} or "
                    f"{{{{ fact NAME [FORMAT] }}}}, or \\{{{{ for a literal {{{{"
                )
            yield match


def references(markdown: str, where: str = "<text>") -> list[tuple[str, str, str | None]]:
    """Every ``(kind, name, format)`` tag in a chapter's prose, in order."""
    return [(m.group(1), m.group(2), m.group(3)) for m in _tags(markdown, where)]


# A figure with less prose than this above it shows on the first screen of a phone or a laptop
# (a phone screen holds the title and about 900 characters; headings and formulas take more room):
# it is fetched at once. Fetched early from further down, it would only delay the text above it.
FIRST_SCREEN_CHARS = 1250

# Below this width the column is too narrow for the column layout's text: phones get their own.
PHONE_MEDIA = "(max-width: 600px)"


def figure_html(name: str, entry: dict, figures_url: str, first: bool = False) -> str:
    """A captioned <figure>: a sized <picture> with the phone layout for narrow screens, lazy unless
    it is ``first`` (the page's first figure, on its first screen: fetched at once, at high
    priority); an animation gets its posters and a play/pause control."""
    alt = html.escape(entry["alt"], quote=True)
    caption = html.escape(entry["caption"])
    phone = entry["phone"]
    poster, phone_poster = f"{figures_url}/{name}.png", f"{figures_url}/{name}.phone.png"
    picture = (
        f'<picture><source media="{PHONE_MEDIA}" srcset="{phone_poster}" width="{phone["width"]}" '
        f'height="{phone["height"]}">'
        f'<img src="{poster}" alt="{alt}" width="{entry["width"]}" height="{entry["height"]}" '
        + ('loading="eager" fetchpriority="high"' if first else 'loading="lazy"')
        + ' decoding="async"></picture>'
    )
    if entry["kind"] == "animation":
        return (
            f'<figure class="gd-figure gd-animation" id="fig-{name}" data-gif="{figures_url}/{name}.gif" '
            f'data-gif-phone="{figures_url}/{name}.phone.gif" data-poster="{poster}" '
            f'data-poster-phone="{phone_poster}" data-phone-media="{PHONE_MEDIA}">\n'
            f'<div class="gd-stage">{picture}</div>\n'
            f'<button type="button" class="gd-play" aria-pressed="false">Play animation</button>\n'
            f"<figcaption>{caption}</figcaption>\n</figure>"
        )
    return f'<figure class="gd-figure" id="fig-{name}">\n{picture}\n<figcaption>{caption}</figcaption>\n</figure>'


def expand(markdown: str, catalogue: Catalogue, figures_url: str, where: str = "<text>", line_offset: int = 0) -> str:
    """Replace every tag in a chapter's prose; a malformed tag, an unknown name or a bad format
    raises TagError with ``where:line``. ``line_offset`` counts lines the caller stripped above."""
    out, cursor, figures = [], 0, 0
    for match in _tags(markdown, where, line_offset):
        kind, name, fmt = match.group(1), match.group(2), match.group(3)
        line_no = line_offset + markdown.count("\n", 0, match.start()) + 1
        if kind == "figure":
            if name not in catalogue.assets:
                raise TagError(f"{where}:{line_no}: unknown figure {name!r}")
            if fmt is not None:
                raise TagError(f"{where}:{line_no}: a figure tag takes no format, got {fmt!r}")
            on_first_screen = figures == 0 and len(" ".join(markdown[:match.start()].split())) < FIRST_SCREEN_CHARS
            text = "\n" + figure_html(name, catalogue.assets[name], figures_url, first=on_first_screen) + "\n"
            figures += 1
        else:
            if name not in catalogue.facts:
                raise TagError(f"{where}:{line_no}: unknown fact {name!r}")
            try:
                text = catalogue.facts[name].text(fmt)
            except ValueError as error:
                raise TagError(f"{where}:{line_no}: bad format {fmt!r} for fact {name!r}: {error}") from None
        out += [markdown[cursor:match.start()], text]
        cursor = match.end()
    out.append(markdown[cursor:])
    return "".join(out)


SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)
REMOTE = re.compile(r"""(?:src\s*=\s*["']?\s*(?:https?:)?//|import\s*\(\s*["'](?:https?:)?//|["']https?://[^"']*\.m?js)""", re.I)


def accessible(page: str) -> str:
    """Attributes the theme and nbconvert leave out: a name for the search dialog, and keyboard
    focus for notebook code cells that scroll sideways."""
    page = page.replace('data-md-component="search" role="dialog">',
                        'data-md-component="search" role="dialog" aria-label="Search this site">')
    return page.replace('<div class="highlight-ipynb', '<div tabindex="0" class="highlight-ipynb')


# nbconvert writes a notebook's Markdown cell as one div and leaves its formulas as $…$ and $$…$$
NOTEBOOK_MARKDOWN = re.compile(r'(<div class="[^"]*\bjp-MarkdownOutput\b[^"]*"[^>]*>)(.*?)(</div>)', re.S)
DOLLARS = re.compile(r"\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?P<inline>[^$\n]+?)\$", re.S)


def notebook_math(page: str) -> str:
    """A notebook's formulas marked the way arithmatex marks a chapter's, so they are typeset the
    same way at build time (nbconvert leaves them for a MathJax the site does not load). Only the
    Markdown cells are touched: a dollar sign in code or in an output stays as it is."""

    def mark(match: re.Match) -> str:
        if match.group("display") is not None:
            return f'<div class="arithmatex">\\[{match.group("display")}\\]</div>'
        return f'<span class="arithmatex">\\({match.group("inline")}\\)</span>'

    return NOTEBOOK_MARKDOWN.sub(lambda m: m.group(1) + DOLLARS.sub(mark, m.group(2)) + m.group(3), page)


TABLE = re.compile(r"<table>(.*?)</table>", re.S)


def wrap_tables(html: str) -> str:
    """Each plain Markdown table in the scroll container Material's script would put it in, so
    the page is laid out the same before that script starts as after (it wraps them again; the
    stylesheet flattens the inner copy with ``display: contents``)."""
    return TABLE.sub(r'<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table>\1</table></div></div>', html)


DEAD_MATHJAX = re.compile(
    r'<!-- (?:Load mathjax|MathJax configuration|End of mathjax configuration) -->'
    r'|<script type="text/x-mathjax-config">.*?</script>', re.S)


def strip_remote_scripts(page: str) -> str:
    """The page without any <script> that could fetch code from another host, even one that only
    would if the page held something it does not (nbconvert's diagram and MathJax loaders), nor
    the configuration nbconvert leaves for a MathJax the site no longer loads."""
    page = DEAD_MATHJAX.sub("", page)
    return SCRIPT.sub(lambda m: "" if REMOTE.search(m.group(0)) else m.group(0), page)


def playground_html(html: str, data: str, root: str) -> str:
    """The playground page with its data inline (``</`` escaped, so the JSON cannot close its
    <script>) and its own stylesheet and script, which no other page loads."""
    safe = data.replace("</", "<\\/")
    return (
        f'<link rel="stylesheet" href="{root}/stylesheets/playground.css">\n{html}\n'
        f'<script type="application/json" id="gd-playground-data">{safe}</script>\n'
        f'<script src="{root}/javascripts/playground.js" defer></script>'
    )
