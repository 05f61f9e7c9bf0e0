"""The queue table: columns chosen, reordered and resized (layout persists; on a first
run, with no saved layout, sized to the first page's content), rows opened with Enter,
priority and SLA drawn as chips, and the SLA column re-ticked while visible."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from desk.queue.service import QueueRow
from desk.queue.spec import COLUMNS, DEFAULT_COLUMNS, SORTABLE
from ui import settings as S
from ui.context import DeskContext
from ui.queue.cell_cache import CachedCellDelegate, CellPixmaps
from ui.queue.chips import ChipDelegate, chip_width
from ui.queue.model import COLUMN_KEYS, QueueModel

# First-run sizing: no column wider than this (a long title or department elides and the
# user can widen it), the title a little more, and the SLA column wide enough for its
# longest usual text, which the SLA snapshot brings in only after the first paint.
MAX_WIDTH = 260
MAX_WIDTHS = {"title": 420}
SLA_SAMPLE = "resp. 999h 59m over"   # business hours overdue run into the hundreds
FIT_ROWS = 200      # the first page: never a query, only rows already cached


class QueueView(QTableView):
    ticket_opened = Signal(str)      # incident number
    current_ticket_changed = Signal(object)  # QueueRow | None

    def __init__(self, ctx: DeskContext, model: QueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.queue_model = model
        self.setModel(model)
        self.setAccessibleName("Ticket queue")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setSortingEnabled(True)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(22)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_menu)
        header.sectionMoved.connect(lambda *_: self.save_layout())
        self._layout_timer = QTimer(self, singleShot=True, interval=500)
        header.sectionResized.connect(lambda *_: self._layout_timer.start())
        header.sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        self._layout_timer.timeout.connect(self.save_layout)
        self._selected_id: int | None = None
        # Every cell is painted once and kept (ui.queue.cell_cache): the queue shown again
        # after a ticket's tab closes is drawn from the kept cells, well inside a frame.
        self.cells = CellPixmaps()
        self.setItemDelegate(CachedCellDelegate(model, self.cells, self))
        self.chips = ChipDelegate(model, self.cells, self)
        for key in ("priority", "sla"):
            self.setItemDelegateForColumn(COLUMN_KEYS.index(key), self.chips)
        self._fit_pending = False     # True until a first run's columns are sized to content
        self._restore_layout()
        model.loaded.connect(self._fit_first_run)
        self.doubleClicked.connect(self._on_double_clicked)
        model.modelAboutToBeReset.connect(self._remember_selection)
        model.modelReset.connect(self._restore_selection)
        model.layoutChanged.connect(self._restore_selection)
        model.loaded.connect(lambda _n: self._restore_selection())
        self._tick = QTimer(self)
        self._tick.setInterval(max(1, ctx.settings.get(S.SLA_TICK_SECONDS)) * 1000)
        self._tick.timeout.connect(self.tick_sla)
        self._tick.start()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        viewport = self.viewport()
        self.cells.fit_to(viewport.width(), viewport.height(), viewport.devicePixelRatioF())

    def changeEvent(self, event: QEvent) -> None:
        # A kept cell was painted with the old palette, font or style (a light/dark switch).
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange, QEvent.Type.StyleChange) \
                and hasattr(self, "chips"):     # (not while the view is still being made)
            self.cells.clear()
            self.chips.forget_fonts()
        super().changeEvent(event)

    # -- layout ----------------------------------------------------------------
    def _restore_layout(self) -> None:
        widths = {"number": 95, "priority": 55, "sla": 95, "title": 320, "caller": 160,
                  "department": 150, "service": 150, "status": 110, "team": 120, "assignee": 120,
                  "updated": 125, "opened": 125}
        for i, key in enumerate(COLUMN_KEYS):
            self.setColumnWidth(i, widths.get(key, 100))
            self.setColumnHidden(i, key not in DEFAULT_COLUMNS)
        state = self.ctx.settings.get(S.QUEUE_HEADER)
        if state and not state.isEmpty():
            self.horizontalHeader().restoreState(state)
        else:
            self._fit_pending = True

    def _fit_first_run(self, _total: int = 0) -> None:
        """Size the columns to their header and the first rows, once, on a first run; the
        user's widths are saved from then on and restored instead."""
        if not self._fit_pending or self.queue_model.cached_count() == 0:
            return
        self._fit_pending = False
        self.fit_columns()
        self.save_layout()

    def fit_columns(self) -> None:
        header = self.horizontalHeader()
        metrics = QFontMetrics(self.font())
        rows = [r for r in range(min(self.queue_model.rowCount(), FIT_ROWS))
                if self.queue_model.row_data(r) is not None]
        for col, key in enumerate(COLUMN_KEYS):
            if self.isColumnHidden(col):
                continue
            # sizeHintForIndex goes through the column's delegate (the chips' padding).
            width = max([header.sectionSizeHint(col)]
                        + [self.sizeHintForIndex(self.queue_model.index(r, col)).width() for r in rows])
            if key == "sla":
                width = max(width, chip_width(metrics, SLA_SAMPLE))
            self.setColumnWidth(col, min(width + 4, MAX_WIDTHS.get(key, MAX_WIDTH)))

    def save_layout(self) -> None:
        self.ctx.settings.set(S.QUEUE_HEADER, self.horizontalHeader().saveState())

    def set_columns(self, columns: tuple[str, ...]) -> None:
        for i, key in enumerate(COLUMN_KEYS):
            self.setColumnHidden(i, key not in columns)
        self.save_layout()

    def visible_columns(self) -> tuple[str, ...]:
        header = self.horizontalHeader()
        order = sorted(range(len(COLUMN_KEYS)), key=header.visualIndex)
        return tuple(COLUMN_KEYS[i] for i in order if not self.isColumnHidden(i))

    def _on_header_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for i, key in enumerate(COLUMN_KEYS):
            act = menu.addAction(COLUMNS[key])
            act.setCheckable(True)
            act.setChecked(not self.isColumnHidden(i))
            act.toggled.connect(lambda on, i=i: self._show_column(i, on))
        menu.exec(self.horizontalHeader().mapToGlobal(pos))

    def _show_column(self, index: int, shown: bool) -> None:
        self.setColumnHidden(index, not shown)
        self.save_layout()

    def _on_header_sort_indicator_changed(self, section: int, _order: Qt.SortOrder) -> None:
        if COLUMN_KEYS[section] not in SORTABLE:
            # Keep the indicator truthful: show the sort actually in force.
            self.show_sort(self.queue_model.spec.sort, self.queue_model.spec.descending)

    def show_sort(self, sort: str, descending: bool) -> None:
        header = self.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(COLUMN_KEYS.index(sort),
                                Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)

    # -- selection kept by id ------------------------------------------------------
    def currentChanged(self, current: QModelIndex | QPersistentModelIndex,
                       previous: QModelIndex | QPersistentModelIndex) -> None:
        super().currentChanged(current, previous)
        row = self.queue_model.row_data(current.row()) if current.isValid() else None
        if row is not None:
            self._selected_id = row.id
        self.current_ticket_changed.emit(row)

    def _remember_selection(self) -> None:
        cur = self.currentIndex()
        row = self.queue_model.row_data(cur.row()) if cur.isValid() else None
        if row is not None:
            self._selected_id = row.id

    def _restore_selection(self) -> None:
        if self._selected_id is None:
            return
        r = self.queue_model.row_of(self._selected_id)
        if r is not None and (not self.currentIndex().isValid() or self.currentIndex().row() != r):
            self.setCurrentIndex(self.queue_model.index(r, self.currentIndex().column() if
                                                        self.currentIndex().isValid() else 0))

    def selected_row(self) -> QueueRow | None:
        cur = self.currentIndex()
        return self.queue_model.row_data(cur.row()) if cur.isValid() else None

    def step_selection(self, step: int) -> None:
        """Next/previous ticket (keyboard), loading pages as it goes."""
        if self.queue_model.rowCount() == 0:
            return
        cur = self.currentIndex()
        r = max(0, min(self.queue_model.rowCount() - 1, (cur.row() if cur.isValid() else -1) + step))
        self.setCurrentIndex(self.queue_model.index(r, cur.column() if cur.isValid() else 0))
        self.scrollTo(self.currentIndex())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            row = self.selected_row()
            if row is not None:
                self.ticket_opened.emit(row.number)
                return
        super().keyPressEvent(event)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        row = self.queue_model.row_data(index.row())
        if row is not None:
            self.ticket_opened.emit(row.number)

    # -- SLA ticking -----------------------------------------------------------------
    def visible_rows(self) -> range:
        first = self.rowAt(0)
        last = self.rowAt(self.viewport().height() - 1)
        if first < 0:
            return range(0)
        if last < 0:
            last = self.queue_model.rowCount() - 1
        return range(first, last + 1)

    def tick_sla(self) -> None:
        rows = self.visible_rows()
        if not rows:
            return
        self.queue_model.refresh_sla(rows)
