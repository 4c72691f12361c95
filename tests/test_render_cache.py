"""Rendering is deterministic and cached: a second render from scratch gives the same bytes, an
unchanged asset is not redrawn, a code change makes it stale, facts are recomputed only when their
code changes. A file of its own so that these whole renders run beside the registry's checks."""

from __future__ import annotations

import io
import json
import os

import pytest

from gdsim.build import catalogue, registry
from gdsim.build.render import render
from gdsim.paths import ROOT

NAMES = [a.name for a in registry.ASSETS]
# Assets whose current key has been drawn twice, in separate processes, to the same bytes.
DETERMINISM = ROOT / ".cache" / "determinism.json"


# A fresh clone recomputes every stored run here a second time (about 240 s of CPU, 430 s of wall
# beside the browser tests on a 2-core CI machine): more than the suite's 600 s per test leaves as margin.
@pytest.mark.timeout(1800)
def test_rendering_again_from_scratch_gives_identical_bytes(rendered, tmp_path):
    """Same code, same bytes: a second render in fresh processes, with an empty result store of its
    own (every training run computed again), equals the first file for file and fact for fact.
    Each asset is drawn again once for each key (code, style and library versions), and the facts
    once for theirs: the keys whose second drawing matched are kept in ``.cache/determinism.json``,
    so a run redraws only what changed since (a fresh clone, CI included, and ``make test FRESH=1``
    redraw everything)."""
    from gdsim.build.determinism import differences

    manifest = catalogue.read_manifest(rendered)
    facts_key = catalogue.read_facts(rendered)[0]
    checked = {} if os.environ.get("GDSIM_FRESH") == "1" else _read_json(DETERMINISM)
    todo = [name for name in NAMES if checked.get(name) != manifest[name].key]
    if todo or checked.get("<facts>") != facts_key:
        problems = differences(rendered, todo or NAMES[:1], tmp_path)  # the facts are computed in any case
        assert not problems, "not deterministic: " + "; ".join(problems)
    checked = {name: manifest[name].key for name in NAMES} | {"<facts>": facts_key}
    DETERMINISM.parent.mkdir(parents=True, exist_ok=True)
    catalogue.write_atomic(DETERMINISM, json.dumps(checked, indent=1, sort_keys=True).encode())


def _read_json(path):
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


@pytest.mark.code_only
def test_second_render_writes_nothing(tmp_path):
    name = NAMES[0]
    render([name], out_dir=tmp_path, stream=io.StringIO())
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert render([name], out_dir=tmp_path, stream=io.StringIO()) == []
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before


@pytest.mark.code_only
def test_changed_code_makes_an_asset_stale(tmp_path, monkeypatch):
    from gdsim import digests
    from gdsim.build import keys
    from gdsim.build import render as render_module

    asset = registry.get(NAMES[0])
    render([asset.name], out_dir=tmp_path, stream=io.StringIO())
    manifest = catalogue.read_manifest(tmp_path)
    assert not render_module.stale(asset.name, asset.files, manifest, keys.asset_key(asset), tmp_path)
    monkeypatch.setattr(digests, "FORMAT_VERSION", "changed")
    assert render_module.stale(asset.name, asset.files, manifest, keys.asset_key(asset), tmp_path)


@pytest.mark.code_only
def test_facts_are_recomputed_only_when_their_code_changes(tmp_path, monkeypatch):
    from gdsim import digests
    from gdsim.build import render as render_module

    render([NAMES[0]], out_dir=tmp_path, stream=io.StringIO())
    assert catalogue.read_facts(tmp_path)[1] == registry.facts(), "cached facts must equal fresh ones"

    def must_not_run():
        raise AssertionError("facts recomputed although nothing changed")

    monkeypatch.setattr(registry, "facts", must_not_run)
    render_module.plan([NAMES[0]], False, str(tmp_path))  # the plan, in this process
    monkeypatch.setattr(digests, "FORMAT_VERSION", "changed")
    with pytest.raises(AssertionError, match="recomputed"):
        render_module.plan([NAMES[0]], False, str(tmp_path))


def test_a_caption_edit_touches_its_page_and_no_asset(rendered, tmp_path):
    """A contributor fixes a caption and an alt text in docs/ alone: the renderer, run as ``make
    serve`` runs it, draws nothing and rewrites nothing, and the page shows the new words."""
    import shutil
    import subprocess
    import sys

    from gdsim.build.catalogue import Catalogue
    from gdsim.site.tags import render

    shutil.copytree(ROOT / "gdsim", tmp_path / "gdsim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copytree(rendered, tmp_path / "figures", ignore=shutil.ignore_patterns(".*"))
    page = tmp_path / "docs" / "gradients.md"
    text = page.read_text(encoding="utf-8")
    edited = text.replace("caption: Slopes read off", "caption: Slopes, freshly worded, read off", 1) \
                 .replace("alt: Two panels on the same loss axis", "alt: Two panels, reworded, on one loss axis", 1)
    assert edited.count("freshly worded") == 1 and edited.count("reworded") == 1
    page.write_text(edited, encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (tmp_path / "figures").iterdir()}
    done = subprocess.run([sys.executable, "-m", "gdsim", "render"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)}, timeout=600)
    assert done.returncode == 0 and done.stdout.startswith("0 asset(s) rendered"), done.stdout + done.stderr
    assert {p.name: p.read_bytes() for p in (tmp_path / "figures").iterdir()} == before
    out = render(edited, Catalogue.load(tmp_path / "figures"), "docs/gradients.md")
    assert "Slopes, freshly worded, read off" in out and 'alt="Two panels, reworded, on one loss axis' in out
