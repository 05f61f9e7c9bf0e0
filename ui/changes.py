"""One change hub: every "something changed" in the window goes through here.

Publishers: every write run as a ``ui.operations.WriteOp`` (at once, with the version the
write returned) and the live-update bridge (changes made on other workstations).
Subscribers: the queue, the views' counts, open tabs, the Problems view, the
major-incident board and panels, the dashboard. The event is the Qt-free
``desk.live.watcher.Change`` (kind, (id, version) pairs, or refresh), so a change made
here and one heard from elsewhere are handled by the same code (Anki's
``operation_did_execute``).

A write made here is heard twice: once from the operation, at once, and again a moment
later when the watcher sees the same row change in the database. The hub remembers the
newest version it has published of each record and drops that echo, so views re-read a
record once per change.
"""
from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QObject, Signal

from desk.live.watcher import INCIDENT, Change

# Versions remembered per (kind, id); older entries are forgotten first. A forgotten
# record's echo costs one extra re-read, nothing worse.
REMEMBERED = 4096


class ChangeHub(QObject):
    changed = Signal(object)   # desk.live.watcher.Change

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._published: OrderedDict[tuple[str, int], int] = OrderedDict()

    def publish(self, change: Change) -> None:
        """Tell every subscriber, unless all it says has been said already."""
        fresh = tuple((rid, v) for rid, v in change.ids if self._is_news(change.kind, rid, v))
        if not change.refresh and not fresh:
            return
        self.changed.emit(Change(ids=fresh, refresh=change.refresh, kind=change.kind))

    def _is_news(self, kind: str, record_id: int, version: int) -> bool:
        if version < 0:            # version unknown: always news; what we knew still holds
            return True
        key = (kind, record_id)
        known = self._published.get(key)
        if known is not None and known >= version:
            return False
        self._published[key] = version
        self._published.move_to_end(key)
        while len(self._published) > REMEMBERED:
            self._published.popitem(last=False)
        return True

    def record_written(self, record_id: int | None, version: int | None, kind: str = INCIDENT) -> None:
        """A write made here outside a ``WriteOp`` (a feature's own widget): publish it at once
        rather than wait for the watcher's round trip (and where there is no watcher at all)."""
        if record_id is None:
            self.publish(Change(refresh=True, kind=kind))
        else:
            self.publish(Change(ids=((record_id, version if version is not None else -1),), kind=kind))
