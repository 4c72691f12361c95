"""What an asset is: a figure or animation of one chapter, declared next to that chapter's code.

An asset names the chapter function that computes its data and the drawing function, in the
chapter's drawing module, that turns the data into a picture. Declaring it imports nothing
from matplotlib: the drawing module is imported only when the asset is built.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

STILL = "still"
ANIMATION = "animation"
COLUMN, PHONE = "column", "phone"
LAYOUTS = (COLUMN, PHONE)  # names of draw.style.COLUMN and draw.style.PHONE
CHAPTER_PACKAGE = "gdsim.chapters."
DRAW_PACKAGE = "gdsim.draw."
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def chapter_of(module: str) -> str:
    """The docs stem of a chapter module: ``gdsim.chapters.learning_rate`` → ``learning-rate``."""
    if not module.startswith(CHAPTER_PACKAGE):
        raise ValueError(f"{module!r} is not a chapter module (gdsim.chapters.*)")
    return module.removeprefix(CHAPTER_PACKAGE).replace("_", "-")


@dataclass(frozen=True)
class Asset:
    """A figure or animation: what computes it and what draws it.

    ``data(**params)`` runs in the chapter module; ``draw`` names a function of the chapter's
    drawing module that takes that result and returns a Figure (still) or a Movie (animation).
    The words that go with it, its caption and alt text, live on the chapter's page, under its
    ``{{ figure NAME }}`` tag: editing them changes no asset.
    """

    name: str
    kind: str
    data: Callable[..., Any]
    draw: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if not _NAME.match(self.name):
            raise ValueError(f"asset name {self.name!r} is not kebab-case")
        if self.kind not in (STILL, ANIMATION):
            raise ValueError(f"asset {self.name!r}: kind must be {STILL!r} or {ANIMATION!r}")
        chapter_of(self.data.__module__)

    @property
    def chapter(self) -> str:
        """The docs stem of the chapter this asset belongs to (and must appear in)."""
        return chapter_of(self.data.__module__)

    @property
    def draw_module(self) -> str:
        """Dotted name of the drawing module: ``gdsim.draw.<chapter module>``."""
        return DRAW_PACKAGE + self.data.__module__.removeprefix(CHAPTER_PACKAGE)

    def layout_files(self, layout: str) -> tuple[str, ...]:
        """File names of one layout: a PNG for a still; a GIF and its PNG poster for an animation.
        The column layout is ``NAME.png``, the phone layout ``NAME.phone.png``."""
        stem = self.name if layout == COLUMN else f"{self.name}.{layout}"
        return (f"{stem}.png",) if self.kind == STILL else (f"{stem}.gif", f"{stem}.png")

    @property
    def files(self) -> tuple[str, ...]:
        """Every output file, of every layout."""
        return tuple(file for layout in LAYOUTS for file in self.layout_files(layout))

    def compute(self) -> Any:
        """The data the picture shows, from the chapter module."""
        return self.data(**self.params)

    def draw_result(self, result: Any, layout: Any = None) -> Any:
        """Draw computed data in one layout (a ``draw.style.Layout``; the drawing's default, the
        column, if none is given)."""
        painter = getattr(importlib.import_module(self.draw_module), self.draw)
        return painter(result) if layout is None else painter(result, layout)

    def build(self, layout: Any = None) -> Any:
        """Compute, then draw: a matplotlib Figure (still) or a ``draw.frames.Movie`` (animation)."""
        return self.draw_result(self.compute(), layout)
