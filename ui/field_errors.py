"""A form's error messages beside its fields.

The rules live in the services: an InvalidInput names the field it refused, and this
shows its message under that field (and puts the cursor there) instead of the form
checking the rule again in other words. Errors that name no field of the form go to the
form's general message label."""
from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from desk.errors import InvalidInput
from ui import theme
from ui.errors import describe


class FieldErrors:
    def __init__(self, form: QFormLayout, general: QLabel) -> None:
        self.form = form
        self.general = general
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}

    def add_row(self, name: str, text: str, widget: QWidget) -> None:
        """A labelled row for the field the service calls ``name``, with its error line below."""
        self.form.addRow(text, widget)
        error = QLabel()
        # Picked for the palette in use: the error must read in a dark scheme too.
        error.setStyleSheet(f"color:{theme.error_colour().name()};")
        error.setWordWrap(True)
        error.setAccessibleName(f"{name} error")
        error.setVisible(False)
        self.form.addRow("", error)
        self.widgets[name], self.labels[name] = widget, error

    def clear(self) -> None:
        for label in self.labels.values():
            label.clear()
            label.setVisible(False)
        self.general.clear()

    def show(self, exc: BaseException) -> None:
        self.clear()
        field = exc.field if isinstance(exc, InvalidInput) else None
        if field in self.labels:
            label = self.labels[field]
            label.setText(describe(exc))
            label.setVisible(True)
            self.widgets[field].setFocus()
        else:
            self.general.setText(describe(exc))
