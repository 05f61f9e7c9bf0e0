"""Background work like Anki's operations: run a read or a write off the GUI thread
and deliver the result back on it.

Reads run on a small pool; writes go through one thread so they never race each
other. Widgets are never touched from a worker: ``on_done``/``on_error`` (and a long
job's ``on_progress``/``on_cancelled``) run on the GUI thread. A result whose
``owner`` widget has been destroyed is dropped. Tests swap in ``SyncRunner``, which
runs everything inline and delivers by the same rules.

Every submission returns a ``Task``: ``cancel()`` asks it to stop. A job that has not
started yet then never starts; a long job (``read_with_progress``) sees its
``cancelled()`` turn true and stops by raising ``ReportCancelled``, desk's Qt-free
"stopped on request". Either way ``on_cancelled`` runs instead of ``on_done``.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from desk.reports.errors import ReportCancelled

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
Progressed = Callable[[float, str], None]
Stopped = Callable[[], None]
# What a long job receives: progress(fraction 0..1, words) and cancelled().
Progress = Callable[[float, str], None]
IsCancelled = Callable[[], bool]
LongFn = Callable[[Progress, IsCancelled], Any]

_job_state = threading.local()


def in_job() -> bool:
    """True while a runner job's function runs on this thread.

    On a worker that is always the case; under ``SyncRunner`` the GUI thread runs jobs
    inline, and this tells a job's queries from a widget's own (tests/ui checks that no
    statement runs on the GUI thread outside a job)."""
    return getattr(_job_state, "depth", 0) > 0


@contextmanager
def _inside_job() -> Iterator[None]:
    _job_state.depth = getattr(_job_state, "depth", 0) + 1
    try:
        yield
    finally:
        _job_state.depth -= 1


class Task:
    """The handle of one submitted job. Its callbacks run on the GUI thread only."""

    def __init__(self, on_done: Done | None, on_error: Failed | None, owner: QObject | None,
                 on_progress: Progressed | None = None, on_cancelled: Stopped | None = None) -> None:
        self._stop = threading.Event()
        self._on_done, self._on_error, self._owner = on_done, on_error, owner
        self._on_progress, self._on_cancelled = on_progress, on_cancelled
        self._on_settled: list[Callable[[], object]] = []
        self.running = True  # until its outcome has been delivered (or dropped) on the GUI thread

    def when_settled(self, fn: Callable[[], object]) -> None:
        """``fn()`` on the GUI thread once the job has stopped, even when its owner is gone
        (cleaning up after a widget that was deleted meanwhile); at once if it has stopped."""
        if self.running:
            self._on_settled.append(fn)
        else:
            fn()

    def cancel(self) -> None:
        """Ask the job to stop (any thread); it stops at its next ``cancelled()`` check."""
        self._stop.set()

    def cancelled(self) -> bool:
        return self._stop.is_set()

    def _owner_gone(self) -> bool:
        return self._owner is not None and not shiboken6.isValid(self._owner)

    def _progressed(self, fraction: float, words: str) -> None:
        """On the GUI thread."""
        if self.running and self._on_progress is not None and not self._owner_gone():
            self._on_progress(fraction, words)

    def _settle(self, result: Any, exc: BaseException | None) -> None:
        """On the GUI thread: the one place an outcome is handed to its callbacks."""
        self.running = False
        settled, self._on_settled = self._on_settled, []
        try:
            for fn in settled:
                fn()
            self._deliver(result, exc)
        finally:
            # A settled task is still held (a widget's last job, the pool's last runnable):
            # it keeps no callbacks, so it keeps nothing they reach alive.
            self._on_done = self._on_error = self._on_progress = self._on_cancelled = None
            self._owner = None

    def _deliver(self, result: Any, exc: BaseException | None) -> None:
        if self._owner_gone():
            return  # the widget that asked has gone; nobody wants this result
        if isinstance(exc, ReportCancelled):
            if self._on_cancelled is not None:
                self._on_cancelled()
            elif self._on_error is not None:
                self._on_error(exc)
        elif exc is not None:
            if self._on_error is None:
                raise exc
            self._on_error(exc)
        elif self._on_done is not None:
            self._on_done(result)


def _call(task: Task, fn: Callable[[], Any]) -> tuple[Any, BaseException | None]:
    """Run ``fn`` as a job: nothing at all when cancelled before it started."""
    if task.cancelled():
        return None, ReportCancelled()
    with _inside_job():
        return fn(), None


class _Relay(QObject):
    """Lives on the GUI thread; a signal emitted from a worker is queued to it."""

    finished = Signal(object, object, object)  # task, result, exc
    progressed = Signal(object, float, str)    # task, fraction, words

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._deliver)
        self.progressed.connect(self._progress)

    @Slot(object, object, object)
    def _deliver(self, task: Task, result: Any, exc: BaseException | None) -> None:
        task._settle(result, exc)

    @Slot(object, float, str)
    def _progress(self, task: Task, fraction: float, words: str) -> None:
        task._progressed(fraction, words)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay, task: Task) -> None:
        super().__init__()
        self.fn, self.relay, self.task = fn, relay, task

    def run(self) -> None:
        fn, task = self.fn, self.task
        # PySide keeps the pool's most recently started runnable referenced after it has run:
        # a job that kept its function and task would keep what they reach (a closed report
        # window and its figures, a ticket's page) alive until the pool starts another.
        self.fn = self.task = None  # type: ignore[assignment]
        try:
            result, exc = _call(task, fn)
        except BaseException as failure:  # noqa: BLE001 - handed to the GUI thread
            result, exc = None, failure
        del fn
        self.relay.finished.emit(task, result, exc)


class TaskRunner:
    inline = False  # answers in a later turn of the event loop, on the GUI thread

    def __init__(self, readers: int = 3) -> None:
        self._relay = _Relay()
        self._reads = QThreadPool()
        self._reads.setMaxThreadCount(readers)
        self._writes = QThreadPool()
        self._writes.setMaxThreadCount(1)

    def read(self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None,
             owner: QObject | None = None) -> Task:
        task = Task(on_done, on_error, owner)
        self._reads.start(_Job(fn, self._relay, task))
        return task

    def write(self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None,
              owner: QObject | None = None) -> Task:
        task = Task(on_done, on_error, owner)
        self._writes.start(_Job(fn, self._relay, task))
        return task

    def read_with_progress(self, fn: LongFn, on_done: Done | None = None, on_error: Failed | None = None,
                           owner: QObject | None = None, *, on_progress: Progressed | None = None,
                           on_cancelled: Stopped | None = None) -> Task:
        """A long read (a report, a print run): ``fn(progress, cancelled)`` reports how far
        it got, delivered queued to ``on_progress`` on the GUI thread."""
        task = Task(on_done, on_error, owner, on_progress, on_cancelled)

        def progress(fraction: float, words: str) -> None:
            self._relay.progressed.emit(task, float(fraction), words)

        self._reads.start(_Job(lambda: fn(progress, task.cancelled), self._relay, task))
        return task

    def wait(self, msecs: int = 5000) -> bool:
        """Wait for running work (shutdown, tests)."""
        return self._reads.waitForDone(msecs) and self._writes.waitForDone(msecs)


class SyncRunner:
    """Runs work inline on the calling thread, delivering by TaskRunner's rules: deterministic tests."""

    inline = True   # answers before read() returns: no turn of the event loop in between

    def read(self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None,
             owner: QObject | None = None) -> Task:
        return self._run(fn, Task(on_done, on_error, owner))

    write = read

    def read_with_progress(self, fn: LongFn, on_done: Done | None = None, on_error: Failed | None = None,
                           owner: QObject | None = None, *, on_progress: Progressed | None = None,
                           on_cancelled: Stopped | None = None) -> Task:
        task = Task(on_done, on_error, owner, on_progress, on_cancelled)
        # Progress reaches the widget while the job runs, as it would between two queued events:
        # a test can press Cancel from it and see the job stop at its next check.
        return self._run(lambda: fn(task._progressed, task.cancelled), task)

    def _run(self, fn: Callable[[], Any], task: Task) -> Task:
        try:
            result, exc = _call(task, fn)
        except Exception as failure:  # noqa: BLE001 - delivered like TaskRunner delivers it
            result, exc = None, failure
        task._settle(result, exc)
        return task

    def wait(self, msecs: int = 5000) -> bool:
        return True
