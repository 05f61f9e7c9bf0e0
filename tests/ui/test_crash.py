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
