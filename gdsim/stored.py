"""Results of the longest runs kept on disk, so that each is computed once, not in every process.

A render computes the facts in one worker and draws the figures in others, tests and notebooks
run in processes of their own; a run they all need (seconds of CPU each for the practice
chapters) would be repeated in every one. ``stored`` memoizes a function of hashable arguments
in memory and in ``<root>/.cache/results`` (or the folder ``GDSIM_RESULTS`` names: a render
points its workers, which import a snapshot of the package, at the checkout's own store), under
a key (``digests.key``) that covers the function's name and arguments, the meaning of the code it
reaches and the library versions: any edit that can change the result changes the key, and a
comment or a docstring does not.

Every file carries the digest of its content, written with it and checked before it is read:
a file that is damaged in any way (a flipped bit, a truncation, a pickle that will not load) is
never used. Its run is computed again and the file replaced, and one line on stderr names it.
Files are written through a temporary file and a rename; a write that fails leaves nothing behind.
"""

from __future__ import annotations

import functools
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from gdsim import digests
from gdsim.paths import ROOT

RESULTS = Path(os.environ.get("GDSIM_RESULTS") or ROOT / ".cache" / "results")
T = TypeVar("T")


class Damaged(ValueError):
    """A stored file whose content does not match the digest written with it, or will not load."""


def key(function: Callable, args: tuple) -> str:
    """The file name of one call's result: the function, its arguments and the code it reaches."""
    where = (function.__module__, function.__qualname__)
    return digests.key(f"stored|{where[0]}.{where[1]}|{args!r}", [where])


def pack(value: object) -> bytes:
    """The bytes of a stored file: the digest of the pickled value on a line of its own, then the pickle."""
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return digests.digest(body).encode() + b"\n" + body


def unpack(data: bytes) -> object:
    """The value a stored file holds; ``Damaged`` unless its content matches its digest and loads."""
    head, _, body = data.partition(b"\n")
    if head != digests.digest(body).encode():
        raise Damaged("its content does not match the digest written with it")
    try:
        return pickle.loads(body)
    except Exception as error:  # a pickle of classes since renamed, say: any failure means unusable
        raise Damaged(f"it does not load ({type(error).__name__}: {error})") from None


def _write(path: Path, value: object) -> None:
    """Store ``value`` at ``path`` atomically; if it cannot be written, leave nothing behind."""
    try:
        data = pack(value)
    except (pickle.PicklingError, TypeError, AttributeError):
        return  # not picklable: the next process computes it again
    temporary = None
    try:
        RESULTS.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=RESULTS, prefix=".", suffix=".tmp", delete=False) as handle:
            temporary = Path(handle.name)
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        pass  # not writable (a full disk, a read-only folder): the next process computes it again
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def _load(path: Path) -> object:
    """The value stored at ``path``; FileNotFoundError if there is none, ``Damaged`` if unusable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as error:
        raise Damaged(f"it cannot be read ({error.strerror})") from None
    return unpack(data)


def _compute(function: Callable[..., T], args: tuple, kwargs: dict) -> T:
    """A run on one BLAS thread, whoever calls it: a threaded matrix product may sum in another
    order, and a chaotic run (the edge of stability) then ends elsewhere. One result per key."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return function(*args, **kwargs)


def stored(function: Callable[..., T]) -> Callable[..., T]:
    """``function`` memoized in this process and on disk (arguments hashable, with a faithful repr)."""
    memory: dict[tuple, T] = {}

    @functools.wraps(function)
    def wrapper(*args: object, **kwargs: object) -> T:
        call = (args, tuple(sorted(kwargs.items())))
        if call not in memory:
            path = RESULTS / f"{key(function, call)}.pickle"
            try:
                memory[call] = _load(path)
            except FileNotFoundError:
                memory[call] = _compute(function, args, kwargs)
                _write(path, memory[call])
            except Damaged as why:
                print(f"gdsim: result store: {path} is damaged ({why}); computing it again", file=sys.stderr)
                memory[call] = _compute(function, args, kwargs)
                _write(path, memory[call])
        return memory[call]

    wrapper.cache_clear = memory.clear  # like functools.lru_cache's, for tests
    return wrapper
