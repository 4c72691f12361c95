"""Render assets to files: only the stale ones, in parallel, atomically, recorded in the catalogue.

One run works from one **snapshot** of the package: its sources are copied once, and every key,
fact and picture of the run comes from worker processes that import that copy. So an asset's key
always describes the code that drew it, whatever is edited while the run goes on.

An asset is stale when its key differs from the manifest's, or when any of its files is missing or
no longer has the size and SHA-256 the manifest recorded. A manifest entry is removed before its
files are overwritten and written back only once all of them are in place, so an interrupted run
leaves stale entries, never wrong ones. Runs on one folder take turns (a lock), leftover temporary
files are swept, and workers die with the process that started them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from gdsim.build import catalogue
from gdsim.paths import FIGURES, PACKAGE, ROOT

if TYPE_CHECKING:
    from gdsim.assets import Asset

# Stills and animations are drawn at 2 device pixels per CSS pixel: crisp on dense screens.
DEVICE_PIXEL_RATIO = 2
DPI = 100 * DEVICE_PIXEL_RATIO
LOCK = ".render.lock"


class RenderError(RuntimeError):
    """Rendering could not be done; the message says why in one line."""


@dataclass(frozen=True)
class Built:
    """One asset drawn in memory: its files' bytes, CSS size and frame count."""

    files: dict[str, bytes]
    sizes: dict[str, tuple[int, int]]  # layout name → CSS width, height
    frames: int = 0
    min_text_px: float = float("inf")
    label_problems: tuple[str, ...] = ()  # "layout: what is wrong", from style.label_problems


@dataclass(frozen=True)
class Rendered:
    """What one asset's render produced: its manifest entry, and how long it took."""

    name: str
    entry: catalogue.Entry
    seconds: float


@dataclass(frozen=True)
class Plan:
    """What a run will do, decided in a worker from the snapshot's code."""

    keys: dict[str, str]
    todo: list[str]
    stamp: str
    facts_key: str  # the key the facts are under, in the catalogue now
    entries: dict[str, dict]  # name → chapter and kind
    order: list[str]  # every asset of the registry, in order


# ---------------------------------------------------------------- worker side (snapshot code)


def _start_worker(parent: int) -> None:
    """Make this worker die with the process that started it, even after a ``kill -9``."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the kernel kills us when the parent goes
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:  # elsewhere than Linux: poll for the parent
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def plan(names: list[str] | None, force: bool, out_dir: str) -> Plan:
    """Keys, stale assets and facts, from the code this process imported."""
    from gdsim.build import registry
    from gdsim.build.keys import asset_key, facts_key, tree_stamp

    out = Path(out_dir)
    stamp = tree_stamp()
    assets = [registry.get(n) for n in names] if names else list(registry.ASSETS)
    keys = {asset.name: asset_key(asset) for asset in assets}
    manifest = catalogue.read_manifest(out)
    todo = [a.name for a in assets if force or stale(a.name, a.files, manifest, keys[a.name], out)]
    key = facts_key()
    if catalogue.read_facts(out)[0] != key:
        facts = registry.facts()
        # no stamp may vouch for the folder while its facts change: withdraw it first, so that a
        # run killed or failing from here on leaves a render to do, never a fast path to old facts
        catalogue.write_manifest(out, catalogue.read_manifest(out))
        catalogue.write_facts(out, key, facts)
    entries = {asset.name: {"chapter": asset.chapter, "kind": asset.kind} for asset in registry.ASSETS}
    return Plan(keys, todo, stamp, key, entries, [a.name for a in registry.ASSETS])


def stale_facts(out_dir: str) -> list[str]:
    """The chapters, last first, if the stored facts are out of date (else none)."""
    from gdsim import chapters
    from gdsim.build.keys import facts_key

    stored_key, _ = catalogue.read_facts(Path(out_dir))
    return [] if stored_key == facts_key() else list(reversed(chapters.STEMS))


def warm(stem: str) -> None:
    """One chapter's facts, computed for their side effect: the chapter's stored runs land in the
    render's result store (``gdsim.stored``), where the plan's facts and the figures find them."""
    from gdsim import chapters

    chapters.load(stem).facts()


def stale(name: str, files: Iterable[str], manifest: dict, key: str, out_dir: Path) -> bool:
    """True if the asset's entry is missing, its key changed, or any of its files is missing or altered."""
    entry = manifest.get(name)
    return entry is None or entry.key != key or set(entry.files) != set(files) \
        or not catalogue.intact(entry, out_dir)


