"""What the MkDocs hook does to a page's HTML once Markdown has made it: nothing fetched from
another host, names and focus the theme leaves out, notebook formulas marked for KaTeX, tables in
their scroll containers, the playground's data inline."""

from __future__ import annotations

import re

SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)
REMOTE = re.compile(r"""(?:src\s*=\s*["']?\s*(?:https?:)?//|import\s*\(\s*["'](?:https?:)?//|["']https?://[^"']*\.m?js)""", re.I)


def accessible(page: str) -> str:
    """Attributes the theme and nbconvert leave out: a name for the search dialog, and keyboard
    focus for notebook code cells that scroll sideways."""
    page = page.replace('data-md-component="search" role="dialog">',
                        'data-md-component="search" role="dialog" aria-label="Search this site">')
    return page.replace('<div class="highlight-ipynb', '<div tabindex="0" class="highlight-ipynb')


# nbconvert writes a notebook's Markdown cell as one div and leaves its formulas as $…$ and $$…$$
NOTEBOOK_MARKDOWN = re.compile(r'(<div class="[^"]*\bjp-MarkdownOutput\b[^"]*"[^>]*>)(.*?)(</div>)', re.S)
DOLLARS = re.compile(r"\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?P<inline>[^$\n]+?)\$", re.S)


def notebook_math(page: str) -> str:
    """A notebook's formulas marked the way arithmatex marks a chapter's, so they are typeset the
    same way at build time (nbconvert leaves them for a MathJax the site does not load). Only the
    Markdown cells are touched: a dollar sign in code or in an output stays as it is."""

    def mark(match: re.Match) -> str:
        if match.group("display") is not None:
            return f'<div class="arithmatex">\\[{match.group("display")}\\]</div>'
        return f'<span class="arithmatex">\\({match.group("inline")}\\)</span>'

    return NOTEBOOK_MARKDOWN.sub(lambda m: m.group(1) + DOLLARS.sub(mark, m.group(2)) + m.group(3), page)


TABLE = re.compile(r"<table>(.*?)</table>", re.S)


def wrap_tables(html: str) -> str:
    """Each plain Markdown table in the scroll container Material's script would put it in, so
    the page is laid out the same before that script starts as after (it wraps them again; the
    stylesheet flattens the inner copy with ``display: contents``)."""
    return TABLE.sub(r'<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table>\1</table></div></div>', html)


DEAD_MATHJAX = re.compile(
    r'<!-- (?:Load mathjax|MathJax configuration|End of mathjax configuration) -->'
    r'|<script type="text/x-mathjax-config">.*?</script>', re.S)


def strip_remote_scripts(page: str) -> str:
    """The page without any <script> that could fetch code from another host, even one that only
    would if the page held something it does not (nbconvert's diagram and MathJax loaders), nor
    the configuration nbconvert leaves for a MathJax the site no longer loads."""
    page = DEAD_MATHJAX.sub("", page)
    return SCRIPT.sub(lambda m: "" if REMOTE.search(m.group(0)) else m.group(0), page)


def playground_html(html: str, data: str, root: str) -> str:
    """The playground page with its data inline (every ``<`` written ``\\u003c``, the same string
    to JSON, so no ``</script>`` or ``<!--`` in it can end or confuse its <script>) and its own
    stylesheet and script, which no other page loads."""
    safe = data.replace("<", "\\u003c")
    return (
        f'<link rel="stylesheet" href="{root}/stylesheets/playground.css">\n{html}\n'
        f'<script type="application/json" id="gd-playground-data">{safe}</script>\n'
        f'<script src="{root}/javascripts/playground.js" defer></script>'
    )
