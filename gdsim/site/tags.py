r"""The tag language of the chapters: ``{{ fact … }}`` quotes a number, ``{{ figure … }}`` shows an
asset with the words that go with it.

A chapter writes ``{{ fact NAME }}`` (optionally ``{{ fact NAME .3f }}``) to quote a number, and
shows a figure with a tag on a line of its own followed by its words, indented under it::

    {{ figure geometric-gradients }}
        caption: Slopes read off the cross-sections over a step of {{ fact secant_step }}: …
        alt: Two panels on the same loss axis, …
            (a longer field goes on, indented deeper)

The caption is Markdown (emphasis, links, ``$…$`` formulas); the alt text is plain text, read
aloud in place of the picture. Both may quote facts. The grammar is strict: outside code and HTML
comments, every ``{{`` must open one of the two tags, closed by ``}}`` on the same line; a
malformed tag, an unknown name, a figure without its caption or alt text, or a field that is not
``caption:`` or ``alt:`` is a ``TagError`` naming the file and line. Tags inside fenced code,
inline code and HTML comments are left as written; ``\{{`` writes a literal ``{{`` anywhere.

Expanding a page gives Markdown in which each figure is a marked paragraph holding its caption, so
that Markdown typesets the caption where the figure stands (in an admonition or a list too);
``place_figures`` then swaps each marked paragraph for the figure's HTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from gdsim.build.catalogue import Catalogue, Entry
from gdsim.facts import Fact

TAG = re.compile(r"\{\{[ \t]*(figure|fact)[ \t]+([a-z0-9_-]+)(?:[ \t]+([^\s{}]+))?[ \t]*\}\}")
OPENER = re.compile(r"(?<!\\)\{\{")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
INLINE_OR_COMMENT = re.compile(r"<!--.*?-->|(`+).+?(?<!`)\1(?!`)", re.S)
FIELDS = ("caption", "alt")
FIELD = re.compile(r"(caption|alt):(?:[ \t]+|$)")
# Each figure reaches Markdown as a paragraph starting with this marker, then its caption.
MARK = "@@gdsim-figure-{}@@"
MARKED = re.compile(r"<p>@@gdsim-figure-(\d+)@@[ \n]?(.*?)</p>", re.S)


class TagError(LookupError):
    """A malformed tag, one that names an asset or a fact that does not exist, or a figure whose
    words are missing or malformed."""


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


def _line_of(markdown: str, offset: int, line_offset: int) -> int:
    return line_offset + markdown.count("\n", 0, offset) + 1


def _tags(markdown: str, where: str, line_offset: int = 0):
    """Every tag match in the prose of a chapter; a malformed one raises TagError."""
    for begin, end in prose_spans(markdown):
        for opener in OPENER.finditer(markdown, begin, end):
            match = TAG.match(markdown, opener.start(), end)
            if match is None:
                text = markdown[opener.start():].split("\n", 1)[0]
                problem = "unclosed tag" if "}}" not in text else "malformed tag"
                raise TagError(
                    f"{where}:{_line_of(markdown, opener.start(), line_offset)}: {problem} {text[:60]!r}; write "
                    f"{{{{ figure NAME }}}} or {{{{ fact NAME [FORMAT] }}}}, or \\{{{{ for a literal {{{{"
                )
            yield match


def references(markdown: str, where: str = "<text>") -> list[tuple[str, str, str | None]]:
    """Every ``(kind, name, format)`` tag in a chapter's prose, in order (a figure's words included)."""
    return [(m.group(1), m.group(2), m.group(3)) for m in _tags(markdown, where)]


# ---------------------------------------------------------------- a figure's words


@dataclass(frozen=True)
class Words:
    """What a page says about one of its figures, as written (fact tags not yet expanded)."""

    name: str
    line: int  # of the figure tag
    caption: str  # Markdown, one paragraph
    alt: str  # plain text
    lines: dict[str, int]  # field → the line it starts on
    start: int  # offsets of the tag line's start …
    end: int  # … and of the end of the figure's last line


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def words(markdown: str, match: re.Match, where: str, line_offset: int = 0) -> Words:
    """The caption and alt text written under one figure tag; a TagError with file and line if the
    tag does not stand alone on its line, or a field is missing, repeated, empty or unknown."""
    name, line_no = match.group(2), _line_of(markdown, match.start(), line_offset)
    start = markdown.rfind("\n", 0, match.start()) + 1
    tag_line_end = markdown.find("\n", match.end())
    tag_line_end = len(markdown) if tag_line_end < 0 else tag_line_end
    if markdown[start:match.start()].strip(" ") or markdown[match.end():tag_line_end].strip():
        raise TagError(f"{where}:{line_no}: a figure tag stands alone on its line, its words indented under it")
    base = _indent(markdown[start:match.start()] + "x")
    fields: dict[str, list[str]] = {}
    lines: dict[str, int] = {}
    end, cursor, number, current = tag_line_end, tag_line_end, line_no, None
    while cursor < len(markdown):
        line_end = markdown.find("\n", cursor + 1)
        line_end = len(markdown) if line_end < 0 else line_end
        line = markdown[cursor + 1:line_end]
        if not line.strip() or _indent(line) <= base:
            break
        number += 1
        field = FIELD.match(line, _indent(line))
        if _indent(line) < base + 4 or (_indent(line) == base + 4) != bool(field) or (current is None and not field):
            raise TagError(f"{where}:{number}: under a figure tag, write 'caption:' and 'alt:' indented by 4 "
                           "spaces, and go on with a longer one on lines indented deeper")
        if field:
            current = field.group(1)
            if current in fields:
                raise TagError(f"{where}:{number}: figure {name!r} has a second {current!r}")
            fields[current], lines[current] = [], number
        fields[current].append(line[field.end() if field else _indent(line):].strip())
        end = cursor = line_end
    for field in FIELDS:
        text = " ".join(fields.get(field, [])).strip()
        if not text:
            what = "alt text" if field == "alt" else "caption"
            raise TagError(f"{where}:{lines.get(field, line_no)}: figure {name!r} has no {what}; write "
                           f"'{field}: …' indented under its tag")
        fields[field] = text
    return Words(name, line_no, fields["caption"], fields["alt"], lines, start, end)


def figure_words(markdown: str, where: str = "<text>") -> dict[str, Words]:
    """Every figure of a page with its words, by asset name."""
    return {m.group(2): words(markdown, m, where) for m in _tags(markdown, where) if m.group(1) == "figure"}


# ---------------------------------------------------------------- expansion


def _fact(match: re.Match, facts: dict[str, Fact], where: str, line_no: int) -> str:
    name, fmt = match.group(2), match.group(3)
    if name not in facts:
        raise TagError(f"{where}:{line_no}: unknown fact {name!r}")
    try:
        return facts[name].text(fmt)
    except ValueError as error:
        raise TagError(f"{where}:{line_no}: bad format {fmt!r} for fact {name!r}: {error}") from None


def expand_facts(text: str, facts: dict[str, Fact], where: str = "<text>", line_no: int = 1) -> str:
    """``text`` with every fact tag replaced by its number (a figure tag here is an error)."""
    out, cursor = [], 0
    for match in _tags(text, where, line_no - 1):
        if match.group(1) == "figure":
            raise TagError(f"{where}:{line_no}: a figure tag cannot stand inside a figure's words")
        out += [text[cursor:match.start()], _fact(match, facts, where, line_no)]
        cursor = match.end()
    return "".join(out + [text[cursor:]])


@dataclass(frozen=True)
class PageFigure:
    """One figure of an expanded page, waiting for its marked paragraph."""

    name: str
    alt: str  # plain text, facts filled in
    first: bool  # the page's first figure, on its first screen: fetched at once


@dataclass(frozen=True)
class Expanded:
    """A page's Markdown with its tags expanded, and its figures in order."""

    markdown: str
    figures: tuple[PageFigure, ...]


