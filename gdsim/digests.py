"""Every cache key in gdsim, made one way: a digest of what the code means, not of how it is written.

A key hashes a label, the versions of the libraries that compute, draw and encode (scikit-learn's
among them: its wheel supplies the digits), any data files named, and the code of exactly the
definitions a piece of work reaches: the functions it calls, the classes it builds and the
constants it reads, in its own module and in every gdsim module it imports, found by reading the
source (nothing is run). The code is hashed as parsed, with comments, docstrings and layout
dropped, so editing those changes no key; changing a constant changes the keys of just the work
that reads it. Imports made for type checkers only do not count.

``digest`` is the one hash every cache uses; ``key`` builds a key from the parts above.
"""

from __future__ import annotations

import ast
import hashlib
import os
import platform
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from gdsim.paths import PACKAGE

# Bumped by hand when the way files are written changes (e.g. PNG options).
FORMAT_VERSION = "2"
LIBRARIES = ("numpy", "matplotlib", "imageio", "pillow", "scikit-learn")
WHOLE = "*"  # a module used as a value (passed around, read with getattr): all of it counts
Definition = tuple[str, str]  # (module, top-level name)
# Code a key does not follow: the result store memoizes what it decorates and changes no value,
# so its own code (and this module's, which it calls) is no input of the runs it keeps.
NOT_INPUTS = frozenset({("gdsim.stored", "stored")})


def digest(*parts: str | bytes) -> str:
    """sha256 over ``parts``, each length-prefixed so that no two lists of parts hash alike."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hasher.update(f"{len(data)}:".encode())
        hasher.update(data)
    return hasher.hexdigest()


@lru_cache(maxsize=None)
def library_versions() -> str:
    """The Python version, each library's and the BLAS kernel's, as one line."""
    versions = [f"python {sys.version_info[0]}.{sys.version_info[1]}"]
    return "; ".join(versions + [f"{lib} {metadata.version(lib)}" for lib in LIBRARIES] + [blas()])


# What picks the CPU kernels NumPy and its BLAS run: set, they choose other kernels (whose products
# differ in their last bits); unset, the CPU decides.
KERNEL_SETTINGS = ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES", "NPY_ENABLE_CPU_FEATURES")


@lru_cache(maxsize=1)
def blas() -> str:
    """The CPU and the settings that choose NumPy's and its BLAS's kernels (a matrix product's last
    bits depend on them), read without loading NumPy, so that a no-change render stays instant."""
    cpu = platform.machine()
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").split("\n\n")[0]
        cpu += " " + digest(*sorted(line for line in info.splitlines()
                                    if line.split(":")[0].strip() in ("vendor_id", "model name", "flags")))[:16]
    except OSError:
        cpu += " " + platform.processor()
    settings = [f"{name}={os.environ[name]}" for name in KERNEL_SETTINGS if name in os.environ]
    return f"cpu {cpu}" + "".join(f"; {setting}" for setting in settings)


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


def every_module() -> tuple[str, ...]:
    """Dotted names of every module of the package, sorted."""
    names = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return tuple(sorted(names))


# ---------------------------------------------------------------- reading one module


def _type_checking(node: ast.AST) -> bool:
    """``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``): imports for type checkers, never run."""
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _bound_imports(node: ast.Import | ast.ImportFrom, package: str) -> dict[str, tuple[str, str | None]]:
    """What an import statement binds, as name → (gdsim module, attribute or None for the module)."""
    bound: dict[str, tuple[str, str | None]] = {}
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                bound[alias.asname] = (alias.name, None)
            else:  # ``import gdsim.x`` binds ``gdsim``; attribute chains are followed from there
                bound[alias.name.split(".")[0]] = (alias.name.split(".")[0], None)
        return {name: target for name, target in bound.items() if module_path(target[0])}
    source = node.module or ""
    if node.level:
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        source = ".".join(base + ([node.module] if node.module else []))
    for alias in node.names:
        submodule = f"{source}.{alias.name}"
        target = (submodule, None) if module_path(submodule) else (source, alias.name)
        bound[alias.asname or alias.name] = target
    return {name: target for name, target in bound.items() if module_path(target[0])}


class _Normalize(ast.NodeTransformer):
    """Drops docstrings (comments and layout are gone once parsed)."""

    def _strip(self, node: ast.AST) -> ast.AST:
        self.generic_visit(node)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Module = _strip


def meaning(node: ast.AST) -> str:
    """A statement as parsed, without docstrings, comments or positions: what it does."""
    return ast.dump(_Normalize().visit(ast.parse(ast.unparse(node))), include_attributes=False)


@dataclass(frozen=True)
class Module:
    """One module read for keys: its top-level definitions, what its imports bind, the rest."""

    name: str
    definitions: dict[str, list[ast.stmt]]  # top-level name → the statements that bind it
    imports: dict[str, tuple[str, str | None]]  # name → (gdsim module, attribute or None)
    imported: tuple[str, ...]  # every gdsim module it imports at run time, at the top or inside a function
    other: tuple[ast.stmt, ...]  # statements that run on import but bind no name


def _targets(node: ast.stmt) -> list[str]:
    """Top-level names a statement binds: an assignment's targets, a loop's, a with's, a try's."""
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]


def _is_main_guard(node: ast.stmt) -> bool:
    """``if __name__ == "__main__":``: runs for ``python -m`` only, never for an import."""
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) \
        and test.left.id == "__name__"


def _package(module: str) -> str:
    """The package a module's relative imports start from."""
    path = module_path(module)
    return module if path is not None and path.name == "__init__.py" else module.rpartition(".")[0]


