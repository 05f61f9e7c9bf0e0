"""Major incidents board: the open major incidents (next update due, overdue in red) and
Desk's surge proposals, which a supervisor confirms. Refreshes on live changes and every
minute (a surge or an overdue update can arise without any change seen here)."""
from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desk.major.service import MajorIncidentService
from desk.major.views import LinkOutcome, MajorSummary, Proposal
from desk.rules import labels
from desk.rules.permissions import may
from ui.context import DeskContext
from ui.errors import describe
from ui.major import operations as ops
from ui.major.common import cell, fill, local, selected_column, table

OVERDUE = QColor("#b00020")


class MajorBoard(QWidget):
    major_opened = Signal(str)   # a major incident's number: open its panel

    def __init__(self, ctx: DeskContext, service: MajorIncidentService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.svc = service
        self.setObjectName("MajorBoard")
        self.majors: list[MajorSummary] = []
        self.proposals: list[Proposal] = []

        self.majors_table = table(self, ["Number", "Service", "Status", "Manager", "Children", "Next update",
                                         "Title"], "Open major incidents")
        self.majors_table.setSelectionMode(self.majors_table.SelectionMode.SingleSelection)
        self.majors_table.doubleClicked.connect(lambda idx: self.major_opened.emit(
            cell(self.majors_table, idx.row(), 0)))
        self.open_button = QPushButton("Open", self)
        self.open_button.clicked.connect(self.open_selected)
        majors_box = QGroupBox("Open major incidents", self)
        ml = QVBoxLayout(majors_box)
        ml.addWidget(self.majors_table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_button)
        ml.addLayout(row)

        self.proposals_table = table(self, ["Service", "Proposal", "Incidents"], "Surge proposals")
        self.proposals_table.setSelectionMode(self.proposals_table.SelectionMode.SingleSelection)
        self.confirm_button = QPushButton("Confirm…", self)
        self.confirm_button.clicked.connect(self.confirm_selected)
        allowed = may(ctx.actor, "incident.promote_major")
        self.confirm_button.setEnabled(allowed)
        self.confirm_button.setToolTip("" if allowed else "Confirming a proposal needs the supervisor role.")
        self.dismiss_button = QPushButton("Dismiss…", self)
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        self.dismiss_button.setEnabled(allowed)
        self.dismiss_button.setToolTip("Not a major incident: the proposal goes away" if allowed
                                       else "Dismissing a proposal needs the supervisor role.")
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.clicked.connect(self.refresh)
        self.empty = QLabel("", self)
        proposals_box = QGroupBox("Surge proposals (Desk suggests, a supervisor confirms)", self)
        pl = QVBoxLayout(proposals_box)
        pl.addWidget(self.proposals_table, 1)
        row = QHBoxLayout()
        row.addWidget(self.empty, 1)
        row.addWidget(self.refresh_button)
        row.addWidget(self.dismiss_button)
        row.addWidget(self.confirm_button)
        pl.addLayout(row)

        layout = QVBoxLayout(self)
        layout.addWidget(majors_box, 1)
        layout.addWidget(proposals_box, 1)
        self._timer = QTimer(self)
        self._timer.setInterval(60_000)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def refresh(self) -> None:
        self.ctx.runner.read(lambda: (self.svc.open_majors(), self.svc.proposals()), self._show,
                             lambda exc: self.empty.setText(describe(exc)), owner=self)

    def on_changed_elsewhere(self, *_: object) -> None:
        self.refresh()

    def _show(self, result: tuple[list[MajorSummary], list[Proposal]]) -> None:
        self.majors, self.proposals = result
        fill(self.majors_table, [[m.number, m.service or "—", m.status_label, m.manager or "—", str(m.children),
                                  local(m.next_update_due_at, self.ctx.site) + ("  OVERDUE" if m.update_overdue else ""), m.title]
                                 for m in self.majors])
        for r, m in enumerate(self.majors):
            item = self.majors_table.item(r, 5)
            if m.update_overdue and item is not None:
                item.setForeground(QBrush(OVERDUE))
        fill(self.proposals_table, [[p.service, p.describe(), " ".join(p.incidents)] for p in self.proposals])
        self.empty.setText("" if self.proposals else "No surge proposals right now.")

    def open_selected(self) -> None:
        for number in selected_column(self.majors_table, 0)[:1]:
            self.major_opened.emit(number)

    def _selected_proposal(self, verb: str) -> Proposal | None:
        rows = sorted({i.row() for i in self.proposals_table.selectedIndexes()})
        if not rows:
            self.ctx.dialogs.info(self, "Surge proposals", f"Select a proposal to {verb}.")
            return None
        return self.proposals[rows[0]]

    def dismiss_selected(self) -> None:
        p = self._selected_proposal("dismiss")
        if p is None:
            return
        if p.kind != "open":
            self.ctx.dialogs.info(self, "Surge proposals", "Only a proposal to open a major incident can be "
                                  "dismissed; unlink incidents from the major incident instead.")
            return
        reason = self.ctx.dialogs.ask_text(self, "Dismiss proposal", f"Why is the surge on {p.service} not a "
                                           "major incident?")
        if reason is None:  # cancelled; an empty reason is the service's to refuse
            return

        ops.dismiss_proposal(self.ctx, p.service, reason).run(
            self, done=lambda _p: self.refresh(),
            failed=lambda exc: self.ctx.dialogs.error(self, "Dismiss proposal", describe(exc)))

    def confirm_selected(self) -> None:
        p = self._selected_proposal("confirm")
        if p is None:
            return
        if p.kind == "open":
            question = (f"Open a major incident for {p.service}? {p.incidents[0]} (the first of {p.count}) "
                        f"becomes the major incident and the other {p.count - 1} its children.")
        else:
            question = f"Link {labels.count(p.count, 'incident')} on {p.service} to {p.major_number}?"
        if not self.ctx.dialogs.confirm(self, "Confirm proposal", question):
            return

        def done(outcome: LinkOutcome) -> None:
            self.refresh()
            self.major_opened.emit(outcome.major.number)

        ops.confirm_proposal(self.ctx, p.service).run(
            self, done=done, failed=lambda exc: self.ctx.dialogs.error(self, "Confirm proposal", describe(exc)))
