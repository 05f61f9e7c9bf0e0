"""Bridges a desk.live watcher (its own thread) into Qt signals on the GUI thread.

A change that arrives alone is passed on at the next turn of the event loop (no fixed
delay: the watcher hears a PostgreSQL commit within a millisecond, and a view should
show it as soon). Changes that keep coming (a burst of saves, a bulk edit, twenty
colleagues at work) are passed on at most once every ``BURST_MS``, merged into one
``Change`` per kind (incidents, problem records), so the views re-read once per burst
rather than once per save. ``ui/start.py`` connects ``changed`` to the window's change hub, where
these meet the changes made here.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desk.bootstrap import Services
from desk.live.watcher import INCIDENT, PROBLEM, Change, Watcher, watcher_for

# The shortest time between two flushes; a change arriving later than this after the
# last flush goes out at the next turn of the event loop.
BURST_MS = 20


class LiveBridge(QObject):
    changed = Signal(object)            # desk.live.watcher.Change (incidents or problem records)
    state_changed = Signal(str)
    _arrived = Signal(object)           # emitted on the watcher thread, queued to ours

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: dict[str, dict[int, int]] = {INCIDENT: {}, PROBLEM: {}}
        self._refresh: dict[str, bool] = {INCIDENT: False, PROBLEM: False}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._monotonic = time.monotonic   # a test's own clock replaces it
        self._last_flush = 0.0         # self._monotonic() of the last flush
        self._timer.timeout.connect(self._flush)
        self._arrived.connect(self._collect)
        self.watcher: Watcher | None = watcher_for(services.db, services.queue, services.problem_list,
                                                         self._arrived.emit, self.state_changed.emit)

    @Slot(object)
    def _collect(self, change: Change) -> None:
        kind = change.kind if change.kind in self._pending else INCIDENT
        self._refresh[kind] = self._refresh[kind] or change.refresh
        self._pending[kind].update(dict(change.ids))
        if not self._timer.isActive():
            # Changes already queued behind this one are collected before a 0 ms timer
            # fires (Qt delivers posted events first), so even "at once" merges a burst.
            since_ms = (self._monotonic() - self._last_flush) * 1000
            self._timer.start(max(0, int(BURST_MS - since_ms + 0.999)))

    def _flush(self) -> None:
        self._last_flush = self._monotonic()
        for kind in (INCIDENT, PROBLEM):
            pending, refresh = self._pending[kind], self._refresh[kind]
            if not pending and not refresh:
                continue
            self._pending[kind], self._refresh[kind] = {}, False
            self.changed.emit(Change(ids=tuple(pending.items()), refresh=refresh, kind=kind))

    def start(self) -> None:
        if self.watcher is None:
            self.state_changed.emit("off (in-memory database)")
            return
        self.watcher.start()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()


__all__ = ["Change", "LiveBridge"]
