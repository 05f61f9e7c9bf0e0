"""One problem record in a tab: fields, legal status buttons, root cause and workaround,
linked incidents (open, link, unlink).

Reads through ``ProblemService.detail`` off the GUI thread; every save carries the
version it was loaded at, so a save after someone else's becomes a merge, never an
overwrite (the same as the ticket detail). The Known-error rule is the service's: its
message is shown as it comes.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
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
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ConflictError
from desk.services.problems import ProblemDetail, ProblemTransition, problem_label
from ui.context import DeskContext
from ui.errors import describe
from ui.queue.cells import DESK_TZ, status_label

FIELD_LABELS = {"title": "Title", "description": "Description", "service": "Service", "category": "Category",
                "team": "Team", "assignee": "Assignee", "root_cause": "Root cause", "workaround": "Workaround"}
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


class ProblemDetailPanel(QScrollArea):
    saved = Signal(str)                   # the problem number, after a write of this panel
    loaded = Signal(str)
    title_changed = Signal(str)
    open_ticket_requested = Signal(str)   # an incident number

    def __init__(self, ctx: DeskContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.number = number
        self.detail: ProblemDetail | None = None
        self.status_buttons: dict[str, QPushButton] = {}
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(f"Problem {number}")
        body = QWidget(self)
        self.setWidget(body)
        self.layout_ = QVBoxLayout(body)
        self._build()
        self.reload()

    # -- building ------------------------------------------------------------------
    def _build(self) -> None:
        lay = self.layout_
        self.header = QLabel(f"<b>{self.number}</b> loading…")
        self.header.setWordWrap(True)
        self.header.setAccessibleName("Problem heading")
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fff3cd; padding:4px;")
        self.banner.hide()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#b00020;")
        self.error.setAccessibleName("Error message")
        self.error.hide()
        for w in (self.header, self.banner, self.error):
            lay.addWidget(w)

        self.status_box = QGroupBox("Status")
        self.status_row = QGridLayout(self.status_box)
        lay.addWidget(self.status_box)

        form_box = QGroupBox("Problem")
        form = QFormLayout(form_box)
        self.f_title = QLineEdit()
        self.f_description = QPlainTextEdit()
        self.f_description.setMaximumHeight(100)
        self.f_service = QComboBox()
        self.f_category = QLineEdit()
        self.f_team = QComboBox()
        self.f_assignee = QComboBox()
        self.f_root_cause = QPlainTextEdit()
        self.f_root_cause.setMaximumHeight(90)
        self.f_root_cause.setPlaceholderText("What causes the incidents (required for a known error)")
        self.f_workaround = QPlainTextEdit()
        self.f_workaround.setMaximumHeight(90)
        self.f_workaround.setPlaceholderText("What the desk can do meanwhile (required for a known error; "
                                             "offered on matching incidents)")
        self.fields: dict[str, QWidget] = {
            "title": self.f_title, "description": self.f_description, "service": self.f_service,
            "category": self.f_category, "team": self.f_team, "assignee": self.f_assignee,
            "root_cause": self.f_root_cause, "workaround": self.f_workaround,
        }
        for key, w in self.fields.items():
            if isinstance(w, QPlainTextEdit):
                w.setTabChangesFocus(True)
            w.setAccessibleName(FIELD_LABELS[key])
            form.addRow(FIELD_LABELS[key], w)
        self.save_button = QPushButton("&Save (Ctrl+S)")
        self.save_button.setAccessibleName("Save problem")
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)
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
    def reload(self) -> None:
        number = self.number
        self.ctx.runner.read(lambda: self.ctx.services.problems.detail(number), self._on_loaded,
                             lambda exc: self._show_error(describe(exc)), owner=self)

    def reload_if_clean(self) -> None:
        if not self.is_dirty():
            self.reload()

    def _on_loaded(self, detail: ProblemDetail) -> None:
        self.detail = detail
        p = detail.problem
        self.number = p.number
        self.banner.hide()
        self.error.hide()
        opened = p.opened_at.astimezone(DESK_TZ).strftime("%Y-%m-%d")
        updated = p.updated_at.astimezone(DESK_TZ).strftime("%Y-%m-%d %H:%M")
        self.header.setText(f"<b>{p.number}</b> — {_esc(p.title)}<br>Status: <b>{problem_label(p.status)}</b>"
                            f" · {len(detail.incidents)} linked incident(s) · opened {opened} · updated {updated}"
                            f" · version {p.version}")
        self.title_changed.emit(p.number)
        self._fill_form(detail)
        self._fill_status(detail.transitions, p.status)
        self.incidents.clear()
        for inc in detail.incidents:
            item = QListWidgetItem(f"{inc.number}  {inc.priority}  {status_label(inc.status)} — {inc.title}")
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
        final = detail.problem.status == "closed"
        for w in self.fields.values():
            w.setEnabled(not final)
        self.save_button.setEnabled(not final)

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

    def changes(self) -> dict[str, Any]:
        if self.detail is None:
            return {}
        before = self.detail.editable()
        return {k: v for k, v in self.form_values().items() if (before.get(k) or None) != (v or None)}

    def is_dirty(self) -> bool:
        return bool(self.changes())

    def _fill_status(self, options: tuple[ProblemTransition, ...], current: str) -> None:
        while self.status_row.count():
            item = self.status_row.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.status_buttons = {}
        blocked = []
        for opt in options:
            if not opt.allowed:
                blocked.append(f"{opt.label}: {opt.why_not}")
                continue
            b = QPushButton(f"→ {opt.label}")
            b.setAccessibleName(f"Move to {opt.label}")
            b.setToolTip(f"Move to {opt.label}" + (" (root cause and workaround must be filled in)"
                                                    if opt.needs_known_error_fields else ""))
            b.clicked.connect(lambda _=False, o=opt: self.transition(o))
            n = len(self.status_buttons)
            self.status_row.addWidget(b, n // 3, n % 3)
            self.status_buttons[opt.status] = b
        why = QLabel("Why not others?" if self.status_buttons else "Closed: no further status changes.")
        why.setToolTip("\n".join(blocked))
        why.setAccessibleName("Unavailable status changes")
        why.setAccessibleDescription("\n".join(blocked))
        why.setStyleSheet("color:#555; text-decoration: underline dotted;")
        self.status_row.addWidget(why, (len(self.status_buttons) + 2) // 3 + 1, 0, 1, 3)
        self.blocked_reasons = blocked

    # -- writes ----------------------------------------------------------------------
    def _run_write(self, fn: Any) -> None:
        self.error.hide()
        self.ctx.runner.write(fn, self._on_written, self._on_write_failed, owner=self)

    def _on_written(self, _result: Any) -> None:
        self.saved.emit(self.number)
        self.reload()

    def _on_write_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ConflictError):
            self._resolve_conflict(exc)
            return
        self._show_error(describe(exc), getattr(exc, "field", None))

    def _show_error(self, message: str, field: str | None = None) -> None:
        self.error.setText(message)
        self.error.show()
        for key, w in self.fields.items():
            w.setStyleSheet("border: 2px solid #b00020;" if field == key else "")
        if field in self.fields:
            self.fields[field].setFocus()

    def save(self) -> None:
        if self.detail is None:
            return
        changes = self.changes()
        if not changes:
            self.ctx.dialogs.info(self, "Save", f"{self.number}: nothing changed.")
            return
        base = self.detail.problem.version
        self._run_write(lambda: self.ctx.services.problems.update(self.ctx.actor, self.number, base, changes))

    def _resolve_conflict(self, exc: ConflictError) -> None:
        """Both versions of the fields that collided; merge, keep theirs or leave the form as it is."""
        if "status" in exc.mine:     # a status move on a stale version: show what is there now
            self.reload()
            self._show_error(str(exc))
            return
        before = self.detail.editable() if self.detail else {}
        fields = [(k, before.get(k), v, exc.theirs.get(k)) for k, v in exc.mine.items() if k in self.fields]
        choice = self.ctx.dialogs.merge_conflict(self, exc.number, fields)
        if choice is None:
            self._show_error(str(exc) + " Your edits are still in the form; Save again to choose.")
            return
        if choice == "theirs":
            self.reload()
            return
        merged = {k: v for k, v in choice.items() if exc.theirs.get(k) != v}
        if not merged:
            self.reload()
            return
        version = exc.current_version
        self._run_write(lambda: self.ctx.services.problems.update(self.ctx.actor, self.number, version, merged))

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
        self._run_write(lambda: self.ctx.services.problems.transition(
            self.ctx.actor, self.number, opt.status, **kwargs))

    def change_status(self) -> None:
        if self.detail is None:
            return
        allowed = [o for o in self.detail.transitions if o.allowed]
        if not allowed:
            self.ctx.dialogs.info(self, "Change status", f"{self.number} is closed.")
            return
        label = self.ctx.dialogs.ask_choice(self, "Change status", "Move to:", [o.label for o in allowed])
        opt = next((o for o in allowed if o.label == label), None)
        if opt is not None:
            self.transition(opt)

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
        self._run_write(lambda: self.ctx.services.problems.link(self.ctx.actor, self.number, number.strip()))

    def unlink_selected(self) -> None:
        number = self.selected_incident()
        if not number:
            self._show_error("Select the incident to unlink first.")
            return
        if not self.ctx.dialogs.confirm(self, "Unlink", f"Unlink {number} from {self.number}?"):
            return
        self._run_write(lambda: self.ctx.services.problems.unlink(self.ctx.actor, self.number, number))

    # -- live ------------------------------------------------------------------------
    @property
    def problem_id(self) -> int | None:
        return self.detail.problem.id if self.detail is not None else None

    def on_changed_elsewhere(self, version: int | None = None) -> None:
        """Something changed elsewhere: this problem (``version`` known, from a live change) or
        an incident perhaps linked here. Re-read when the form is clean; with edits in it, keep
        them and only say so when this problem's version really moved."""
        if self.detail is not None and version is not None and version == self.detail.problem.version:
            return           # our own save, already shown
        if not self.is_dirty():
            self.reload()
            return
        if version is not None:
            self._on_version_seen(version)
            return
        number = self.number
        self.ctx.runner.read(lambda: self.ctx.services.problems.get(number).version, self._on_version_seen,
                             owner=self)

    def _on_version_seen(self, version: int) -> None:
        if self.detail is None or version == self.detail.problem.version:
            return
        self.banner.setText("This problem was changed on another workstation. Your edits are kept; "
                            "Save will show both versions so you can merge.")
        self.banner.show()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
