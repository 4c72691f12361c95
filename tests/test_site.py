"""The MkDocs side: tags expand from the manifest, unknown names fail, the strict build passes."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gdsim import digests
from gdsim.build.catalogue import Catalogue, Entry, FileRecord
from gdsim.facts import Fact
from gdsim.site.formulas import FormulaError, KaTeX, katex_files, render_formulas
from gdsim.site.pages import REMOTE, notebook_math, strip_remote_scripts
from gdsim.site.tags import FIRST_SCREEN_CHARS, TagError, check_notebook, references, render, site_extensions

ROOT = Path(__file__).resolve().parent.parent
ENTRY = Entry("key", "x", "still", {"demo.png": FileRecord(1, "d")}, 800, 400, 358, 500)
CATALOGUE = Catalogue({"demo": ENTRY, "movie": dataclasses.replace(ENTRY, kind="animation")},
                      {"loss": Fact(-2.7421577, ".2f")})
DEMO = "{{ figure demo }}\n    caption: Cap & tion, at {{ fact loss }} *here*.\n    alt: A \"quoted\" <alt> at {{ fact loss }}\n"


def page_html(text: str, where: str = "x.md", line_offset: int = 0) -> str:
    """A page as the site builds it: the site's Markdown extensions from mkdocs.yml, tags included."""
    return render(text, CATALOGUE, where=where, line_offset=line_offset)


def attributes(html: str, tag: str) -> list[dict[str, str]]:
    """The attributes of every ``tag`` element in ``html``, in order."""
    from html.parser import HTMLParser

    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, name, attrs):
            found.extend([dict(attrs)] if name == tag else [])

        handle_startendtag = handle_starttag

    Parser().feed(html)
    return found


def test_the_extensions_are_the_sites():
    """The tags' own conversions (tests, references) use what MkDocs gives the pages."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    names, settings = site_extensions()
    assert list(names) == [e for e in config["markdown_extensions"] if isinstance(e, str)]
    assert {k: v for k, v in settings.items() if v} == {k: v for k, v in config["mdx_configs"].items() if v}


def test_fact_tag_uses_default_or_given_format_and_a_real_minus():
    assert page_html("L = {{ fact loss }}") == "<p>L = −2.74</p>"
    assert page_html("L = {{fact loss .4f}}") == "<p>L = −2.7422</p>"


def test_facts_in_formulas_headings_and_tables_are_filled_in():
    out = page_html("# At {{ fact loss }}\n\n$x = {{ fact loss }}$ and\n\n$$\ny = {{ fact loss .1f }}\n$$\n\n"
                    "| a | b |\n|---|---|\n| {{ fact loss }} | 1 |\n")
    assert "{{" not in out and out.count("−2.74") == 3 and "y = −2.7" in out and "<td>−2.74</td>" in out


def test_a_fact_that_starts_a_line_stays_in_its_paragraph():
    """Expanded before Markdown, "523." at a line's start became a numbered list (loss-curves)."""
    out = page_html("Its mean goes below 0.001 only at step\n{{ fact loss .0f }}. Its median is small.")
    assert out == "<p>Its mean goes below 0.001 only at step\n−3. Its median is small.</p>"


def test_the_first_figure_of_a_page_loads_at_once_and_the_others_lazily():
    first, second = attributes(page_html(f"{DEMO}\ntext\n\n{DEMO}"), "img")
    assert first["loading"] == "eager" and first["fetchpriority"] == "high"
    assert second["loading"] == "lazy" and "fetchpriority" not in second


