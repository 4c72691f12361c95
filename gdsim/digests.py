"""Digests of gdsim's code: which modules a module reaches through its imports, and one sha256
over a label, the library versions, the style and those modules' sources. The result store keys
its runs with it; ``gdsim.build.keys`` keys assets and facts with it."""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from collections.abc import Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from gdsim.paths import PACKAGE, STYLE

# Bumped by hand when the way files are written changes (e.g. PNG options).
FORMAT_VERSION = "1"
LIBRARIES = ("numpy", "matplotlib", "imageio", "pillow")


def module_path(module: str) -> Path | None:
    """File of a gdsim module given its dotted name, or None for anything outside the package."""
    parts = module.split(".")
    if parts[0] != "gdsim":
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path, module: str) -> set[str]:
    """Dotted names of the gdsim modules imported by one source file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return {name for name in found if module_path(name) is not None}


@lru_cache(maxsize=None)
def dependencies(module: str) -> tuple[str, ...]:
    """``module`` and every gdsim module it reaches through imports, sorted."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        path = module_path(name)
        if name in seen or path is None:
            continue
        seen.add(name)
        todo.extend(_imports(path, name))
    return tuple(sorted(seen))


@lru_cache(maxsize=None)
def _library_versions() -> str:
    versions = {lib: metadata.version(lib) for lib in LIBRARIES}
    versions["python"] = ".".join(map(str, sys.version_info[:2]))
    return json.dumps(versions, sort_keys=True)


@lru_cache(maxsize=None)
def _source_digest(name: str) -> str:
    """sha256 of one module's source, read once per process (a render decides from one snapshot)."""
    path = module_path(name)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None else ""


def _digest(label: str, modules: Iterable[str]) -> str:
    """sha256 of a label, the library versions, the style and the source of ``modules``."""
    digest = hashlib.sha256()
    digest.update(f"{FORMAT_VERSION}|{label}|".encode())
    digest.update(_library_versions().encode())
    digest.update(STYLE.read_bytes())
    for name in sorted(modules):
        digest.update(f"{name}:{_source_digest(name)}|".encode())
    return digest.hexdigest()
