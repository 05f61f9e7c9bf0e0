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
    returns (window, runner, database).

    Made as ``ui.app`` makes it, so a benchmark measures what a user gets: the application
    font with its chain of fallback families, then the window attached by ``ui.start`` —
    the features installed, and live updates, mail delivery and the SLA alert job running
    on their threads beside the GUI thread, Python's collector kept off what the start
    made; returned once all that is done. They are stopped before the window is closed
    at the test's end (or by ``stop_benched``)."""
    from PySide6.QtWidgets import QApplication

    from ui import collector
    from ui.fonts import use_font_chain
    from ui.main_window import MainWindow
    from ui.opener import OpenDesk
    from ui.settings import Settings
    from ui.start import attach

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    use_font_chain(app)
    db = Database.connect(url)
    services = Services.over(db)
    staff = [a for a in services.staff.list() if Role.TECHNICIAN in a.roles] or services.staff.list()
    window = MainWindow(settings=Settings(tmp_path / "desk.ini"))
    window.resize(1400, 900)
    window.show()
    started: list[int] = []
    # As ui.app does once the start is done: the start's objects frozen out of later
    # collections (ui.collector), so a full collection walks only what the work made.
    running = attach(window, OpenDesk(services, staff[0], services.site),
                     then=lambda: started.append(collector.start_done()))
    _RUNNING.append(running)
    # Stopped while the window still exists, as ui.app stops them: their threads emit on
    # objects the window owns.
    qtbot.addWidget(window, before_close_func=lambda _w: stop_benched())
    qtbot.waitUntil(lambda: window.views.current_key() is not None and bool(started), timeout=60_000)
    return window, window.ctx.runner, db


_RUNNING: list[Any] = []    # what attach() started, stopped by stop_benched()


def stop_benched() -> None:
    """Stop the threads the benchmarked windows started (live updates, mail, the SLA job)."""
    while _RUNNING:
        _RUNNING.pop().stop()


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


def rss_parts_mb() -> dict[str, float]:
    """Resident memory by kind (/proc/self/status): ``anon`` (heaps: Python, Qt, SQLite's
    caches), ``file`` (mapped files: libraries, fonts) and ``shmem``."""
    parts = {"RssAnon:": "anon", "RssFile:": "file", "RssShmem:": "shmem"}
    out: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key = line.split(maxsplit=1)[0] if line else ""
        if key in parts:
            out[parts[key]] = int(line.split()[1]) / 1024
    return out


def heap_accounts_mb() -> dict[str, float]:
    """Who holds the heap (glibc's mallinfo2 over every arena, SQLite's own counter):
    ``malloc in use``, ``malloc free`` (held by the allocator but unused: fragmentation),
    ``mmapped`` (large blocks), ``sqlite`` (what the SQLite library has allocated)."""
    import ctypes
    import ctypes.util

    out: dict[str, float] = {}

    class MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                    "fsmblks", "uordblks", "fordblks", "keepcost")]
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallinfo2.restype = MallInfo2
        mi = libc.mallinfo2()
        out.update({"malloc in use": mi.uordblks / 2**20, "malloc free": mi.fordblks / 2**20,
                    "mmapped": mi.hblkhd / 2**20})
    except (OSError, AttributeError):
        pass
    out.update(pymalloc_mb())
    import _sqlite3

    try:
        lib = ctypes.CDLL(_sqlite3.__file__)    # the library the module was linked against
        lib.sqlite3_memory_used.restype = ctypes.c_int64
        out["sqlite"] = lib.sqlite3_memory_used() / 2**20
    except (OSError, AttributeError):
        pass
    return out


def pymalloc_mb() -> dict[str, float]:
    """Python's own small-object allocator (its arenas are mapped outside malloc):
    ``pymalloc arenas`` mapped, ``pymalloc in use`` by live objects."""
    import re
    import sys
    import tempfile

    with tempfile.TemporaryFile("w+") as f:
        sys.stderr.flush()
        saved = os.dup(2)
        try:
            os.dup2(f.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        f.seek(0)
        text = f.read()
    out: dict[str, float] = {}
    arenas = re.search(r"# arenas allocated current\s*=\s*([\d,]+)", text)
    used = re.search(r"bytes in allocated blocks\s*=\s*([\d,]+)", text)
    if arenas:
        out["pymalloc arenas"] = float(int(arenas.group(1).replace(",", "")))  # 1 MiB each
    if used:
        out["pymalloc in use"] = int(used.group(1).replace(",", "")) / 2**20
    return out


def top_types(count: int = 10) -> list[tuple[str, int]]:
    """The most numerous kinds of Python object alive (gc-tracked), most first."""
    import collections
    import gc

    return collections.Counter(type(o).__name__ for o in gc.get_objects()).most_common(count)


def top_mappings_mb(count: int = 12) -> list[tuple[str, float]]:
    """The mappings holding the most resident memory (/proc/self/smaps), biggest first:
    what a file-backed part of the RSS is made of."""
    sizes: dict[str, float] = {}
    name = ""
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and not head[0].endswith(":"):
            name = head[5] if len(head) > 5 else "[anonymous]"
        elif head and head[0] == "Rss:":
            sizes[name] = sizes.get(name, 0.0) + int(head[1]) / 1024
    return sorted(sizes.items(), key=lambda kv: -kv[1])[:count]


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores"
