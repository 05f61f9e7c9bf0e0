"""`desk problem list | show | new | link | unlink | transition`: the real `main`, on SQLite
and PostgreSQL; the counter role's refusal on SQLite (where the CLI acts as the OS user)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desk.cli.output import local_time
from tests.desk.cli.test_permissions import Desk


@pytest.fixture
def desk(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
         tmp_path: Path) -> Iterator[Desk]:
    d = Desk(db_url, monkeypatch, capsys, tmp_path)
    yield d
    d.db.dispose()


def test_a_problem_from_open_to_known_error(desk: Desk) -> None:
    code, out, err = desk.run("tess", "problem", "new", "--from", desk.incident, "--incident", desk.repair)
    assert code == 0, err
    number = out.strip()
    assert number.startswith("PRB-")
    code, out, err = desk.run("tess", "problem", "show", number)
    assert code == 0, err
    assert "Title       Projector dead" in out and "Status      New" in out
    assert "Service     Classroom Technology" in out and "Incidents   2 incidents" in out
    opened = desk.services.problems.get(number).opened_at
    assert f"Opened      {local_time(opened, desk.services.site)}" in out
    assert f"  {desk.incident}  P4  New" in out
    code, out, err = desk.run("tess", "problem", "unlink", number, desk.repair)
    assert code == 0 and out.strip() == f"{number}: 1 incident linked ({desk.incident})", err
    code, out, err = desk.run("tess", "problem", "link", number, desk.repair)
    assert code == 0 and out.strip() == f"{number}: 2 incidents linked ({desk.incident}, {desk.repair})", err
    assert desk.run("tess", "problem", "transition", number, "investigating")[1].strip() == \
        f"{number}: Status New → Investigating"
    code, _, err = desk.run("tess", "problem", "transition", number, "known-error")
    assert code == 2 and err == "desk: A known error needs its root cause and a workaround documented.\n"
    code, out, err = desk.run("tess", "problem", "transition", number, "Known error", "--root-cause",
                              "Lamp at end of life", "--workaround", "Use the spare projector")
    assert code == 0 and out.strip() == f"{number}: Status Investigating → Known error", err
    code, out, _ = desk.run("tess", "problem", "list", "--scope", "known-error", "--json")
    rows = json.loads(out)
    assert [(r["number"], r["status"], r["incidents"]) for r in rows] == [(number, "known_error", 2)]
    assert rows[0]["updated_at"].endswith("+00:00")
    code, out, _ = desk.run("tess", "problem", "show", number, "--json")
    data = json.loads(out)
    assert data["root_cause"] == "Lamp at end of life"
    assert sorted(i["number"] for i in data["incidents"]) == sorted([desk.incident, desk.repair])
    code, out, _ = desk.run("tess", "problem", "list")  # a known error is still open
    assert code == 0 and out.startswith(f"{number}  Known error   2 incidents")
    assert desk.run("tess", "problem", "transition", number, "resolved")[0] == 0
    assert desk.run("tess", "problem", "list")[1] == "No problems.\n"
    assert desk.run("tess", "problem", "list", "--scope", "all")[1].startswith(f"{number}  Resolved")


def test_problem_new_needs_a_title_and_bad_words_are_refused(desk: Desk) -> None:
    code, out, err = desk.run("tess", "problem", "new")
    assert code == 2 and out == "" and err.startswith("desk: A problem needs a --title")
    code, out, err = desk.run("tess", "problem", "new", "--title", "Wi-Fi drops in the library",
                              "--service", "Nope")
    assert code == 2 and "No service called 'Nope'" in err
    code, out, err = desk.run("tess", "problem", "new", "--title", "Wi-Fi drops", "--json")
    number = json.loads(out)["number"]
    code, _, err = desk.run("tess", "problem", "transition", number, "solved")
    assert code == 2 and "'solved' is not one of: new, investigating, known-error" in err
    code, _, err = desk.run("tess", "problem", "show", "PRB-999999")
    assert code == 2 and err.count("\n") == 1


def test_counter_staff_read_problems_but_do_not_open_them(sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path) -> None:
    d = Desk(sqlite_url, monkeypatch, capsys, tmp_path)
    try:
        code, out, err = d.run("casey", "problem", "new", "--title", "Printer queue stuck")
        assert code == 2 and out == "" and err.startswith("desk: Casey (counter) may not ")
        assert err.count("\n") == 1
        code, out, err = d.run("casey", "problem", "list", "--scope", "all")
        assert code == 0 and out == "No problems.\n", err
    finally:
        d.db.dispose()