# A figure with less prose than this above it shows on the first screen of a phone or a laptop
# (a phone screen holds the title and about 900 characters; headings and formulas take more room):
# it is fetched at once. Fetched early from further down, it would only delay the text above it.
FIRST_SCREEN_CHARS = 1250


def expand(markdown: str, catalogue: Catalogue, where: str = "<text>", line_offset: int = 0) -> Expanded:
    """Replace every tag of a chapter: a fact by its number, a figure by a marked paragraph holding
    its caption. A malformed tag, an unknown name, a bad format or a figure's missing words raise
    TagError with ``where:line``; ``line_offset`` counts lines the caller stripped above."""
    out, cursor, figures = [], 0, []
    for match in _tags(markdown, where, line_offset):
        if match.start() < cursor:  # a fact in the words of the figure just expanded
            continue
        line_no = _line_of(markdown, match.start(), line_offset)
        if match.group(1) == "fact":
            out += [markdown[cursor:match.start()], _fact(match, catalogue.facts, where, line_no)]
            cursor = match.end()
            continue
        name = match.group(2)
        if name not in catalogue.assets:
            raise TagError(f"{where}:{line_no}: unknown figure {name!r}")
        if match.group(3) is not None:
            raise TagError(f"{where}:{line_no}: a figure tag takes no format, got {match.group(3)!r}")
        said = words(markdown, match, where, line_offset)
        caption = expand_facts(said.caption, catalogue.facts, where, said.lines["caption"])
        alt = expand_facts(said.alt, catalogue.facts, where, said.lines["alt"])
        if "$" in alt or "`" in alt:
            raise TagError(f"{where}:{said.lines['alt']}: alt text is read aloud as written: no formulas or "
                           "code, write the symbols out (η, λ_max)")
        first = not figures and len(" ".join(markdown[:match.start()].split())) < FIRST_SCREEN_CHARS
        figures.append(PageFigure(name, alt, first))
        indent = " " * _indent(markdown[said.start:match.start()] + "x")
        out += [markdown[cursor:said.start], f"\n{indent}{MARK.format(len(figures) - 1)} {caption}\n"]
        cursor = said.end
    out.append(markdown[cursor:])
    return Expanded("".join(out), tuple(figures))


