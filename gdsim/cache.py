"""Cache keys: a hash of everything that can change an asset's bytes.

The key covers the source of the builder's module and of every gdsim module it imports (found
by reading import statements, transitively), the matplotlib style, the asset's parameters and the
versions of the libraries that draw and encode. Editing one drawing module re-renders only the
assets built there; editing the simulation re-renders everything that depends on it.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from collections.abc import Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from gdsim import chapters
from gdsim.assets import Asset
from gdsim.paths import PACKAGE, STYLE

# Bumped by hand when the way files are written changes (e.g. PNG options).
FORMAT_VERSION = "1"
# Modules that touch every asset's bytes although builders do not import them.
ALWAYS = ("gdsim.render", "gdsim.animation", "gdsim.assets", "gdsim.draw.frames")
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


def asset_key(asset: Asset) -> str:
    """A hex digest that changes whenever anything that shapes the asset's bytes changes."""
    modules = set(ALWAYS)
    for module in (asset.data.__module__, asset.draw_module):
        modules.update(dependencies(module))
    label = (
        f"{asset.name}|{asset.kind}|{asset.draw_module}.{asset.draw}|"
        f"{asset.data.__module__}.{asset.data.__qualname__}|"
        + json.dumps(asset.params, sort_keys=True, default=repr)
    )
    return _digest(label, modules)


def facts_key() -> str:
    """A hex digest of everything the quoted numbers depend on: every chapter module and its imports."""
    modules = set(dependencies("gdsim.registry"))
    for stem in chapters.STEMS:
        modules.update(dependencies(chapters.module_name(stem)))
    return _digest("facts", modules)


def package_digest() -> str:
    """A hex digest of every gdsim source file and the style: what a notebook's outputs depend on."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")) + [STYLE]:
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def tree_stamp() -> str:
    """A digest of everything any asset or fact can depend on: all of gdsim's code, the style,
    the format version and the library versions. Equal stamps mean equal keys for every asset."""
    return hashlib.sha256(f"{FORMAT_VERSION}|{_library_versions()}|{package_digest()}".encode()).hexdigest()
