"""Every action of the workstation's own menus, declared once, as data.

One row per action: its key, the menu it sits in, its words, its shortcut and its tip.
The main window builds the menus, the shortcuts and the shortcut list (F1) from this
table and a mapping of key to handler that it owns; an action without a handler (or a
handler without an action) fails when the window is built, not when someone presses the
key. Features that bring their own actions (counter, major incidents, reports) add them
through ``MainWindow.register_tool`` in their installers. A later toolbar and icons read
the same rows (Picard's ``ui/mainwindow/actions.py`` is the model).
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QKeySequence

Shortcut = str | QKeySequence.StandardKey | None

FILE, TICKETS, VIEW, HELP = "&File", "&Tickets", "&View", "&Help"
MENUS = (FILE, TICKETS, VIEW, HELP)     # menu bar order; features' menus go before Help


STANDARD_FALLBACK = {
    QKeySequence.StandardKey.New: "Ctrl+N",
    QKeySequence.StandardKey.Save: "Ctrl+S",
    QKeySequence.StandardKey.Refresh: "F5",
    QKeySequence.StandardKey.Quit: "Ctrl+Q",
}


@dataclass(frozen=True)
class ActionSpec:
    key: str
    menu: str
    text: str
    shortcut: Shortcut = None
    tip: str = ""
    separator_before: bool = False

    def key_sequence(self) -> QKeySequence | None:
        """The shortcut; a platform's standard key where it has one, else the common binding
        (a desktop without a theme, such as a bare X session, binds no Quit at all)."""
        if self.shortcut is None:
            return None
        if isinstance(self.shortcut, QKeySequence.StandardKey):
            bound = QKeySequence.keyBindings(self.shortcut)
            return bound[0] if bound else QKeySequence(STANDARD_FALLBACK[self.shortcut])
        return QKeySequence(self.shortcut)

    @property
    def plain_text(self) -> str:
        return self.text.replace("&", "").removesuffix("…")


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new_incident", TICKETS, "&New incident…", QKeySequence.StandardKey.New),
    ActionSpec("search", TICKETS, "&Search", "Ctrl+F", "Search tickets by number, title, caller, asset tag"),
    ActionSpec("scan", TICKETS, "Sc&an", "Ctrl+B", "Scan a ticket label, asset tag or ID card"),
    ActionSpec("next_ticket", TICKETS, "Ne&xt ticket", "Ctrl+J"),
    ActionSpec("previous_ticket", TICKETS, "Pre&vious ticket", "Ctrl+K"),
    ActionSpec("open_selected", TICKETS, "&Open selected ticket", "Ctrl+O"),
    ActionSpec("assign_to_me", TICKETS, "Assign to &me", "Ctrl+M", separator_before=True),
    ActionSpec("comment", TICKETS, "&Comment…", "Ctrl+Shift+C", "Post the comment box's text, or go to it"),
    ActionSpec("work_note", TICKETS, "Work &note…", "Ctrl+Shift+N", "Post the box's text as an internal note"),
    ActionSpec("save", TICKETS, "Sa&ve ticket", QKeySequence.StandardKey.Save),
    ActionSpec("change_status", TICKETS, "Change s&tatus…", "Ctrl+T"),
    ActionSpec("close_tab", TICKETS, "Close ticket tab", "Ctrl+W"),
    ActionSpec("go_views", VIEW, "Go to &views", "Ctrl+1"),
    ActionSpec("go_queue", VIEW, "Go to &queue", "Ctrl+2"),
    ActionSpec("go_ticket", VIEW, "Go to &ticket", "Ctrl+3"),
    ActionSpec("split_view", VIEW, "Tickets &beside the queue", "Ctrl+\\",
               "Open tickets beside the queue instead of as full pages in its place"),
    ActionSpec("refresh", VIEW, "&Refresh", QKeySequence.StandardKey.Refresh),
    ActionSpec("save_view", VIEW, "Save view &as…", "Ctrl+Shift+S"),
    ActionSpec("delete_view", VIEW, "&Delete saved view", "Ctrl+Shift+X"),
    ActionSpec("quit", FILE, "&Quit", QKeySequence.StandardKey.Quit),
    ActionSpec("shortcuts", HELP, "&Keyboard shortcuts", "F1"),
)
