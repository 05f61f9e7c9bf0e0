"""The real window starts without the modules a start does not need: the printing stack
(ReportLab, also once used to find the window's fonts), the PDF preview (pdfium), the
migration tool (Alembic) and the charts (QtCharts) are imported when first used, not
before the window is on screen (issue 14)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_the_window_shows_without_printing_migrations_or_charts(sqlite_url: str, tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    env = {**os.environ, "DESK_STARTUP_TRACE": str(trace), "DESK_STARTUP_TRACE_QUIT": "1",
           "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    desk = Path(sys.executable).with_name("desk")
    done = subprocess.run([str(desk), "--database", sqlite_url], env=env, timeout=120, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    marks = {d["event"]: d for d in map(json.loads, trace.read_text(encoding="utf-8").splitlines())}
    assert set(marks) >= {"qt", "shown", "rows"}
    assert marks["shown"]["heavy"] == [], f"imported before the window showed: {marks['shown']['heavy']}"
