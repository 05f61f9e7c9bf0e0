"""The GUI-thread watch itself: the SQL guard counts a widget's query on the GUI thread
and nothing else; the heartbeat measures how long the GUI thread went without events."""
from __future__ import annotations

import threading
import time

from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desk.bootstrap import Services
from tests.ui.gui_thread import Heartbeat, SqlGuard, report
from ui.tasks import SyncRunner


def test_the_guard_counts_only_queries_a_widget_runs_outside_a_job(_sql_guard: SqlGuard,
                                                                  services: Services) -> None:
    def query(tag: str) -> int:
        with services.db.reading() as s:
            return int(s.execute(text(f"SELECT 41 + 1 AS {tag}")).scalar_one())

    guard = SqlGuard()
    guard.install()
    _sql_guard.armed = False   # this test does on purpose what the suite's guard fails
    try:
        guard.arm()
        query("from_the_test")                                   # a test's own query: its business
        worker = threading.Thread(target=query, args=("on_a_worker",))
        worker.start()
        worker.join()
        # The job runs inside the runner; its on_done is GUI code, and queries there block the window.
        SyncRunner().read(lambda: query("in_the_job"), lambda _n: query("in_on_done"))
        violations = guard.disarm()
    finally:
        guard.uninstall()
    assert [v.statement.split()[-1] for v in violations if v.statement.startswith("SELECT")] == ["in_on_done"]
    assert all(v.frames[0].startswith("ui/tasks.py:") and "_deliver" in v.frames[0] for v in violations)
    message = report("t", violations)
    assert "SELECT 41 + 1 AS in_on_done" in message and "issued by ui/tasks.py:" in message


def test_the_heartbeat_sees_a_blocked_gui_thread(qtbot: QtBot) -> None:
    beat = Heartbeat(interval_ms=5)
    beat.start()
    qtbot.waitUntil(lambda: beat.ticks >= 2)
    time.sleep(0.3)   # the GUI thread blocked, as by a slow query in a widget (not a wait for anything)
    # The next tick sees the gap itself: past the stall test's 250 ms limit. (A few ms of
    # the sleep may be booked as run-queue time: the kernel accounts it at the switch.)
    qtbot.waitUntil(lambda: beat.longest_ms >= 250)
    assert beat.stop() >= 250
