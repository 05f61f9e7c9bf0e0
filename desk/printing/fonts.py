"""Embedded Unicode fonts with per-script fallback, and user text made safe for Paragraph markup.

No single font covers Latin, Cyrillic, Greek, Arabic, Hebrew and CJK, so text is split into runs,
each set in the first font of the chain that has its glyphs. Arabic is shaped (joined letter
forms) and right-to-left runs put in visual order, since ReportLab lays out left to right.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi import get_display
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desk import resources
from desk.common.text import display_text


@dataclass(frozen=True)
class Face:
    name: str
    regular: str
    bold: str


# Order matters: the first face that has a character's glyph sets it.
CHAIN: tuple[Face, ...] = (
    Face("DeskSans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),            # Latin, Cyrillic, Greek
    Face("DeskArabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    Face("DeskHebrew", "NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"),
    Face("DeskCJK", "DroidSansFallbackFull.ttf", "DroidSansFallbackFull.ttf"),  # Han, Kana
    Face("DeskHangul", "NanumGothic.ttf", "NanumGothic.ttf"),                   # Korean syllables
    Face("DeskSymbols", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),               # arrows, box drawing, …
)
BASE = CHAIN[0].name
BASE_BOLD = BASE + "-Bold"
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


@lru_cache(maxsize=1)
def register_fonts() -> dict[str, frozenset[int]]:
    """Register every face once per process; returns each face's covered code points."""
    coverage: dict[str, frozenset[int]] = {}
    for face in CHAIN:
        for style, file in (("", face.regular), ("-Bold", face.bold)):
            font = TTFont(face.name + style, str(resources.path("fonts", file)))
            pdfmetrics.registerFont(font)
            if not style:
                coverage[face.name] = frozenset(font.face.charToGlyph)
        addMapping(face.name, 0, 0, face.name)
        addMapping(face.name, 1, 0, face.name + "-Bold")
        addMapping(face.name, 0, 1, face.name)
        addMapping(face.name, 1, 1, face.name + "-Bold")
    return coverage


def face_for(ch: str) -> str:
    cov = register_fonts()
    cp = ord(ch)
    for face in CHAIN:
        if cp in cov[face.name]:
            return face.name
    return BASE  # prints as a missing-glyph box, never crashes


def visual(line: str) -> str:
    """Shape Arabic and reorder a line with right-to-left text into display order."""
    if not _RTL.search(line):
        return line
    if _ARABIC.search(line):
        line = arabic_reshaper.reshape(line)
    return str(get_display(line))


def runs(text: str) -> list[tuple[str, str]]:
    """Split into (face, text) runs; spaces and common punctuation join the current run."""
    out: list[tuple[str, str]] = []
    for ch in text:
        face = face_for(ch)
        if out and (face == out[-1][0] or ((ch.isspace() or unicodedata.category(ch).startswith("P"))
                    and ord(ch) in register_fonts()[out[-1][0]])):
            out[-1] = (out[-1][0], out[-1][1] + ch)
        else:
            out.append((face, ch))
    return out


def markup(text: str | None, *, max_chars: int | None = None) -> str:
    """User text as safe Paragraph markup: escaped, line breaks kept, fonts chosen per script."""
    value = display_text(text)  # no controls or bidi overrides: they hide or reorder printed text
    if max_chars is not None and len(value) > max_chars:
        value = value[: max_chars - 1] + "…"
    lines = []
    for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        parts = []
        for face, chunk in runs(visual(line)):
            safe = escape(chunk)
            parts.append(safe if face == BASE else f'<font face="{face}">{safe}</font>')
        lines.append("".join(parts))
    return "<br/>".join(lines)
