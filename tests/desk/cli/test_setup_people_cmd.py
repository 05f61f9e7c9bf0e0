"""The command-line twins of Set-up's VIP, staff and major-rule sections: `desk vip policy
show|publish|history`, `desk vip list --csv`, `desk vip print`, `desk staff edit|team|
deactivate|reactivate|teams|new-team`, `desk major rule`; the real `main`, both engines."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests import factories
from tests.desk.cli.test_permissions import Desk


def _as(desk: Desk, name: str) -> str:
    """Who the CLI acts as: on SQLite the OS user's account; on PostgreSQL the test's
    login (the owner), whatever the OS user (staff logins: tests/desk/people)."""
    return name.title() if desk.db.dialect == "sqlite" else desk.admin.display_name


def _sqlite(desk: Desk) -> bool:
    return desk.db.dialect == "sqlite"


@pytest.fixture
def desk(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
         tmp_path: Path) -> Iterator[Desk]:
    d = Desk(db_url, monkeypatch, capsys, tmp_path)
    yield d
    d.db.dispose()


def test_policy_publish_show_and_history(desk: Desk) -> None:
    text = desk.tmp_path / "policy.txt"
    text.write_text("Officers named in the list: urgency up one level.\n\nImpact never changes.", encoding="utf-8")
    code, out, err = desk.run("sam", "vip", "policy", "publish", "--file", str(text), "--levels", "2")
    assert (code, err) == (0, "")
    assert out == "VIP policy v2 published; it raises urgency by 2 levels for a VIP caller.\n"
    code, out, _ = desk.run("casey", "vip", "policy", "show")
    assert code == 0 and out.startswith("VIP policy v2, published ") and f" by {_as(desk, 'sam')}; raises urgency by 2 levels." in out
    assert out.rstrip().endswith("Impact never changes.")
    assert desk.run("casey", "vip", "policy")[1] == out, "policy alone still shows the one in force"
    code, out, _ = desk.run("casey", "vip", "policy", "history")
    lines = out.splitlines()
    assert code == 0 and [line.split()[0] for line in lines] == ["v2", "v1"]
    assert _as(desk, "sam") in lines[0] and "Officers named in the list" in lines[0]
    data = json.loads(desk.run("casey", "vip", "policy", "history", "--json")[1])
    assert [(p["version"], p["urgency_levels_raised"]) for p in data] == [(2, 2), (1, 1)]
    if _sqlite(desk):
        code, out, err = desk.run("tess", "vip", "policy", "publish", "--file", str(text))
        assert code == 2 and out == "" and "may not grant or remove VIP status" in err
    code, _, err = desk.run("sam", "vip", "policy", "publish", "--file", str(desk.tmp_path / "missing.txt"))
    assert code == 2 and "Cannot read the policy text from" in err
    code, _, err = desk.run("sam", "vip", "policy", "publish", "--file", str(text), "--levels", "5")
    assert code == 2 and "invalid choice: 5" in err
    assert len(json.loads(desk.run("casey", "vip", "policy", "history", "--json")[1])) == 2


def test_list_as_csv_and_print_as_one_page_pdf(desk: Desk) -> None:
    uid = factories.person(desk.db, given="Grace", family="Hopper")
    code, _, err = desk.run("sam", "vip", "grant", uid, "--reason", "Provost (published VIP list 2026)",
                            "--office", "Office of the Provost")
    assert code == 0, err
    code, out, _ = desk.run("casey", "vip", "list", "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["University ID", "Name", "Office", "VIP since", "Granted by", "Reason"]
    assert rows[1][:3] == [uid, "Grace Hopper", "Office of the Provost"]
    assert rows[1][4:] == [_as(desk, "sam"), "Provost (published VIP list 2026)"]
    pdf = desk.tmp_path / "vip.pdf"
    code, out, err = desk.run("casey", "vip", "print", "--output", str(pdf))
    assert (code, err) == (0, "") and out == f"VIP policy v1 and a list of 1 VIP written to {pdf}\n"
    reader = PdfReader(pdf)
    text = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1 and "Grace Hopper" in text and "Office of the Provost" in text


def test_staff_edit_team_deactivate_and_reactivate(desk: Desk) -> None:
    code, out, err = desk.run("first-admin", "staff", "edit", "tess", "--name", "Tess Tech",
                              "--email", "tess@example.edu")
    assert code == 0 and out.startswith("tess ") and "Tess Tech" in out and "Technician" in out, err
    code, out, err = desk.run("first-admin", "staff", "new-team", "Night Desk", "--email", "night@example.edu")
    assert (code, out) == (0, "Team Night Desk created\n"), err
    code, out, _ = desk.run("first-admin", "staff", "team", "tess", "--join", "Night Desk", "--leave", "Service Desk")
    assert code == 0 and out.rstrip().endswith("Night Desk")
    assert "Night Desk                     night@example.edu                1 member" in \
        desk.run("casey", "staff", "teams")[1]
    code, out, err = desk.run("first-admin", "staff", "deactivate", "tess", "--reason", "Left")
    assert (code, out) == (0, "tess: deactivated\n"), err
    if _sqlite(desk):
        code, out, err = desk.run("tess", "ticket", "list")
        assert code == 2 and "The staff account tess is disabled." in err
    code, out, _ = desk.run("first-admin", "staff", "list")
    assert any(line.startswith("tess ") and line.endswith("(deactivated)") for line in out.splitlines())
    accounts = {a["username"]: a for a in json.loads(desk.run("first-admin", "staff", "list", "--json")[1])}
    assert accounts["tess"]["active"] is False and accounts["tess"]["roles"] == ["technician"]
    if _sqlite(desk):
        code, _, err = desk.run("sam", "staff", "reactivate", "tess", "--reason", "Back")
        assert code == 2 and "may not manage staff accounts" in err
    assert desk.run("first-admin", "staff", "reactivate", "tess", "--reason", "Back")[1] == "tess: reactivated\n"
    assert desk.run("tess", "ticket", "list")[0] == 0
    code, _, err = desk.run("first-admin", "staff", "edit", "tess", "--email", "nope")
    assert code == 2 and err == "desk: E-mail 'nope' is not a valid address.\n"


def test_major_rule_is_the_twin_of_the_rules_table(desk: Desk) -> None:
    code, out, err = desk.run("sam", "major", "rule", "--service", "Printing", "--threshold", "4")
    assert code == 0, err
    assert any(line.startswith("Printing") and "surge 4 within" in line for line in out.splitlines())
    assert [r.surge_threshold for r in desk.services.major.rules() if r.service == "Printing"] == [4]
    code, _, err = desk.run("sam", "major", "rules", "--threshold", "1")
    assert code == 2 and "surge threshold must be at least 2" in err
