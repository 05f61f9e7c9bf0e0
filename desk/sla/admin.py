"""Supervisor changes to calendars and SLAs: each one a new version, audited.

After a calendar change the open tickets are re-measured (their due times move from
the change on); closed tickets keep their results because the new version only
governs instants from its ``effective_from`` on.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from db.engine import Database
from db.enums import Priority
from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.common import audit
from desk.common.text import clean_text
from desk.errors import InvalidInput
from desk.rules.permissions import require
from desk.sla import backfill, ics
from desk.sla.calendar import TermPeriod, format_weekly, parse_weekly
from desk.sla.durations import format_duration, parse_duration
from desk.sla.versions import (
    CalendarDraft,
    ClosureDraft,
    SlaDraft,
    TargetDraft,
    calendar_row,
    change_calendar,
    change_sla,
    latest_calendar_version,
    sla_row,
)


@dataclass(frozen=True)
class VersionSaved:
    name: str
    version: int
    effective_from: dt.datetime
    summary: str
    open_tickets_remeasured: int = 0


@dataclass(frozen=True)
class TargetText:
    """One priority's targets as typed ("4h", "3bd"); None leaves that part as it is."""

    response: str | None = None
    resolution: str | None = None
    calendar: str | None = None


def _duration(text: str, per_day: int, prio: str, kind: str) -> int:
    try:
        return parse_duration(text, per_day, kind)
    except InvalidInput as exc:
        raise InvalidInput(f"{prio} {exc}", f"{prio}:{kind}") from None


@dataclass(frozen=True)
class VersionLine:
    """One stored version of a calendar or SLA, for its history."""

    version: int
    effective_from: dt.datetime
    created_at: dt.datetime
    created_by: str | None
    note: str

    @property
    def from_the_start(self) -> bool:
        """Governs everything before the desk existed (the seeded defaults, a new SLA's first version)."""
        from desk.sla.seed import SEED_EFFECTIVE

        return self.effective_from <= SEED_EFFECTIVE


@dataclass(frozen=True)
class IcsImported(VersionSaved):
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def merge_closures(draft: CalendarDraft, incoming: list[ClosureDraft],
                   statuses: list[str] | None = None) -> tuple[int, int, int]:
    """Add or update closures by iCalendar UID; returns (added, updated, unchanged).
    ``statuses`` receives 'added', 'updated' or 'unchanged' for each incoming closure."""
    by_uid = {c.uid: i for i, c in enumerate(draft.closures) if c.uid}
    added = updated = unchanged = 0
    for c in incoming:
        i = by_uid.get(c.uid) if c.uid else None
        if i is None:
            draft.closures.append(c)
            added += 1
            status = "added"
        elif (draft.closures[i].name, draft.closures[i].start, draft.closures[i].end) == (c.name, c.start, c.end):
            unchanged += 1
            status = "unchanged"
        else:
            draft.closures[i] = c
            updated += 1
            status = "updated"
        if statuses is not None:
            statuses.append(status)
    draft.closures.sort(key=lambda c: c.start)
    return added, updated, unchanged


CalendarChange = Callable[[CalendarDraft], None]


def closure_change(name: str, start: dt.datetime, end: dt.datetime) -> tuple[str, CalendarChange]:
    """A closure in the calendar's wall-clock time (naive datetimes): the note and the change."""
    title = name.strip()
    if not title:
        raise InvalidInput("A closure needs a name (e.g. 'Snow day').", "name")
    if start.tzinfo is not None or end.tzinfo is not None:
        raise InvalidInput("Closure times are wall-clock times of the calendar; give them without an offset.",
                           "start")
    if end <= start:
        raise InvalidInput("A closure must end after it starts.", "end")

    def change(d: CalendarDraft) -> None:
        d.closures.append(ClosureDraft(title, start, end, "manual", None))
        d.closures.sort(key=lambda c: c.start)

    return f"Closure {title!r} {start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}", change


def remove_closure_change(calendar: str, name: str) -> tuple[str, CalendarChange]:
    def change(d: CalendarDraft) -> None:
        keep = [c for c in d.closures if c.name != name]
        if len(keep) == len(d.closures):
            raise InvalidInput(f"Calendar {calendar!r} has no closure called {name!r}.", "name")
        d.closures = keep

    return f"Removed closure {name!r}", change


