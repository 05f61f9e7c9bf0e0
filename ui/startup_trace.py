"""Start-up marks for the start-up benchmark (tests/benchmarks/test_startup.py).

With ``DESK_STARTUP_TRACE=FILE`` the window appends one JSON line per mark — ``qt`` (the
application object exists), ``shown`` (the window's frame has been shown and the event
loop has run once), ``attached`` (the desk is open and the window's parts are in),
``rows`` (the first view's rows are in), ``started`` (the features and the parts beside
the window are running); ``opened`` (the desk is open), ``rows`` and ``started`` carry
``stall_ms``, the longest the event loop waited for the GUI thread since the mark before
(while the desk opened off the GUI thread; while the window was attached, filled and
its parts started) — each with the wall-clock time, so
the benchmark can measure from just before it started the process, the cycle
collector's state (``ui.collector``), which of the heavy
modules (``HEAVY``) were imported by then, and which of those a window-first start
imports only after its frame shows (``AFTER_WINDOW``). With
``DESK_STARTUP_TRACE_QUIT=1`` the window closes after both ``rows`` and ``started``. Without the variable
nothing is written.
"""
from __future__ import annotations

import gc
import json
import os
import sys
import time

# Modules a start should not need: the printing stack, the migration tool, the charts.
HEAVY = ("reportlab", "alembic", "PySide6.QtCharts", "pypdfium2")
# Modules the window's frame is on screen without: the database layer and the services.
AFTER_WINDOW = ("sqlalchemy", "db.models", "db.engine", "desk.bootstrap", "desk.connection")


def enabled() -> bool:
    return bool(os.environ.get("DESK_STARTUP_TRACE"))


def mark(event: str, **extra: object) -> None:
    path = os.environ.get("DESK_STARTUP_TRACE")
    if not path:
        return
    line = {"event": event, "wall": time.time(), "heavy": [m for m in HEAVY if m in sys.modules],
            "after_window": [m for m in AFTER_WINDOW if m in sys.modules],
            # The cycle collector (ui.collector): on or off, objects frozen, full collections so far.
            "gc": {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count(),
                   "full_collections": gc.get_stats()[2]["collections"]}, **extra}
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")


def quit_after_rows() -> bool:
    return os.environ.get("DESK_STARTUP_TRACE_QUIT") == "1"


class StallMeter:
    """The longest the GUI thread kept the event loop from a 5 ms timer, in milliseconds:
    how long the window could not repaint or answer a click while the desk opened."""

    INTERVAL_MS = 5

    def __init__(self, parent: object) -> None:
        from PySide6.QtCore import QObject, QTimer

        assert isinstance(parent, QObject)
        self._last = time.perf_counter()
        self.longest_ms = 0.0
        self._timer = QTimer(parent)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest_ms = max(self.longest_ms, (now - self._last) * 1000 - self.INTERVAL_MS)
        self._last = now

    def lap(self) -> float:
        """The longest wait since the meter started or the last lap; starts the next lap."""
        self._tick()
        longest, self.longest_ms = self.longest_ms, 0.0
        return round(longest, 1)

    def stop(self) -> float:
        longest = self.lap()
        self._timer.stop()
        return longest
