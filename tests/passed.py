"""Tests that read nothing but the package's code, not run again while that code is unchanged.

A test marked ``code_only`` (the render faults, the key tests: they work on copies of ``gdsim/``)
depends on the package's files, its own test file, the shared test code and the installed
libraries, and on nothing under ``docs/``. When it passes, a record of all of that is kept in
``.cache/passed/``; a later run with identical inputs reports it passed without running it, as
``go test`` caches a passed package. A fresh clone (CI included) has no records, and
``make test FRESH=1`` ignores them.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pytest

from gdsim import digests

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
RECORDS = ROOT / ".cache" / "passed"
SHARED = ("conftest.py", "passed.py")


@lru_cache(maxsize=1)
def _inputs() -> str:
    """A digest of every file of the package, the shared test code and every installed library."""
    files = sorted(p for p in (ROOT / "gdsim").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files += sorted((TESTS / "tiny").glob("*.py")) + [TESTS / name for name in SHARED] + [ROOT / "pyproject.toml"]
    libraries = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    parts: list[str | bytes] = [digests.library_versions(), "\n".join(libraries)]
    for path in files:
        parts += [path.relative_to(ROOT).as_posix(), path.read_bytes()]
    return digests.digest(*parts)


def _test(item_or_id: pytest.Item | str) -> str:
    """A test's id without pytest-xdist's group."""
    nodeid = item_or_id if isinstance(item_or_id, str) else item_or_id.nodeid
    return nodeid.split("@")[0] if nodeid.rfind("@") > nodeid.rfind("]") else nodeid


def key(item_or_id: pytest.Item | str) -> str:
    """What the test's outcome can depend on: its own file, its id, and the inputs above."""
    nodeid = _test(item_or_id)
    return digests.digest(_inputs(), nodeid, (ROOT / nodeid.split("::")[0]).read_bytes())


def _record(item_or_id: pytest.Item | str) -> Path:
    return RECORDS / f"{digests.digest(_test(item_or_id))[:24]}.json"


def fresh() -> bool:
    return os.environ.get("GDSIM_FRESH") == "1"


def unchanged(item: pytest.Item) -> bool:
    """Whether this test passed before with every input identical to now."""
    try:
        return not fresh() and json.loads(_record(item).read_text())["key"] == key(item)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def remember(item: pytest.Item) -> None:
    """Keep the record of a test that passed."""
    RECORDS.mkdir(parents=True, exist_ok=True)
    record = _record(item)
    temporary = record.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"test": _test(item), "key": key(item)}))
    os.replace(temporary, record)


def not_run_again(ran: set[str]) -> int:
    """How many recorded tests are current and did not run in this session (for the summary)."""
    if fresh() or not RECORDS.is_dir():
        return 0
    count = 0
    for record in RECORDS.glob("*.json"):
        try:
            test = json.loads(record.read_text())["test"]
            count += test not in ran and json.loads(record.read_text())["key"] == key(test)
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return count
