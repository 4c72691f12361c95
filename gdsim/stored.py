"""Results of the longest runs kept on disk, so that each is computed once, not in every process.

A render computes the facts in one worker and draws the figures in others, tests and notebooks
run in processes of their own; a run they all need (seconds of CPU each for the practice
chapters) would be repeated in every one. ``stored`` memoizes a function of hashable arguments
in memory and in ``<root>/.cache/results`` (or the folder ``GDSIM_RESULTS`` names: a render
points its workers, which import a snapshot of the package, at the checkout's own store), under
a key (``digests.key``) that covers the function's name and arguments, the meaning of the code it
reaches and the library versions: any edit that can change the result changes the key, and a
comment or a docstring does not. Files are written atomically; one that cannot be read or written is simply recomputed.
"""

from __future__ import annotations

import functools
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from gdsim import digests
from gdsim.paths import ROOT

RESULTS = Path(os.environ.get("GDSIM_RESULTS") or ROOT / ".cache" / "results")
T = TypeVar("T")


def key(function: Callable, args: tuple) -> str:
    """The file name of one call's result: the function, its arguments and the code it reaches."""
    where = (function.__module__, function.__qualname__)
    return digests.key(f"stored|{where[0]}.{where[1]}|{args!r}", [where])


def _write(path: os.PathLike, value: object) -> None:
    try:
        RESULTS.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=RESULTS, prefix=".", suffix=".tmp", delete=False) as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # not writable, or not picklable: the next process computes it again


def stored(function: Callable[..., T]) -> Callable[..., T]:
    """``function`` memoized in this process and on disk (arguments hashable, with a faithful repr)."""
    memory: dict[tuple, T] = {}

    @functools.wraps(function)
    def wrapper(*args: object, **kwargs: object) -> T:
        call = (args, tuple(sorted(kwargs.items())))
        if call not in memory:
            path = RESULTS / f"{key(function, call)}.pickle"
            try:
                memory[call] = pickle.loads(path.read_bytes())
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
                memory[call] = function(*args, **kwargs)
                _write(path, memory[call])
        return memory[call]

    wrapper.cache_clear = memory.clear  # like functools.lru_cache's, for tests
    return wrapper
