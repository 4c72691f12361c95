"""The companion notebooks run for real, top to bottom, and say what the simulation says."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from gdsim import scenarios, stability

DOCS = Path(__file__).resolve().parent.parent / "docs"
NOTEBOOKS = sorted(DOCS.rglob("*.ipynb"))


def run_notebook(path: Path) -> str:
    """Execute a notebook in a fresh kernel (an error fails the test) and return its printed text."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=False).execute(cwd=str(path.parent))
    return "".join(
        output.get("text", "")
        for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.outputs if output.output_type == "stream"
    )


def test_there_are_notebooks_and_the_site_lists_them():
    assert NOTEBOOKS, "no companion notebook found under docs/"
    nav = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert path.relative_to(DOCS).as_posix() in nav, f"{path.name} is not in the site's nav"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    """Outputs come from the build; a stored output could disagree with the code."""
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


def test_try_it_yourself_runs_and_agrees_with_the_simulation():
    text = run_notebook(DOCS / "notebooks" / "try-it-yourself.ipynb")
    X = stability.design_matrix(scenarios.get("original").split.x_train)
    assert f"η_max = 2/λ_max = {stability.max_stable_lr(X):.4f}" in text
    assert "0.99 × η_max: diverged = False" in text
    assert "1.01 × η_max: diverged = True" in text
    assert "bad (×10)" in text and "diverged" in text.split("bad (×10)")[1].splitlines()[0]
