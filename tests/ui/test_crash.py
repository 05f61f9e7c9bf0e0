"""The crash handler logs, names the log file and keeps the user's unsaved text."""
from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from ui import crash


def test_unexpected_error_keeps_unsaved_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    shown: list[str] = []
    crash.install(tmp_path / "desk.log", lambda: {"INC-000007": "half-written note"}, shown.append)
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert len(shown) == 1
    assert "RuntimeError: boom" in shown[0] and str(tmp_path / "desk.log") in shown[0]
    kept = list((tmp_path / "data" / "recovered").glob("unsaved-*.txt"))
    assert len(kept) == 1 and "half-written note" in kept[0].read_text(encoding="utf-8")
    assert str(kept[0]) in shown[0]


def test_a_worker_threads_error_reaches_the_user_on_the_gui_thread(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A message box or a widget touched from a worker thread can crash Qt itself."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    seen: list[tuple[str, bool]] = []

    def collect() -> dict[str, str]:
        seen.append(("collect", threading.current_thread() is threading.main_thread()))
        return {"INC-000008": "typed in a tab"}

    def show(message: str) -> None:
        seen.append(("show", threading.current_thread() is threading.main_thread()))

    crash.install(tmp_path / "desk.log", collect, show)

    def fail() -> None:
        raise RuntimeError("boom in a worker")

    worker = threading.Thread(target=fail)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=2000)
    assert seen == [("collect", True), ("show", True)]
