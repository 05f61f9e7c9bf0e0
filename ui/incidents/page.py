"""One open ticket: fields with validation, legal status buttons, assignment, SLA,
caller card, tasks, links, known errors, attachments and the timeline.

Links (problem, parent major incident, children) ask the window to open them
(``open_ticket_requested`` / ``open_problem_requested``); Tab reaches each link and
Enter follows it. A walk-in repair's checklist is the counter's own widget, so its
ticks follow the counter's rule (``desk.counter.checklist``), not a copy of it.

Loads through ``TicketDetailService`` off the GUI thread; saves with the version it
loaded, so a save after someone else's becomes a conflict to merge, never an
overwrite. The user's typing is never thrown away without asking. That much is the
shared ``ui.record_tab.RecordTab`` (the problem tab is one too).
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFocusEvent, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.errors import DeskError, InvalidInput
from desk.problems.listing import KnownErrorMatch
from desk.workstation.detail import TicketDetail, TransitionOption
from ui.context import DeskContext
from ui.incidents.text import caller_html, sla_html, timeline_entries
from ui.errors import describe
from ui.queue.cells import status_label
from ui.record_tab import RecordTab, esc

log = logging.getLogger(__name__)

LEVELS = ("high", "medium", "low")
CHANNELS = ("walk_in", "phone", "email", "self_service", "monitoring")
FIELD_LABELS = {"title": "Title", "description": "Description", "caller_university_id": "Caller ID",
                "service": "Service", "category": "Category", "impact": "Impact", "urgency": "Urgency",
                "channel": "Channel"}


KNOWN_ERROR_ROLE = Qt.ItemDataRole.UserRole + 7


class LinkLabel(QLabel):
    """Rich-text links reachable by keyboard: Tab into it lands on the first link (not on the
    label as a whole), further Tabs step through the links and out, Enter follows one."""

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if event.reason() == Qt.FocusReason.TabFocusReason and "<a " in self.text():
            QLabel.focusNextPrevChild(self, True)


class KnownErrorList(QListWidget):
    """Known errors offered on this incident; Enter (the one key) links the incident to the selected one."""

    link_requested = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None \
                and item.data(KNOWN_ERROR_ROLE):
            self.link_requested.emit(item.data(KNOWN_ERROR_ROLE))
            return
        super().keyPressEvent(event)


class TicketDetailPanel(RecordTab):
    open_problem_requested = Signal(str)   # a problem number
    kind = "ticket"

    @property
    def record_id(self) -> int | None:
        return self.incident_id
    no_moves_message = "This ticket is final."

    def __init__(self, ctx: DeskContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, number, parent)
        self.detail: TicketDetail | None = None
        self.incident_id: int | None = None
        self.repair_checklist: QWidget | None = None   # ui.counter's RepairChecklistWidget on repairs
        self._build()
        self.reload()

    # -- building ------------------------------------------------------------------
    def _build(self) -> None:
        lay = self.layout_
        self._build_messages()
        self.priority = QLabel()
        self.priority.setWordWrap(True)
        self.priority.setAccessibleName("Priority and why")
        for w in (self.header, self.priority, self.banner, self.error):
            lay.addWidget(w)
        self._build_status_box()

        form_box = QGroupBox("Details")
        form = QFormLayout(form_box)
        self.f_title = QLineEdit()
        self.f_description = QPlainTextEdit()
        self.f_description.setMaximumHeight(110)
        self.f_caller = QLineEdit()
        self.f_caller.setPlaceholderText("university ID")
        self.f_service = QComboBox()
        self.f_category = QLineEdit()
        self.f_impact = QComboBox()
        self.f_impact.addItems(LEVELS)
        self.f_urgency = QComboBox()
        self.f_urgency.addItems(LEVELS)
        self.f_channel = QComboBox()
        self.f_channel.addItems(CHANNELS)
        self.fields = {
            "title": self.f_title, "description": self.f_description, "caller_university_id": self.f_caller,
            "service": self.f_service, "category": self.f_category, "impact": self.f_impact,
            "urgency": self.f_urgency, "channel": self.f_channel,
        }
        self._add_form_rows(form, FIELD_LABELS)
        lay.addWidget(form_box)

        assign_box = QGroupBox("Assignment")
        al = QGridLayout(assign_box)
        self.f_team = QComboBox()
        self.f_team.setAccessibleName("Team")
        self.f_assignee = QComboBox()
        self.f_assignee.setAccessibleName("Assignee")
        self.assign_button = QPushButton("Assign")
        self.assign_button.clicked.connect(self.assign)
        self.assign_me_button = QPushButton("Assign to &me")
        self.assign_me_button.clicked.connect(self.assign_to_me)
        al.addWidget(QLabel("Team"), 0, 0)
        al.addWidget(self.f_team, 0, 1)
        al.addWidget(QLabel("Person"), 1, 0)
        al.addWidget(self.f_assignee, 1, 1)
        al.addWidget(self.assign_button, 0, 2)
        al.addWidget(self.assign_me_button, 1, 2)
        al.setColumnStretch(1, 1)
        lay.addWidget(assign_box)

        self.sla = QLabel()
        self.sla.setWordWrap(True)
        self.sla.setAccessibleName("SLA")
        self.caller = QLabel()
        self.caller.setWordWrap(True)
        self.caller.setAccessibleName("Caller card")
        self.caller.setTextFormat(Qt.TextFormat.RichText)
        self.links = LinkLabel()
        self.links.setWordWrap(True)
        self.links.setAccessibleName("Links")
        self.links.setAccessibleDescription("Tab to a link and press Enter to open it")
        self.links.setTextFormat(Qt.TextFormat.RichText)
        # Links are focusable (Tab moves between them) and Enter follows the focused one.
        self.links.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.links.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.links.linkActivated.connect(self.follow_link)
        self.new_problem_button = QPushButton("New &problem from this incident…")
        self.new_problem_button.setAccessibleName("Open a new problem from this incident")
        self.new_problem_button.clicked.connect(self.new_problem)
        for title, w in (("SLA", self.sla), ("Caller", self.caller), ("Links", self.links)):
            box = QGroupBox(title)
            bl = QVBoxLayout(box)
            bl.addWidget(w)
            if w is self.links:
                bl.addWidget(self.new_problem_button, 0, Qt.AlignmentFlag.AlignLeft)
            lay.addWidget(box)

        self.known_box = QGroupBox("Known errors that match (same service / category)")
        kl = QVBoxLayout(self.known_box)
        self.known_errors = KnownErrorList()
        self.known_errors.setAccessibleName("Matching known errors")
        self.known_errors.setAccessibleDescription("Enter links this incident to the selected known error")
        self.known_errors.setWordWrap(True)
        self.known_errors.link_requested.connect(self.link_known_error)
        self.known_errors.itemDoubleClicked.connect(
            lambda it: it.data(KNOWN_ERROR_ROLE) and self.open_problem_requested.emit(it.data(KNOWN_ERROR_ROLE)))
        krow = QHBoxLayout()
        self.link_known_button = QPushButton("&Link to selected known error (Enter)")
        self.link_known_button.setAccessibleName("Link to the selected known error")
        self.link_known_button.clicked.connect(lambda: self.link_known_error(self._selected_known_error()))
        open_known = QPushButton("Open problem")
        open_known.clicked.connect(lambda: (n := self._selected_known_error()) and self.open_problem_requested.emit(n))
        krow.addWidget(self.link_known_button)
        krow.addWidget(open_known)
        krow.addStretch(1)
        kl.addWidget(self.known_errors)
        kl.addLayout(krow)
        self.known_box.hide()
        lay.addWidget(self.known_box)

        self.tasks_box = QGroupBox("Tasks")
        self.tasks_layout = QVBoxLayout(self.tasks_box)
        self.tasks = QListWidget()
        self.tasks.setAccessibleName("Task checklist")
        self.tasks.setMaximumHeight(170)
        self.tasks.itemChanged.connect(self._on_tasks_item_changed)
        self.tasks_layout.addWidget(self.tasks)
        lay.addWidget(self.tasks_box)

        att_box = QGroupBox("Attachments")
        avl = QVBoxLayout(att_box)
        self.attachments = QListWidget()
        self.attachments.setAccessibleName("Attachments")
        self.attachments.setMaximumHeight(100)
        self.attachments.currentItemChanged.connect(self._on_attachments_current_changed)
        self.preview = QLabel()
        self.preview.setAccessibleName("Attachment preview")
        arow = QHBoxLayout()
        add = QPushButton("Add…")
        add.clicked.connect(self.add_attachment)
        save_as = QPushButton("Save as…")
        save_as.clicked.connect(self.save_attachment)
        open_button = QPushButton("Open")
        open_button.clicked.connect(self.open_attachment)
        arow.addWidget(add)
        arow.addWidget(open_button)
        arow.addWidget(save_as)
        avl.addWidget(self.attachments)
        avl.addLayout(arow)
        avl.addWidget(self.preview)
        lay.addWidget(att_box)

        tl_box = QGroupBox("Timeline (newest first)")
        tl = QVBoxLayout(tl_box)
        filters = QHBoxLayout()
        self.tl_filters: dict[str, QCheckBox] = {}
        for kind, label in (("public", "Comments"), ("internal", "Work notes"), ("status", "Status"),
                            ("audit", "Audit")):
            box = QCheckBox(label)
            box.setChecked(True)
            box.toggled.connect(self._fill_timeline)
            self.tl_filters[kind] = box
            filters.addWidget(box)
        self.comment_box = QPlainTextEdit()
        self.comment_box.setPlaceholderText("Write a comment or work note…")
        self.comment_box.setAccessibleName("Comment text")
        self.comment_box.setTabChangesFocus(True)
        self.comment_box.setMaximumHeight(80)
        crow = QHBoxLayout()
        pub = QPushButton("Add &comment (public)")
        pub.clicked.connect(lambda: self._post_comment(internal=False))
        note = QPushButton("Add work &note (internal)")
        note.clicked.connect(lambda: self._post_comment(internal=True))
        crow.addWidget(pub)
        crow.addWidget(note)
        self.timeline = QListWidget()
        self.timeline.setAccessibleName("Timeline")
        self.timeline.setWordWrap(True)
        tl.addLayout(filters)
        tl.addWidget(self.comment_box)
        tl.addLayout(crow)
        tl.addWidget(self.timeline)
        lay.addWidget(tl_box)
        lay.addStretch(1)

    # -- loading -------------------------------------------------------------------
    def _load(self, number: str) -> TicketDetail:
        return self.ctx.details.load(number, self.ctx.actor)

    def _on_load_failed(self, exc: BaseException) -> None:
        self.header.setText(f"<b>{self.number}</b>")
        self._show_error(describe(exc))

    def _on_loaded(self, detail: TicketDetail) -> None:
        self.detail = detail
        inc = detail.incident
        self.incident_id = inc.id
        self.banner.hide()
        self.error.hide()
        vip = " <span style='color:#a0522d'>★ VIP caller</span>" if inc.caller_is_vip else ""
        major = " <span style='color:#b00020'>MAJOR INCIDENT</span>" if inc.is_major else ""
        self.header.setText(f"<b>{inc.number}</b> — {esc(inc.title)}{vip}{major}<br>"
                            f"Status: <b>{status_label(inc.status)}</b> · version {inc.version}")
        self.title_changed.emit(inc.number)
        why = inc.priority_explanation
        if detail.vip_policy and "VIP policy" not in why:
            version, _text, published = detail.vip_policy
            why += f" (VIP policy v{version}, published {published:%Y-%m-%d})"
        self.priority.setText(f"<b>Priority {inc.priority}</b>: {esc(why)}")
        self._fill_form(detail)
        self._fill_status(detail.transitions, inc.status)
        self._fill_assignment(detail)
        self._fill_sla(detail)
        self.caller.setText(caller_html(detail))
        self.links.setText(links_html(detail))
        final = inc.status in ("closed", "cancelled")
        self.new_problem_button.setEnabled(not final and not inc.problem_number)
        self.new_problem_button.setToolTip(f"Already linked to {inc.problem_number}" if inc.problem_number else
                                           "Open a problem for the underlying cause, linked to this incident")
        self._fill_known_errors(detail.known_errors)
        self._fill_tasks(detail)
        self.attachments.clear()
        for a in detail.attachments:
            item = QListWidgetItem(f"{a.filename}  ({a.size / 1024:.0f} KB)")
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, a.content_type)
            self.attachments.addItem(item)
        self.preview.clear()
        self._fill_timeline()
        self.loaded.emit(inc.number)

    def _fill_form(self, detail: TicketDetail) -> None:
        inc = detail.incident
        self.f_service.blockSignals(True)
        self.f_service.clear()
        self.f_service.addItem("")
        self.f_service.addItems(list(detail.services))
        self.f_service.blockSignals(False)
        self._set_values(inc.editable())
        self._set_form_enabled(inc.status not in ("closed", "cancelled"))

    def _set_values(self, values: dict[str, Any]) -> None:
        for key, w in self.fields.items():
            if key not in values:
                continue
            v = values[key] or ""
            if isinstance(w, QLineEdit):
                w.setText(str(v))
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(str(v))
            elif isinstance(w, QComboBox):
                i = w.findText(str(v))
                if i < 0 and v:
                    w.addItem(str(v))
                    i = w.findText(str(v))
                w.setCurrentIndex(max(i, 0))

    def form_values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, w in self.fields.items():
            if isinstance(w, QLineEdit):
                out[key] = w.text().strip() or None
            elif isinstance(w, QPlainTextEdit):
                out[key] = w.toPlainText()
            elif isinstance(w, QComboBox):
                out[key] = w.currentText() or None
        if out.get("description") is None:
            out["description"] = ""
        return out

    def _editable(self) -> dict[str, Any]:
        assert self.detail is not None
        return self.detail.incident.editable()

    def _version(self) -> int:
        assert self.detail is not None
        return self.detail.incident.version

    def is_dirty(self) -> bool:
        return super().is_dirty() or bool(self.comment_box.toPlainText().strip())

    def _move_hint(self, opt: TransitionOption) -> str:
        return ((f" (asks for the reason for {opt.needs_reason})" if opt.needs_reason else "")
                + (" (asks for resolution code and note)" if opt.needs_resolution else ""))

    def _why_not_text(self, blocked: list[str], current: str) -> tuple[str, str]:
        if blocked:
            return "Why not others?", "\n".join(blocked)
        return "Final: no further status changes.", f"{status_label(current)} is final."

    def _fill_assignment(self, detail: TicketDetail) -> None:
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

    def _fill_sla(self, detail: TicketDetail) -> None:
        info = None
        try:
            info = self.ctx.sla.incident_sla(detail.incident.number, self.ctx.clock())
        except DeskError as exc:
            log.warning("SLA detail unavailable: %s", exc)
        self.sla.setText(sla_html(detail.incident, info, self.ctx.clock()))

    def _fill_known_errors(self, matches: tuple[KnownErrorMatch, ...]) -> None:
        current = self._selected_known_error()
        self.known_errors.clear()
        for m in matches:
            state = "  ✔ linked" if m.linked else ""
            item = QListWidgetItem(f"{m.number} — {m.title}{state}\nWorkaround: {m.workaround}")
            item.setData(KNOWN_ERROR_ROLE, m.number)
            item.setToolTip(f"Matches on {m.matched_on}" + (f"\nRoot cause: {m.root_cause}" if m.root_cause else ""))
            self.known_errors.addItem(item)
            if m.number == current or (current is None and self.known_errors.count() == 1):
                self.known_errors.setCurrentItem(item)
        self.known_box.setVisible(bool(matches))
        # About three lines per match (title, workaround wrapped once), not a fixed block of
        # blank space; longer workarounds scroll.
        line = self.known_errors.fontMetrics().lineSpacing()
        self.known_errors.setFixedHeight(min(190, len(matches) * 3 * line + 2 * self.known_errors.frameWidth() + 6))
        self.link_known_button.setEnabled(any(not m.linked for m in matches))

    def _selected_known_error(self) -> str | None:
        item = self.known_errors.currentItem()
        return item.data(KNOWN_ERROR_ROLE) if item is not None else None

    def _fill_tasks(self, detail: TicketDetail) -> None:
        if detail.is_repair:
            self._show_repair_checklist()
            return
        self.tasks.blockSignals(True)
        self.tasks.clear()
        for t in detail.tasks:
            text = f"{t.position}. {t.title}" + (f"  ({t.condition})" if t.condition else "")
            if t.done and t.done_by:
                text += f" — done by {t.done_by}"
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if t.done else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, (t.id, t.version))
            self.tasks.addItem(item)
        if not detail.tasks:
            self.tasks.addItem("No tasks (no incident model).")
        self.tasks.blockSignals(False)

    def _fill_timeline(self) -> None:
        if self.detail is None:
            return
        shown = {k for k, box in self.tl_filters.items() if box.isChecked()}
        self.timeline.clear()
        for kind, text in timeline_entries(self.detail):
            if kind not in shown:
                continue
            item = QListWidgetItem(text)
            if kind == "internal":
                item.setBackground(QBrush(QColor(255, 248, 220)))
                item.setToolTip("Internal work note: staff only")
            elif kind == "public":
                item.setToolTip("Public comment: visible to the caller")
            elif kind in ("status", "audit"):
                item.setForeground(QBrush(QColor(90, 90, 90)))
            item.setData(Qt.ItemDataRole.UserRole, kind)
            self.timeline.addItem(item)

    def _show_repair_checklist(self) -> None:
        """The counter's checklist widget in place of the plain task list (built once, then re-read)."""
        if self.repair_checklist is None:
            from ui.counter.checklist_widget import RepairChecklistWidget

            widget = RepairChecklistWidget.for_desk(self.ctx, self.number, self.tasks_box)
            widget.changed.connect(self._on_repair_checklist_changed)
            self.tasks.hide()
            self.tasks_layout.addWidget(widget)
            self.tasks_box.setTitle("Repair checklist")
            self.repair_checklist = widget
        else:
            self.repair_checklist.reload()  # type: ignore[attr-defined]

    def _on_repair_checklist_changed(self, _number: str) -> None:
        # The checklist may have moved the status (In progress, Pending (parts)): re-read the ticket.
        self.announce_written()
        self.ctx.runner.read(lambda: self.ctx.details.load(self.number, self.ctx.actor), self._on_loaded_after_checklist,
                             self._on_load_failed, owner=self)

    def _on_loaded_after_checklist(self, detail: TicketDetail) -> None:
        if self.is_dirty():   # keep the user's typing: only the read-only parts would change under it
            self.detail = detail
            self.banner.setText("The checklist changed the ticket; your field edits are kept.")
            self.banner.show()
            return
        self._on_loaded(detail)

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
        if self.detail.incident.problem_number == problem_number:
            self.ctx.dialogs.info(self, "Known error", f"{self.number} is already linked to {problem_number}.")
            return
        if self.detail.incident.problem_number and not self.ctx.dialogs.confirm(
                self, "Known error", f"{self.number} is linked to {self.detail.incident.problem_number}. "
                                     f"Link it to {problem_number} instead?"):
            return
        self._run_write(lambda: self.ctx.services.incidents.link_problem(self.ctx.actor, self.number,
                                                                         problem_number))

    def new_problem(self) -> None:
        """Open a problem for this incident's cause (same service, category, team), linked to it."""
        if self.detail is None:
            return
        title = self.ctx.dialogs.ask_text(self, "New problem", "Title of the problem:", self.detail.incident.title)
        if not title or not title.strip():
            return
        number = self.number

        def done(problem: Any) -> None:
            self._on_written(problem)
            self.open_problem_requested.emit(problem.number)

        self.error.hide()
        self.ctx.runner.write(lambda: self.ctx.services.problems.open_from_incident(self.ctx.actor, number,
                                                                                   title=title.strip()),
                              done, self._on_write_failed, owner=self)

    # -- actions ---------------------------------------------------------------------
    def _marks_field(self, key: str, field: str | None) -> bool:
        # "caller" outlines the caller ID field, "title_…" the title.
        return bool(field) and key.startswith(field.split("_")[0])

    def _check_changes(self, changes: dict[str, Any]) -> bool:
        if "title" in changes and not (changes["title"] or "").strip():
            self._show_error("The title cannot be empty.", "title")
            return False
        return True

    def _update(self, base_version: int, changes: dict[str, Any]) -> Any:
        return self.ctx.services.incidents.update(self.ctx.actor, self.number, base_version, changes)

    def transition(self, opt: TransitionOption) -> None:
        if self.detail is None:
            return
        kwargs: dict[str, Any] = {"base_version": self.detail.incident.version}
        if opt.needs_reason:
            reason = self.ctx.dialogs.ask_text(self, opt.label, f"Reason for {opt.needs_reason}:",
                                               multiline=True)
            if not reason or not reason.strip():
                self._show_error(f"A reason is required for {opt.needs_reason}.", "reason")
                return
            kwargs["reason"] = reason
        if opt.needs_resolution:
            code = self.ctx.dialogs.ask_choice(self, "Resolve", "Resolution code:", self.detail.resolution_codes)
            if not code:
                return
            note = self.ctx.dialogs.ask_text(self, "Resolve", "Resolution note (what fixed it):", multiline=True)
            if not note or not note.strip():
                self._show_error("Resolving needs a resolution note.", "resolution_note")
                return
            kwargs.update(resolution_code=code, resolution_note=note)
        if self.changes():
            self._show_error("Save or undo your field edits before changing the status.")
            return
        self._run_write(lambda: self.ctx.services.incidents.transition(
            self.ctx.actor, self.number, opt.status, **kwargs))

    def assign(self) -> None:
        if self.detail is None:
            return
        team = self.f_team.currentText() or None
        who = self.f_assignee.currentData()
        base = self.detail.incident.version
        self._run_write(lambda: self.ctx.services.incidents.assign(
            self.ctx.actor, self.number, team=team, assignee=who, base_version=base))

    def assign_to_me(self) -> None:
        if self.detail is None:
            return
        base = self.detail.incident.version
        me = self.ctx.actor.username
        self._run_write(lambda: self.ctx.services.incidents.assign(
            self.ctx.actor, self.number, assignee=me, base_version=base))

    def comment(self) -> None:
        self._comment_via_dialog(internal=False)

    def work_note(self) -> None:
        self._comment_via_dialog(internal=True)

    def _comment_via_dialog(self, *, internal: bool) -> None:
        if self.comment_box.toPlainText().strip():
            self._post_comment(internal=internal)
            return
        self.comment_box.setFocus()

    def _post_comment(self, *, internal: bool) -> None:
        text = self.comment_box.toPlainText()
        if not text.strip():
            self._show_error("Write the comment first.", "comment")
            return

        def done(_r: Any) -> None:
            self.comment_box.clear()  # only once it is stored
            self._on_written(_r)

        self.ctx.runner.write(lambda: self.ctx.services.incidents.comment(
            self.ctx.actor, self.number, text, internal=internal), done, self._on_write_failed, owner=self)

    def _on_tasks_item_changed(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if not data:
            return
        task_id, version = data
        done = item.checkState() == Qt.CheckState.Checked
        self._run_write(lambda: self.ctx.details.set_task(self.ctx.actor, task_id, done=done,
                                                          base_version=version))

    def add_attachment(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, f"Attach a file to {self.number}")
        if path:
            self.attach_file(path)

    def attach_file(self, path: str) -> None:
        from pathlib import Path

        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            self._show_error(f"Cannot read {p}: {exc.strerror}.")
            return
        self._run_write(lambda: self.ctx.details.add_attachment(self.ctx.actor, self.number, p.name, data))

    def save_attachment(self) -> None:
        item = self.attachments.currentItem()
        if item is None:
            return
        att_id = item.data(Qt.ItemDataRole.UserRole)

        def got(res: tuple[str, str, bytes]) -> None:
            name, _ctype, data = res
            path, _ = QFileDialog.getSaveFileName(self, "Save attachment", name)
            if path:
                with open(path, "wb") as fh:
                    fh.write(data)

        self.ctx.runner.read(lambda: self.ctx.details.attachment_data(att_id), got,
                             lambda exc: self._show_error(describe(exc)), owner=self)

    def open_attachment(self) -> None:
        """Open with the desktop's viewer, from a private temporary copy."""
        item = self.attachments.currentItem()
        if item is None:
            return
        att_id = item.data(Qt.ItemDataRole.UserRole)

        def got(res: tuple[str, str, bytes]) -> None:
            import tempfile
            from pathlib import Path

            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            folder = Path(tempfile.mkdtemp(prefix="desk-attachment-"))
            path = folder / res[0]
            path.write_bytes(res[2])
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

        self.ctx.runner.read(lambda: self.ctx.details.attachment_data(att_id), got,
                             lambda exc: self._show_error(describe(exc)), owner=self)

    def _on_attachments_current_changed(self, item: QListWidgetItem | None, _prev: Any) -> None:
        self.preview.clear()
        if item is None or not str(item.data(Qt.ItemDataRole.UserRole + 1)).startswith("image/"):
            return
        att_id = item.data(Qt.ItemDataRole.UserRole)

        def got(res: tuple[str, str, bytes]) -> None:
            pix = QPixmap()
            if pix.loadFromData(res[2]):
                self.preview.setPixmap(pix.scaledToWidth(min(320, pix.width())))

        self.ctx.runner.read(lambda: self.ctx.details.attachment_data(att_id), got, owner=self)

def links_html(detail: TicketDetail) -> str:
    """Problem, parent and children as links (href "problem:PRB-…" / "incident:INC-…")."""
    inc = detail.incident
    parts = []
    if inc.problem_number:
        parts.append(f"Problem: <a href='problem:{inc.problem_number}'>{inc.problem_number}</a>")
    if inc.parent_number:
        parts.append(f"Parent major incident: <a href='incident:{inc.parent_number}'>{inc.parent_number}</a>")
    if detail.children:
        parts.append(f"Children ({len(detail.children)}): " + ", ".join(
            f"<a href='incident:{n}'>{n}</a> ({esc(status_label(s))})" for n, _t, s in detail.children))
    if inc.model:
        parts.append(f"Incident model: {esc(inc.model)}")
    return "<br>".join(parts) or "No links."


__all__ = ["InvalidInput", "TicketDetailPanel"]
