"""The read-only cards of a ticket: its SLA clocks, the caller, and its links (problem,
parent major incident, children, incident model)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from desk.common.records import IncidentView
from desk.common.site import Site
from desk.workstation.detail import TicketDetail
from ui.incidents.text import caller_html, links_html, sla_html


class SlaCard(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("SLA", parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName("SLA")
        QVBoxLayout(self).addWidget(self.label)

    def fill(self, incident: IncidentView, info: Any | None, now: dt.datetime, site: Site) -> None:
        """``info``: the SLA engine's replay when it could be made, else the stored columns speak."""
        self.label.setText(sla_html(incident, info, now, site))


class CallerCard(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Caller", parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Caller card")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        QVBoxLayout(self).addWidget(self.label)

    def fill(self, detail: TicketDetail, today: dt.date) -> None:
        self.label.setText(caller_html(detail, today))


class LinkLabel(QLabel):
    """Rich-text links reachable by keyboard: Tab into it lands on the first link (not on the
    label as a whole), further Tabs step through the links and out, Enter follows one."""

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if event.reason() == Qt.FocusReason.TabFocusReason and "<a " in self.text():
            QLabel.focusNextPrevChild(self, True)


class LinksCard(QGroupBox):
    link_followed = Signal(str)          # "problem:PRB-…" / "incident:INC-…"
    new_problem_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Links", parent)
        lay = QVBoxLayout(self)
        self.label = LinkLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Links")
        self.label.setAccessibleDescription("Tab to a link and press Enter to open it")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        # Links are focusable (Tab moves between them) and Enter follows the focused one.
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label.linkActivated.connect(self.link_followed)
        self.new_problem_button = QPushButton("New &problem from this incident…")
        self.new_problem_button.setAccessibleName("Open a new problem from this incident")
        self.new_problem_button.clicked.connect(self.new_problem_requested)
        lay.addWidget(self.label)
        lay.addWidget(self.new_problem_button, 0, Qt.AlignmentFlag.AlignLeft)

    def clear(self) -> None:
        self.label.clear()
        self.new_problem_button.setEnabled(True)
        self.new_problem_button.setToolTip("")

    def fill(self, detail: TicketDetail, *, final: bool) -> None:
        inc = detail.incident
        self.label.setText(links_html(detail))
        self.new_problem_button.setEnabled(not final and not inc.problem_number)
        self.new_problem_button.setToolTip(f"Already linked to {inc.problem_number}" if inc.problem_number else
                                           "Open a problem for the underlying cause, linked to this incident")
