"""New incident: the essentials, keyboard-first; priority is derived by the core."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desk.common.records import IncidentView
from desk.incidents.service import NewIncident
from desk.rules import choices, labels
from ui import combos
from ui.context import DeskContext
from ui.field_errors import FieldErrors
from ui.screen_fit import Dialog
from ui.wheel_guard import ComboBox

SERVICES_HINT = "Service (leave empty if unknown)"


def _default(name: str) -> str:
    """The value a new incident gets when nobody chooses (NewIncident's default)."""
    default = NewIncident.__dataclass_fields__[name].default
    return str(getattr(default, "value", default))


class NewIncidentDialog(Dialog):
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
        self.service = ComboBox()
        self.service.setEditable(True)
        self.service.setAccessibleName(SERVICES_HINT)
        # The choices and their defaults are the core's (NewIncident); the words are desk's labels.
        self.impact = ComboBox()
        combos.fill(self.impact, labels.options(choices.IMPACTS, labels.impact), _default("impact"))
        self.impact.setAccessibleName("Impact")
        self.urgency = ComboBox()
        combos.fill(self.urgency, labels.options(choices.URGENCIES, labels.urgency), _default("urgency"))
        self.urgency.setAccessibleName("Urgency")
        self.channel = ComboBox()
        combos.fill(self.channel, labels.options(choices.CHANNELS, labels.channel), _default("channel"))
        self.channel.setAccessibleName("Channel")
        self.error = QLabel()
        self.error.setStyleSheet("color:#b00020;")
        self.error.setWordWrap(True)
        # Each field's error shows beside it; the names are the ones the service's errors use.
        self.errors = FieldErrors(form, self.error)
        for name, label, w in (("title", "&Title", self.title), ("description", "&Description", self.description),
                               ("caller_university_id", "&Caller ID", self.caller),
                               ("service", "&Service", self.service), ("impact", "&Impact", self.impact),
                               ("urgency", "&Urgency", self.urgency), ("channel", "C&hannel", self.channel)):
            self.errors.add_row(name, label, w)
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
                          impact=self.impact.currentData(), urgency=self.urgency.currentData(),
                          channel=self.channel.currentData())
        self.ctx.runner.write(lambda: self.ctx.services.incidents.open(self.ctx.actor, new),
                              self._on_created, self.errors.show, owner=self)

    def _on_created(self, view: IncidentView) -> None:
        self.created.emit(view.number)
        self.accept()

