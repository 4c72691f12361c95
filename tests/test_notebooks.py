"""The companion notebooks: one per chapter, linked both ways, run for real by the site's build, and every
number their pages print for the reader equal to what ``python -m gdsim facts`` says."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from gdsim import chapters
from gdsim.build import catalogue
from gdsim.site.notebook import LINE, line

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = sorted(DOCS.rglob("*.ipynb"))
LINK = re.compile(r"\]\(([^)\s]+)\)")
FEWEST_FACTS = 2  # each notebook reproduces at least this many of its chapter's numbers


def markdown(path: Path) -> list[str]:
    return ["".join(cell["source"]) for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if cell["cell_type"] == "markdown"]


# What a notebook printed, as its page shows it: nbconvert writes each stream output as a <pre>.
PRINTED = re.compile(r'<div class="jp-RenderedText jp-OutputArea-output"[^>]*>\s*<pre>(.*?)</pre>', re.S)


def printed(page: Path) -> str:
    """The text a notebook's code printed, read from its page on the built site."""
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", "", block)) for block in PRINTED.findall(
        page.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def executed(built_site) -> dict[str, str]:
    """What every notebook printed when the site was built (``mkdocs build`` runs each in a fresh
    kernel, and a cell that raises fails the build), as its page shows it; and ``python -m gdsim
    facts`` under ``"<facts>"``."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    facts = subprocess.run([sys.executable, "-m", "gdsim", "facts"], cwd=ROOT, env=env, capture_output=True,
                           text=True, check=True)
    return {path.stem: printed(built_site / "notebooks" / path.stem / "index.html") for path in NOTEBOOKS} \
        | {"<facts>": facts.stdout}


def test_printed_text_is_read_from_the_page_as_a_reader_sees_it():
    """Oracle for the parser: two outputs, one with an escaped character and one with a span."""
    page = ('<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain" tabindex="0">\n'
            '<pre>a = 1\nb = −2 &lt; 3\n</pre></div><div class="jp-RenderedText jp-OutputArea-output">'
            '<pre><span class="x">c = 4</span></pre></div>')
    path = Path(tempfile.mkdtemp()) / "index.html"
    path.write_text(page, encoding="utf-8")
    assert printed(path).splitlines() == ["a = 1", "b = −2 < 3", "", "c = 4"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    """Outputs come from the build; a stored output could disagree with the code."""
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") and cell.get("execution_count") is None
               for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_and_chapter_link_to_each_other(path):
    """The first cell links back to the chapter's page and to the notebook's own download; the
    chapter links to the notebook; every link of the notebook's text lands on a real page.

    ``mkdocs build --strict`` checks the chapter's link but not a notebook's (nbconvert writes
    those as HTML), so this test resolves them the way the built site does: a notebook's page is
    ``notebooks/<stem>/``, a chapter's ``<stem>/``.
    """
    first = markdown(path)[0]
    assert f"](../../{path.stem}/)" in first, "the first cell links back to its chapter"
    assert f"]({path.name})" in first, "the first cell has a download link"
    chapter = (DOCS / f"{path.stem}.md").read_text(encoding="utf-8")
    assert chapter.count(f"](notebooks/{path.name})") == 1
    assert chapter.index(f"](notebooks/{path.name})") < chapter.index("\n## Summary"), "linked just before the summary"
    for text in markdown(path):
        for target in LINK.findall(text):
            if target == path.name:
                continue
            page = re.fullmatch(r"\.\./\.\./([\w-]+)/(#[\w-]+)?", target)
            assert page and (DOCS / f"{page.group(1)}.md").is_file(), f"{path.name}: link {target!r} leads nowhere"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_prints_its_chapters_numbers(path, executed):
    """Every ``name = value`` line a notebook's page shows names a fact of its own chapter and shows
    exactly the text that fact has on the chapter's page (its value from ``python -m gdsim facts``)."""
    values = json.loads(executed["<facts>"])
    formats = {name: fact.fmt for name, fact in catalogue.read_facts(ROOT / "figures")[1].items()}
    source = Path(chapters.load(path.stem).__file__).read_text(encoding="utf-8")  # fact names are literals
    printed = [LINE.match(text) for text in executed[path.stem].splitlines()]
    printed = [m for m in printed if m]
    assert len(printed) >= FEWEST_FACTS, f"{path.name} reproduces fewer than {FEWEST_FACTS} of its chapter's numbers"
    for match in printed:
        name, shown = match.groups()
        assert f'"{name}"' in source, f"{path.name} prints {name!r}, which is not a fact of its chapter"
        expected = catalogue.Fact(values[name], formats[name]).text()
        assert shown == expected, f"{path.name}: {name} = {shown}, the chapter says {expected}"


def test_show_prints_a_fact_in_its_own_format_and_refuses_unknown_names(rendered):
    fmt = catalogue.read_facts(ROOT / "figures")[1]["start_loss"].fmt
    assert line("start_loss", -2.5) == f"start_loss = {format(-2.5, fmt).replace('-', '−')}"
    assert LINE.match(line("n_train", 80)).groups() == ("n_train", "80")
    with pytest.raises(ValueError, match="no fact is called"):
        line("no_such_fact", 1.0)


def test_every_chapter_has_a_notebook_and_the_nav_lists_both_in_reading_order():
    """STEMS is the reading order: the nav's chapters follow it, and its notebooks follow it too."""
    from mkdocs.config import load_config

    def pages(items) -> list[str]:
        out = []
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            out += pages(value) if isinstance(value, list) else [value]
        return out

    nav = pages(load_config(str(ROOT / "mkdocs.yml"))["nav"])
    stems = list(chapters.STEMS)
    assert [page.removesuffix(".md") for page in nav if page.removesuffix(".md") in stems] == stems
    notebooks = [page for page in nav if page.endswith(".ipynb")]
    assert notebooks == [f"notebooks/{stem}.ipynb" for stem in stems]
    assert sorted(path.stem for path in NOTEBOOKS) == sorted(stems), "a chapter without a notebook, or the reverse"
