"""New incident: the essentials, keyboard-first; priority is derived by the core."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desk.incidents.service import NewIncident
from ui.context import DeskContext
from ui.errors import describe

SERVICES_HINT = "Service (leave empty if unknown)"


class NewIncidentDialog(QDialog):
    created = Signal(str)

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("New incident")
        self.setAccessibleName("New incident")
        form = QFormLayout(self)
        self.title = QLineEdit()
        self.title.setAccessibleName("Title")
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setAccessibleName("Description")
        self.caller = QLineEdit()
        self.caller.setAccessibleName("Caller university ID")
        self.service = QComboBox()
        self.service.setEditable(True)
        self.service.setAccessibleName(SERVICES_HINT)
        self.impact = QComboBox()
        self.impact.addItems(["low", "medium", "high"])
        self.impact.setAccessibleName("Impact")
        self.urgency = QComboBox()
        self.urgency.addItems(["medium", "high", "low"])
        self.urgency.setAccessibleName("Urgency")
        self.channel = QComboBox()
        self.channel.addItems(["phone", "walk_in", "email", "self_service", "monitoring"])
        self.channel.setAccessibleName("Channel")
        self.error = QLabel()
        self.error.setStyleSheet("color:#b00020;")
        self.error.setWordWrap(True)
        for label, w in (("&Title", self.title), ("&Description", self.description),
                         ("&Caller ID", self.caller), ("&Service", self.service), ("&Impact", self.impact),
                         ("&Urgency", self.urgency), ("C&hannel", self.channel)):
            form.addRow(label, w)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        ctx.runner.read(ctx.details.service_names, lambda names: self._fill_services(list(names)),
                        owner=self)

    def _fill_services(self, names: list[str]) -> None:
        self.service.addItem("")
        self.service.addItems(names)

    def submit(self) -> None:
        new = NewIncident(title=self.title.text(), description=self.description.toPlainText(),
                          caller_university_id=self.caller.text().strip() or None,
                          service=self.service.currentText().strip() or None,
                          impact=self.impact.currentText(), urgency=self.urgency.currentText(),
                          channel=self.channel.currentText())
        self.ctx.runner.write(lambda: self.ctx.services.incidents.open(self.ctx.actor, new),
                              self._on_created, lambda exc: self.error.setText(describe(exc)), owner=self)

    def _on_created(self, view) -> None:  # type: ignore[no-untyped-def]
        self.created.emit(view.number)
        self.accept()

