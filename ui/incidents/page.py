"""One open ticket as a page: its heading and priority, the legal status moves, and one
widget per section (fields, assignment, SLA, caller, links, known errors, tasks,
attachments, timeline).

The page loads the ticket and replays its SLA off the GUI thread, hands each section its
part, and turns what the sections ask for into the incidents feature's operations
(``ui.incidents.operations``), which the main window's menus and shortcuts call too.
Loading, the status buttons, the versioned save with its merge, and keeping unsaved
typing on a change elsewhere are the shared ``ui.record_tab.RecordTab`` (the problem tab
is one too). Links (problem, parent major incident, children) ask the window to open
them (``open_ticket_requested`` / ``open_problem_requested``).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QScrollArea, QSplitter, QVBoxLayout, QWidget

from desk.errors import ConflictError, DeskError
from desk.rules import labels, lifecycle
from desk.sla.service import IncidentSla
from desk.workstation.detail import TicketDetail, TransitionOption
from ui.context import DeskContext
from ui.errors import describe
from ui.incidents import operations as ops
from ui.incidents.assignment import AssignmentSection
from ui.incidents.attachments import AttachmentsSection
from ui.incidents.canned import CannedReplies
from ui.incidents.cards import CallerCard, LinksCard, SlaCard
from ui.incidents.fields import TicketFields
from ui.incidents.knowledge import KnowledgeCard
from ui.incidents.known_errors import KnownErrorsSection
from ui.incidents.move_panel import MovePanel
from ui.incidents.tasks import TasksSection
from ui.incidents.text import clocks_html
from ui.incidents.timeline import TimelineSection
from ui.operations import WriteOp
from ui.record_tab import RecordTab, esc

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TicketLoad:
    """What one read off the GUI thread brings: the ticket and its SLA replay (None when
    the engine cannot replay it; the stored due dates are shown instead)."""

    detail: TicketDetail
    sla: IncidentSla | None


class TicketPage(RecordTab):
    open_problem_requested = Signal(str)   # a problem number
    kind = "ticket"
    no_moves_message = "This ticket is final."

    def __init__(self, ctx: DeskContext, number: str | None, parent: QWidget | None = None) -> None:
        """The page of ``number``; with None, an empty page made ahead of need (ui.tabs'
        spare), which reads nothing until ``show_record`` gives it a ticket."""
        super().__init__(ctx, number or "", parent)
        self.detail: TicketDetail | None = None
        self.incident_id: int | None = None
        self._fills = 0                 # fills begun: a later one, or emptying, drops a timeline due
        self._build()
        if number:
            self.reload()

    @property
    def record_id(self) -> int | None:
        return self.incident_id

    # -- building ------------------------------------------------------------------
    def _build(self) -> None:
        lay = self.layout_
        self._build_messages()
        self.priority = QLabel()
        self.priority.setWordWrap(True)
        self.priority.setAccessibleName("Priority and why")
        self.clocks = QLabel()
        self.clocks.setAccessibleName("SLA clocks")
        for w in (self.header, self.priority, self.clocks, self.banner, self.error):
            lay.addWidget(w)
        self._build_status_box()

        self.form = TicketFields(self.save)
        self.fields = self.form.fields
        self.save_button = self.form.save_button
        self.assignment = AssignmentSection()
        self.assignment.assign_requested.connect(self.assign)
        self.assignment.assign_me_requested.connect(self.assign_to_me)
        self.sla_card = SlaCard()
        self.caller_card = CallerCard()
        self.links = LinksCard()
        self.links.link_followed.connect(self.follow_link)
        self.links.new_problem_requested.connect(self.new_problem)
        self.known = KnownErrorsSection()
        self.knowledge = KnowledgeCard(self.ctx)
        self.known.link_requested.connect(self.link_known_error)
        self.known.open_requested.connect(self.open_problem_requested)
        self.tasks = TasksSection(self.ctx, self.number)
        self.tasks.task_toggled.connect(self.set_task)
        self.tasks.checklist_changed.connect(self._on_repair_checklist_changed)
        self.attachments = AttachmentsSection(self.ctx, self.number)
        self.attachments.attach_requested.connect(self.attach_file)
        self.attachments.failed.connect(self._show_error)
        self.timeline = TimelineSection(self.ctx.site)
        self.canned = CannedReplies(self)
        self.timeline.post_requested.connect(lambda internal: self._post_comment(internal=internal))
        self.move_panel = MovePanel()
        self.move_panel.submitted.connect(self._move_with_words)
        self.move_panel.dismissed.connect(self.move_panel.hide)
        lay.addWidget(self.move_panel)
        # The conversation is the main column, its reply box always in sight; the fields
        # and cards scroll in a side column of their own.
        side_body = QWidget()
        side = QVBoxLayout(side_body)
        side.setContentsMargins(0, 0, 0, 0)
        for section in (self.sla_card, self.caller_card, self.assignment, self.form, self.links, self.known, self.knowledge,
                        self.tasks, self.attachments):
            side.addWidget(section)
        side.addStretch(1)
        self.side = QScrollArea()
        self.side.setWidgetResizable(True)
        self.side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side.setWidget(side_body)
        self.side.setAccessibleName("Ticket fields")
        self.columns = QSplitter(Qt.Orientation.Horizontal)
        self.columns.addWidget(self.timeline)
        self.columns.addWidget(self.side)
        self.columns.setStretchFactor(0, 3)
        self.columns.setStretchFactor(1, 2)
        self.columns.setChildrenCollapsible(False)
        lay.addWidget(self.columns, 1)

    # -- loading -------------------------------------------------------------------
    def _load(self, number: str) -> TicketLoad:
        """Off the GUI thread: the ticket, then its SLA replayed from its history."""
        detail = self.ctx.details.load(number, self.ctx.actor)
        if detail.is_repair:
            # The counter's checklist replaces the task list of a repair: its modules are
            # imported here the first time (about 30 ms), not on the GUI thread when it fills.
            import ui.counter.checklist_widget  # noqa: F401
        try:
            sla = self.ctx.sla.incident_sla(detail.incident.number, self.ctx.clock())
        except DeskError as exc:
            log.warning("SLA detail of %s unavailable: %s", number, exc)
            sla = None
        return TicketLoad(detail, sla)

    def _on_load_failed(self, exc: BaseException) -> None:
        self.header.setText(f"<b>{self.number}</b>")
        self._show_error(describe(exc))

    def _clear(self) -> None:
        """Every section emptied for the page's reuse (``RecordTab.retire``)."""
        self.incident_id = None
        self._fills += 1                # a timeline still to come belongs to the last ticket
        self.priority.clear()
        # Emptied, not hidden, as on a page just made: showing a label again costs its
        # layout and rich-text sizing anew on the fill (milliseconds on the GUI thread).
        self.clocks.clear()
        self.form.clear()
        self.assignment.clear()
        self.sla_card.label.clear()
        self.caller_card.label.clear()
        self.links.clear()
        self.known.list.clear()
        self.knowledge.clear()
        self.tasks.reset(self.number)
        self.attachments.reset(self.number)
        self.timeline.clear()
        self.canned.close()
        self.move_panel.done()
        self.side.verticalScrollBar().setValue(0)

    def show_record(self, number: str) -> None:
        self.tasks.reset(number)
        self.attachments.reset(number)
        super().show_record(number)

    def _on_loaded(self, loaded: TicketLoad) -> None:
        """Fill the page in two turns of the event loop, each laid out and painted in one go:
        the ticket (heading, status, fields, cards), then its timeline. Filled in one turn,
        layout and paint kept the GUI thread 16-24 ms at a time (the timeline's wrapped
        entries are measured to scroll to the latest); a runner that answers inline (the
        tests' SyncRunner) has no turns in between, and gets the page filled at once."""
        self._fills += 1
        staged = not self.ctx.runner.inline
        # One relayout and one paint for each part, not one per section changed.
        self.setUpdatesEnabled(False)
        try:
            self._fill(loaded)
            if not staged:
                self.timeline.fill(loaded.detail)
        finally:
            self.setUpdatesEnabled(True)
        if not staged:
            self.loaded.emit(loaded.detail.incident.number)
            return
        fills = self._fills

        def timeline() -> None:
            if fills != self._fills:     # read again, or emptied for another ticket, since
                return
            self.timeline.setUpdatesEnabled(False)
            try:
                self.timeline.fill(loaded.detail)
            finally:
                self.timeline.setUpdatesEnabled(True)
            self.loaded.emit(loaded.detail.incident.number)

        # 1 ms, not 0: Qt posts a zero-time single shot as an event, handled in the same
        # pass as the first part's layout and paint; a real timer waits for the next turn.
        QTimer.singleShot(1, self, timeline)

    def _fill(self, loaded: TicketLoad) -> None:
        detail = loaded.detail
        self.detail = detail
        inc = detail.incident
        self.incident_id = inc.id
        self.banner.hide()
        self.error.hide()
        vip = " <span style='color:#a0522d'>★ VIP caller</span>" if inc.caller_is_vip else ""
        major = " <span style='color:#b00020'>MAJOR INCIDENT</span>" if inc.is_major else ""
        self.header.setText(f"<b>{inc.number}</b> — {esc(inc.title)}{vip}{major}<br>"
                            f"Status: <b>{labels.status(inc.status)}</b> · version {inc.version}")
        self.title_changed.emit(inc.number)
        why = inc.priority_explanation
        if detail.vip_policy and "VIP policy" not in why:
            version, _text, published = detail.vip_policy
            why += f" (VIP policy v{version}, published {published:%Y-%m-%d})"
        self.priority.setText(f"<b>Priority {inc.priority}</b>: {esc(why)}")
        final = inc.status in lifecycle.values(lifecycle.FINAL)
        self.form.set_services(detail.services)
        self.form.set_values(inc.editable())
        self._set_form_enabled(not final)
        self._fill_status(detail.transitions, inc.status)
        self.assignment.fill(detail)
        now = self.ctx.clock()
        self.sla_card.fill(inc, loaded.sla, now, self.ctx.site)
        self.clocks.setText(clocks_html(loaded.sla, self.ctx.site))
        self.clocks.setVisible(bool(self.clocks.text()))
        self.caller_card.fill(detail, self.ctx.site.today(now))
        self.links.fill(detail, final=final)
        self.known.fill(detail.known_errors)
        self.knowledge.fill(detail.articles, services=detail.services, service=detail.incident.service)
        self.tasks.fill(detail)
        self.attachments.fill(detail.attachments)

    def form_values(self) -> dict[str, Any]:
        return self.form.values()

    def _editable(self) -> dict[str, Any]:
        assert self.detail is not None
        return self.detail.incident.editable()

    def _version(self) -> int:
        assert self.detail is not None
        return self.detail.incident.version

    def is_dirty(self) -> bool:
        return super().is_dirty() or bool(self.timeline.draft().strip())

    def needs_saving(self) -> bool:
        # A team or person chosen and not assigned yet: not an edit a live reload must
        # guard (the section keeps the choice), but one Save should not lose.
        return super().needs_saving() or self.assignment.is_pending()

    def save_then(self, saved: Callable[[], None] | None) -> None:
        """Save the fields, then make the assignment chosen but not yet made (two writes,
        as the user made two edits); ``saved`` once both are stored."""
        if self.detail is None:
            return
        if not self.assignment.is_pending():
            super().save_then(saved)
            return
        team = self.assignment.f_team.currentText() or None
        who = self.assignment.f_assignee.currentData()

        def assign(version: int) -> None:
            self.run(ops.assign(self.ctx, self.number, base_version=version, team=team, assignee=who),
                     done=lambda _view: saved() if saved is not None else None)

        changes = self.changes()
        if changes:
            self.run(self._update(self._version(), changes), done=lambda view: assign(view.version))
        else:
            assign(self._version())

    def _move_hint(self, opt: TransitionOption) -> str:
        return ((f" (opens a panel for the reason for {opt.needs_reason})" if opt.needs_reason else "")
                + (" (opens a panel for the resolution code and note)" if opt.needs_resolution else ""))

    def _why_not_text(self, blocked: list[str], current: str) -> tuple[str, str]:
        if blocked:
            return "Why not others?", "\n".join(blocked)
        return "Final: no further status changes.", f"{labels.status(current)} is final."

    def _on_repair_checklist_changed(self) -> None:
        """The counter's checklist saved a tick (it may have moved the status: In progress,
        Pending (parts)): re-read the ticket, then tell the window with the version read.
        Until then a change to this ticket is the checklist's own."""
        number = self.number
        self._writes_in_flight += 1

        def failed(exc: BaseException) -> None:
            self._writes_in_flight -= 1
            self._on_load_failed(exc)
            self.announce_written()
            self._catch_up()

        self.ctx.runner.read(lambda: self._load(number), self._on_loaded_after_checklist, failed, owner=self.opening)

    def _on_loaded_after_checklist(self, loaded: TicketLoad) -> None:
        self._writes_in_flight -= 1
        self._missed = None
        if self.is_dirty():   # keep the user's typing: only the read-only parts would change under it
            self.detail = loaded.detail
            self.banner.setText("The checklist changed the ticket; your field edits are kept.")
            self.banner.show()
        else:
            self._on_loaded(loaded)
        # Told after the page holds this version, so its own copy of the change is old news.
        self.announce_written(loaded.detail.incident.version)

    # -- links and problems ------------------------------------------------------------
    def follow_link(self, href: str) -> None:
        kind, _sep, number = href.partition(":")
        if kind == "problem":
            self.open_problem_requested.emit(number)
        elif kind == "incident":
            self.open_ticket_requested.emit(number)

    def link_known_error(self, problem_number: str | None) -> None:
        if not problem_number or self.detail is None:
            return
        linked = self.detail.incident.problem_number
        if linked == problem_number:
            self.ctx.dialogs.info(self, "Known error", f"{self.number} is already linked to {problem_number}.")
            return
        if linked and not self.ctx.dialogs.confirm(
                self, "Known error", f"{self.number} is linked to {linked}. Link it to {problem_number} instead?"):
            return
        self.run(ops.link_problem(self.ctx, self.number, problem_number))

    def new_problem(self) -> None:
        """Open a problem for this incident's cause (same service, category, team), linked to it."""
        if self.detail is None:
            return
        title = self.ctx.dialogs.ask_text(self, "New problem", "Title of the problem:", self.detail.incident.title)
        if not title or not title.strip():
            return
        self.run(ops.open_problem(self.ctx, self.number, title.strip()),
                 done=lambda problem: self.open_problem_requested.emit(problem.number))

    # -- actions ---------------------------------------------------------------------
    def _marks_field(self, key: str, field: str | None) -> bool:
        # "caller" outlines the caller ID field, "title_…" the title.
        return bool(field) and key.startswith((field or "").split("_")[0])

    def _update(self, base_version: int, changes: dict[str, Any]) -> WriteOp[Any]:
        return ops.update(self.ctx, self.number, base_version, changes)

    def transition(self, opt: TransitionOption) -> None:
        """A move that needs words (a reason; a resolution code and note) opens the panel on
        the page; the others are made at once."""
        if self.detail is None:
            return
        if self.changes():
            self._show_error("Save or undo your field edits before changing the status.")
            return
        if opt.needs_reason or opt.needs_resolution:
            self.move_panel.open_for(opt, self.detail.resolution_codes)
            self.ensureWidgetVisible(self.move_panel)
            return
        self.run(ops.transition(self.ctx, self.number, opt.status, base_version=self.detail.incident.version))

    def _move_with_words(self, opt: TransitionOption, reason: str | None, code: str | None,
                         note: str | None) -> None:
        if self.detail is None:
            return
        if self.changes():
            self.move_panel.show_error("Save or undo your field edits before changing the status.", None)
            return
        self.run(ops.transition(self.ctx, self.number, opt.status, base_version=self.detail.incident.version,
                                reason=reason, resolution_code=code, resolution_note=note),
                 done=lambda _view: self.move_panel.done())

    def _on_write_failed(self, exc: BaseException) -> None:
        if self.move_panel.isVisible() and not isinstance(exc, ConflictError):
            # A refused move: said in the panel, where everything typed still is.
            self.move_panel.show_error(describe(exc), getattr(exc, "field", None))
            return
        super()._on_write_failed(exc)

    def assign(self, team: str | None = None, assignee: str | None = None) -> None:
        if self.detail is None:
            return
        self.run(ops.assign(self.ctx, self.number, base_version=self.detail.incident.version, team=team,
                            assignee=assignee))

    def assign_to_me(self) -> None:
        if self.detail is not None:
            self.run(ops.assign_to_me(self.ctx, self.number, base_version=self.detail.incident.version))

    def comment(self) -> None:
        """Post what is in the comment box as a public comment, or take the user there."""
        self._comment_or_focus(internal=False)

    def work_note(self) -> None:
        self._comment_or_focus(internal=True)

    def canned_reply(self) -> None:
        """Ctrl+E: the canned replies; the one picked goes into the reply box."""
        self.canned.open()

    def _comment_or_focus(self, *, internal: bool) -> None:
        if self.timeline.draft().strip():
            self._post_comment(internal=internal)
            return
        self.timeline.comment_box.setFocus()   # always in sight below the conversation

    def _post_comment(self, *, internal: bool) -> None:
        text = self.timeline.draft()
        if not text.strip():
            self._show_error("Write the comment first.", "comment")
            return
        # The box is cleared only once the text is stored.
        self.run(ops.comment(self.ctx, self.number, text, internal=internal),
                 done=lambda _view: self.timeline.comment_box.clear())

    def set_task(self, task_id: int, version: int, done: bool) -> None:
        self.run(ops.set_task(self.ctx, self.number, task_id, done=done, base_version=version))

    def attach_file(self, path: str) -> None:
        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            self._show_error(f"Cannot read {p}: {exc.strerror}.")
            return
        self.run(ops.attach(self.ctx, self.number, p.name, data))


__all__ = ["TicketLoad", "TicketPage"]
