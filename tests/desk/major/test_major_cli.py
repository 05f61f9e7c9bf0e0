"""`desk major …` end to end on both engines: page, proposals, confirm, update, resolve, report."""
from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest

from db.engine import Database
from desk.bootstrap import Services
from desk.cli.main import main
from desk.incidents.service import NewIncident


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_major_commands(db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    d = ("--database", db_url)
    code, out, _ = run(capsys, *d, "major", "page", "--service", "Email & Calendar", "--summary", "IMAP down",
                       "--source", "zabbix")
    assert code == 0 and out.strip() == "opened INC-000001"
    code, out, _ = run(capsys, *d, "major", "page", "--service", "Email & Calendar", "--summary", "IMAP still down",
                       "--source", "zabbix")
    assert code == 0 and out.strip() == "appended to INC-000001"
    code, _, err = run(capsys, *d, "major", "page", "--service", "Nope", "--summary", "x")
    assert code == 2 and "No service called 'Nope'" in err and err.count("\n") == 1

    # A surge on Printing (real clock: the CLI looks at the last 24 hours).
    db = Database.connect(db_url)
    try:
        svc = Services.over(db)
        actor = svc.staff.resolve_actor()
        for i in range(10):
            svc.incidents.open(actor, NewIncident(title=f"Cannot print ({i})", service="Printing"))
    finally:
        db.dispose()
    code, out, _ = run(capsys, *d, "major", "proposals", "--json")
    (p,) = json.loads(out)
    assert code == 0 and (p["kind"], p["service"], p["count"], p["threshold"]) == ("open", "Printing", 10, 10)
    code, out, _ = run(capsys, *d, "major", "confirm", "Printing")
    assert code == 0 and out.strip() == "INC-000002: 9 linked"
    code, out, _ = run(capsys, *d, "major", "proposals")
    assert out.strip() == "No proposals."

    code, out, _ = run(capsys, *d, "major", "update", "INC-2", "--text", "Print server restarted", "--next", "20")
    assert code == 0 and out.startswith("INC-000002: next update due")
    code, out, _ = run(capsys, *d, "major", "list", "--json")
    assert [r["number"] for r in json.loads(out)] == ["INC-000001", "INC-000002"]
    code, out, _ = run(capsys, *d, "major", "show", "INC-000002", "--json")
    shown = json.loads(out)
    assert len(shown["children"]) == 9 and shown["comms"][-1]["body"] == "Print server restarted"

    code, _, err = run(capsys, *d, "major", "resolve", "INC-2", "--code", "fixed", "--note", "Spooler fixed")
    assert code == 2 and "Cannot move from New to Resolved" in err
    db = Database.connect(db_url)
    try:
        svc = Services.over(db)
        svc.incidents.transition(svc.staff.resolve_actor(), "INC-000002", "in_progress")
    finally:
        db.dispose()
    code, out, _ = run(capsys, *d, "major", "resolve", "INC-2", "--code", "fixed", "--note", "Spooler fixed")
    assert code == 0 and "children resolved: 0, not resolved: 9" in out  # New children are reported, not forced

    code, out, _ = run(capsys, *d, "major", "problem", "INC-2")
    assert code == 0 and out.strip().startswith("PRB-")
    pdf = tmp_path / "pir.pdf"
    code, out, _ = run(capsys, *d, "major", "report", "INC-2", "--out", str(pdf))
    assert code == 0 and out.strip() == str(pdf)
    text = "\n".join(pg.extract_text() for pg in pypdf.PdfReader(pdf).pages)
    assert "Post-incident report INC-000002" in text and "Spooler fixed" in text
    code, _, err = run(capsys, *d, "major", "report", "INC-2", "--out", str(tmp_path / "pir.txt"))
    assert code == 2 and "should end in .pdf" in err

    code, _, err = run(capsys, *d, "major", "dismiss", "Printing", "--reason", "x")
    assert code == 2 and "no current proposal for Printing" in err
    code, out, _ = run(capsys, *d, "major", "rules", "--service", "Printing", "--threshold", "4", "--window", "15")
    assert code == 0 and "Printing" in out and "surge 4 within 15 min" in out and "(default)" in out
    code, _, err = run(capsys, *d, "major", "rules", "--threshold", "1")
    assert code == 2 and "at least 2" in err
