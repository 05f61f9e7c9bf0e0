"""Wake-ups for the SQLite watcher: "a file next to the database was written", from the
kernel (Linux inotify) instead of a timer.

A commit by any process writes the ``-wal`` file (or, outside WAL mode, the database
file), and inotify reports that write at once, so the watcher sleeps in ``select`` and
costs nothing while nobody writes. The event is only a hint: ``PRAGMA data_version``
stays the truth (the kernel reports the WAL write a moment before the writer updates
the WAL index, so the watcher re-checks briefly after each hint). Where inotify is
missing (another OS, a container without it) ``open_wakeup`` returns None and the
watcher falls back to its poll.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import select
import struct
from pathlib import Path

log = logging.getLogger(__name__)

_IN_MODIFY = 0x002
_IN_CLOSE_WRITE = 0x008
_IN_MOVED_TO = 0x080
_IN_CREATE = 0x100
_IN_NONBLOCK = 0o4000
_IN_CLOEXEC = 0o2000000
_MASK = _IN_MODIFY | _IN_CLOSE_WRITE | _IN_MOVED_TO | _IN_CREATE
_EVENT = struct.Struct("iIII")     # wd, mask, cookie, len (then len bytes of name)


class FileWakeup:
    """Waits until one of a database's files is written (or ``timeout`` passes)."""

    def __init__(self, fd: int, names: frozenset[str]) -> None:
        self._fd = fd
        self._names = names

    def wait(self, timeout: float) -> bool:
        """True if one of the database's files was written before ``timeout`` (seconds)."""
        ready, _, _ = select.select([self._fd], [], [], max(timeout, 0.0))
        return bool(ready) and self._drain()

    def _drain(self) -> bool:
        hit = False
        while True:
            try:
                data = os.read(self._fd, 64 * 1024)
            except BlockingIOError:
                return hit
            pos = 0
            while pos + _EVENT.size <= len(data):
                _wd, _mask, _cookie, length = _EVENT.unpack_from(data, pos)
                name = data[pos + _EVENT.size: pos + _EVENT.size + length].rstrip(b"\0").decode(
                    errors="replace")
                pos += _EVENT.size + length
                # The directory holds other files (a neighbour's database): only ours count.
                hit = hit or name in self._names

    def close(self) -> None:
        os.close(self._fd)


def open_wakeup(database: Path) -> FileWakeup | None:
    """A wake-up for ``database``'s directory, or None where inotify is not available.

    The directory is watched rather than the ``-wal`` file: SQLite deletes and re-creates
    that file when the last connection closes, which would end a watch on the file."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        init, add = libc.inotify_init1, libc.inotify_add_watch
    except (OSError, AttributeError):
        return None
    fd = init(_IN_NONBLOCK | _IN_CLOEXEC)
    if fd < 0:
        log.info("inotify unavailable (errno %s): the SQLite watcher polls", ctypes.get_errno())
        return None
    folder = database.resolve().parent
    if add(fd, os.fsencode(folder), _MASK) < 0:
        log.info("cannot watch %s (errno %s): the SQLite watcher polls", folder, ctypes.get_errno())
        os.close(fd)
        return None
    base = database.resolve().name
    return FileWakeup(fd, frozenset({base, f"{base}-wal", f"{base}-journal"}))