# Below this width the column is too narrow for the column layout's text: phones get their own.
PHONE_MEDIA = "(max-width: 600px)"


def figure_html(name: str, entry: Entry, figures_url: str, alt: str, caption_html: str, first: bool = False) -> str:
    """A captioned <figure>: a sized <picture> with the phone layout for narrow screens, lazy unless
    it is ``first`` (the page's first figure, on its first screen: fetched at once, at high
    priority); an animation gets its posters and a play/pause control."""
    alt = html.escape(alt, quote=True)
    poster, phone_poster = f"{figures_url}/{name}.png", f"{figures_url}/{name}.phone.png"
    picture = (
        f'<picture><source media="{PHONE_MEDIA}" srcset="{phone_poster}" width="{entry.phone_width}" '
        f'height="{entry.phone_height}">'
        f'<img src="{poster}" alt="{alt}" width="{entry.width}" height="{entry.height}" '
        + ('loading="eager" fetchpriority="high"' if first else 'loading="lazy"')
        + ' decoding="async"></picture>'
    )
    if entry.kind == "animation":
        return (
            f'<figure class="gd-figure gd-animation" id="fig-{name}" data-gif="{figures_url}/{name}.gif" '
            f'data-gif-phone="{figures_url}/{name}.phone.gif" data-poster="{poster}" '
            f'data-poster-phone="{phone_poster}" data-phone-media="{PHONE_MEDIA}">\n'
            f'<div class="gd-stage">{picture}</div>\n'
            f'<button type="button" class="gd-play" aria-pressed="false">Play animation</button>\n'
            f"<figcaption>{caption_html}</figcaption>\n</figure>"
        )
    return f'<figure class="gd-figure" id="fig-{name}">\n{picture}\n<figcaption>{caption_html}</figcaption>\n</figure>'


def place_figures(page: str, figures: tuple[PageFigure, ...], catalogue: Catalogue, figures_url: str,
                  where: str = "<page>") -> str:
    """The page's HTML with each marked paragraph replaced by its figure, the paragraph's content
    (the caption as Markdown typeset it) becoming the figure's caption. A figure whose paragraph
    did not survive (a tag inside a table or a heading) is a TagError."""
    placed: list[int] = []

    def place(match: re.Match) -> str:
        index = int(match.group(1))
        figure = figures[index]
        placed.append(index)
        return figure_html(figure.name, catalogue.assets[figure.name], figures_url, figure.alt,
                           match.group(2).strip(), figure.first)

    page = MARKED.sub(place, page)
    lost = [figures[i].name for i in range(len(figures)) if placed.count(i) != 1]
    if lost or "@@gdsim-figure-" in page:
        raise TagError(f"{where}: figure {', '.join(lost) or '?'} is not a paragraph of its own "
                       "(a figure tag cannot stand in a table, a heading or a paragraph's middle)")
    return page
