"""The heap is handed back now and then, off the GUI thread, and not while idle (ui.heap_trim)."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from ui.heap_trim import WORK_CPU_S, HeapTrimmer, _load_trim


def test_trims_on_its_own_thread_after_work_and_not_while_idle(qtbot: QtBot) -> None:
    calls: list[tuple[int, str]] = []
    cpu = [0.0]

    def trim(pad: int) -> int:
        calls.append((pad, threading.current_thread().name))
        return 1

    owner = QObject()
    trimmer = HeapTrimmer(owner, interval_ms=20, trim=trim, cpu_clock=lambda: cpu[0])
    qtbot.waitUntil(lambda: trimmer.trims == 1, timeout=3000)      # the first tick: start-up's frees
    assert calls == [(0, "desk-heap-trim")]
    qtbot.wait(200)                                                 # idle: no CPU used since
    assert trimmer.trims == 1
    cpu[0] += WORK_CPU_S + 0.1                                      # work was done
    qtbot.waitUntil(lambda: trimmer.trims == 2, timeout=3000)
    assert len(calls) == 2


def test_a_failing_trim_is_harmless_and_the_next_one_runs(qtbot: QtBot) -> None:
    cpu = [0.0]
    outcomes: list[str] = []

    def trim(_pad: int) -> int:
        if not outcomes:
            outcomes.append("failed")
            raise OSError("no")
        outcomes.append("trimmed")
        return 1

    owner = QObject()   # the trimmer lives as long as its owner (the window)
    trimmer = HeapTrimmer(owner, interval_ms=20, trim=trim, cpu_clock=lambda: cpu[0])
    qtbot.waitUntil(lambda: outcomes == ["failed"], timeout=3000)
    cpu[0] += 1.0
    qtbot.waitUntil(lambda: outcomes == ["failed", "trimmed"], timeout=3000)
    assert trimmer.trims == 1


def test_glibc_gives_the_real_function() -> None:
    trim = _load_trim()
    assert trim is not None        # Desk's Linux machines run glibc
    assert trim(0) in (0, 1)


def test_glibc_takes_the_arena_limit() -> None:
    from ui.heap_trim import ARENAS, limit_arenas

    assert limit_arenas(ARENAS)      # mallopt accepted it (the window calls it at start)


def test_sqlite_keeps_every_connection_s_memory_under_the_limit(tmp_path: Path) -> None:
    # The limit is the library's, for the whole process: a child runs it, so the rest of
    # the suite keeps SQLite's defaults. Two connections read a 24 MB table through
    # caches that would each hold all of it; together they stay near the limit.
    import subprocess
    import sys

    code = f"""
import ctypes, sqlite3, sys, _sqlite3
from ui.heap_trim import limit_sqlite_heap
if sys.argv[1] == "limited":
    assert limit_sqlite_heap(2 << 20) == 2 << 20
path = {str(tmp_path / "big.sqlite3")!r}
with sqlite3.connect(path) as c:
    c.execute("CREATE TABLE IF NOT EXISTS t (x BLOB)")
    if not c.execute("SELECT count(*) FROM t").fetchone()[0]:
        c.executemany("INSERT INTO t VALUES (randomblob(1000))", [()] * 24_000)
readers = [sqlite3.connect(path) for _ in range(2)]
for r in readers:
    r.execute("PRAGMA cache_size = -64000")
    assert r.execute("SELECT sum(length(x)) FROM t").fetchone()[0] == 24_000_000
lib = ctypes.CDLL(_sqlite3.__file__)
lib.sqlite3_memory_used.restype = ctypes.c_int64
print(lib.sqlite3_memory_used())
"""
    root = Path(__file__).resolve().parents[2]
    used: dict[str, int] = {}
    for mode in ("unlimited", "limited"):
        out = subprocess.run([sys.executable, "-c", code, mode], capture_output=True, text=True, cwd=root,
                             timeout=120)
        assert out.returncode == 0, out.stderr
        used[mode] = int(out.stdout.split()[-1])
    assert used["unlimited"] > 40 << 20          # both caches filled: the test can tell
    assert used["limited"] < 4 << 20, used


def test_the_window_keeps_qt_s_pixmap_cache_to_its_share(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtGui import QPixmap, QPixmapCache

    from ui.heap_trim import PIXMAP_CACHE_KB
    from ui.main_window import MainWindow
    from ui.settings import Settings

    before = QPixmapCache.cacheLimit()
    try:
        QPixmapCache.setCacheLimit(10 * 1024)          # Qt's own default
        window = MainWindow(settings=Settings(tmp_path / "desk.ini"))
        qtbot.addWidget(window)
        assert QPixmapCache.cacheLimit() == PIXMAP_CACHE_KB
        # What the style puts in past the limit pushes the oldest out: 6 MB in, the
        # first of it gone, the last kept.
        side = 512                                      # 512 x 512 x 4 bytes: 1 MB each
        for k in range(6):
            QPixmapCache.insert(f"desk-test-{k}", QPixmap(side, side))
        assert not QPixmapCache.find("desk-test-0", QPixmap())
        assert QPixmapCache.find("desk-test-5", QPixmap())
    finally:
        QPixmapCache.clear()
        QPixmapCache.setCacheLimit(before)


MAPPED_CHECK = """
import ctypes, sys
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                "fsmblks", "uordblks", "fordblks", "keepcost")]
libc.mallinfo2.restype = Info
if sys.argv[1] == "limited":
    from ui.heap_trim import limit_arenas
    limit_arenas()
libc.free(libc.malloc(8 << 20))   # glibc raises its own threshold past a freed 8 MB block
before = libc.mallinfo2().hblkhd
block = libc.malloc(1 << 20)
print(libc.mallinfo2().hblkhd - before)
libc.free(block)
"""


@pytest.mark.parametrize("limited", [False, True])
def test_large_blocks_are_mapped_apart_once_the_window_set_its_threshold(limited: bool) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", MAPPED_CHECK, "limited" if limited else "glibc"],
                          capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    mapped = int(done.stdout.strip())
    # glibc's own threshold has risen past 1 MB, so the block comes from the arena; with
    # the window's fixed threshold it is a mapping of its own, unmapped when freed.
    assert (mapped >= 1 << 20) if limited else (mapped == 0), mapped
