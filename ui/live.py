"""Bridges a desk.live watcher (its own thread) into Qt signals on the GUI thread.

Changes arriving within a few milliseconds of each other (a burst of saves, a bulk
edit) are merged into one ``changed`` emission, so the queue re-reads once.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desk.live.watcher import Change, Watcher, watcher_for

COALESCE_MS = 25


class LiveBridge(QObject):
    changed = Signal(object)        # desk.live.watcher.Change
    state_changed = Signal(str)
    _arrived = Signal(object)       # emitted on the watcher thread, queued to ours

    def __init__(self, db, parent: QObject | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._pending: dict[int, int] = {}
        self._refresh = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self._flush)
        self._arrived.connect(self._collect)
        self.watcher: Watcher | None = watcher_for(db, self._arrived.emit, self.state_changed.emit)

    @Slot(object)
    def _collect(self, change: Change) -> None:
        self._refresh = self._refresh or change.refresh
        self._pending.update(dict(change.ids))
        if not self._timer.isActive():
            self._timer.start()

    def _flush(self) -> None:
        change = Change(ids=tuple(self._pending.items()), refresh=self._refresh)
        self._pending, self._refresh = {}, False
        self.changed.emit(change)

    def start(self) -> None:
        if self.watcher is None:
            self.state_changed.emit("off (in-memory database)")
            return
        self.watcher.start()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()


__all__ = ["LiveBridge", "Change"]
