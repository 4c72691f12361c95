"""Same inputs, same bytes: assets drawn again from scratch must equal what a render wrote.

The second drawing runs in fresh processes and with an empty result store of its own, so every
training run behind the assets and the facts is computed again, not read back from the first.
A run, a drawing or an encoder that is not deterministic shows as a file or a fact that differs.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from pathlib import Path

from gdsim.build import catalogue, registry
from gdsim.build.render import render


def differences(figures: Path, names: Iterable[str], work: Path) -> list[str]:
    """What differs between ``figures`` and the named assets, and every fact, drawn and computed
    again from scratch under ``work`` (its own result store and figures folder)."""
    names = list(names)
    before = os.environ.get("GDSIM_RESULTS")
    os.environ["GDSIM_RESULTS"] = str(Path(work) / "results")  # the render's workers inherit it
    try:
        render(names, force=True, out_dir=Path(work) / "figures", stream=io.StringIO())
    finally:
        if before is None:
            os.environ.pop("GDSIM_RESULTS", None)
        else:
            os.environ["GDSIM_RESULTS"] = before
    again = Path(work) / "figures"
    found = [f"{file} differs" for name in names for file in registry.get(name).files
             if (again / file).read_bytes() != (Path(figures) / file).read_bytes()]
    first, second = catalogue.read_facts(figures)[1], catalogue.read_facts(again)[1]
    changed = sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))
    return found + ([f"facts differ: {', '.join(changed)}"] if changed else [])
