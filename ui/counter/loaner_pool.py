"""The loaner pool: who has which laptop, due and overdue; add, take back and retire loaners."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.counter.views import LoanerView
from ui.counter import operations as ops
from ui.counter.context import CounterContext
from ui.errors import describe

COLUMNS = ("Asset tag", "Laptop", "State", "Lent to", "Repair", "Due back")
OVERDUE = QColor("#fde2e1")


class LoanerPoolWindow(QWidget):
    def __init__(self, cc: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cc = cc
        self.rows: list[LoanerView] = []
        self.setWindowTitle("Loaner pool")
        self.setObjectName("LoanerPool")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Loaners")
        self.overdue_only = QCheckBox("&Overdue only")
        self.summary = QLabel("")
        self.add_btn = QPushButton("&Add loaner…")
        self.back_btn = QPushButton("&Take back")
        self.retire_btn = QPushButton("&Retire…")
        self.refresh_btn = QPushButton("Re&fresh")
        self.overdue_only.toggled.connect(lambda _on: self._fill())
        self.add_btn.clicked.connect(self.add)
        self.back_btn.clicked.connect(self.take_back)
        self.retire_btn.clicked.connect(self.retire)
        self.refresh_btn.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.overdue_only)
        buttons = QHBoxLayout()
        for b in (self.add_btn, self.back_btn, self.retire_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_btn)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        self.resize(860, 420)
        self.refresh()

    def refresh(self) -> None:
        self.cc.runner.read(self.cc.counter.loaners.pool, self._on_pool, self._on_error, owner=self)

    def _on_pool(self, rows: list[LoanerView]) -> None:
        self.rows = rows
        self._fill()

    def _on_error(self, exc: BaseException) -> None:
        self.cc.dialogs.error(self, "Loaner pool", describe(exc))

    def _fill(self) -> None:
        now = self.cc.clock()
        shown = [r for r in self.rows if not self.overdue_only.isChecked()
                 or (r.current_loan and r.current_loan.overdue(now))]
        self.table.setRowCount(len(shown))
        for i, r in enumerate(shown):
            loan = r.current_loan
            overdue = bool(loan and loan.overdue(now))
            state = "Overdue" if overdue else "Lent" if loan else "Available"
            values = (r.asset_tag, r.description, state, f"{loan.person_name} ({loan.person_university_id})"
                      if loan else "", loan.repair_number or "" if loan else "",
                      f"{self.cc.counter.site.local(loan.due_at):%a %Y-%m-%d %H:%M}" if loan else "")
            for j, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setData(Qt.ItemDataRole.UserRole, r.asset_tag)
                if overdue:
                    item.setBackground(QBrush(OVERDUE))
                self.table.setItem(i, j, item)
        lent = sum(1 for r in self.rows if r.current_loan)
        late = sum(1 for r in self.rows if r.current_loan and r.current_loan.overdue(now))
        self.summary.setText(f"{len(self.rows)} loaners · {len(self.rows) - lent} available · {lent} lent · "
                             f"<b style='color:#a3180e'>{late} overdue</b>")

    def selected_tag(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def add(self) -> None:
        tag = self.cc.dialogs.ask_text(self, "Add loaner", "Asset tag (scan it):")
        if not tag:
            return
        desc = self.cc.dialogs.ask_text(self, "Add loaner", "Make and model:")
        if not desc:
            return
        ops.add_loaner(self.cc, tag, desc).run(self, done=lambda _v: self.refresh(), failed=self._on_error)

    def take_back(self) -> None:
        tag = self.selected_tag()
        if tag is None:
            return
        ops.take_back_loaner(self.cc, tag).run(self, done=lambda _v: self.refresh(), failed=self._on_error)

    def retire(self) -> None:
        tag = self.selected_tag()
        if tag is None:
            return
        reason = self.cc.dialogs.ask_text(self, "Retire loaner", f"Why is {tag} retired (broken, lost, old)?")
        if not reason:
            return
        ops.retire_loaner(self.cc, tag, reason).run(self, done=lambda _v: self.refresh(), failed=self._on_error)
