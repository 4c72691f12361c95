"""Every asset in the registry: drawn for the page, described, on its chapter's page, reproducible."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from words import said

from gdsim import chapters
from gdsim.build import catalogue, registry
from gdsim.draw.style import COLUMN_PX, MIN_TEXT_PX, PHONE_PX
from gdsim.site.tags import references

DOCS = Path(__file__).resolve().parent.parent / "docs"
NAMES = [a.name for a in registry.ASSETS]


def chapter_references(kind: str) -> dict[str, list[str]]:
    """Names each chapter uses, by docs stem, for tags of one kind."""
    return {
        page.relative_to(DOCS).with_suffix("").as_posix(): [
            name for k, name, _ in references(page.read_text(encoding="utf-8")) if k == kind
        ]
        for page in sorted(DOCS.rglob("*.md"))
    }


@pytest.fixture(scope="module")
def manifest(rendered):
    return catalogue.read_manifest(rendered)


def test_every_chapter_with_figures_has_a_module_and_a_test_file():
    for stem, names in chapter_references("figure").items():
        if names:
            assert stem in chapters.STEMS, f"docs/{stem}.md shows figures but has no gdsim/chapters module"
    for stem in chapters.STEMS:
        module = stem.replace("-", "_")
        root = DOCS.parent
        assert (root / "docs" / f"{stem}.md").is_file()
        assert (root / "gdsim" / "draw" / f"{module}.py").is_file(), f"no gdsim/draw/{module}.py"
        assert (root / "tests" / f"test_{module}.py").is_file(), f"no tests/test_{module}.py"


@pytest.mark.parametrize("name", NAMES)
def test_asset_appears_on_its_own_chapters_page(name):
    asset = registry.get(name)
    assert name in chapter_references("figure")[asset.chapter], f"{name} is declared in {asset.chapter} but not shown there"


def test_every_figure_a_chapter_uses_exists():
    for page, names in chapter_references("figure").items():
        unknown = set(names) - set(NAMES)
        assert not unknown, f"{page} uses unknown figures {unknown}"


def test_every_fact_a_chapter_uses_exists():
    known = registry.facts()
    for page, names in chapter_references("fact").items():
        unknown = set(names) - set(known)
        assert not unknown, f"{page} quotes unknown facts {unknown}"


def test_fact_names_are_literal_strings_in_their_chapter():
    """A search for a fact's name finds its definition: no names assembled from pieces."""
    for stem in chapters.STEMS:
        source = (DOCS.parent / "gdsim" / "chapters" / f"{stem.replace('-', '_')}.py").read_text(encoding="utf-8")
        for name in chapters.load(stem).facts():
            assert f'"{name}"' in source, f"fact {name!r} of {stem} is not written out as a literal"


@pytest.mark.parametrize("name", NAMES)
def test_asset_is_rendered_for_the_column_and_for_the_phone(manifest, rendered, name):
    entry, asset = manifest[name], registry.get(name)
    assert set(entry.files) == set(asset.files)
    assert entry.width <= COLUMN_PX, f"{name} is {entry.width} CSS px wide, wider than the column"
    assert entry.phone_width <= PHONE_PX, f"{name}'s phone layout is wider than a phone's column"
    for layout, size in (("column", (entry.width, entry.height)), ("phone", (entry.phone_width, entry.phone_height))):
        for file in asset.layout_files(layout):
            with Image.open(rendered / file) as image:
                # drawn at 2 device pixels per CSS pixel, stills and animations alike
                assert image.size == (2 * size[0], 2 * size[1]), file


@pytest.mark.parametrize("name", NAMES)
def test_no_text_is_smaller_than_12_css_px_in_either_layout(manifest, name):
    """The renderer measures each layout at its own column width (690 or 358 px) and keeps the smaller."""
    assert manifest[name].min_text_px >= MIN_TEXT_PX, f"{name}: smallest text {manifest[name].min_text_px} px"


@pytest.mark.parametrize("name", NAMES)
def test_no_label_collides_sits_on_a_curve_or_is_cut_off(manifest, name):
    """The renderer checks every still, and every 4th and the last frame of every animation, in both
    layouts (``style.label_problems``), and records what it found."""
    assert manifest[name].label_problems == (), f"{name}: " + "; ".join(manifest[name].label_problems)


def test_label_problems_finds_each_kind_of_fault():
    """Oracle: a figure built to have one overlap, one label on a curve and one text cut off, each
    reported once; the same figure with those moved apart reports nothing."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from gdsim.draw.style import label_problems

    def drawn(overlap: bool, on_curve: bool, cut: bool) -> Figure:
        fig = Figure(figsize=(4, 3), dpi=100)
        ax = fig.add_axes((0.2, 0.2, 0.6, 0.6), xlim=(0, 10), ylim=(0, 10))
        ax.plot(np.linspace(0, 10, 101), np.full(101, 5.0), label="level")  # a curve is checked at its points
        ax.text(1, 8 if on_curve is False else 5, "on it?", va="center")
        ax.text(6, 8, "first")
        ax.text(6.3 if overlap else 6, 8 if overlap else 2, "second")
        fig.text(0.98 if cut else 0.5, 0.95, "a title that runs on", ha="left" if cut else "center")
        FigureCanvasAgg(fig).draw()
        return fig

    problems = label_problems(drawn(overlap=True, on_curve=True, cut=True))
    assert [p.split(":")[0] for p in problems] == ["texts overlap", "label on a curve", "text cut off at the edge"]
    assert label_problems(drawn(overlap=False, on_curve=False, cut=False)) == []


def test_tick_labels_outside_a_log_view_are_not_checked():
    """Oracle: on a log axis from 4.6e-18, matplotlib keeps a tick at 1e-18 that it never draws; the
    label check must skip it (an absolute slack of 1e-9 once counted it as inside)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import LogLocator

    from gdsim.draw.style import _undrawn_tick_labels

    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.set_yscale("log")
    ax.set_ylim(4.6e-18, 26)
    ax.yaxis.set_major_locator(LogLocator(base=10, numticks=6))
    FigureCanvasAgg(fig).draw()
    ticks = {tick.get_loc(): tick for tick in ax.yaxis.get_major_ticks()}
    hidden = _undrawn_tick_labels(fig)
    assert 1e-18 in ticks and id(ticks[1e-18].label1) in hidden
    assert id(ticks[1e-15].label1) not in hidden


