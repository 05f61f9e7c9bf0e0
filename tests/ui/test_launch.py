"""The installed ``desk`` command opens the window without looking it up as an entry point
(importlib.metadata costs about 30 ms of start-up), and runs commands without Qt."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ui import launch

PROBE = """
import sys
from ui import launch
def window(argv):
    print("window", argv, "importlib.metadata" in sys.modules, "PySide6" in sys.modules)
    return 7
launch._window = window
sys.exit(launch.main(sys.argv[1:]))
"""


def test_no_command_opens_the_window_handed_in_without_importlib_metadata() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, "--database", "sqlite:////tmp/none.sqlite3"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 7, done.stderr
    assert done.stdout.split() == ["window", "['--database',", "'sqlite:////tmp/none.sqlite3']", "False", "False"]


def test_a_command_goes_to_the_cli_and_never_opens_the_window(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(launch, "_window", lambda argv: pytest.fail(f"window opened for {argv}"))
    assert launch.main(["--nope"]) == 2             # a mistake: the parser's usage error
    assert "unrecognized arguments: --nope" in capsys.readouterr().err
    assert launch.main(["--help"]) == 0
    assert "COMMAND" in capsys.readouterr().out


def test_the_installed_command_is_the_launcher() -> None:
    script = Path(sys.executable).with_name("desk").read_text(encoding="utf-8")
    assert "ui.launch" in script
