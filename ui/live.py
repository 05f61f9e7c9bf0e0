"""Bridges a desk.live watcher (its own thread) into Qt signals on the GUI thread.

Changes arriving within a few milliseconds of each other (a burst of saves, a bulk
edit) are merged into one ``Change`` per kind (incidents, problem records), so a view
re-reads once. ``ui/start.py`` connects ``changed`` to the window's change hub, where
these meet the changes made here.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desk.bootstrap import Services
from desk.live.watcher import INCIDENT, PROBLEM, Change, Watcher, watcher_for

COALESCE_MS = 25


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
        self._timer.setInterval(COALESCE_MS)
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
            self._timer.start()

    def _flush(self) -> None:
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
