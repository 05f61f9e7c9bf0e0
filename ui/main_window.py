"""The technician's workstation: views on the left, the queue in the centre, open
tickets in tabs on the right, search and scan fields above, state in the status bar.

Extension point for other features (walk-in counter, reports, dashboard): call
``window.register_tool(menu, action)`` to put a QAction into a top-level menu
("File", "Tickets", "Counter", "Reports", ...; created on first use), and
``window.add_panel(title, widget)`` to add a tab beside the queue. ui/app.py calls
the installers of ``ui.features`` after the window is built.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desk.live.watcher import PROBLEM, Change
from desk.queue.spec import QueueFilter, QueueSpec
from ui import settings as S
from ui.context import DeskContext
from ui.incidents.page import TicketDetailPanel
from ui.errors import describe
from ui.problems.detail import ProblemDetailPanel
from ui.problems.list_view import ProblemListView
from ui.queue.model import QueueModel
from ui.queue.view import QueueView
from ui.queue.views_panel import ViewEntry, ViewsPanel
from ui.record_tab import RecordTab

log = logging.getLogger(__name__)
R = TypeVar("R", bound=RecordTab)   # a record tab class: ticket or problem




class _OpenTabs(QTabWidget):
    """The open tickets; hidden while none is open so the queue gets the whole width."""

    def tabInserted(self, index: int) -> None:
        super().tabInserted(index)
        self.setVisible(True)

    def tabRemoved(self, index: int) -> None:
        super().tabRemoved(index)
        self.setVisible(self.count() > 0)

class MainWindow(QMainWindow):

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("MainWindow")
        self.setWindowTitle(f"Desk — {ctx.actor.display_name}")
        self.setAccessibleName("Desk main window")
        self._menus: dict[str, QMenu] = {}
        self._view: ViewEntry | None = None
        ctx.changes.changed.connect(self.on_change)

        # Left: views
        self.views = ViewsPanel(ctx, self)
        # Centre: search, scan, queue
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search tickets: number, title, description, caller, asset tag…  (Ctrl+F)")
        self.search.setAccessibleName("Search tickets")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.search.textChanged.connect(lambda t: None if t else self._on_search_return_pressed())
        self.scan = QLineEdit(self)
        self.scan.setPlaceholderText("Scan: ticket, asset tag or ID card  (Ctrl+B)")
        self.scan.setAccessibleName("Scan field")
        self.scan.setMaximumWidth(320)
        self.scan.returnPressed.connect(self._on_scan_return_pressed)
        self.queue_model = QueueModel(ctx, self, page_size=ctx.settings.get(S.PAGE_SIZE))
        self.queue = QueueView(ctx, self.queue_model, self)
        self.queue_title = QLabel(self)
        self.queue_title.setAccessibleName("Queue title")
        centre = QWidget(self)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.scan)
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(4, 4, 4, 4)
        cl.addLayout(top)
        cl.addWidget(self.queue_title)
        cl.addWidget(self.queue, 1)
        # The Problems view lists problem records, not incidents: its own table in the centre.
        self.problems = ProblemListView(ctx, self)
        self.problems.problem_opened.connect(self.open_problem)
        self.problems.new_problem_requested.connect(self.new_problem)
        self.centre = QStackedWidget(self)
        self.centre.addWidget(centre)
        self.centre.addWidget(self.problems)
        # Incident changes (links) and own saves re-read the shown problem rows, once per burst.
        self._problems_reload = QTimer(self, singleShot=True, interval=800)
        self._problems_reload.timeout.connect(self.problems.model.soft_refresh)
        # Right: open tickets (several at once) and panels from other features
        self.tabs = _OpenTabs(self)
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Open tickets")
        self.tabs.tabCloseRequested.connect(self.close_tab)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.views)
        self.splitter.addWidget(self.centre)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([210, 820, 560])
        self.tabs.setVisible(False)  # until a ticket or panel is opened
        self.setCentralWidget(self.splitter)

        # Status bar: connection, who, live-update state
        self.status_connection = QLabel(ctx.connection)
        self.status_connection.setAccessibleName("Connection")
        self.status_user = QLabel(f"{ctx.actor.display_name} ({ctx.actor.role_label})")
        self.status_user.setAccessibleName("Signed in as")
        self.status_live = QLabel("live updates: starting…")
        self.status_live.setAccessibleName("Live update state")
        self.status_rows = QLabel("")
        for w in (self.status_rows, self.status_connection, self.status_user, self.status_live):
            self.statusBar().addPermanentWidget(w)

        self._build_actions()
        self.views.view_chosen.connect(self._on_views_view_chosen)
        self.queue.ticket_opened.connect(self.open_ticket)
        self.queue_model.loaded.connect(self._on_queue_loaded)
        self.queue_model.failed.connect(lambda msg: self.statusBar().showMessage(msg, 10000))
        self._restore_state()

    # -- extension point ---------------------------------------------------------------
    def menu(self, title: str) -> QMenu:
        """The top-level menu ``title`` (created on first use, before Help)."""
        if title not in self._menus:
            menu = QMenu(title.replace("&", ""), self)
            help_menu = self._menus.get("&Help")
            if help_menu is not None:
                self.menuBar().insertMenu(help_menu.menuAction(), menu)
            else:
                self.menuBar().addMenu(menu)
            self._menus[title] = menu
        return self._menus[title]

    def register_tool(self, menu: str, action: QAction) -> QAction:
        """Add a feature's action to a top-level menu; the window keeps it alive."""
        action.setParent(self)
        self.menu(menu).addAction(action)
        self.addAction(action)  # shortcuts work wherever the focus is
        return action

    def add_panel(self, title: str, widget: QWidget) -> int:
        """Add a feature's widget as a tab beside the open tickets; returns its index."""
        index = self.tabs.addTab(widget, title)
        self.tabs.setCurrentIndex(index)
        return index

    # -- actions and shortcuts ------------------------------------------------------------
    def _act(self, menu: str, text: str, shortcut: str | QKeySequence | None, slot, tip: str = "") -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(tip or text.replace("&", ""))
        action.triggered.connect(slot)
        return self.register_tool(menu, action)

    def _build_actions(self) -> None:
        self._menus["&File"] = self.menuBar().addMenu("&File")
        self._menus["&Tickets"] = self.menuBar().addMenu("&Tickets")
        self._menus["&View"] = self.menuBar().addMenu("&View")
        self._menus["&Help"] = self.menuBar().addMenu("&Help")
        a = self._act
        self.act_new = a("&Tickets", "&New incident…", QKeySequence.StandardKey.New, self.new_incident)
        self.act_search = a("&Tickets", "&Search", "Ctrl+F", self.focus_search)
        self.act_scan = a("&Tickets", "Sc&an", "Ctrl+B", self.focus_scan)
        self.act_next = a("&Tickets", "Ne&xt ticket", "Ctrl+J", lambda: self.step(+1))
        self.act_prev = a("&Tickets", "Pre&vious ticket", "Ctrl+K", lambda: self.step(-1))
        self.act_open = a("&Tickets", "&Open selected ticket", "Ctrl+O", self.open_selected)
        self._menus["&Tickets"].addSeparator()
        T = TicketDetailPanel
        self.act_assign_me = a("&Tickets", "Assign to &me", "Ctrl+M", lambda: self._on_ticket(T.assign_to_me))
        self.act_comment = a("&Tickets", "&Comment…", "Ctrl+Shift+C", lambda: self._on_ticket(T.comment))
        self.act_note = a("&Tickets", "Work &note…", "Ctrl+Shift+N", lambda: self._on_ticket(T.work_note))
        # Saving and changing status are record-tab operations: a problem tab does them too.
        self.act_save = a("&Tickets", "Sa&ve ticket", QKeySequence.StandardKey.Save,
                          lambda: self._on_ticket(RecordTab.save, any_record=True))
        self.act_status = a("&Tickets", "Change s&tatus…", "Ctrl+T",
                            lambda: self._on_ticket(RecordTab.change_status, any_record=True))
        self.act_close_tab = a("&Tickets", "Close ticket tab", "Ctrl+W", lambda: self.close_tab(self.tabs.currentIndex()))
        self.act_views = a("&View", "Go to &views", "Ctrl+1", lambda: self.views.list.setFocus())
        self.act_queue = a("&View", "Go to &queue", "Ctrl+2", lambda: self.queue.setFocus())
        self.act_detail = a("&View", "Go to &ticket", "Ctrl+3", self._focus_detail)
        self.act_refresh = a("&View", "&Refresh", QKeySequence.StandardKey.Refresh, self.refresh)
        self.act_save_view = a("&View", "Save view &as…", "Ctrl+Shift+S", self.save_view_as)
        self.act_delete_view = a("&View", "&Delete saved view", "Ctrl+Shift+X", self.delete_view)
        self.act_quit = a("&File", "&Quit", QKeySequence.StandardKey.Quit, self.close)
        self.act_keys = a("&Help", "&Keyboard shortcuts", "F1", self.show_shortcuts)

    def show_shortcuts(self) -> None:
        lines = []
        for menu in self._menus.values():
            for act in menu.actions():
                if act.shortcut().toString():
                    lines.append(f"{act.shortcut().toString():<18} {act.text().replace('&', '')}")
        self.ctx.dialogs.info(self, "Keyboard shortcuts", "\n".join(lines))

    # -- views, search, scan ------------------------------------------------------------
    def _on_views_view_chosen(self, entry: ViewEntry) -> None:
        self._view = entry
        self.ctx.settings.set(S.LAST_VIEW, entry.key)
        if entry.kind == "problems":
            self.centre.setCurrentWidget(self.problems)
            self.problems.reload()
            return
        spec = entry.spec
        if self.search.text().strip():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        self.show_spec(spec, entry.name)

    def show_spec(self, spec: QueueSpec, title: str) -> None:
        self.centre.setCurrentIndex(0)
        self.queue_title.setText(title)
        self.queue.show_sort(spec.sort, spec.descending)
        if spec.columns:
            self.queue.set_columns(spec.columns) if self._view and self._view.saved_id else None
        self.queue_model.set_spec(spec)

    def _on_search_return_pressed(self) -> None:
        text = self.search.text().strip()
        if not text:
            if self._view is not None:
                self.show_spec(self._view.spec, self._view.name)
            return
        # Newest tickets first: id order needs no table visit per match.
        spec = QueueSpec(QueueFilter(search=text), sort="number", descending=True)
        self.show_spec(spec, f"Search: {text}")

    def _on_scan_return_pressed(self) -> None:
        code = self.scan.text().strip()
        self.scan.clear()
        if not code:
            return
        self.ctx.runner.read(lambda: self.ctx.scan.resolve(code), self._on_scanned,
                             lambda exc: self.statusBar().showMessage(describe(exc), 10000), owner=self)

    def _on_scanned(self, result) -> None:  # type: ignore[no-untyped-def]
        self.statusBar().showMessage(f"Scanned {result.label}", 5000)
        if result.kind == "incident":
            self.open_ticket(result.key)
        elif result.kind == "person":
            self.show_spec(QueueSpec(QueueFilter(caller=result.key), sort="updated", descending=True),
                           f"Tickets of {result.label}")
        elif result.kind == "device":
            self.show_spec(QueueSpec(QueueFilter(search=result.key), sort="updated", descending=True),
                           f"Device history: {result.label}")
        elif result.kind == "problem":
            self.open_problem(result.key)

    def _on_queue_loaded(self, total: int) -> None:
        exact = self.queue_model.count_exact
        self.status_rows.setText(f"{total:,} tickets" if exact else f"over {total - 1:,} tickets (counting…)")

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def focus_scan(self) -> None:
        self.scan.setFocus()

    def problems_shown(self) -> bool:
        return self.centre.currentWidget() is self.problems

    def step(self, delta: int) -> None:
        if self.problems_shown():
            self.problems.move(delta)
            number = self.problems.selected_number()
            if number and self.tabs.count():
                self.open_problem(number)
            return
        self.queue.move(delta)
        row = self.queue.selected_row()
        if row is not None and self.tabs.count():
            self.open_ticket(row.number)

    def open_selected(self) -> None:
        if self.problems_shown():
            self.problems.open_selected()
            return
        row = self.queue.selected_row()
        if row is not None:
            self.open_ticket(row.number)

    def refresh(self) -> None:
        self.queue_model.reload()
        self.views.refresh_counts()
        for panel in self.detail_panels():
            panel.reload_if_clean()
        for ppanel in self.problem_panels():
            ppanel.reload_if_clean()
        if self.problems_shown():
            self.problems.reload()

    # -- saved views --------------------------------------------------------------------
    def save_view_as(self) -> None:
        name = self.ctx.dialogs.ask_text(self, "Save view", "Name of the view:",
                                         self._view.name if self._view and self._view.saved_id else "")
        if not name:
            return
        spec = QueueSpec(self.queue_model.spec.filter, self.queue_model.spec.sort,
                         self.queue_model.spec.descending, self.queue.visible_columns())
        self.ctx.runner.write(lambda: self.ctx.saved_views.save(self.ctx.actor, name, spec),
                              lambda v: self.views.reload(select_key=f"saved:{v.id}"),
                              self.show_error, owner=self)

    def delete_view(self) -> None:
        entry = self.views.current_entry()
        if entry is None or entry.saved_id is None:
            self.ctx.dialogs.error(self, "Delete view", "Only your own saved views can be deleted.")
            return
        if not self.ctx.dialogs.confirm(self, "Delete view", f"Delete the view {entry.name!r}?"):
            return
        self.ctx.runner.write(lambda: self.ctx.saved_views.delete(self.ctx.actor, entry.saved_id),
                              lambda _r: self.views.reload(select_key="my_open"), self.show_error, owner=self)

    # -- tickets --------------------------------------------------------------------------
    def detail_panels(self) -> list[TicketDetailPanel]:
        return self._record_tabs(TicketDetailPanel)

    def open_ticket(self, number: str) -> TicketDetailPanel:
        def wire(panel: TicketDetailPanel) -> None:
            panel.open_problem_requested.connect(self.open_problem)

        return self._open_record(TicketDetailPanel, number, wire)

    def problem_panels(self) -> list[ProblemDetailPanel]:
        return self._record_tabs(ProblemDetailPanel)

    def open_problem(self, number: str) -> ProblemDetailPanel:
        return self._open_record(ProblemDetailPanel, number, lambda _panel: None)

    def _record_tabs(self, cls: type[R]) -> list[R]:
        return [w for i in range(self.tabs.count()) if isinstance(w := self.tabs.widget(i), cls)]

    def _open_record(self, cls: type[R], number: str, wire: Callable[[R], None]) -> R:
        """The tab already showing ``number``, or a new one (``wire`` connects what is its own)."""
        for i in range(self.tabs.count()):
            w = self.tabs.widget(i)
            if isinstance(w, cls) and w.number == number:
                self.tabs.setCurrentIndex(i)
                return w
        panel = cls(self.ctx, number, self.tabs)
        wire(panel)
        panel.open_ticket_requested.connect(self.open_ticket)
        panel.title_changed.connect(lambda title, p=panel: self._set_tab_title(p, title))
        index = self.tabs.addTab(panel, number)
        self.tabs.setCurrentIndex(index)
        return panel

    def new_problem(self) -> None:
        title = self.ctx.dialogs.ask_text(self, "New problem", "Title of the problem:")
        if not title or not title.strip():
            return
        self.ctx.runner.write(lambda: self.ctx.services.problems.open(self.ctx.actor, title=title),
                              lambda p: (self.open_problem(p.number),
                                         self.ctx.changes.record_written(None, None, PROBLEM)),
                              self.show_error, owner=self)

    def _set_tab_title(self, panel: QWidget, title: str) -> None:
        i = self.tabs.indexOf(panel)
        if i >= 0:
            self.tabs.setTabText(i, title)

    def close_tab(self, index: int) -> None:
        w = self.tabs.widget(index)
        if w is None:
            return
        if isinstance(w, RecordTab) and w.is_dirty() and not self.ctx.dialogs.confirm(
                self, "Unsaved changes", f"{w.number} has unsaved changes. Close it and lose them?"):
            return
        self.tabs.removeTab(index)
        w.deleteLater()

    def current_panel(self) -> TicketDetailPanel | None:
        w = self.tabs.currentWidget()
        return w if isinstance(w, TicketDetailPanel) else None

    def _on_ticket(self, operation: Callable[[Any], None], *, any_record: bool = False) -> None:
        """Run a tab operation on the current ticket (opening the queue's selection when no
        ticket tab is current); ``any_record``: a problem tab takes it too."""
        current = self.tabs.currentWidget()
        if isinstance(current, ProblemDetailPanel):
            if any_record:
                operation(current)
            else:
                self.statusBar().showMessage("That action is for incidents; this tab is a problem.", 5000)
            return
        panel = self.current_panel()
        if panel is None:
            row = self.queue.selected_row()
            if row is None:
                self.statusBar().showMessage("Open a ticket first (select it and press Enter).", 5000)
                return
            panel = self.open_ticket(row.number)
        operation(panel)

    def _focus_detail(self) -> None:
        panel = self.current_panel()
        if panel is not None:
            panel.setFocus()
            panel.focusNextChild()

    def new_incident(self) -> None:
        from ui.incidents.new_incident import NewIncidentDialog

        dialog = NewIncidentDialog(self.ctx, self)
        dialog.created.connect(self.open_ticket)
        dialog.show()

    # -- changes (made here, or heard from other workstations) ----------------------------
    def on_change(self, change: Change) -> None:
        """The change hub's subscriber for the workstation itself."""
        if change.kind == PROBLEM:
            self.on_live_problem_change(change)
        else:
            self.on_live_change(change)

    def on_live_change(self, change: Change) -> None:
        self.queue_model.apply_change(change)
        self.views.schedule_counts()
        ids = {i for i, _v in change.ids}
        for panel in self.detail_panels():
            if change.refresh or panel.incident_id in ids:
                panel.on_changed_elsewhere(dict(change.ids).get(panel.incident_id or -1))
        # Incident changes include links to problems; problem records are few, re-read them.
        for ppanel in self.problem_panels():
            ppanel.on_changed_elsewhere()
        if self.problems_shown():
            self._problems_reload.start()

    def on_live_problem_change(self, change: Change) -> None:
        """Problem records changed on another workstation: their rows in the Problems view,
        their open tabs, and the known errors and links shown on open tickets."""
        if self.problems_shown():
            self.problems.model.apply_change(change)
        self.views.schedule_counts()
        versions = dict(change.ids)
        for ppanel in self.problem_panels():
            if change.refresh or ppanel.problem_id is None or ppanel.problem_id in versions:
                ppanel.on_changed_elsewhere(versions.get(ppanel.problem_id or -1))
        for panel in self.detail_panels():
            panel.reload_if_clean()

    def on_live_state(self, state: str) -> None:
        self.status_live.setText(f"live updates: {state}")

    # -- errors and state ---------------------------------------------------------------
    def show_error(self, exc: BaseException) -> None:
        self.ctx.dialogs.error(self, "Desk", describe(exc))

    def _restore_state(self) -> None:
        if self.ctx.settings.get(S.GEOMETRY).isEmpty():
            self.resize(1500, 900)
        S.restore_geometry(self.ctx.settings, self)
        state = self.ctx.settings.get(S.SPLITTER)
        if state and not state.isEmpty():
            self.splitter.restoreState(state)
        QTimer.singleShot(0, lambda: self.views.select(self.ctx.settings.get(S.LAST_VIEW)))

    def closeEvent(self, event: QCloseEvent) -> None:
        dirty = [p.number for p in [*self.detail_panels(), *self.problem_panels()] if p.is_dirty()]
        if dirty and not self.ctx.dialogs.confirm(
                self, "Unsaved changes", f"Unsaved changes in {', '.join(dirty)}. Quit and lose them?"):
            event.ignore()
            return
        S.save_geometry(self.ctx.settings, self)
        self.ctx.settings.set(S.SPLITTER, self.splitter.saveState())
        self.queue.save_layout()
        self.ctx.settings.sync()
        super().closeEvent(event)
