"""Cache keys on what the code means: comments, docstrings and layout change no key; a constant
changes the keys of exactly the work that reads it; type-only imports count for nothing; every key
carries the library versions, scikit-learn's among them.

The edits are made for real, in a copy of the package, and the keys computed there by a fresh
interpreter, as a render would."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gdsim import digests
from gdsim.build import keys, registry

pytestmark = pytest.mark.code_only
ROOT = Path(__file__).resolve().parent.parent
KEYS = """
import json
from gdsim.build import keys, registry
from gdsim import reference, stored
table = {asset.name: keys.asset_key(asset) for asset in registry.ASSETS}
table["<facts>"] = keys.facts_key()
table["<notebooks>"] = keys.notebooks_key()
table["<stored run>"] = stored.key(reference.run.__wrapped__, ((0.5, 0), ()))
print(json.dumps(table))
"""


def keys_of(package: Path) -> dict[str, str]:
    """Every asset's key, the facts', the notebooks' and one stored run's, computed in a fresh
    interpreter that imports the package at ``package``."""
    done = subprocess.run([sys.executable, "-c", KEYS], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(package.parent)}, cwd=package.parent)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> dict[str, str]:
    copy = tmp_path_factory.mktemp("original") / "gdsim"
    shutil.copytree(ROOT / "gdsim", copy, ignore=shutil.ignore_patterns("__pycache__"))
    return keys_of(copy)


def edited(tmp_path: Path, *edits: tuple[str, str, str]) -> dict[str, str]:
    """The keys of a copy of the package with each ``(file, old, new)`` edit made once."""
    copy = tmp_path / "gdsim"
    shutil.copytree(ROOT / "gdsim", copy, ignore=shutil.ignore_patterns("__pycache__"))
    for file, old, new in edits:
        path = copy / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (file, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return keys_of(copy)


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def test_comments_docstrings_and_layout_change_no_key(original, tmp_path):
    """A comment in the style every figure uses and in a core module, a docstring in each, a
    module docstring, and a line broken in two: the same code, so every key is the same."""
    after = edited(
        tmp_path,
        ("draw/style.py", "MIN_TEXT_PX = 12\n", "MIN_TEXT_PX = 12  # the smallest text, in CSS px\n# another comment\n"),
        ("draw/style.py", '"""A blank Figure as wide as the layout\'s column', '"""An empty Figure as wide as the column'),
        ("model.py", "def gradient(", "# the gradient of the MSE\n\n\ndef gradient("),
        ("model.py", '"""Linear regression y', '"""Edited module docstring. Linear regression y'),
        ("descent.py", "def gradient_descent(", "def gradient_descent(  # the public API\n"),
    )
    assert changed(original, after) == set()


def test_a_constant_rekeys_exactly_the_assets_that_use_it(original, tmp_path):
    """``SHRINKING_STEPS`` sets the steps of the secant animation, and nothing else that is drawn;
    it is quoted too, so the facts' key moves with it."""
    after = edited(tmp_path, ("chapters/gradients.py", "SHRINKING_STEPS = np.geomspace(1.5, 0.002, 20)",
                              "SHRINKING_STEPS = np.geomspace(1.5, 0.002, 21)"))
    assert changed(original, after) == {"secant-to-tangent", "<facts>", "<notebooks>"}


def test_a_style_constant_rekeys_the_figures_that_draw_with_it(original, tmp_path):
    """The secant's colour: the two gradient figures and the one-step figures that draw a secant
    (every drawing module that names ``SECANT``, found here by reading their source), and no other."""
    users = set()
    for asset in registry.ASSETS:
        source = (ROOT / "gdsim" / "draw" / f"{asset.draw_module.rsplit('.', 1)[1]}.py").read_text(encoding="utf-8")
        tree = ast.parse(source)
        function = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == asset.draw)
        helpers = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
        bodies = [function] + [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in helpers]
        if any(isinstance(n, ast.Name) and n.id == "SECANT" for body in bodies for n in ast.walk(body)):
            users.add(asset.name)
    assert users, "no figure draws a secant?"
    after = edited(tmp_path, ("draw/style.py", "SECANT = VERMILLION", "SECANT = ORANGE"))
    assert changed(original, after) == users | {"<notebooks>"}


def test_a_core_change_rekeys_its_runs_and_everything_drawn_from_them(original, tmp_path):
    """A constant nobody reads re-keys nothing that reads code by definition; SGD's blow-up factor
    re-keys the practice chapters' stored runs and figures, and none of the linear ones."""
    after = edited(tmp_path, ("network.py", "def initial(", "UNUSED_HERE = 1\n\n\ndef initial("))
    assert changed(original, after) == {"<notebooks>"}, "a constant nobody reads changes only the whole-package key"
    after = edited(tmp_path / "2", ("sgd.py", "BLOWUP = 3.0", "BLOWUP = 3.5"))
    rekeyed = changed(original, after)
    assert "<stored run>" in rekeyed and "schedule-training" in rekeyed and "curves-epochs" in rekeyed
    assert not rekeyed & {"geometric-gradients", "descent-small", "loss-surface", "threshold-sweep"}


def test_type_only_imports_are_no_dependency():
    """A drawing module names its chapter's result types for type checkers only: no dependency."""
    assert "gdsim.chapters.gradients" not in digests.dependencies("gdsim.draw.gradients")
    assert "gdsim.chapters.gradients" not in digests.read("gdsim.draw.gradients").imported
    assert "gdsim.draw.style" in digests.dependencies("gdsim.draw.gradients")


def test_meaning_ignores_comments_docstrings_and_layout_only():
    one = ast.parse('def f(x):\n    """Doc."""\n    return x + 1  # one more\n').body[0]
    two = ast.parse("def f(x):\n\n    return (x\n            + 1)\n").body[0]
    three = ast.parse("def f(x):\n    return x + 2\n").body[0]
    assert digests.meaning(one) == digests.meaning(two) != digests.meaning(three)


def test_the_one_digest_separates_its_parts():
    assert digests.digest("ab", "c") != digests.digest("a", "bc") != digests.digest("abc")
    assert digests.digest("x") == digests.digest(b"x")


def test_every_key_carries_the_library_versions_with_scikit_learn(monkeypatch):
    """The digits come from scikit-learn's wheel: a new version must re-key what reads them."""
    assert "scikit-learn" in digests.library_versions()
    asset = registry.get("geometric-gradients")
    before = (keys.asset_key(asset), keys.facts_key(), keys.notebooks_key(), keys.tree_stamp())
    monkeypatch.setattr(digests, "library_versions", lambda: "scikit-learn 0.0")
    after = (keys.asset_key(asset), keys.facts_key(), keys.notebooks_key(), keys.tree_stamp())
    assert all(b != a for b, a in zip(before, after))
