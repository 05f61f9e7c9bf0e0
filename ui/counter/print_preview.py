"""Preview (the PDF rendered with PDFium), save, and print through Qt to a chosen printer.

The slip/receipt printer and the label printer are remembered separately.
"""
from __future__ import annotations

import logging
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QKeySequence, QPainter, QPixmap, QResizeEvent, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desk.printing.jobs import KINDS
from ui.counter.context import CounterContext
from ui.counter.settings import LABEL_PRINTER, SLIP_PRINTER
from ui.errors import describe
from ui.screen_fit import Dialog, in_documents
from ui.settings import Setting
from ui.wheel_guard import ComboBox

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


ZOOM_STEPS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)
FIT_WIDTH, FIT_PAGE = "width", "page"


class PdfPage(QWidget):
    """One printout: its pages stacked in a scroll area, zoomable (fit to the width, the whole
    page, or a size where 100 % is the paper's own), and its actions."""

    def __init__(self, cc: CounterContext, kind: str, number: str, pdf: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cc, self.kind, self.number, self.pdf = cc, kind, number, pdf
        self.setAccessibleName(f"{KINDS[kind]} preview")
        # Rendered once, sharp enough for 200 % on a slip and for a tag's small print;
        # zooming scales these.
        self.render_dpi = 150 if kind != "tag" else 300
        self.images = page_images(pdf, self.render_dpi)
        self.labels: list[QLabel] = []
        body = QWidget()
        col = QVBoxLayout(body)
        for _img in self.images:
            label = QLabel()
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setStyleSheet("background: white; border: 1px solid #99a;")
            self.labels.append(label)
            col.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        col.addStretch(1)
        self.pages_area = QScrollArea()
        self.pages_area.setWidget(body)
        self.pages_area.setWidgetResizable(True)
        self.pages_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.zoom_box = ComboBox()
        self.zoom_box.setAccessibleName("Zoom")
        self.zoom_box.addItem("Fit width", FIT_WIDTH)
        self.zoom_box.addItem("Whole page", FIT_PAGE)
        for step in ZOOM_STEPS:
            self.zoom_box.addItem(f"{step:.0%}", step)
        self.zoom_box.currentIndexChanged.connect(lambda _i: self.apply_zoom())
        zoom_out = QToolButton()
        zoom_out.setText("−")
        zoom_out.setToolTip("Zoom out (Ctrl+−)")
        zoom_out.setAccessibleName("Zoom out")
        zoom_in = QToolButton()
        zoom_in.setText("+")
        zoom_in.setToolTip("Zoom in (Ctrl++)")
        zoom_in.setAccessibleName("Zoom in")
        zoom_out.clicked.connect(lambda: self.zoom_by(-1))
        zoom_in.clicked.connect(lambda: self.zoom_by(+1))
        for keys, step in ((QKeySequence.StandardKey.ZoomIn, +1), (QKeySequence.StandardKey.ZoomOut, -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=step: self.zoom_by(s))
        fit = QShortcut(QKeySequence("Ctrl+0"), self)
        fit.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        fit.activated.connect(lambda: self.zoom_box.setCurrentIndex(0))
        self.save_btn = QPushButton("&Save PDF…")
        self.print_btn = QPushButton("&Print…")
        self.status = QLabel("")
        self.save_btn.clicked.connect(self.save)
        self.print_btn.clicked.connect(self.print_)
        row = QHBoxLayout()
        row.addWidget(zoom_out)
        row.addWidget(self.zoom_box)
        row.addWidget(zoom_in)
        row.addWidget(self.status, 1)
        row.addWidget(self.save_btn)
        row.addWidget(self.print_btn)
        lay = QVBoxLayout(self)
        lay.addWidget(self.pages_area, 1)
        lay.addLayout(row)
        self.apply_zoom()

    # -- zoom ------------------------------------------------------------------------------
    def _paper_px(self) -> tuple[float, float]:
        """The first page's size on this screen at 100 % (its paper size)."""
        if not self.images:
            return 1.0, 1.0
        screen_dpi = self.logicalDpiX() or 96
        img = self.images[0]
        return img.width() / self.render_dpi * screen_dpi, img.height() / self.render_dpi * screen_dpi

    def zoom(self) -> float:
        """The zoom shown now, 1.0 being the paper's own size."""
        mode = self.zoom_box.currentData()
        if mode not in (FIT_WIDTH, FIT_PAGE):
            return float(mode)
        width, height = self._paper_px()
        # The room the scroll area gives, less the frame, the layout's margins and a scroll bar.
        room_w = max(self.pages_area.viewport().width() - 40, 50)
        room_h = max(self.pages_area.viewport().height() - 24, 50)
        factor = room_w / width
        if mode == FIT_PAGE:
            factor = min(factor, room_h / height)
        return max(min(factor, ZOOM_STEPS[-1]), 0.05)

    def zoom_by(self, steps: int) -> None:
        now = self.zoom()
        if steps > 0:
            target = next((z for z in ZOOM_STEPS if z > now + 1e-6), ZOOM_STEPS[-1])
        else:
            target = next((z for z in reversed(ZOOM_STEPS) if z < now - 1e-6), ZOOM_STEPS[0])
        self.zoom_box.setCurrentIndex(self.zoom_box.findData(target))

    def apply_zoom(self) -> None:
        screen_dpi = self.logicalDpiX() or 96
        scale = self.zoom() * screen_dpi / self.render_dpi
        for img, label in zip(self.images, self.labels, strict=True):
            size = QSize(max(int(img.width() * scale), 1), max(int(img.height() * scale), 1))
            label.setPixmap(QPixmap.fromImage(img).scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                                          Qt.TransformationMode.SmoothTransformation))
            label.setFixedSize(size)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.zoom_box.currentData() in (FIT_WIDTH, FIT_PAGE):
            self.apply_zoom()

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


class PrintPreviewDialog(Dialog):
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
