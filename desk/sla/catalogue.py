"""Calendars and SLAs loaded from the database into immutable specs and clocks.

Versions are append-only, so a loaded catalogue stays right until a new version (or a
service's SLA choice) appears; ``load_cached`` keys a small process-wide cache on a
fingerprint of exactly that, which makes per-event refreshes cheap.
"""
from __future__ import annotations

import threading
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from db.models import (
    Calendar,
    CalendarClosure,
    CalendarHours,
    CalendarPeriod,
    CalendarVersion,
    IncidentModel,
    Service,
    Sla,
    SlaTarget,
    SlaVersion,
)
from desk.errors import NotFound
from desk.sla.calendar import CalendarSpec, Closure, TermPeriod, WeeklyHours
from desk.sla.clock import BusinessClock, to_epoch
from desk.sla.replay import Target


@dataclass(frozen=True)
class CalendarInfo:
    id: int
    name: str
    description: str
    # (effective_from epoch, version number, version row id, spec), oldest first
    versions: tuple[tuple[int, int, int, CalendarSpec], ...]

    def version_at(self, epoch: int) -> tuple[int, int, int, CalendarSpec]:
        starts = [v[0] for v in self.versions]
        return self.versions[max(0, bisect_right(starts, epoch) - 1)]

    @property
    def latest(self) -> tuple[int, int, int, CalendarSpec]:
        return self.versions[-1]


@dataclass(frozen=True)
class TargetRule:
    priority: str
    response_s: int
    resolution_s: int
    calendar: str


@dataclass(frozen=True)
class SlaPolicy:
    """One version of one SLA."""

    sla_id: int
    name: str
    version: int
    version_id: int
    effective_from: int
    calendar: str
    at_risk_percent: int
    auto_close_business_days: int
    targets: dict[str, TargetRule] = field(hash=False, compare=False)


@dataclass
class Catalogue:
    calendars: dict[str, CalendarInfo]
    slas: dict[str, list[SlaPolicy]]          # oldest version first
    service_sla: dict[int, str | None]
    model_override: dict[int, str | None]
    by_version_id: dict[int, SlaPolicy] = field(default_factory=dict)
    clocks: dict[str, BusinessClock] = field(default_factory=dict)
    _targets: dict[tuple[int, str], Target | None] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        for versions in self.slas.values():
            for p in versions:
                self.by_version_id.setdefault(p.version_id, p)

    def clock(self, calendar: str) -> BusinessClock:
        c = self.clocks.get(calendar)
        if c is None:
            info = self.calendars.get(calendar)
            if info is None:
                raise NotFound(f"No calendar called {calendar!r}.")
            c = BusinessClock([(eff, spec) for eff, _, _, spec in info.versions], name=calendar)
            self.clocks[calendar] = c
        return c

    def sla_name_for(self, service_id: int | None, model_id: int | None) -> str | None:
        if model_id is not None:
            override = self.model_override.get(model_id)
            if override and override in self.slas:
                return override
        if service_id is None:
            return None
        name = self.service_sla.get(service_id)
        return name if name in self.slas else None

    def policy(self, sla_name: str | None, opened_at: int) -> SlaPolicy | None:
        """The version of ``sla_name`` in force when a ticket opened at ``opened_at``."""
        if sla_name is None:
            return None
        versions = self.slas.get(sla_name)
        if not versions:
            return None
        starts = [v.effective_from for v in versions]
        return versions[max(0, bisect_right(starts, opened_at) - 1)]

    def target(self, policy: SlaPolicy | None, priority: str) -> Target | None:
        if policy is None:
            return None
        key = (policy.version_id, priority)
        if key not in self._targets:
            rule = policy.targets.get(priority)
            self._targets[key] = None if rule is None else Target(
                rule.response_s, rule.resolution_s, self.clock(rule.calendar), policy.at_risk_percent)
        return self._targets[key]


