"""desk ticket new --model and desk print slip|tag|receipt from the command line."""
from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from db.engine import Database
from desk.bootstrap import Services
from desk.cli.main import main
from tests import factories
from tests.factories import repair


def test_ticket_new_with_model(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = Database.connect(sqlite_url)
    uid = factories.person(db)
    code = main(["--database", sqlite_url, "ticket", "new", "--model", "wifi", "--caller", uid,
                 "--title", "eduroam drops in library", "--description", "Every 5 minutes", "--json"])
    out, _ = capsys.readouterr()
    assert code == 0 and '"model": "wifi"' in out and '"service": "Wi-Fi & Network"' in out
    code = main(["--database", sqlite_url, "ticket", "new", "--model", "laptop-repair", "--title", "x"])
    _, err = capsys.readouterr()
    assert code == 2 and err.strip() == "desk: The laptop-repair model needs: caller, description."
    db.dispose()


def test_print_commands(sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = Database.connect(sqlite_url)
    services = Services.over(db)
    admin = services.staff.resolve_actor()  # this OS user, who runs the CLI below: printing needs a staff account
    number = repair(db, services.counter, admin).number
    for kind in ("slip", "tag"):
        out = tmp_path / f"{kind}.pdf"
        assert main(["--database", sqlite_url, "print", kind, number, "--out", str(out), "--paper", "a4"]) == 0
        assert number in "".join(p.extract_text() for p in PdfReader(str(out)).pages)
    code = main(["--database", sqlite_url, "print", "receipt", number, "--out", str(tmp_path / "r.pdf")])
    _, err = capsys.readouterr()
    assert code == 2 and "has not been picked up" in err and not (tmp_path / "r.pdf").exists()
    code = main(["--database", sqlite_url, "print", "tag", number, "--out", str(tmp_path / "t.pdf"),
                 "--label", "huge"])
    assert code == 2
    db.dispose()


def test_loaner_commands(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["--database", sqlite_url, "loaner", "add", "LN-5", "--description", "Dell Latitude 5440"]) == 0
    assert main(["--database", sqlite_url, "loaner", "add", "LN-6", "--description", "HP EliteBook"]) == 0
    assert main(["--database", sqlite_url, "loaner", "retire", "LN-6", "--reason", "cracked"]) == 0
    capsys.readouterr()
    assert main(["--database", sqlite_url, "loaner", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["asset_tag"], r["available"]) for r in rows] == [("LN-5", True)]
    assert main(["--database", sqlite_url, "loaner", "return", "LN-5"]) == 2
    assert "not lent out" in capsys.readouterr().err
