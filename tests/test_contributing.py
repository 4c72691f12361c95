"""Every code sample in README.md and CONTRIBUTING.md runs, so the two pages cannot drift from the
code: the Python samples of each page in order in one fresh interpreter, the commands as written,
every ``make`` target they name, and the tag example against the real facts."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from gdsim.build import registry
from gdsim.site.tags import expand_facts, figure_words

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("README.md", "CONTRIBUTING.md")
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)
MAKE = re.compile(r"\bmake ([a-z][a-z-]*)")


def blocks(page: str, language: str) -> list[str]:
    text = (ROOT / page).read_text(encoding="utf-8")
    return [body for lang, body in BLOCK.findall(text) if lang == language]


def test_the_pages_have_samples_and_the_readme_stays_short():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 160, "the README is a page a newcomer reads to the end"
    assert readme.index("make serve") < readme.index("## Other targets"), "the two commands come first"
    assert blocks("README.md", "python") and len(blocks("CONTRIBUTING.md", "python")) >= 5
    assert "## Adding a chapter" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_python_samples_run(page, rendered, tmp_path):
    """Each page's Python blocks, in order, as one script: later blocks use what earlier ones made."""
    script = tmp_path / "samples.py"
    script.write_text("\n\n".join(blocks(page, "python")), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    assert done.returncode == 0, f"a sample in {page} fails:\n{done.stderr[-3000:]}"


@pytest.mark.parametrize("page", PAGES)
def test_commands_run(page, rendered):
    """``$ command`` lines of console blocks run and succeed, as a reader would type them."""
    commands = [line[2:].split("#")[0].strip() for body in blocks(page, "console")
                for line in body.splitlines() if line.startswith("$ ")]
    for command in commands:
        done = subprocess.run(shlex.split(command), cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0 and done.stdout, f"{page}: {command!r} fails:\n{done.stderr[-2000:]}"


@pytest.mark.parametrize("page", PAGES)
def test_every_make_target_named_exists(page):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    named = set(MAKE.findall((ROOT / page).read_text(encoding="utf-8")))
    assert named and named <= targets, f"{page} names targets the Makefile lacks: {named - targets}"


def test_the_tag_example_is_a_real_figure_with_real_facts():
    facts = registry.facts()
    samples = [body for body in blocks("CONTRIBUTING.md", "text") if body.startswith("{{ figure")]
    assert samples
    for sample in samples:
        for name, words in figure_words(sample, "CONTRIBUTING.md").items():
            assert name in registry.BY_NAME
            assert expand_facts(words.caption, facts) and expand_facts(words.alt, facts)
