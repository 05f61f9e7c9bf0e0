"""Puts the supervisor tools into the main window: Reports → SLA report… and
Reports → Supervisor dashboard, both pages of the window and in the navigation
(supervisors only; the rule is desk's 'report.run')."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from shiboken6 import isValid

from desk.rules.permissions import may
from ui.actions import set_icon
from ui.context import DeskContext


def may_run_reports(ctx: DeskContext) -> bool:
    return may(ctx.actor, "report.run")


def install(window: Any, ctx: DeskContext) -> None:
    if not may_run_reports(ctx):
        return
    state: dict[str, Any] = {}

    def open_report() -> None:
        """The SLA report as a page among the open records (one at a time); its Close, or
        closing its tab, ends it (and cancels a report still being built)."""
        from ui.reports.dialog import SlaReportDialog  # the report's preview brings pdfium: when first used

        page = state.get("report")
        if page is not None and isValid(page) and window.tabs.indexOf(page) >= 0:
            window.show_panel(page)
            return
        dialog = SlaReportDialog(ctx, window)
        dialog.setWindowFlags(Qt.WindowType.Widget)    # a page, not a window of its own
        dialog.finished.connect(lambda _result: window.tabs.close_tab(window.tabs.indexOf(dialog)))
        state["report"] = dialog
        # Closing the tab deletes the page; this name must not keep its Python side (the
        # last report's figures and breach list) alive for the rest of the day.
        # Only if it is still this page: a report reopened before the old page's deferred
        # delete must not be forgotten when the old one finally goes.
        dialog.destroyed.connect(lambda _obj=None: state.pop("report") if state.get("report") is dialog else None)
        window.add_panel("SLA report", dialog, page="sla_report")

    def open_dashboard() -> None:
        from ui.reports.dashboard import SupervisorDashboard

        def make() -> SupervisorDashboard:
            dash = SupervisorDashboard(ctx, window)
            dash.ticket_opened.connect(window.open_ticket)
            _follow_live_changes(ctx, dash)
            return dash

        fresh = "dashboard" not in state
        state["dashboard"] = dash = window.open_panel("dashboard", "Dashboard", make)
        if not fresh:
            dash.refresh()

    report = set_icon(QAction("&SLA report…", window), "mdi6.chart-bar")
    report.setShortcut(QKeySequence("Ctrl+Shift+R"))
    report.triggered.connect(open_report)
    window.register_tool("&Reports", report)
    dashboard = set_icon(QAction("Supervisor &dashboard", window), "mdi6.view-dashboard-outline")
    dashboard.setShortcut(QKeySequence("Ctrl+Shift+D"))
    dashboard.setToolTip("Queue health, SLA risk and team load at a glance")
    dashboard.triggered.connect(open_dashboard)
    window.register_tool("&Reports", dashboard, toolbar=True)
    window.register_page("dashboard", "Supervisor dashboard", open_dashboard)
    window.register_page("sla_report", "SLA report", open_report)


def _follow_live_changes(ctx: DeskContext, dash: Any) -> None:
    """Refresh the dashboard whenever something changes, here or on another workstation."""
    ctx.changes.changed.connect(dash.on_changed_elsewhere)
