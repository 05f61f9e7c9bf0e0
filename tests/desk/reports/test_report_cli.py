"""desk report sla: files, summary line, exit codes and one-line errors."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from db.engine import Database
from desk.actor import Actor
from desk.cli.main import main
from desk.reports.params import Preset, last_term, preset_period


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_sla_writes_pdf_and_csv(sqlite_loaded: tuple[Database, Actor], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = sqlite_loaded
    url = db.engine.url.render_as_string(hide_password=False)
    code, out, err = _run(capsys, "--database", url, "report", "sla", "--from", "2026-10-05", "--to",
                          "2026-11-29", "--service", "Printing", "--priority", "P3", "--priority", "P4",
                          "--group-by", "week", "--out", str(tmp_path / "r.pdf"), "--csv", str(tmp_path / "csv"))
    assert (code, err) == (0, "")
    assert out.startswith("SLA report 2026-10-05 to 2026-11-29:") and "r.pdf" in out
    assert len(PdfReader(tmp_path / "r.pdf").pages) >= 4
    assert "Services,Printing" in (tmp_path / "csv" / "parameters.csv").read_text(encoding="utf-8")
    code, out, err = _run(capsys, "--database", url, "report", "sla", "--period", "last-month", "--quiet",
                          "--csv", str(tmp_path / "x.zip"))
    assert (code, out, err) == (0, "", "") and (tmp_path / "x.zip").exists()


@pytest.mark.parametrize("args, words", [
    (["--from", "2026-10-05", "--to", "2026-10-01", "--out", "r.pdf"], "ends (2026-10-01) before it starts"),
    (["--from", "2026-10-05", "--to", "2026-10-31"], "--out FILE.pdf and/or --csv"),
    (["--period", "last-week", "--from", "2026-10-05", "--out", "r.pdf"], "either --period or --from"),
    (["--from", "2026-10-05", "--out", "r.pdf"], "Say which period"),
    (["--from", "5 Oct", "--to", "2026-10-31", "--out", "r.pdf"], "not a date"),
    (["--from", "2026-10-05", "--to", "2026-10-31", "--service", "Nope", "--out", "r.pdf"], "Unknown service"),
    (["--from", "2026-10-05", "--to", "2026-10-31", "--out", "r.txt"], "should end in .pdf"),
    (["--from", "2026-10-05", "--to", "2026-10-31", "--tz", "Mars/Olympus", "--out", "r.pdf"], "Unknown time zone"),
])
def test_bad_input_exits_2_with_one_line(sqlite_loaded: tuple[Database, Actor], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str], args: list[str], words: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    db, _ = sqlite_loaded
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(capsys, "--database", db.engine.url.render_as_string(hide_password=False),
                        "report", "sla", *args)
    assert code == 2 and err.count("\n") == 1 and err.startswith("desk: ") and words in err, err
    assert not (tmp_path / "r.pdf").exists()


def test_presets() -> None:
    wed = dt.date(2026, 11, 25)
    assert preset_period(Preset.LAST_WEEK, wed)[:2] == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert preset_period("last-month", dt.date(2026, 1, 10))[:2] == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert last_term(wed) == (dt.date(2026, 5, 16), dt.date(2026, 8, 15), "Summer term 2026")
    assert last_term(dt.date(2027, 1, 1))[:2] == (dt.date(2026, 8, 16), dt.date(2026, 12, 31))
    assert last_term(dt.date(2026, 3, 1))[:2] == (dt.date(2025, 8, 16), dt.date(2025, 12, 31))
