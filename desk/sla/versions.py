"""Writing calendar and SLA versions: copy the latest, change the copy, store it whole.

Nothing is edited in place: every change adds a version with an ``effective_from``
instant (now, or later), never earlier, so what past tickets were measured against
stays as it was.
"""
from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.enums import Priority
from db.models import (
    Calendar,
    CalendarClosure,
    CalendarHours,
    CalendarPeriod,
    CalendarVersion,
    Sla,
    SlaTarget,
    SlaVersion,
)
from desk.errors import InvalidInput, NotFound
from desk.sla.calendar import CalendarSpec, Closure, TermPeriod, WeeklyHours


@dataclass
class ClosureDraft:
    name: str
    start: dt.datetime  # naive local
    end: dt.datetime
    source: str = "manual"
    uid: str | None = None


@dataclass
class CalendarDraft:
    time_zone: str
    business_day_s: int
    hours: list[WeeklyHours] = field(default_factory=list)
    periods: list[TermPeriod] = field(default_factory=list)
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    closures: list[ClosureDraft] = field(default_factory=list)

    def spec(self, name: str, version: int = 0) -> CalendarSpec:
        """The draft as a calendar spec (validates time zone, hours and holidays)."""
        return CalendarSpec(
            name=name, time_zone=self.time_zone, hours=tuple(self.hours), periods=tuple(self.periods),
            holiday_country=self.holiday_country, holiday_subdivision=self.holiday_subdivision,
            closures=tuple(Closure(c.name, c.start, c.end) for c in self.closures),
            business_day_s=self.business_day_s, version=version,
        )


@dataclass
class TargetDraft:
    response_s: int
    resolution_s: int
    calendar: str | None = None  # None = the SLA's calendar


@dataclass
class SlaDraft:
    calendar: str
    at_risk_percent: int = 75
    auto_close_business_days: int = 5
    targets: dict[str, TargetDraft] = field(default_factory=dict)


def calendar_row(s: Session, name: str) -> Calendar:
    row = s.execute(select(Calendar).where(Calendar.name == name)).scalar_one_or_none()
    if row is None:
        known = ", ".join(s.execute(select(Calendar.name).order_by(Calendar.name)).scalars()) or "none"
        raise NotFound(f"No calendar called {name!r} (calendars: {known}).")
    return row


def sla_row(s: Session, name: str) -> Sla:
    row = s.execute(select(Sla).where(Sla.name == name)).scalar_one_or_none()
    if row is None:
        known = ", ".join(s.execute(select(Sla.name).order_by(Sla.name)).scalars()) or "none"
        raise NotFound(f"No SLA called {name!r} (SLAs: {known}).")
    return row


def latest_calendar_version(s: Session, calendar_id: int) -> CalendarVersion | None:
    return s.execute(select(CalendarVersion).where(CalendarVersion.calendar_id == calendar_id)
                     .order_by(CalendarVersion.version.desc()).limit(1)).scalar_one_or_none()


def calendar_draft(s: Session, version: CalendarVersion) -> CalendarDraft:
    hours = s.execute(select(CalendarHours).where(CalendarHours.calendar_version_id == version.id)
                      .order_by(CalendarHours.weekday, CalendarHours.start_s)).scalars().all()
    periods = s.execute(select(CalendarPeriod).where(CalendarPeriod.calendar_version_id == version.id)
                        .order_by(CalendarPeriod.start_date)).scalars().all()
    closures = s.execute(select(CalendarClosure).where(CalendarClosure.calendar_version_id == version.id)
                         .order_by(CalendarClosure.starts_local)).scalars().all()
    return CalendarDraft(
        time_zone=version.time_zone, business_day_s=version.business_day_s,
        hours=[WeeklyHours(h.weekday, h.start_s, h.end_s) for h in hours if h.period_id is None],
        periods=[TermPeriod(p.name, p.start_date, p.end_date,
                            tuple(WeeklyHours(h.weekday, h.start_s, h.end_s) for h in hours if h.period_id == p.id))
                 for p in periods],
        holiday_country=version.holiday_country, holiday_subdivision=version.holiday_subdivision,
        closures=[ClosureDraft(c.name, c.starts_local, c.ends_local, c.source, c.uid) for c in closures],
    )


def _check_effective(effective_from: dt.datetime, now: dt.datetime, latest: dt.datetime | None) -> None:
    if effective_from < now - dt.timedelta(seconds=1):
        raise InvalidInput(
            "A change cannot take effect in the past: tickets already measured must keep their results. "
            "Use now or a later time.", "effective_from")
    if latest is not None and effective_from < latest:
        raise InvalidInput(f"The change must take effect after the current version's start "
                           f"({latest.isoformat()}).", "effective_from")