@lru_cache(maxsize=None)
def read(module: str) -> Module:
    """The module's definitions, imports and other statements, read once per process."""
    definitions: dict[str, list[ast.stmt]] = {}
    imports: dict[str, tuple[str, str | None]] = {}
    other: list[ast.stmt] = []
    path = module_path(module)
    if path is None:
        return Module(module, definitions, imports, (), ())
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(sub) for node in tree.body if _type_checking(node) for sub in ast.walk(node)}
    for node in tree.body[1:] if ast.get_docstring(tree) is not None else tree.body:
        for stmt in node.orelse if _type_checking(node) else [node]:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                imports.update(_bound_imports(stmt, _package(module)))
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                definitions.setdefault(stmt.name, []).append(stmt)
            elif names := _targets(stmt):
                for name in names:
                    definitions.setdefault(name, []).append(stmt)
            elif not _is_main_guard(stmt):
                other.append(stmt)
    imported = {target for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                and id(node) not in typing_only for target, _ in _bound_imports(node, _package(module)).values()}
    imported.discard(module)
    return Module(module, definitions, imports, tuple(sorted(imported)), tuple(other))


@lru_cache(maxsize=None)
def dependencies(module: str) -> tuple[str, ...]:
    """``module`` and every gdsim module it reaches through imports that run, sorted."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen or module_path(name) is None:
            continue
        seen.add(name)
        todo.extend(read(name).imported)
    return tuple(sorted(seen))


# ---------------------------------------------------------------- what a definition reaches


def _annotations(node: ast.AST) -> set[int]:
    """ids of the nodes inside annotations: types are never evaluated here (``from __future__
    import annotations``), so what they name is no dependency."""
    found: set[int] = set()
    for sub in ast.walk(node):
        parts = []
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
            parts = [a.annotation for a in (*sub.args.args, *sub.args.posonlyargs, *sub.args.kwonlyargs,
                                             sub.args.vararg, sub.args.kwarg) if a is not None] + [sub.returns]
        elif isinstance(sub, ast.AnnAssign):
            parts = [sub.annotation]
        for part in parts:
            if part is not None:
                found.update(id(n) for n in ast.walk(part))
    return found


def _chain(node: ast.Attribute) -> list[str] | None:
    """``a.b.c`` as ``["a", "b", "c"]``, or None if it does not start at a plain name."""
    names = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    return [node.id, *reversed(names)] if isinstance(node, ast.Name) else None


def _resolve(target: tuple[str, str | None], rest: list[str]) -> Definition:
    """Follow ``module.attr.more`` down submodules to the definition it names."""
    module, attr = target
    names = ([attr] if attr else []) + rest
    while names and module_path(f"{module}.{names[0]}"):
        module, names = f"{module}.{names[0]}", names[1:]
    return (module, names[0]) if names else (module, WHOLE)


def references(module: str, node: ast.AST) -> set[Definition]:
    """The gdsim definitions one statement names: its own module's, and other modules' through
    its imports (the module's, and any made inside the statement)."""
    here = read(module)
    local: dict[str, tuple[str, str | None]] = {}
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Import, ast.ImportFrom)):
            local.update(_bound_imports(sub, _package(module)))
    skip = _annotations(node)
    found: set[Definition] = set()

    def name(identifier: str, rest: list[str]) -> None:
        if identifier in local:
            found.add(_resolve(local[identifier], rest))
        elif identifier in here.definitions:
            found.add((module, identifier))
        elif identifier in here.imports:
            found.add(_resolve(here.imports[identifier], rest))

    def visit(sub: ast.AST) -> None:
        if id(sub) in skip:
            return
        if isinstance(sub, ast.Attribute) and (chain := _chain(sub)) is not None:
            name(chain[0], chain[1:])
            return
        if isinstance(sub, ast.Name):
            name(sub.id, [])
        for child in ast.iter_child_nodes(sub):
            visit(child)

    visit(node)
    return found


