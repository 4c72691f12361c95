"""Every number a page quotes reaches the reader where its tag stood.

Each page is converted twice by the site's own Markdown (``gdsim.site.tags.render``, the
extensions of mkdocs.yml and the chapters' tags): once with the facts the renderer wrote, once
with every fact replaced by a marker, a plain word Markdown cannot read as syntax. The words
around each marker in the second page's text are where the tag stood; in the first page's text
those same words must sit on either side of the fact's number. A number that Markdown took for
syntax (``523.`` at a line's start once became a numbered list's label) leaves that place.
Formulas are compared in their TeX source, as Markdown hands them to KaTeX; alt texts are read
where their figure stands, as a screen reader says them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gdsim.build.catalogue import Catalogue
from gdsim.facts import Fact
from gdsim.site.tags import check_notebook, expand_facts, references, render

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(path.name for path in DOCS.glob("*.md"))
NOTEBOOKS = sorted(path.name for path in (DOCS / "notebooks").glob("*.ipynb"))
MARKER = re.compile(r"zqfact(\d+)qz")
AROUND = 6  # words compared on each side of a number


class _Marked:
    """Stands for one fact: each quote of it prints a marker of its own, after checking the
    format as the real fact would (a bad format still fails as on the site)."""

    def __init__(self, fact: Fact, quoted: list[tuple[Fact, str | None]]):
        self.fact, self.quoted = fact, quoted

    def text(self, fmt: str | None = None) -> str:
        self.fact.text(fmt)
        self.quoted.append((self.fact, fmt))
        return f"zqfact{len(self.quoted) - 1}qz"


class _Text(HTMLParser):
    """The words of a page as read: its text, and an image's alt text where the image stands."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        alt = dict(attrs).get("alt")
        self.parts.append(f" {alt} " if tag == "img" and alt else " ")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(" ")


def page_text(html: str) -> str:
    """``html``'s text and alt texts, every run of white space one space."""
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def _words_around(text: str, start: int, end: int) -> tuple[str, str]:
    """Up to ``AROUND`` words of ``text`` before ``start`` and after ``end``, with the white space
    that joins them to the span (a number glued to its neighbour must stay glued)."""
    reach = 100 * AROUND  # characters enough for the words: no need to split the whole page
    head, tail = re.split(r"(\s+)", text[max(start - reach, 0):start]), re.split(r"(\s+)", text[end:end + reach])
    # split keeps the separators: words at even places, white space (one space here) between
    return "".join(head[-2 * AROUND - 1:]), "".join(tail[:2 * AROUND + 1])


def misplaced_numbers(source: str, catalogue: Catalogue, where: str, convert=render) -> list[str]:
    """Each fact tag of ``source`` whose number is not in the page's text between the words that
    surround the tag, as ``where: name = number: the words expected``; an empty list if none.
    ``convert(source, catalogue, where)`` gives the page's HTML (the site's ``render``)."""
    real = page_text(convert(source, catalogue, where))
    quoted: list[tuple[Fact, str | None]] = []
    markers = {name: _Marked(fact, quoted) for name, fact in catalogue.facts.items()}
    marked = page_text(convert(source, Catalogue(catalogue.assets, markers), where))
    names = {id(fact): name for name, fact in catalogue.facts.items()}
    tags = [name for kind, name, _ in references(source, where) if kind == "fact"]
    found = MARKER.findall(marked)
    problems = [f"{where}: {len(tags)} fact tags but {len(found)} reach the page's text"] if len(found) != len(tags) else []
    # the page as it should read: every marker replaced by its number
    numbers = [fact.text(fmt) for fact, fmt in quoted]
    spans, expected, cursor = [], [], 0
    for match in MARKER.finditer(marked):
        expected.append(marked[cursor:match.start()])
        start = sum(map(len, expected))
        expected.append(numbers[int(match.group(1))])
        spans.append((start, start + len(expected[-1]), int(match.group(1))))
        cursor = match.end()
    expected = "".join(expected) + marked[cursor:]
    for start, end, index in spans:
        before, after = _words_around(expected, start, end)
        if before + expected[start:end] + after not in real:
            fact, _ = quoted[index]
            problems.append(f"{where}: {names[id(fact)]} = {numbers[index]}: expected "
                            f"{before + expected[start:end] + after!r}")
    return problems


@pytest.fixture(scope="module")
def catalogue(rendered) -> Catalogue:
    """The figures and facts the site reads (figures/manifest.json and facts.json)."""
    return Catalogue.load(rendered)


@pytest.mark.parametrize("page", PAGES)
def test_every_quoted_number_stands_where_its_tag_stood(page, catalogue):
    source = (DOCS / page).read_text(encoding="utf-8")
    assert misplaced_numbers(source, catalogue, f"docs/{page}") == []


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_a_notebooks_markdown_quotes_no_tag_that_could_be_lost(notebook):
    """A notebook's Markdown is typeset by nbconvert, which knows no tags: its numbers come from
    its code cells, and a tag in its Markdown fails (as it fails the build)."""
    check_notebook(DOCS / "notebooks" / notebook, f"docs/notebooks/{notebook}")


FACTS = {"step": Fact(523, "d"), "loss": Fact(-2.7421577, ".2f"), "star": Fact(3.0, ".0f")}


def _expanded_first(text: str, catalogue: Catalogue, where: str = "<text>") -> str:
    """What the site did before facts were part of its Markdown: numbers in, then Markdown."""
    return render(expand_facts(text, catalogue.facts, where), catalogue, where)


def test_the_check_finds_a_number_markdown_read_as_syntax():
    """A number in a sentence, a heading, a formula or a link passes; "523." at the start of a list
    item's line, expanded before Markdown, becomes a list item's label (loss-curves, once) and
    is reported with the words it left."""
    catalogue = Catalogue({}, FACTS)
    page = ("- Its mean goes below 0.001 only at step\n  {{ fact step }}. Its median is small.\n- Next.\n\n"
            "$$\nL = {{ fact loss }}\n$$\n\n*At* {{ fact loss }}, a [link {{ fact star }}](#x).\n\n"
            "# Heading {{ fact star }} here\n")
    assert misplaced_numbers(page, catalogue, "x.md") == []
    assert misplaced_numbers(page, catalogue, "x.md", _expanded_first) == [
        "x.md: step = 523: expected 'goes below 0.001 only at step 523. Its median is small. Next. \\\\['"]
