"""Render assets to files: only the stale ones, in parallel, atomically, with a manifest.

``figures/manifest.json`` records each asset's cache key, files, pixel size, alt text and caption;
``figures/facts.json`` holds every quoted number, under the hash of the code that computed them. The MkDocs hook reads only these two files.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image

matplotlib.use("Agg")  # headless, whatever the environment says

from gdsim import facts as facts_module  # noqa: E402
from gdsim import registry  # noqa: E402
from gdsim.animation import Animation, encode_gif, encode_png  # noqa: E402
from gdsim.cache import asset_key, facts_key  # noqa: E402
from gdsim.facts import Fact  # noqa: E402
from gdsim.paths import FIGURES, STYLE  # noqa: E402

MANIFEST = "manifest.json"
FACTS = "facts.json"
# PNG stills are drawn at 2 device pixels per css pixel, so they stay crisp on dense screens.
DEVICE_PIXEL_RATIO = 2


@dataclass(frozen=True)
class Rendered:
    """What one asset's render produced."""

    name: str
    width: int  # css pixels
    height: int
    seconds: float
    frames: int = 0
    bytes_written: int = 0


def write_atomic(path: Path, content: bytes) -> bool:
    """Write ``content`` to ``path`` through a temporary file and a rename; skip identical bytes.

    Returns True if the file changed. A crash mid-write leaves at worst a stray ``.tmp`` file,
    never a truncated asset.
    """
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(content)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return True


def figure_png(fig) -> bytes:
    """A Figure as compact, reproducible PNG bytes at DEVICE_PIXEL_RATIO × 100 dpi."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100 * DEVICE_PIXEL_RATIO)
    buffer.seek(0)
    return encode_png(np.asarray(Image.open(buffer).convert("RGB")))


def build_files(asset: registry.Asset) -> tuple[dict[str, bytes], tuple[int, int], int]:
    """Build one asset in memory: its files' bytes, css size and frame count."""
    with matplotlib.rc_context(fname=str(STYLE)):
        result = asset.build()
    if asset.kind == registry.STILL:
        content = figure_png(result)
        return {f"{asset.name}.png": content}, _css_size(content), 0
    if not isinstance(result, Animation):
        raise TypeError(f"asset {asset.name!r} is an animation but its builder returned {type(result).__name__}")
    height, width = result.frames.shape[1:3]
    files = {f"{asset.name}.gif": encode_gif(result), f"{asset.name}.png": encode_png(result.poster)}
    return files, (width, height), len(result.frames)


def _css_size(png: bytes) -> tuple[int, int]:
    """CSS size of a PNG drawn at DEVICE_PIXEL_RATIO, read from its header."""
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    return round(width / DEVICE_PIXEL_RATIO), round(height / DEVICE_PIXEL_RATIO)


def render_one(name: str, out_dir: Path) -> Rendered:
    """Build one asset and write its files atomically. Runs in a worker process."""
    start = time.perf_counter()
    asset = registry.get(name)
    files, (width, height), frames = build_files(asset)
    written = sum(len(data) for file, data in files.items() if write_atomic(out_dir / file, data))
    return Rendered(name, width, height, time.perf_counter() - start, frames, written)


def load_manifest(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def stale(assets, out_dir: Path, manifest: dict) -> list[registry.Asset]:
    """Assets whose cache key changed or whose files are missing."""
    return [
        a for a in assets
        if manifest.get(a.name, {}).get("key") != asset_key(a) or not all((out_dir / f).exists() for f in a.files)
    ]


def current_facts(out_dir: Path) -> dict[str, Fact]:
    """Every fact, read back from ``facts.json`` if its key is current, else computed and written.

    Some facts come from hundreds of gradient-descent runs; caching them by the hash of the code
    they depend on keeps a no-change rebuild instant. JSON round-trips floats exactly, so a
    cached fact equals a fresh one.
    """
    key = facts_key()
    try:
        stored = json.loads((out_dir / FACTS).read_text(encoding="utf-8"))
        if stored.get("key") == key:
            return {name: Fact(item["value"], item["fmt"]) for name, item in stored["facts"].items()}
    except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError, AttributeError):
        pass
    table = facts_module.compute()
    content = {"key": key, "facts": {name: {"value": f.value, "fmt": f.fmt} for name, f in table.items()}}
    write_atomic(out_dir / FACTS, (json.dumps(content, indent=1, ensure_ascii=False) + "\n").encode())
    return table


def describe(asset: registry.Asset, fact_table: dict) -> dict:
    """Alt text and caption with their numbers filled in from the facts."""
    return {"alt": asset.alt.format_map(fact_table), "caption": asset.caption.format_map(fact_table)}


class Progress:
    """A one-line progress bar on a terminal; a plain line per asset elsewhere (CI logs)."""

    def __init__(self, total: int, stream=sys.stderr):
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


def render(names=None, force: bool = False, jobs: int | None = None, out_dir: Path = FIGURES,
           stream=sys.stderr) -> list[Rendered]:
    """Render the named assets (all by default) that are stale, or all of them with ``force``.

    Unknown names raise KeyError before anything is written. The manifest and facts are refreshed
    on every call so the site always describes the current registry.
    """
    assets = [registry.get(n) for n in names] if names else list(registry.ASSETS)
    out_dir = Path(out_dir)
    manifest = load_manifest(out_dir)
    todo = assets if force else stale(assets, out_dir, manifest)
    fact_table = current_facts(out_dir)
    results: list[Rendered] = []
    if todo:
        progress = Progress(len(todo), stream)
        workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        if workers == 1:
            for asset in todo:
                results.append(render_one(asset.name, out_dir))
                progress.step(results[-1])
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(render_one, a.name, out_dir) for a in todo]
                for future in as_completed(futures):
                    results.append(future.result())
                    progress.step(results[-1])
    for item in results:
        manifest[item.name] = {
            "key": asset_key(registry.get(item.name)),
            "kind": registry.get(item.name).kind,
            "files": list(registry.get(item.name).files),
            "width": item.width,
            "height": item.height,
            "frames": item.frames,
        }
    for asset in registry.ASSETS:
        if asset.name in manifest:
            manifest[asset.name].update(describe(asset, fact_table))
    manifest = {name: manifest[name] for name in registry.BY_NAME if name in manifest}
    write_atomic(out_dir / MANIFEST, (json.dumps(manifest, indent=1, ensure_ascii=False) + "\n").encode())
    return sorted(results, key=lambda r: r.name)
