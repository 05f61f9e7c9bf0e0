"""Puts the major-incident tools into the main window (menu "Major"):
Major incident of this ticket (Ctrl+Alt+M) and Major incidents board (Ctrl+Alt+I)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from desk.major.service import MajorIncidentService
from ui.actions import set_icon
from ui.context import DeskContext
from ui.major.board import MajorBoard
from ui.major.panel import MajorIncidentPanel

if TYPE_CHECKING:
    from ui.main_window import MainWindow

MENU = "&Major"


def service_for(ctx: DeskContext) -> MajorIncidentService:
    return ctx.services.major


class MajorTools:
    def __init__(self, window: MainWindow, ctx: DeskContext) -> None:
        self.window = window
        self.ctx = ctx
        self.svc = service_for(ctx)
        self.board: MajorBoard | None = None

    def _panel(self, number: str) -> MajorIncidentPanel | None:
        tabs = self.window.tabs
        for i in range(tabs.count()):
            w = tabs.widget(i)
            if isinstance(w, MajorIncidentPanel) and w.number == number:
                self.window.show_panel(w)
                w.refresh()
                return w
        return None

    def open_major(self, number: str | None = None) -> MajorIncidentPanel | None:
        """The Major incident panel of ``number``, else of the ticket in front, else one asked for."""
        if number is None:
            current = self.window.current_panel()
            number = (current.number if current is not None else None) or self.ctx.dialogs.ask_text(
                self.window, "Major incident", "Ticket number:")
        if not number:
            return None
        number = number.strip().upper()
        existing = self._panel(number)
        if existing is not None:
            return existing
        panel = MajorIncidentPanel(self.ctx, number, self.svc, self.window.tabs)
        panel.ticket_opened.connect(self.window.open_ticket)
        panel.problem_opened.connect(self.window.open_problem)
        self.ctx.changes.changed.connect(panel.on_changed_elsewhere)
        self.window.add_panel(f"Major {number}", panel)
        return panel

    def open_board(self) -> MajorBoard:
        def make() -> MajorBoard:
            board = MajorBoard(self.ctx, self.svc, self.window.tabs)
            board.major_opened.connect(self.open_major)
            self._follow_live_changes(board)
            return board

        fresh = self.board is None
        board = self.window.open_panel("major_board", "Major incidents", make)
        assert isinstance(board, MajorBoard)
        self.board = board
        if not fresh:
            board.refresh()
        return board

    def _follow_live_changes(self, board: MajorBoard) -> None:
        self.ctx.changes.changed.connect(board.on_changed_elsewhere)


def install(window: MainWindow, ctx: DeskContext) -> MajorTools:
    tools = MajorTools(window, ctx)
    panel = set_icon(QAction("Major incident of this &ticket…", window), "mdi6.alert-octagon-outline")
    panel.setShortcut(QKeySequence("Ctrl+Alt+M"))
    panel.setToolTip("Promote, team, communication log, children, resolve, post-incident report")
    panel.triggered.connect(lambda: tools.open_major())
    window.register_tool(MENU, panel)
    board = set_icon(QAction("Major incidents &board", window), "mdi6.fire")
    board.setShortcut(QKeySequence("Ctrl+Alt+I"))
    board.setToolTip("Open major incidents, overdue updates and surge proposals")
    board.triggered.connect(tools.open_board)
    window.register_tool(MENU, board, toolbar=True)
    window.register_page("major_board", "Major incidents board", tools.open_board)
    return tools
