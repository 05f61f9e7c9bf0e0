"""One change hub: every "something changed" in the window goes through here.

Publishers: every write a record tab or a feature panel makes (``record_written``, at
once, with the version the write returned) and the live-update bridge (changes made on
other workstations). Subscribers: the queue, the views' counts, open tabs, the
Problems view, the major-incident board and panels, the dashboard. The event is the
Qt-free ``desk.live.watcher.Change`` (kind, (id, version) pairs, or refresh), so a
change made here and one heard from elsewhere are handled by the same code (Anki's
``operation_did_execute``).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desk.live.watcher import INCIDENT, Change


class ChangeHub(QObject):
    changed = Signal(object)   # desk.live.watcher.Change

    def publish(self, change: Change) -> None:
        self.changed.emit(change)

    def record_written(self, record_id: int | None, version: int | None, kind: str = INCIDENT) -> None:
        """A write made here: publish it at once rather than wait for the watcher's round
        trip (and where there is no watcher at all)."""
        if record_id is None:
            self.publish(Change(refresh=True, kind=kind))
        else:
            self.publish(Change(ids=((record_id, version if version is not None else -1),), kind=kind))
