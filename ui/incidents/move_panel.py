"""A status move that needs words from the user, as a panel on the ticket page.

Resolving needs a resolution code and a note, cancelling and the pending moves a reason.
They used to be chained dialogs, and a refusal (an empty note) threw away the code already
chosen. Here everything stays typed in the panel until the move is stored: the service's
refusal is shown in the panel, beside what it refused, and the user corrects it there.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from desk.rules import labels
from desk.workstation.detail import TransitionOption
from ui import combos
from ui.wheel_guard import ComboBox


class MovePanel(QGroupBox):
    submitted = Signal(object, object, object, object)   # option, reason, resolution code, note
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.option: TransitionOption | None = None
        form = QFormLayout(self)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(90)
        self.reason.setAccessibleName("Reason")
        self.code = ComboBox()
        self.code.setAccessibleName("Resolution code")
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(110)
        self.note.setAccessibleName("Resolution note")
        self.note.setPlaceholderText("What fixed it (the caller reads this)")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#b00020;")
        self.error.setAccessibleName("Status change error")
        self.confirm = QPushButton()
        self.confirm.setDefault(True)
        self.confirm.clicked.connect(self._submit)
        back = QPushButton("Back")
        back.setToolTip("Leave the status as it is (what you typed stays here until you close the ticket)")
        back.clicked.connect(self.dismissed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm)
        buttons.addWidget(back)
        buttons.addStretch(1)
        self.reason_row = QLabel("Reason")
        self.code_row = QLabel("Resolution code")
        self.note_row = QLabel("Resolution note")
        form.addRow(self.reason_row, self.reason)
        form.addRow(self.code_row, self.code)
        form.addRow(self.note_row, self.note)
        form.addRow(self.error)
        form.addRow(buttons)
        self.hide()

    def open_for(self, option: TransitionOption, resolution_codes: tuple[str, ...]) -> None:
        """Show the panel for ``option``; what was typed for the same move stays."""
        same = self.option is not None and self.option.status == option.status
        self.option = option
        self.setTitle(f"Move to {option.label}")
        self.confirm.setText(f"{option.label}")
        self.confirm.setAccessibleName(f"Confirm: move to {option.label}")
        wants_reason, wants_resolution = bool(option.needs_reason), bool(option.needs_resolution)
        reason_rows: tuple[QWidget, ...] = (self.reason_row, self.reason)
        resolution_rows: tuple[QWidget, ...] = (self.code_row, self.code, self.note_row, self.note)
        for w in reason_rows:
            w.setVisible(wants_reason)
        for w in resolution_rows:
            w.setVisible(wants_resolution)
        if wants_reason:
            self.reason.setPlaceholderText(f"Reason for {option.needs_reason}")
        if wants_resolution and (not same or self.code.count() == 0):
            chosen = combos.value(self.code)
            combos.fill(self.code, labels.options(resolution_codes, labels.resolution_code), chosen)
        if not same:
            self.error.clear()
        self.show()
        (self.reason if wants_reason else self.code).setFocus()

    def _submit(self) -> None:
        if self.option is None:
            return
        self.error.clear()
        reason = self.reason.toPlainText() if self.reason.isVisibleTo(self) else None
        resolving = self.code.isVisibleTo(self)
        code = combos.value(self.code) if resolving else None
        note = self.note.toPlainText() if resolving else None
        self.submitted.emit(self.option, reason, code, note)

    def show_error(self, message: str, field: str | None) -> None:
        """The service's refusal, in the panel; the box it names gets the cursor."""
        self.error.setText(message)
        target = {"reason": self.reason, "resolution_code": self.code}.get(field or "")
        if target is None and field and "note" in field:
            target = self.note
        (target or self.confirm).setFocus()

    def done(self) -> None:
        """The move is stored: start empty next time."""
        self.option = None
        self.reason.clear()
        self.note.clear()
        self.error.clear()
        self.hide()
