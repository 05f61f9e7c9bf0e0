"""The ticket number as Code 128 and QR, sized for slips and labels."""
from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.graphics.barcode import code128
from reportlab.lib.units import mm
from reportlab.platypus import Flowable


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


class QrFlowable(Flowable):
    """A QR code drawn as filled squares (no graphics-state fonts, so nothing unembedded sneaks in)."""

    def __init__(self, value: str, size: float = 26 * mm) -> None:
        super().__init__()
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
        code.add_data(value)
        code.make(fit=True)
        self.matrix: list[list[bool]] = code.get_matrix()
        self.size = size
        self.width = self.height = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        n = len(self.matrix)
        cell = self.size / n
        c = self.canv
        c.setFillColorRGB(0, 0, 0)
        for row, bits in enumerate(self.matrix):
            y = self.size - (row + 1) * cell
            for col, dark in enumerate(bits):
                if dark:
                    c.rect(col * cell, y, cell, cell, stroke=0, fill=1)


def qr_drawing(value: str, size: float = 26 * mm) -> QrFlowable:
    return QrFlowable(value, size)
