"""The one list of every figure, animation and quoted number, gathered from the chapter modules.

Each chapter declares its assets next to its code (``gdsim/chapters/<stem>.py``: ``ASSETS`` and
``facts()``); this module puts them together in reading order, and refuses two assets or two
facts of one name. The CLI, the renderer, the MkDocs hook's renderer call and the tests all
iterate over ``ASSETS``.
"""

from __future__ import annotations

from gdsim import chapters
from gdsim.assets import ANIMATION, STILL, Asset
from gdsim.build.catalogue import Fact

__all__ = ["ANIMATION", "ASSETS", "BY_NAME", "STILL", "Asset", "facts", "get", "modules"]


def modules() -> tuple[str, ...]:
    """Dotted names of every chapter module, in reading order."""
    return tuple(chapters.module_name(stem) for stem in chapters.STEMS)


def _collect() -> tuple[Asset, ...]:
    assets: list[Asset] = []
    for stem in chapters.STEMS:
        assets.extend(chapters.load(stem).ASSETS)
    names = [a.name for a in assets]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"asset names declared twice: {', '.join(twice)}")
    return tuple(assets)


ASSETS: tuple[Asset, ...] = _collect()
BY_NAME: dict[str, Asset] = {asset.name: asset for asset in ASSETS}


def get(name: str) -> Asset:
    """The asset called ``name``; a KeyError naming the known assets otherwise."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown asset {name!r} (known: {', '.join(BY_NAME)})") from None


def facts() -> dict[str, Fact]:
    """Every number the chapters quote, by name; each chapter's ``facts()`` computed once."""
    table: dict[str, Fact] = {}
    for stem in chapters.STEMS:
        for name, fact in chapters.load(stem).facts().items():
            if name in table:
                raise ValueError(f"fact {name!r} is defined twice (again in chapter {stem!r})")
            table[name] = fact
    return table
