"""The companion notebooks: one per chapter, linked both ways, run for real, and every number they
print for the reader equal to what ``python -m gdsim facts`` says."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from jupyter_client import KernelManager
from nbclient import NotebookClient

from gdsim import chapters, digests
from gdsim.build import catalogue
from gdsim.paths import STYLE
from gdsim.site.notebook import LINE, line

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = sorted(DOCS.rglob("*.ipynb"))
LINK = re.compile(r"\]\(([^)\s]+)\)")
RUNS = ROOT / ".cache" / "notebook-runs"  # each notebook's printed text, under its run_key
FEWEST_FACTS = 2  # each notebook reproduces at least this many of its chapter's numbers


def run_notebook(path: Path, sockets: Path) -> str:
    """Execute a notebook in a fresh kernel (an error fails the test) and return its printed text.

    The kernel talks over Unix sockets in a folder of its own: kernels started side by side over TCP
    can pick the same free port ("Address already in use"). It may take minutes to start when every
    core is busy, so the start-up wait is as long as a cell's."""
    notebook = nbformat.read(path, as_version=4)
    kernel = KernelManager(kernel_name="python3", transport="ipc", ip=str(sockets / path.stem))
    NotebookClient(notebook, km=kernel, timeout=300, startup_timeout=300,
                   allow_errors=False).execute(cwd=str(path.parent))
    return "".join(
        output.get("text", "")
        for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.outputs if output.output_type == "stream"
    )


def markdown(path: Path) -> list[str]:
    return ["".join(cell["source"]) for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if cell["cell_type"] == "markdown"]


def run_key(path: Path) -> str:
    """A digest of all a notebook's printed text can depend on: the notebook, the meaning of every
    gdsim module its code imports and of theirs (``gdsim.digests.key``), the library versions and
    the style, the facts' formats, and this test's code. The build keys its own run of the notebooks
    in the same spirit (``gdsim.build.keys.notebooks_key``)."""
    modules = set()
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            for node in ast.walk(ast.parse(cell.source)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                modules.update(name for name in names if digests.module_path(name) is not None)
    formats = {name: fact.fmt for name, fact in catalogue.read_facts(ROOT / "figures")[1].items()}
    label = "|".join([path.read_text(encoding="utf-8"), Path(__file__).read_text(encoding="utf-8"),
                      json.dumps(formats, sort_keys=True), metadata.version("ipykernel"), metadata.version("nbclient")])
    return digests.key(label, modules=sorted(modules), files=[STYLE])


def run_or_reuse(path: Path, key: str, sockets: Path) -> str:
    """A notebook's printed text: from its last run if nothing it depends on has changed since
    (``key``, from ``run_key``; ``GDSIM_FRESH=1`` runs it anyway), else from a real run, then kept."""
    kept = RUNS / f"{path.stem}-{key[:24]}.txt"
    if kept.is_file() and os.environ.get("GDSIM_FRESH") != "1":
        return kept.read_text(encoding="utf-8")
    text = run_notebook(path, sockets)
    RUNS.mkdir(parents=True, exist_ok=True)
    for old in RUNS.glob(f"{path.stem}-*.txt"):
        old.unlink(missing_ok=True)
    temporary = kept.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, kept)
    return text


@pytest.fixture(scope="module")
def executed(rendered, tmp_path_factory) -> dict[str, str]:
    """Every notebook run (two kernels at a time, each its own process) or, where nothing it
    depends on has changed since it last ran, its text from then; and ``python -m gdsim facts``
    beside them: the printed text of each notebook, and the facts under ``"<facts>"``."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    facts = subprocess.Popen([sys.executable, "-m", "gdsim", "facts"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, text=True)
    keys = [run_key(path) for path in NOTEBOOKS]  # here, not in the threads: ast.parse is not thread-safe
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        sockets = tmp_path_factory.mktemp("kernels")
        runs = pool.map(lambda path, key: run_or_reuse(path, key, sockets), NOTEBOOKS, keys)
        texts = dict(zip((p.stem for p in NOTEBOOKS), runs))
    out, _ = facts.communicate()
    assert facts.returncode == 0
    return texts | {"<facts>": out}


def test_a_notebook_is_run_again_when_a_module_it_imports_changes(monkeypatch):
    """The key of a chapter's notebook changes with the code of its chapter, of its drawing module
    and of what they import (the descent code), and not with an unrelated chapter's."""
    path = DOCS / "notebooks" / "batches.ipynb"
    before = run_key(path)
    real = digests.read

    def edited(module: str):
        """The module as read, with one more constant, as if someone had just added it."""
        def read(name: str) -> digests.Module:
            found = real(name)
            if name != module:
                return found
            extra = ast.parse("EDITED = 1").body
            return digests.Module(name, {**found.definitions, "EDITED": extra}, found.imports, found.imported, found.other)
        return read

    for module, counts in [("gdsim.chapters.batches", True), ("gdsim.draw.batches", True),
                           ("gdsim.descent", True), ("gdsim.chapters.range_test", False)]:
        monkeypatch.setattr(digests, "read", edited(module))
        digests.forget()
        assert (run_key(path) != before) == counts, module
    monkeypatch.setattr(digests, "read", real)
    digests.forget()
    assert run_key(path) == before


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
    """Every ``name = value`` line a notebook prints names a fact of its own chapter and shows
    exactly the text that fact has on the page (its value from ``python -m gdsim facts``)."""
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
