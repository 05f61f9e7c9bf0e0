"""The queue's cells painted once and kept as pixmaps, drawn again while nothing changed.

Every time the queue is shown again (a ticket's tab closed, the window raised), scrolled
by a row or repainted for any reason, Qt paints every visible cell from scratch: a style
option filled from seven roles, each a call into the Python model, then the text laid out
and shaped. That is 11 ms for a 32-row screen on this machine, most of a 16 ms frame; a
kept pixmap is drawn in a fraction of that (2.6 ms for the same screen, with Qt's grid).

A kept cell is drawn again only while everything it shows is the same:
- the row object (``QueueRow`` is immutable: a changed ticket is a new row object);
- the model's stamp for the cell (the SLA cell's words and state, which move with the clock);
- the cell's size, device pixel ratio and state (selected, focused, active window, hover,
  alternate row). A change of palette, font or style empties the store (``clear``).

The store is bounded by the bytes of its pixmaps, oldest dropped first: one and a half
screens of the largest the view's viewport has been (``fit_to``), 4.9 MB for a 1,162 x 699
queue, so a screenful is always kept; two screens and a per-row text cache beside them
cost the benchmark's hour of use 8 MB more (README, the GUI process's memory).
"""
from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

_Index = QModelIndex | QPersistentModelIndex

SCREENS = 1.5                        # screens of the viewport the store keeps
MIN_BUDGET_BYTES = 2 * 1024 * 1024   # until the view has a size
_S = QStyle.StateFlag
# The parts of a cell's state that change how it is painted.
_STATE = (_S.State_Selected | _S.State_HasFocus | _S.State_Active | _S.State_Enabled | _S.State_MouseOver).value


class RowSource(Protocol):
    """What the store asks of the model (``ui.queue.model.QueueModel``)."""

    def row_data(self, row: int) -> Any: ...

    def cell_stamp(self, row: Any, column: int) -> Any: ...


class CellPixmaps:
    """Painted cells by (incident id, column), within a budget of bytes."""

    def __init__(self, budget: int = MIN_BUDGET_BYTES) -> None:
        self.budget = budget
        self.bytes = 0
        self.hits = self.misses = 0
        # (id, column) -> (row object, (stamp, shape), pixmap, bytes); oldest first
        self._cells: dict[tuple[int, int], tuple[Any, tuple[Any, ...], QPixmap, int]] = {}

    def fit_to(self, width: int, height: int, ratio: float) -> None:
        """Keep ``SCREENS`` screens of a ``width`` x ``height`` viewport (device-independent
        pixels at ``ratio``): at least one whole screen, so showing it again is all kept.
        The budget only grows: a view being shown again is resized small for a moment on
        the way, and shrinking the budget then would drop the very cells about to be drawn."""
        self.budget = max(self.budget, int(SCREENS * width * height * ratio * ratio * 4))

    def __len__(self) -> int:
        return len(self._cells)

    def get(self, key: tuple[int, int], row: Any, shape: tuple[Any, ...]) -> QPixmap | None:
        held = self._cells.get(key)
        if held is not None and held[0] is row and held[1] == shape:
            self.hits += 1
            return held[2]
        self.misses += 1
        return None

    def put(self, key: tuple[int, int], row: Any, shape: tuple[Any, ...], pixmap: QPixmap) -> None:
        size = pixmap.width() * pixmap.height() * 4
        old = self._cells.pop(key, None)
        if old is not None:
            self.bytes -= old[3]
        self._cells[key] = (row, shape, pixmap, size)
        self.bytes += size
        if self.bytes > self.budget:
            self._drop_to(self.budget * 3 // 4)   # a quarter at once, not one cell per paint

    def _drop_to(self, goal: int) -> None:
        for k in list(self._cells):
            if self.bytes <= goal:
                break
            self.bytes -= self._cells.pop(k)[3]

    def clear(self) -> None:
        self._cells.clear()
        self.bytes = 0


class CachedCellDelegate(QStyledItemDelegate):
    """Paints a queue cell through ``render`` once, then from the store while it is the same.

    Subclasses change how a cell looks by overriding ``render`` (``ui.queue.chips``)."""

    def __init__(self, source: RowSource, store: CellPixmaps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source, self.store = source, store

    def render(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        super().paint(painter, option, index)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        column = index.column()
        row = self.source.row_data(index.row())
        if row is None:                     # "…" until its page is read: not worth keeping
            self.render(painter, option, index)
            return
        rect = option.rect
        widget = option.widget
        ratio = widget.devicePixelRatioF() if widget is not None else 1.0
        shape = (self.source.cell_stamp(row, column), rect.width(), rect.height(), ratio,
                 option.state.value & _STATE, option.features.value)
        key = (row.id, column)
        pixmap = self.store.get(key, row, shape)
        if pixmap is None:
            pixmap = self._painted(option, index, rect, ratio)
            self.store.put(key, row, shape, pixmap)
        painter.drawPixmap(rect.topLeft(), pixmap)

    def _painted(self, option: QStyleOptionViewItem, index: _Index, rect: QRect, ratio: float) -> QPixmap:
        pixmap = QPixmap(max(1, round(rect.width() * ratio)), max(1, round(rect.height() * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        # What the view paints under a cell before its delegate (base, or the alternate
        # row's): opaque, so the text keeps the antialiasing it has on the viewport.
        alternate = bool(option.features & QStyleOptionViewItem.ViewItemFeature.Alternate)
        pixmap.fill((option.palette.alternateBase() if alternate else option.palette.base()).color())
        opt = QStyleOptionViewItem(option)
        opt.rect = QRect(0, 0, rect.width(), rect.height())
        painter = QPainter(pixmap)
        try:
            self.render(painter, opt, index)
        finally:
            painter.end()
        return pixmap