def hours_change(hours: str) -> tuple[str, CalendarChange]:
    weekly = parse_weekly(hours)
    if not weekly:
        raise InvalidInput("A calendar needs some working hours.", "hours")

    def change(d: CalendarDraft) -> None:
        d.hours = list(weekly)

    return f"Weekly hours: {format_weekly(weekly)}", change


def period_change(name: str, start: dt.date, end: dt.date, hours: str) -> tuple[str, CalendarChange]:
    """Hours for a date range (summer, exam weeks); replaces a period of the same name."""
    title = name.strip()
    if not title:
        raise InvalidInput("A period needs a name (e.g. 'Summer 2027').", "name")
    if end < start:
        raise InvalidInput("The period must end on or after its first day.", "end")
    weekly = parse_weekly(hours) if hours.strip().lower() != "closed" else ()

    def change(d: CalendarDraft) -> None:
        d.periods = [p for p in d.periods if p.name != title] + [TermPeriod(title, start, end, weekly)]
        d.periods.sort(key=lambda p: p.start)

    return f"Period {title!r} {start} – {end}: {format_weekly(weekly)}", change


def remove_period_change(calendar: str, name: str) -> tuple[str, CalendarChange]:
    def change(d: CalendarDraft) -> None:
        keep = [p for p in d.periods if p.name != name]
        if len(keep) == len(d.periods):
            raise InvalidInput(f"Calendar {calendar!r} has no period called {name!r}.", "name")
        d.periods = keep

    return f"Removed period {name!r}", change


def holidays_change(country: str | None, subdivision: str | None = None) -> tuple[str, CalendarChange]:
    """Public holidays from the holidays package ('US', 'NC'); no country: none."""
    code = (country or "").strip().upper() or None
    sub = (subdivision or "").strip().upper() or None
    if sub and not code:
        raise InvalidInput("A region needs its country.", "holidays")
    if code:
        import holidays as holidays_lib  # 16 MB: only when a calendar's holidays are set

        try:
            holidays_lib.country_holidays(code, subdiv=sub)
        except NotImplementedError:
            raise InvalidInput(f"The holidays package has no country {code!r}.", "holidays") from None
        except Exception as exc:  # noqa: BLE001 - the package says "unknown subdivision" with its own types
            raise InvalidInput(f"{code}: {exc}", "holidays") from None

    def change(d: CalendarDraft) -> None:
        d.holiday_country, d.holiday_subdivision = code, sub

    words = f"{code}-{sub}" if sub else (code or "none")
    return f"Public holidays: {words}", change


