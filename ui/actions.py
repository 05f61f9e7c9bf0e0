"""Every action of the workstation's own menus, declared once, as data.

One row per action: its key, the menu it sits in, its words, its shortcut and its tip.
The main window builds the menus, the shortcuts and the shortcut list (F1) from this
table and a mapping of key to handler that it owns; an action without a handler (or a
handler without an action) fails when the window is built, not when someone presses the
key. Features that bring their own actions (counter, major incidents, reports) add them
through ``MainWindow.register_tool`` in their installers. The main toolbar is built from
the rows marked ``toolbar`` (and the features' actions registered with ``toolbar=True``);
icons are Material Design Icons shipped as SVG (``mdi6.*``, ``ui.icons``), drawn in the
palette's text colour so they follow a light or dark scheme (Picard's
``ui/mainwindow/actions.py`` is the model).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QGuiApplication, QIcon, QKeySequence, QPalette

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
    icon: str | None = None      # an icon name (ui.icons), e.g. "mdi6.magnify"
    toolbar: bool = False        # also on the main toolbar

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


def icon(name: str) -> QIcon:
    """Icon ``name`` (``mdi6.…``) in the current palette's text colours (normal, disabled,
    and the highlighted text colour when selected), so it stays visible in a dark scheme too."""
    # Imported with the first icon, not with this table: QtSvg is not needed before the
    # window's frame shows (issue 14).
    from ui.icons import tinted

    palette = QGuiApplication.palette()
    text = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
    return tinted(name, text, active=text,
                  disabled=palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText),
                  selected=palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText))


ICON_PROPERTY = "deskIcon"     # the icon name an action's icon is redrawn from


def set_icon(action: QAction, name: str) -> QAction:
    """Give ``action`` the icon ``name`` and remember the name, so a switch between light
    and dark redraws it in the new text colour (``refresh_icons``)."""
    action.setProperty(ICON_PROPERTY, name)
    action.setIcon(icon(name))
    return action


def refresh_icons(actions: Iterable[QAction]) -> None:
    for action in actions:
        if name := action.property(ICON_PROPERTY):
            action.setIcon(icon(str(name)))


def tooltip(text: str, shortcut: QKeySequence | None) -> str:
    """The tip a toolbar button shows: what it does and the key that does it too."""
    keys = shortcut.toString(QKeySequence.SequenceFormat.NativeText) if shortcut else ""
    return f"{text} ({keys})" if keys else text


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new_incident", TICKETS, "&New incident…", QKeySequence.StandardKey.New,
               "Log a new incident", icon="mdi6.file-document-plus-outline", toolbar=True),
    ActionSpec("search", TICKETS, "&Search", "Ctrl+F", "Search tickets by number, title, caller, asset tag",
               icon="mdi6.magnify", toolbar=True),
    ActionSpec("scan", TICKETS, "Sc&an", "Ctrl+B", "Scan a ticket label, asset tag or ID card",
               icon="mdi6.barcode-scan", toolbar=True),
    ActionSpec("next_ticket", TICKETS, "Ne&xt ticket", "Ctrl+J", icon="mdi6.chevron-down"),
    ActionSpec("previous_ticket", TICKETS, "Pre&vious ticket", "Ctrl+K", icon="mdi6.chevron-up"),
    ActionSpec("open_selected", TICKETS, "&Open selected ticket", "Ctrl+O", icon="mdi6.open-in-app"),
    ActionSpec("assign_to_me", TICKETS, "Assign to &me", "Ctrl+M", "Assign the current ticket to yourself",
               separator_before=True, icon="mdi6.account-arrow-left-outline", toolbar=True),
    ActionSpec("comment", TICKETS, "&Comment…", "Ctrl+Shift+C", "Post the comment box's text, or go to it",
               icon="mdi6.comment-text-outline", toolbar=True),
    ActionSpec("work_note", TICKETS, "Work &note…", "Ctrl+Shift+N", "Post the box's text as an internal note",
               icon="mdi6.note-edit-outline", toolbar=True),
    ActionSpec("canned_reply", TICKETS, "Canned &reply…", "Ctrl+E",
               "Insert one of your or your teams' canned replies into the reply box", icon="mdi6.text-box-plus-outline"),
    ActionSpec("save", TICKETS, "Sa&ve ticket", QKeySequence.StandardKey.Save, "Save the current ticket's edits",
               icon="mdi6.content-save-outline", toolbar=True),
    ActionSpec("change_status", TICKETS, "Change s&tatus…", "Ctrl+T", "Move the current ticket to another status",
               icon="mdi6.swap-horizontal-circle-outline", toolbar=True),
    ActionSpec("close_tab", TICKETS, "Close ticket tab", "Ctrl+W", icon="mdi6.close"),
    ActionSpec("go_views", VIEW, "Go to &views", "Ctrl+1", icon="mdi6.format-list-bulleted"),
    ActionSpec("go_queue", VIEW, "Go to &queue", "Ctrl+2", icon="mdi6.view-list"),
    ActionSpec("go_ticket", VIEW, "Go to &ticket", "Ctrl+3", icon="mdi6.ticket-outline"),
    ActionSpec("show_in_queue", VIEW, "Show ticket in &queue", "Ctrl+Shift+L",
               "Scroll the queue to the current ticket's row, however deep in the view it is",
               icon="mdi6.crosshairs-gps"),
    ActionSpec("split_view", VIEW, "Tickets &beside the queue", "Ctrl+\\",
               "Open tickets beside the queue instead of as full pages in its place",
               icon="mdi6.view-split-vertical"),
    ActionSpec("refresh", VIEW, "&Refresh", QKeySequence.StandardKey.Refresh, "Reload the queue, counts and clean tabs",
               icon="mdi6.refresh", toolbar=True),
    ActionSpec("save_view", VIEW, "Save view &as…", "Ctrl+Shift+S", icon="mdi6.content-save-cog-outline"),
    ActionSpec("delete_view", VIEW, "&Delete saved view", "Ctrl+Shift+X", icon="mdi6.delete-outline"),
    ActionSpec("quit", FILE, "&Quit", QKeySequence.StandardKey.Quit, icon="mdi6.exit-to-app"),
    ActionSpec("shortcuts", HELP, "&Keyboard shortcuts", "F1", icon="mdi6.keyboard-outline"),
)
