"""What the main window shows before the desk is open (issue 14: the window is on screen
before the database layer is even imported): the navigation's stand-in, listing the
built-in views, and the main area's opening page — "Opening the desk…", or, when the
desk cannot be opened, why, with the database to try and a Try again button.

Light by design: PySide6 and the built-in views' names only (tests/ui/test_startup.py).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.queue.spec import BUILTIN_VIEWS
from ui.wheel_guard import ComboBox

OPENING = "Opening the desk…"


class NavigationPlaceholder(QListWidget):
    """The built-in views, greyed, the one the user left highlighted: the navigation as it
    will look, until the real one (with counts and saved views) takes its place."""

    def __init__(self, last_view: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Views")
        for view in BUILTIN_VIEWS:
            self.addItem(view.name)
            if view.key == last_view:
                self.setCurrentRow(self.count() - 1)
        self.setEnabled(False)


class OpeningPage(QWidget):
    """The main area while the desk opens, and when it could not be opened."""

    retry_requested = Signal(object)   # the database to try (a URL), or None for the usual choice
    quit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Opening the desk")
        self.status = QLabel(OPENING, self)
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setAccessibleName("Start-up state")
        self.status.setEnabled(False)       # the quiet, greyed text of a state, not a message
        self.database = ComboBox(self)
        self.database.setEditable(True)     # a URL of one's own, besides the saved profiles
        self.database.setAccessibleName("Database to open")
        self.database.setMinimumWidth(420)
        self.try_again = QPushButton("Try again", self)
        self.try_again.setDefault(True)
        self.try_again.clicked.connect(lambda: self.retry_requested.emit(self.chosen()))
        self.quit = QPushButton("Quit", self)
        self.quit.clicked.connect(self.quit_requested.emit)
        self._choices: list[tuple[str, str | None]] = []

        self.controls = QWidget(self)   # shown only when the desk could not be opened
        row = QHBoxLayout(self.controls)
        row.addStretch(1)
        row.addWidget(QLabel("Database:", self.controls))
        row.addWidget(self.database)
        row.addWidget(self.try_again)
        row.addWidget(self.quit)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.status)
        layout.addWidget(self.controls)
        layout.addStretch(2)
        self.controls.setVisible(False)

    def opening(self) -> None:
        self.status.setText(OPENING)
        self.status.setEnabled(False)
        self.controls.setVisible(False)

    def failed(self, message: str, choices: list[tuple[str, str | None]]) -> None:
        """Say why the desk could not be opened and offer ``choices``: (words shown, the
        database URL to try or None for the usual choice); the first is preselected."""
        self.status.setText(f"The desk could not be opened.\n\n{message}")
        self.status.setEnabled(True)
        self._choices = list(choices)
        self.database.clear()
        for label, _url in self._choices:
            self.database.addItem(label)
        self.controls.setVisible(True)
        self.try_again.setFocus()

    def chosen(self) -> str | None:
        """The database to try: a listed choice, or what the user typed in its place."""
        text = self.database.currentText().strip()
        for label, url in self._choices:
            if label == text:
                return url
        return text or None