def build(asset: Asset) -> Built:
    """Draw one asset in memory, in every layout: its data computed once, drawn twice."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from gdsim.assets import STILL
    from gdsim.draw.encode import capture, encode_gif, encode_png
    from gdsim.draw.frames import Movie, record
    from gdsim.draw.style import LAYOUTS, label_problems, smallest_text_px
    from gdsim.paths import STYLE

    files, sizes, frames, smallest, problems = {}, {}, 0, float("inf"), []
    with matplotlib.rc_context(fname=str(STYLE)):
        result = asset.compute()
        for layout in LAYOUTS:
            picture, poster, gif = asset.draw_result(result, layout), None, None
            if asset.kind == STILL:
                if not isinstance(picture, Figure):
                    raise TypeError(f"asset {asset.name!r} is a still but drew {type(picture).__name__}")
                picture.set_dpi(DPI)
                poster = capture(picture)
                smallest = min(smallest, smallest_text_px(picture, draw=False, column_px=layout.width_px))
                problems += [f"{layout.name}: {problem}" for problem in label_problems(picture)]
            else:
                if not isinstance(picture, Movie):
                    raise TypeError(f"asset {asset.name!r} is an animation but drew {type(picture).__name__}")
                animation, small, found = record(picture, DPI, column_px=layout.width_px)
                problems += [f"{layout.name} {problem}" for problem in found]
                poster, gif, smallest = animation.poster, encode_gif(animation), min(smallest, small)
                frames = frames or len(animation.frames)
            names = asset.layout_files(layout.name)
            if gif is not None:
                files[names[0]] = gif
            files[names[-1]] = encode_png(poster)
            sizes[layout.name] = _css(poster.shape[1], poster.shape[0])
    return Built(files, sizes, frames, smallest, tuple(problems))


def _css(width: int, height: int) -> tuple[int, int]:
    return round(width / DEVICE_PIXEL_RATIO), round(height / DEVICE_PIXEL_RATIO)


def render_one(name: str, key: str, out_dir: str) -> Rendered:
    """Build one asset and write its files atomically; its entry records them under ``key``."""
    from gdsim.build import registry

    start = time.perf_counter()
    try:
        built = build(registry.get(name))
    except Exception as error:
        raise RuntimeError(f"asset {name!r}: {type(error).__name__}: {error}") from error
    out = Path(out_dir)
    for file, data in built.files.items():
        catalogue.write_atomic(out / file, data)
    asset = registry.get(name)
    (width, height), (phone_width, phone_height) = built.sizes["column"], built.sizes["phone"]
    entry = catalogue.Entry(key, asset.chapter, asset.kind,
                            {file: catalogue.FileRecord.of(data) for file, data in built.files.items()},
                            width, height, phone_width, phone_height, built.frames, round(built.min_text_px, 2),
                            built.label_problems)
    return Rendered(name, entry, time.perf_counter() - start)


# ---------------------------------------------------------------- parent side


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the folder's render lock: a second render waits for the first (the OS frees it if we die)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = open(out_dir / LOCK, "a")  # noqa: SIM115 - held for the whole block
    except OSError as error:
        raise RenderError(f"cannot write to {out_dir}: {error.strerror}") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if not os.access(out_dir, os.W_OK):
            raise RenderError(f"cannot write to {out_dir}: it is read-only")
        for leftover in out_dir.glob(".*.tmp"):  # an earlier run was killed mid-write
            leftover.unlink(missing_ok=True)
        yield


@contextlib.contextmanager
def snapshot() -> Iterator[Path]:
    """A private copy of the package's sources and style, on ``sys.path`` first while it exists."""
    with tempfile.TemporaryDirectory(prefix="gdsim-render-") as tmp:
        shutil.copytree(PACKAGE, Path(tmp) / "gdsim", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        sys.path.insert(0, tmp)  # spawned workers start with this path, so they import the copy
        try:
            yield Path(tmp)
        finally:
            sys.path.remove(tmp)


class Progress:
    """A one-line progress bar on a terminal; a plain line per asset elsewhere (CI logs)."""

    def __init__(self, total: int, stream: TextIO = sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.tty = stream.isatty()

    def step(self, item: Rendered) -> None:
        self.done += 1
        filled = round(24 * self.done / self.total)
        line = f"[{'#' * filled}{'.' * (24 - filled)}] {self.done}/{self.total} {item.name} ({item.seconds:.1f}s)"
        if self.tty:
            self.stream.write("\r\033[K" + line + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def render(names: Iterable[str] | None = None, force: bool = False, jobs: int | None = None,
           out_dir: Path = FIGURES, stream: TextIO = sys.stderr) -> list[Rendered]:
    """Render the named assets (all by default) that are stale, or all of them with ``force``.

    Unknown names raise KeyError before anything is written; a builder that fails raises after
    the assets that did render are committed. Each entry's chapter and kind are refreshed on
    every call, so the manifest always describes the current registry.
    """
    from gdsim.build import registry

    names = list(dict.fromkeys(names)) if names else None
    for name in names or ():
        registry.get(name)
    out_dir = Path(out_dir)
    workers = max(1, jobs or os.cpu_count() or 1)
    results: list[Rendered] = []
    # Workers are processes on every core already: their BLAS gets one thread each (small
    # matrices gain nothing from more, and oversubscribed cores made runs many times slower).
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    # The workers import a snapshot of the package, but keep long runs in the checkout's result
    # store (gdsim.stored): its keys hash the code, so a run is reused only by identical code.
    if not os.environ.get("GDSIM_RESULTS"):
        os.environ["GDSIM_RESULTS"] = str(ROOT / ".cache" / "results")
    with locked(out_dir), snapshot():
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(os.getpid(),)) as pool:
            # Stale facts are computed chapter by chapter on every worker first (the practice
            # chapters' runs take seconds each); the plan then reads their results from the store.
            for future in [pool.submit(warm, stem) for stem in pool.submit(stale_facts, str(out_dir)).result()]:
                future.result()
            the_plan = pool.submit(plan, names, force, str(out_dir)).result()
            manifest = catalogue.read_manifest(out_dir)
            if the_plan.todo:
                for name in the_plan.todo:  # forget the old entries before any of their files is overwritten
                    manifest.pop(name, None)
                catalogue.write_manifest(out_dir, manifest)
                progress = Progress(len(the_plan.todo), stream)
                futures = [pool.submit(render_one, name, the_plan.keys[name], str(out_dir)) for name in the_plan.todo]
                try:
                    for future in as_completed(futures):
                        item = future.result()
                        manifest[item.name] = item.entry
                        catalogue.write_manifest(out_dir, manifest)
                        results.append(item)
                        progress.step(item)
                except BaseException:
                    for future in futures:
                        future.cancel()
                    raise
        manifest = {name: dataclasses.replace(manifest[name], **the_plan.entries[name])
                    for name in the_plan.order if name in manifest}
        current = set(manifest) == set(the_plan.order) and all(
            manifest[n].key == the_plan.keys[n] for n in the_plan.order if n in the_plan.keys)
        stamped = current and names is None
        catalogue.write_manifest(out_dir, manifest, the_plan.stamp if stamped else None, the_plan.facts_key)
    return sorted(results, key=lambda r: r.name)
