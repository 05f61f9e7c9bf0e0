"""Business-hours calendars and SLA definitions, both versioned.

Nothing here is ever edited in place once tickets may have been measured against it:
a change to a calendar or an SLA adds a new version (copying the children) with an
``effective_from`` instant, so results for past tickets never drift. The rules that
read these tables live in ``desk.sla``.

Calendar times are wall-clock times in the calendar's own time zone: weekly hours are
seconds after local midnight (0..86400, so 24:00 is expressible), closures are naive
local datetimes.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.enums import Priority
from db.models._columns import enum_column
from db.types import UTCDateTime


class Calendar(Base):
    __tablename__ = "sla_calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CalendarVersion(Base):
    __tablename__ = "sla_calendar_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("sla_calendars.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # Instants from this one on (until the next version) are measured with this version.
    effective_from: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    time_zone: Mapped[str] = mapped_column(String(64))
    holiday_country: Mapped[str | None] = mapped_column(String(8))
    holiday_subdivision: Mapped[str | None] = mapped_column(String(16))
    # Length of one "business day" on this calendar (used to read targets like "3 business days").
    business_day_s: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))

    __table_args__ = (
        UniqueConstraint("calendar_id", "version"),
        CheckConstraint("business_day_s > 0", name="business_day_positive"),
    )


class CalendarPeriod(Base):
    """A date range (a term, summer, exam weeks) with its own weekly hours."""

    __tablename__ = "sla_calendar_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_version_id: Mapped[int] = mapped_column(
        ForeignKey("sla_calendar_versions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)  # inclusive

    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates_ordered"),)


class CalendarHours(Base):
    """One working interval on one weekday; ``period_id`` NULL = the regular week."""

    __tablename__ = "sla_calendar_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_version_id: Mapped[int] = mapped_column(
        ForeignKey("sla_calendar_versions.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_calendar_periods.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)  # Monday = 0
    start_s: Mapped[int] = mapped_column(Integer)
    end_s: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        CheckConstraint("start_s >= 0 AND start_s < end_s AND end_s <= 86400", name="hours_range"),
    )


class CalendarClosure(Base):
    """A university closure (whole or part days), entered by hand or imported (.ics)."""

    __tablename__ = "sla_calendar_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_version_id: Mapped[int] = mapped_column(
        ForeignKey("sla_calendar_versions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_local: Mapped[dt.datetime] = mapped_column(DateTime(timezone=False))
    ends_local: Mapped[dt.datetime] = mapped_column(DateTime(timezone=False))
    source: Mapped[str] = mapped_column(String(20), default="manual")
    # iCalendar UID, so re-importing a feed updates events instead of duplicating them.
    uid: Mapped[str | None] = mapped_column(String(255))

    __table_args__ = (CheckConstraint("ends_local > starts_local", name="times_ordered"),)


class Sla(Base):
    __tablename__ = "slas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SlaVersion(Base):
    __tablename__ = "sla_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    sla_id: Mapped[int] = mapped_column(ForeignKey("slas.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # Tickets opened from this instant on (until the next version) use these targets.
    effective_from: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    calendar_id: Mapped[int] = mapped_column(ForeignKey("sla_calendars.id"))
    at_risk_percent: Mapped[int] = mapped_column(Integer, default=75)
    auto_close_business_days: Mapped[int] = mapped_column(Integer, default=5)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))

    __table_args__ = (
        UniqueConstraint("sla_id", "version"),
        CheckConstraint("at_risk_percent > 0 AND at_risk_percent <= 100", name="at_risk_range"),
        CheckConstraint("auto_close_business_days >= 0", name="auto_close_nonnegative"),
    )


class SlaTarget(Base):
    __tablename__ = "sla_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    sla_version_id: Mapped[int] = mapped_column(
        ForeignKey("sla_versions.id", ondelete="CASCADE"), index=True)
    priority: Mapped[Priority] = mapped_column(enum_column(Priority, "sla_target_priority"))
    response_s: Mapped[int] = mapped_column(Integer)
    resolution_s: Mapped[int] = mapped_column(Integer)
    # NULL = the SLA version's calendar (P1 runs on 24x7 by default).
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("sla_calendars.id"))

    __table_args__ = (
        UniqueConstraint("sla_version_id", "priority"),
        CheckConstraint("response_s > 0 AND resolution_s > 0", name="targets_positive"),
    )
