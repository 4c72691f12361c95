"""The notebook pages' inline stylesheet, cut down to what the page uses.

nbconvert inlines JupyterLab's whole theme (about 570 KB: widgets, menus, dialogs, every
colour variable) into every notebook page; a page uses a few dozen of its classes. A rule whose
every selector names a class the page never mentions can match nothing, so it is dropped; rules
without classes, at-rules other than @media and @supports, and everything the page's classes
need are kept as written. Then a custom property (``--name: …``) that nothing left refers to with
``var(--name)`` is dropped too. No parser: a scanner that follows braces, strings and comments.
"""

from __future__ import annotations

import re

CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
CLASS_NAME = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
NESTED = ("@media", "@supports")
# One custom-property declaration, its value allowed to hold strings, url(…) and brackets.
VARIABLE = re.compile(r"""(?<=[{;])\s*(--[\w-]+)\s*:(?:"[^"]*"|'[^']*'|\([^)]*\)|[^;{}"'(])*;?""")
USE = re.compile(r"var\(\s*(--[\w-]+)")


def page_classes(html: str) -> set[str]:
    """Every class name the page's markup uses."""
    return {name for match in CLASS_ATTRIBUTE.finditer(html) for name in match.group(1).split()}


def _skip(css: str, i: int) -> int:
    """The index after a string or comment starting at ``i`` (``i`` itself if there is none)."""
    if css.startswith("/*", i):
        end = css.find("*/", i + 2)
        return len(css) if end < 0 else end + 2
    if css[i] in "\"'":
        quote, j = css[i], i + 1
        while j < len(css) and css[j] != quote:
            j += 2 if css[j] == "\\" else 1
        return j + 1
    return i


def _block_end(css: str, i: int) -> int:
    """The index after the ``}`` closing the block whose ``{`` is at ``i``."""
    depth = 0
    while i < len(css):
        j = _skip(css, i)
        if j != i:
            i = j
            continue
        depth += {"{": 1, "}": -1}.get(css[i], 0)
        i += 1
        if depth == 0:
            return i
    return len(css)


ARGUMENTS = re.compile(r"\([^()]*\)")


def _required(selector: str) -> set[str]:
    """The classes an element must have for ``selector`` to match. Those inside :not(…), :is(…)
    and other arguments are not required (``:not(.jp-mod-active)`` matches without the class)."""
    while ARGUMENTS.search(selector):
        selector = ARGUMENTS.sub("", selector)
    return set(CLASS_NAME.findall(selector))


def _can_match(selectors: str, classes: set[str]) -> bool:
    """False only if every selector of the list requires a class the page does not have."""
    return any(_required(selector) <= classes for selector in _split(selectors))


def _split(selectors: str) -> list[str]:
    """A selector list cut at its top-level commas (not those inside :is(…) or :not(…))."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(selectors):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(selectors[start:i])
            start = i + 1
    return parts + [selectors[start:]]


def prune(css: str, classes: set[str]) -> str:
    """``css`` without the rules that cannot match an element of a page with these ``classes``."""
    out, i = [], 0
    while i < len(css):
        j = _skip(css, i)
        if j != i or css[i].isspace():
            i = max(j, i + 1)
            continue
        brace, semicolon = css.find("{", i), css.find(";", i)
        if brace < 0 or (css[i] == "@" and 0 <= semicolon < brace):  # @charset …; or trailing text
            end = len(css) if semicolon < 0 else semicolon + 1
            out.append(css[i:end])
            i = end
            continue
        head, end = css[i:brace].strip(), _block_end(css, brace)
        if head.startswith(NESTED):
            inner = prune(css[brace + 1:end - 1], classes)
            if inner:
                out.append(f"{head}{{{inner}}}")
        elif head.startswith("@") or _can_match(head, classes):
            out.append(css[i:end])
        i = end
    return "".join(out)


def drop_unused_variables(sheets: list[str], also_used: str = "") -> list[str]:
    """The style ``sheets`` without the custom properties that no ``var()`` left in any of them
    (or in ``also_used``) reads: removing one can orphan others, so it repeats until nothing changes."""
    while True:
        used = set(USE.findall("".join(sheets) + also_used))
        kept = [VARIABLE.sub(lambda m, used=used: m.group(0) if m.group(1) in used else "", css) for css in sheets]
        if kept == sheets:
            return sheets
        sheets = kept


def slim(html: str, stylesheets: str = "") -> str:
    """A notebook page with its inline stylesheets pruned to the classes the page uses; a variable
    any of them, its markup or the site's ``stylesheets`` (their text) read is kept."""
    classes = page_classes(html)
    pruned = STYLE.sub(lambda m: m.group(1) + prune(m.group(2), classes) + m.group(3), html)
    outside = STYLE.sub("", pruned) + stylesheets  # style attributes and the site's CSS read variables too
    sheets = iter(drop_unused_variables([m.group(2) for m in STYLE.finditer(pruned)], outside))
    return STYLE.sub(lambda m: m.group(1) + next(sheets) + m.group(3), pruned)
