"""The Major incident panel of one ticket: promote it, its manager and team, the
communication log with the next update due (overdue shown in red, re-checked every
30 s), child incidents, resolve with the children, the post-incident report, a problem.

Every change goes through desk.major.service.MajorIncidentService (which checks the
permission again); buttons the actor may not use are disabled with the reason.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desk.major.service import MajorIncidentService
from desk.major.views import LinkOutcome, MajorView, ResolveOutcome
from desk.rules import labels
from desk.rules.choices import RESOLUTION_CODES
from desk.rules.permissions import may
from ui.context import DeskContext
from ui.errors import describe
from ui.major import operations as ops
from ui.major.common import cell, fill, local, selected_column, table
from ui.operations import WriteOp
from ui.screen_fit import in_documents
from ui.wheel_guard import SpinBox

OVERDUE_STYLE = "color: white; background: #b00020; padding: 3px 6px; font-weight: bold;"
DUE_STYLE = "color: #1b2a4a; background: #e8eef8; padding: 3px 6px;"


class MajorIncidentPanel(QWidget):
    ticket_opened = Signal(str)
    problem_opened = Signal(str)

    def __init__(self, ctx: DeskContext, number: str, service: MajorIncidentService,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.number = number
        self.svc = service
        self.view: MajorView | None = None
        self._writes_in_flight = 0      # our own writes not yet answered
        self.setObjectName("MajorIncidentPanel")
        self.setAccessibleName(f"Major incident {number}")
        actor = ctx.actor
        supervisor = may(actor, "incident.promote_major")
        worker = may(actor, "major.manage")

        self.header = QLabel(self)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)
        self.header.setAccessibleName("Major incident summary")
        self.due = QLabel(self)
        self.due.setAccessibleName("Next update due")

        def button(text: str, slot: Callable[[], None], allowed: bool, why: str) -> QPushButton:
            b = QPushButton(text, self)
            b.clicked.connect(slot)
            b.setEnabled(allowed)
            b.setToolTip("" if allowed else why)
            return b

        need_sup = "Needs the supervisor role."
        need_tech = "Needs the technician role."
        self.promote_button = button("Promote to major incident…", self.promote, supervisor, need_sup)
        self.manager_button = button("Set manager…", self.set_manager, supervisor, need_sup)
        self.resolve_button = button("Resolve with children…", self.resolve, worker, need_tech)
        self.report_button = button("Post-incident report…", self.print_report, worker, need_tech)
        self.problem_button = button("Open problem…", self.open_problem, may(actor, "problem.open"), need_tech)
        actions = QHBoxLayout()
        for b in (self.promote_button, self.manager_button, self.resolve_button, self.report_button,
                  self.problem_button):
            actions.addWidget(b)
        actions.addStretch(1)

        # Team
        self.team = table(self, ["Name", "Username", "Role"], "Major incident team")
        self.add_member_button = button("Add…", self.add_member, worker, need_tech)
        self.remove_member_button = button("Remove", self.remove_member, worker, need_tech)
        team_box = self._box("Team", self.team, [self.add_member_button, self.remove_member_button])

        # Communication log
        self.comms = table(self, ["When", "Who", "Update"], "Communication log")
        self.update_text = QPlainTextEdit(self)
        self.update_text.setPlaceholderText("Update sent to users and stakeholders…")
        self.update_text.setAccessibleName("New update")
        self.update_text.setMaximumHeight(70)
        self.next_minutes = SpinBox(self)
        self.next_minutes.setRange(5, 24 * 60)
        self.next_minutes.setSingleStep(5)
        self.next_minutes.setValue(30)
        self.next_minutes.setSuffix(" min")
        self.next_minutes.setAccessibleName("Next update due in")
        self.post_button = button("Post update", self.post_update, worker, need_tech)
        row = QHBoxLayout()
        row.addWidget(QLabel("Next update in", self))
        row.addWidget(self.next_minutes)
        row.addStretch(1)
        row.addWidget(self.post_button)
        comms_box = QGroupBox("Communication log", self)
        cl = QVBoxLayout(comms_box)
        cl.addWidget(self.comms, 1)
        cl.addWidget(self.update_text)
        cl.addLayout(row)

        # Children
        self.children_table = table(self, ["Number", "Status", "Opened", "Title"], "Child incidents")
        self.children_table.doubleClicked.connect(
            lambda idx: self.ticket_opened.emit(cell(self.children_table, idx.row(), 0)))
        self.link_button = button("Link…", self.link_children, worker, need_tech)
        self.unlink_button = button("Unlink", self.unlink_children, worker, need_tech)
        children_box = self._box("Child incidents", self.children_table, [self.link_button, self.unlink_button])

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(comms_box)
        split.addWidget(children_box)
        split.addWidget(team_box)
        split.setSizes([320, 220, 140])
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.due)
        layout.addLayout(actions)
        layout.addWidget(split, 1)

        # Overdue is a matter of the clock, not of a change: re-check it regularly.
        self._tick = QTimer(self)
        self._tick.setInterval(30_000)
        self._tick.timeout.connect(self._show_due)
        self._tick.start()
        self.refresh()

    def _box(self, title: str, body: QWidget, buttons: list[QPushButton]) -> QGroupBox:
        box = QGroupBox(title, self)
        lay = QVBoxLayout(box)
        lay.addWidget(body, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        for b in buttons:
            row.addWidget(b)
        lay.addLayout(row)
        return box

    # -- reading -----------------------------------------------------------------------
    def refresh(self) -> None:
        self.ctx.runner.read(lambda: self.svc.get(self.number), self.show_view, self._failed, owner=self)

    def on_changed_elsewhere(self, change: object) -> None:
        """A live-update notification (desk.live.watcher.Change): re-read if it concerns this
        incident (linking children, updates and resolving all touch the major's row)."""
        if self._writes_in_flight:
            return          # our own write's change: its answer shows the new state
        ids = dict(getattr(change, "ids", ()))
        if getattr(change, "refresh", False) or (self.view is not None and self.view.id in ids):
            self.refresh()

    def show_view(self, v: MajorView) -> None:
        self.view = v
        self.number = v.number
        kind = "MAJOR INCIDENT" if v.is_major else "Not a major incident"
        self.header.setText(f"{kind}  {v.number} — {v.title}\n"
                            f"{v.status_label} · {v.priority} · {v.service or 'no service'} · "
                            f"manager: {v.manager or '—'} · opened {local(v.opened_at, self.ctx.site)} · "
                            f"{len(v.children)} children ({len(v.open_children)} open)"
                            + (f" · problem {', '.join(v.problem_numbers)}" if v.problem_numbers else ""))
        self.promote_button.setVisible(not v.is_major)
        for b in (self.manager_button, self.resolve_button, self.report_button, self.problem_button,
                  self.add_member_button, self.remove_member_button, self.post_button, self.link_button,
                  self.unlink_button):
            b.setVisible(v.is_major)
        fill(self.team, [[m.name, m.username, m.role] for m in v.team])
        fill(self.comms, [[local(e.at, self.ctx.site), e.author or "system", e.body] for e in reversed(v.comms)])
        fill(self.children_table, [[c.number, c.status_label, local(c.opened_at, self.ctx.site), c.title] for c in v.children])
        self._show_due()

    def _show_due(self) -> None:
        v = self.view
        if v is None or not v.is_major or v.next_update_due_at is None:
            self.due.setText("" if v is None or not v.is_major else "No update due.")
            self.due.setStyleSheet(DUE_STYLE)
            return
        overdue = v.overdue_at(self.ctx.clock())
        if overdue:
            self.due.setText(f"Next update OVERDUE — was due {local(v.next_update_due_at, self.ctx.site)}")
            self.due.setStyleSheet(OVERDUE_STYLE)
        else:
            self.due.setText(f"Next update due {local(v.next_update_due_at, self.ctx.site)}")
            self.due.setStyleSheet(DUE_STYLE)
        self.due.setProperty("overdue", overdue)

    @property
    def overdue(self) -> bool:
        return bool(self.due.property("overdue"))

    # -- writing -----------------------------------------------------------------------
    def _write(self, op: WriteOp[Any], after: Callable[[Any], None] | None = None) -> None:
        """Run one of ``ui.major.operations``; it tells the window's hub, this shows the result."""
        self._writes_in_flight += 1

        def done(result: Any) -> None:
            self._writes_in_flight -= 1
            view = getattr(result, "major", result)
            if isinstance(view, MajorView):
                self.show_view(view)
            else:
                self.refresh()
            if after:
                after(result)

        def failed(exc: BaseException) -> None:
            self._writes_in_flight -= 1
            self._failed(exc)
            self.refresh()   # changes heard meanwhile were skipped as ours; this one failed

        op.run(self, done=done, failed=failed)

    def _failed(self, exc: BaseException) -> None:
        self.ctx.dialogs.error(self, "Major incident", describe(exc))

    def _pick_staff(self, button: QPushButton, title: str, label: str, then: Callable[[str | None], None]) -> None:
        """Read the active staff off the GUI thread, then ask who; ``then(username or None)``.
        ``button`` waits meanwhile, so a second click does not ask twice."""
        button.setEnabled(False)

        def ask(people: list[tuple[str, str]]) -> None:
            button.setEnabled(True)
            choice = self.ctx.dialogs.ask_choice(self, title, label, [f"{n} ({u})" for u, n in people])
            if not choice:
                then(None)
                return
            m = re.search(r"\(([^()]*)\)\s*$", choice)
            then(m.group(1) if m else choice.strip())

        def failed(exc: BaseException) -> None:
            button.setEnabled(True)
            self._failed(exc)

        self.ctx.runner.read(self.svc.staff_choices, ask, failed, owner=self)

    def promote(self) -> None:
        reason = self.ctx.dialogs.ask_text(self, "Promote to major incident",
                                           "Why is this a major incident?", multiline=True)
        if reason is None:  # cancelled; an empty reason is the service's to refuse, in its words
            return
        self._pick_staff(self.promote_button, "Major incident manager", "Who manages it?",
                         lambda manager: self._write(ops.promote(self.ctx, self.number, reason=reason, manager=manager)))

    def set_manager(self) -> None:
        def chosen(manager: str | None) -> None:
            if manager:
                self._write(ops.set_manager(self.ctx, self.number, manager))

        self._pick_staff(self.manager_button, "Major incident manager", "Who manages it?", chosen)

    def add_member(self) -> None:
        def chosen(user: str | None) -> None:
            if not user:
                return
            role = self.ctx.dialogs.ask_text(self, "Add to the team", f"Role of {user} (e.g. communications, "
                                             "technical lead, service owner):")
            if role is not None:     # the service refuses an empty role, in words
                self._write(ops.add_member(self.ctx, self.number, user, role))

        self._pick_staff(self.add_member_button, "Add to the team", "Staff member:", chosen)

    def remove_member(self) -> None:
        users = selected_column(self.team, 1)
        if not users:
            self.ctx.dialogs.info(self, "Team", "Select the team member to remove.")
            return
        for user in users:
            self._write(ops.remove_member(self.ctx, self.number, user))

    def post_update(self) -> None:
        text = self.update_text.toPlainText().strip()  # "Update is required" is the service's to say
        minutes = self.next_minutes.value()
        self._write(ops.post_update(self.ctx, self.number, text, next_in_minutes=minutes),
                    lambda _: self.update_text.clear())

    def link_children(self) -> None:
        text = self.ctx.dialogs.ask_text(self, "Link child incidents",
                                         "Ticket numbers (separated by spaces or commas):")
        numbers = [n for n in re.split(r"[\s,;]+", text or "") if n]
        if numbers:
            self._write(ops.link_children(self.ctx, self.number, numbers), self._report_skipped)

    def unlink_children(self) -> None:
        for child in selected_column(self.children_table, 0):
            self._write(ops.unlink_child(self.ctx, self.number, child))

    def _report_skipped(self, outcome: LinkOutcome) -> None:
        skipped = getattr(outcome, "skipped", None) or getattr(outcome, "skipped_children", ())
        if skipped:
            self.ctx.dialogs.info(self, "Not all incidents", "\n".join(f"{s.number}: {s.reason}" for s in skipped))

    def resolve(self) -> None:
        v = self.view
        if v is None:
            return
        code = self.ctx.dialogs.ask_choice(self, "Resolve major incident", "Resolution code:",
                                           labels.options(RESOLUTION_CODES, labels.resolution_code))
        if not code:
            return
        note = self.ctx.dialogs.ask_text(self, "Resolve major incident", "Resolution (what fixed it):",
                                         multiline=True)
        if note is None:
            return
        with_children = bool(v.open_children) and self.ctx.dialogs.confirm(
            self, "Resolve child incidents",
            f"Also resolve the {len(v.open_children)} open child incident(s) with this resolution? "
            "Children the lifecycle does not allow to resolve yet are listed, not forced.")

        def after(outcome: ResolveOutcome) -> None:
            lines = [f"{outcome.major.number} resolved."]
            if with_children:
                lines.append(f"Children resolved: {len(outcome.resolved_children)}.")
            lines += [f"{s.number}: {s.reason}" for s in outcome.skipped_children]
            self.ctx.dialogs.info(self, "Major incident resolved", "\n".join(lines))

        self._write(ops.resolve(self.ctx, self.number, code=code, note=note, with_children=with_children), after)

    def ask_report_path(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, "Save post-incident report",
                                              in_documents(f"post-incident-{self.number}.pdf"), "PDF (*.pdf)")
        return Path(name) if name else None

    def print_report(self) -> None:
        path = self.ask_report_path()
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        # Building takes a moment: off the GUI thread (a read, nothing is written to the database).
        self.ctx.runner.read(lambda: self.svc.write_report(self.ctx.actor, self.number, path),
                             lambda p: self.ctx.dialogs.info(self, "Post-incident report", f"Saved {p}"),
                             self._failed, owner=self)

    def open_problem(self) -> None:
        v = self.view
        if v is None:
            return
        title = self.ctx.dialogs.ask_text(self, "Open a problem", "Problem title:",
                                          text=f"Root cause of {v.number}: {v.title}"[:300])
        if title is None:  # cancelled; left empty, the service names the problem after the incident
            return
        self._write(ops.open_problem(self.ctx, self.number, title), lambda number: self.problem_opened.emit(number))
