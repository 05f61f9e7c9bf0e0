"""A long job off the GUI thread with progress and cancel (report building, printing).

The job function receives ``progress(fraction, words)`` and ``cancelled()``; it must
not touch widgets. Signals are emitted from the worker thread and delivered queued on
the GUI thread, where the dialog updates its progress bar.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desk.reports.errors import ReportCancelled

log = logging.getLogger(__name__)

JobFn = Callable[[Callable[[float, str], None], Callable[[], bool]], Any]


class ProgressJob(QObject):
    progressed = Signal(float, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, fn: JobFn, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn
        self._stop = threading.Event()
        self.running = False

    def start(self, pool: QThreadPool | None = None) -> None:
        self.running = True
        runnable = _Runnable(self)
        (pool or QThreadPool.globalInstance()).start(runnable)

    def cancel(self) -> None:
        self._stop.set()

    def is_cancelled(self) -> bool:
        return self._stop.is_set()

    def _run(self) -> None:
        try:
            result = self._fn(lambda f, m: self.progressed.emit(float(f), m), self._stop.is_set)
        except ReportCancelled:
            self.running = False
            self.cancelled.emit()
        except BaseException as exc:
            log.exception("report job failed")
            self.running = False
            self.failed.emit(exc)
        else:
            self.running = False
            self.finished.emit(result)


class _Runnable(QRunnable):
    def __init__(self, job: ProgressJob) -> None:
        super().__init__()
        self.job = job

    def run(self) -> None:
        self.job._run()
