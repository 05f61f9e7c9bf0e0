"""Reading closure feeds, weekly hours and durations."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desk.errors import InvalidInput
from desk.sla.calendar import WeeklyHours, format_weekly, parse_weekly
from desk.sla.durations import format_duration, parse_duration
from desk.sla.ics import read_closures

ICS = Path(__file__).resolve().parents[2] / "data" / "university-closures.ics"


def test_sample_feed_whole_and_part_days() -> None:
    closures = read_closures(ICS.read_bytes(), "America/New_York")
    by_name = {c.name: c for c in closures}
    winter = by_name["Winter closure"]
    assert (winter.start, winter.end) == (dt.datetime(2026, 12, 23), dt.datetime(2027, 1, 2))  # DTEND exclusive
    half = by_name["Early close (half day)"]
    assert (half.start, half.end) == (dt.datetime(2026, 12, 24, 12), dt.datetime(2026, 12, 24, 18))
    assert all(c.source == "ics" and c.uid for c in closures)


def test_utc_times_recurrence_and_cancelled_events() -> None:
    feed = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:maint@example.edu
DTSTART:20270106T200000Z
DTEND:20270106T220000Z
RRULE:FREQ=WEEKLY;COUNT=3
SUMMARY:Maintenance window
END:VEVENT
BEGIN:VEVENT
UID:gone@example.edu
DTSTART;VALUE=DATE:20270110
SUMMARY:Called off
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
UID:oneday@example.edu
DTSTART;VALUE=DATE:20270115
SUMMARY:Founders Day
END:VEVENT
END:VCALENDAR
"""
    closures = read_closures(feed, "America/New_York")
    maint = [c for c in closures if c.name == "Maintenance window"]
    # 20:00 UTC in January is 15:00 EST; three weekly occurrences, each with its own UID.
    assert [(c.start, c.end) for c in maint] == [
        (dt.datetime(2027, 1, d, 15), dt.datetime(2027, 1, d, 17)) for d in (6, 13, 20)]
    assert len({c.uid for c in maint}) == 3
    assert "Called off" not in {c.name for c in closures}
    founders = next(c for c in closures if c.name == "Founders Day")
    assert founders.end - founders.start == dt.timedelta(days=1)
    with pytest.raises(InvalidInput):
        read_closures(b"BEGIN:VCALENDAR\nthis is not ical", "America/New_York")


def test_weekly_hours_and_durations() -> None:
    week = parse_weekly("mon-fri 08:00-12:00,13:00-18:00; sat 10:00-14:00")
    assert WeeklyHours(0, 8 * 3600, 12 * 3600) in week and WeeklyHours(5, 36_000, 50_400) in week
    assert format_weekly(week).startswith("mon 08:00-12:00,13:00-18:00; tue")
    assert len(parse_weekly("24x7")) == 7 and parse_weekly("fri-mon 09:00-10:00")[0].weekday == 0
    for bad in ("mon 18:00-08:00", "someday 08:00-09:00", "mon 25:00-26:00", "mon"):
        with pytest.raises(InvalidInput):
            parse_weekly(bad)
    assert parse_duration("3bd", 36_000) == 108_000
    assert parse_duration("1h30m", 36_000) == 5_400
    assert parse_duration("2 business days", 36_000) == 72_000
    assert format_duration(108_000, 36_000) == "3bd" and format_duration(5_400) == "1h30m"
    for bad in ("", "soon", "0h", "-2h"):
        with pytest.raises(InvalidInput):
            parse_duration(bad, 36_000)
