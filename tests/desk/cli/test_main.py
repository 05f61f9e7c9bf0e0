"""The `desk` command line: exit codes, one-line errors, JSON for scripts; no command opens the
window at once; a closed pipe is no error."""
from __future__ import annotations

import json

import pytest

from db.engine import Database
from desk.cli.main import main
from tests import factories


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ticket_new_show_list_json(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--database", db_url, "ticket", "new", "--title", "Beamer kaputt — Hörsaal 2",
                       "--service", "Classroom Technology", "--impact", "medium", "--urgency", "high")
    assert code == 0 and out.strip() == "INC-000001"
    code, out, _ = run(capsys, "--database", db_url, "ticket", "show", "inc-1", "--json")
    data = json.loads(out)
    assert code == 0 and data["number"] == "INC-000001" and data["priority"] == "P2"
    assert data["title"] == "Beamer kaputt — Hörsaal 2"
    code, out, _ = run(capsys, "--database", db_url, "ticket", "list", "--json", "--search", "hörsaal")
    rows = json.loads(out)
    assert code == 0 and [r["number"] for r in rows] == ["INC-000001"]
    for key in ("number", "title", "status", "priority", "caller", "service", "team", "assignee", "opened", "updated"):
        assert key in rows[0]


def test_errors_are_one_line_with_exit_codes(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--database", db_url, "ticket", "show", "INC-999999")
    assert code == 2 and err.strip() == "desk: No incident 'INC-999999'." and "Traceback" not in err
    code, _, err = run(capsys, "--database", db_url, "ticket", "new", "--title", "x", "--service", "Nope")
    assert code == 2 and err.count("\n") == 1 and "No service called 'Nope'" in err
    code, _, err = run(capsys, "--database", db_url, "ticket", "list", "--limit", "0")
    assert code == 2 and "--limit" in err


def test_unreachable_database_is_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--database", "postgresql://nobody@127.0.0.1:1/desk", "ticket", "list")
    assert code == 1 and err.startswith("desk: Cannot connect to postgresql://nobody@127.0.0.1:1/desk")
    assert err.count("\n") == 1


def test_local_default_database_is_created_and_migrated(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "staff", "whoami")
    assert code == 0 and "admin" in out and "local SQLite" in out
    code, out, _ = run(capsys, "db", "current")
    assert code == 0 and "up to date" in out


def test_vip_grant_and_revoke_print_the_policy_version(db_url: str, database: Database,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # `vip grant` used to grant, then fail printing its confirmation (VipView has no `version`).
    uid = factories.person(database, given="Grace", family="Hopper")
    code, out, err = run(capsys, "--database", db_url, "vip", "grant", uid, "--reason", "Provost",
                         "--office", "Provost")
    assert code == 0, err
    assert out.strip().startswith(f"{uid} ") and "VIP (policy v1)" in out
    code, out, err = run(capsys, "--database", db_url, "vip", "revoke", uid, "--reason", "term ended")
    assert code == 0 and out.strip().endswith("VIP removed"), err


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
