"""Fonts, paragraph styles, number formats and the page template of Desk's reports.

User text (titles, names, service names) comes from everywhere: it is escaped before it
reaches a Paragraph, and characters the main font lacks (CJK…) are set in a fallback
font run by run, so a name is never printed as empty boxes.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from desk import resources
from desk.common.text import display_text

PAGE = landscape(letter)
MARGIN = 12 * mm
FONT = "DeskSans"
FONT_BOLD = "DeskSans-Bold"
FONT_NARROW = "DeskSansCondensed"
FONT_NARROW_BOLD = "DeskSansCondensed-Bold"
FONT_FALLBACK = "DeskFallback"

_FILES = {
    FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_NARROW: "DejaVuSansCondensed.ttf", FONT_NARROW_BOLD: "DejaVuSansCondensed-Bold.ttf",
    FONT_FALLBACK: "DroidSansFallbackFull.ttf",
}

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#cbd2d9")
STRIPE = colors.HexColor("#f5f7fa")
ACCENT = colors.HexColor("#2f5d8a")
ACCENT_2 = colors.HexColor("#d9822b")
BAD = colors.HexColor("#b3261e")


@lru_cache(maxsize=1)
def register_fonts() -> None:
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resources.path("fonts", file))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


@lru_cache(maxsize=8)
def _covered(font: str) -> frozenset[int]:
    register_fonts()
    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)


def needs_fallback(text: str, font: str = FONT) -> bool:
    cov = _covered(font)
    return any(ord(ch) not in cov for ch in text if ch > "\u007f")


def runs(text: str, font: str = FONT) -> list[tuple[str, str]]:
    """``text`` split into (font, piece) runs: ``font`` where it has the glyphs, else the
    fallback (which lacks Latin, so it cannot simply replace the main font).

    Every string the report draws passes here, so this is where it loses the characters
    that hide or reorder text (``display_text``, the same cleaning as on counter slips).
    """
    text = display_text(text)
    if not needs_fallback(text, font):
        return [(font, text)]
    cov = _covered(font)
    out: list[tuple[str, str]] = []
    for ch in text:
        f = FONT_FALLBACK if (ord(ch) not in cov and not ch.isspace()) else font
        if out and out[-1][0] == f:
            out[-1] = (f, out[-1][1] + ch)
        else:
            out.append((f, ch))
    return out


def markup(text: str, font: str = FONT) -> str:
    """Escaped Paragraph markup for user text, with uncovered runs in the fallback font."""
    return "".join(escape(piece) if f != FONT_FALLBACK else f'<font name="{f}">{escape(piece)}</font>'
                   for f, piece in runs(text, font))


def text_width(text: str, font: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(piece, f, size) for f, piece in runs(text, font))


def draw_text(canvas: Canvas, x: float, y: float, text: str, font: str, size: float,
              right: bool = False) -> None:
    if right:
        x -= text_width(text, font, size)
    for f, piece in runs(text, font):
        canvas.setFont(f, size)
        canvas.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, f, size)


def fit(text: str, width: float, font: str, size: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` points (plain table cells)."""
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


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, textColor=INK, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontName=FONT_NARROW, fontSize=7.5, leading=9),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=18, leading=22,
                                spaceAfter=2 * mm),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=14, textColor=MUTED,
                                   spaceAfter=4 * mm),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=12, leading=15,
                             spaceBefore=3 * mm, spaceAfter=2 * mm, textColor=ACCENT),
    }


# -- numbers ---------------------------------------------------------------------------

def fmt_int(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def fmt_pct(p: float | None) -> str:
    return "—" if p is None else f"{p:.1f} %"


def fmt_duration(seconds: float | None) -> str:
    """Business time as hours and minutes (a business day is a calendar's own length)."""
    if seconds is None:
        return "—"
    neg = seconds < 0
    total_min = round(abs(seconds) / 60)
    h, m = divmod(total_min, 60)
    text = f"{m} min" if h == 0 else (f"{h} h" if m == 0 else f"{h} h {m:02d} min")
    return f"−{text}" if neg else text


def fmt_target(low: int | None, high: int | None) -> str:
    if low is None:
        return "—"
    if high is None or high == low:
        return fmt_duration(low)
    return f"{fmt_duration(low)}–{fmt_duration(high)}"


def fmt_local(when: dt.datetime | None, zone: ZoneInfo, with_zone: bool = False) -> str:
    if when is None:
        return "—"
    local = when.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M" + (" %Z" if with_zone else ""))


# -- page furniture ---------------------------------------------------------------------

def page_decorator(title: str, footer: str) -> Callable[[Canvas, object], None]:
    """Draws the running header and footer (page number) on every page."""
    register_fonts()
    w, h = PAGE

    def draw(canvas: Canvas, doc: object) -> None:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, h - MARGIN + 2 * mm, w - MARGIN, h - MARGIN + 2 * mm)
        canvas.line(MARGIN, MARGIN - 3 * mm, w - MARGIN, MARGIN - 3 * mm)
        canvas.setFillColor(MUTED)
        draw_text(canvas, MARGIN, h - MARGIN + 3.5 * mm, title, FONT, 7.5)
        draw_text(canvas, w - MARGIN, h - MARGIN + 3.5 * mm, "Desk — service desk", FONT, 7.5, right=True)
        draw_text(canvas, MARGIN, MARGIN - 6.5 * mm, footer, FONT, 7.5)
        canvas.setFont(FONT, 7.5)
        canvas.drawRightString(w - MARGIN, MARGIN - 6.5 * mm, f"Page {canvas.getPageNumber()}")
        canvas.restoreState()

    return draw
