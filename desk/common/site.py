"""The desk's own settings, read from its database once: the time zone its people read
times in, which is that of the desk's business-hours calendar.

Times are stored in UTC everywhere; the queue's date cells, the ticket page, the CLI's
output for people, the counter's printouts and due-back times, the dashboard and the SLA
report's day boundaries show or count them in this zone. The composition root
(``desk.bootstrap.Services.site``) loads it and hands it to whoever needs it, so a desk
in another zone needs another calendar, not another build. (The institution's name, logo
and contact lines for printouts are one file of their own, ``resources/branding``.)
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Calendar, CalendarVersion

# The calendar of the desk's own hours (seeded from resources/reference/sla-defaults.json):
# its zone is the desk's, and tickets without an SLA are counted on it.
DESK_CALENDAR = "service-desk"
# A database without that calendar (nothing seeded yet) reads times in UTC rather than guess.
NO_CALENDAR_ZONE = "UTC"


@dataclass(frozen=True)
class Site:
    time_zone: str
    calendar: str | None = None     # the calendar the zone was read from; None: none found

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def local(self, when: dt.datetime) -> dt.datetime:
        """``when`` (aware, or naive UTC as SQLite returns it) on the desk's wall clock."""
        aware = when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)
        return aware.astimezone(self.zone)

    def today(self, now: dt.datetime) -> dt.date:
        return self.local(now).date()

    def at(self, day: dt.date, wall: dt.time) -> dt.datetime:
        """The UTC instant the desk's clock shows ``wall`` on ``day`` (DST-aware)."""
        return dt.datetime.combine(day, wall, self.zone).astimezone(dt.UTC)


def read(s: Session, now: dt.datetime) -> Site:
    """The site as of ``now`` inside a unit of work: the desk calendar's version in force
    (a version that starts later does not move today's times yet)."""
    versions = s.execute(
        select(CalendarVersion.time_zone, CalendarVersion.effective_from)
        .join(Calendar, Calendar.id == CalendarVersion.calendar_id)
        .where(Calendar.name == DESK_CALENDAR)
        .order_by(CalendarVersion.version)).all()
    if not versions:
        return Site(NO_CALENDAR_ZONE)
    moment = now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)
    started = [tz for tz, since in versions
               if (since if since.tzinfo is not None else since.replace(tzinfo=dt.UTC)) <= moment]
    return Site(started[-1] if started else versions[0][0], DESK_CALENDAR)


def load(db: Database, now: dt.datetime) -> Site:
    with db.reading() as s:
        return read(s, now)
