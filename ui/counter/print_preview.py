"""Preview (the PDF rendered with PDFium), save, and print through Qt to a chosen printer.

The slip/receipt printer and the label printer are remembered separately.
"""
from __future__ import annotations

import logging
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desk.printing.jobs import KINDS
from ui.counter.context import CounterContext
from ui.counter.settings import LABEL_PRINTER, SLIP_PRINTER
from ui.errors import describe
from ui.screen_fit import in_documents
from ui.settings import Setting

log = logging.getLogger(__name__)


def page_images(pdf: bytes, dpi: float) -> list[QImage]:
    doc = pdfium.PdfDocument(pdf)
    try:
        out = []
        for i in range(len(doc)):
            page = doc[i]
            bitmap = page.render(scale=dpi / 72.0)
            rgb = bitmap.to_pil().convert("RGB")
            data = rgb.tobytes()
            img = QImage(data, rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888)
            out.append(img.copy())  # detach from the Python buffer before it is freed
            bitmap.close()
            page.close()
        return out
    finally:
        doc.close()


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Print every page, scaled to the printable area; returns the number of pages printed."""
    dpi = min(300, max(printer.resolution(), 150))
    images = page_images(pdf, dpi)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be opened.")
    try:
        for i, img in enumerate(images):
            if i:
                printer.newPage()
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            target = QRectF(0, 0, area.width(), area.height())
            scale = min(target.width() / img.width(), target.height() / img.height())
            painter.drawImage(QRectF(0, 0, img.width() * scale, img.height() * scale), img)
    finally:
        painter.end()
    return len(images)


class PdfPage(QWidget):
    """One printout: its pages stacked in a scroll area, and its actions."""

    def __init__(self, cc: CounterContext, kind: str, number: str, pdf: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cc, self.kind, self.number, self.pdf = cc, kind, number, pdf
        self.setAccessibleName(f"{KINDS[kind]} preview")
        body = QWidget()
        col = QVBoxLayout(body)
        dpi = 110 if kind != "tag" else 300
        self.images = page_images(pdf, dpi)
        for img in self.images:
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(img))
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setStyleSheet("background: white; border: 1px solid #99a;")
            col.addWidget(label)
        col.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        self.save_btn = QPushButton("&Save PDF…")
        self.print_btn = QPushButton("&Print…")
        self.status = QLabel("")
        self.save_btn.clicked.connect(self.save)
        self.print_btn.clicked.connect(self.print_)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.save_btn)
        row.addWidget(self.print_btn)
        lay = QVBoxLayout(self)
        lay.addWidget(scroll, 1)
        lay.addLayout(row)

    @property
    def printer_setting(self) -> Setting[str]:
        return LABEL_PRINTER if self.kind == "tag" else SLIP_PRINTER

    def ask_save_path(self) -> str:
        name = f"{self.number}-{self.kind}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, f"Save {KINDS[self.kind].lower()}", in_documents(name),
                                              "PDF (*.pdf)")
        return path

    def save(self) -> Path | None:
        path = self.ask_save_path()
        if not path:
            return None
        target = Path(path)
        try:
            target.write_bytes(self.pdf)
        except OSError as exc:
            self.cc.dialogs.error(self, "Save failed", f"Could not write {target}: {exc.strerror}")
            return None
        self.status.setText(f"Saved {target.name}")
        return target

    def make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        remembered = self.cc.settings.get(self.printer_setting)
        if remembered and remembered in QPrinterInfo.availablePrinterNames():
            printer.setPrinterName(remembered)
        return printer

    def remembered_printer(self) -> QPrinter | None:
        """The remembered printer of this kind if it is still installed, else None."""
        remembered = self.cc.settings.get(self.printer_setting)
        if not remembered or remembered not in QPrinterInfo.availablePrinterNames():
            return None
        return self.make_printer()

    def print_direct(self) -> bool:
        """Counter speed: straight to the remembered printer, no dialog."""
        printer = self.remembered_printer()
        if printer is None:
            return False
        try:
            pages = print_pdf(self.pdf, printer)
        except OSError as exc:
            self.cc.dialogs.error(self, "Printing failed", describe(exc))
            return False
        self.status.setText(f"Sent {pages} page(s) to {printer.printerName()}")
        return True

    def ask_printer(self, printer: QPrinter) -> bool:
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print {KINDS[self.kind].lower()}")
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_(self) -> bool:
        printer = self.make_printer()
        if not self.ask_printer(printer):
            return False
        try:
            pages = print_pdf(self.pdf, printer)
        except OSError as exc:
            self.cc.dialogs.error(self, "Printing failed", describe(exc))
            return False
        if printer.outputFormat() == QPrinter.OutputFormat.NativeFormat and printer.printerName():
            self.cc.settings.set(self.printer_setting, printer.printerName())
        self.status.setText(f"Sent {pages} page(s) to {printer.printerName() or printer.outputFileName()}")
        return True


class PrintPreviewDialog(QDialog):
    def __init__(self, cc: CounterContext, jobs: list[tuple[str, str, bytes]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Print — {jobs[0][1]}" if jobs else "Print")
        self.setObjectName("CounterPrintPreview")
        self.tabs = QTabWidget()
        self.pages: list[PdfPage] = []
        for kind, number, pdf in jobs:
            page = PdfPage(cc, kind, number, pdf)
            self.pages.append(page)
            self.tabs.addTab(page, KINDS[kind])
        close = QPushButton("&Done")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addLayout(row)
        self.resize(900, 900)
