"""The `desk` command itself: no command opens the window at once; a closed pipe is no error."""
from __future__ import annotations

import pytest


def test_no_command_starts_the_window_without_building_the_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """``desk`` and ``desk --database URL --debug`` open the window at once; a command,
    --help or a mistake still goes through the whole parser."""
    from desk.cli import main as cli

    assert cli.window_only([]) is not None
    args = cli.window_only(["--database", "sqlite:////tmp/x.sqlite3", "--debug", "-q"])
    assert args is not None and (args.database, args.debug, args.quiet, args.command) == (
        "sqlite:////tmp/x.sqlite3", True, True, None)
    assert cli.window_only(["--database=sqlite:////tmp/y.sqlite3"]).database == "sqlite:////tmp/y.sqlite3"  # type: ignore[union-attr]
    for other in (["sla", "list"], ["--help"], ["--database"], ["--database", "--debug"], ["--nope"]):
        assert cli.window_only(other) is None, other

    started: list[list[str]] = []
    monkeypatch.setattr(cli, "build_parser", lambda: (_ for _ in ()).throw(AssertionError("parser built")))
    monkeypatch.setattr(cli, "launch_gui", lambda argv: started.append(list(argv)) or 0)
    assert cli.main(["--database", "sqlite:////tmp/x.sqlite3"]) == 0
    assert started == [["--database", "sqlite:////tmp/x.sqlite3"]]


def test_a_reader_that_stops_early_is_no_error(sqlite_url: str) -> None:
    """``desk … | head -1``: the pipe closing is the reader's choice, not a failure. The
    reader here (``true``) is gone before Desk writes a line, so every write meets a
    closed pipe."""
    import subprocess
    import sys
    from pathlib import Path

    desk = str(Path(sys.executable).with_name("desk"))
    done = subprocess.run(f"'{desk}' --database '{sqlite_url}' calendar show service-desk --from 2027-01-01 "
                          "--to 2027-12-31 | true; echo \"rc=${PIPESTATUS[0]}\"", shell=True, executable="/bin/bash",
                          capture_output=True, text=True, timeout=120)
    assert "BrokenPipe" not in done.stderr and "unexpected error" not in done.stderr, done.stderr
    assert done.stdout.strip() == "rc=0"
