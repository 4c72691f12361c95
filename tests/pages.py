"""Helpers shared by the browser test and the screenshot script: page discovery and inspection."""

from __future__ import annotations

from pathlib import Path

SCROLL_AND_WAIT_FOR_IMAGES = """async () => {
  // Lazy images load only near the viewport: scroll to each one not yet loaded, as a reader
  // would, and wait for it (a walk down the page in fixed steps could pass an image before a busy
  // browser has drawn a frame with it, and that image would never load).
  const loaded = img => new Promise(r => {
    if (img.complete) return r();
    img.addEventListener('load', r, {once: true});
    img.addEventListener('error', r, {once: true});
  });
  for (const img of document.images) {
    if (!img.complete) img.scrollIntoView({block: 'center'});
    await loaded(img);
  }
  window.scrollTo(0, 0);
  return [...document.images].map(img => ({src: img.currentSrc || img.src, ok: img.complete && img.naturalWidth > 0}));
}"""

MATH_STATUS = """() => {
  // Formulas are typeset at build time: each one holds KaTeX's HTML and MathML for screen readers.
  const marked = [...document.querySelectorAll('.arithmatex')];
  const typeset = marked.filter(el => el.querySelector('.katex-html') && el.querySelector('.katex-mathml math'));
  return {marked: marked.length, typeset: typeset.length};
}"""


def page_paths(site: Path) -> list[str]:
    """URL paths of every chapter page in a built site (directory URLs), home first."""
    paths = []
    for index in sorted(site.rglob("index.html")):
        relative = index.parent.relative_to(site).as_posix()
        if relative.split("/")[0] in {"assets", "search", "figures"}:
            continue
        paths.append("/" if relative == "." else f"/{relative}/")
    return sorted(paths, key=lambda p: (p != "/", p))


def source_page_paths(docs: Path) -> list[str]:
    """The URL paths the sources in docs/ become, in ``page_paths``'s order: known before the
    build, so that a browser test can run once per page (and a test checks the two lists agree)."""
    paths = [f"/{p.relative_to(docs).with_suffix('').as_posix()}/" for p in docs.rglob("*")
             if p.suffix in (".md", ".ipynb")]
    return sorted(("/" if path == "/index/" else path for path in paths), key=lambda p: (p != "/", p))


START_THEME = """() => new Promise(done => {
  // Material's bundle starts on the first interaction (overrides/main.html); start it now and
  // wait two frames after it has mounted its components.
  const settle = () => requestAnimationFrame(() => requestAnimationFrame(done));
  if (window.gdThemeStarted) return settle();
  document.addEventListener('gd:theme-started', settle, {once: true});
  window.gdStartTheme();
})"""

TEXT_LAYOUT = """async () => {
  // Where every shown heading, paragraph, list item, formula and figure sits, to a quarter pixel, once
  // every font the laid-out page asks for has arrived (a formula font that lands late widens its
  // formula: that is the font's doing, not the theme's).
  document.body.getBoundingClientRect();
  await document.fonts.ready;
  // What a closed answer (<details>) holds is not drawn: its formulas ask for no font until it is
  // opened, so they are left out, as a layout-shift score leaves out what is not shown.
  const blocks = '.md-content :is(h1, h2, h3, p, li, figure), .arithmatex, .md-header__title';
  return [...document.querySelectorAll(blocks)].filter(el => el.checkVisibility()).map(el => {
    const r = el.getBoundingClientRect();
    return [el.tagName, ...[r.x, r.y, r.width, r.height].map(v => Math.round(v * 4) / 4)];
  });
}"""


def assert_nothing_moved(path: str, before: list, after: list) -> None:
    """Starting Material's script must not move any text, formula or figure (no layout shift)."""
    moved = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and not moved, f"{path}: starting the theme moved {moved[:3]}"
