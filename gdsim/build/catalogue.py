"""The two files the renderer writes and the site reads: ``manifest.json`` and ``facts.json``.

One schema for both, written and read only here. Reading never imports the simulation, so the
MkDocs hook can format numbers and describe figures without NumPy work. A file that does not
validate reads as empty: the renderer then rebuilds what it needs, and never crashes on it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from gdsim.facts import Fact

SCHEMA = 1
MANIFEST = "manifest.json"
FACTS = "facts.json"


@dataclass(frozen=True)
class Catalogue:
    """The manifest and the facts that the renderer wrote, as the site sees them."""

    assets: dict[str, dict]
    facts: dict[str, Fact]

    @classmethod
    def load(cls, figures_dir: Path) -> Catalogue:
        return cls(read_manifest(figures_dir), read_facts(figures_dir)[1])


def write_atomic(path: Path, content: bytes) -> bool:
    """Write ``content`` to ``path`` through a temporary file and a rename; skip identical bytes.

    Returns True if the file changed. A crash mid-write leaves the old file whole, never a
    truncated one.
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


def _read(path: Path) -> dict:
    """A JSON object of our schema, or {} for a file that is missing, unreadable or of another shape."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return content if isinstance(content, dict) and content.get("schema") == SCHEMA else {}


def _dump(content: dict) -> bytes:
    return (json.dumps({"schema": SCHEMA, **content}, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()


_ENTRY_FIELDS = {"key": str, "chapter": str, "kind": str, "files": dict, "width": int, "height": int,
                 "frames": int, "min_text_px": (int, float), "phone": dict, "label_problems": list}


def _valid_entry(entry: object) -> bool:
    return isinstance(entry, dict) and all(isinstance(entry.get(k), t) for k, t in _ENTRY_FIELDS.items())


def read_manifest(figures_dir: Path) -> dict[str, dict]:
    """Asset entries by name; entries of the wrong shape are dropped (their assets are then stale)."""
    assets = _read(Path(figures_dir) / MANIFEST).get("assets", {})
    if not isinstance(assets, dict):
        return {}
    return {name: entry for name, entry in assets.items() if _valid_entry(entry)}


def write_manifest(figures_dir: Path, assets: dict[str, dict], stamp: str | None = None) -> bool:
    """The manifest; ``stamp`` only when every asset of the registry is in it and current."""
    content = {"assets": assets} if stamp is None else {"assets": assets, "stamp": stamp}
    return write_atomic(Path(figures_dir) / MANIFEST, _dump(content))


def file_record(content: bytes) -> dict:
    """What the manifest remembers of one file, to notice later that it changed or broke."""
    return {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def intact(entry: dict, figures_dir: Path) -> bool:
    """True if every file the entry lists is on disk with the size and hash it recorded."""
    for file, record in entry["files"].items():
        path = Path(figures_dir) / file
        try:
            if path.stat().st_size != record.get("size") or file_record(path.read_bytes()) != record:
                return False
        except (OSError, AttributeError):
            return False
    return True


def complete(figures_dir: Path, stamp: str) -> bool:
    """True if the last full render was made from code with this ``stamp`` and nothing has broken
    since: every listed file intact and the facts readable. Decided without importing NumPy."""
    content = _read(Path(figures_dir) / MANIFEST)
    if content.get("stamp") != stamp or read_facts(figures_dir)[0] is None:
        return False
    assets = read_manifest(figures_dir)
    return bool(assets) and len(assets) == len(content["assets"]) and all(
        intact(entry, figures_dir) for entry in assets.values())


def read_facts(figures_dir: Path) -> tuple[str | None, dict[str, Fact]]:
    """The key the facts were computed under and the facts, or ``(None, {})`` if unusable."""
    content = _read(Path(figures_dir) / FACTS)
    raw = content.get("facts")
    if not isinstance(raw, dict) or not isinstance(content.get("key"), str):
        return None, {}
    try:
        return content["key"], {name: Fact(item["value"], item["fmt"]) for name, item in raw.items()}
    except (KeyError, TypeError):
        return None, {}


def write_facts(figures_dir: Path, key: str, facts: dict[str, Fact]) -> bool:
    table = {name: {"value": fact.value, "fmt": fact.fmt} for name, fact in facts.items()}
    return write_atomic(Path(figures_dir) / FACTS, _dump({"key": key, "facts": table}))
