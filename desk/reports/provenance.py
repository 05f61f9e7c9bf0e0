"""Where a report's numbers came from: which SLA and calendar versions were in force.

SLA definitions and calendars are versioned by the SLA engine (a new version with an
``effective_from`` instant, never an edit in place), so naming the versions in force
during the period lets anyone regenerate the same numbers.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Calendar, CalendarVersion, Service, Sla, SlaTarget, SlaVersion


def desk_version() -> str:
    try:
        return version("desk")
    except PackageNotFoundError:
        return "unknown"


def describe_head(seq: int, digest: str) -> str:
    """The audit chain's head as printed: entry number and its hash."""
    if seq == 0:
        return "empty audit log"
    return f"entry {seq:,} sha256 {digest}"


def _in_force(versions: list[tuple[int, int, dt.datetime]], start: dt.datetime,
              end: dt.datetime) -> list[tuple[int, int, dt.datetime]]:
    """Of (id, version, effective_from) of one record, those in force at some instant of
    [start, end): the last one effective at ``start`` and every one starting inside."""
    versions = sorted(versions, key=lambda v: (v[2], v[1]))
    at_start = [v for v in versions if v[2] <= start][-1:]
    return at_start + [v for v in versions if start < v[2] < end]


def sla_and_calendar_versions(s: Session, service_ids: tuple[int, ...], start: dt.datetime,
                              end: dt.datetime) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """("standard v2 (from 2026-09-01)", …) and ("service-desk v1 (America/New_York, …)", …)."""
    svc = select(Service.sla_name).where(Service.sla_name.is_not(None)).distinct()
    if service_ids:
        svc = svc.where(Service.id.in_(service_ids))
    sla_names = {n for n in s.execute(svc).scalars() if n is not None}
    slas = {i: n for i, n in s.execute(select(Sla.id, Sla.name)) if n in sla_names}
    by_sla: dict[int, list[tuple[int, int, dt.datetime]]] = defaultdict(list)
    calendar_of: dict[int, int] = {}
    for vid, sid, ver, eff, cal in s.execute(select(
            SlaVersion.id, SlaVersion.sla_id, SlaVersion.version, SlaVersion.effective_from,
            SlaVersion.calendar_id).where(SlaVersion.sla_id.in_(slas))):
        by_sla[sid].append((vid, ver, eff))
        calendar_of[vid] = cal
    sla_out: list[str] = []
    used_vids: list[int] = []
    for sid, name in sorted(slas.items(), key=lambda x: x[1]):
        for vid, ver, eff in _in_force(by_sla[sid], start, end):
            sla_out.append(f"{name} v{ver} (from {eff:%Y-%m-%d})")
            used_vids.append(vid)
    missing = sorted(sla_names - set(slas.values()))
    sla_out += [f"{n} (no versions recorded)" for n in missing]

    cal_ids = {calendar_of[v] for v in used_vids}
    if used_vids:
        cal_ids |= {c for c in s.execute(select(SlaTarget.calendar_id).where(
            SlaTarget.sla_version_id.in_(used_vids), SlaTarget.calendar_id.is_not(None))).scalars()
            if c is not None}
    cal_names = dict(s.execute(select(Calendar.id, Calendar.name).where(Calendar.id.in_(cal_ids))).all())
    by_cal: dict[int, list[tuple[int, int, dt.datetime]]] = defaultdict(list)
    zones: dict[int, str] = {}
    for vid, cid, ver, eff, tz in s.execute(select(
            CalendarVersion.id, CalendarVersion.calendar_id, CalendarVersion.version,
            CalendarVersion.effective_from, CalendarVersion.time_zone).where(CalendarVersion.calendar_id.in_(cal_ids))):
        by_cal[cid].append((vid, ver, eff))
        zones[vid] = tz
    cal_out = [f"{cal_names[cid]} v{ver} ({zones[vid]}, from {eff:%Y-%m-%d})"
               for cid in sorted(cal_names, key=lambda c: cal_names[c])
               for vid, ver, eff in _in_force(by_cal[cid], start, end)]
    return tuple(sla_out), tuple(cal_out)
