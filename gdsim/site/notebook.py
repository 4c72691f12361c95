"""What a companion notebook shows the reader: numbers as ``name = value`` lines, figures with alt text.

A notebook recomputes a chapter's numbers with the public API and prints each one under the
name the chapter quotes it by, in that fact's own format, so the reader (and
``tests/test_notebooks.py``) can compare the line with the page and with ``python -m gdsim facts``.
Only the *format* is read from the rendered catalogue; the value is always the notebook's own.
"""

from __future__ import annotations

import base64
import io
import re
import sys
from functools import lru_cache
from typing import TYPE_CHECKING

from gdsim.build.catalogue import read_facts
from gdsim.facts import Fact
from gdsim.paths import FIGURES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LINE = re.compile(r"^([a-z][a-z0-9_]*) = (\S.*)$")  # a printed fact, as the test reads it back
FALLBACK_FORMAT = ".6g"  # before the first render there is no catalogue to take formats from
PIXELS_PER_INCH = 100  # the site's scale: a 6.9 in figure fills the 690 px column


@lru_cache(maxsize=1)
def formats() -> dict[str, str]:
    """Each fact's default format, from the catalogue the last render wrote (formats, never values)."""
    return {name: fact.fmt for name, fact in read_facts(FIGURES)[1].items()}


def line(name: str, value: float) -> str:
    """``name = value`` in the fact's own format: the text the chapter shows for its fact tag."""
    known = formats()
    if known and name not in known:
        raise ValueError(f"no fact is called {name!r} (see 'python -m gdsim facts')")
    value = value.item() if hasattr(value, "item") else value  # a NumPy scalar: an int stays an int ("d")
    return f"{name} = {Fact(value, known.get(name, FALLBACK_FORMAT)).text()}"


def show(name: str, value: float) -> None:
    """Print one recomputed number for the reader to compare with the chapter."""
    print(line(name, value))


def figure(fig: Figure, alt: str) -> None:
    """Display a Matplotlib figure as a 256-colour PNG at twice the site's scale, with real alt text
    (the inline backend's image has none, and full colour would make the page four times heavier)."""
    from IPython.display import HTML, display
    from PIL import Image

    if not alt.strip():
        raise ValueError("a figure needs alt text that says what it shows")
    drawn, buffer = io.BytesIO(), io.BytesIO()
    dpi = 2 * PIXELS_PER_INCH  # two device pixels per CSS pixel, like the site's figures
    fig.savefig(drawn, format="png", dpi=dpi)
    image = Image.open(drawn).convert("RGB")
    paletted = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    paletted.save(buffer, format="PNG", optimize=True)
    # in CSS px, so the page reserves the image's box before it decodes
    width, height = (round(side * PIXELS_PER_INCH / dpi) for side in image.size)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    alt_text = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    display(HTML(f'<img src="data:image/png;base64,{data}" width="{width}" height="{height}" '
                 f'alt="{alt_text}" style="max-width: 100%; height: auto">'))
    pyplot = sys.modules.get("matplotlib.pyplot")  # loaded by the notebook, if it made the figure there
    if pyplot is not None:
        pyplot.close(fig)  # or the inline backend would show it a second time, without its alt text
