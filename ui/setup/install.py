"""Puts Set-up into the main window (Tools → Desk set-up…, and a page in the navigation)
for logins that may set up at least one section."""
from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence

from ui.actions import set_icon
from ui.context import DeskContext
from ui.setup.sections import visible


def install(window: Any, ctx: DeskContext) -> None:
    if not visible(ctx):
        return

    def open_setup() -> None:
        from ui.setup.page import SetupPage

        window.open_panel("setup", "Set-up", lambda: SetupPage(ctx, window))

    action = set_icon(QAction("Desk &set-up…", window), "mdi6.cog-outline")
    action.setShortcut(QKeySequence("Ctrl+Alt+S"))
    action.setToolTip("Services, SLAs, calendars, VIP policy, staff and escalation")
    action.triggered.connect(open_setup)
    window.register_tool("&Tools", action)
    window.register_page("setup", "Set-up", open_setup)