@lru_cache(maxsize=None)
def _defined(module: str, name: str) -> tuple[tuple[str, ...], frozenset[Definition]]:
    """What ``module.name`` means (each statement that binds it) and the definitions they name."""
    found = read(module)
    if name in found.definitions:
        statements = found.definitions[name]
        return tuple(meaning(s) for s in statements), frozenset().union(*(references(module, s) for s in statements))
    if name in found.imports:  # a name this module imports from another (re-exported)
        return (), frozenset({_resolve(found.imports[name], [])})
    return (), frozenset()


@lru_cache(maxsize=None)
def _on_import(module: str) -> tuple[str, ...]:
    """What the module's statements that bind no name mean: they run whenever it is imported."""
    return tuple(meaning(stmt) for stmt in read(module).other)


def reach(roots: Iterable[Definition], modules: Iterable[str] = ()) -> list[tuple[str, str, str]]:
    """``(module, name, meaning)`` of every definition the roots reach, and of every definition of
    the named modules and of what they import, sorted; each module touched adds the statements it
    runs on import that bind no name."""
    todo = [*roots]
    for module in modules:
        todo += [(name, WHOLE) for name in dependencies(module)]
    seen: set[Definition] = set()
    touched: set[str] = set()
    out = []
    while todo:
        module, name = todo.pop()
        if (module, name) in seen or (module, name) in NOT_INPUTS or module_path(module) is None:
            continue
        seen.add((module, name))
        if name == WHOLE:
            todo += [(module, n) for n in read(module).definitions]
            continue
        if module not in touched:
            touched.add(module)
            out += [(module, "", code) for code in _on_import(module)]
        codes, named = _defined(module, name)
        out += [(module, name, code) for code in codes]
        todo.extend(named)
    return sorted(out)


def forget() -> None:
    """Read every module again at the next key (the code was read once per process until now)."""
    for cached in _CACHES:
        cached.cache_clear()


_CACHES = (read, dependencies, _defined, _on_import)


def key(label: str, roots: Iterable[Definition] = (), modules: Iterable[str] = (), files: Iterable[Path] = ()) -> str:
    """The cache key of a piece of work: its label, the library versions, the bytes of ``files``
    and the meaning of the code it reaches from ``roots`` (definitions) and ``modules`` (whole)."""
    parts: list[str | bytes] = [FORMAT_VERSION, label, library_versions()]
    for path in files:
        parts += [Path(path).name, Path(path).read_bytes()]
    for module, name, code in reach(roots, modules):
        parts += [f"{module}:{name}", code]
    return digest(*parts)


def sources(paths: Iterable[Path]) -> str:
    """A digest of files as they are, byte for byte (with the library versions): cheap to compute,
    for deciding without reading any code that nothing at all has changed."""
    parts: list[str | bytes] = [FORMAT_VERSION, library_versions()]
    for path in sorted(paths):
        parts += [path.relative_to(PACKAGE).as_posix(), path.read_bytes()]
    return digest(*parts)
