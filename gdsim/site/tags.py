r"""The tag language of the chapters: ``{{ fact … }}`` quotes a number, ``{{ figure … }}`` shows an
asset with the words that go with it.

A chapter writes ``{{ fact NAME }}`` (optionally ``{{ fact NAME .3f }}``) to quote a number, and
shows a figure with a tag on a line of its own followed by its words, indented under it::

    {{ figure geometric-gradients }}
        caption: Slopes read off the cross-sections over a step of {{ fact secant_step }}: …
        alt: Two panels on the same loss axis, …
            (a longer field goes on, indented deeper)

The caption is Markdown (emphasis, links, ``$…$`` formulas); the alt text is plain text, read
aloud in place of the picture. Both may quote facts.

Tags are part of Markdown itself (``TagExtension``), so code is what Python-Markdown says is code:
a tag in a code span, a fenced or an indented code block, or an HTML comment is left as written,
and a figure stands in the block it is written in (an admonition, a list item). Outside code every
``{{`` must open one of the two tags, closed on the same line: a malformed tag, an unknown name, a
figure without its caption or alt text, a field that is not ``caption:`` or ``alt:``, or a tag in
raw HTML is a ``TagError`` naming the file and line. ``\{{`` writes a literal ``{{``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import markdown
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from mkdocs.exceptions import PluginError

from gdsim.build.catalogue import Catalogue, Entry
from gdsim.facts import Fact
from gdsim.paths import ROOT

TAG = re.compile(r"\{\{[ \t]*(figure|fact)[ \t]+([a-z0-9_-]+)(?:[ \t]+([^\s{}]+))?[ \t]*\}\}")
OPENER = re.compile(r"(?<!\\)\{\{")
FIGURE_LINE = re.compile(r"[ ]{0,3}\{\{[ \t]*figure\b")
FIELDS = ("caption", "alt")
FIELD = re.compile(r"(caption|alt):(?:[ \t]+|$)")
# Code and comments in a raw-HTML block, where a tag is left as written.
CODE_OR_COMMENT = re.compile(r"<pre\b.*?</pre>|<code\b.*?</code>|<!--.*?-->", re.S)


class TagError(PluginError, LookupError):
    """A malformed tag, one that names an asset or a fact that does not exist, or a figure whose
    words are missing or malformed. (A PluginError: MkDocs stops the build with the message alone.)"""


def _malformed(text: str, at: int, where: str) -> TagError:
    line = text[at:].split("\n", 1)[0]
    problem = "unclosed tag" if "}}" not in line else "malformed tag"
    return TagError(f"{where}: {problem} {line[:60]!r}; write {{{{ figure NAME }}}} or "
                    f"{{{{ fact NAME [FORMAT] }}}}, or \\{{{{ for a literal {{{{")


def _fact(name: str, fmt: str | None, facts: dict[str, Fact] | None, where: str | Callable[[], str]) -> str:
    """A fact's number as the page prints it (``0`` when only collecting tags); ``where`` (a string,
    or a function giving it, called only for an error) names the file and line."""
    if facts is None:
        return "0"
    if name not in facts:
        raise TagError(f"{where if isinstance(where, str) else where()}: unknown fact {name!r}")
    try:
        return facts[name].text(fmt)
    except ValueError as error:
        where = where if isinstance(where, str) else where()
        raise TagError(f"{where}: bad format {fmt!r} for fact {name!r}: {error}") from None


def expand_facts(text: str, facts: dict[str, Fact] | None, where: str = "<text>", line_no: int = 1,
                 locate: Callable[[str], str] | None = None) -> str:
    """Plain ``text`` (an alt text, a formula) with every fact tag replaced by its number; any
    other ``{{`` is a TagError at ``where:line_no`` (or at ``locate(tag)``, given the tag as written)."""
    out, cursor = [], 0
    for opener in OPENER.finditer(text):
        if opener.start() < cursor:
            continue
        match = TAG.match(text, opener.start())
        line = text[opener.start():].split("\n", 1)[0]
        written = match.group(0) if match else line[:line.index("}}") + 2] if "}}" in line else line
        at = (lambda tag=written: locate(tag)) if locate else (lambda: f"{where}:{line_no}")
        if match is None:
            raise _malformed(text, opener.start(), at())
        if match.group(1) == "figure":
            raise TagError(f"{at()}: a figure tag stands alone on its line, not inside words or a formula")
        out += [text[cursor:match.start()], _fact(match.group(2), match.group(3), facts, at)]
        cursor = match.end()
    return "".join(out + [text[cursor:]])


# ---------------------------------------------------------------- a figure's words


@dataclass(frozen=True)
class Words:
    """What a page says about one of its figures, as written (fact tags not yet expanded)."""

    name: str
    line: int  # of the figure tag
    caption: str  # Markdown, one paragraph
    alt: str  # plain text
    lines: dict[str, int]  # field → the line it starts on


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def words(lines: list[str], where: str, line_no: int) -> tuple[Words, int]:
    """The figure tag on ``lines[0]`` (the tag's line is ``line_no``) with the caption and alt text
    indented under it, and how many lines they take; a TagError with file and line if the tag
    does not stand alone, or a field is missing, repeated, empty or unknown."""
    match = TAG.match(lines[0], _indent(lines[0]))
    if match is None:
        raise _malformed(lines[0], _indent(lines[0]), f"{where}:{line_no}")
    if match.group(1) != "figure" or lines[0][match.end():].strip():
        raise TagError(f"{where}:{line_no}: a figure tag stands alone on its line, its words indented under it")
    name = match.group(2)
    if match.group(3) is not None:
        raise TagError(f"{where}:{line_no}: a figure tag takes no format, got {match.group(3)!r}")
    base = _indent(lines[0])
    fields: dict[str, list[str]] = {}
    starts: dict[str, int] = {}
    current, used = None, 1
    for number, line in enumerate(lines[1:], line_no + 1):
        if not line.strip() or _indent(line) <= base:
            break
        field = FIELD.match(line, _indent(line))
        if _indent(line) < base + 4 or (_indent(line) == base + 4) != bool(field) or (current is None and not field):
            raise TagError(f"{where}:{number}: under a figure tag, write 'caption:' and 'alt:' indented by 4 "
                           "spaces, and go on with a longer one on lines indented deeper")
        if field:
            current = field.group(1)
            if current in fields:
                raise TagError(f"{where}:{number}: figure {name!r} has a second {current!r}")
            fields[current], starts[current] = [], number
        fields[current].append(line[field.end() if field else _indent(line):].strip())
        used += 1
    text = {}
    for key in FIELDS:
        text[key] = " ".join(fields.get(key, [])).strip()
        if not text[key]:
            what = "alt text" if key == "alt" else "caption"
            raise TagError(f"{where}:{starts.get(key, line_no)}: figure {name!r} has no {what}; write "
                           f"'{key}: …' indented under its tag")
    return Words(name, line_no, text["caption"], text["alt"], starts), used


# ---------------------------------------------------------------- the figure's HTML

# Below this width the column is too narrow for the column layout's text: phones get their own.
PHONE_MEDIA = "(max-width: 600px)"
# A figure with less prose than this above it shows on the first screen of a phone or a laptop
# (a phone screen holds the title and about 900 characters; headings and formulas take more room):
# it is fetched at once. Fetched early from further down, it would only delay the text above it.
FIRST_SCREEN_CHARS = 1250


def figure_element(name: str, entry: Entry, figures_url: str, alt: str, caption: str, first: bool,
                   figures_src: str | None = None) -> etree.Element:
    """A captioned <figure>: a sized <picture> with the phone layout for narrow screens, lazy unless
    it is ``first`` (the page's first figure, on its first screen: fetched at once, at high
    priority); an animation gets its posters and a play/pause control. ``caption`` is Markdown,
    typeset in place with the rest of the page. ``figures_src`` is the folder as the page's source
    file sees it (MkDocs checks and rewrites an <img>'s address), ``figures_url`` as its URL does."""
    poster, phone_poster = f"{figures_url}/{name}.png", f"{figures_url}/{name}.phone.png"
    figure = etree.Element("figure", {"class": "gd-figure", "id": f"fig-{name}"})
    figure.text = "\n"
    stage = figure
    if entry.kind == "animation":
        figure.attrib.update({"class": "gd-figure gd-animation", "data-gif": f"{figures_url}/{name}.gif",
                              "data-gif-phone": f"{figures_url}/{name}.phone.gif", "data-poster": poster,
                              "data-poster-phone": phone_poster, "data-phone-media": PHONE_MEDIA})
        stage = etree.SubElement(figure, "div", {"class": "gd-stage"})
        stage.tail = "\n"
    picture = etree.SubElement(stage, "picture")
    picture.tail = "\n" if stage is figure else None
    etree.SubElement(picture, "source", {"media": PHONE_MEDIA, "srcset": phone_poster,
                                         "width": str(entry.phone_width), "height": str(entry.phone_height)})
    loading = {"loading": "eager", "fetchpriority": "high"} if first else {"loading": "lazy"}
    src = poster if figures_src is None else f"{figures_src}/{name}.png"
    etree.SubElement(picture, "img", {"src": src, "alt": alt, "width": str(entry.width),
                                      "height": str(entry.height), **loading, "decoding": "async"})
    if entry.kind == "animation":
        button = etree.SubElement(figure, "button", {"type": "button", "class": "gd-play", "aria-pressed": "false"})
        button.text, button.tail = "Play animation", "\n"
    figcaption = etree.SubElement(figure, "figcaption")
    figcaption.text, figcaption.tail = caption, "\n"
    return figure


# ---------------------------------------------------------------- tags inside Markdown


@dataclass
class Page:
    """What the tags of one page need: where it is, the catalogue (``None`` only collects the tags),
    the figures' address from the page, and what has been found so far."""

    where: str = "<text>"
    catalogue: Catalogue | None = None
    figures_url: str = "figures"  # from the page's address
    figures_src: str | None = None  # from the page's source file, if not figures_url
    line_offset: int = 0  # lines of the file above the Markdown (its front matter)
    source: str = ""
    found: list[tuple[int, str, str, str | None]] = field(default_factory=list)  # (offset, kind, name, format)
    words: dict[str, Words] = field(default_factory=dict)
    figures: int = 0

    @property
    def facts(self) -> dict[str, Fact] | None:
        return None if self.catalogue is None else self.catalogue.facts

    def locate(self, text: str) -> int:
        """Offset in the page's source of the first place ``text`` is written (-1 if nowhere)."""
        return self.source.find(text)

    def line(self, offset: int) -> int:
        return self.line_offset + self.source.count("\n", 0, max(offset, 0)) + 1

    def at(self, text: str) -> str:
        """``where:line`` of ``text`` in the source, or just ``where`` if it cannot be found."""
        offset = self.locate(text)
        if offset < 0:  # an unclosed tag runs into what Markdown wrapped around it: try its start
            offset = self.locate(text[:12])
        return f"{self.where}:{self.line(offset)}" if offset >= 0 else self.where


class _Source(Preprocessor):
    """Keep the page's Markdown as written: errors name lines in it."""

    def __init__(self, md: markdown.Markdown, page: Page):
        super().__init__(md)
        self.page = page

    def run(self, lines: list[str]) -> list[str]:
        self.page.source = "\n".join(lines)
        self.page.found.clear()
        self.page.words.clear()
        self.page.figures = 0
        return lines


class _FigureBlock(BlockProcessor):
    """A block that starts with a figure tag: the figure, its caption typeset as Markdown."""

    def __init__(self, parser: BlockParser, page: Page):
        super().__init__(parser)
        self.page = page

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(FIGURE_LINE.match(block))

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        page, block = self.page, blocks.pop(0)
        lines = block.split("\n")
        offset = page.locate(lines[0].strip())
        line_no = page.line(offset) if offset >= 0 else 0
        said, used = words(lines, page.where, line_no)
        if used < len(lines):
            blocks.insert(0, "\n".join(lines[used:]))
        page.found.append((offset, "figure", said.name, None))
        page.found += [(page.locate(m.group(0)), "fact", m.group(2), m.group(3)) for m in TAG.finditer(said.alt)]
        page.words[said.name] = said
        if page.catalogue is not None and said.name not in page.catalogue.assets:
            raise TagError(f"{page.where}:{line_no}: unknown figure {said.name!r}")
        alt = expand_facts(said.alt, page.facts, page.where, said.lines["alt"])
        if page.catalogue is None:  # only collecting: the caption still goes through Markdown
            etree.SubElement(etree.SubElement(parent, "figure"), "figcaption").text = said.caption
            return
        if "$" in alt or "`" in alt:
            raise TagError(f"{page.where}:{said.lines['alt']}: alt text is read aloud as written: no formulas or "
                           "code, write the symbols out (η, λ_max)")
        first = page.figures == 0 and len(" ".join(page.source[:max(offset, 0)].split())) < FIRST_SCREEN_CHARS
        page.figures += 1
        parent.append(figure_element(said.name, page.catalogue.assets[said.name], page.figures_url, alt,
                                     said.caption, first, page.figures_src))


class _FactInline(InlineProcessor):
    """``{{`` in running text (code already set aside by Markdown): a fact becomes its number;
    anything else is an error."""

    def __init__(self, page: Page):
        super().__init__(r"\{\{")
        self.page = page

    def handleMatch(self, m: re.Match, data: str):
        page = self.page
        match = TAG.match(data, m.start())
        if match is None:
            line = data[m.start():].split("\n", 1)[0]
            raise _malformed(data, m.start(), page.at(line[:line.index("}}") + 2] if "}}" in line else line))
        if match.group(1) == "figure":
            raise TagError(f"{page.at(match.group(0))}: a figure tag stands alone on its line, its words indented "
                           "under it, with a blank line above (not in a sentence, a table or a heading)")
        # Where each tag is written matters only for collecting, or for an error: not searched for otherwise.
        offset = page.locate(match.group(0)) if page.catalogue is None else -1
        page.found.append((offset, "fact", match.group(2), match.group(3)))
        number = _fact(match.group(2), match.group(3), page.facts, lambda: page.at(match.group(0)))
        return number, m.start(), match.end()


class _FactsInFormulas(Treeprocessor):
    """Facts inside ``$…$`` and ``$$…$$``, which Markdown hands over as formulas untouched."""

    def __init__(self, md: markdown.Markdown, page: Page):
        super().__init__(md)
        self.page = page

    def run(self, root: etree.Element) -> None:
        page = self.page
        for element in root.iter():
            text = element.text
            if not (text and "{{" in text and "arithmatex" in element.get("class", "").split()):
                continue
            if page.catalogue is None:
                page.found += [(page.locate(m.group(0)), m.group(1), m.group(2), m.group(3)) for m in TAG.finditer(text)]
            element.text = AtomicString(expand_facts(text, page.facts, locate=page.at))


class _NoTagInRawHtml(Preprocessor):
    """A tag in a raw-HTML block (outside its code and comments) would reach the reader as written.
    Runs just after Markdown sets raw HTML (and fenced code) aside, before code spans join them."""

    def __init__(self, md: markdown.Markdown, page: Page):
        super().__init__(md)
        self.page = page

    def run(self, lines: list[str]) -> list[str]:
        for raw in self.md.htmlStash.rawHtmlBlocks:
            match = TAG.search(CODE_OR_COMMENT.sub("", str(raw)))
            if match:
                raise TagError(f"{self.page.at(match.group(0))}: a tag inside raw HTML is not expanded; add the "
                               "markdown attribute to the HTML block, or move the tag out of it")
        return lines


class TagExtension(Extension):
    """The chapters' tags as part of Python-Markdown: one ``Page`` per conversion, set by the caller."""

    def __init__(self, page: Page | None = None):
        super().__init__()
        self.page = page or Page()

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(_Source(md, self.page), "gdsim-source", 1000)
        # Below indented code (80), lists (90) and formulas (79.9); above everything that reads prose.
        md.parser.blockprocessors.register(_FigureBlock(md.parser, self.page), "gdsim-figure", 75)
        # After code spans (190), formulas (189.9), escapes (180) and inline HTML and comments (90):
        # what is left is running text (a link's text too: it is read by the patterns after links).
        # A number enters the page here, after the block parser has made the paragraphs, lists and
        # headings, and as plain text no later pattern reads: a fact may start a line ("523." there
        # once became a numbered list's label when facts were expanded before Markdown), and no
        # number can be taken for syntax. tests/test_quoted.py checks every page for it.
        md.inlinePatterns.register(_FactInline(self.page), "gdsim-fact", 85)
        md.treeprocessors.register(_FactsInFormulas(md, self.page), "gdsim-formula-facts", 15)
        # Just after raw HTML blocks are set aside (20).
        md.preprocessors.register(_NoTagInRawHtml(md, self.page), "gdsim-raw-html", 19)


# ---------------------------------------------------------------- pages outside MkDocs


# MkDocs adds these to every site's list (mkdocs.config.defaults).
MKDOCS_BUILTINS = ("toc", "tables", "fenced_code")


@lru_cache(maxsize=1)
def site_extensions() -> tuple[tuple[str, ...], dict]:
    """The Markdown extensions and their settings from mkdocs.yml, as MkDocs hands them to the pages."""
    import yaml

    class Loader(yaml.SafeLoader):
        """mkdocs.yml's own tags (``!ENV``) stand for settings the Markdown does not read."""

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader)
    names, settings = list(MKDOCS_BUILTINS), {}
    for item in config.get("markdown_extensions", []):
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        names += [name] if name not in names else []
        settings[name] = options or {}
    return tuple(names), settings


def convert(text: str, page: Page) -> str:
    """``text`` as the site's Markdown turns it into HTML, tags included."""
    names, configs = site_extensions()
    return markdown.Markdown(extensions=[*names, TagExtension(page)], extension_configs=configs).convert(text)


def render(text: str, catalogue: Catalogue, where: str = "<text>", figures_url: str = "../figures",
           line_offset: int = 0) -> str:
    """A chapter's Markdown as the site's HTML: facts filled in, figures in place."""
    return convert(text, Page(where, catalogue, figures_url=figures_url, line_offset=line_offset))


def _collected(text: str, where: str) -> Page:
    page = Page(where)
    convert(text, page)
    return page


def references(text: str, where: str = "<text>") -> list[tuple[str, str, str | None]]:
    """Every ``(kind, name, format)`` tag of a chapter, in the order written (a figure's words included)."""
    page = _collected(text, where)
    return [(kind, name, fmt) for _, kind, name, fmt in sorted(page.found, key=lambda found: found[0])]


def figure_words(text: str, where: str = "<text>") -> dict[str, Words]:
    """Every figure of a page with its words, by asset name."""
    return dict(_collected(text, where).words)


def check_notebook(path: Path, where: str) -> None:
    """A notebook's Markdown cells are not the site's Markdown (nbconvert typesets them): a tag
    there would reach the reader as written, so it is a TagError naming the file and the cell."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    for number, cell in enumerate(cells, 1):
        if cell.get("cell_type") != "markdown":
            continue
        text = "".join(cell.get("source", []))
        found = references(text, f"{where}: cell {number}")  # a malformed tag: "<where>: cell N:<line>: …"
        if found:
            kind, name, _ = found[0]
            raise TagError(f"{where}: cell {number}: a notebook's Markdown cells hold no tags ({kind} {name!r}); "
                           "compute the number in a code cell instead")
