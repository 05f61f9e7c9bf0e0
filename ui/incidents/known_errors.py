"""Known errors that match this incident (same service or category), with their
workarounds; Enter links the incident to the selected one."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.problems.listing import KnownErrorMatch

KNOWN_ERROR_ROLE = Qt.ItemDataRole.UserRole + 7


class KnownErrorList(QListWidget):
    """Enter (the one key) asks to link the incident to the selected known error."""

    link_requested = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None \
                and item.data(KNOWN_ERROR_ROLE):
            self.link_requested.emit(item.data(KNOWN_ERROR_ROLE))
            return
        super().keyPressEvent(event)


class KnownErrorsSection(QGroupBox):
    link_requested = Signal(str)    # a problem number
    open_requested = Signal(str)    # a problem number

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Known errors that match (same service / category)", parent)
        lay = QVBoxLayout(self)
        self.list = KnownErrorList()
        self.list.setAccessibleName("Matching known errors")
        self.list.setAccessibleDescription("Enter links this incident to the selected known error")
        self.list.setWordWrap(True)
        self.list.link_requested.connect(self.link_requested)
        self.list.itemDoubleClicked.connect(lambda it: self._ask(self.open_requested, it.data(KNOWN_ERROR_ROLE)))
        row = QHBoxLayout()
        self.link_button = QPushButton("&Link to selected known error (Enter)")
        self.link_button.setAccessibleName("Link to the selected known error")
        self.link_button.clicked.connect(lambda: self._ask(self.link_requested, self.selected()))
        open_button = QPushButton("Open problem")
        open_button.clicked.connect(lambda: self._ask(self.open_requested, self.selected()))
        row.addWidget(self.link_button)
        row.addWidget(open_button)
        row.addStretch(1)
        lay.addWidget(self.list)
        lay.addLayout(row)
        self.hide()

    @staticmethod
    def _ask(signal: SignalInstance, number: str | None) -> None:
        if number:
            signal.emit(number)

    def selected(self) -> str | None:
        item = self.list.currentItem()
        return item.data(KNOWN_ERROR_ROLE) if item is not None else None

    def fill(self, matches: tuple[KnownErrorMatch, ...]) -> None:
        current = self.selected()
        self.list.clear()
        for m in matches:
            state = "  ✔ linked" if m.linked else ""
            item = QListWidgetItem(f"{m.number} — {m.title}{state}\nWorkaround: {m.workaround}")
            item.setData(KNOWN_ERROR_ROLE, m.number)
            item.setToolTip(f"Matches on {m.matched_on}" + (f"\nRoot cause: {m.root_cause}" if m.root_cause else ""))
            self.list.addItem(item)
            if m.number == current or (current is None and self.list.count() == 1):
                self.list.setCurrentItem(item)
        self.setVisible(bool(matches))
        # About three lines per match (title, workaround wrapped once), not a fixed block of
        # blank space; longer workarounds scroll.
        line = self.list.fontMetrics().lineSpacing()
        self.list.setFixedHeight(min(190, len(matches) * 3 * line + 2 * self.list.frameWidth() + 6))
        self.link_button.setEnabled(any(not m.linked for m in matches))
