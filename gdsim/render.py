"""Render assets to files: only the stale ones, in parallel, atomically, recorded in the catalogue.

An asset is stale when its cache key (computed once, before anything is drawn, from the code that
will draw it) differs from the manifest's, or when any of its files is missing or no longer has
the size and SHA-256 the manifest recorded. Deciding that imports no matplotlib and runs no
simulation, so a no-change run is near instant. A manifest entry is removed before its files are
overwritten and written back only once all of them are in place.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from gdsim import catalogue, registry
from gdsim.assets import Asset
from gdsim.cache import asset_key, facts_key, tree_stamp
from gdsim.catalogue import Fact, file_record, intact
from gdsim.paths import FIGURES, STYLE

# Stills and animations are drawn at 2 device pixels per CSS pixel: crisp on dense screens.
DEVICE_PIXEL_RATIO = 2
DPI = 100 * DEVICE_PIXEL_RATIO


@dataclass(frozen=True)
class Built:
    """One asset drawn in memory: its files' bytes, CSS size and frame count."""

    files: dict[str, bytes]
    width: int
    height: int
    frames: int = 0
    min_text_px: float = float("inf")


@dataclass(frozen=True)
class Rendered:
    """What one asset's render produced."""

    name: str
    width: int  # CSS pixels
    height: int
    seconds: float
    frames: int = 0
    bytes_written: int = 0
    files: dict | None = None  # file name → {"size", "sha256"}
    min_text_px: float = float("inf")  # the smallest text, in CSS px at the column width


def build(asset: Asset) -> Built:
    """Draw one asset in memory (imports matplotlib: runs in a worker)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from gdsim.animation import capture, encode_gif, encode_png
    from gdsim.draw.frames import Movie, record
    from gdsim.draw.style import smallest_text_px

    with matplotlib.rc_context(fname=str(STYLE)):
        result = asset.build()
        if asset.kind == registry.STILL:
            if not isinstance(result, Figure):
                raise TypeError(f"asset {asset.name!r} is a still but drew {type(result).__name__}")
            result.set_dpi(DPI)
            image = capture(result)
            height, width = image.shape[:2]
            return Built({f"{asset.name}.png": encode_png(image)}, *_css(width, height),
                         min_text_px=smallest_text_px(result, draw=False))
        if not isinstance(result, Movie):
            raise TypeError(f"asset {asset.name!r} is an animation but drew {type(result).__name__}")
        animation, smallest = record(result, DPI)
    height, width = animation.frames.shape[1:3]
    files = {f"{asset.name}.gif": encode_gif(animation), f"{asset.name}.png": encode_png(animation.poster)}
    return Built(files, *_css(width, height), len(animation.frames), smallest)


def _css(width: int, height: int) -> tuple[int, int]:
    return round(width / DEVICE_PIXEL_RATIO), round(height / DEVICE_PIXEL_RATIO)


def render_one(name: str, out_dir: Path) -> Rendered:
    """Build one asset and write its files atomically. Runs in a worker process."""
    start = time.perf_counter()
    built = build(registry.get(name))
    written = sum(len(data) for file, data in built.files.items() if catalogue.write_atomic(out_dir / file, data))
    records = {file: file_record(data) for file, data in built.files.items()}
    return Rendered(name, built.width, built.height, time.perf_counter() - start, built.frames, written, records,
                    round(built.min_text_px, 2))


def stale(assets: Iterable[Asset], out_dir: Path, manifest: dict, keys: dict[str, str]) -> list[Asset]:
    """Assets whose key changed, whose entry is missing, or whose files are missing or altered."""
    todo = []
    for asset in assets:
        entry = manifest.get(asset.name)
        if entry is None or entry["key"] != keys[asset.name] or set(entry["files"]) != set(asset.files) \
                or not intact(entry, out_dir):
            todo.append(asset)
    return todo


def current_facts(out_dir: Path) -> dict[str, Fact]:
    """Every fact, read back from ``facts.json`` if its key is current, else computed and written.

    Some facts come from hundreds of gradient-descent runs; caching them by the hash of the code
    they depend on keeps a no-change rebuild instant. JSON round-trips floats exactly, so a
    cached fact equals a fresh one.
    """
    key = facts_key()
    stored_key, stored = catalogue.read_facts(out_dir)
    if stored_key == key:
        return stored
    table = registry.facts()
    catalogue.write_facts(out_dir, key, table)
    return table


def describe(asset: Asset, fact_table: dict) -> dict:
    """Alt text and caption with their numbers filled in from the facts."""
    return {"alt": asset.alt.format_map(fact_table), "caption": asset.caption.format_map(fact_table)}


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


def _entry(asset: Asset, key: str, item: Rendered, fact_table: dict) -> dict:
    return {"key": key, "chapter": asset.chapter, "kind": asset.kind, "files": item.files,
            "width": item.width, "height": item.height, "frames": item.frames, "min_text_px": item.min_text_px,
            **describe(asset, fact_table)}


def render(names: Iterable[str] | None = None, force: bool = False, jobs: int | None = None,
           out_dir: Path = FIGURES, stream: TextIO = sys.stderr) -> list[Rendered]:
    """Render the named assets (all by default) that are stale, or all of them with ``force``.

    Unknown names raise KeyError before anything is written. The manifest's descriptions are
    refreshed on every call so the site always describes the current registry and facts.
    """
    assets = [registry.get(n) for n in dict.fromkeys(names)] if names else list(registry.ASSETS)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = tree_stamp()  # before any key: an edit saved during the run leaves the stamp stale
    keys = {asset.name: asset_key(asset) for asset in assets}
    manifest = catalogue.read_manifest(out_dir)
    todo = assets if force else stale(assets, out_dir, manifest, keys)
    fact_table = current_facts(out_dir)
    results: list[Rendered] = []
    if todo:
        for asset in todo:  # forget the old entries before any of their files is overwritten
            manifest.pop(asset.name, None)
        catalogue.write_manifest(out_dir, manifest)
        progress = Progress(len(todo), stream)

        def commit(item: Rendered) -> None:
            asset = registry.get(item.name)
            manifest[item.name] = _entry(asset, keys[item.name], item, fact_table)
            catalogue.write_manifest(out_dir, manifest)
            results.append(item)
            progress.step(item)

        workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        if workers == 1:
            for asset in todo:
                commit(render_one(asset.name, out_dir))
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(render_one, a.name, out_dir) for a in todo]
                for future in as_completed(futures):
                    commit(future.result())
    for name, entry in manifest.items():
        if name in registry.BY_NAME:
            entry.update(describe(registry.get(name), fact_table))
    manifest = {name: manifest[name] for name in registry.BY_NAME if name in manifest}
    everything = set(manifest) == set(registry.BY_NAME) and all(manifest[n]["key"] == keys.get(n) for n in manifest)
    catalogue.write_manifest(out_dir, manifest, stamp if everything else None)
    return sorted(results, key=lambda r: r.name)
