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


def _libx11() -> bool:
    try:
        qt_check.ctypes.CDLL("libX11.so.6")
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _libx11(), reason="needs libX11 to try the display")
def test_an_unreachable_display_is_one_line_not_an_abort(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=":999", HOME=str(tmp_path), DESK_DATA_DIR=str(tmp_path / "data"),
               DESK_CONFIG_DIR=str(tmp_path / "config"), DESK_LOG_DIR=str(tmp_path / "log"))
    done = subprocess.run([sys.executable, "-c", "import sys; from ui.app import run; sys.exit(run(['desk']))"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and ":999" in lines[0] and "xvfb-run" in lines[0], done.stderr
    assert "libxcb-cursor" not in done.stderr


def test_the_display_is_not_tried_when_qt_will_not_use_x(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":999")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert qt_check.unreachable_display() is None
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert qt_check.unreachable_display() is None
