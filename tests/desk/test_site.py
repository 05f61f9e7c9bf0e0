"""The site's settings come from the database: the desk calendar's time zone, once."""
from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from db.engine import Database
from db.models import Calendar, CalendarVersion
from desk.bootstrap import Services
from desk.cli.main import main
from desk.common import site
from desk.common.site import DESK_CALENDAR, Site
from desk.counter.common import due_at
from tests import factories
from tests.conftest import FakeClock


def test_the_site_is_the_desk_calendars_zone(services: Services) -> None:
    # The seeded reference data puts the desk in New York; that is data, not code.
    assert services.site == Site("America/New_York", DESK_CALENDAR)
    assert services.site is services.site  # read once
    # ... and handed by the composition root to the features that show or count local times.
    for feature_site in (services.counter.site, services.counter.intake.site, services.major.site,
                         services.reports.site):
        assert feature_site is services.site
    assert services.dashboard.zone == services.site.zone


def test_a_desk_elsewhere_is_another_calendar_not_another_build(database: Database, clock: FakeClock) -> None:
    factories.move_desk_to(database, "Asia/Tokyo")
    here = Services.over(database, clock).site
    assert here.zone == ZoneInfo("Asia/Tokyo")
    assert here.local(dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)).hour == 23
    # Loaners are due back when the desk closes, on its own clock.
    assert due_at(dt.date(2026, 11, 3), here) == dt.datetime(2026, 11, 3, 9, 0, tzinfo=dt.UTC)


def test_a_later_calendar_version_moves_the_zone_only_from_its_start(database: Database) -> None:
    start = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    with database.writing() as s:
        cal = s.query(Calendar).filter_by(name=DESK_CALENDAR).one()
        latest = s.query(CalendarVersion).filter_by(calendar_id=cal.id).order_by(CalendarVersion.version.desc()).first()
        assert latest is not None
        s.add(CalendarVersion(calendar_id=cal.id, version=latest.version + 1, effective_from=start,
                              time_zone="Europe/Berlin", holiday_country=None, holiday_subdivision=None,
                              business_day_s=latest.business_day_s, created_at=start - dt.timedelta(days=30)))
    assert site.load(database, start - dt.timedelta(seconds=1)).time_zone == "America/New_York"
    assert site.load(database, start).time_zone == "Europe/Berlin"


def test_without_a_desk_calendar_times_read_in_utc(database: Database) -> None:
    with database.writing() as s:
        s.query(Calendar).filter_by(name=DESK_CALENDAR).one().name = "elsewhere"
    assert site.load(database, dt.datetime.now(dt.UTC)) == Site("UTC", None)


def test_the_cli_shows_people_times_in_the_desks_zone_and_scripts_utc(
        db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = Database.connect(db_url)
    factories.move_desk_to(db, "Asia/Tokyo")
    db.dispose()
    assert main(["--database", db_url, "ticket", "new", "--title", "Kiosk down", "--channel", "walk_in"]) == 0
    capsys.readouterr()
    assert main(["--database", db_url, "ticket", "show", "INC-000001", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["channel"] == "walk_in" and data["status"] == "new"          # JSON: the stored values
    opened = dt.datetime.fromisoformat(data["opened_at"])
    assert main(["--database", db_url, "ticket", "show", "INC-000001"]) == 0
    out = capsys.readouterr().out
    tokyo = opened.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"Opened          {tokyo:%Y-%m-%d %H:%M} JST" in out
    assert "Channel         Walk-in" in out and "Status          New" in out  # people: words
    assert main(["--database", db_url, "ticket", "list"]) == 0
    assert "New" in capsys.readouterr().out
