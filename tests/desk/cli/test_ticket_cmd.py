"""`desk ticket update | assign | comment | transition | resolve | reopen`, `ticket show --json`
with the repair and device, and global options after the command: the real `main`, on
SQLite and PostgreSQL, as each role would run it."""
from __future__ import annotations

import argparse
import io
import json
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, select

from db.models import JournalEntry
from desk.cli.main import _subparsers, build_parser, main
from desk.cli.output import local_time
from desk.people import staff as staff_module
from tests import dbtools
from tests.desk.cli.test_permissions import Desk


@pytest.fixture
def desk(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
         tmp_path: Path) -> Iterator[Desk]:
    d = Desk(db_url, monkeypatch, capsys, tmp_path)
    yield d
    d.db.dispose()


@pytest.fixture
def roles(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
          tmp_path: Path) -> Iterator[Desk]:
    """On SQLite the CLI acts as the OS user's account, so each role can be tried (on
    PostgreSQL it is the login's: tests/db/security covers the server's checks)."""
    d = Desk(sqlite_url, monkeypatch, capsys, tmp_path)
    yield d
    d.db.dispose()


def _me(d: Desk, os_user: str) -> str:
    """The display name the CLI acts under when ``os_user`` runs it (the login's on PostgreSQL)."""
    d.monkeypatch.setattr(staff_module, "os_user", lambda: os_user)
    return d.services.staff.resolve_actor().display_name


def _show(d: Desk, number: str) -> dict:
    code, out, err = d.run("tess", "ticket", "show", number, "--json")
    assert code == 0, err
    return json.loads(out)


def test_update_changes_fields_and_says_what_changed(desk: Desk) -> None:
    code, out, err = desk.run("casey", "ticket", "update", desk.incident, "--title", "Projector flickers",
                              "--impact", "High", "--urgency", "high", "--category", "Projectors")
    assert code == 0, err
    assert out.startswith(f"{desk.incident}: Title Projector dead → Projector flickers, Impact Low → High, "
                          "Urgency Medium → High, Priority P4 Low → P1 Critical")
    assert "Category — → Projectors" in out
    data = _show(desk, desk.incident)
    assert (data["title"], data["impact"], data["urgency"], data["priority"], data["category"]) == \
        ("Projector flickers", "high", "high", "P1", "Projectors")
    code, out, err = desk.run("casey", "ticket", "update", desk.incident)
    assert code == 2 and out == "" and err.startswith("desk: Nothing to change") and err.count("\n") == 1
    code, out, err = desk.run("casey", "ticket", "update", desk.incident, "--impact", "huge")
    assert code == 2 and "'huge' is not one of: high, medium, low" in err
    code, out, err = desk.run("casey", "ticket", "update", desk.incident, "--service", "Nope")
    assert code == 2 and "No service called 'Nope'" in err


def test_assign_to_a_team_a_person_or_me(roles: Desk) -> None:
    desk = roles
    code, out, err = desk.run("tess", "ticket", "assign", desk.incident, "--team", "Service Desk")
    assert code == 0, err
    assert out.strip() == f"{desk.incident}: Status New → Assigned, Team Desktop Support → Service Desk"
    code, out, err = desk.run("tess", "ticket", "assign", desk.incident, "--me")
    assert code == 0 and "Assignee — → Tess" in out, err
    code, out, err = desk.run("sam", "ticket", "assign", desk.incident, "--to", "casey", "--json")
    assert code == 0 and json.loads(out)["assignee"] == "Casey", err
    code, _, err = desk.run("tess", "ticket", "assign", desk.incident, "--to", "casey", "--me")
    assert code == 2 and "not allowed with argument" in err
    code, _, err = desk.run("tess", "ticket", "assign", desk.incident)
    assert code == 2 and err.startswith("desk: Say who:")


