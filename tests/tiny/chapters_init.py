"""The tiny tree's one chapter."""

import importlib

STEMS = ("model-and-data",)


def module_name(stem: str) -> str:
    return f"gdsim.chapters.{stem.replace('-', '_')}"


def load(stem: str):
    return importlib.import_module(module_name(stem))
