"""The package reads one way: simulation never draws, drawing never simulates, the site never computes,
and the book (the root, ``chapters/``, ``draw/``) never reaches up into the machine that builds it
(``build/``, ``site/``).

The rules are checked on the source (every import statement of every module, except imports for
type checkers only, which run no code) and, where it matters most, on a real interpreter.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gdsim"
# The only modules allowed to import matplotlib: drawing (with the frame encoder), the renderer, the benchmark.
MAY_DRAW = ("gdsim.draw", "gdsim.build.render", "gdsim.build.bench")
# Rooms of the house, lowest first: a module may import its own room's modules and lower rooms'.
# The root holds the science and what a chapter declares itself with; chapters and drawing stand
# side by side on it; the build machinery on them; the site on top.
FLOOR = {"root": 0, "chapters": 1, "draw": 1, "build": 2, "site": 3}
# The drawing modules every other drawing module may use: the shared style and the frames of a Movie.
SHARED_DRAWING = ("gdsim.draw.style", "gdsim.draw.frames", "gdsim.draw.encode", "gdsim.draw")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def runtime_imports(path: Path) -> set[str]:
    """Every module a source file imports when it runs (imports under ``if TYPE_CHECKING`` excluded)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


MODULES = {module_name(p): runtime_imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def room(module: str) -> str:
    """``gdsim.build.render`` → ``build``; a module at the package root → ``root``; ``python -m
    gdsim`` (``gdsim.__main__``) is the command line's door, so it belongs with the build."""
    if module == "gdsim.__main__":
        return "build"
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FLOOR else "root"


def gdsim_imports(module: str) -> set[str]:
    """The gdsim modules (not names within them) that ``module`` imports at run time."""
    return {name for name in MODULES[module] if name in MODULES and name != "gdsim"}


def test_the_rules_see_real_imports(tmp_path):
    """Oracle for the checker itself: it finds what a module imports, and skips type-only imports."""
    probe = tmp_path / "probe.py"
    probe.write_text("from typing import TYPE_CHECKING\nimport numpy\nif TYPE_CHECKING:\n    import matplotlib\n"
                     "def f():\n    from matplotlib.figure import Figure\n")
    assert runtime_imports(probe) == {"typing", "typing.TYPE_CHECKING", "numpy", "matplotlib.figure",
                                      "matplotlib.figure.Figure"}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_drawing_code_imports_matplotlib(module):
    if module.startswith(MAY_DRAW):
        return
    drawing = sorted(name for name in MODULES[module] if name.split(".")[0] == "matplotlib")
    assert not drawing, f"{module} imports {drawing}: simulation and site code must not draw"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("gdsim.draw")))
def test_drawing_imports_no_chapter_module(module):
    chapters = sorted(name for name in MODULES[module] if name.startswith("gdsim.chapters"))
    assert not chapters, f"{module} imports {chapters}: drawing takes results, it never computes them"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("gdsim.chapters")))
def test_chapters_import_no_drawing(module):
    drawing = sorted(name for name in MODULES[module] if name.startswith(("gdsim.draw", "gdsim.build.render")))
    assert not drawing, f"{module} imports {drawing}"


def test_the_site_hook_loads_no_simulation():
    """The MkDocs hook formats numbers and describes figures from the catalogue alone."""
    code = "import sys, gdsim.site.mkdocs_hook; print(sorted(m for m in ('numpy', 'matplotlib') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", f"importing the hook loaded {done.stdout.strip()}"


def test_a_no_change_render_imports_neither_numpy_nor_matplotlib(rendered):
    code = (
        "import sys\nfrom gdsim.build.cli import main\nstatus = main(['render'])\n"
        "print(status, sorted(m for m in ('numpy', 'matplotlib') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stdout + done.stderr


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_points_upward(module):
    """Nothing in the root, chapters/ or draw/ imports build/ or site/; build/ never imports site/."""
    upward = sorted(name for name in gdsim_imports(module) if FLOOR[room(name)] > FLOOR[room(module)])
    assert not upward, f"{module} ({room(module)}) imports {upward} from a room above it"


def test_the_floor_rule_can_fail():
    """Oracle for the rule above: a chapter that imported the renderer would be caught."""
    assert FLOOR[room("gdsim.build.render")] > FLOOR[room("gdsim.chapters.gradients")]
    assert FLOOR[room("gdsim.site.tags")] > FLOOR[room("gdsim.model")] == 0


@pytest.mark.parametrize("module", sorted(m for m in MODULES if room(m) == "chapters"))
def test_no_chapter_imports_another_chapter(module):
    """What two chapters share moves down into core (scenarios, stability, …), never sideways."""
    others = sorted(name for name in gdsim_imports(module) if room(name) == "chapters" and name not in (module, "gdsim.chapters"))
    assert not others, f"{module} imports {others}: move what they share into the core"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if room(m) == "draw"))
def test_no_drawing_module_imports_another_but_the_shared_ones(module):
    others = sorted(name for name in gdsim_imports(module)
                    if room(name) == "draw" and name != module and name not in SHARED_DRAWING)
    assert not others, f"{module} imports {others}: what two drawings share belongs in draw/style.py"
