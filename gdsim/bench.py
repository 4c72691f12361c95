"""``make bench``: how long rendering takes and how much the assets weigh. A report, not a test.

Cold = every asset rendered from scratch into an empty folder; warm = the same call again, with
nothing to do. Each animation's GIF is set against a plain ``imageio`` write of the same frames.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from pathlib import Path

from gdsim import registry
from gdsim.animation import encode_plain_gif
from gdsim.render import render


def _kib(n: int) -> str:
    return f"{n / 1024:8.1f} KiB"


def main() -> None:
    jobs = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        quiet = io.StringIO()
        start = time.perf_counter()
        render(out_dir=out, jobs=jobs, stream=quiet)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        render(out_dir=out, jobs=jobs, stream=quiet)
        warm = time.perf_counter() - start
        print(f"assets: {len(registry.ASSETS)}   cores used: {jobs}")
        print(f"cold render: {cold:6.2f} s   warm (no change): {warm:6.3f} s")
        print("\nstills")
        for asset in registry.ASSETS:
            if asset.kind == registry.STILL:
                print(f"  {asset.name:34} {_kib((out / f'{asset.name}.png').stat().st_size)}")
        animations = [a for a in registry.ASSETS if a.kind == registry.ANIMATION]
        if animations:
            print("\nanimations                          frames   ours (GIF)     plain imageio   ratio   poster")
            for asset in animations:
                result = asset.build()
                ours = (out / f"{asset.name}.gif").stat().st_size
                plain = len(encode_plain_gif(result))
                poster = (out / f"{asset.name}.png").stat().st_size
                print(f"  {asset.name:34} {len(result.frames):5d} {_kib(ours)} {_kib(plain)}   {ours / plain:5.2f} {_kib(poster)}")
        total = sum(p.stat().st_size for p in out.iterdir() if p.suffix in {".png", ".gif"})
        print(f"\nall assets together: {_kib(total)}")


if __name__ == "__main__":
    main()
