"""`desk service …`, `desk sla create | assign | versions`: what a supervisor types, exit
codes, one-line errors."""
from __future__ import annotations

import json

import pytest

from desk.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_service_with_its_own_sla_from_the_command_line(sqlite_url: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    db = ("--database", sqlite_url)
    code, out, err = run(capsys, *db, "sla", "create", "Labs", "--copy-from", "standard", "--calendar", "24x7")
    assert code == 0, err
    assert out.startswith("Labs v1: copy of standard on 24x7")
    code, out, _ = run(capsys, *db, "sla", "set-target", "Labs", "P3", "--resolution", "1bd")
    assert code == 0 and "Labs v2" in out
    code, out, err = run(capsys, *db, "service", "add", "Teaching Labs", "--description", "PC labs",
                         "--sla", "Labs", "--team", "Service Desk")
    assert code == 0, err
    assert "Teaching Labs" in out and "SLA Labs" in out and "team Service Desk" in out
    code, out, _ = run(capsys, *db, "service", "set", "Teaching Labs", "--rename", "PC Labs", "--team", "",
                       "--categories", "Lab PCs, Printers")
    assert code == 0 and out.startswith("PC Labs") and "team —" in out and "categories: Lab PCs, Printers" in out
    code, out, _ = run(capsys, *db, "sla", "assign", "Printing", "Labs")
    assert code == 0 and out.startswith("Printing: SLA Labs for tickets opened from now on")
    code, out, _ = run(capsys, *db, "service", "retire", "PC Labs", "--reason", "closed for works")
    assert code == 0 and "Retired" in out and "(retired)" in out
    code, out, _ = run(capsys, *db, "service", "list", "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["PC Labs"]["active"] is False and rows["Printing"]["sla"] == "Labs"
    assert rows["PC Labs"]["categories"] == ["Lab PCs", "Printers"]
    code, out, _ = run(capsys, *db, "service", "list", "--active")
    assert "PC Labs" not in out and "Printing" in out
    code, out, _ = run(capsys, *db, "service", "set", "PC Labs", "--active")
    assert code == 0 and "(retired)" not in out
    code, out, _ = run(capsys, *db, "sla", "versions", "Labs")
    assert code == 0 and out.splitlines()[0].startswith("v1  from the start") and "P3: response 4h, resolution 1bd" in out


def test_bad_input_is_one_line_and_exit_code_2(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = ("--database", sqlite_url)
    code, _, err = run(capsys, *db, "service", "add", "Printing")
    assert code == 2 and err.strip() == "desk: A service called 'Printing' exists already."
    code, _, err = run(capsys, *db, "service", "add", "Gold desk", "--sla", "gold")
    assert code == 2 and "No SLA called 'gold' (SLAs: standard)" in err
    code, _, err = run(capsys, *db, "sla", "create", "Copy", "--copy-from", "nothing")
    assert code == 2 and "No SLA called 'nothing'" in err
    code, _, err = run(capsys, *db, "sla", "assign", "Nowhere", "standard")
    assert code == 2 and "No service called 'Nowhere'" in err
    code, _, err = run(capsys, *db, "service", "set", "Printing")
    assert code == 2 and "Give --rename" in err
    code, _, err = run(capsys, *db, "sla", "set-target", "standard", "P3", "--response", "4x")
    assert code == 2 and err.strip() == "desk: P3 Response '4x' is not a duration like 15m, 4h, 1h30m or 3bd."
