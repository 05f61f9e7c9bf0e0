"""A change saved by another connection reaches the open queue and ticket, on both engines."""
from __future__ import annotations

import time

import pytest

from db.engine import Database
from desk.actor import Actor
from desk.bootstrap import Services
from desk.incidents.service import NewIncident
from ui.live import LiveBridge

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.mark.gui_db_allowed("detail SLA replay in _on_loaded, moved by the lead", where="ui/detail/panel.py:_fill_sla")
def test_live_update_from_another_workstation(window, tickets, database: Database, admin: Actor, qtbot) -> None:  # type: ignore[no-untyped-def]
    bridge = LiveBridge(database, window)
    bridge.changed.connect(window.on_live_change)
    bridge.state_changed.connect(window.on_live_state)
    states: list[str] = []
    bridge.state_changed.connect(states.append)
    bridge.start()
    try:
        qtbot.waitUntil(lambda: any(s.startswith("live") for s in states), timeout=5000)
        window.views.select("all_open")
        panel = window.open_ticket(tickets[1])
        window.queue.setCurrentIndex(window.queue_model.index(3, 0))
        selected = window.queue.selected_row().id
        other = Database.connect(database.engine.url.render_as_string(hide_password=False))
        try:
            theirs = Services.over(other).incidents
            v = theirs.get(tickets[1])
            started = time.monotonic()
            theirs.update(admin, tickets[1], v.version, {"title": "Printer jam — tray 2"})
            row = window.queue_model.row_of(v.id)
            qtbot.waitUntil(lambda: window.queue_model.row_data(row).title == "Printer jam — tray 2", timeout=3000)
            latency = time.monotonic() - started
            assert latency < 1.0, latency
            qtbot.waitUntil(lambda: panel.f_title.text() == "Printer jam — tray 2", timeout=3000)
            # A new ticket elsewhere is inserted as a row; the selection stays on its ticket.
            theirs.open(admin, NewIncident(title="Brand new from the counter", impact="low", urgency="low"))
            qtbot.waitUntil(lambda: window.queue_model.rowCount() == 6, timeout=3000)
            assert window.queue.selected_row().id == selected
            assert "Brand new from the counter" in [window.queue_model.row_data(r).title for r in range(6)]
        finally:
            other.dispose()
        assert window.status_live.text().startswith("live updates: live")
    finally:
        bridge.stop()
