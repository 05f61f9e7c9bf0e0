"""The window's logging: the console keeps to --quiet, the log file never shows a password."""
from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import qInstallMessageHandler

from ui.app import setup_logging


@pytest.fixture
def root_logging() -> Iterator[logging.Logger]:
    """setup_logging changes the root logger and Qt's message handler: put both back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {h: h.level for h in handlers}
    qt_previous = qInstallMessageHandler(None)
    try:
        yield root
    finally:
        for h in root.handlers:
            if h not in handlers:
                root.removeHandler(h)
                h.close()
        for h, lvl in levels.items():
            h.setLevel(lvl)
        root.setLevel(level)
        qInstallMessageHandler(qt_previous)


def test_window_logging_keeps_quiet_and_masks_passwords(root_logging: logging.Logger) -> None:
    console_out = io.StringIO()
    console = logging.StreamHandler(console_out)
    console.setLevel(logging.ERROR)  # what `desk --quiet` set up before launching the window
    root_logging.addHandler(console)
    try:
        secrets = ["p%40ss%word"]
        log_file = setup_logging(False, secrets)
        assert console.level == logging.ERROR
        log = logging.getLogger("desk.test")
        log.warning("keyring unavailable")
        log.error("cannot reach postgresql://alice:s3cret@db.example.edu/desk; the server said %s",
                  "p%40ss%word is wrong")
        for h in root_logging.handlers:
            h.flush()
        assert "keyring unavailable" not in console_out.getvalue()
        text = log_file.read_text(encoding="utf-8")
        assert "keyring unavailable" in text and "alice:***@db.example.edu" in text
        assert "s3cret" not in text and "p%40ss" not in text
        assert Path(os.environ["DESK_LOG_DIR"]) in log_file.parents
    finally:
        root_logging.removeHandler(console)
