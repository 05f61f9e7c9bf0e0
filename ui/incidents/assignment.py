"""Who works on the ticket: team and person, with Assign and Assign to me."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QPushButton, QWidget

from desk.workstation.detail import TicketDetail
from ui.wheel_guard import ComboBox


class AssignmentSection(QGroupBox):
    assign_requested = Signal(object, object)   # team name or None, staff username or None
    assign_me_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Assignment", parent)
        grid = QGridLayout(self)
        self.f_team = ComboBox()
        self.f_team.setAccessibleName("Team")
        self.f_assignee = ComboBox()
        self.f_assignee.setAccessibleName("Assignee")
        self.assign_button = QPushButton("Assign")
        self.assign_button.clicked.connect(
            lambda: self.assign_requested.emit(self.f_team.currentText() or None, self.f_assignee.currentData()))
        self.assign_me_button = QPushButton("Assign to &me")
        self.assign_me_button.clicked.connect(self.assign_me_requested)
        grid.addWidget(QLabel("Team"), 0, 0)
        grid.addWidget(self.f_team, 0, 1)
        grid.addWidget(QLabel("Person"), 1, 0)
        grid.addWidget(self.f_assignee, 1, 1)
        grid.addWidget(self.assign_button, 0, 2)
        grid.addWidget(self.assign_me_button, 1, 2)
        grid.setColumnStretch(1, 1)
        self._loaded: tuple[str, str] | None = None   # (team, person) as last filled from the ticket

    def fill(self, detail: TicketDetail) -> None:
        """Show the ticket's team and person. A choice the user made here and has not yet
        assigned survives a refill (a live reload after someone else's change), unless the
        assignment itself changed meanwhile: then the stored one is shown."""
        inc = detail.incident
        stored = (inc.team or "", inc.assignee or "")
        keep = self._loaded == stored and self.is_pending()
        team = self.f_team.currentText() if keep else stored[0]
        person = self.f_assignee.currentText() if keep else stored[1]
        self.f_team.clear()
        self.f_team.addItem("")
        self.f_team.addItems(list(detail.teams))
        _select_text(self.f_team, team, stored[0])
        self.f_assignee.clear()
        self.f_assignee.addItem("", None)
        for username, name in detail.staff:
            self.f_assignee.addItem(name, username)
        _select_text(self.f_assignee, person, stored[1])
        self._loaded = stored

    def clear(self) -> None:
        """No ticket, no choice pending (the page is reused for another ticket)."""
        self.f_team.clear()
        self.f_assignee.clear()
        self._loaded = None

    def is_pending(self) -> bool:
        """A team or person chosen here that differs from the ticket's and is not yet assigned."""
        return self._loaded is not None and (self.f_team.currentText(), self.f_assignee.currentText()) != self._loaded


def _select_text(box: QComboBox, wanted: str, otherwise: str) -> None:
    """Select ``wanted``; if the list no longer has it, ``otherwise``; else the empty first item."""
    i = box.findText(wanted)
    box.setCurrentIndex(i if i >= 0 else max(box.findText(otherwise), 0))
