"""Paragraph styles, number formats and the page template of Desk's reports.

User text (titles, names, service names) comes from everywhere: it reaches a Paragraph
through ``desk.pdf.text.markup`` and the canvas through ``draw_text``, which escape it
and set each script in a face that has its glyphs (``desk.pdf``, shared with the slips).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desk.pdf.faces import BASE, BASE_BOLD, NARROW
from desk.pdf.fonts import register_fonts
from desk.pdf.text import draw_text

PAGE = landscape(letter)
MARGIN = 12 * mm
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#cbd2d9")
STRIPE = colors.HexColor("#f5f7fa")
ACCENT = colors.HexColor("#2f5d8a")
ACCENT_2 = colors.HexColor("#d9822b")
BAD = colors.HexColor("#b3261e")


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=BASE, fontSize=9, leading=12, textColor=INK, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontName=NARROW, fontSize=7.5, leading=9),
        "title": ParagraphStyle("title", parent=base, fontName=BASE_BOLD, fontSize=18, leading=22,
                                spaceAfter=2 * mm),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=14, textColor=MUTED,
                                   spaceAfter=4 * mm),
        "h2": ParagraphStyle("h2", parent=base, fontName=BASE_BOLD, fontSize=12, leading=15,
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
        draw_text(canvas, MARGIN, h - MARGIN + 3.5 * mm, title, BASE, 7.5)
        draw_text(canvas, w - MARGIN, h - MARGIN + 3.5 * mm, "Desk — service desk", BASE, 7.5, right=True)
        draw_text(canvas, MARGIN, MARGIN - 6.5 * mm, footer, BASE, 7.5)
        canvas.setFont(BASE, 7.5)
        canvas.drawRightString(w - MARGIN, MARGIN - 6.5 * mm, f"Page {canvas.getPageNumber()}")
        canvas.restoreState()

    return draw
