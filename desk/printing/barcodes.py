"""The ticket number as Code 128 and QR, sized for slips and labels."""
from __future__ import annotations

from reportlab.graphics.barcode import code128, qr
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm


def code128_flowable(value: str, *, height: float = 12 * mm, bar_width: float = 0.33 * mm) -> code128.Code128:
    # Quiet zones on both sides: scanners need ten module widths of white.
    return code128.Code128(value, barHeight=height, barWidth=bar_width, humanReadable=False, quiet=True)


def fit_code128(value: str, width: float, height: float) -> code128.Code128:
    """The widest Code 128 (thickest bars, easiest to scan) that fits ``width``."""
    bar = 0.5 * mm
    while bar > 0.15 * mm:
        bc = code128_flowable(value, height=height, bar_width=bar)
        if bc.width <= width:
            return bc
        bar -= 0.02 * mm
    return code128_flowable(value, height=height, bar_width=0.15 * mm)


def qr_drawing(value: str, size: float = 26 * mm) -> Drawing:
    widget = qr.QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.add(widget)
    return d