def test_text_size_measure_is_in_css_px():
    """Oracle: 9 pt text on a 6.9 in figure shown at 690 px is 9/72 × 100 = 12.5 px; twice as wide, half."""
    from matplotlib.figure import Figure

    from gdsim.draw.style import smallest_text_px

    for width, expected in ((6.9, 12.5), (13.8, 6.25)):
        fig = Figure(figsize=(width, 2))
        fig.text(0.5, 0.5, "label", fontsize=9)
        assert smallest_text_px(fig) == pytest.approx(expected)


# What each animation weighed before the figures were redrawn for the page (KiB): 2× density must
# not make a reader download more. A new animation gets the smallest of these budgets.
GIF_BUDGET_KIB = {
    "secant-to-tangent": 152.7, "steps-on-cuts-small": 72.0, "steps-on-cuts-big": 76.0,
    "steps-on-cuts-very-big": 78.0, "descent-small": 134.7, "descent-big": 166.7, "descent-very-big": 96.5,
    "scaled-vs-unscaled": 181.5, "parabola-regimes": 96.6,
    "batch-opening": 134.7,
    "range-test-running": 110.0,  # new: one budget for both layouts, the phone's 110 (the column's would be 150)
}


@pytest.mark.parametrize("name", [n for n in NAMES if registry.get(n).kind == registry.ANIMATION])
def test_gif_stays_within_its_budget_in_both_layouts(rendered, name):
    budget = GIF_BUDGET_KIB.get(name, min(GIF_BUDGET_KIB.values()))
    for file in (f"{name}.gif", f"{name}.phone.gif"):
        size = (rendered / file).stat().st_size / 1024
        assert size <= budget, f"{file} is {size:.1f} KiB, over its {budget} KiB budget"


@pytest.mark.parametrize("name", NAMES)
def test_asset_has_real_alt_text_and_caption_on_its_page(name):
    """The words live on the chapter's page, under the figure's tag, and quote only known facts."""
    caption, alt = said(name)
    assert len(alt.split()) >= 20, "alt text should describe what the figure shows"
    assert len(caption.split()) >= 6
    assert alt != caption and not alt.lower().startswith(("image", "figure", "picture"))
    assert "{{" not in alt + caption and "}}" not in alt + caption, "a tag was left unexpanded"


def test_no_chapter_module_keeps_words_for_its_figures():
    """Captions and alt texts are prose: they live in docs/, never in Python strings."""
    for stem in chapters.STEMS:
        for asset in chapters.load(stem).ASSETS:
            assert not hasattr(asset, "alt") and not hasattr(asset, "caption"), asset.name


def typed_numbers(markdown: str) -> list[str]:
    """Decimal numbers written by hand in prose: outside code, tags and link targets."""
    text = re.sub(r"```.*?```", "", markdown, flags=re.S)  # code blocks
    text = re.sub(r"`[^`]*`", "", text)  # inline code
    text = re.sub(r"\{\{.*?\}\}", "", text)  # tags
    text = re.sub(r"\]\([^)\s]+\)", "]", text)  # link targets (a DOI is not a quoted number)
    return re.findall(r"(?<![\w.])\d+\.\d+", text)


def notebook_markdown(path: Path) -> str:
    """The text of a notebook's Markdown cells (its code may spell numbers out, like a chapter's)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")


def test_prose_has_no_hand_typed_decimals():
    """Numbers with a decimal point come from facts; only code may spell them out. A notebook's
    text follows the same rule: the numbers it shows are the ones its code prints."""
    pages = [(page.name, page.read_text(encoding="utf-8")) for page in sorted(DOCS.rglob("*.md"))]
    pages += [(nb.name, notebook_markdown(nb)) for nb in sorted(DOCS.rglob("*.ipynb"))]
    assert any(name.endswith(".ipynb") for name, _ in pages), "no notebook was checked"
    for name, text in pages:
        typed = typed_numbers(text)
        assert not typed, f"{name} types numbers by hand: {typed}"


def test_typed_number_check_covers_notebook_text(tmp_path):
    """A decimal typed in a notebook's Markdown cell is found; one in a code cell is not."""
    notebook = {"cells": [{"cell_type": "markdown", "source": ["Try η = 0.75 here."]},
                          {"cell_type": "code", "source": ["lr = 0.5"]}]}
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    assert typed_numbers(notebook_markdown(path)) == ["0.75"]


def test_typed_number_check_catches_a_typed_decimal():
    """The check can fail: a typed 0.75 in prose is found; code, tags and link targets are not."""
    text = "The rate 0.75 works. `lr = 0.5` {{ fact lr .2f }} [doi](https://doi.org/10.1007/978)\n```\n1.5\n```"
    assert typed_numbers(text) == ["0.75"]
