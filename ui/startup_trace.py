"""Start-up marks for the start-up benchmark (tests/benchmarks/test_startup.py).

With ``DESK_STARTUP_TRACE=FILE`` the window appends one JSON line per mark — ``qt`` (the
application object exists), ``shown`` (the window has been shown and the event loop has
run once), ``rows`` (the first view's rows are in) — each with the wall-clock time, so the
benchmark can measure from just before it started the process, and which of the heavy
modules (``HEAVY``) were imported by then. With
``DESK_STARTUP_TRACE_QUIT=1`` the window closes after ``rows``. Without the variable
nothing is written.
"""
from __future__ import annotations

import json
import os
import sys
import time

# Modules a start should not need: the printing stack, the migration tool, the charts.
HEAVY = ("reportlab", "alembic", "PySide6.QtCharts", "pypdfium2")


def enabled() -> bool:
    return bool(os.environ.get("DESK_STARTUP_TRACE"))


def mark(event: str) -> None:
    path = os.environ.get("DESK_STARTUP_TRACE")
    if not path:
        return
    line = {"event": event, "wall": time.time(), "heavy": [m for m in HEAVY if m in sys.modules]}
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")


def quit_after_rows() -> bool:
    return os.environ.get("DESK_STARTUP_TRACE_QUIT") == "1"
