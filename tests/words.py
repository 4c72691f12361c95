"""What each page says about its figures, as a reader sees and hears it: the caption and the alt
text written under the figure's tag, with their facts filled in."""

from __future__ import annotations

from functools import lru_cache

from gdsim.build import registry
from gdsim.facts import Fact
from gdsim.paths import DOCS
from gdsim.site.tags import Words, expand_facts, figure_words


def written(stem: str) -> dict[str, Words]:
    """The words of every figure on ``docs/<stem>.md``, as written (fact tags not expanded)."""
    return figure_words((DOCS / f"{stem}.md").read_text(encoding="utf-8"), f"docs/{stem}.md")


@lru_cache(maxsize=1)
def _facts() -> dict[str, Fact]:
    return registry.facts()


def said(name: str, facts: dict[str, Fact] | None = None) -> tuple[str, str]:
    """``(caption, alt)`` of one asset, on its own chapter's page, with every fact tag filled in."""
    asset = registry.get(name)
    words = written(asset.chapter)[name]
    facts = _facts() if facts is None else facts
    return (expand_facts(words.caption, facts, asset.chapter, words.lines["caption"]),
            expand_facts(words.alt, facts, asset.chapter, words.lines["alt"]))
