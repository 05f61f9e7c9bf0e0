"""Shows a PDF in the app, one page at a time (a 300-page report stays light), rendered
with PDFium; and prints it, page by page, off the GUI thread."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desk.reports.errors import ReportCancelled
from ui.wheel_guard import SpinBox


def render_page(pdf: pdfium.PdfDocument, index: int, dpi: float) -> QImage:
    page = pdf[index]
    try:
        bitmap = page.render(scale=dpi / 72.0, prefer_bgrx=True, may_draw_forms=False)
        try:
            w, h, stride = bitmap.width, bitmap.height, bitmap.stride
            # PDFium renders BGRx; copy() detaches the image from PDFium's buffer.
            image = QImage(bitmap.buffer, w, h, stride, QImage.Format.Format_RGB32).copy()
        finally:
            bitmap.close()
    finally:
        page.close()
    return image


class PdfPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Report preview")
        self._pdf: pdfium.PdfDocument | None = None
        self.page = SpinBox(self)
        self.page.setAccessibleName("Page")
        self.page.setMinimum(1)
        self.page.valueChanged.connect(self._show)
        self.of = QLabel("", self)
        self.prev_btn = QPushButton("◀ Previous", self)
        self.next_btn = QPushButton("Next ▶", self)
        self.prev_btn.clicked.connect(lambda: self.page.setValue(self.page.value() - 1))
        self.next_btn.clicked.connect(lambda: self.page.setValue(self.page.value() + 1))
        self.image = QLabel("No report yet.", self)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setAccessibleName("Page image")
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidget(self.image)
        self.scroll_area.setWidgetResizable(True)
        nav = QHBoxLayout()
        for w in (self.prev_btn, QLabel("Page", self), self.page, self.of, self.next_btn):
            nav.addWidget(w)
        nav.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(nav)
        lay.addWidget(self.scroll_area, 1)
        self._set_enabled(False)

    @property
    def page_count(self) -> int:
        return len(self._pdf) if self._pdf is not None else 0

    def load(self, path: Path) -> None:
        self.clear()
        self._pdf = pdfium.PdfDocument(str(path))
        self.page.setMaximum(max(1, self.page_count))
        self.of.setText(f"of {self.page_count}")
        self._set_enabled(True)
        self.page.setValue(1)
        self._show()

    def clear(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
        self._pdf = None
        self.image.setPixmap(QPixmap())
        self.image.setText("No report yet.")
        self.of.setText("")
        self._set_enabled(False)

    def _set_enabled(self, on: bool) -> None:
        for w in (self.page, self.prev_btn, self.next_btn):
            w.setEnabled(on)

    def _show(self) -> None:
        if self._pdf is None:
            return
        index = self.page.value() - 1
        width = max(400, self.scroll_area.viewport().width() - 24)
        page_w = self._pdf[index].get_width()
        dpi = 72.0 * width / page_w * self.devicePixelRatioF()
        img = render_page(self._pdf, index, dpi)
        img.setDevicePixelRatio(self.devicePixelRatioF())
        self.image.setPixmap(QPixmap.fromImage(img))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.clear()
        super().closeEvent(event)


def print_pdf(path: Path, printer: QPrinter, progress: Callable[[float, str], None],
              cancelled: Callable[[], bool]) -> int:
    """Print every page of ``path`` (runs in a worker: QPainter on a QPrinter is thread-safe)."""
    pdf = pdfium.PdfDocument(str(path))
    painter = QPainter()
    try:
        n = len(pdf)
        if not painter.begin(printer):
            raise OSError("The printer could not be opened.")
        dpi = min(300, printer.resolution())
        for i in range(n):
            if cancelled():
                printer.abort()
                raise ReportCancelled()
            if i:
                printer.newPage()
            img = render_page(pdf, i, dpi)
            target = painter.viewport()
            size = img.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(target.x(), target.y(), size.width(), size.height())
            painter.setWindow(img.rect())
            painter.drawImage(0, 0, img)
            painter.setViewport(target)
            progress((i + 1) / n, f"Printed page {i + 1} of {n}")
        return n
    finally:
        if painter.isActive():
            painter.end()
        pdf.close()
