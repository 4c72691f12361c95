"""Command line: ``python -m gdsim list | render | facts``.

Bad input (an unknown or empty asset name, an unknown option, a ``--jobs`` that is not a whole
number from 1 to 64, an empty ``--out``) prints one line on stderr and exits with status 2 before anything is written. A render
that cannot be done (a folder it cannot write, a builder that fails) prints one line and exits 1;
what had rendered before the failure stays recorded, nothing half-written is.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn

USAGE_ERROR = 2
RENDER_ERROR = 1


class Parser(argparse.ArgumentParser):
    """argparse, but errors are one line: ``gdsim: error: …``."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"gdsim: error: {message}\n")


# More worker processes than this only queue for the same cores (and each holds a NumPy and a matplotlib).
MAX_JOBS = 64


def positive_int(text: str) -> int:
    """``--jobs``: a whole number from 1 to ``MAX_JOBS``."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"--jobs must be a whole number from 1 to {MAX_JOBS}, got {text!r}")
    return value


def out_dir(text: str) -> Path:
    """``--out``: a folder named (an empty name would mean the current folder, by accident)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("--out names no folder; give one, e.g. --out figures")
    return Path(text)


def asset_name(text: str) -> str:
    """An asset name as typed: it must not be empty."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an asset name is empty (see 'python -m gdsim list')")
    return text


def _nothing_to_do(out: Path) -> bool:
    """True if the last full render is current: same code, same libraries and BLAS kernel, every file intact."""
    from gdsim.build import catalogue
    from gdsim.build.keys import tree_stamp

    return catalogue.complete(out, tree_stamp())


def make_parser() -> Parser:
    from gdsim.paths import FIGURES

    parser = Parser(prog="python -m gdsim", description="Build the figures and numbers of the gdsim site.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    commands.add_parser("list", help="list every asset: name, kind, output files")
    render = commands.add_parser("render", help="render stale assets (all, or the ones named)")
    render.add_argument("names", nargs="*", type=asset_name, metavar="NAME", help="asset names (default: all)")
    render.add_argument("--force", action="store_true", help="re-render even if up to date")
    render.add_argument("--jobs", type=positive_int, default=None, metavar="N",
                        help="worker processes (default: all cores)")
    render.add_argument("--out", type=out_dir, default=FIGURES, metavar="DIR", help=f"output folder (default: {FIGURES})")
    commands.add_parser("facts", help="print every number the chapters quote, as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    if args.command == "render" and not args.names and not args.force and _nothing_to_do(args.out):
        print("0 asset(s) rendered, all up to date")
        return 0
    from gdsim.build import registry  # imported late: argument errors and no-op renders stay instant

    if args.command == "list":
        for asset in registry.ASSETS:
            print(f"{asset.name:28} {asset.kind:10} {' '.join(asset.files)}")
        return 0
    if args.command == "facts":
        values = {name: fact.value for name, fact in registry.facts().items()}
        print(json.dumps(values, indent=2, sort_keys=True))
        return 0
    unknown = [name for name in args.names if name not in registry.BY_NAME]
    if unknown:
        print(f"gdsim: error: unknown asset(s): {', '.join(unknown)} (see 'python -m gdsim list')", file=sys.stderr)
        return USAGE_ERROR
    from gdsim.build.render import RenderError, render

    try:
        done = render(args.names or None, force=args.force, jobs=args.jobs, out_dir=args.out)
    except RenderError as error:
        print(f"gdsim: error: {error}", file=sys.stderr)
        return RENDER_ERROR
    except Exception as error:  # a builder failed: say which and why in one line
        print(f"gdsim: error: rendering failed: {type(error).__name__}: {error}", file=sys.stderr)
        return RENDER_ERROR
    asked = len(dict.fromkeys(args.names)) if args.names else len(registry.ASSETS)
    print(f"{len(done)} asset(s) rendered, {asked - len(done)} up to date")
    return 0
