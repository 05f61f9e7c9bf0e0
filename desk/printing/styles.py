"""Styles and page templates of every counter printout, in one place."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import TableStyle

from desk.pdf.faces import BASE, BASE_BOLD
from desk.pdf.fonts import register_fonts
from desk.pdf.text import draw_text, markup
from desk.printing.branding import Branding

PAPER_SIZES: dict[str, tuple[float, float]] = {"letter": LETTER, "a4": A4}
MARGIN = 16 * mm
INK = colors.HexColor("#1b2a4a")
RULE = colors.HexColor("#9aa5b8")
SHADE = colors.HexColor("#eef1f6")


@dataclass(frozen=True)
class LabelSize:
    """A label in millimetres; 62 × 29 mm is the common continuous-roll address label."""

    width_mm: float = 62.0
    height_mm: float = 29.0

    @classmethod
    def parse(cls, text: str) -> LabelSize:
        """"62x29" → LabelSize(62, 29); raises ValueError naming the format."""
        try:
            w, h = (float(x) for x in text.lower().replace("×", "x").split("x"))
        except ValueError:
            raise ValueError(f"Label size {text!r} must look like 62x29 (width x height in mm).") from None
        if not (20 <= w <= 200 and 12 <= h <= 200):
            raise ValueError(f"Label size {text!r} is outside 20–200 × 12–200 mm.")
        return cls(w, h)

    @property
    def points(self) -> tuple[float, float]:
        return self.width_mm * mm, self.height_mm * mm


DEFAULT_LABEL = LabelSize()


def paper(name: str) -> tuple[float, float]:
    try:
        return PAPER_SIZES[name.lower()]
    except KeyError:
        raise ValueError(f"Paper {name!r} is not one of: {', '.join(PAPER_SIZES)}.") from None


def _style(name: str, **kw: Any) -> ParagraphStyle:
    base: dict[str, Any] = dict(fontName=BASE, fontSize=9.5, leading=12.5, textColor=INK, alignment=TA_LEFT,
                                splitLongWords=True, wordWrap=None)
    base.update(kw)
    return ParagraphStyle(name, **base)


class Styles:
    """Built after the fonts are registered (a Paragraph looks fonts up by name)."""

    def __init__(self) -> None:
        register_fonts()
        self.body = _style("body", fontSize=9, leading=11.5)
        self.small = _style("small", fontSize=7.5, leading=9.5)
        self.terms = _style("terms", fontSize=6.8, leading=8.4)
        self.label = _style("label", fontName=BASE_BOLD, fontSize=8, leading=10, textColor=colors.HexColor("#44506a"))
        self.section = _style("section", fontName=BASE_BOLD, fontSize=10.5, leading=13, spaceBefore=5, spaceAfter=1.5,
                              textColor=INK)
        self.title = _style("title", fontName=BASE_BOLD, fontSize=15, leading=19)
        self.number = _style("number", fontName=BASE_BOLD, fontSize=20, leading=24)
        self.institution = _style("institution", fontName=BASE_BOLD, fontSize=13, leading=16)
        self.center_small = _style("center_small", fontSize=7, leading=8.5, alignment=TA_CENTER)
        self.tag_name = _style("tag_name", fontName=BASE_BOLD, fontSize=8, leading=9.5)
        self.tag_small = _style("tag_small", fontSize=6.5, leading=8)


def table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A TableStyle in the embedded font (a Table otherwise selects unembedded Helvetica)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), BASE, 9), *commands])


def footer(branding: Branding, what: str):
    """The page template of full-page printouts: a rule and the desk's hours and contact on every page."""

    def draw(canvas: Canvas, doc: Any) -> None:
        width, _ = doc.pagesize
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, 17 * mm, width - MARGIN, 17 * mm)
        canvas.setFillColor(INK)
        draw_text(canvas, MARGIN, 13 * mm, f"{branding.desk} · {branding.address}"[:150], BASE, 7.5)
        draw_text(canvas, MARGIN, 9.5 * mm, f"Hours: {branding.hours} · {branding.contact}"[:150], BASE, 7.5)
        draw_text(canvas, width - MARGIN, 6 * mm, f"{what} · page {doc.page}", BASE, 7.5, right=True)
        canvas.restoreState()

    return draw


def para_text(label: str, value: str | None, *, max_chars: int | None = None) -> str:
    """"<b>Label:</b> value" with the value escaped and set per script."""
    return f"<b>{label}:</b> {markup(value, max_chars=max_chars) if value else '—'}"
