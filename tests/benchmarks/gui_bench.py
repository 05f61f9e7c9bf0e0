"""What the GUI benchmarks share: the database they run on, the real main window over it,
and a heartbeat that keeps every gap between its ticks on the GUI thread.

``DESK_BENCH_SQLITE`` names the database: a SQLAlchemy URL (``sqlite:////var/tmp/desk-1m.sqlite3``)
or the path of a SQLite file. Without it the benchmark builds a small demo of its own, in
another process, so that what is measured is the window and not the demo's build.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer

from db.engine import Database
from db.enums import Role
from desk.bootstrap import Services

STALL_TARGET_MS = 16.0


def bench_url(tmp_path: Path, tickets: int) -> str:
    """The database the benchmark runs on (built here when DESK_BENCH_SQLITE is not set)."""
    given = os.environ.get("DESK_BENCH_SQLITE", "").strip()
    if given:
        if "://" in given:
            return given
        path = Path(given)
        if not path.is_file():
            raise SystemExit(f"DESK_BENCH_SQLITE={given}: no such SQLite file (give a file or a sqlite:/// URL)")
        return f"sqlite:///{path.resolve()}"
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    subprocess.run([sys.executable, "-c", "import sys; from desk.cli.main import main; sys.exit(main(sys.argv[1:]))",
                    "--database", url, "-q", "demo", "--tickets", str(tickets)], check=True,
                   env={**os.environ, "DESK_DATA_DIR": str(tmp_path / "data")}, stdout=subprocess.DEVNULL)
    return url


def bench_window(url: str, tmp_path: Path, qtbot: Any) -> tuple[Any, Any, Database]:
    """The real main window over ``url`` as a technician, shown at 1400×900, its views arrived;
    returns (window, runner, database)."""
    from ui.context import build_context
    from ui.dialogs import ScriptedDialogs
    from ui.main_window import MainWindow
    from ui.settings import Settings
    from ui.tasks import TaskRunner

    db = Database.connect(url)
    services = Services.over(db)
    staff = [a for a in services.staff.list() if Role.TECHNICIAN in a.roles] or services.staff.list()
    runner = TaskRunner()
    ctx = build_context(services, staff[0], runner, Settings(tmp_path / "desk.ini"),
                        ScriptedDialogs(["discard"] * 100_000), db.description, services.site)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitUntil(lambda: window.views.current_key() is not None, timeout=60_000)
    return window, runner, db


def _on_cpu_ns() -> int:
    """ns the calling thread has spent on a CPU so far (Linux schedstat; 0 where absent)."""
    try:
        with open("/proc/thread-self/schedstat") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


class GapRecorder(QObject):
    """A timer on the GUI thread every ``interval_ms``; keeps every gap between two ticks
    (ms on the clock). A gap well past the interval is a stretch the GUI thread could not
    process events: the user's click or keypress would have waited that long.

    ``cpu_gaps`` are the same gaps counted in the GUI thread's own time on a CPU: on a
    machine shared with other jobs (load averages of 10-40 here) a gap on the clock is
    mostly the wait for a CPU; the time on one is the window's own work."""

    def __init__(self, interval_ms: int = 1) -> None:
        super().__init__()
        self.gaps: list[float] = []
        self.cpu_gaps: list[float] = []
        self._last = 0.0
        self._last_cpu = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self.gaps, self.cpu_gaps = [], []
        self._last, self._last_cpu = time.perf_counter(), _on_cpu_ns()
        self._timer.start()

    def stop(self) -> list[float]:
        self._on_timer_timeout()
        self._timer.stop()
        return self.gaps

    def _on_timer_timeout(self) -> None:
        now, cpu = time.perf_counter(), _on_cpu_ns()
        self.gaps.append((now - self._last) * 1000)
        self.cpu_gaps.append(min((cpu - self._last_cpu) / 1e6, self.gaps[-1]))
        self._last, self._last_cpu = now, cpu


def over(gaps: list[float], limit: float = STALL_TARGET_MS) -> list[float]:
    return [g for g in gaps if g > limit]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[min(max(int(p) - 1, 0), 98)]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores"
