"""Faults injected on purpose: whatever happens to a render, the next one repairs every file.

Each test works on a copy of the package whose only chapter is a tiny one of quick assets
(``tests/tiny/``), driven through the real command line. The oracle is always the same: after
the fault and a plain ``render`` (no ``--force``), every file equals what a clean render of the
current code gives, and no temporary file or worker process is left behind.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.code_only
ROOT = Path(__file__).resolve().parent.parent
TINY = Path(__file__).resolve().parent / "tiny"
ORIGINAL_COLOUR = 'COLOUR = "#0072B2"'
EDITED_COLOUR = 'COLOUR = "#D55E00"'


class Tree:
    """A copy of gdsim with the tiny chapter, and a figures folder to render into."""

    def __init__(self, root: Path):
        self.root, self.out = root, root / "figures"
        shutil.copytree(ROOT / "gdsim", root / "gdsim", ignore=shutil.ignore_patterns("__pycache__"))
        chapters, draw = root / "gdsim" / "chapters", root / "gdsim" / "draw"
        for module in list(chapters.glob("*.py")) + [
            p for p in draw.glob("*.py") if p.stem not in ("__init__", "style", "frames", "encode")
        ]:
            module.unlink()
        shutil.copy(TINY / "chapters_init.py", chapters / "__init__.py")
        shutil.copy(TINY / "chapter.py", chapters / "model_and_data.py")
        shutil.copy(TINY / "draw.py", draw / "model_and_data.py")

    @property
    def draw_module(self) -> Path:
        return self.root / "gdsim" / "draw" / "model_and_data.py"

    def edit(self, old: str, new: str, path: Path | None = None) -> None:
        path = path or self.draw_module
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))

    def slow(self, seconds: float) -> None:
        path = self.root / "gdsim" / "chapters" / "model_and_data.py"
        text = path.read_text()
        start = text.index("DELAY = ")
        path.write_text(text[:start] + f"DELAY = {seconds}" + text[text.index("  #", start):])

    def slow_facts(self, seconds: float) -> None:
        path = self.root / "gdsim" / "chapters" / "model_and_data.py"
        text = path.read_text()
        start = text.index("FACTS_DELAY = ")
        path.write_text(text[:start] + f"FACTS_DELAY = {seconds}" + text[text.index("  #", start):])

    @property
    def chapter(self) -> Path:
        return self.root / "gdsim" / "chapters" / "model_and_data.py"

    def command(self, *args: str, out: Path | None = None) -> list[str]:
        """``python -m gdsim ARGS --out DIR``: one render worker unless the test asks for more (the
        tiny assets take milliseconds; a worker costs a second of start-up)."""
        jobs = [] if "--jobs" in args or args[:1] == ("list",) else ["--jobs", "1"]
        return [sys.executable, "-m", "gdsim", *args, *jobs, "--out", str(out or self.out)]

    @property
    def env(self) -> dict:
        """The tree's package first on the path, its own result store (``.cache/results`` in it)."""
        env = dict(os.environ, PYTHONPATH=str(self.root))
        env.pop("GDSIM_RESULTS", None)
        return env

    def render(self, *args: str, out: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(self.command("render", *args, out=out), cwd=self.root, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=120)

    def python(self, code: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        """``python -c code args`` with the tree's package first on the path."""
        return subprocess.run([sys.executable, "-c", code, *args], cwd=self.root, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=120)

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(self.command("render", *args), cwd=self.root, env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def clean_render(self, where: Path) -> dict[str, bytes]:
        """What a clean render of the tree's current code writes."""
        done = self.render("--force", out=where)
        assert done.returncode == 0, done.stderr
        return files(where)


def files(folder: Path) -> dict[str, bytes]:
    """The published files of a figures folder: assets and the catalogue (no lock, no temporaries)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def assets_only(table: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in table.items() if name.endswith((".png", ".gif"))}


def children(pid: int) -> set[int]:
    """Every descendant of a process, from /proc."""
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = {int(k) for k in (task / "children").read_text().split()}
            except OSError:
                continue
            found |= kids
            todo.extend(kids)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the render"
        time.sleep(0.02)


def committed(out: Path) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text())["assets"])
    except (OSError, ValueError, KeyError):
        return 0


def assert_repaired(tree: Tree, tmp_path: Path) -> None:
    """A plain render brings every file back to what a clean render of the current code gives."""
    done = tree.render()
    assert done.returncode == 0, done.stderr
    assert files(tree.out) == tree.clean_render(tmp_path / "clean")
    assert not list(tree.out.glob(".*.tmp")), "a temporary file outlived its run"


@pytest.fixture
def tree(tmp_path) -> Tree:
    tree = Tree(tmp_path / "tree")
    assert tree.render().returncode == 0
    return tree


def test_kill_9_mid_render_then_revert(tree, tmp_path):
    tree.slow(0.4)
    assert tree.render().returncode == 0
    tree.edit(ORIGINAL_COLOUR, EDITED_COLOUR)
    process = tree.start("--jobs", "1")
    baseline = committed(tree.out)
    wait_until(lambda: committed(tree.out) < baseline)  # the run has begun overwriting
    time.sleep(0.9)  # … and is part-way through
    process.send_signal(signal.SIGKILL)
    process.wait()
    tree.edit(EDITED_COLOUR, ORIGINAL_COLOUR)
    assert_repaired(tree, tmp_path)


def test_a_builder_that_raises_mid_batch_then_revert(tree, tmp_path):
    signature = "def line(values: list[float], layout: Layout = COLUMN) -> Figure:\n"
    tree.edit(signature, signature + "    if values[0] == 4:\n        raise ValueError('broken on purpose')\n")
    tree.edit(ORIGINAL_COLOUR, EDITED_COLOUR)
    done = tree.render("--jobs", "1")
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("gdsim: error")]
    assert len(errors) == 1 and "tiny-d" in errors[0] and "broken on purpose" in errors[0]
    tree.edit("    if values[0] == 4:\n        raise ValueError('broken on purpose')\n", "")
    tree.edit(EDITED_COLOUR, ORIGINAL_COLOUR)
    assert_repaired(tree, tmp_path)


def test_an_edit_saved_during_a_render_is_drawn_by_the_next_one(tree, tmp_path):
    tree.slow(0.3)
    assert tree.render().returncode == 0
    process = tree.start("--force", "--jobs", "1")
    wait_until(lambda: committed(tree.out) >= 1 and process.poll() is None)
    tree.edit(ORIGINAL_COLOUR, EDITED_COLOUR)  # saved while the run draws the old code
    assert process.wait(timeout=120) == 0
    assert_repaired(tree, tmp_path)  # the clean render it is compared with draws the edited code


def test_truncated_bit_flipped_and_deleted_outputs_are_noticed_and_redrawn(tree, tmp_path):
    for name, damage in (("tiny-a.png", "truncate"), ("tiny-b.png", "flip"), ("tiny-c.png", "delete"),
                         ("tiny-movie.gif", "truncate"), ("tiny-movie.png", "flip")):
        path = tree.out / name
        data = bytearray(path.read_bytes())
        if damage == "truncate":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "flip":
            data[len(data) // 2] ^= 0x01
            path.write_bytes(bytes(data))
        else:
            path.unlink()
    assert_repaired(tree, tmp_path)


SHAPES = ["[]", "{}", "null", '{"schema": 1, "assets": [1, 2]}', '{"schema": 1, "assets": {"tiny-a": {"key": 3}}}',
          '{"schema": 99, "assets": {}}', "not json", ""]


@pytest.mark.parametrize("content", SHAPES)
def test_a_manifest_of_the_wrong_shape_reads_as_empty(tmp_path, content):
    from gdsim.build import catalogue

    (tmp_path / "manifest.json").write_text(content)
    assert catalogue.read_manifest(tmp_path) == {}
    assert not catalogue.complete(tmp_path, "any stamp")


def test_commands_survive_a_manifest_of_the_wrong_shape(tree, tmp_path):
    (tree.out / "manifest.json").write_text('{"schema": 1, "assets": [1, 2]}')
    listing = subprocess.run(tree.command("list")[:-2], cwd=tree.root, env=tree.env, capture_output=True, text=True)
    assert listing.returncode == 0
    forced = tree.render("--force")
    assert forced.returncode == 0, forced.stderr
    (tree.out / "manifest.json").write_text("not json")
    assert_repaired(tree, tmp_path)


def test_two_concurrent_renders_keep_every_entry(tree, tmp_path):
    tree.slow(0.2)
    tree.edit(ORIGINAL_COLOUR, EDITED_COLOUR)
    first, second = tree.start("--jobs", "1"), tree.start("tiny-a", "tiny-movie", "--force", "--jobs", "1")
    assert first.wait(timeout=120) == 0 and second.wait(timeout=120) == 0
    assert committed(tree.out) == 9
    assert_repaired(tree, tmp_path)


def test_workers_die_with_the_parent_of_a_parallel_render(tree, tmp_path):
    tree.slow(2.0)
    process = tree.start("--force", "--jobs", "2")
    wait_until(lambda: len(children(process.pid)) >= 2)
    workers = children(process.pid)
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.wait()
    wait_until(lambda: not any(alive(pid) for pid in workers), timeout=10)
    tree.slow(0.0)
    assert_repaired(tree, tmp_path)


def rendered_names(done: subprocess.CompletedProcess) -> set[str]:
    """The assets a render drew, from its progress lines (one per asset where stderr is no terminal)."""
    assert done.returncode == 0, done.stderr
    return {line.split()[2] for line in done.stderr.splitlines() if line.startswith("[")}


def test_an_edit_re_renders_what_it_changes_and_nothing_else(tree):
    """Through the real command line: comments, docstrings and layout change no key; a constant
    that one drawing reads re-renders that asset alone; one that every drawing reads, all of them."""
    tree.edit(ORIGINAL_COLOUR, "# the site's blue\n" + ORIGINAL_COLOUR + "  # Okabe–Ito")
    assert rendered_names(tree.render()) == set()
    signature = "def bars(values: list[float], layout: Layout = COLUMN) -> Figure:\n"
    tree.edit(signature, signature + '    """Bars, one a number."""\n\n')
    tree.edit("fig.subplots().bar(range(len(values)), values,", "fig.subplots().bar(\n        range(len(values)), values,")
    assert rendered_names(tree.render()) == set()
    tree.edit("BAR_WIDTH = 0.6", "BAR_WIDTH = 0.7")
    assert rendered_names(tree.render()) == {"tiny-bars"}
    tree.edit(ORIGINAL_COLOUR, EDITED_COLOUR)
    assert rendered_names(tree.render()) == {f"tiny-{x}" for x in "abcdef"} | {"tiny-movie", "tiny-bars", "tiny-trained"}


SEVEN, EIGHT = '"tiny_count": Fact(7, "d")', '"tiny_count": Fact(8, "d")'


def published_count(tree: Tree) -> float:
    from gdsim.build import catalogue

    return catalogue.read_facts(tree.out)[1]["tiny_count"].value


def test_a_failed_render_then_a_revert_never_publishes_the_edits_numbers(tree, tmp_path):
    """A chapter constant edited together with a drawing that fails: the render fails after the new
    facts are computed; both edits are reverted; the next plain render must publish the old numbers
    (once it answered "all up to date" beside the edit's facts)."""
    signature = "def line(values: list[float], layout: Layout = COLUMN) -> Figure:\n"
    tree.edit(SEVEN, EIGHT, tree.chapter)
    tree.edit(signature, signature + "    raise ValueError('broken on purpose')\n")
    assert tree.render("--jobs", "1").returncode == 1
    tree.edit(EIGHT, SEVEN, tree.chapter)
    tree.edit(signature + "    raise ValueError('broken on purpose')\n", signature)
    assert_repaired(tree, tmp_path)
    assert published_count(tree) == 7


def test_a_kill_at_any_moment_while_the_facts_change_then_a_revert_publishes_the_old_ones(tree, tmp_path):
    tree.slow_facts(0.4)
    assert tree.render().returncode == 0
    for delay in (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5):
        tree.edit(SEVEN, EIGHT, tree.chapter)
        process = tree.start("--jobs", "1")
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        tree.edit(EIGHT, SEVEN, tree.chapter)
        done = tree.render()
        assert done.returncode == 0, done.stderr
        assert published_count(tree) == 7, f"killed after {delay} s, the edit's numbers were published"
    assert_repaired(tree, tmp_path)


def test_hand_edits_to_the_facts_and_the_manifest_are_undone(tree, tmp_path):
    facts = json.loads((tree.out / "facts.json").read_text())
    facts["facts"]["tiny_count"]["value"] = 99
    (tree.out / "facts.json").write_text(json.dumps(facts))
    manifest = json.loads((tree.out / "manifest.json").read_text())
    manifest["assets"]["tiny-a"]["width"] += 1
    manifest["assets"]["tiny-b"]["kind"] = "animation"
    (tree.out / "manifest.json").write_text(json.dumps(manifest))
    assert_repaired(tree, tmp_path)
    assert published_count(tree) == 7


DIFFERENCES = ("import json, sys; from pathlib import Path; from gdsim.build.determinism import differences; "
               "print(json.dumps(differences(Path(sys.argv[1]), sys.argv[3:], Path(sys.argv[2]))))")


def test_the_determinism_check_catches_a_training_run_that_is_not(tree, tmp_path):
    """A stored run made nondeterministic: renders keep reading the stored value, so the figures and
    facts look stable; the check, which computes the run again in an empty store, sees it move."""
    noisy = {"TINY_NOISE": "1"}
    assert rendered_names(tree.render(env=noisy)) == set(), "the key does not see the run's noise"
    done = tree.python(DIFFERENCES, str(tree.out), str(tmp_path / "noisy"), "tiny-trained", "tiny-a", env=noisy)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["tiny-trained.png differs", "tiny-trained.phone.png differs",
                                       "facts differ: tiny_trained"]
    done = tree.python(DIFFERENCES, str(tree.out), str(tmp_path / "quiet"), "tiny-trained", "tiny-a")
    assert done.returncode == 0 and json.loads(done.stdout) == [], done.stdout + done.stderr


def test_an_unwritable_folder_is_one_clear_line(tree):
    done = tree.render(out=Path("/proc/gdsim-cannot-write-here"))
    assert done.returncode == 1
    assert done.stderr.strip().startswith("gdsim: error: cannot write to /proc/gdsim-cannot-write-here")
    assert len(done.stderr.strip().splitlines()) == 1
