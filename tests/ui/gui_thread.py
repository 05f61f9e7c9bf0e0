"""Watching the GUI thread in the UI tests: no query from a widget, and no long stall.

``SqlGuard`` sees every SQL statement any engine executes (SQLAlchemy's
``before_cursor_execute`` on the Engine class). A statement that runs on the GUI thread,
outside a runner job (``ui.tasks.in_job``) and with a frame from ``ui/`` on its stack is
a widget querying directly: under the real TaskRunner the window would freeze for as
long as that query takes. Under ``SyncRunner`` jobs run inline on the GUI thread too,
which is why the check asks "inside a job?" and not only "which thread?". Statements
with no ``ui/`` frame (a test or fixture building its data, checking the database)
are the test's own business.

``Heartbeat`` is a timer on the GUI thread; the longest gap between two of its ticks
is the longest time the GUI thread could not process events.
"""
from __future__ import annotations

import contextlib
import linecache
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from PySide6.QtCore import QObject, QTimer
from sqlalchemy import event
from sqlalchemy.engine import Engine

import ui
from ui.tasks import in_job

UI_DIR = Path(ui.__file__).resolve().parent
ROOT = UI_DIR.parent
MARK = "gui_db_allowed"


@dataclass(frozen=True)
class Violation:
    statement: str
    frames: tuple[str, ...]  # the ui/ frames on the stack, innermost first: "ui/x.py:12 in f: code"

    def describe(self) -> str:
        sql = " ".join(self.statement.split())
        return (f"  {sql[:160]}{'…' if len(sql) > 160 else ''}\n    issued by {self.frames[0]}\n"
                + "".join(f"    called from {f}\n" for f in self.frames[1:4]))


def _ui_frames(frame: FrameType | None) -> tuple[str, ...]:
    out = []
    prefix = str(UI_DIR) + "/"
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(prefix):
            line = linecache.getline(filename, frame.f_lineno).strip()
            out.append(f"{Path(filename).relative_to(ROOT)}:{frame.f_lineno} in {frame.f_code.co_name}: {line}")
        frame = frame.f_back
    return tuple(out)


class SqlGuard:
    """Records widget queries on the GUI thread while armed (one test at a time)."""

    def __init__(self) -> None:
        self.gui_thread = threading.main_thread().ident  # pytest-qt's QApplication lives there
        self.armed = False
        self.violations: list[Violation] = []

    def install(self) -> None:
        event.listen(Engine, "before_cursor_execute", self._before_cursor_execute)

    def uninstall(self) -> None:
        event.remove(Engine, "before_cursor_execute", self._before_cursor_execute)

    def arm(self) -> None:
        self.violations = []
        self.armed = True

    def disarm(self) -> list[Violation]:
        self.armed = False
        return self.violations

    def _before_cursor_execute(self, _conn: Any, _cursor: Any, statement: str, _parameters: Any,
                               _context: Any, _executemany: bool) -> None:
        if not self.armed or threading.get_ident() != self.gui_thread or in_job():
            return
        frames = _ui_frames(sys._getframe(1))
        if frames:
            self.violations.append(Violation(statement, frames))


def covered(v: Violation, where: str) -> bool:
    """Whether ``where`` ("ui/incidents/page.py:_fill_sla", a file and a function in it) is on
    the violation's stack: what a ``gui_db_allowed`` mark lets through, and nothing more."""
    path, _, function = where.partition(":")
    return any(f.startswith(f"{path}:") and f" in {function}: " in f for f in v.frames)


def _is_transaction(v: Violation) -> bool:
    return v.statement.strip().upper().split(" ")[0] in ("BEGIN", "COMMIT", "ROLLBACK", "SET", "SAVEPOINT")


def report(test: str, violations: list[Violation]) -> str:
    """One paragraph per call site in ui/: its first statement (past BEGIN) and who called it."""
    first: dict[str, Violation] = {}
    for v in violations:
        if first.get(v.frames[0]) is None or (_is_transaction(first[v.frames[0]]) and not _is_transaction(v)):
            first[v.frames[0]] = v
    return (f"{test}: {len(violations)} SQL statement(s) ran on the GUI thread outside a runner job, "
            f"from {len(first)} call site(s) in ui/. Ask ctx.runner.read/write and take the result "
            "in on_done instead.\n" + "".join(v.describe() for v in first.values()))


def _queued_ns(path: str = "/proc/thread-self/schedstat") -> int:
    """How long the calling thread has waited, runnable, for a CPU so far (Linux schedstat:
    on-CPU ns, run-queue ns, time slices); 0 where the kernel does not say."""
    try:
        with open(path) as f:
            return int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _others_queued_ns() -> int:
    """The same for the process's other threads, added up."""
    me = threading.get_native_id()
    total = 0
    with contextlib.suppress(OSError):
        for tid in os.listdir("/proc/self/task"):
            if int(tid) != me:
                total += _queued_ns(f"/proc/self/task/{tid}/schedstat")
    return total


class Heartbeat(QObject):
    """Ticks every ``interval_ms`` on the GUI thread and keeps the longest gap between ticks.

    ``longest_ms`` is the longest gap less the time the GUI thread sat ready to run with no
    CPU free for it (the kernel's run-queue time): what the GUI thread spent working, or
    blocked on something (a query, a lock), and not what the machine's other processes
    took from it; ``longest_wall_ms`` is the gap on the clock."""

    def __init__(self, interval_ms: int = 5) -> None:
        super().__init__()
        self.longest_ms = 0.0
        self.longest_wall_ms = 0.0
        self.ticks = 0
        self.worst: tuple[float, float, float] = (0.0, 0.0, 0.0)  # wall, queued, others queued (ms)
        self._last: float | None = None
        self._queued = 0
        self._others = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._queued = _queued_ns()
        self._others = _others_queued_ns()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        self._on_timer_timeout()  # the stretch since the last tick counts too
        return self.longest_ms

    def _on_timer_timeout(self) -> None:
        now, queued, others = time.perf_counter(), _queued_ns(), _others_queued_ns()
        if self._last is not None:
            wall_ms = (now - self._last) * 1000
            queued_ms = (queued - self._queued) / 1e6
            own_ms = max(wall_ms - queued_ms, 0.0)
            self.longest_wall_ms = max(self.longest_wall_ms, wall_ms)
            if own_ms > self.longest_ms:
                self.longest_ms = own_ms
                self.worst = (wall_ms, queued_ms, (others - self._others) / 1e6)
            self.ticks += 1
        self._last, self._queued, self._others = now, queued, others
