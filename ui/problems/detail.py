"""One problem record in a tab: fields, legal status buttons, root cause and workaround,
linked incidents (open, link, unlink).

Reads through ``ProblemService.detail`` off the GUI thread; loading, status buttons, the
versioned save with its merge, and keeping unsaved typing on a change elsewhere are the
shared ``ui.record_tab.RecordTab`` (the same as the ticket detail). The Known-error rule
is the service's: its message is shown as it comes.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ConflictError
from desk.live.watcher import PROBLEM
from desk.problems.service import EDITABLE_FIELDS, ProblemDetail, ProblemTransition
from desk.rules import labels
from ui.context import DeskContext
from ui.operations import WriteOp
from ui.problems import operations as ops
from ui.record_tab import RecordTab, esc
from ui.wheel_guard import ComboBox

FIELD_LABELS = {key: labels.field(key) for key in EDITABLE_FIELDS}
NUMBER_ROLE = Qt.ItemDataRole.UserRole


class IncidentList(QListWidget):
    """Linked incidents; Enter opens the selected one."""

    open_requested = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self.open_requested.emit(item.data(NUMBER_ROLE))
            return
        super().keyPressEvent(event)


class ProblemDetailPanel(RecordTab):
    kind = "problem"
    change_kind = PROBLEM

    @property
    def record_id(self) -> int | None:
        return self.problem_id
    no_moves_message = "{number} is closed."

    def __init__(self, ctx: DeskContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, number, parent)
        self.detail: ProblemDetail | None = None
        self._build()
        self.reload()

    # -- building ------------------------------------------------------------------
    def _build(self) -> None:
        lay = self.layout_
        self._build_messages()
        for w in (self.header, self.banner, self.error):
            lay.addWidget(w)
        self._build_status_box()

        form_box = QGroupBox("Problem")
        form = QFormLayout(form_box)
        self.f_title = QLineEdit()
        self.f_description = QPlainTextEdit()
        self.f_description.setMaximumHeight(100)
        self.f_service = ComboBox()
        self.f_category = QLineEdit()
        self.f_team = ComboBox()
        self.f_assignee = ComboBox()
        self.f_root_cause = QPlainTextEdit()
        self.f_root_cause.setMaximumHeight(90)
        self.f_root_cause.setPlaceholderText("What causes the incidents (required for a known error)")
        self.f_workaround = QPlainTextEdit()
        self.f_workaround.setMaximumHeight(90)
        self.f_workaround.setPlaceholderText("What the desk can do meanwhile (required for a known error; "
                                             "offered on matching incidents)")
        self.fields = {
            "title": self.f_title, "description": self.f_description, "service": self.f_service,
            "category": self.f_category, "team": self.f_team, "assignee": self.f_assignee,
            "root_cause": self.f_root_cause, "workaround": self.f_workaround,
        }
        self._add_form_rows(form, FIELD_LABELS)
        lay.addWidget(form_box)

        inc_box = QGroupBox("Linked incidents")
        il = QVBoxLayout(inc_box)
        self.incidents = IncidentList()
        self.incidents.setAccessibleName("Linked incidents")
        self.incidents.setAccessibleDescription("Enter opens the selected incident")
        self.incidents.setMaximumHeight(200)
        self.incidents.open_requested.connect(self.open_ticket_requested.emit)
        self.incidents.itemDoubleClicked.connect(lambda it: self.open_ticket_requested.emit(it.data(NUMBER_ROLE)))
        row = QHBoxLayout()
        self.open_incident_button = QPushButton("&Open incident")
        self.open_incident_button.clicked.connect(self.open_selected_incident)
        self.link_button = QPushButton("&Link incident…")
        self.link_button.setAccessibleName("Link an incident")
        self.link_button.clicked.connect(self.link_incident)
        self.unlink_button = QPushButton("&Unlink selected")
        self.unlink_button.setAccessibleName("Unlink the selected incident")
        self.unlink_button.clicked.connect(self.unlink_selected)
        for b in (self.open_incident_button, self.link_button, self.unlink_button):
            row.addWidget(b)
        il.addWidget(self.incidents)
        il.addLayout(row)
        lay.addWidget(inc_box)
        lay.addStretch(1)

    # -- loading -------------------------------------------------------------------
    def _load(self, number: str) -> ProblemDetail:
        return self.ctx.services.problems.detail(number)

    def _on_loaded(self, detail: ProblemDetail) -> None:
        self.detail = detail
        p = detail.problem
        self.number = p.number
        self.banner.hide()
        self.error.hide()
        opened = self.ctx.site.local(p.opened_at).strftime("%Y-%m-%d")
        updated = self.ctx.site.local(p.updated_at).strftime("%Y-%m-%d %H:%M")
        self.header.setText(f"<b>{p.number}</b> — {esc(p.title)}<br>Status: <b>{labels.problem_status(p.status)}</b>"
                            f" · {len(detail.incidents)} linked incident(s) · opened {opened} · updated {updated}"
                            f" · version {p.version}")
        self.title_changed.emit(p.number)
        self._fill_form(detail)
        self._fill_status(detail.transitions, p.status)
        self.incidents.clear()
        for inc in detail.incidents:
            item = QListWidgetItem(f"{inc.number}  {inc.priority}  {labels.status(inc.status)} — {inc.title}")
            item.setData(NUMBER_ROLE, inc.number)
            self.incidents.addItem(item)
        if not detail.incidents:
            empty = QListWidgetItem("No incidents linked yet.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.incidents.addItem(empty)
        closed = p.status == "closed"
        self.link_button.setEnabled(not closed)
        self.unlink_button.setEnabled(not closed and bool(detail.incidents))
        self.loaded.emit(p.number)

    def _fill_form(self, detail: ProblemDetail) -> None:
        for combo, items in ((self.f_service, detail.services), (self.f_team, detail.teams)):
            combo.clear()
            combo.addItem("", None)
            for name in items:
                combo.addItem(name, name)
        self.f_assignee.clear()
        self.f_assignee.addItem("", None)
        for username, name in detail.staff:
            self.f_assignee.addItem(name, username)
        self._set_values(detail.editable())
        self._set_form_enabled(detail.problem.status != "closed")

    def _set_values(self, values: dict[str, Any]) -> None:
        for key, w in self.fields.items():
            v = values.get(key)
            if isinstance(w, QLineEdit):
                w.setText(v or "")
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(v or "")
            elif isinstance(w, QComboBox):
                i = w.findData(v) if v else 0
                if i < 0:    # an inactive service/team or a departed assignee: still shown
                    w.addItem(str(v), v)
                    i = w.count() - 1
                w.setCurrentIndex(i)

    def form_values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, w in self.fields.items():
            if isinstance(w, QLineEdit):
                out[key] = w.text().strip() or None
            elif isinstance(w, QPlainTextEdit):
                out[key] = w.toPlainText().strip() or None
            elif isinstance(w, QComboBox):
                out[key] = w.currentData() or None
        return out

    def _editable(self) -> dict[str, Any]:
        assert self.detail is not None
        return self.detail.editable()

    def _version(self) -> int:
        assert self.detail is not None
        return self.detail.problem.version

    def _move_hint(self, opt: ProblemTransition) -> str:
        return " (root cause and workaround must be filled in)" if opt.needs_known_error_fields else ""

    def _why_not_text(self, blocked: list[str], current: str) -> tuple[str, str]:
        return ("Why not others?" if self.status_buttons else "Closed: no further status changes.",
                "\n".join(blocked))

    # -- writes ----------------------------------------------------------------------
    def _update(self, base_version: int, changes: dict[str, Any]) -> WriteOp[Any]:
        return ops.update(self.ctx, self.number, base_version, changes)

    def _resolve_conflict(self, exc: ConflictError) -> None:
        if "status" in exc.mine:     # a status move on a stale version: show what is there now
            self.reload()
            self._show_error(str(exc))
            return
        super()._resolve_conflict(exc)

    def transition(self, opt: ProblemTransition) -> None:
        if self.detail is None:
            return
        changes = self.changes()
        kwargs: dict[str, Any] = {"base_version": self.detail.problem.version}
        if opt.needs_known_error_fields:
            # Root cause and workaround typed in the form go with the move; the service checks both.
            kwargs["root_cause"] = self.f_root_cause.toPlainText()
            kwargs["workaround"] = self.f_workaround.toPlainText()
            changes = {k: v for k, v in changes.items() if k not in ("root_cause", "workaround")}
        if changes:
            self._show_error("Save or undo your field edits before changing the status.")
            return
        self.run(ops.transition(self.ctx, self.number, opt.status, **kwargs))

    def selected_incident(self) -> str | None:
        item = self.incidents.currentItem()
        return item.data(NUMBER_ROLE) if item is not None else None

    def open_selected_incident(self) -> None:
        number = self.selected_incident()
        if number:
            self.open_ticket_requested.emit(number)

    def link_incident(self, number: str | None = None) -> None:
        number = number or self.ctx.dialogs.ask_text(self, "Link incident", f"Incident to link to {self.number}:")
        if not number or not number.strip():
            return
        self.run(ops.link(self.ctx, self.number, number.strip()))

    def unlink_selected(self) -> None:
        number = self.selected_incident()
        if not number:
            self._show_error("Select the incident to unlink first.")
            return
        if not self.ctx.dialogs.confirm(self, "Unlink", f"Unlink {number} from {self.number}?"):
            return
        self.run(ops.unlink(self.ctx, self.number, number))

    # -- live ------------------------------------------------------------------------
    @property
    def problem_id(self) -> int | None:
        return self.detail.problem.id if self.detail is not None else None

    def _keep_edits(self, version: int | None) -> None:
        """Edits in the form: say so only when this problem's version really moved (a change
        to a linked incident comes without a version; read it)."""
        if version is not None:
            self._on_version_seen(version)
            return
        number = self.number
        self.ctx.runner.read(lambda: self.ctx.services.problems.get(number).version, self._on_version_seen,
                             owner=self)

    def _on_version_seen(self, version: int) -> None:
        if self.detail is None or version == self.detail.problem.version:
            return
        self._show_changed_banner()