def test_a_first_figure_below_the_first_screen_waits_like_the_others():
    words = "word " * (FIRST_SCREEN_CHARS // 5 + 1)
    assert attributes(page_html(words + "\n\n" + DEMO), "img")[0]["loading"] == "lazy"
    assert attributes(page_html(words[:-20] + "\n\n" + DEMO), "img")[0]["loading"] == "eager"


def test_figure_tag_gives_a_sized_picture_with_its_pages_words():
    out = page_html(DEMO)
    (img,), (source,) = attributes(out, "img"), attributes(out, "source")
    assert img["src"] == "../figures/demo.png" and (img["width"], img["height"]) == ("800", "400")
    assert source == {"media": "(max-width: 600px)", "srcset": "../figures/demo.phone.png", "width": "358",
                      "height": "500"}
    assert img["alt"] == 'A "quoted" <alt> at −2.74', "alt text: plain, facts filled in"
    assert 'alt="A &quot;quoted&quot; &lt;alt&gt; at −2.74"' in out, "and escaped"
    assert "<figcaption>Cap &amp; tion, at −2.74 <em>here</em>.</figcaption>" in out, "the caption is Markdown"
    assert out.count("<figure") == 1 and "<p><figure" not in out and "<p>" not in out


def test_a_caption_and_alt_text_may_run_over_several_lines():
    text = "{{ figure demo }}\n    caption: One\n        two {{ fact loss }}\n    alt: Three\n        four\n\nAfter."
    out = page_html(text)
    assert "<figcaption>One two −2.74</figcaption>" in out and 'alt="Three four"' in out and "<p>After.</p>" in out
    glued = page_html("{{ figure demo }}\n    caption: One.\n    alt: Two.\nAfter, no blank line.")
    assert "<p>After, no blank line.</p>" in glued


def test_a_figure_keeps_the_block_it_stands_in():
    """In an admonition or a list the figure stays inside, and the text after it stays prose."""
    boxed = "!!! note \"Box\"\n    Before.\n\n    {{ figure demo }}\n        caption: In the box.\n" \
            "        alt: Words.\n\n    After, still in the box.\n\nOutside."
    out = page_html(boxed)
    box = out[out.index('<div class="admonition note">'):out.index("<p>Outside.</p>")]
    assert "<figure" in box and "<p>After, still in the box.</p>" in box and "<pre>" not in out
    listed = page_html("1. First.\n\n    {{ figure demo }}\n        caption: In a list.\n        alt: Words.\n\n2. Second.")
    assert listed.index("<figure") < listed.index("</li>") and "<pre>" not in listed


def test_an_animation_gets_its_posters_and_a_play_button():
    out = page_html(DEMO.replace("demo", "movie"))
    (figure,) = attributes(out, "figure")
    assert figure["class"] == "gd-figure gd-animation" and figure["data-gif"] == "../figures/movie.gif"
    assert attributes(out, "button") == [{"type": "button", "class": "gd-play", "aria-pressed": "false"}]


@pytest.mark.parametrize("text", ["{{ figure nope }}\n    caption: c\n    alt: a", "{{ fact nope }}",
                                  "{{ fact loss .9z }}"])
def test_unknown_names_and_bad_formats_raise(text):
    with pytest.raises(TagError, match=r"^page\.md:1: "):
        page_html(text, "page.md")


@pytest.mark.parametrize("text, line, problem", [
    ("{{ figure demo }}", 1, "figure 'demo' has no caption"),
    ("{{ figure demo }}\n    caption: Shown.", 1, "figure 'demo' has no alt text"),
    ("Intro.\n\n{{ figure demo }}\n    caption: Shown.\n    alt:", 5, "figure 'demo' has no alt text"),
    ("{{ figure demo }}\n    caption: A.\n    alt: B {{ fact nope }}.", 3, "unknown fact 'nope'"),
    ("{{ figure demo }}\n    caption: A {{ fact missing .2f }}.\n    alt: B.", 2, "unknown fact 'missing'"),
    ("{{ figure demo }}\n    title: A.\n    alt: B.", 2, "under a figure tag, write 'caption:' and 'alt:'"),
    ("{{ figure demo }}\n    caption: A.\n    caption: B.\n    alt: C.", 3, "figure 'demo' has a second 'caption'"),
    ("See {{ figure demo }}\n    caption: A.\n    alt: B.", 1, "a figure tag stands alone on its line"),
    ("{{ figure demo }} and more\n    caption: A.\n    alt: B.", 1, "a figure tag stands alone on its line"),
    ("| a |\n|---|\n| {{ figure demo }} |", 3, "a figure tag stands alone on its line"),
    ("{{ figure demo }}\n    caption: A.\n    alt: Where $x$ is.", 3, "alt text is read aloud as written"),
])
def test_a_figure_without_its_words_fails_with_file_and_line(text, line, problem):
    with pytest.raises(TagError, match=rf"^docs/x\.md:{line}: {re.escape(problem)}"):
        page_html(text, "docs/x.md")


@pytest.mark.parametrize("text, line, problem", [
    ("{{ figure }}", 1, "malformed tag"),
    ("Intro.\n\n{{ figur demo }}", 3, "malformed tag"),
    ("{{ Figure demo }}", 1, "malformed tag"),
    ("a\nb\nthe loss is {{ fact loss", 3, "unclosed tag"),
    ("a\n\n$x = {{ fact loss$", 3, "unclosed tag"),
    ("{{ fact loss .2f extra }}", 1, "malformed tag"),
    ("{{ figure demo .2f }}", 1, "a figure tag takes no format"),
    ("Text.\n\n<div>\n{{ fact loss }}\n</div>\n", 4, "a tag inside raw HTML is not expanded"),
])
def test_malformed_tags_fail_with_file_and_line(text, line, problem):
    with pytest.raises(TagError, match=rf"^docs/x\.md:{line}: {problem}"):
        page_html(text, "docs/x.md")


def test_a_line_offset_counts_the_lines_stripped_above():
    with pytest.raises(TagError, match=r"^x\.md:7: "):
        page_html("text\n{{ figure }}", "x.md", line_offset=5)


def test_tags_in_code_and_comments_stay_as_written_and_an_escape_writes_a_literal_tag():
    text = (
        "Quoted `{{ fact loss }}` and ``{{ figure }}``.\n\n<!-- {{ figure nope }}\nstill a comment -->\n\n"
        "```python\nprint('{{ fact nope }}')\n```\n\nIndented code:\n\n    {{ broken\n\n"
        "Literal \\{{ fact loss }}, real {{ fact loss }}.\n\n!!! note\n    ```\n    {{ fenced in a box\n    ```\n"
    )
    out = page_html(text)
    assert "<code>{{ fact loss }}</code>" in out and "<code>{{ figure }}</code>" in out
    assert "<!-- {{ figure nope }}" in out and "{{ fact nope }}" in out and "{{ broken" in out
    assert "Literal {{ fact loss }}, real −2.74." in out and "{{ fenced in a box" in out
    assert references(text) == [("fact", "loss", None)]


def test_code_spans_end_where_markdown_ends_them():
    """A lone backtick in one paragraph and another in the next open no code span between them."""
    out = page_html("A lone ` here.\n\nThe loss is {{ fact loss }}.\n\nAnother ` there.")
    assert "<p>The loss is −2.74.</p>" in out


def test_tags_in_a_notebooks_markdown_cells_fail_with_file_and_cell(tmp_path):
    import json

    cells = [{"cell_type": "markdown", "source": ["Code `{{ fact loss }}` is fine.\n"]},
             {"cell_type": "code", "source": ["x = '{{ fact loss }}'"]},
             {"cell_type": "markdown", "source": ["The loss is {{ fact loss }}."]}]
    notebook = tmp_path / "n.ipynb"
    notebook.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    with pytest.raises(TagError, match=r"^docs/n\.ipynb: cell 3: a notebook's Markdown cells hold no tags"):
        check_notebook(notebook, "docs/n.ipynb")
    cells[2]["source"] = ["No tag."]
    notebook.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    check_notebook(notebook, "docs/n.ipynb")


def test_backtick_runs_cost_little():
    """The code-span scan was cubic in backtick runs (47 s for 11 KB); Markdown's is not."""
    text = " ".join("`" * k for k in range(1, 150)) + " {{ fact loss }}"
    assert len(text) > 11_000 and references(text) == [("fact", "loss", None)]


def test_the_search_dialog_is_named_and_scrolling_notebook_cells_take_focus():
    from gdsim.site.pages import accessible

    page = ('<div class="md-search" data-md-component="search" role="dialog"></div>'
            '<div class="highlight-ipynb hl-python"><pre>x</pre></div>')
    out = accessible(page)
    assert 'role="dialog" aria-label="Search this site"' in out
    assert '<div tabindex="0" class="highlight-ipynb hl-python">' in out


def test_scripts_that_could_load_from_another_host_are_removed():
    page = ('<script type="module">if (d.length) { m = await import("https://cdnjs.cloudflare.com/m.mjs") }</script>'
            '<script src="//cdn.example/x.js"></script><script src="https://cdn.example/y.js"></script>'
            '<script src="../assets/local.js"></script><script>const here = "local";</script>')
    assert strip_remote_scripts(page) == '<script src="../assets/local.js"></script><script>const here = "local";</script>'


def test_pages_with_formulas_preload_the_main_formula_fonts_and_others_do_not():
    from gdsim.site.formulas import PRELOADED_FONTS, font_preloads

    with_math = '<html><head></head><body><span class="katex">x</span></body></html>'
    out = font_preloads(with_math, "../")
    for font in PRELOADED_FONTS:
        assert f'<link rel="preload" href="../assets/katex/fonts/{font}" as="font" type="font/woff2" crossorigin>' in out
    plain = "<html><head></head><body>no math</body></html>"
    assert font_preloads(plain, "../") == plain
    assert all((Path(katex_files()[0][0]).parent / "fonts" / font).is_file() for font in PRELOADED_FONTS)


def test_katex_styles_and_fonts_are_shipped_from_the_npm_package():
    files = katex_files()
    assert files[0][1] == "assets/katex/katex.min.css" and files[0][0].is_file()
    assert sum(1 for _, target in files if target.endswith(".woff2")) >= 15


def test_formulas_are_typeset_at_build_time_with_mathml_inside():
    katex = KaTeX()
    try:
        page = ('<p>Loss <span class="arithmatex">\\(L = x^2 &lt; 1\\)</span>.</p>\n'
                '<div class="arithmatex">\\[\\eta < \\frac{2}{\\lambda_{\\max}}\\]</div>')
        out = render_formulas(page, katex)
        assert out.count('class="katex"') == 2 and out.count("<math") == 2 and 'class="katex-display"' in out
        assert "\\(" not in out and "&lt; 1" not in out.split("katex-mathml")[0]
        assert "<annotation" not in out and "<semantics>" not in out and "<mfrac>" in out
        with pytest.raises(FormulaError, match="cannot render"):
            render_formulas('<span class="arithmatex">\\(\\frac{1}\\)</span>', katex)
    finally:
        katex.close()


def test_cache_dependencies_follow_imports_only():
    deps = digests.dependencies("gdsim.chapters.model_and_data")
    assert {"gdsim.chapters.model_and_data", "gdsim.data", "gdsim.assets", "gdsim.facts"} <= set(deps)
    assert "gdsim.draw.model_and_data" not in deps and "gdsim.build.registry" not in deps
    drawing = digests.dependencies("gdsim.draw.model_and_data")
    assert "gdsim.draw.style" in drawing and "gdsim.surface" in drawing


@pytest.mark.slow
def test_strict_build_succeeds(built_site):
    for page in ["index.html", "loss-surface/index.html", "model-and-data/index.html", "random-guess/index.html"]:
        assert (built_site / page).is_file()
    assert (built_site / "assets/katex/katex.min.css").is_file() and not (built_site / "assets/mathjax").exists()
    html = (built_site / "loss-surface/index.html").read_text()
    assert "{{" not in html and 'src="../figures/loss-surface.png"' in html
    for name in (built_site / "figures").iterdir():
        assert name.stat().st_size > 1000
    # a site_url: canonical links and a sitemap of real addresses
    sitemap = (built_site / "sitemap.xml").read_text()
    locations = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert len(locations) >= 10 and all(loc.startswith("http") for loc in locations), locations
    assert '<link rel="canonical" href="http' in html
    assert (built_site / "404.html").is_file()
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not REMOTE.search(html), f"{page.relative_to(built_site)} could load code from another host"
        assert "cdnjs" not in html and "jsdelivr" not in html and "unpkg" not in html


def test_no_built_page_shows_a_tag(built_site):
    """Outside code (where a tag may be shown as an example), no page's text holds ``{{``."""
    code = re.compile(r"<(pre|code|script|style)\b.*?</\1>|<!--.*?-->", re.S)
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= 30
    for page in pages:
        text = code.sub("", page.read_text(encoding="utf-8"))
        assert "{{" not in text, f"{page.relative_to(built_site)}: {text[text.index('{{') - 60:][:120]!r}"


def test_every_quoted_number_reaches_its_page(built_site):
    """Each fact a chapter quotes is in its built page's text as the tag printed it, as many times
    as it is quoted (a number at a line's start once became a list's label and left the sentence)."""
    import html as html_module

    from gdsim.build.catalogue import read_facts

    facts = read_facts(ROOT / "figures")[1]
    tags = re.compile(r"<[^>]+>")
    for source in sorted((ROOT / "docs").glob("*.md")):
        quoted = [(name, fmt) for kind, name, fmt in references(source.read_text(encoding="utf-8")) if kind == "fact"]
        page = built_site / ("" if source.stem == "index" else source.stem) / "index.html"
        html = page.read_text(encoding="utf-8")
        alts = " ".join(re.findall(r'\balt="([^"]*)"', html))  # what a screen reader says for a figure
        text = html_module.unescape(tags.sub("", html) + " " + alts)
        for name, fmt in set(quoted):
            number = facts[name].text(fmt)
            assert text.count(number) >= quoted.count((name, fmt)), f"{source.name}: {name} = {number} is missing"


@pytest.mark.slow
def test_unknown_figure_fails_the_build(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    (docs / "index.md").write_text("# Broken\n\n{{ figure no-such-figure }}\n    caption: C.\n    alt: A.\n")
    config = (ROOT / "mkdocs.yml").read_text()
    config = config.replace("  - gdsim/site/mkdocs_hook.py", f"  - {ROOT / 'gdsim/site/mkdocs_hook.py'}")
    config = config.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
    config += f"\ndocs_dir: {docs}\n"
    (tmp_path / "mkdocs.yml").write_text(config)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(tmp_path / "mkdocs.yml"), "-d", str(tmp_path / "out")],
        capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    assert done.returncode != 0
    assert "docs/index.md:3: unknown figure 'no-such-figure'" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr, "the message alone, not a stack"


def test_notebook_cache_is_keyed_by_the_package_code(tmp_path, monkeypatch):
    """A code change must re-run the companion notebooks, not serve their old outputs."""
    from mkdocs.config import load_config

    from gdsim.build.keys import notebooks_key
    from gdsim.site import mkdocs_hook

    monkeypatch.setattr(mkdocs_hook, "NOTEBOOK_CACHE", tmp_path)
    stale = tmp_path / "0123456789abcdef"
    stale.mkdir()
    config = load_config(str(ROOT / "mkdocs.yml"))
    mkdocs_hook.on_config(config)
    cache_dir = Path(config.plugins["mkdocs-jupyter"].config["cache_dir"])
    assert cache_dir == tmp_path / notebooks_key()[:16]
    assert not stale.exists()


def test_plain_tables_arrive_in_materials_scroll_container_and_others_are_left_alone():
    from gdsim.site.pages import wrap_tables

    html = '<p>a</p><table>\n<thead><tr><th>x</th></tr></thead>\n</table><table class="dataframe"><tr><td>1</td></tr></table>'
    wrapped = wrap_tables(html)
    assert wrapped.count('<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table>') == 1
    assert '<th>x</th></tr></thead>\n</table></div></div><table class="dataframe">' in wrapped
    assert wrapped.replace('<div class="md-typeset__scrollwrap"><div class="md-typeset__table">', "").replace(
        "</table></div></div>", "</table>") == html


def test_notebook_formulas_are_marked_for_katex_in_markdown_cells_only():
    """nbconvert leaves a Markdown cell's $…$ for MathJax; the hook marks it like arithmatex, so
    notebooks are typeset at build time like chapters. Dollars in code and outputs stay."""
    page = ('<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput" data-mime-type="text/markdown">'
            '<p>Each step: $1 - \\eta c$, and $$L = \\theta^2$$</p></div>'
            '<div class="jp-OutputArea-output"><pre>price $5 and $6</pre></div>')
    out = notebook_math(page)
    assert '<span class="arithmatex">\\(1 - \\eta c\\)</span>' in out
    assert '<div class="arithmatex">\\[L = \\theta^2\\]</div>' in out
    assert "<pre>price $5 and $6</pre>" in out


def test_a_notebook_page_keeps_only_the_styles_its_markup_can_use():
    from gdsim.site import notebook_css as styles

    css = ('@charset "UTF-8";/* a { comment } */.used{color:var(--ink)}.unused{color:red}'
           '.used:not(.active,.unused) p{z:1}'
           '.used .unused,.used>p{margin:0}a{content:"}"}@media (max-width: 10px){.unused{x:1}.used{y:2}}'
           '@keyframes spin{from{opacity:0}}:root{--ink:#111;--spare:url("data:x;y");--chain:var(--ink)}')
    page = (f'<style>{css}</style><p class="used other" style="color: var(--chain)">text</p>'
            '<style>:root{--far:1px;--gone:2px}</style><style>.used{width:var(--far)}</style>')
    slim = styles.slim(page)
    assert "--far:1px" in slim and "--gone" not in slim, "a variable read in another stylesheet stays"
    kept = slim[len("<style>"):slim.index("</style>")]
    assert ".unused{color:red}" not in kept and "@media (max-width: 10px){.used{y:2}}" in kept
    assert ".used .unused,.used>p{margin:0}" in kept, "a list is kept if one selector can match"
    assert ".used:not(.active,.unused) p{z:1}" in kept, "a class under :not() is not required"
    assert 'a{content:"}"}' in kept and "@keyframes spin{from{opacity:0}}" in kept and '@charset "UTF-8";' in kept
    assert "--ink:#111" in kept and "--chain:var(--ink)" in kept and "--spare" not in kept
    assert '<p class="used other" style="color: var(--chain)">text</p>' in slim
