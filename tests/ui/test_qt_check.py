"""A missing system library is named with the package that provides it."""
from __future__ import annotations

import pytest

from ui import qt_check


def test_missing_xcb_cursor_is_named_with_its_package(monkeypatch: pytest.MonkeyPatch) -> None:
    real = qt_check.ctypes.CDLL

    def fake_cdll(name: str, *args: object, **kwargs: object) -> object:
        if name == "libxcb-cursor.so.0":
            raise OSError(f"{name}: cannot open shared object file")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(qt_check.ctypes, "CDLL", fake_cdll)
    missing = qt_check.missing_libraries("xcb")
    assert missing == {"libxcb-cursor.so.0": "libxcb-cursor0"}
    text = qt_check.explain(missing)
    assert "libxcb-cursor.so.0" in text and "sudo apt-get install -y libxcb-cursor0" in text
    # Offscreen (tests, CI) needs no X libraries.
    assert qt_check.missing_libraries("offscreen") == {}


def test_no_display_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert qt_check.no_display()
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert not qt_check.no_display()
