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


def _schedstat(path: str = "/proc/thread-self/schedstat") -> tuple[int, int]:
    """(ns on a CPU, ns waiting runnable for one) of the calling thread so far, from
    Linux's schedstat; (0, 0) where the kernel does not say."""
    try:
        with open(path) as f:
            on_cpu, queued = f.read().split()[:2]
        return int(on_cpu), int(queued)
    except (OSError, ValueError):
        return 0, 0


# What Qt names a QThreadPool's threads: the runner's workers (ui.tasks.TaskRunner).
POOLED = "Thread (pooled)"


def _workers_queued_ns() -> int:
    """The run-queue time of the process's pooled worker threads so far, added up."""
    total = 0
    with contextlib.suppress(OSError):
        for tid in os.listdir("/proc/self/task"):
            with contextlib.suppress(OSError):
                with open(f"/proc/self/task/{tid}/comm") as f:
                    if f.read().strip() != POOLED:
                        continue
                total += _schedstat(f"/proc/self/task/{tid}/schedstat")[1]
    return total


class Heartbeat(QObject):
    """Ticks every ``interval_ms`` on the GUI thread and keeps the longest gap between ticks.

    ``longest_ms`` leaves out what the machine's other processes took: a gap on the clock is
    the GUI thread on a CPU (GUI work: ours), runnable with no CPU free (the machine's), or
    blocked: on a query or a lock (ours), or on the GIL while the runner's worker holding
    it waits for a CPU (the machine's again). So a gap counts its CPU time in full and its
    blocked time less what the runner's pooled threads spent in the run queue meanwhile:
    busy neighbours cannot excuse GUI work, and a query on the GUI thread (which the SQL
    guard fails anyway) is excused only while a worker was itself kept off the CPU.
    ``longest_wall_ms`` is the longest gap on the clock."""

    def __init__(self, interval_ms: int = 5) -> None:
        super().__init__()
        self.longest_ms = 0.0
        self.longest_wall_ms = 0.0
        self.ticks = 0
        # The gap behind longest_ms, in ms: on the clock, on a CPU, queued, workers queued.
        self.worst: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
        self._last: tuple[float, int, int, int] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    @staticmethod
    def _now() -> tuple[float, int, int, int]:
        return (time.perf_counter(), *_schedstat(), _workers_queued_ns())

    def start(self) -> None:
        self._last = self._now()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        self._on_timer_timeout()  # the stretch since the last tick counts too
        return self.longest_ms

    def _on_timer_timeout(self) -> None:
        now = self._now()
        if self._last is not None:
            wall = (now[0] - self._last[0]) * 1000
            on_cpu, queued, others = ((n - b) / 1e6 for n, b in zip(now[1:], self._last[1:]))
            blocked = max(wall - on_cpu - queued, 0.0)
            own = min(on_cpu, wall) + max(blocked - others, 0.0)
            self.longest_wall_ms = max(self.longest_wall_ms, wall)
            if own > self.longest_ms:
                self.longest_ms = own
                self.worst = (wall, on_cpu, queued, others)
            self.ticks += 1
        self._last = now
