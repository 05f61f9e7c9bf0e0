"""`desk sla …` and `desk calendar …`: what a supervisor types, exit codes, one-line errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from desk.cli.main import main

ICS = Path(__file__).resolve().parents[2] / "data" / "university-closures.ics"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_due_show_import_and_what_if(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = ("--database", sqlite_url)
    code, out, _ = run(capsys, *db, "sla", "due", "--calendar", "service-desk", "--start", "2027-01-15T17:30",
                       "--hours", "4", "--json")
    assert code == 0 and json.loads(out)["due"] == "2027-01-19T16:30:00+00:00"  # MLK Monday skipped
    code, out, _ = run(capsys, *db, "sla", "due", "--calendar", "24x7", "--start", "2027-03-13T23:00",
                       "--duration", "4h")
    assert code == 0 and "Sun 2027-03-14 04:00:00 EDT" in out
    code, out, _ = run(capsys, *db, "calendar", "show", "24x7", "--from", "2026-10-31", "--to", "2026-11-01")
    assert code == 0 and "= 25 h" in out and "Total: 49 business hours" in out  # fall-back day
    code, out, _ = run(capsys, *db, "calendar", "import-ics", str(ICS), "--calendar", "service-desk")
    assert code == 0 and "7 added" in out
    code, out, _ = run(capsys, *db, "calendar", "show", "service-desk", "--from", "2026-12-21", "--to",
                       "2026-12-24", "--json")
    days = json.loads(out)["days"]
    assert [d["business_seconds"] for d in days] == [36_000, 36_000, 0, 0]
    assert any("Winter closure" in n for n in days[2]["notes"])
    code, out, _ = run(capsys, *db, "calendar", "period", "service-desk", "--title", "Summer 2027",
                       "--from", "2027-06-01", "--to", "2027-08-15", "--hours", "mon-thu 08:00-17:00")
    assert code == 0 and "v3" in out
    code, out, _ = run(capsys, *db, "calendar", "show", "service-desk", "--from", "2027-06-04", "--to",
                       "2027-06-07")
    assert code == 0 and "period: Summer 2027" in out and "Fri 2027-06-04  closed" in out
    assert "Mon 2027-06-07  08:00–17:00" in out
    code, out, _ = run(capsys, *db, "ticket", "new", "--title", "VPN drops", "--service", "Wi-Fi & Network",
                       "--impact", "medium", "--urgency", "medium")
    number = out.strip()
    code, out, _ = run(capsys, *db, "sla", "show", number, "--json")
    panel = json.loads(out)
    assert code == 0 and panel["sla_name"] == "standard" and panel["response"]["target_s"] == 14_400
    code, out, _ = run(capsys, *db, "sla", "what-if", "--calendar", "service-desk", "--hours",
                       "mon-fri 09:00-17:00", "--from", "2020-01-01", "--to", "2030-12-31", "--json")
    assert code == 0 and json.loads(out)["tickets"] == 1
    code, out, _ = run(capsys, *db, "sla", "set-target", "standard", "P3", "--resolution", "2bd")
    assert code == 0 and "v2" in out and "resolution 2bd" in out
    code, out, _ = run(capsys, *db, "sla", "list")
    assert "P3  response     4h  resolution    2bd" in out
    code, out, _ = run(capsys, *db, "sla", "auto-close", "--dry-run")
    assert code == 0 and "would close 0" in out


def test_bad_input_is_exit_2_with_one_line(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = ("--database", sqlite_url)
    code, _, err = run(capsys, *db, "sla", "due", "--calendar", "nope", "--start", "2027-01-15T17:30",
                       "--hours", "1")
    assert code == 2 and "No calendar called 'nope'" in err and err.count("\n") == 1
    code, _, err = run(capsys, *db, "sla", "due", "--calendar", "service-desk", "--start", "tomorrow",
                       "--hours", "1")
    assert code == 2 and "--start" in err
    code, _, err = run(capsys, *db, "calendar", "hours", "service-desk", "--set", "mon-fri 18:00-08:00")
    assert code == 2 and "ends before it starts" in err
    code, _, err = run(capsys, *db, "calendar", "import-ics", "/nonexistent.ics", "--calendar", "service-desk")
    assert code == 2 and "No such file" in err
    code, _, err = run(capsys, *db, "sla", "set-target", "standard", "P3", "--response", "4bd")
    assert code == 2 and "P3: the response target (4bd) is longer than the resolution target (3bd)" in err


def test_calendar_show_gives_both_offsets_across_a_dst_change(sqlite_url: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import make_url

    from desk.bootstrap import Services
    from desk.clock import utc_now
    from desk.connection import Target, open_database

    db = open_database(Target(make_url(sqlite_url), "--database"))
    services = Services.over(db, utc_now)
    admin = services.staff.resolve_actor(os_username="first-admin")
    services.sla_admin.create_calendar(admin, "toronto", time_zone="America/Toronto",
                                       hours="sun 00:00-03:00,08:00-18:00; mon 01:45-02:00")
    db.dispose()
    args = ("--database", sqlite_url, "calendar", "show", "toronto")
    # Fall back: 00:00 EDT to 03:00 EST is four real hours, not "00:00–03:00 (-04:00)".
    code, out, _ = run(capsys, *args, "--from", "2026-11-01", "--to", "2026-11-01")
    assert code == 0 and "Sun 2026-11-01  00:00 (-04:00)–03:00 (-05:00), 08:00–18:00 (-05:00)  = 14 h" in out
    # Spring forward: 00:00 EST to 03:00 EDT is two real hours.
    code, out, _ = run(capsys, *args, "--from", "2026-03-08", "--to", "2026-03-08")
    assert code == 0 and "Sun 2026-03-08  00:00 (-05:00)–03:00 (-04:00), 08:00–18:00 (-04:00)  = 12 h" in out
    code, out, _ = run(capsys, *args, "--from", "2026-11-02", "--to", "2026-11-02")
    assert code == 0 and "Mon 2026-11-02  01:45–02:00 (-05:00)  = 0.25 h" in out
    code, out, _ = run(capsys, "--database", sqlite_url, "calendar", "show", "24x7", "--from", "2026-11-01",
                       "--to", "2026-11-01")
    assert code == 0 and "00:00 (-04:00)–24:00 (-05:00)  = 25 h" in out
