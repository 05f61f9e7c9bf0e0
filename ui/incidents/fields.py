"""The ticket's editable fields (title, description, caller, service, category, impact,
urgency, channel) and their Save button.

Values go in and come out as the service names them (``IncidentView.editable()`` /
``IncidentService.update``); whether a value is allowed is the service's call, shown
beside the field it names.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from desk.rules import choices, labels
from ui import combos
from ui.wheel_guard import ComboBox

# Combos of the rules' choices: the words shown, the stored value carried (ui.combos).
CHOICES = {
    "impact": labels.options(choices.IMPACTS, labels.impact),
    "urgency": labels.options(choices.URGENCIES, labels.urgency),
    "channel": labels.options(choices.CHANNELS, labels.channel),
}


class TicketFields(QGroupBox):
    def __init__(self, save: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__("Details", parent)
        form = QFormLayout(self)
        self.f_title = QLineEdit()
        self.f_description = QPlainTextEdit()
        self.f_description.setMaximumHeight(110)
        self.f_caller = QLineEdit()
        self.f_caller.setPlaceholderText("university ID")
        self.f_service = ComboBox()
        self.f_category = QLineEdit()
        self.f_impact = ComboBox()
        self.f_urgency = ComboBox()
        self.f_channel = ComboBox()
        self.fields: dict[str, QWidget] = {
            "title": self.f_title, "description": self.f_description, "caller_university_id": self.f_caller,
            "service": self.f_service, "category": self.f_category, "impact": self.f_impact,
            "urgency": self.f_urgency, "channel": self.f_channel,
        }
        self.choice_boxes: dict[str, QComboBox] = {"impact": self.f_impact, "urgency": self.f_urgency,
                                                    "channel": self.f_channel}
        for key, options in CHOICES.items():
            combos.fill(self.choice_boxes[key], options)
        for key, w in self.fields.items():
            if isinstance(w, QPlainTextEdit):
                w.setTabChangesFocus(True)   # Tab leaves the box rather than typing a tab
            w.setAccessibleName(labels.field(key))
            form.addRow(labels.field(key), w)
        self.save_button = QPushButton("&Save (Ctrl+S)")
        self.save_button.setAccessibleName("Save ticket")
        self.save_button.clicked.connect(save)
        form.addRow("", self.save_button)

    def set_services(self, names: Iterable[str]) -> None:
        self.f_service.blockSignals(True)
        self.f_service.clear()
        self.f_service.addItem("")
        self.f_service.addItems(list(names))
        self.f_service.blockSignals(False)

    def set_values(self, values: dict[str, Any]) -> None:
        for key, w in self.fields.items():
            if key not in values:
                continue
            v = values[key] or ""
            if isinstance(w, QLineEdit):
                w.setText(str(v))
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(str(v))
            elif key in self.choice_boxes:
                combos.select(self.choice_boxes[key], str(v) if v else None)
            elif isinstance(w, QComboBox):         # the service: its name is its value
                i = w.findText(str(v))
                if i < 0 and v:
                    w.addItem(str(v))
                    i = w.findText(str(v))
                w.setCurrentIndex(max(i, 0))

    def clear(self) -> None:
        """Empty, as before the first ticket (the page is reused for another)."""
        self.f_service.clear()
        for w in self.fields.values():
            if isinstance(w, (QLineEdit, QPlainTextEdit)):
                w.clear()
        for box in self.choice_boxes.values():
            box.setCurrentIndex(0)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, w in self.fields.items():
            if isinstance(w, QLineEdit):
                out[key] = w.text().strip() or None
            elif isinstance(w, QPlainTextEdit):
                out[key] = w.toPlainText()
            elif key in self.choice_boxes:
                out[key] = combos.value(self.choice_boxes[key])
            elif isinstance(w, QComboBox):
                out[key] = w.currentText() or None
        if out.get("description") is None:
            out["description"] = ""
        return out
