"""Cache keys of the build: one per asset, one for the facts, one for the companion notebooks, and
a stamp of the package's files that lets a render with nothing to do stop before reading any code.

Every key comes from ``digests.key``: the meaning of exactly the code the work reaches.
"""

from __future__ import annotations

import json

from gdsim import chapters
from gdsim.assets import Asset
from gdsim.digests import every_module, key, sources
from gdsim.paths import PACKAGE, STYLE

# What turns any asset's data into its files, beside its own data and drawing functions.
RENDERING = (("gdsim.build.render", "build"), ("gdsim.assets", "Asset"))


def asset_key(asset: Asset) -> str:
    """A hex digest that changes whenever anything that shapes the asset's bytes changes: the code
    its data and drawing functions reach, the renderer's, the style, its parameters, the libraries."""
    data = (asset.data.__module__, asset.data.__qualname__)
    label = f"asset|{asset.name}|{asset.kind}|{data[0]}.{data[1]}|{asset.draw_module}.{asset.draw}|" \
            + json.dumps(asset.params, sort_keys=True, default=repr)
    return key(label, [data, (asset.draw_module, asset.draw), *RENDERING], files=[STYLE])


def facts_key() -> str:
    """A hex digest of everything the quoted numbers depend on: each chapter's ``facts()`` and what
    it reaches, and the list of chapters."""
    roots = [(chapters.module_name(stem), "facts") for stem in chapters.STEMS]
    return key(f"facts|{'|'.join(chapters.STEMS)}", [*roots, ("gdsim.build.registry", "facts")])


def notebooks_key() -> str:
    """A hex digest of what a companion notebook's outputs can depend on: every module of the
    package (a notebook may call any of them) and the style."""
    return key("notebooks", modules=every_module(), files=[STYLE])


def tree_stamp() -> str:
    """A digest of every file of the package as it is, byte for byte, with the library versions:
    equal stamps mean equal keys for every asset and fact (the converse does not hold: a comment
    changes the stamp and no key)."""
    return sources([*PACKAGE.rglob("*.py"), STYLE])
