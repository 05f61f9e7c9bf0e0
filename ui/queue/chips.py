"""Priority and SLA cells drawn as small coloured chips with their words inside.

The text is the model's DisplayRole, unchanged (sorting, copying, screen readers and
tests read it); the chip's fill is the model's ``CHIP_ROLE`` colour (from
``ui.queue.cells``) and its text black or white, whichever contrasts more, so the state
is never told by colour alone and stays readable on every fill, light or dark scheme.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem, QWidget

from ui.queue.cell_cache import CachedCellDelegate, CellPixmaps, RowSource
from ui.queue.cells import text_on
from ui.queue.model import CHIP_ROLE

_Index = QModelIndex | QPersistentModelIndex

H_PAD = 6      # text to the chip's edge
MARGIN = 3     # chip to the cell's edge
DISPLAY, FONT, BACKGROUND = (int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.FontRole),
                             int(Qt.ItemDataRole.BackgroundRole))


def chip_width(metrics: QFontMetrics, text: str) -> int:
    """The cell width a chip showing ``text`` needs (the column sizing uses it too)."""
    return metrics.horizontalAdvance(text) + 2 * (H_PAD + MARGIN)


class ChipDelegate(CachedCellDelegate):
    """Renders the chip from the four roles it needs (words, fill, font, background), not
    the seven a whole style option asks for, each a call into Python; the kept pixmap
    (``ui.queue.cell_cache``) is drawn while the cell stays the same."""

    def __init__(self, source: RowSource, store: CellPixmaps, parent: QWidget | None = None) -> None:
        super().__init__(source, store, parent)
        self._ink: dict[int, QColor] = {}                      # fill's rgba -> black or white
        self._metrics: dict[str, QFontMetrics] = {}            # font key -> its metrics
        self._advance: dict[tuple[str, str], int] = {}         # (font key, words) -> width

    def forget_fonts(self) -> None:
        """The font changed: measure the words again."""
        self._metrics.clear()
        self._advance.clear()

    def render(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        text = index.data(DISPLAY)
        background = index.data(BACKGROUND)
        opt = QStyleOptionViewItem(option)      # the view's state: selected, alternate row, focus
        if background is not None:
            opt.backgroundBrush = background
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        # The cell itself (selection, alternate row, focus) without its text.
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if not text:
            return
        fill = index.data(CHIP_ROLE)
        if not isinstance(fill, QColor):
            fill = opt.palette.color(opt.palette.ColorRole.Mid)
        bold = index.data(FONT)
        # The model's bold says only "bold": the rest (family, size) is the view's font.
        font = bold.resolve(opt.font) if isinstance(bold, QFont) else opt.font
        key = font.key()
        metrics = self._metrics.get(key)
        if metrics is None:
            metrics = self._metrics[key] = QFontMetrics(font)
        advance = self._advance.get((key, text))
        if advance is None:
            if len(self._advance) > 4096:       # SLA words change by the minute
                self._advance.clear()
            advance = self._advance[(key, text)] = metrics.horizontalAdvance(text)
        cell = opt.rect.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        width = min(cell.width(), advance + 2 * H_PAD)
        height = min(cell.height(), metrics.height() + 2)
        room = cell.width() - 2 * H_PAD
        # Elide only when the column is really too narrow: elidedText() measures a little
        # wider than horizontalAdvance() and would cut "P3" to "…" in a chip made for it.
        shown = text if advance <= room else metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, room))
        chip = QRectF(cell.x(), cell.y() + (cell.height() - height) / 2, width, height)
        ink = self._ink.get(fill.rgba())
        if ink is None:
            ink = self._ink[fill.rgba()] = text_on(fill)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(chip, height / 2, height / 2)
        painter.setPen(ink)
        painter.setFont(font)
        painter.drawText(chip.adjusted(-H_PAD / 2, 0, H_PAD / 2, 0), Qt.AlignmentFlag.AlignCenter, shown)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        base = super().sizeHint(option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)     # the cell's own font (P1 and P2 are bold)
        if not opt.text:
            return base
        return QSize(max(base.width(), chip_width(QFontMetrics(opt.font), opt.text)), base.height())
