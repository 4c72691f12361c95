"""Every asset in the registry: builds headless, is described, is used, renders reproducibly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from gdsim import registry
from gdsim.animation import Animation
from gdsim.render import build_files, render
from gdsim.site import references

DOCS = Path(__file__).resolve().parent.parent / "docs"
NAMES = [a.name for a in registry.ASSETS]


def chapter_references(kind: str) -> dict[str, list[str]]:
    """Names a chapter uses, by chapter file, for tags of one kind."""
    return {
        page.name: [name for k, name, _ in references(page.read_text(encoding="utf-8")) if k == kind]
        for page in sorted(DOCS.rglob("*.md"))
    }


@pytest.fixture(scope="module")
def rendered_twice(tmp_path_factory):
    """Every asset rendered into two fresh folders, from scratch each time."""
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    render(force=True, out_dir=first, stream=open("/dev/null", "w"))
    render(force=True, out_dir=second, stream=open("/dev/null", "w"))
    return first, second


@pytest.mark.parametrize("name", NAMES)
def test_asset_builds_headless(name):
    asset = registry.get(name)
    with __import__("matplotlib").rc_context():
        result = asset.build()
    assert isinstance(result, Figure if asset.kind == registry.STILL else Animation)
    files, (width, height), _ = build_files(asset)
    assert set(files) == set(asset.files) and all(len(b) > 1000 for b in files.values())
    assert 300 <= width <= 1200 and 200 <= height <= 900


@pytest.mark.parametrize("name", NAMES)
def test_asset_has_real_alt_text_and_caption(name):
    from gdsim.facts import compute

    asset = registry.get(name)
    facts = compute()
    alt, caption = asset.alt.format_map(facts), asset.caption.format_map(facts)
    assert len(alt.split()) >= 20, "alt text should describe what the figure shows"
    assert len(caption.split()) >= 6
    assert alt != caption and not alt.lower().startswith(("image", "figure", "picture"))


@pytest.mark.parametrize("name", NAMES)
def test_asset_is_used_by_a_chapter(name):
    users = [page for page, names in chapter_references("figure").items() if name in names]
    assert users, f"no chapter shows {name}"


def test_every_figure_a_chapter_uses_exists():
    for page, names in chapter_references("figure").items():
        unknown = set(names) - set(NAMES)
        assert not unknown, f"{page} uses unknown figures {unknown}"


def test_every_fact_a_chapter_uses_exists():
    from gdsim.facts import compute

    known = compute()
    for page, names in chapter_references("fact").items():
        unknown = set(names) - set(known)
        assert not unknown, f"{page} quotes unknown facts {unknown}"


def test_prose_has_no_hand_typed_decimals():
    """Numbers with a decimal point come from facts; only code blocks may spell them out."""
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        text = re.sub(r"```.*?```", "", text, flags=re.S)  # code blocks
        text = re.sub(r"`[^`]*`", "", text)  # inline code
        text = re.sub(r"\{\{.*?\}\}", "", text)  # tags
        text = re.sub(r"\]\([^)\s]+\)", "]", text)  # link targets (a DOI is not a quoted number)
        typed = re.findall(r"(?<![\w.])\d+\.\d+", text)
        assert not typed, f"{page.name} types numbers by hand: {typed}"


@pytest.mark.parametrize("name", NAMES)
def test_rendering_twice_gives_identical_bytes(rendered_twice, name):
    first, second = rendered_twice
    for file in registry.get(name).files:
        assert (first / file).read_bytes() == (second / file).read_bytes(), f"{file} differs between renders"


def test_second_render_writes_nothing(tmp_path):
    render(["loss-surface"], out_dir=tmp_path, stream=open("/dev/null", "w"))
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert render(["loss-surface"], out_dir=tmp_path, stream=open("/dev/null", "w")) == []
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before


def test_changed_code_makes_an_asset_stale(tmp_path, monkeypatch):
    from gdsim import cache, render as render_module

    render(["train-validation-split"], out_dir=tmp_path, stream=open("/dev/null", "w"))
    manifest = render_module.load_manifest(tmp_path)
    asset = registry.get("train-validation-split")
    assert render_module.stale([asset], tmp_path, manifest) == []
    monkeypatch.setattr(cache, "FORMAT_VERSION", "changed")
    assert render_module.stale([asset], tmp_path, manifest) == [asset]


def test_facts_are_recomputed_only_when_their_code_changes(tmp_path, monkeypatch):
    from gdsim import cache, facts, render as render_module

    quiet = open("/dev/null", "w")
    render(["train-validation-split"], out_dir=tmp_path, stream=quiet)
    fresh = facts.compute()
    assert render_module.current_facts(tmp_path) == fresh, "cached facts must equal fresh ones"

    def must_not_run():
        raise AssertionError("facts recomputed although nothing changed")

    monkeypatch.setattr(facts, "compute", must_not_run)
    render(["train-validation-split"], out_dir=tmp_path, stream=quiet)
    monkeypatch.setattr(cache, "FORMAT_VERSION", "changed")
    with pytest.raises(AssertionError, match="recomputed"):
        render(["train-validation-split"], out_dir=tmp_path, stream=quiet)
