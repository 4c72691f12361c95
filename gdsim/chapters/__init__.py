"""One module per chapter: ``docs/<stem>.md`` ↔ ``gdsim/chapters/<stem>.py`` (hyphens become
underscores) ↔ ``gdsim/draw/<stem>.py`` ↔ ``tests/test_<stem>.py``.

A chapter module holds the chapter's constants, its cached runs, the result objects its figures
draw, a ``facts()`` whose names are literal strings, and ``ASSETS``, the figures it shows.
``STEMS`` lists the chapters that have a module, in reading order.
"""

from __future__ import annotations

import importlib
from types import ModuleType

STEMS = (
    "model-and-data",
    "random-guess",
    "loss-surface",
    "one-parameter",
    "gradients",
    "learning-rate",
    "feature-scaling",
    "batches",
    "how-big",
    "loss-curves",
    "lr-search",
    "range-test",
    "schedules",
    "edge-of-stability",
)


def module_name(stem: str) -> str:
    """``learning-rate`` → ``gdsim.chapters.learning_rate``."""
    return f"gdsim.chapters.{stem.replace('-', '_')}"


def load(stem: str) -> ModuleType:
    """The chapter module of one docs stem."""
    return importlib.import_module(module_name(stem))
