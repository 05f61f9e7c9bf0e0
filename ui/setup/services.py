"""Set-up → Services: the service catalogue with each service's SLA and default team.

The list and the form read and write through the runner; the form keeps what was typed
when the service refuses it, with the message under the field it names."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.sla.service_setup import ServiceInfo
from ui import combos
from ui.context import DeskContext
from ui.field_errors import FieldErrors
from ui.setup import operations as ops
from ui.wheel_guard import ComboBox

NO_TEAM = ("(no default team)", "")
COLUMNS = ("Service", "SLA", "Default team", "Open tickets", "State", "Categories")


@dataclass(frozen=True)
class Loaded:
    services: list[ServiceInfo]
    slas: list[str]
    teams: list[str]


class ServicesSection(QWidget):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[ServiceInfo] = []
        self.current: ServiceInfo | None = None   # None: the form adds a new service
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("services_table")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.show_retired = QCheckBox("Show retired services")
        self.show_retired.setChecked(True)
        self.show_retired.toggled.connect(lambda _on: self._fill())
        self.new_btn = QPushButton("&New service")
        self.new_btn.clicked.connect(self.new_service)

        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: 600; font-size: 14px;")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Classroom Technology")
        self.description = QPlainTextEdit()
        self.description.setMaximumHeight(80)
        self.description.setPlaceholderText("What the service is, for staff choosing it on a ticket")
        self.sla = ComboBox()
        self.team = ComboBox()
        self.state = QLabel()
        self.general = QLabel()
        self.general.setWordWrap(True)
        form = QFormLayout()
        self.errors = FieldErrors(form, self.general)
        self.errors.add_row("name", "&Name", self.name)
        self.errors.add_row("description", "&Description", self.description)
        self.errors.add_row("sla", "&SLA", self.sla)
        self.errors.add_row("team", "Default &team", self.team)
        form.addRow("State", self.state)
        self.categories = QLineEdit()
        self.categories.setPlaceholderText("comma-separated, e.g. Projectors, Lecture capture")
        self.errors.add_row("categories", "&Categories", self.categories)
        self.used = QLabel()
        self.used.setWordWrap(True)
        self.used.setStyleSheet("color: palette(placeholder-text);")
        form.addRow("", self.used)
        self.save_btn = QPushButton("&Save")
        self.save_btn.setDefault(True)
        self.save_btn.clicked.connect(self.save)
        self.retire_btn = QPushButton("&Retire")
        self.retire_btn.setToolTip("Stop offering the service for new tickets; its tickets and history stay")
        self.retire_btn.clicked.connect(self.toggle_active)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.sla_note = QLabel("A new SLA governs tickets opened from the change on; open tickets keep "
                               "the SLA they were opened under.")
        self.sla_note.setWordWrap(True)
        self.sla_note.setStyleSheet("color: palette(placeholder-text);")

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.new_btn)
        top.addStretch(1)
        top.addWidget(self.show_retired)
        lv.addLayout(top)
        lv.addWidget(self.table, 1)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.heading)
        rv.addLayout(form)
        rv.addWidget(self.sla_note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_btn)
        buttons.addWidget(self.retire_btn)
        buttons.addStretch(1)
        rv.addLayout(buttons)
        rv.addWidget(self.general)
        rv.addWidget(self.status)
        rv.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([880, 480])   # the list wide enough for the categories, the form beside it
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.new_service()
        self.reload()

    # -- reading -------------------------------------------------------------
    def reload(self, select: str | None = None, message: str = "") -> None:
        services = self.ctx.services

        def read() -> Loaded:
            return Loaded(services.service_catalogue.services(), sorted(services.sla.catalogue().slas),
                          services.service_catalogue.teams())

        self.status.setText("Loading…")
        self.ctx.runner.read(read, lambda loaded: self._on_loaded(loaded, select, message), self._on_failed,
                             owner=self)

    def _on_loaded(self, loaded: Loaded, select: str | None, message: str) -> None:
        self.status.setText(message)
        self.rows = loaded.services
        sla, team = combos.value(self.sla), combos.value(self.team)
        combos.fill(self.sla, [(n, n) for n in loaded.slas], sla or "standard")
        combos.fill(self.team, [NO_TEAM, *((t, t) for t in loaded.teams)], team or "")
        self._fill(select or (self.current.name if self.current else None))

    def _fill(self, select: str | None = None) -> None:
        shown = [r for r in self.rows if r.active or self.show_retired.isChecked()]
        self.table.blockSignals(True)
        self.table.setRowCount(len(shown))
        chosen = -1
        for i, r in enumerate(shown):
            cells = (r.name, r.sla or "—", r.team or "—", f"{r.open_tickets:,}",
                     "Active" if r.active else "Retired", ", ".join(r.categories) or "—")
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r.name)
                item.setToolTip(text)
                if j == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if not r.active:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(i, j, item)
            if r.name == select:
                chosen = i
        self.table.blockSignals(False)
        if chosen >= 0:
            self.table.selectRow(chosen)
            self._show(shown[chosen])

    def _on_table_selection_changed(self) -> None:
        items = self.table.selectedItems()
        if not items:
            return
        name = items[0].data(Qt.ItemDataRole.UserRole)
        row = next((r for r in self.rows if r.name == name), None)
        if row is not None:
            self._show(row)

    def _show(self, row: ServiceInfo) -> None:
        self.current = row
        self.errors.clear()
        self.heading.setText(row.name)
        self.name.setText(row.name)
        self.description.setPlainText(row.description)
        combos.select(self.sla, row.sla)
        combos.select(self.team, row.team or "")
        self.state.setText("Active: offered for new tickets" if row.active else
                           "Retired: not offered for new tickets; its tickets keep it")
        self.categories.setText(", ".join(row.categories))
        self.used.setText(f"On its tickets: {', '.join(row.categories_used)}" if row.categories_used else
                          "No ticket on it has a category yet.")
        self.retire_btn.setText("&Retire" if row.active else "&Bring back")
        self.retire_btn.setEnabled(True)
        self.save_btn.setText("&Save")

    def new_service(self) -> None:
        self.current = None
        self.table.clearSelection()
        self.errors.clear()
        self.heading.setText("New service")
        self.name.clear()
        self.description.clear()
        combos.select(self.sla, "standard")
        combos.select(self.team, "")
        self.state.setText("Active once added")
        self.categories.clear()
        self.used.clear()
        self.retire_btn.setEnabled(False)
        self.save_btn.setText("&Add service")
        self.name.setFocus()

    # -- writing -------------------------------------------------------------
    def save(self) -> None:
        name, description = self.name.text(), self.description.toPlainText()
        categories = [c for c in self.categories.text().split(",") if c.strip()]
        sla, team = combos.value(self.sla) or "", combos.value(self.team) or ""
        self.errors.clear()
        self.status.setText("Saving…")
        self.save_btn.setEnabled(False)
        if self.current is None:
            op = ops.add_service(self.ctx, name, description=description, sla=sla, team=team or None,
                                 categories=categories)
        else:
            op = ops.update_service(self.ctx, self.current.name, new_name=name, description=description, sla=sla,
                                    team=team, categories=categories)
        op.run(self, done=self._on_saved, failed=self._on_failed)

    def toggle_active(self) -> None:
        if self.current is None:
            return
        row = self.current
        if row.active and not self.ctx.dialogs.confirm(
                self, "Retire service",
                f"Retire {row.name}? It is no longer offered for new tickets; its {row.open_tickets:,} open "
                "tickets, its history and reports keep it. You can bring it back later."):
            return
        self.status.setText("Saving…")
        ops.set_service_active(self.ctx, row.name, not row.active).run(
            self, done=self._on_saved, failed=self._on_failed)

    def _on_saved(self, row: ServiceInfo) -> None:
        self.save_btn.setEnabled(True)
        self.current = row
        self.reload(select=row.name, message=f"Saved {row.name}.")

    def _on_failed(self, exc: BaseException) -> None:
        self.save_btn.setEnabled(True)
        self.status.clear()
        self.errors.show(exc)


def make(ctx: DeskContext, parent: QWidget) -> QWidget:
    return ServicesSection(ctx, parent)
