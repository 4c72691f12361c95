"""Where things live, resolved from the package location (never from the working directory)."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
FIGURES = ROOT / "figures"
DOCS = ROOT / "docs"
STYLE = PACKAGE / "draw" / "gdsim.mplstyle"