def write_calendar_version(
    s: Session, calendar: Calendar, draft: CalendarDraft, *, effective_from: dt.datetime, now: dt.datetime,
    actor_id: int | None, note: str, allow_past: bool = False,
) -> CalendarVersion:
    latest = latest_calendar_version(s, calendar.id)
    if not allow_past:
        _check_effective(effective_from, now, latest.effective_from if latest else None)
    draft.spec(calendar.name)  # validate before writing anything
    number = (latest.version + 1) if latest else 1
    v = CalendarVersion(
        calendar_id=calendar.id, version=number, effective_from=effective_from, time_zone=draft.time_zone,
        holiday_country=draft.holiday_country, holiday_subdivision=draft.holiday_subdivision,
        business_day_s=draft.business_day_s, note=note, created_at=now, created_by_id=actor_id,
    )
    s.add(v)
    s.flush()
    for h in draft.hours:
        s.add(CalendarHours(calendar_version_id=v.id, weekday=h.weekday, start_s=h.start_s, end_s=h.end_s))
    for p in draft.periods:
        row = CalendarPeriod(calendar_version_id=v.id, name=p.name, start_date=p.start, end_date=p.end)
        s.add(row)
        s.flush()
        for h in p.hours:
            s.add(CalendarHours(calendar_version_id=v.id, period_id=row.id, weekday=h.weekday,
                                start_s=h.start_s, end_s=h.end_s))
    for c in draft.closures:
        s.add(CalendarClosure(calendar_version_id=v.id, name=c.name, starts_local=c.start, ends_local=c.end,
                              source=c.source, uid=c.uid))
    s.flush()
    return v


def change_calendar(
    s: Session, name: str, change: Callable[[CalendarDraft], None], *, now: dt.datetime,
    actor_id: int | None, note: str, effective_from: dt.datetime | None = None,
) -> CalendarVersion | None:
    """A new version with ``change`` applied; None (nothing written) if it changes nothing."""
    cal = calendar_row(s, name)
    latest = latest_calendar_version(s, cal.id)
    if latest is None:
        raise NotFound(f"Calendar {name!r} has no version to change.")
    draft = calendar_draft(s, latest)
    before = copy.deepcopy(draft)
    change(draft)
    if draft == before:
        return None
    return write_calendar_version(s, cal, draft, effective_from=effective_from or now, now=now,
                                  actor_id=actor_id, note=note)


def latest_sla_version(s: Session, sla_id: int) -> SlaVersion | None:
    return s.execute(select(SlaVersion).where(SlaVersion.sla_id == sla_id)
                     .order_by(SlaVersion.version.desc()).limit(1)).scalar_one_or_none()


def sla_draft(s: Session, version: SlaVersion) -> SlaDraft:
    names = dict(s.execute(select(Calendar.id, Calendar.name)).all())
    targets = s.execute(select(SlaTarget).where(SlaTarget.sla_version_id == version.id)).scalars().all()
    return SlaDraft(
        calendar=names[version.calendar_id], at_risk_percent=version.at_risk_percent,
        auto_close_business_days=version.auto_close_business_days,
        targets={t.priority.value: TargetDraft(t.response_s, t.resolution_s,
                                               names[t.calendar_id] if t.calendar_id else None) for t in targets},
    )


def write_sla_version(
    s: Session, sla: Sla, draft: SlaDraft, *, effective_from: dt.datetime, now: dt.datetime,
    actor_id: int | None, note: str, allow_past: bool = False,
) -> SlaVersion:
    latest = latest_sla_version(s, sla.id)
    if not allow_past:
        _check_effective(effective_from, now, latest.effective_from if latest else None)
    if not 0 < draft.at_risk_percent <= 100:
        raise InvalidInput("The at-risk share must be between 1 and 100 %.", "at_risk_percent")
    if draft.auto_close_business_days < 0:
        raise InvalidInput("Auto-close days cannot be negative.", "auto_close_business_days")
    for prio, t in draft.targets.items():
        if prio not in {p.value for p in Priority}:
            raise InvalidInput(f"{prio!r} is not a priority (P1 … P5).", "priority")
        if t.response_s <= 0 or t.resolution_s <= 0:
            raise InvalidInput(f"{prio} targets must be longer than zero.", "target")
    v = SlaVersion(
        sla_id=sla.id, version=(latest.version + 1) if latest else 1, effective_from=effective_from,
        calendar_id=calendar_row(s, draft.calendar).id, at_risk_percent=draft.at_risk_percent,
        auto_close_business_days=draft.auto_close_business_days, note=note, created_at=now,
        created_by_id=actor_id,
    )
    s.add(v)
    s.flush()
    for prio, t in sorted(draft.targets.items()):
        s.add(SlaTarget(sla_version_id=v.id, priority=Priority(prio), response_s=t.response_s,
                        resolution_s=t.resolution_s,
                        calendar_id=calendar_row(s, t.calendar).id if t.calendar else None))
    s.flush()
    return v


def change_sla(
    s: Session, name: str, change: Callable[[SlaDraft], None], *, now: dt.datetime, actor_id: int | None,
    note: str | Callable[[], str], effective_from: dt.datetime | None = None,
) -> SlaVersion:
    """A new version of SLA ``name`` made by ``change``; ``note`` may be a function of what
    ``change`` did (versions are written once: supervisors may insert them, not edit them)."""
    sla = sla_row(s, name)
    latest = latest_sla_version(s, sla.id)
    if latest is None:
        raise NotFound(f"SLA {name!r} has no version to change.")
    draft = sla_draft(s, latest)
    change(draft)
    return write_sla_version(s, sla, draft, effective_from=effective_from or now, now=now,
                             actor_id=actor_id, note=note() if callable(note) else note)
