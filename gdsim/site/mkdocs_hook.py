"""MkDocs hook: render stale figures, publish them and KaTeX's styles, expand chapter tags, and
typeset every formula at build time.

Rendering runs ``python -m gdsim render`` in a fresh process, so ``mkdocs serve`` always draws
with the current code after an edit under ``gdsim/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from gdsim.build.catalogue import Catalogue
from gdsim.build.keys import notebooks_key
from gdsim.paths import FIGURES, PACKAGE, ROOT
from gdsim.site.formulas import FormulaError, KaTeX, font_preloads, katex_files, render_formulas
from gdsim.site.notebook_css import slim
from gdsim.site.pages import accessible, notebook_math, playground_html, strip_remote_scripts, wrap_tables
from gdsim.site.tags import Page, TagExtension, check_notebook

_catalogue: Catalogue | None = None
_tags = TagExtension()  # the chapters' tags, part of every page's Markdown; told which page it reads
_playground: str | None = None  # the playground's data as JSON, exported by gdsim at every build
PLAYGROUND_PAGE = "playground.md"
_katex = KaTeX()
# The executed notebooks, kept between builds (a build asked to reuse nothing gets a folder of its own).
NOTEBOOK_CACHE = ROOT / ".cache" / ("fresh/mkdocs-jupyter" if os.environ.get("GDSIM_FRESH") == "1" else "mkdocs-jupyter")


def on_config(config):
    """Teach the pages' Markdown the chapters' tags, and key the executed-notebook cache by the
    package's code as well as the notebook's text.

    mkdocs-jupyter re-runs a notebook only when the notebook changes; its outputs also depend on
    gdsim, so each version of the code gets its own cache folder and older ones are dropped.
    """
    config.markdown_extensions.append(_tags)
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None:
        return config
    current = NOTEBOOK_CACHE / notebooks_key()[:16]
    if NOTEBOOK_CACHE.is_dir():
        for old in NOTEBOOK_CACHE.iterdir():
            if old != current:
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    plugin.config["cache_dir"] = str(current)
    return config


def on_pre_build(config):
    """Bring figures up to date; a failing builder fails the build."""
    global _catalogue
    done = subprocess.run([sys.executable, "-m", "gdsim", "render"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        raise PluginError(f"rendering figures failed:\n{done.stdout}")
    _catalogue = Catalogue.load(FIGURES)
    _export_playground()


def _export_playground():
    """The playground's numbers from ``python -m gdsim.site.playground`` (a fresh process: the hook loads no NumPy)."""
    global _playground
    done = subprocess.run([sys.executable, "-m", "gdsim.site.playground"], capture_output=True, text=True, encoding="utf-8")
    if done.returncode != 0:
        raise PluginError(f"exporting the playground's data failed:\n{done.stderr}")
    _playground = done.stdout


def on_files(files, config):
    """Publish every rendered asset under figures/ and KaTeX's stylesheet and fonts under assets/katex/."""
    for entry in _catalogue.assets.values():
        for name in entry.files:
            files.append(File.generated(config, f"figures/{name}", abs_src_path=str(FIGURES / name)))
    for source, site_path in katex_files():
        files.append(File.generated(config, site_path, abs_src_path=str(source)))
    return files


def _where(page, config) -> str:
    """``docs/<file>``, as a contributor finds it."""
    return f"{config['docs_dir'].rstrip('/').rsplit('/', 1)[-1]}/{page.file.src_uri}"


def on_page_markdown(markdown, page, config, files):
    """Tell the tags which page Markdown reads next (a bad tag or a figure without its words then
    fails the build with ``docs/<file>:<line>``); a notebook's Markdown cells may hold no tag."""
    where = _where(page, config)
    if page.file.src_uri.endswith(".ipynb"):
        check_notebook(Path(page.file.abs_src_path), where)
    _tags.page = Page(where, _catalogue, figures_url=get_relative_url("figures", page.file.url).rstrip("/"),
                      figures_src=get_relative_url("figures", page.file.src_uri).rstrip("/"),
                      line_offset=_lines_above(page, markdown))
    return markdown


def _lines_above(page, markdown: str) -> int:
    """Lines of the source file above the Markdown MkDocs hands over (its YAML front matter)."""
    try:
        source = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    except (OSError, TypeError):
        return 0
    at = source.find(markdown[:200]) if markdown else -1
    return source.count("\n", 0, at) if at > 0 else 0


def on_page_content(html, page, config, files):
    """Typeset the page's formulas now, a notebook's too (readers get
    HTML and MathML, no script), and put its tables in their scroll containers."""
    try:
        html = wrap_tables(render_formulas(notebook_math(html), _katex))
    except FormulaError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from None
    if page.file.src_uri == PLAYGROUND_PAGE:
        html = playground_html(html, _playground, get_relative_url(".", page.file.url).rstrip("/"))
    return html


def on_post_build(config):
    _katex.close()


def _site_stylesheets(config) -> str:
    """The text of every stylesheet the theme and the site load (what may read a notebook's variables)."""
    import material

    theme = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    sheets = list(theme.glob("*.css")) + list((Path(config["docs_dir"]) / "stylesheets").glob("*.css"))
    return "".join(sheet.read_text(encoding="utf-8") for sheet in sheets)


def on_post_page(output, page, config):
    """No page ships a loader for code on another host, not even a dormant one; a notebook page
    keeps only the part of nbconvert's 570 KB inline theme its markup can use."""
    root = get_relative_url(".", page.file.url).rstrip("/")
    if page.file.src_uri.endswith(".ipynb"):
        output = slim(output, _site_stylesheets(config))
    return font_preloads(accessible(strip_remote_scripts(output)), f"{root}/" if root != "." else "")


def on_serve(server, config, builder):
    """Rebuild (and re-render what changed) when the package's code or style changes."""
    server.watch(str(PACKAGE))
    return server
