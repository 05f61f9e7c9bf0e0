"""Background work like Anki's operations: run a read or a write off the GUI thread
and deliver the result back on it.

Reads run on a small pool; writes go through one thread so they never race each
other. Widgets are never touched from a worker: ``on_done``/``on_error`` run on the
GUI thread. A result whose ``owner`` widget has been destroyed is dropped. Tests
swap in ``SyncRunner``, which runs everything inline.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Relay(QObject):
    """Lives on the GUI thread; a signal emitted from a worker is queued to it."""

    finished = Signal(object, object, object, object, object)  # on_done, on_error, owner, result, exc

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._deliver)

    @Slot(object, object, object, object, object)
    def _deliver(self, on_done: Done | None, on_error: Failed | None, owner: QObject | None,
                 result: Any, exc: BaseException | None) -> None:
        if owner is not None and not shiboken6.isValid(owner):
            return  # the widget that asked has gone; nobody wants this result
        if exc is not None:
            if on_error is not None:
                on_error(exc)
            else:
                raise exc
        elif on_done is not None:
            on_done(result)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay, on_done: Done | None,
                 on_error: Failed | None, owner: QObject | None) -> None:
        super().__init__()
        self.fn, self.relay, self.on_done, self.on_error, self.owner = fn, relay, on_done, on_error, owner

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            self.relay.finished.emit(self.on_done, self.on_error, self.owner, None, exc)
        else:
            self.relay.finished.emit(self.on_done, self.on_error, self.owner, result, None)


class TaskRunner:
    def __init__(self, readers: int = 3) -> None:
        self._relay = _Relay()
        self._reads = QThreadPool()
        self._reads.setMaxThreadCount(readers)
        self._writes = QThreadPool()
        self._writes.setMaxThreadCount(1)

    def read(self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None,
             owner: QObject | None = None) -> None:
        self._reads.start(_Job(fn, self._relay, on_done, on_error, owner))

    def write(self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None,
              owner: QObject | None = None) -> None:
        self._writes.start(_Job(fn, self._relay, on_done, on_error, owner))

    def wait(self, msecs: int = 5000) -> bool:
        """Wait for running work (shutdown, tests)."""
        return self._reads.waitForDone(msecs) and self._writes.waitForDone(msecs)


class SyncRunner:
    """Runs work inline on the calling thread: deterministic tests."""

    def read(self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None,
             owner: QObject | None = None) -> None:
        self._run(fn, on_done, on_error, owner)

    write = read

    def _run(self, fn: Callable[[], Any], on_done: Done | None, on_error: Failed | None,
             owner: QObject | None) -> None:
        try:
            result = fn()
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)
            return
        if owner is not None and not shiboken6.isValid(owner):
            return
        if on_done is not None:
            on_done(result)

    def wait(self, msecs: int = 5000) -> bool:
        return True