def _calendar_specs(s: Session) -> dict[str, CalendarInfo]:
    cals = s.execute(select(Calendar)).scalars().all()
    versions = s.execute(select(CalendarVersion).order_by(CalendarVersion.calendar_id,
                                                          CalendarVersion.version)).scalars().all()
    periods = s.execute(select(CalendarPeriod)).scalars().all()
    hours = s.execute(select(CalendarHours)).scalars().all()
    closures = s.execute(select(CalendarClosure)).scalars().all()
    hours_by: dict[tuple[int, int | None], list[WeeklyHours]] = {}
    for h in hours:
        hours_by.setdefault((h.calendar_version_id, h.period_id), []).append(
            WeeklyHours(h.weekday, h.start_s, h.end_s))
    periods_by: dict[int, list[TermPeriod]] = {}
    for p in periods:
        periods_by.setdefault(p.calendar_version_id, []).append(TermPeriod(
            p.name, p.start_date, p.end_date, tuple(hours_by.get((p.calendar_version_id, p.id), ()))))
    closures_by: dict[int, list[Closure]] = {}
    for c in closures:
        closures_by.setdefault(c.calendar_version_id, []).append(Closure(c.name, c.starts_local, c.ends_local))
    by_cal: dict[int, list[tuple[int, int, int, CalendarSpec]]] = {}
    names = {c.id: c.name for c in cals}
    for v in versions:
        spec = CalendarSpec(
            name=names[v.calendar_id], time_zone=v.time_zone,
            hours=tuple(hours_by.get((v.id, None), ())),
            periods=tuple(sorted(periods_by.get(v.id, ()), key=lambda p: p.start)),
            holiday_country=v.holiday_country, holiday_subdivision=v.holiday_subdivision,
            closures=tuple(sorted(closures_by.get(v.id, ()), key=lambda c: c.start)),
            business_day_s=v.business_day_s, version=v.version,
        )
        by_cal.setdefault(v.calendar_id, []).append((to_epoch(v.effective_from), v.version, v.id, spec))
    return {c.name: CalendarInfo(c.id, c.name, c.description, tuple(by_cal.get(c.id, ())))
            for c in cals if by_cal.get(c.id)}


def load(s: Session) -> Catalogue:
    calendars = _calendar_specs(s)
    cal_names = {i.id: i.name for i in calendars.values()}
    slas = {x.id: x.name for x in s.execute(select(Sla)).scalars()}
    targets: dict[int, dict[str, TargetRule]] = {}
    versions = s.execute(select(SlaVersion).order_by(SlaVersion.sla_id, SlaVersion.version)).scalars().all()
    version_cal = {v.id: cal_names.get(v.calendar_id, "") for v in versions}
    for t in s.execute(select(SlaTarget)).scalars():
        cal = cal_names.get(t.calendar_id, "") if t.calendar_id is not None else version_cal.get(t.sla_version_id, "")
        targets.setdefault(t.sla_version_id, {})[t.priority.value] = TargetRule(
            t.priority.value, t.response_s, t.resolution_s, cal)
    by_sla: dict[str, list[SlaPolicy]] = {}
    for v in versions:
        name = slas[v.sla_id]
        by_sla.setdefault(name, []).append(SlaPolicy(
            v.sla_id, name, v.version, v.id, to_epoch(v.effective_from), cal_names.get(v.calendar_id, ""),
            v.at_risk_percent, v.auto_close_business_days, targets.get(v.id, {})))
    services = dict(s.execute(select(Service.id, Service.sla_name)).all())
    models = dict(s.execute(select(IncidentModel.id, IncidentModel.sla_override)).all())
    return Catalogue(calendars, by_sla, services, models)


def fingerprint(conn: Connection | Session) -> tuple[Any, ...]:
    row = conn.execute(text(
        "SELECT (SELECT MAX(id) FROM sla_calendar_versions), (SELECT COUNT(*) FROM sla_calendar_versions),"
        " (SELECT MAX(id) FROM sla_versions), (SELECT COUNT(*) FROM sla_versions),"
        " (SELECT MAX(id) FROM sla_calendars)")).one()
    services = tuple(conn.execute(text("SELECT id, sla_name FROM services ORDER BY id")).all())
    models = tuple(conn.execute(text("SELECT id, sla_override FROM incident_models ORDER BY id")).all())
    return (tuple(row), hash(services), hash(models))


_CACHE: dict[tuple[str, tuple[Any, ...]], Catalogue] = {}
_CACHE_LOCK = threading.Lock()


def load_cached(s: Session) -> Catalogue:
    """The catalogue for this database, reused while no version has been added."""
    bind = s.get_bind()
    key = (str(bind.engine.url) if hasattr(bind, "engine") else str(id(bind)), fingerprint(s))
    with _CACHE_LOCK:
        cat = _CACHE.get(key)
    if cat is None:
        cat = load(s)
        with _CACHE_LOCK:
            if len(_CACHE) > 16:
                _CACHE.clear()
            _CACHE[key] = cat
    return cat
