"""What an incident tab and a problem tab share: one versioned record in a scrolling tab.

Both load off the GUI thread, offer only the legal status moves (with the reasons for the
others under "Why not others?"), save with the version they loaded so a save after someone
else's becomes a merge (never an overwrite), and keep the user's unsaved typing when the
record changes elsewhere, saying so in a banner. The subclasses build their own form and
say which service does the reading and writing through the hooks below.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ConflictError
from desk.live.watcher import INCIDENT
from ui.context import DeskContext
from ui.errors import describe
from ui.operations import WriteOp


class StatusMove(Protocol):
    """A status move as the services offer it (ticket or problem; frozen, so read-only here)."""

    @property
    def status(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def allowed(self) -> bool: ...
    @property
    def why_not(self) -> str | None: ...


class RecordTab(QScrollArea):
    """Base of ``TicketDetailPanel`` and ``ProblemDetailPanel``.

    Subclasses set ``self.fields`` in ``_build`` and provide the hooks: ``_load`` (read the
    detail), ``_on_loaded``, ``_editable`` (the record's field values as loaded),
    ``_version``, ``_update`` (the service's versioned update), ``form_values`` and
    ``transition``.
    """

    loaded = Signal(str)
    title_changed = Signal(str)
    open_ticket_requested = Signal(str)   # an incident number

    kind = "record"                       # "ticket" / "problem": in accessible names and the banner
    no_moves_message = "{number} has no further status changes."

    def __init__(self, ctx: DeskContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.number = number
        self.detail: Any = None
        self.fields: dict[str, QWidget] = {}
        self.status_buttons: dict[str, QPushButton] = {}
        self._move_buttons: list[QPushButton] = []    # made once, relabelled (_fill_status)
        self._status_moves: list[Any] = []            # the move each shown button makes
        self._why_not: QLabel | None = None
        self.blocked_reasons: list[str] = []
        self._writes_in_flight = 0      # our own writes not yet answered
        self._error_field: str | None = None
        self._missed: tuple[int | None] | None = None   # a change heard meanwhile (its version)
        # What the reads for the record shown now are owned by: a tab reused for another
        # record (ui.tabs keeps closed ticket pages to refill) drops this token, and the
        # runner then drops every answer still coming for the record it showed before.
        self.opening = QObject(self)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(f"{self.kind.capitalize()} {number}")
        body = QWidget(self)
        self.setWidget(body)
        self.layout_ = QVBoxLayout(body)

    # -- hooks -------------------------------------------------------------------------
    def _build(self) -> None:
        raise NotImplementedError

    def _load(self, number: str) -> Any:
        """Runs off the GUI thread: the detail of ``number``."""
        raise NotImplementedError

    def _on_loaded(self, detail: Any) -> None:
        raise NotImplementedError

    def _editable(self) -> dict[str, Any]:
        raise NotImplementedError

    def _version(self) -> int:
        raise NotImplementedError

    def _update(self, base_version: int, changes: dict[str, Any]) -> WriteOp[Any]:
        """The feature's versioned-update operation for this record."""
        raise NotImplementedError

    def form_values(self) -> dict[str, Any]:
        raise NotImplementedError

    def transition(self, opt: Any) -> None:
        raise NotImplementedError

    def _move_hint(self, opt: Any) -> str:
        """Added to a status button's tooltip: what the move will ask for."""
        return ""

    def _why_not_text(self, blocked: list[str], current: str) -> tuple[str, str]:
        """The label under the status buttons and its tooltip."""
        return "Why not others?", "\n".join(blocked)

    def _check_changes(self, changes: dict[str, Any]) -> bool:
        """Last look before a save; False (after showing why) stops it."""
        return True

    def _marks_field(self, key: str, field: str | None) -> bool:
        """Whether an error about ``field`` outlines the form field ``key``."""
        return field == key

    # -- building ------------------------------------------------------------------------
    def _build_messages(self) -> None:
        """The heading, the changed-elsewhere banner and the error line (the caller lays them out)."""
        self.header = QLabel(f"<b>{self.number}</b> loading…")
        self.header.setWordWrap(True)
        self.header.setAccessibleName(f"{self.kind.capitalize()} heading")
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fff3cd; padding:4px;")
        self.banner.hide()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#b00020;")
        self.error.setAccessibleName("Error message")
        self.error.hide()

    def _build_status_box(self) -> None:
        self.status_box = QGroupBox("Status")
        self.status_row = QGridLayout(self.status_box)
        self.layout_.addWidget(self.status_box)

    def _add_form_rows(self, form: QFormLayout, labels: dict[str, str]) -> None:
        """A labelled row for each of ``self.fields`` (Tab leaves a text box rather than typing a
        tab), then the Save button."""
        for key, w in self.fields.items():
            if isinstance(w, QPlainTextEdit):
                w.setTabChangesFocus(True)
            w.setAccessibleName(labels[key])
            form.addRow(labels[key], w)
        self.save_button = QPushButton("&Save (Ctrl+S)")
        self.save_button.setAccessibleName(f"Save {self.kind}")
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)

    # -- loading -------------------------------------------------------------------------
    def reload(self, *, keep_error: bool = False, keep_edits: bool = False) -> None:
        """Re-read the record; ``keep_error``: the error line showing now stays after it;
        ``keep_edits``: the unsaved edits in the form now stay in it, in each field the record
        still holds as it did (after one of this tab's own writes, an assignment say, which
        re-reads the record but did not store the typing)."""
        number = self.number
        shown = (self.error.text(), self._error_field) if keep_error and not self.error.isHidden() else None
        before = self._editable() if keep_edits and self.detail is not None else {}
        pending = self.changes() if before else {}

        def loaded(detail: Any) -> None:
            self._on_loaded(detail)
            if pending and self.detail is not None:
                now = self._editable()
                for key, mine in pending.items():
                    if (now.get(key) or None) == (before.get(key) or None) and key in self.fields:
                        _put_back(self.fields[key], mine)
            if shown is not None:
                self._show_error(*shown)

        self.ctx.runner.read(lambda: self._load(number), loaded, self._on_load_failed, owner=self.opening)

    # -- reuse -------------------------------------------------------------------------
    def reusable(self) -> bool:
        """Whether the tab may be emptied and kept to show another record: none of its
        writes is waiting for an answer (their callbacks would act on the next record)."""
        return not self._writes_in_flight

    def retire(self) -> None:
        """Empty the tab of its record: every field, list, draft, error and pending answer
        (the reads still under way are dropped), as a tab just made; ``show_record`` fills
        it again."""
        shiboken6.delete(self.opening)      # now, not later: an answer may be queued already
        self.opening = QObject(self)
        self.detail = None
        self._missed = None
        self._error_field = None
        self.blocked_reasons = []
        self.error.clear()
        self.error.hide()
        self.banner.clear()
        self.banner.hide()
        for w in self.fields.values():
            w.setStyleSheet("")
            w.setEnabled(True)
        self._clear_status()
        self._clear()
        self.verticalScrollBar().setValue(0)
        if (focused := self.focusWidget()) is not None:
            focused.clearFocus()

    def show_record(self, number: str) -> None:
        """Show ``number`` in this (retired) tab: what a new tab for it would show."""
        self.number = number
        self.setAccessibleName(f"{self.kind.capitalize()} {number}")
        self.header.setText(f"<b>{number}</b> loading…")
        self.reload()

    def _clear(self) -> None:
        """The subclass's part of ``retire``: its own sections emptied."""

    def _on_load_failed(self, exc: BaseException) -> None:
        self._show_error(describe(exc))

    def reload_if_clean(self) -> None:
        if self._writes_in_flight:
            self._missed = (None,)       # our write's answer re-reads (or _catch_up does)
            return
        if not self.is_dirty():
            self.reload()

    def _set_form_enabled(self, enabled: bool) -> None:
        for w in self.fields.values():
            w.setEnabled(enabled)
        self.save_button.setEnabled(enabled)

    def changes(self) -> dict[str, Any]:
        if self.detail is None:
            return {}
        before = self._editable()
        return {k: v for k, v in self.form_values().items() if (before.get(k) or None) != (v or None)}

    def is_dirty(self) -> bool:
        return bool(self.changes())

    def _fill_status(self, options: Sequence[StatusMove], current: str) -> None:
        """A button for each legal move; the others, with why, under "Why not others?".

        The buttons and the label are made once and relabelled on each fill (a new
        ticket, a reload after a write): a button made anew is polished, laid out and
        shown by Qt in a later turn of the event loop, milliseconds each on the GUI thread."""
        self.status_buttons = {}
        self._status_moves = []
        blocked = []
        for opt in options:
            if not opt.allowed:
                blocked.append(f"{opt.label}: {opt.why_not}")
                continue
            n = len(self._status_moves)
            if n == len(self._move_buttons):
                b = QPushButton()
                b.clicked.connect(lambda _=False, i=n: self.transition(self._status_moves[i]))
                self.status_row.addWidget(b, n // 3, n % 3)
                self._move_buttons.append(b)
            b = self._move_buttons[n]
            b.setText(f"→ {opt.label}")
            b.setAccessibleName(f"Move to {opt.label}")
            b.setToolTip(f"Move to {opt.label}" + self._move_hint(opt))
            b.show()
            self._status_moves.append(opt)
            self.status_buttons[opt.status] = b
        for b in self._move_buttons[len(self._status_moves):]:
            b.hide()
        text, tip = self._why_not_text(blocked, current)
        why = self._why_not
        if why is None:
            why = self._why_not = QLabel()
            why.setAccessibleName("Unavailable status changes")
            why.setStyleSheet("color:#555; text-decoration: underline dotted;")
        why.setText(text)
        why.setToolTip(tip)
        why.setAccessibleDescription("\n".join(blocked))
        self.status_row.addWidget(why, (len(self.status_buttons) + 2) // 3 + 1, 0, 1, 3)
        why.show()
        self.blocked_reasons = blocked

    def _clear_status(self) -> None:
        for b in self._move_buttons:
            b.hide()
        if self._why_not is not None:
            self._why_not.hide()
        self.status_buttons = {}
        self._status_moves = []

    # -- writes --------------------------------------------------------------------------
    def run(self, op: WriteOp[Any], done: Callable[[Any], None] | None = None) -> None:
        """Run one of the feature's operations on this record: errors come back here (a
        conflict becomes a merge), and the tab re-reads what was stored. The operation
        itself has told the rest of the window (the change hub)."""
        self.error.hide()
        self._writes_in_flight += 1

        def written(result: Any) -> None:
            self._writes_in_flight -= 1
            self._missed = None          # the re-read below shows whatever came meanwhile
            self._on_written(result)
            if done is not None:
                done(result)

        def failed(exc: BaseException) -> None:
            self._writes_in_flight -= 1
            self._on_write_failed(exc)
            self._catch_up()

        op.run(self, done=written, failed=failed)

    def _catch_up(self) -> None:
        """A change heard while our write was under way, and the write then failed: it
        may have been someone else's, so take it now."""
        if self._missed is not None and not self._writes_in_flight:
            (version,), self._missed = self._missed, None
            if self.is_dirty():
                self._keep_edits(version)
            else:
                self.reload(keep_error=True)   # the refusal stays in sight over the fresh record

    def _on_written(self, result: Any) -> None:
        self.reload(keep_edits=True)

    # What this tab's record is for the change hub (ticket tabs: INCIDENT; problem tabs: PROBLEM).
    change_kind = INCIDENT

    @property
    def record_id(self) -> int | None:
        return None

    def announce_written(self, version: int | None = None) -> None:
        """Tell the window (queue, counts, other tabs, features) at once that this record
        changed here, for writes made by a widget of another feature inside the tab (the
        counter's repair checklist); the tab's own writes are operations, which do it."""
        self.ctx.changes.record_written(self.record_id, version, self.change_kind)

    def _on_write_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ConflictError):
            self._resolve_conflict(exc)
            return
        self._show_error(describe(exc), getattr(exc, "field", None))

    def _show_error(self, message: str, field: str | None = None) -> None:
        self._error_field = field
        self.error.setText(message)
        self.error.show()
        for key, w in self.fields.items():
            w.setStyleSheet("border: 2px solid #b00020;" if self._marks_field(key, field) else "")
        if field in self.fields:
            self.fields[field].setFocus()

    def save(self) -> None:
        self.save_then(None)

    def needs_saving(self) -> bool:
        """Whether Save would store something (a draft comment is not saved by Save)."""
        return bool(self.changes())

    def save_then(self, saved: Callable[[], None] | None) -> None:
        """Save the form; ``saved`` runs once the save is stored (not when it is refused, a
        conflict included: the tab then shows why, and the edits stay)."""
        if self.detail is None:
            return
        changes = self.changes()
        if not changes:
            self.ctx.dialogs.info(self, "Save", f"{self.number}: nothing changed.")
            return
        if not self._check_changes(changes):
            return
        base = self._version()
        self.run(self._update(base, changes), None if saved is None else (lambda _result: saved()))

    def _resolve_conflict(self, exc: ConflictError) -> None:
        """Both versions of the fields that collided; merge, keep theirs or leave the form as it
        is. Never overwrite silently."""
        before = self._editable() if self.detail is not None else {}
        fields = [(k, before.get(k), v, exc.theirs.get(k)) for k, v in exc.mine.items() if k in self.fields]
        choice = self.ctx.dialogs.merge_conflict(self, exc.number, fields)
        if choice is None:
            self._show_error(str(exc) + " Your edits are still in the form; Save again to choose.")
            return
        if isinstance(choice, str):      # "theirs": take what is stored now
            self.reload()
            return
        merged = {k: v for k, v in choice.items() if exc.theirs.get(k) != v}
        if not merged:
            self.reload()
            return
        version = exc.current_version
        self.run(self._update(version, merged))

    def change_status(self) -> None:
        """The status move chosen from a list (the keyboard way to the status buttons)."""
        if self.detail is None:
            return
        allowed = [o for o in self.detail.transitions if o.allowed]
        if not allowed:
            self.ctx.dialogs.info(self, "Change status", self.no_moves_message.format(number=self.number))
            return
        status = self.ctx.dialogs.ask_choice(self, "Change status", "Move to:", [(o.label, o.status) for o in allowed])
        opt = next((o for o in allowed if o.status == status), None)
        if opt is not None:
            self.transition(opt)

    # -- live ----------------------------------------------------------------------------
    def on_changed_elsewhere(self, version: int | None = None) -> None:
        """This record changed elsewhere (``version`` when known). Re-read when the form is
        clean; with edits in it, keep them (``_keep_edits``)."""
        if self.detail is not None and version is not None and version == self._version():
            return           # our own save, already shown
        if self._writes_in_flight:
            # Ours, most likely: the tab re-reads when its write is answered; if that write
            # fails, the change is taken then (_catch_up), since it may have been another's.
            self._missed = (version,)
            return
        if not self.is_dirty():
            self.reload()
            return
        self._keep_edits(version)

    def _keep_edits(self, version: int | None) -> None:
        self._show_changed_banner()

    def _show_changed_banner(self) -> None:
        self.banner.setText(f"This {self.kind} was changed on another workstation. Your edits are kept; "
                            "Save will show both versions so you can merge.")
        self.banner.show()


def _put_back(w: QWidget, value: Any) -> None:
    """Show ``value`` (as ``form_values`` gives it) in the form field ``w`` again."""
    if isinstance(w, QLineEdit):
        w.setText("" if value is None else str(value))
    elif isinstance(w, QPlainTextEdit):
        w.setPlainText("" if value is None else str(value))
    elif isinstance(w, QComboBox):
        # Choice combos carry the value as item data; the others show it as their text.
        i = w.findData(value) if value is not None else -1
        w.setCurrentIndex(i if i >= 0 else max(w.findText("" if value is None else str(value)), 0))


def esc(text: str) -> str:
    """``text`` safe inside rich text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