def holiday_countries() -> list[tuple[str, str]]:
    """(code, name) of every country the holidays package knows, by name."""
    import re

    from holidays import registry

    out = {v[1]: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", v[0]) for v in registry.COUNTRIES.values()}
    return sorted(out.items(), key=lambda kv: kv[1])


def holiday_regions(country: str) -> list[tuple[str, str]]:
    """(code, name) of a country's subdivisions (states, provinces) in the holidays package."""
    import holidays as holidays_lib

    try:
        h = holidays_lib.country_holidays(country)
    except NotImplementedError:
        raise InvalidInput(f"The holidays package has no country {country!r}.", "holidays") from None
    names = {code: name for name, code in getattr(h, "subdivisions_aliases", {}).items()}
    return [(code, names.get(code, code)) for code in sorted(getattr(h, "subdivisions", ()))]


def ics_change(data: bytes, time_zone: str, counts: list[int] | None = None) -> CalendarChange:
    """Closures from an iCalendar document merged by UID; ``counts`` receives
    (added, updated, unchanged). Parsing fails before anything else happens."""
    incoming = ics.read_closures(data, time_zone)

    def change(d: CalendarDraft) -> None:
        result = merge_closures(d, [ClosureDraft(c.name, c.start, c.end, c.source, c.uid) for c in incoming])
        if counts is not None:
            counts[:] = list(result)

    return change


class SlaAdmin:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def _effective(self, effective_from: dt.datetime | None, now: dt.datetime) -> dt.datetime:
        if effective_from is None:
            return now.replace(microsecond=0)
        if effective_from.tzinfo is None:
            raise InvalidInput("The effective time needs a time zone (e.g. 2027-05-17T00:00-04:00).", "effective_from")
        return effective_from

    def _calendar_change(self, actor: Actor, name: str, change, note: str,
                         effective_from: dt.datetime | None) -> VersionSaved:
        require(actor, "sla.manage")
        now = self.clock()
        with self.db.writing() as s:
            old = latest_calendar_version(s, calendar_row(s, name).id)
            v = change_calendar(s, name, change, now=now, actor_id=actor.staff_id, note=note,
                                effective_from=self._effective(effective_from, now))
            if v is None:
                assert old is not None
                return VersionSaved(name, old.version, old.effective_from, f"{note}: nothing changed")
            audit.record(s, actor, now, "calendar", v.calendar_id, "version",
                         old.version if old else None, v.version, note)
            saved = VersionSaved(name, v.version, v.effective_from, note)
        n = backfill.recompute_open(self.db, now=now)
        return VersionSaved(saved.name, saved.version, saved.effective_from, saved.summary, n)

    def import_ics(self, actor: Actor, calendar: str, source: Path | bytes, *,
                   effective_from: dt.datetime | None = None) -> IcsImported:
        data = source.read_bytes() if isinstance(source, Path) else source
        counts: list[int] = [0, 0, 0]
        name = source.name if isinstance(source, Path) else "feed"
        # Parse first so a bad file fails before anything is written.
        with self.db.reading() as s:
            v = latest_calendar_version(s, calendar_row(s, calendar).id)
            tz = v.time_zone if v else "UTC"
        change = ics_change(data, tz, counts)
        saved = self._calendar_change(actor, calendar, change, f"Imported closures from {name}", effective_from)
        a, u, n = counts
        return IcsImported(saved.name, saved.version, saved.effective_from,
                           f"{saved.summary}: {a} added, {u} updated, {n} unchanged",
                           saved.open_tickets_remeasured, a, u, n)

    def add_closure(self, actor: Actor, calendar: str, name: str, start: dt.datetime, end: dt.datetime, *,
                    effective_from: dt.datetime | None = None) -> VersionSaved:
        """A closure in the calendar's wall-clock time (naive datetimes)."""
        note, change = closure_change(name, start, end)
        return self._calendar_change(actor, calendar, change, note, effective_from)

    def remove_closure(self, actor: Actor, calendar: str, name: str, *,
                       effective_from: dt.datetime | None = None) -> VersionSaved:
        note, change = remove_closure_change(calendar, name)
        return self._calendar_change(actor, calendar, change, note, effective_from)

    def set_hours(self, actor: Actor, calendar: str, hours: str, *,
                  effective_from: dt.datetime | None = None) -> VersionSaved:
        note, change = hours_change(hours)
        return self._calendar_change(actor, calendar, change, note, effective_from)

    def set_period(self, actor: Actor, calendar: str, name: str, start: dt.date, end: dt.date, hours: str, *,
                   effective_from: dt.datetime | None = None) -> VersionSaved:
        """Hours for a date range (summer, exam weeks); replaces a period of the same name."""
        note, change = period_change(name, start, end, hours)
        return self._calendar_change(actor, calendar, change, note, effective_from)

    def remove_period(self, actor: Actor, calendar: str, name: str, *,
                      effective_from: dt.datetime | None = None) -> VersionSaved:
        note, change = remove_period_change(calendar, name)
        return self._calendar_change(actor, calendar, change, note, effective_from)

    def set_holidays(self, actor: Actor, calendar: str, country: str | None, subdivision: str | None = None, *,
                     effective_from: dt.datetime | None = None) -> VersionSaved:
        note, change = holidays_change(country, subdivision)
        return self._calendar_change(actor, calendar, change, note, effective_from)

    def set_target(self, actor: Actor, sla: str, priority: str, *, response: str | None = None,
                   resolution: str | None = None, calendar: str | None = None,
                   at_risk_percent: int | None = None,
                   effective_from: dt.datetime | None = None) -> VersionSaved:
        return self.set_targets(actor, sla, {priority: TargetText(response, resolution, calendar)},
                                at_risk_percent=at_risk_percent, effective_from=effective_from)

    def set_targets(self, actor: Actor, sla: str, targets: dict[str, TargetText], *,
                    at_risk_percent: int | None = None,
                    effective_from: dt.datetime | None = None) -> VersionSaved:
        """Several priorities' targets (and the at-risk share) in one new version.

        A duration that does not read names its field as ``P3:response`` (or
        ``P3:resolution``, ``P3:calendar``), so a form can show the message beside it."""
        require(actor, "sla.manage")
        wanted: dict[str, TargetText] = {}
        for priority, t in targets.items():
            prio = priority.strip().upper()
            if prio not in {p.value for p in Priority}:
                raise InvalidInput(f"{priority!r} is not a priority (P1 … P5).", "priority")
            wanted[prio] = t
        if at_risk_percent is not None and not 0 < at_risk_percent <= 100:
            raise InvalidInput("The at-risk share must be between 1 and 100 %.", "at_risk_percent")
        now = self.clock()
        with self.db.writing() as s:
            sla_row(s, sla)
            cat_days = {}
            from desk.sla import catalogue

            cat = catalogue.load(s)
            for name, info in cat.calendars.items():
                cat_days[name] = info.latest[3].business_day_s
            summary: list[str] = []

            def change(d: SlaDraft) -> None:
                for prio, t in sorted(wanted.items()):
                    cur = d.targets.get(prio)
                    cal = t.calendar or (cur.calendar if cur else None)
                    if cal is not None and cal not in cat_days:
                        raise InvalidInput(f"No calendar called {cal!r}.", f"{prio}:calendar")
                    per_day = cat_days.get(cal or d.calendar, 36_000)
                    r = _duration(t.response, per_day, prio, "response") if t.response else (
                        cur.response_s if cur else None)
                    z = _duration(t.resolution, per_day, prio, "resolution") if t.resolution else (
                        cur.resolution_s if cur else None)
                    if r is None or z is None:
                        raise InvalidInput(f"{prio} has no targets yet: give both a response and a resolution.",
                                           f"{prio}:response")
                    if r > z:
                        # A first answer due after the fix itself is a typing slip, not a target.
                        raise InvalidInput(
                            f"{prio}: the response target ({format_duration(r, per_day)}) is longer than the "
                            f"resolution target ({format_duration(z, per_day)}).", f"{prio}:response")
                    new = TargetDraft(r, z, cal)
                    if cur == new:
                        continue
                    d.targets[prio] = new
                    summary.append(f"{prio}: response {format_duration(r, per_day)}, resolution "
                                   f"{format_duration(z, per_day)} on {cal or d.calendar}")
                if at_risk_percent is not None and at_risk_percent != d.at_risk_percent:
                    d.at_risk_percent = at_risk_percent
                    summary.append(f"at risk from {at_risk_percent} %")
                if not summary:
                    raise InvalidInput("Nothing to save: the targets are as they are already.")

            v = change_sla(s, sla, change, now=now, actor_id=actor.staff_id, note=lambda: "; ".join(summary),
                           effective_from=self._effective(effective_from, now))
            note = "; ".join(summary)
            audit.record(s, actor, now, "sla", v.sla_id, "version", v.version - 1, v.version, note)
            return VersionSaved(sla, v.version, v.effective_from, note)

    # -- new calendars and SLAs ----------------------------------------------
    def create_calendar(self, actor: Actor, name: str, *, time_zone: str, hours: str,
                        holidays: str | None = None, business_day_hours: float | None = 10,
                        description: str = "") -> VersionSaved:
        """A new calendar; ``holidays`` like 'US-NC' or 'GB-ENG' (holidays package codes).
        ``business_day_hours`` None: the longest working day of ``hours`` ("3bd" = three such days)."""
        require(actor, "sla.manage")
        title = name.strip()
        if not title:
            raise InvalidInput("A calendar needs a name.", "name")
        title = clean_text(title, "name", single_line=True, max_length=80)   # the column's length
        country, _, subdiv = (holidays or "").partition("-")
        if business_day_hours is None:
            per_day: dict[int, int] = {}
            for h in parse_weekly(hours):
                per_day[h.weekday] = per_day.get(h.weekday, 0) + h.end_s - h.start_s
            business_day_hours = max(per_day.values(), default=0) / 3600
        draft = CalendarDraft(time_zone=time_zone, business_day_s=int(business_day_hours * 3600),
                              hours=list(parse_weekly(hours)), holiday_country=country or None,
                              holiday_subdivision=subdiv or None)
        if draft.business_day_s <= 0:
            raise InvalidInput("A business day must be longer than zero hours.", "business_day_hours")
        spec = draft.spec(title)
        if spec.holiday_country:
            spec.holiday_name(dt.date(2000, 1, 1))  # unknown country codes fail here, before writing
        now = self.clock()
        from sqlalchemy import select

        from db.models import Calendar
        from desk.sla.versions import write_calendar_version

        with self.db.writing() as s:
            if s.execute(select(Calendar.id).where(Calendar.name == title)).first():
                raise InvalidInput(f"A calendar called {title!r} exists already.", "name")
            cal = Calendar(name=title, description=description, created_at=now)
            s.add(cal)
            s.flush()
            v = write_calendar_version(s, cal, draft, effective_from=now.replace(microsecond=0), now=now,
                                       actor_id=actor.staff_id, note="Created")
            audit.record(s, actor, now, "calendar", cal.id, "created", None, title)
            return VersionSaved(title, v.version, v.effective_from, f"{format_weekly(spec.hours)} ({time_zone})")

    def create_sla(self, actor: Actor, name: str, *, copy_from: str, calendar: str | None = None,
                   description: str = "") -> VersionSaved:
        """A new SLA starting as a copy of another's current targets (then use set_target)."""
        require(actor, "sla.manage")
        title = name.strip()
        if not title:
            raise InvalidInput("An SLA needs a name.", "name")
        title = clean_text(title, "name", single_line=True, max_length=120)  # the column's length
        now = self.clock()
        from sqlalchemy import select

        from db.models import Sla
        from desk.sla.versions import latest_sla_version, sla_draft, write_sla_version

        with self.db.writing() as s:
            if s.execute(select(Sla.id).where(Sla.name == title)).first():
                raise InvalidInput(f"An SLA called {title!r} exists already.", "name")
            source = latest_sla_version(s, sla_row(s, copy_from).id)
            assert source is not None
            draft = sla_draft(s, source)
            if calendar:
                calendar_row(s, calendar)
                draft.calendar = calendar
            row = Sla(name=title, description=description, created_at=now)
            s.add(row)
            s.flush()
            # A new SLA measures nothing yet, so it may govern tickets from any time.
            from desk.sla.seed import SEED_EFFECTIVE

            v = write_sla_version(s, row, draft, effective_from=SEED_EFFECTIVE, now=now, actor_id=actor.staff_id,
                                  note=f"Created as a copy of {copy_from}", allow_past=True)
            audit.record(s, actor, now, "sla", row.id, "created", None, title)
            return VersionSaved(title, v.version, v.effective_from, f"copy of {copy_from} on {draft.calendar}")

    # -- history ---------------------------------------------------------------
    def versions(self, kind: str, name: str) -> list[VersionLine]:
        """Every version of calendar (``kind='calendar'``) or SLA (``'sla'``) ``name``, oldest first."""
        from sqlalchemy import select

        from db.models import CalendarVersion, SlaVersion, StaffAccount

        with self.db.reading() as s:
            if kind == "calendar":
                cal_id = calendar_row(s, name).id
                rows = [(v.version, v.effective_from, v.created_at, who, v.note) for v, who in s.execute(
                    select(CalendarVersion, StaffAccount.display_name)
                    .outerjoin(StaffAccount, StaffAccount.id == CalendarVersion.created_by_id)
                    .where(CalendarVersion.calendar_id == cal_id).order_by(CalendarVersion.version)).all()]
            else:
                sla_id = sla_row(s, name).id
                rows = [(v.version, v.effective_from, v.created_at, who, v.note) for v, who in s.execute(
                    select(SlaVersion, StaffAccount.display_name)
                    .outerjoin(StaffAccount, StaffAccount.id == SlaVersion.created_by_id)
                    .where(SlaVersion.sla_id == sla_id).order_by(SlaVersion.version)).all()]
            return [VersionLine(*r) for r in rows]
