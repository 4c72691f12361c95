"""``make bench``: how long rendering takes and how much the assets weigh. A report, not a test.

- cold: every asset rendered from scratch into an empty folder, on all cores (goal: under
  ``COLD_GOAL_S`` on 2 cores) and on one;
- no-op: ``python -m gdsim render`` with nothing stale, against a bare ``python -c "import numpy"``
  (median of 5 each; the goal is at most 3×);
- each still against a plain ``fig.savefig`` of the same Figure to a full-colour PNG (goal ≤ 1.5×);
- each animation's GIF against a plain ``imageio`` write of the same frames, and its smallest text.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gdsim.build import catalogue, registry
from gdsim.build.render import DPI, render
from gdsim.paths import FIGURES, ROOT, STYLE

RUNS = 5
COLD_GOAL_S = 90.0


def _kib(n: int) -> str:
    return f"{n / 1024:7.1f} KiB"


def _median_seconds(command: list[str], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _timed_render(out: Path, jobs: int) -> float:
    start = time.perf_counter()
    render(force=True, out_dir=out, jobs=jobs, stream=io.StringIO())
    return time.perf_counter() - start


def _still_costs(asset: registry.Asset) -> tuple[float, float]:
    """Seconds for our still (draw, quantize, PNG) and for a plain savefig of the same Figure (best of 3)."""
    import matplotlib

    from gdsim.draw.encode import capture, encode_png

    ours, plain = [], []
    with matplotlib.rc_context(fname=str(STYLE)):
        data = asset.compute()
        painter = getattr(__import__(asset.draw_module, fromlist=[asset.draw]), asset.draw)
        for _ in range(3):
            fig = painter(data)
            start = time.perf_counter()
            fig.set_dpi(DPI)
            encode_png(capture(fig))
            ours.append(time.perf_counter() - start)
            fig = painter(data)
            start = time.perf_counter()
            fig.savefig(io.BytesIO(), format="png", dpi=DPI)
            plain.append(time.perf_counter() - start)
    return min(ours), min(plain)


def main() -> None:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        cold_all = _timed_render(out, cores)
        cold_one = _timed_render(out, 1)
        manifest = catalogue.read_manifest(out)
        print(f"assets: {len(registry.ASSETS)}   cores: {cores}")
        print(f"cold render, all cores: {cold_all:6.1f} s (goal < {COLD_GOAL_S:.0f} s on 2 cores)   "
              f"--jobs 1: {cold_one:6.1f} s")

        render(out_dir=FIGURES, stream=io.StringIO())  # the no-op below needs current figures
        noop = _median_seconds([sys.executable, "-m", "gdsim", "render"])
        numpy = _median_seconds([sys.executable, "-c", "import numpy"])
        print(f"no-op render: {noop:.3f} s, import numpy: {numpy:.3f} s, ratio {noop / numpy:.2f}× (goal ≤ 3×)")

        print("\nstills (column layout)          size      smallest text   ours     plain savefig   ratio")
        for asset in registry.ASSETS:
            if asset.kind == registry.STILL:
                ours, plain = _still_costs(asset)
                size = (out / f"{asset.name}.png").stat().st_size
                print(f"  {asset.name:28} {_kib(size)}   {manifest[asset.name].min_text_px:5.1f} px   "
                      f"{ours:6.3f} s  {plain:6.3f} s   {ours / plain:5.2f}")

        from gdsim.draw.encode import encode_plain_gif
        from gdsim.draw.frames import record

        print("\nanimations                      frames   GIF         plain imageio   ratio   poster      phone GIF"
              "   smallest text")
        for asset in registry.ASSETS:
            if asset.kind == registry.ANIMATION:
                import matplotlib

                with matplotlib.rc_context(fname=str(STYLE)):
                    animation, _, _ = record(asset.build(), DPI)
                ours = (out / f"{asset.name}.gif").stat().st_size
                plain = len(encode_plain_gif(animation))
                poster = (out / f"{asset.name}.png").stat().st_size
                phone = (out / f"{asset.name}.phone.gif").stat().st_size
                print(f"  {asset.name:28} {len(animation.frames):5d}  {_kib(ours)}  {_kib(plain)}   {ours / plain:5.2f}"
                      f"  {_kib(poster)}  {_kib(phone)}   {manifest[asset.name].min_text_px:5.1f} px")
        total = sum(p.stat().st_size for p in out.iterdir() if p.suffix in {".png", ".gif"})
        print(f"\nall assets together: {_kib(total)}")


if __name__ == "__main__":
    main()
