"""The two files the renderer writes and the site reads: ``manifest.json`` and ``facts.json``.

One schema for both, written and read only here. Reading never imports the simulation, so the
MkDocs hook can format numbers and describe figures without NumPy work. Each file, and each
manifest entry, is sealed with a digest of its own content: a file or an entry that does not
validate (of another shape, or edited by hand since it was written) reads as missing, so the
renderer redoes what it vouched for, and never crashes on it.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path

from gdsim.digests import digest
from gdsim.facts import Fact

SCHEMA = 3
MANIFEST = "manifest.json"
FACTS = "facts.json"


@dataclass(frozen=True)
class Catalogue:
    """The manifest and the facts that the renderer wrote, as the site sees them."""

    assets: dict[str, Entry]
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


def _canonical(content: dict) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _sealed(content: dict) -> dict:
    """``content`` with the digest of itself, so that any later change to it shows."""
    return {**content, "digest": digest(_canonical(content))}


def _unsealed(content: object) -> tuple[dict, bool]:
    """A sealed JSON object without its seal, and whether the seal matches its content."""
    if not isinstance(content, dict):
        return {}, False
    content = dict(content)
    seal = content.pop("digest", None)
    return content, seal == digest(_canonical(content))


def _read(path: Path) -> tuple[dict, bool]:
    """A JSON object of our schema and whether it is intact (its seal matches): ``({}, False)`` for a
    file that is missing, unreadable or of another shape."""
    try:
        content, sealed = _unsealed(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}, False
    return (content, sealed) if content.get("schema") == SCHEMA else ({}, False)


def _dump(content: dict) -> bytes:
    return (json.dumps(_sealed({"schema": SCHEMA, **content}), indent=1, ensure_ascii=False, sort_keys=True)
            + "\n").encode()


@dataclass(frozen=True)
class FileRecord:
    """What the manifest remembers of one file, to notice later that it changed or broke."""

    size: int
    digest: str

    @classmethod
    def of(cls, content: bytes) -> FileRecord:
        return cls(len(content), digest(content))


@dataclass(frozen=True)
class Entry:
    """What the manifest records of one rendered asset: the key it was drawn under, its files and
    their sizes on the page in both layouts, and what the renderer measured while drawing it."""

    key: str
    chapter: str  # the docs stem whose page shows it
    kind: str  # "still" or "animation"
    files: dict[str, FileRecord]
    width: int  # CSS pixels, column layout
    height: int
    phone_width: int  # CSS pixels, phone layout
    phone_height: int
    frames: int = 0
    min_text_px: float = float("inf")  # the smallest text, in CSS px at its layout's column width
    label_problems: tuple[str, ...] = ()  # empty when no label collides, sits on a curve or is cut off

    def to_json(self) -> dict:
        """As the manifest keeps it: sealed, so that an entry edited by hand reads as stale."""
        content = dataclasses.asdict(self)
        content["label_problems"] = list(self.label_problems)
        return _sealed(content)

    @classmethod
    def from_json(cls, content: object) -> Entry | None:
        """The entry, or None for anything not of its exact shape or whose seal does not match
        (its asset is then stale)."""
        content, sealed = _unsealed(content)
        if not sealed:
            return None
        try:
            fields = {f.name: f for f in dataclasses.fields(cls)}
            if not isinstance(content, dict) or set(content) != set(fields):
                return None
            files = {name: FileRecord(**record) for name, record in content["files"].items()}
            entry = cls(**{**content, "files": files, "label_problems": tuple(content["label_problems"])})
        except (TypeError, AttributeError, ValueError):
            return None
        typed = all(isinstance(r.size, int) and isinstance(r.digest, str) for r in files.values())
        shapes = [(entry.key, str), (entry.chapter, str), (entry.kind, str), (entry.width, int), (entry.height, int),
                  (entry.phone_width, int), (entry.phone_height, int), (entry.frames, int),
                  (entry.min_text_px, (int, float))]
        plain = all(isinstance(value, kind) and not isinstance(value, bool) for value, kind in shapes)
        return entry if typed and plain and all(isinstance(p, str) for p in entry.label_problems) else None


def read_manifest(figures_dir: Path) -> dict[str, Entry]:
    """Asset entries by name; entries of the wrong shape are dropped (their assets are then stale)."""
    assets = _read(Path(figures_dir) / MANIFEST)[0].get("assets", {})
    if not isinstance(assets, dict):
        return {}
    entries = {name: Entry.from_json(content) for name, content in assets.items()}
    return {name: entry for name, entry in entries.items() if entry is not None}


def write_manifest(figures_dir: Path, assets: dict[str, Entry], stamp: str | None = None,
                   facts_key: str | None = None) -> bool:
    """The manifest; a ``stamp`` of the code (and the key its facts are under) only when every asset
    of the registry is in it and current, and the facts too."""
    content = {"assets": {name: entry.to_json() for name, entry in assets.items()}}
    if stamp is not None:
        content |= {"stamp": stamp, "facts_key": facts_key}
    return write_atomic(Path(figures_dir) / MANIFEST, _dump(content))


def intact(entry: Entry, figures_dir: Path) -> bool:
    """True if every file the entry lists is on disk with the size and digest it recorded."""
    for file, record in entry.files.items():
        path = Path(figures_dir) / file
        try:
            if path.stat().st_size != record.size or FileRecord.of(path.read_bytes()) != record:
                return False
        except OSError:
            return False
    return True


def complete(figures_dir: Path, stamp: str) -> bool:
    """True if the last full render was made from code with this ``stamp`` and nothing has broken
    since: the manifest and every file it lists intact, and the facts intact and under the key the
    stamped code gives them (the same bytes of code give the same key: no code is read to decide,
    and no NumPy imported)."""
    content, sealed = _read(Path(figures_dir) / MANIFEST)
    if not sealed or content.get("stamp") != stamp or read_facts(figures_dir)[0] != content.get("facts_key"):
        return False
    assets = read_manifest(figures_dir)
    return bool(assets) and len(assets) == len(content["assets"]) and all(
        intact(entry, figures_dir) for entry in assets.values())


def read_facts(figures_dir: Path) -> tuple[str | None, dict[str, Fact]]:
    """The key the facts were computed under and the facts, or ``(None, {})`` if unusable: missing,
    unreadable, of another shape, or changed since they were written (their seal does not match)."""
    content, sealed = _read(Path(figures_dir) / FACTS)
    raw = content.get("facts")
    if not sealed or not isinstance(raw, dict) or not isinstance(content.get("key"), str):
        return None, {}
    try:
        return content["key"], {name: Fact(item["value"], item["fmt"]) for name, item in raw.items()}
    except (KeyError, TypeError):
        return None, {}


def write_facts(figures_dir: Path, key: str, facts: dict[str, Fact]) -> bool:
    """The facts, sealed, under the key of the code that computed them (atomically)."""
    table = {name: {"value": fact.value, "fmt": fact.fmt} for name, fact in facts.items()}
    return write_atomic(Path(figures_dir) / FACTS, _dump({"key": key, "facts": table}))
