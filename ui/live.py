"""Bridges a desk.live watcher (its own thread) into Qt signals on the GUI thread."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desk.live.watcher import Change, Watcher, watcher_for


class LiveBridge(QObject):
    changed = Signal(object)        # desk.live.watcher.Change
    state_changed = Signal(str)

    def __init__(self, db, parent: QObject | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        # Emitting from the watcher thread queues delivery to this object's (GUI) thread.
        self.watcher: Watcher | None = watcher_for(db, self.changed.emit, self.state_changed.emit)

    def start(self) -> None:
        if self.watcher is None:
            self.state_changed.emit("off (in-memory database)")
            return
        self.watcher.start()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()


__all__ = ["LiveBridge", "Change"]
