"""Keeping the heap of a long-running window small: few malloc arenas, and freed memory
handed back to the system now and then (glibc's ``mallopt`` and ``malloc_trim``).

A window open all day reads thousands of pages, reports and tickets on worker threads.
glibc keeps what they freed in its arenas for reuse, and frees it to the system only
from the top of each heap: after six minutes of scripted use at 1M tickets the allocator
held 30-45 MB it was not using (``tests/benchmarks/test_memory_scripted.py``, malloc
free), and one ``malloc_trim(0)`` gave about 19 MB of it back. Nothing is lost by it:
the pages are reused or faulted in again when needed.

Most of what the allocator held unused was spread over its arenas: glibc gives each
thread that allocates while another holds an arena a new one, up to eight per core, and
memory freed in one arena serves only the threads that use it. The window's few
threads (the GUI, three readers, a writer, the live watcher) share two
(``limit_arenas``): in a six-minute scripted run at 1M, 41 MB held unused became
15 MB, and the window ended at 257 MB instead of 278 MB.

Blocks of 512 KB and more are mapped apart from the arenas and unmapped when freed
(``MMAP_THRESHOLD_BYTES``, set with the arena limit). glibc's own threshold starts at
128 KB but rises with every large block freed, up to 32 MB; past that, image buffers
(a report page shown, a screenful of pixels) are cut from the arenas, and the holes
they leave there are what the trim cannot always give back.

SQLite's allocations are capped the same way (``limit_sqlite_heap``): each pooled
connection keeps its own page cache (2 MB) and prepared statements, and over an hour
at 1M the library's memory grew by 17 MB. Its soft heap limit is one for the whole
process: past it, SQLite reuses its least recently used cache pages instead of
allocating more. The pages are then read again from the operating system's cache,
which cost the queue benchmark's reads nothing measurable at 1M (first rows, jumps,
searches, the 25- and 200-row pages within the run-to-run spread).

Qt's own pixmap cache (``QPixmapCache``, 10 MB by default) is where the style keeps the
pieces it paints (frames, buttons, headers, tabs, each at every size and state it drew):
after four minutes of the scripted use at 1M it was full, and clearing it gave 9 MB back.
The window keeps ``PIXMAP_CACHE_KB`` of it (``limit_pixmap_cache``): a screenful of the
style's pieces, which is what repaints draw again; the queue's cells have their own
store (``ui.queue.cell_cache``).

The trim runs on a short-lived thread of its own (it walks every arena, taking each
one's lock in turn), at most once a minute and only when the process has used some CPU
since the last one (an idle window frees nothing, so it is left alone); elsewhere than
glibc it does nothing.
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)
INTERVAL_MS = 60_000
WORK_CPU_S = 0.5   # CPU seconds since the last trim that count as work done


ARENAS = 2
PIXMAP_CACHE_KB = 3 * 1024
SQLITE_HEAP_BYTES = 4 << 20   # all connections together; a queue page needs a few dozen pages
_M_ARENA_MAX = -8   # mallopt's parameter numbers (malloc.h)
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 512 * 1024   # blocks from this size are mapped apart and unmapped when freed


def _libc(function: str) -> Any | None:
    """``function`` of the C library already loaded in this process, or None (not glibc).
    Looked up in the process's own symbols: ctypes.util.find_library would run ldconfig,
    tens of milliseconds on the GUI thread."""
    if not sys.platform.startswith("linux"):
        return None   # glibc's functions; and on Windows CDLL(None) is no library at all
    # Imported here: the window's frame is on screen before ctypes loads.
    import ctypes

    try:
        return getattr(ctypes.CDLL(None), function)
    except (OSError, AttributeError, TypeError):   # musl: no such function
        return None


def limit_arenas(count: int = ARENAS) -> bool:
    """Let glibc make at most ``count`` malloc arenas from now on, and map blocks of
    ``MMAP_THRESHOLD_BYTES`` and more apart from them; True if it took the arena limit.
    Called before the worker threads start (an arena, once made, stays)."""
    import ctypes

    mallopt = _libc("mallopt")
    if mallopt is None:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    # A fixed threshold for blocks of their own: glibc's own rises (up to 32 MB) with each
    # large block freed, after which the big buffers (a report page's image, a screenful
    # of pixels) are cut from the arenas, and what they leave there stays with the process.
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    return bool(mallopt(_M_ARENA_MAX, count))


def limit_pixmap_cache(kilobytes: int = PIXMAP_CACHE_KB) -> int:
    """Keep Qt's pixmap cache, where the style keeps what it painted, under ``kilobytes``
    (it drops the least recently used past it); returns the limit now set. GUI thread."""
    from PySide6.QtGui import QPixmapCache

    if QPixmapCache.cacheLimit() > kilobytes:
        QPixmapCache.setCacheLimit(kilobytes)
    return int(QPixmapCache.cacheLimit())


def limit_sqlite_heap(nbytes: int = SQLITE_HEAP_BYTES) -> int:
    """Ask the SQLite library to keep its memory, every connection's together, under
    ``nbytes`` from now on; returns the limit it took (0: none). The limit belongs to
    the library, not to a connection, so a private in-memory one sets it (PRAGMA
    soft_heap_limit). Not on the GUI thread: it imports sqlite3."""
    import sqlite3

    try:
        probe = sqlite3.connect(":memory:")
        try:
            probe.execute(f"PRAGMA soft_heap_limit = {int(nbytes)}")
            row = probe.execute("PRAGMA soft_heap_limit").fetchone()
            return int(row[0]) if row else 0
        finally:
            probe.close()
    except sqlite3.Error:   # an old or odd library: the desk opens all the same, with SQLite's own caches
        log.debug("SQLite's soft heap limit could not be set", exc_info=True)
        return 0


def _load_trim() -> Callable[[int], int] | None:
    import ctypes

    trim = _libc("malloc_trim")
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


class HeapTrimmer(QObject):
    """Trims the heap once a minute while there was work since the last trim."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS,
                 trim: Callable[[int], int] | None = None,
                 cpu_clock: Callable[[], float] = time.process_time) -> None:
        super().__init__(parent)
        self._trim = trim
        self._loaded = trim is not None
        self._cpu = cpu_clock
        self._cpu_at_last = -WORK_CPU_S   # the first tick trims what start-up freed
        self._running = threading.Lock()
        self.trims = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        if not self._loaded:
            self._trim, self._loaded = _load_trim(), True
            if self._trim is None:
                self._timer.stop()   # not glibc: nothing to do, ever
                return
        cpu = self._cpu()
        if self._trim is None or cpu - self._cpu_at_last < WORK_CPU_S:
            return
        if not self._running.acquire(blocking=False):
            return  # the last one is still at it
        self._cpu_at_last = cpu
        threading.Thread(target=self._run, name="desk-heap-trim", daemon=True).start()

    def _run(self) -> None:
        try:
            assert self._trim is not None
            self._trim(0)
            self.trims += 1
        except Exception:  # a failed trim costs nothing but the memory it would have freed
            log.debug("malloc_trim failed", exc_info=True)
        finally:
            self._running.release()
