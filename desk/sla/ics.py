"""Reading university closures from an iCalendar (.ics) feed with the icalendar package.

All-day events (DATE values) close whole days; timed events close part days. Times are
converted to the calendar's own time zone, since closures are kept in wall-clock time.
Recurring events are expanded over the years the feed is used for.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

from desk.errors import InvalidInput
from desk.sla.versions import ClosureDraft

MAX_RECURRENCES = 500


def _local(value: dt.date | dt.datetime, zone: ZoneInfo, feed_zone: ZoneInfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            # A floating time: read it in the feed's declared zone (X-WR-TIMEZONE).
            value = value.replace(tzinfo=feed_zone)
        return value.astimezone(zone).replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time())


def read_closures(data: bytes, time_zone: str) -> list[ClosureDraft]:
    """Closures from an .ics document, in local wall-clock time of ``time_zone``."""
    try:
        cal = icalendar.Calendar.from_ical(data)
    except ValueError as exc:
        raise InvalidInput(f"The file is not a valid iCalendar document: {exc}", "ics") from None
    zone = ZoneInfo(time_zone)
    feed_tz = str(cal.get("X-WR-TIMEZONE") or time_zone)
    try:
        feed_zone = ZoneInfo(feed_tz)
    except Exception:  # noqa: BLE001 - an unknown feed zone falls back to the calendar's
        feed_zone = zone
    out: list[ClosureDraft] = []
    for ev in cal.walk("VEVENT"):
        if str(ev.get("STATUS", "")).upper() == "CANCELLED" or str(ev.get("TRANSP", "")).upper() == "TRANSPARENT":
            continue
        start_prop = ev.get("DTSTART")
        if start_prop is None:
            continue
        start = start_prop.dt
        end_prop = ev.get("DTEND")
        if end_prop is not None:
            end = end_prop.dt
        elif ev.get("DURATION") is not None:
            end = start + ev.get("DURATION").dt
        else:
            # RFC 5545: an all-day event without an end lasts one day, a timed one is an instant.
            end = start + dt.timedelta(days=1) if not isinstance(start, dt.datetime) else start
        name = str(ev.get("SUMMARY") or "Closure").strip()
        uid = str(ev.get("UID") or f"{name}@{start}")
        length = (_local(end, zone, feed_zone) - _local(start, zone, feed_zone))
        starts = [start]
        if ev.get("RRULE") is not None:
            from dateutil.rrule import rrulestr

            rule = rrulestr(ev.get("RRULE").to_ical().decode(), dtstart=start if isinstance(start, dt.datetime)
                            else dt.datetime.combine(start, dt.time()))
            starts = []
            for k, occ in enumerate(rule):
                if k >= MAX_RECURRENCES:
                    break
                starts.append(occ if isinstance(start, dt.datetime) else occ.date())
        for k, occ in enumerate(starts):
            a = _local(occ, zone, feed_zone)
            b = a + length
            if b <= a:
                continue
            out.append(ClosureDraft(name=name, start=a, end=b, source="ics",
                                    uid=uid if len(starts) == 1 else f"{uid}#{k}"))
    out.sort(key=lambda c: c.start)
    return out
