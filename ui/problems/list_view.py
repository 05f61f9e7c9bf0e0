"""The Problems view: problem records (not incidents) with a scope, a search and the
table; Enter or a double-click opens the problem in a tab."""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.live.watcher import PROBLEM, Change
from desk.problems.listing import ProblemQuery
from ui.context import DeskContext
from ui.errors import describe
from ui.problems import operations as ops
from ui.problems.model import COLUMN_KEYS, ProblemTableModel
from ui.wheel_guard import ComboBox

SCOPES = (("open", "Open problems"), ("known_error", "Known errors"), ("all", "All problems"))


class ProblemTable(QTableView):
    activated_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class ProblemListView(QWidget):
    problem_opened = Signal(str)

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Problems")
        self.model = ProblemTableModel(ctx, self)
        self._stale = False
        # Incident changes (links to problems) re-read the shown rows, once per burst.
        self._incidents_changed = QTimer(self, singleShot=True, interval=800)
        self._incidents_changed.timeout.connect(self.model.soft_refresh)
        ctx.changes.changed.connect(self._on_change)
        self.scope = ComboBox()
        self.scope.setAccessibleName("Which problems")
        for key, label in SCOPES:
            self.scope.addItem(label, key)
        self.scope.currentIndexChanged.connect(self._on_filters_changed)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter problems by number or title…")
        self.search.setAccessibleName("Filter problems")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self._on_filters_changed)
        self.search.textChanged.connect(lambda t: None if t else self._on_filters_changed())
        self.new_button = QPushButton("New problem…")
        self.new_button.setAccessibleName("New problem")
        self.new_button.clicked.connect(self.new_problem)
        self.summary = QLabel("")
        self.summary.setAccessibleName("Problem count")
        self.table = ProblemTable(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Problem list")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        widths = {"number": 95, "status": 100, "title": 320, "service": 150, "team": 120, "assignee": 130,
                  "incidents": 70, "updated": 125}
        for i, key in enumerate(COLUMN_KEYS):
            self.table.setColumnWidth(i, widths[key])
        self.table.horizontalHeader().setSortIndicator(COLUMN_KEYS.index("updated"), Qt.SortOrder.DescendingOrder)
        self.table.doubleClicked.connect(lambda idx: self.open_row(idx.row()))
        self.table.activated_row.connect(self.open_row)
        self.model.loaded.connect(self._on_loaded)
        # A reset (re-sort, refresh, live refresh) keeps the selected problem selected.
        self._selected_before_reset: int | None = None
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)
        top = QHBoxLayout()
        top.addWidget(self.scope)
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)

    def current_query(self) -> ProblemQuery:
        return replace(self.model.query, scope=self.scope.currentData(), search=self.search.text().strip())

    def _on_filters_changed(self, *_args: object) -> None:
        self.model.set_query(self.current_query())

    def new_problem(self) -> None:
        """A problem record opened from the list (not from an incident): asks its title."""
        title = self.ctx.dialogs.ask_text(self, "New problem", "Title of the problem:")
        if not title or not title.strip():
            return
        ops.open_problem(self.ctx, title.strip()).run(
            self, done=lambda p: self.problem_opened.emit(p.number),
            failed=lambda exc: self.ctx.dialogs.error(self, "New problem", describe(exc)))

    def reload(self) -> None:
        self._stale = False
        self.model.set_query(self.current_query())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:          # changes came while a ticket page stood in front
            self._stale = False
            self.model.soft_refresh()

    def _on_change(self, change: Change) -> None:
        """From the change hub. Hidden, the list re-reads when it is next shown."""
        if not self.isVisible():
            self._stale = True
            return
        if change.kind == PROBLEM:
            self.model.apply_change(change)
        else:
            self._incidents_changed.start()

    def _on_loaded(self, total: int) -> None:
        self.summary.setText(f"{total:,} {self.scope.currentText().lower()}")
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _remember_selection(self) -> None:
        row = self.model.row_at(self.table.currentIndex().row())
        self._selected_before_reset = row.id if row else None

    def _restore_selection(self) -> None:
        pid, self._selected_before_reset = self._selected_before_reset, None
        at = self.model.row_of(pid) if pid is not None else None
        if at is not None:
            self.table.setCurrentIndex(self.model.index(at, 0))

    def selected_number(self) -> str | None:
        row = self.model.row_at(self.table.currentIndex().row())
        return row.number if row else None

    def open_row(self, row: int) -> None:
        r = self.model.row_at(row)
        if r is not None:
            self.problem_opened.emit(r.number)

    def open_selected(self) -> None:
        idx: QModelIndex = self.table.currentIndex()
        if idx.isValid():
            self.open_row(idx.row())

    def step_selection(self, delta: int) -> None:
        n = self.model.rowCount()
        if not n:
            return
        cur = self.table.currentIndex().row()
        row = min(max((cur if cur >= 0 else -1) + delta, 0), n - 1)
        self.table.setCurrentIndex(self.model.index(row, 0))
