"""Puts the supervisor tools into the main window: Reports → SLA report… and
Reports → Supervisor dashboard (supervisors only; the rule is desk's 'report.run')."""
from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence

from desk.rules.permissions import may
from ui.actions import set_icon
from ui.context import DeskContext


def may_run_reports(ctx: DeskContext) -> bool:
    return may(ctx.actor, "report.run")


def install(window: Any, ctx: DeskContext) -> None:
    if not may_run_reports(ctx):
        return
    from ui.reports.dashboard import SupervisorDashboard
    from ui.reports.dialog import SlaReportDialog

    state: dict[str, Any] = {}

    def open_report() -> None:
        dialog = SlaReportDialog(ctx, window)
        state["dialog"] = dialog  # parented, and referenced: not collected while shown
        dialog.show()

    def open_dashboard() -> None:
        dash = state.get("dashboard")
        if dash is None:
            dash = SupervisorDashboard(ctx, window)
            dash.ticket_opened.connect(window.open_ticket)
            state["dashboard"] = dash
            _follow_live_changes(ctx, dash)
        index = window.tabs.indexOf(dash)
        if index < 0:
            window.add_panel("Dashboard", dash)
        else:
            window.show_panel(dash)
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


def _follow_live_changes(ctx: DeskContext, dash: Any) -> None:
    """Refresh the dashboard whenever something changes, here or on another workstation."""
    ctx.changes.changed.connect(dash.on_changed_elsewhere)
