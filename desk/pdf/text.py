"""User text made ready to set: cleaned, in visual order, shaped, escaped, in runs per font.

Every string a PDF draws passes through ``runs`` (or ``markup`` for a Paragraph), so
this is where it loses the characters that hide or reorder text (``display_text``, the
same cleaning as CSV exports), where Arabic is joined (arabic_reshaper) and right-to-left
text put in visual order (python-bidi: ReportLab lays out left to right), and where
Devanagari and Tamil are shaped.

Shaping: ReportLab 4.1+ shapes with harfbuzz (uharfbuzz), but only per Paragraph style,
and then every word of it in the font of its first letter: Latin words would get
ligatures, our already reordered Arabic would be reversed again, and a word mixing two
fonts would get another font's glyphs. So only the runs of a shaped face are passed to
ReportLab's ``shapeStr``, and what is set is the glyphs it returns (characters, or
private-use code points ReportLab maps to ligature glyphs). Kept: reordered vowel signs,
conjuncts, half forms, reph. Lost: harfbuzz's mark positioning (marks sit at the font's
default place, which Noto designs to fit most letters) and, in the PDF's text layer,
the conjuncts (copying a Devanagari name out of the PDF gives private-use characters
where they are), exactly as with ReportLab's own shaping. (ReportLab records a ligature
glyph's width in font units: right for the 1000-unit Noto faces the chain shapes.)
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi import get_display
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import shapeStr
from reportlab.pdfgen.canvas import Canvas

from desk.common.text import display_text
from desk.pdf.faces import BASE, CHAIN
from desk.pdf.fonts import book

_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_WORDS = re.compile(r"(\s+)")
_SHAPED = frozenset(f.name for f in CHAIN if f.shaped)
# Shaping adds private-use code points to the registered font's maps as it meets new
# ligature glyphs; PDFs are built on worker threads, so one shapes at a time.
_shaping = threading.Lock()


def visual(line: str) -> str:
    """Arabic joined and a line with right-to-left text put in display order."""
    if not _RTL.search(line):
        return line
    if _ARABIC.search(line):
        line = arabic_reshaper.reshape(line)
    return str(get_display(line))


@lru_cache(maxsize=4096)
def _shape(word: str, font: str) -> str:
    with _shaping:
        # The size only scales harfbuzz's positions, which are not used (see above).
        return str(shapeStr(word, font, 10))


def _shaped(piece: str, font: str) -> str:
    return "".join(p if not p or p.isspace() else _shape(p, font) for p in _WORDS.split(piece))


def runs(text: str | None, font: str = BASE) -> list[tuple[str, str]]:
    """One line of user text as (font name, piece) runs, ready to draw in that order.

    ``font`` is the preferred face (bold or not); characters it lacks go to the chain.
    """
    fonts = book()
    bold = font.endswith("-Bold") and font[: -len("-Bold")] in fonts.bold_of
    first = font[: -len("-Bold")] if bold else font
    out = []
    for face, piece in fonts.split(visual(display_text(text)), first):
        if face in _SHAPED:
            piece = _shaped(piece, face)
        out.append((fonts.bold_of[face] if bold else face, piece))
    return out


def plain(text: str, font: str = BASE) -> bool:
    """True when ``text`` can be drawn as it is in ``font`` (no other font, no reordering)."""
    return runs(text, font) == [(font, text)] or not text


def markup(text: str | None, *, max_chars: int | None = None) -> str:
    """User text as safe Paragraph markup: escaped, line breaks kept, fonts chosen per script.

    Runs are named by face, so a style's bold (or <b> around the markup) selects each
    face's bold through the family mappings ``desk.pdf.fonts`` registers.
    """
    value = display_text(text)
    if max_chars is not None and len(value) > max_chars:
        value = value[: max_chars - 1] + "…"
    lines = []
    for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.append("".join(escape(piece) if face == BASE else f'<font face="{face}">{escape(piece)}</font>'
                             for face, piece in runs(line)))
    return "<br/>".join(lines)


def text_width(text: str, font: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(piece, f, size) for f, piece in runs(text, font))


def draw_text(canvas: Canvas, x: float, y: float, text: str, font: str, size: float,
              right: bool = False) -> None:
    pieces = runs(text, font)
    if right:
        x -= sum(pdfmetrics.stringWidth(piece, f, size) for f, piece in pieces)
    for f, piece in pieces:
        canvas.setFont(f, size)
        canvas.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, f, size)


def fit(text: str, width: float, font: str, size: float) -> str:
    """``text`` on one line, cut with an ellipsis to fit ``width`` points (plain table cells)."""
    text = " ".join(display_text(text).split())
    if text_width(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid] + "…", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"
