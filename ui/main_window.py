"""The technician's workstation, assembled: the navigation on the left (views, saved views,
feature pages), and the main area, where the queue (with search and scan) or the Problems
list and the open records take turns as full pages, or sit side by side when the user
splits them; state in the status bar; menus and toolbar built from the action table
(``ui.actions``).

The parts do their own work and hear the change hub themselves (the queue model, the
views' counts, the tabs, the Problems list); this window wires them together and maps
each action to its handler.

Extension point for other features (walk-in counter, reports, dashboard): call
``window.register_tool(menu, action)`` to put a QAction into a top-level menu
("File", "Tickets", "Counter", "Reports", ...; created on first use; ``toolbar=True``
puts it on the main toolbar too, after the table's own buttons), and
``window.add_panel(title, widget)`` to add a page among the open records
(``window.show_panel`` brings it forward again; ``window.open_panel(key, title, make)`` for a
feature's one page of its kind, kept when its tab closes), and ``window.register_page(key, name, show)``
to list it in the navigation. ui/start.py calls the installers of ``ui.features`` after the
window is built.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from desk.rules import labels
from ui import heap_trim, pyside_imports, theme
from ui import settings as S
from ui.actions import ACTIONS, ICON_PROPERTY, MENUS, ActionSpec, refresh_icons, tooltip
from ui.errors import describe
from ui.frame import NavigationPlaceholder, OpeningPage

# The window's frame (this module, ui.opening, ui.actions, ui.settings) imports neither the
# database layer nor the services: ui/app.py shows it before they are imported (issue 14).
# The parts that read the desk come with ``attach`` (tests/ui/test_startup.py).
if TYPE_CHECKING:
    from ui.context import DeskContext
    from ui.incidents.page import TicketPage
    from ui.problems.detail import ProblemDetailPanel
    from ui.problems.list_view import ProblemListView
    from ui.queue.model import QueueModel
    from ui.queue.view import QueueView
    from ui.queue.views_panel import ViewEntry
    from ui.record_tab import RecordTab
    from ui.settings import Settings

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Built in two steps: the frame (``MainWindow(settings=…)``: title, menus, the
    navigation's place, the main area saying "Opening the desk…", the geometry the user
    left), shown at once; then ``attach(ctx)`` once the desk is open, which puts in the
    parts that read it. ``MainWindow(ctx)`` does both."""

    attached_to_desk = Signal()     # attach is done: the parts that read the desk are in

    def __init__(self, ctx: DeskContext | None = None, *, settings: Settings | None = None) -> None:
        super().__init__()
        # The app did this at start; a window made elsewhere (tests, benchmarks) does it here.
        pyside_imports.stop_caching_sources()
        heap_trim.limit_arenas()                # the app did this at start too, before any thread
        heap_trim.limit_pixmap_cache()
        self.heap_trimmer = heap_trim.HeapTrimmer(self)   # freed heap back to the system, now and then
        chosen = ctx.settings if ctx is not None else settings
        if chosen is None:
            raise TypeError("MainWindow needs a DeskContext, or the settings to show its frame with")
        self.settings: Settings = chosen
        theme.follow_scheme()   # before the icons are drawn: they take the palette's colours
        self.setObjectName("MainWindow")
        self.setWindowTitle("Desk")
        self.setAccessibleName("Desk main window")
        self._menus: dict[str, QMenu] = {}
        self.actions_by_key: dict[str, QAction] = {}
        self.features: list[object] = []       # what ui.features installed, kept with the window
        self._pages: dict[str, Callable[[], object]] = {}   # the navigation's feature pages
        self._panels: dict[str, QWidget] = {}               # open_panel's, by key
        self._page_widgets: dict[str, QWidget] = {}         # what each navigation page shows
        self._queue_highlight: str | None = None            # the view highlighted before a page was
        self._attached = False
        self._problems: ProblemListView | None = None   # made when first shown (problems)
        self.toolbar = QToolBar("Main toolbar", self)
        self.toolbar.setObjectName("MainToolbar")    # saveState() needs a name
        self.toolbar.setAccessibleName("Main toolbar")
        # Text under the icons: a new technician reads what a button does without hovering.
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.toolbar.setIconSize(QSize(22, 22))
        self.toolbar.setMovable(False)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self._feature_on_toolbar = False
        self._blank: QIcon | None = None
        for title in MENUS:
            self._menus[title] = self.menuBar().addMenu(title)
        # The menus and the toolbar as they will be, greyed until the desk is open: nothing
        # moves when it is (the icons come a round after attach, in the room kept for them).
        self._build_actions()
        for action in self.actions_by_key.values():
            action.setEnabled(False)

        # The frame's stand-ins, replaced in place by attach: the splitter keeps their sizes.
        self.opening = OpeningPage(self)
        self.centre = QStackedWidget(self)
        self.centre.addWidget(self.opening)
        self.split_view = bool(self.settings.get(S.SPLIT_VIEW))
        self._records_in_front = False
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        records = QWidget(self)
        records.setVisible(False)
        for part in (NavigationPlaceholder(self.settings.get(S.LAST_VIEW), self), self.centre, records):
            self.splitter.addWidget(part)
        self.setCentralWidget(self.splitter)

        # Status bar: rows, connection, who, live-update state
        self.status_rows = QLabel("")
        self.status_connection = QLabel("")
        self.status_connection.setAccessibleName("Connection")
        self.status_user = QLabel("")
        self.status_user.setAccessibleName("Signed in as")
        self.status_live = QLabel("")
        self.status_live.setAccessibleName("Live update state")
        self.status_mail = QLabel("")
        self.status_mail.setAccessibleName("E-mail delivery")
        self.status_mail.setVisible(False)
        self.notifications: Any = None      # ui.notifications installs the bell and the toasts
        self.status_sla = QLabel("")
        self.status_sla.setAccessibleName("SLA alert job")
        self.status_sla.setToolTip("This workstation records SLA alerts for the whole desk while it runs; "
                                   "another takes over when it closes")
        self.status_sla.setVisible(False)
        for w in (self.status_rows, self.status_mail, self.status_sla, self.status_connection, self.status_user,
                  self.status_live):
            self.statusBar().addPermanentWidget(w)
        self._restore_state()
        if ctx is not None:
            self.attach(ctx)

    def attach(self, ctx: DeskContext) -> None:
        """The desk is open: put in the navigation, the queue and the records' tabs in the
        frame's places, and the actions (the Problems list comes when first shown)."""
        from ui.queue.area import QueueArea
        from ui.queue.views_panel import ViewsPanel
        from ui.tabs import RecordTabs

        if self._attached:
            raise RuntimeError("the main window is attached to a desk already")
        self._attached = True
        self.ctx = ctx
        self.setWindowTitle(f"Desk — {ctx.actor.display_name}")
        self.views = ViewsPanel(ctx, self, initial=ctx.settings.get(S.LAST_VIEW))
        self.area = QueueArea(ctx, self)
        self.centre.addWidget(self.area)
        self.centre.setCurrentWidget(self.area)
        self.tabs = RecordTabs(ctx, self)
        self.tabs.count_changed.connect(lambda _n: self._arrange())
        self.tabs.currentChanged.connect(lambda _i: self._sync_navigation())
        for index, part in ((0, self.views), (2, self.tabs)):
            stand_in = self.splitter.replaceWidget(index, part)
            if stand_in is not None:
                stand_in.deleteLater()
        self._restore_splitter()   # again, for the parts: the records' stand-in was hidden, so it had no width
        self._arrange()

        self.status_connection.setText(ctx.connection)
        self.status_user.setText(f"{ctx.actor.display_name} ({labels.roles(ctx.actor.roles)})")
        self.status_live.setText("live updates: starting…")

        for action in self.actions_by_key.values():
            action.setEnabled(True)
        self.views.view_chosen.connect(self._on_view_chosen)
        self.views.page_chosen.connect(lambda key: self._pages[key]())
        self.area.ticket_opened.connect(self.open_ticket)
        self.area.problem_opened.connect(self.open_problem)
        self.area.message.connect(self.statusBar().showMessage)
        self.area.model.loaded.connect(self._on_queue_loaded)
        # Live changes add and remove rows without a reload: the count follows them.
        self.area.model.rowsInserted.connect(lambda *_: self._on_queue_loaded(self.area.model.total))
        self.area.model.rowsRemoved.connect(lambda *_: self._on_queue_loaded(self.area.model.total))
        self.area.left_view.connect(self._on_left_view)
        self.area.back_to_view.connect(self._on_back_to_view)
        self.area.model.failed.connect(lambda msg: self.statusBar().showMessage(msg, 10000))
        # A timer's round of its own (not a zero-delay call, which Qt would deliver in this one).
        QTimer.singleShot(1, self, lambda: refresh_icons(self.actions_by_key.values()))
        self.attached_to_desk.emit()

    @property
    def attached(self) -> bool:
        """Whether the desk is open in this window (the frame alone shows "Opening the desk…")."""
        return self._attached

    # The parts tests and features reach by their old names.
    @property
    def queue(self) -> QueueView:
        return self.area.queue

    @property
    def queue_model(self) -> QueueModel:
        return self.area.model

    @property
    def search(self) -> QLineEdit:
        return self.area.search

    @property
    def scan(self) -> QLineEdit:
        return self.area.scan

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

    def register_tool(self, menu: str, action: QAction, *, toolbar: bool = False) -> QAction:
        """Add a feature's action to a top-level menu (and, with ``toolbar``, to the main
        toolbar after the window's own buttons); the window keeps it alive."""
        action.setParent(self)
        self.menu(menu).addAction(action)
        self.addAction(action)  # shortcuts work wherever the focus is
        if toolbar:
            if not self._feature_on_toolbar:
                self.toolbar.addSeparator()     # the features' buttons as a group of their own
                self._feature_on_toolbar = True
            self._add_to_toolbar(action)
        return action

    def register_page(self, key: str, name: str, show: Callable[[], object]) -> None:
        """A feature's page in the navigation (under "Pages"): choosing it calls ``show``,
        which brings the feature's panel forward."""
        self._pages[key] = show
        self.views.add_page(key, name)

    def open_panel(self, key: str, title: str, make: Callable[[], QWidget]) -> QWidget:
        """A feature's one panel of its kind (the board, the dashboard, the Counter page):
        brought forward if it is open, put back if its tab was closed (closing hides it, so
        what it held is still there), made with ``make`` the first time."""
        widget = self._panels.get(key)
        if widget is None:
            widget = make()
            self._panels[key] = widget
            self._page_widgets[key] = widget
            self.tabs.keep(widget)
        if self.tabs.indexOf(widget) < 0:
            self.add_panel(title, widget)
        else:
            self.show_panel(widget)
        return widget

    def show_panel(self, widget: QWidget) -> None:
        """Bring a feature's panel (already added) to the front."""
        self.tabs.setCurrentWidget(widget)
        self.show_records()

    def _add_to_toolbar(self, action: QAction) -> None:
        # The button's tip names the shortcut (the menu shows it beside the text already).
        shortcut = action.shortcut()
        action.setToolTip(tooltip(action.toolTip() or action.iconText(),
                                  shortcut if not shortcut.isEmpty() else None))
        # Under an icon "Change status…" reads better without the dots and the mnemonic.
        action.setIconText(action.text().replace("&", "").removesuffix("…"))
        self.toolbar.addAction(action)

    def add_panel(self, title: str, widget: QWidget, *, page: str | None = None) -> int:
        """Add a feature's widget as a page among the open records, in front; returns its index.
        ``page``: the navigation entry it is (register_page's key), highlighted while it is in front."""
        if page is not None and self._page_widgets.get(page) is not widget:
            self._page_widgets[page] = widget
            # A panel that is not kept is deleted when its tab closes: forget it then, or
            # its Python side (a report's figures, say) lives on in this dict. (A kept
            # panel shown again is connected once, not once per showing.)
            widget.destroyed.connect(lambda _obj=None, key=page, w=widget: self._forget_page(key, w))
        index = self.tabs.add_panel(title, widget)
        self.show_records()
        return index

    def _forget_page(self, key: str, widget: QWidget) -> None:
        if self._page_widgets.get(key) is widget:
            del self._page_widgets[key]

    # -- actions -------------------------------------------------------------------------
    def _handlers(self) -> dict[str, Callable[[], object]]:
        """What each action of ``ui.actions.ACTIONS`` does here: built with the frame, so
        each reaches the parts when triggered (the actions are enabled once attached)."""
        return {
            "new_incident": self.new_incident,
            "search": lambda: self.area.focus_search(),
            "scan": lambda: self.area.scan.setFocus(),
            "next_ticket": lambda: self.step(+1),
            "previous_ticket": lambda: self.step(-1),
            "open_selected": self.open_selected,
            "assign_to_me": lambda: self._on_ticket(lambda page: page.assign_to_me()),
            "comment": lambda: self._on_ticket(lambda page: page.comment()),
            "work_note": lambda: self._on_ticket(lambda page: page.work_note()),
            "canned_reply": lambda: self._on_ticket(lambda page: page.canned_reply()),
            # Saving and changing status are record-tab operations: a problem tab does them too.
            "save": lambda: self._on_record(lambda tab: tab.save()),
            "change_status": lambda: self._on_record(lambda tab: tab.change_status()),
            "close_tab": lambda: self.tabs.close_tab(self.tabs.currentIndex()),
            "go_views": lambda: self.views.list.setFocus(),
            "go_queue": self.show_queue,
            "go_ticket": self._focus_ticket,
            "show_in_queue": self.show_in_queue,
            "split_view": lambda: self.set_split_view(not self.split_view),
            "refresh": self.refresh,
            "save_view": self.save_view_as,
            "delete_view": lambda: self.views.delete_current(),
            "quit": self.close,
            "shortcuts": self.show_shortcuts,
        }

    def _build_actions(self) -> None:
        handlers = self._handlers()
        declared = {spec.key for spec in ACTIONS}
        if declared != set(handlers):
            raise RuntimeError(f"Actions without handlers: {sorted(declared - set(handlers))}; "
                               f"handlers without actions: {sorted(set(handlers) - declared)}")
        for spec in ACTIONS:
            self.actions_by_key[spec.key] = self._action(spec, handlers[spec.key])
        split = self.actions_by_key["split_view"]
        split.setCheckable(True)
        split.setChecked(bool(self.settings.get(S.SPLIT_VIEW)))

    def _action(self, spec: ActionSpec, handler: Callable[[], object]) -> QAction:
        action = QAction(spec.text, self)
        if spec.icon:
            # Drawn on the event loop's next round (attach): the icon font's first load is
            # most of attach's time, and the window answers in between (issue 14). A tool
            # button leaves the icon's room empty until then: nothing moves.
            action.setProperty(ICON_PROPERTY, spec.icon)
            action.setIcon(self._blank_icon())   # keeps the room: a button without an icon is lower
        if (keys := spec.key_sequence()) is not None:
            action.setShortcut(keys)
        action.setToolTip(spec.tip or spec.plain_text)
        action.triggered.connect(lambda _checked=False: handler())
        if spec.separator_before:
            self.menu(spec.menu).addSeparator()
        self.register_tool(spec.menu, action)
        if spec.toolbar:
            self._add_to_toolbar(action)
        return action

    def _blank_icon(self) -> QIcon:
        if self._blank is None:
            pixmap = QPixmap(self.toolbar.iconSize())
            pixmap.fill(Qt.GlobalColor.transparent)
            self._blank = QIcon(pixmap)
        return self._blank

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._attached:
            # Light <-> dark: the icons were drawn in the old text colour. (The frame's are
            # blank, and drawn once attached: before, ui.icons may be being imported by
            # the opening thread.)
            refresh_icons(self.actions())

    def action(self, key: str) -> QAction:
        return self.actions_by_key[key]

    def show_shortcuts(self) -> None:
        lines = []
        for menu in self._menus.values():
            for act in menu.actions():
                if act.shortcut().toString():
                    lines.append(f"{act.shortcut().toString():<18} {act.text().replace('&', '')}")
        self.ctx.dialogs.info(self, "Keyboard shortcuts", "\n".join(lines))

    # -- views -----------------------------------------------------------------------------
    # -- where the open records show --------------------------------------------------
    def _arrange(self) -> None:
        """Split: the queue and, when any is open, the records beside it. Pages: either the
        records (full width) or the queue, whichever the user went to last."""
        have_records = self.tabs.count() > 0
        if self.split_view:
            self.centre.setVisible(True)
            self.tabs.setVisible(have_records)
        else:
            front = self._records_in_front and have_records
            self.tabs.setVisible(front)
            self.centre.setVisible(not front)

    def show_records(self) -> None:
        self._records_in_front = True
        self._arrange()
        self._sync_navigation()

    def show_queue(self) -> None:
        """The queue (or the Problems list) in front, its table focused: Ctrl+2 from anywhere."""
        self._records_in_front = False
        self._arrange()
        self._sync_navigation()
        (self.problems if self.problems_shown() else self.area.queue).setFocus()

    def _sync_navigation(self) -> None:
        """The navigation shows where the user is: a feature's page when it fills the main
        area, else the view the queue shows (as it was when the page came forward)."""
        from ui.queue.views_panel import PAGE_PREFIX

        front = self.tabs.currentWidget() if (self._records_in_front and not self.split_view) else None
        page = next((key for key, w in self._page_widgets.items() if w is front), None) if front is not None else None
        current = self.views.current_key()
        if page is not None:
            if not str(current or "").startswith(PAGE_PREFIX):
                self._queue_highlight = current
            self.views.highlight(PAGE_PREFIX + page)
        elif str(current or "").startswith(PAGE_PREFIX):
            if self._queue_highlight is not None:
                self.views.highlight(self._queue_highlight)
            else:
                self.views.clear_selection()

    def set_split_view(self, on: bool) -> None:
        self.split_view = on
        self.ctx.settings.set(S.SPLIT_VIEW, on)
        self.action("split_view").setChecked(on)
        self._arrange()
        self._sync_navigation()   # a page beside the queue, or filling the main area: highlighted then

    def _on_left_view(self) -> None:
        self._queue_highlight = None
        self.views.clear_selection()

    def _on_back_to_view(self, key: str) -> None:
        self._queue_highlight = key
        self.views.highlight(key)

    def _on_view_chosen(self, entry: ViewEntry) -> None:
        # Remembered now: a page clicked in the navigation is the list's current item
        # before it comes forward, so _sync_navigation would not see the view any more.
        self._queue_highlight = entry.key
        self.ctx.settings.set(S.LAST_VIEW, entry.key)
        self._records_in_front = False
        self._arrange()
        if entry.kind == "problems":
            self.centre.setCurrentWidget(self.problems)
            self.problems.reload()
            return
        self.centre.setCurrentWidget(self.area)
        self.area.show_view(entry)

    def _on_queue_loaded(self, total: int) -> None:
        model = self.area.model
        if model.count_exact:
            text = labels.count(total, "ticket")
        elif model.count_estimate is not None:
            # The server's estimate at once; the exact count replaces it when it is in
            # (a big view is counted when a jump needs its skeleton: ui.queue.model).
            counting = " (counting…)" if model.counting else ""
            text = f"≈ {labels.count(model.count_estimate, 'ticket')}{counting}"
        else:
            text = f"over {labels.count(total - 1, 'ticket')} (counting…)"
        self.status_rows.setText(text)

    @property
    def problems(self) -> ProblemListView:
        """The Problems view: problem records, not incidents, in a table of its own in the
        centre. Made when first shown, not in the turn that attaches the window (it reads
        its first page when made)."""
        if self._problems is None:
            from ui.problems.list_view import ProblemListView

            self._problems = ProblemListView(self.ctx, self)
            self.centre.addWidget(self._problems)
            self._problems.problem_opened.connect(self.open_problem)
        return self._problems

    def problems_shown(self) -> bool:
        return self._problems is not None and self.centre.currentWidget() is self._problems

    def step(self, delta: int) -> None:
        if self.problems_shown():
            self.problems.step_selection(delta)
            number = self.problems.selected_number()
            if number and self.tabs.count():
                self.open_problem(number)
            return
        self.area.queue.step_selection(delta)
        row = self.area.queue.selected_row()
        if row is not None and self.tabs.count():
            self.open_ticket(row.number)

    def open_selected(self) -> None:
        if self.problems_shown():
            self.problems.open_selected()
            return
        row = self.area.queue.selected_row()
        if row is not None:
            self.open_ticket(row.number)

    def refresh(self) -> None:
        self.area.model.reload()
        self.views.refresh_counts()
        self.tabs.reload_clean()
        if self.problems_shown():
            self.problems.reload()

    def save_view_as(self) -> None:
        self.views.save_view_as(self.area.current_spec(), self.area.view)

    # -- records ---------------------------------------------------------------------------
    def open_ticket(self, number: str) -> TicketPage:
        page = self.tabs.open_ticket(number)
        self.show_records()
        return page

    def open_problem(self, number: str) -> ProblemDetailPanel:
        tab = self.tabs.open_problem(number)
        self.show_records()
        return tab

    def current_panel(self) -> TicketPage | None:
        return self.tabs.current_ticket()

    def close_tab(self, index: int) -> None:
        self.tabs.close_tab(index)

    def new_incident(self) -> None:
        from ui.incidents.new_incident import NewIncidentDialog

        dialog = NewIncidentDialog(self.ctx, self)
        dialog.created.connect(self.open_ticket)
        dialog.show()

    def _on_record(self, operation: Callable[[RecordTab], None]) -> None:
        """Run a record-tab operation on the current ticket or problem tab."""
        from ui.problems.detail import ProblemDetailPanel

        current = self.tabs.currentWidget()
        if isinstance(current, ProblemDetailPanel):
            operation(current)
            return
        self._on_ticket(operation)

    def _on_ticket(self, operation: Callable[[TicketPage], None]) -> None:
        """Run a ticket operation on the current ticket tab (opening the queue's selection
        when no ticket tab is current)."""
        from ui.problems.detail import ProblemDetailPanel

        if isinstance(self.tabs.currentWidget(), ProblemDetailPanel):
            self.statusBar().showMessage("That action is for incidents; this tab is a problem.", 5000)
            return
        page = self.tabs.current_ticket()
        if page is None:
            row = self.area.queue.selected_row()
            if row is None:
                self.statusBar().showMessage("Open a ticket first (select it and press Enter).", 5000)
                return
            page = self.open_ticket(row.number)
        operation(page)

    def show_in_queue(self, number: str | None = None) -> None:
        """Select ticket ``number`` (the current ticket's) in the queue, loading its rows
        wherever they are in the view, or say it is not in this view."""
        page = self.tabs.current_ticket()
        number = number or (page.number if page is not None else None)
        if number is None:
            self.statusBar().showMessage("Open a ticket first (select it and press Enter).", 5000)
            return
        view = self.area.view
        title = f"“{view.name}”" if view is not None else "this view"

        def found(row: int | None) -> None:
            if row is None:
                self.statusBar().showMessage(f"{number} is not in {title}.", 8000)
                return
            self.show_queue()
            queue = self.area.queue
            index = self.area.model.index(row, max(queue.currentIndex().column(), 0))
            queue.setCurrentIndex(index)
            queue.scrollTo(index, queue.ScrollHint.PositionAtCenter)
            self.statusBar().showMessage(f"{number}: row {row + 1:,} of {self.area.model.rowCount():,}.", 5000)

        self.area.model.locate(number, found)

    def _focus_ticket(self) -> None:
        self.show_records()
        page = self.tabs.current_ticket()
        if page is not None:
            page.setFocus()
            page.focusNextChild()

    def on_live_state(self, state: str) -> None:
        self.status_live.setText(f"live updates: {state}")

    def on_mail_state(self, state: str) -> None:
        """How this workstation's mail delivery is doing (nothing when mail is not set up)."""
        self.status_mail.setText(state)
        self.status_mail.setVisible(bool(state))

    def on_sla_watch_state(self, state: str) -> None:
        """Whether this workstation holds the desk's SLA alert job (or why it failed)."""
        self.status_sla.setText(state)
        self.status_sla.setVisible(bool(state))

    def on_mail_delivered(self, incident_ids: frozenset[int]) -> None:
        """Mail about these tickets changed state: their conversations say so."""
        for page in self.tabs.tickets():
            if page.incident_id in incident_ids:
                page.reload_if_clean()

    # -- errors and state ---------------------------------------------------------------
    def show_error(self, exc: BaseException) -> None:
        self.ctx.dialogs.error(self, "Desk", describe(exc))

    def _restore_state(self) -> None:
        if self.settings.get(S.GEOMETRY).isEmpty():
            self.resize(1500, 900)
        S.restore_geometry(self.settings, self)
        self._restore_splitter()

    def _restore_splitter(self) -> None:
        # The stretch is each part's own size policy: set again once the parts replace the stand-ins.
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([210, 820, 560])
        state = self.settings.get(S.SPLITTER)
        if state and not state.isEmpty():
            self.splitter.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._attached and not self.tabs.before_quit(self.close):   # unsaved edits: Save, Discard or Cancel
            event.ignore()
            return
        S.save_geometry(self.settings, self)
        self.settings.set(S.SPLITTER, self.splitter.saveState())
        if self._attached:
            self.area.queue.save_layout()
        self.settings.sync()
        super().closeEvent(event)
