"""The repair terms the customer accepts by signing, versioned so each intake records which."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from desk import resources


@dataclass(frozen=True)
class Terms:
    version: str
    text: str


@lru_cache(maxsize=1)
def current_terms() -> Terms:
    """resources/branding/terms.txt: first line "Version: X", then the text."""
    raw = resources.path("branding", "terms.txt").read_text(encoding="utf-8")
    first, _, rest = raw.partition("\n")
    version = first.removeprefix("Version:").strip() if first.startswith("Version:") else "1"
    return Terms(version, rest.strip() if first.startswith("Version:") else raw.strip())
