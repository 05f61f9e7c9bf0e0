"""The heap is handed back now and then, off the GUI thread, and not while idle (ui.heap_trim)."""
from __future__ import annotations

import threading

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