def test_a_counter_account_may_not_assign_or_resolve(roles: Desk) -> None:
    desk = roles
    before = _show(desk, desk.incident)
    for argv in (["ticket", "assign", desk.incident, "--me"],
                 ["ticket", "resolve", desk.incident, "--code", "fixed", "--note", "done"]):
        code, out, err = desk.run("casey", *argv)
        assert code == 2 and out == "", argv
        assert err.startswith("desk: Casey (counter) may not ") and err.count("\n") == 1, (argv, err)
    assert _show(desk, desk.incident)["version"] == before["version"]
    code, _, err = desk.run("stranger", "ticket", "comment", desk.incident, "hello")
    assert code == 2 and "has no Desk staff account" in err


def test_comment_public_or_internal(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = desk.run("casey", "ticket", "comment", desk.incident, "We are on it.")
    assert code == 0 and out.strip() == f"{desk.incident}: comment added", err
    monkeypatch.setattr("sys.stdin", io.StringIO("Lamp hours 4,980."))
    code, out, err = desk.run("tess", "ticket", "comment", desk.incident, "-", "--internal")
    assert code == 0 and out.strip() == f"{desk.incident}: work note added", err
    with desk.db.reading() as s:
        rows = s.execute(select(JournalEntry.kind, JournalEntry.body).order_by(JournalEntry.id)).all()
    assert [(k.value, b) for k, b in rows] == [("public", "We are on it."), ("internal", "Lamp hours 4,980.")]
    code, _, err = desk.run("casey", "ticket", "comment", desk.incident, "   ")
    assert code == 2 and err.count("\n") == 1 and "omment" in err


def test_transition_accepts_values_hyphens_and_words(desk: Desk) -> None:
    code, out, err = desk.run("tess", "ticket", "transition", desk.incident, "in-progress")
    tess = _me(desk, "tess")
    assert code == 0 and out.strip() == f"{desk.incident}: Status New → In progress, Assignee — → {tess}", err
    code, out, err = desk.run("tess", "ticket", "transition", desk.incident, "Pending (customer)")
    assert code == 0 and "Status In progress → Pending (customer)" in out, err
    code, out, err = desk.run("tess", "ticket", "transition", desk.incident, "IN_PROGRESS")
    assert code == 0 and "Status Pending (customer) → In progress" in out, err
    code, _, err = desk.run("tess", "ticket", "transition", desk.incident, "done")
    assert code == 2 and "'done' is not one of: new, assigned, in-progress" in err
    code, _, err = desk.run("tess", "ticket", "transition", desk.incident, "closed")
    assert code == 2 and err.startswith("desk: ") and err.count("\n") == 1 and "Closed" in err
    code, _, err = desk.run("tess", "ticket", "transition", desk.incident, "resolved")
    assert code == 2 and "desk ticket resolve NUMBER --code CODE --note TEXT" in err
    code, out, err = desk.run("tess", "ticket", "list", "--status", "in-progress", "--json")
    assert code == 0 and [r["number"] for r in json.loads(out)] == [desk.incident], err


def test_resolve_needs_work_started_and_a_known_code(desk: Desk) -> None:
    code, _, err = desk.run("tess", "ticket", "reopen", desk.incident, "--reason", "still broken")
    assert code == 2 and err == f"desk: {desk.incident} is New; only a resolved ticket can be reopened.\n"
    code, out, err = desk.run("tess", "ticket", "resolve", desk.incident, "--code", "fixed", "--note", "x")
    assert code == 2 and out == "" and err.startswith("desk: ") and err.count("\n") == 1
    assert _show(desk, desk.incident)["status"] == "new"
    code, _, err = desk.run("tess", "ticket", "resolve", desk.incident, "--code", "magic", "--note", "x")
    assert code == 2 and "'magic' is not one of: fixed, workaround" in err


def test_resolve_and_reopen_after_work(desk: Desk) -> None:
    assert desk.run("tess", "ticket", "transition", desk.incident, "in progress")[0] == 0
    code, out, err = desk.run("tess", "ticket", "resolve", desk.incident, "--code", "User education",
                              "--note", "Showed the input button.")
    assert code == 0 and out.strip() == (f"{desk.incident}: Status In progress → Resolved, "
                                         "Resolution code — → User education"), err
    data = _show(desk, desk.incident)
    assert (data["status"], data["resolution_code"], data["resolution_note"]) == \
        ("resolved", "user_education", "Showed the input button.")
    code, _, err = desk.run("tess", "ticket", "reopen", desk.incident, "--reason", " ")
    assert code == 2 and "A reason is required for reopening." in err
    code, out, err = desk.run("tess", "ticket", "reopen", desk.incident, "--reason", "Still no picture")
    assert code == 0 and out.strip() == f"{desk.incident}: Status Resolved → In progress", err
    code, _, err = desk.run("tess", "ticket", "reopen", desk.incident)
    assert code == 2 and "--reason" in err


def test_show_json_has_the_repair_and_device_and_stays_utc(desk: Desk) -> None:
    data = _show(desk, desk.repair)
    assert data["repair"]["number"] == desk.repair and data["repair"]["symptoms"]
    assert data["device"]["asset_tag"] == "NU-104233" and data["device"]["serial"] == "5CG1234XYZ"
    assert [r["number"] for r in data["device"]["repairs"]] == [desk.repair]
    assert all("png" not in s for s in data["repair"]["signatures"]) and data["repair"]["signatures"]
    assert data["opened_at"].endswith("+00:00") and data["repair"]["intake_at"].endswith("+00:00")
    plain = _show(desk, desk.incident)
    assert plain["repair"] is None and plain["device"] is None


def test_human_times_are_in_the_desks_zone(desk: Desk) -> None:
    v = desk.services.incidents.get(desk.incident)
    code, out, _ = desk.run("casey", "ticket", "show", desk.incident)
    assert code == 0 and f"Opened          {local_time(v.opened_at, desk.services.site)}" in out
    assert desk.services.site.zone.utcoffset(v.opened_at.replace(tzinfo=None)) is not None


def test_global_options_after_the_command(desk: Desk, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff_module, "os_user", lambda: "tess")
    assert main(["ticket", "show", desk.incident, "--json", "--database", desk.url, "-q"]) == 0
    assert json.loads(capsys.readouterr().out)["number"] == desk.incident
    assert main(["ticket", "show", "INC-999999", "--debug", "--database", desk.url]) == 2
    assert "Traceback" in capsys.readouterr().err  # --debug after the command took effect
    assert main(["db", "current", "--database", desk.url]) == 0
    assert "up to date" in capsys.readouterr().out


def test_every_option_has_help() -> None:
    missing = []
    for p in _subparsers(build_parser()):
        for a in p._actions:
            if a.help is None and not isinstance(a, argparse._SubParsersAction):
                missing.append(f"{p.prog} {'/'.join(a.option_strings) or a.dest}")
    assert missing == []


def test_an_empty_postgres_database_names_a_command_that_works(
        postgres_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    # The fixture's database is migrated; a fresh one next to it is empty.
    name = f"{make_url(postgres_url).database}_empty"
    dbtools.pg_create(name)
    try:
        url = dbtools.pg_url(name)
        assert main(["--database", url, "ticket", "list"]) == 1
        err = capsys.readouterr().err
        assert "The database has no Desk schema yet. Run: desk --database '" in err, err
        hint = shlex.split(err.split("Run: ", 1)[1])
        assert hint[:2] == ["desk", "--database"] and hint[3:] == ["db", "upgrade"]
        # The URL shown hides nothing here (trust login): the hint runs as printed…
        assert main(hint[1:]) == 0, capsys.readouterr().err
        # …and so does the order people type from habit.
        assert main(["db", "current", "--database", url]) == 0
        assert "up to date" in capsys.readouterr().out
    finally:
        dbtools.pg_drop(name)
