"""What every intake page shares: the collected state, a message line, validation before Next."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget, QWizardPage

from ui.counter.context import CounterContext
from ui.counter.state import IntakeState

if TYPE_CHECKING:
    from ui.counter.wizard import IntakeWizard


class IntakePage(QWizardPage):
    def __init__(self, cc: CounterContext, state: IntakeState, title: str, subtitle: str) -> None:
        super().__init__()
        self.cc = cc
        self.state = state
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a3180e; font-weight: bold;")
        self.message.setAccessibleName("Problem on this page")
        self.message.hide()

    def wizard_(self) -> IntakeWizard:
        return self.wizard()  # type: ignore[return-value]

    # Pages override these three.
    def load_state(self) -> None: ...

    def store_state(self) -> None: ...

    def check(self) -> tuple[str, QWidget | None] | None:
        return None

    def show_message(self, text: str, focus: QWidget | None = None) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        if focus is not None:
            focus.setFocus()

    def validatePage(self) -> bool:
        self.store_state()
        problem = self.check()
        if problem is not None:
            self.show_message(*problem)
            return False
        self.show_message("")
        return True
