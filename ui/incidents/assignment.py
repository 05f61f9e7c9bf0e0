"""Who works on the ticket: team and person, with Assign and Assign to me."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QPushButton, QWidget

from desk.workstation.detail import TicketDetail


class AssignmentSection(QGroupBox):
    assign_requested = Signal(object, object)   # team name or None, staff username or None
    assign_me_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Assignment", parent)
        grid = QGridLayout(self)
        self.f_team = QComboBox()
        self.f_team.setAccessibleName("Team")
        self.f_assignee = QComboBox()
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

    def fill(self, detail: TicketDetail) -> None:
        inc = detail.incident
        self.f_team.clear()
        self.f_team.addItem("")
        self.f_team.addItems(list(detail.teams))
        self.f_team.setCurrentText(inc.team or "")
        self.f_assignee.clear()
        self.f_assignee.addItem("", None)
        for username, name in detail.staff:
            self.f_assignee.addItem(name, username)
        i = self.f_assignee.findText(inc.assignee or "")
        self.f_assignee.setCurrentIndex(max(i, 0))
