"""The open records: ticket pages and problem tabs (several at once), plus the panels
features add beside them (major-incident board, dashboard).

It opens a record once (a second request shows the tab already there), asks before a tab
with unsaved edits is closed, and hears the change hub for the records it shows: a tab
whose record changed re-reads it, or keeps the user's typing and says so. Where it shows
(a full page in the queue's place, or beside it) is the main window's call.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QDialog, QTabWidget, QWidget

from desk.live.watcher import PROBLEM, Change
from ui.context import DeskContext
from ui.incidents.page import TicketPage
from ui.problems.detail import ProblemDetailPanel
from ui.record_tab import RecordTab

R = TypeVar("R", bound=RecordTab)   # a record tab class: ticket or problem

# Closed ticket pages kept, emptied, to show the next ticket opened: building a page's
# widgets, and Qt's first polish and layout of them, is most of what opening one costs on
# the GUI thread (tens of milliseconds); refilling a page that exists is a few. Two: a
# technician mostly opens one or two tickets at a time; more would only hold memory.
POOL_SIZE = 2
# A page is made ahead, in a quiet moment after a ticket opens, when none is kept: the next
# ticket opened (a second tab, the next one stepped to) then finds one built and polished.
SPARE_AFTER_MS = 400


class RecordTabs(QTabWidget):
    problem_opened = Signal(str)     # a problem tab was opened or shown
    count_changed = Signal(int)      # tabs open now: the window decides where they show

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setTabsClosable(True)
        self.setDocumentMode(True)
        self.setAccessibleName("Open tickets")
        self.tabCloseRequested.connect(self.close_tab)
        self.setVisible(False)
        self._saved_for_quit = False     # before_quit: every tab saved, the window may go
        self._kept: set[int] = set()     # panels closing only hides (keep): ids of their widgets
        self._pool: list[TicketPage] = []   # closed ticket pages, emptied, to reuse (POOL_SIZE)
        self._spare_due = False             # a spare page is to be made (_make_spare)
        ctx.changes.changed.connect(self.on_change)

    def tabInserted(self, index: int) -> None:
        super().tabInserted(index)
        self.count_changed.emit(self.count())

    def tabRemoved(self, index: int) -> None:
        super().tabRemoved(index)
        self.count_changed.emit(self.count())

    # -- opening ---------------------------------------------------------------------
    def open_ticket(self, number: str) -> TicketPage:
        def wire(page: TicketPage) -> None:
            page.open_problem_requested.connect(self.open_problem)

        if self._pool and not any(t.number == number for t in self.tickets()):
            page = self._pool.pop()
            page.show_record(number)
            self.setCurrentIndex(self.addTab(page, number))
        else:
            page = self._open(TicketPage, number, wire)
        if not self._pool and not self._spare_due:
            self._spare_due = True
            QTimer.singleShot(SPARE_AFTER_MS, self._make_spare)
        return page

    def _make_spare(self) -> None:
        """One empty ticket page made and polished while nothing else happens (each step in
        a turn of its own), kept in the pool for the next ticket opened."""
        self._spare_due = False
        if self._pool:
            return
        page = TicketPage(self.ctx, None, self)
        page.hide()
        page.open_problem_requested.connect(self.open_problem)
        self._wire(page)
        self._pool.append(page)
        # Qt's first style polish of its widgets, otherwise paid when it is first shown.
        QTimer.singleShot(0, page, page.ensurePolished)

    def open_problem(self, number: str) -> ProblemDetailPanel:
        return self._open(ProblemDetailPanel, number, lambda _tab: None)

    def _open(self, cls: type[R], number: str, wire: Callable[[R], None]) -> R:
        """The tab already showing ``number``, or a new one (``wire`` connects what is its own)."""
        for tab in self.records(cls):
            if tab.number == number:
                self.setCurrentWidget(tab)
                return tab
        tab = cls(self.ctx, number, self)
        wire(tab)
        self._wire(tab)
        self.setCurrentIndex(self.addTab(tab, number))
        return tab

    def _wire(self, tab: RecordTab) -> None:
        tab.open_ticket_requested.connect(self.open_ticket)
        tab.title_changed.connect(partial(self._set_title, tab))

    def add_panel(self, title: str, widget: QWidget) -> int:
        index = self.addTab(widget, title)
        self.setCurrentIndex(index)
        return index

    def keep(self, widget: QWidget) -> None:
        """Closing ``widget``'s tab takes it out of the tabs without deleting it: a feature's
        one page (the Counter, the board) comes back as it was left."""
        self._kept.add(id(widget))

    def pooled(self) -> list[TicketPage]:
        """The closed ticket pages kept to reuse (none of them is a tab)."""
        return list(self._pool)

    def _set_title(self, tab: QWidget, title: str) -> None:
        i = self.indexOf(tab)
        if i >= 0:
            self.setTabText(i, title)

    def close_tab(self, index: int) -> None:
        """Close the tab at ``index``; one with unsaved edits asks first: Save (closes once
        the save is stored; a refused save, a conflict say, keeps the tab with the error),
        Discard, or Cancel."""
        w = self.widget(index)
        if w is None:
            return
        if isinstance(w, RecordTab) and (w.is_dirty() or w.needs_saving()):
            answer = self.ctx.dialogs.save_discard_cancel(
                self, "Unsaved changes", f"{w.number} has unsaved changes{self._draft_note([w])}. "
                "Save them before closing?")
            if answer == "cancel":
                return
            if answer == "save" and w.needs_saving():
                w.save_then(lambda: self._remove(w))
                return
        self._remove(w)

    def _remove(self, w: QWidget) -> None:
        i = self.indexOf(w)
        if i >= 0:
            self.removeTab(i)
            if id(w) in self._kept:
                w.hide()
                return
            if isinstance(w, TicketPage) and len(self._pool) < POOL_SIZE and w.reusable():
                w.hide()
                w.retire()
                self._pool.append(w)
                return
            if isinstance(w, QDialog) and not w.property("ended"):
                # A dialog shown as a page (the SLA report) whose tab was closed: ended as
                # its Close would end it, so it stops its work and cleans up. (Its finished
                # signal comes back here and finds no tab.)
                w.setProperty("ended", True)
                w.done(QDialog.DialogCode.Rejected)
            w.deleteLater()

    def before_quit(self, quit_again: Callable[[], object]) -> bool:
        """Whether the window may close now. With unsaved edits in tabs, one question for all:
        Discard (True), Cancel (False) or Save (False now; every tab with edits saves, and
        ``quit_again`` is called once all are stored; a refused save keeps the window open
        on that tab, with the error)."""
        if self._saved_for_quit:
            # Just saved for this quit: the tabs' re-reads may still be under way, so the
            # forms would look unsaved against the old records for a moment.
            self._saved_for_quit = False
            return True
        dirty = [t for t in self.records(RecordTab) if t.is_dirty() or t.needs_saving()]
        if not dirty:
            return True
        answer = self.ctx.dialogs.save_discard_cancel(
            self.window(), "Unsaved changes",
            f"Unsaved changes in {', '.join(t.number for t in dirty)}{self._draft_note(dirty)}. "
            "Save them before quitting?")
        if answer == "discard":
            return True
        if answer == "save":
            self._save_all([t for t in dirty if t.needs_saving()], quit_again)
        return False

    def _save_all(self, tabs: list[RecordTab], then: Callable[[], object]) -> None:
        waiting = set(map(id, tabs))

        def all_stored() -> None:
            self._saved_for_quit = True
            # Later, not now: the saves may be answered inside the closeEvent that asked,
            # and Qt ignores a close() made from within a close.
            QTimer.singleShot(0, then)

        def stored(tab: RecordTab) -> None:
            waiting.discard(id(tab))
            if not waiting:
                all_stored()

        if not tabs:                      # only unsent comments: nothing to store
            all_stored()
            return
        for tab in tabs:
            tab.save_then(partial(stored, tab))
            if id(tab) in waiting and not tab.error.isHidden():
                self.setCurrentWidget(tab)   # refused at once: show which tab, and why

    def _draft_note(self, tabs: list[RecordTab]) -> str:
        """Save stores the form, not a comment still being written: say so."""
        drafts = [t.number for t in tabs if isinstance(t, TicketPage) and t.timeline.draft().strip()]
        if not drafts:
            return ""
        return f" (Save does not post the unsent comment in {', '.join(drafts)})"

    # -- what is open ------------------------------------------------------------------
    def records(self, cls: type[R]) -> list[R]:
        return [w for i in range(self.count()) if isinstance(w := self.widget(i), cls)]

    def tickets(self) -> list[TicketPage]:
        return self.records(TicketPage)

    def problems(self) -> list[ProblemDetailPanel]:
        return self.records(ProblemDetailPanel)

    def current_ticket(self) -> TicketPage | None:
        w = self.currentWidget()
        return w if isinstance(w, TicketPage) else None

    def dirty_numbers(self) -> list[str]:
        return [t.number for t in self.records(RecordTab) if t.is_dirty() or t.needs_saving()]

    def reload_clean(self) -> None:
        for tab in self.records(RecordTab):
            tab.reload_if_clean()

    # -- changes -----------------------------------------------------------------------
    def on_change(self, change: Change) -> None:
        versions = dict(change.ids)
        if change.kind == PROBLEM:
            for problem in self.problems():
                if change.refresh or problem.problem_id is None or problem.problem_id in versions:
                    problem.on_changed_elsewhere(versions.get(problem.problem_id or -1))
            # Known errors and problem links shown on tickets may have changed.
            for ticket in self.tickets():
                ticket.reload_if_clean()
            return
        for ticket in self.tickets():
            if change.refresh or ticket.incident_id in versions:
                ticket.on_changed_elsewhere(versions.get(ticket.incident_id or -1))
        # Incident changes include links to problems; problem records are few, re-read them.
        for problem in self.problems():
            problem.on_changed_elsewhere()
