"""Cache keys of the build: one per asset, one for the facts, and a stamp of the whole package.

Each key is ``digests.digest`` of a label and the code it depends on (``digests.dependencies``).
"""

from __future__ import annotations

import hashlib
import json

from gdsim import chapters
from gdsim.assets import Asset
from gdsim.digests import FORMAT_VERSION, _digest, _library_versions, dependencies
from gdsim.paths import PACKAGE, STYLE

# Modules that touch every asset's bytes although builders do not import them.
ALWAYS = ("gdsim.build.render", "gdsim.draw.encode", "gdsim.assets", "gdsim.draw.frames")


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
    modules = set(dependencies("gdsim.build.registry"))
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
