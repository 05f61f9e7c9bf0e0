"""Set-up → Incident models and major-incident rules (supervisors).

The models are edited with the counter's own editor (ui.counter.model_editor), embedded
here rather than copied, so both places save through IncidentModelService the same way.
Below it, the major-incident rules: the default and each service's own (surge threshold,
window, update interval), changed through MajorIncidentService.set_rule, whose limits
are the only ones: the boxes take any number and the service says what it refuses."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.errors import InvalidInput
from desk.major.views import RuleView
from ui.context import DeskContext
from ui.counter.context import CounterContext
from ui.counter.model_editor import IncidentModelEditor
from ui.errors import describe
from ui.wheel_guard import ComboBox, SpinBox

DEFAULT = "All services (default)"
COLUMNS = ("surge_threshold", "surge_window_minutes", "update_interval_minutes")
# The service names its fields by these words in its messages (set_rule's InvalidInput.field).
FIELD_OF = {"surge_threshold": "surge_threshold", "surge_window": "surge_window_minutes",
            "update_interval": "update_interval_minutes"}


def make(ctx: DeskContext, parent: QWidget) -> QWidget:
    return ModelsSection(ctx, parent)


class EmbeddedModelEditor(IncidentModelEditor):
    """The editor as a part of the page, not a window: Escape must not hide it."""

    def reject(self) -> None:
        pass


class RulesTable(QWidget):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.major = ctx.services.major
        self.rules: list[RuleView] = []
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName("Major-incident rules")
        self.table.setHorizontalHeaderLabels(["Service", "Surge: incidents", "Within (minutes)",
                                              "Updates every (minutes)"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.service = ComboBox()
        self.service.setAccessibleName("Service for a rule of its own")
        self.add_btn = QPushButton("Give this service its own rule")
        self.add_btn.clicked.connect(self.add_service_rule)
        self.save_btn = QPushButton("&Save rules")
        self.save_btn.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        explain = QLabel("Desk proposes a major incident when this many incidents are opened on one service "
                         "within the window (a person confirms); a major incident's next update is due after "
                         "the interval. A service without a rule of its own follows the default.")
        explain.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(explain)
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.service, 1)
        row.addWidget(self.add_btn)
        row.addStretch(1)
        row.addWidget(self.save_btn)
        lay.addLayout(row)
        lay.addWidget(self.message)
        self.reload()

    def reload(self, message: str = "") -> None:
        major, models = self.major, self.ctx.services.incident_models
        self.ctx.runner.read(lambda: (major.rules(), models.choices()[0]),
                             lambda got: self._fill(*got, message=message),
                             lambda exc: self.message.setText(describe(exc)), owner=self)

    def _fill(self, rules: list[RuleView], services: list[str], *, message: str = "") -> None:
        self.rules = rules
        self.table.setRowCount(len(rules))
        for r, rule in enumerate(rules):
            name = QTableWidgetItem(rule.service or DEFAULT)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(r, 0, name)
            for c, column in enumerate(COLUMNS, start=1):
                box = SpinBox()
                # No limits of its own beyond "a number": MajorIncidentService says what is too small.
                box.setRange(0, 1_000_000)
                box.setValue(getattr(rule, column))
                box.setAccessibleName(f"{rule.service or 'default'} {column}")
                self.table.setCellWidget(r, c, box)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        have = {r.service for r in rules}
        self.service.clear()
        self.service.addItems([s for s in services if s not in have])
        self.add_btn.setEnabled(self.service.count() > 0)
        self.message.setText(message)

    def box(self, service: str | None, column: str) -> QSpinBox:
        row = [r.service for r in self.rules].index(service)
        widget = self.table.cellWidget(row, COLUMNS.index(column) + 1)
        assert isinstance(widget, QSpinBox)
        return widget

    def changes(self) -> list[tuple[str | None, dict[str, int]]]:
        out = []
        for rule in self.rules:
            changed = {c: self.box(rule.service, c).value() for c in COLUMNS
                       if self.box(rule.service, c).value() != getattr(rule, c)}
            if changed:
                out.append((rule.service, changed))
        return out

    def save(self) -> None:
        changes, actor, major = self.changes(), self.ctx.actor, self.major
        if not changes:
            self.message.setText("Nothing changed.")
            return
        self.save_btn.setEnabled(False)

        def go() -> int:
            for service, values in changes:   # one unit of work per rule, each audited
                try:
                    major.set_rule(actor, service=service, **values)
                except InvalidInput as exc:
                    raise InvalidInput(f"{service or DEFAULT}: {exc}", exc.field) from None
            return len(changes)

        def done(n: int) -> None:
            self.save_btn.setEnabled(True)
            self.reload(f"Saved {n} rule{'s' if n != 1 else ''}.")

        def failed(exc: BaseException) -> None:
            # The boxes keep what was typed; the one refused gets the focus.
            self.save_btn.setEnabled(True)
            self.message.setText(describe(exc))
            field = FIELD_OF.get(getattr(exc, "field", "") or "")
            service = next((s for s, v in changes if field in v), None) if field else None
            if field and any(r.service == service for r in self.rules):
                self.box(service, field).setFocus()

        self.ctx.runner.write(go, done, failed, owner=self)

    def add_service_rule(self) -> None:
        service, actor, major = self.service.currentText(), self.ctx.actor, self.major
        if not service:
            return
        # A service's own rule starts as a copy of the default (set_rule with no values).
        self.ctx.runner.write(lambda: major.set_rule(actor, service=service),
                              lambda r: self.reload(f"{service} now has its own rule (a copy of the default); "
                                                    "change it and Save."),
                              lambda exc: self.message.setText(describe(exc)), owner=self)


class ModelsSection(QWidget):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = EmbeddedModelEditor(CounterContext.from_desk(ctx), self)
        self.editor.setWindowFlags(Qt.WindowType.Widget)
        self.rules = RulesTable(ctx, self)
        models_box = QGroupBox("Incident models")
        QVBoxLayout(models_box).addWidget(self.editor)
        rules_box = QGroupBox("Major-incident rules")
        QVBoxLayout(rules_box).addWidget(self.rules)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(models_box)
        split.addWidget(rules_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([640, 260])   # the models' form and checklist need the room; the rules are few
        lay = QVBoxLayout(self)
        lay.addWidget(split)
