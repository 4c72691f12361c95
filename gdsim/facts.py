"""A quoted number: what a chapter's ``facts()`` returns and a page's ``{{ fact … }}`` tag shows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    """A quoted number and how the text shows it by default."""

    value: float
    fmt: str = ".2f"

    def text(self, fmt: str | None = None) -> str:
        """The value as prose shows it; a minus sign, not a hyphen, for negatives."""
        return format(self.value, fmt or self.fmt).replace("-", "−")
