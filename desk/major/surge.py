"""The surge rule: many incidents on one service in a short window → propose a major incident.

The thresholds are data (table ``major_incident_rules``: a default row and per-service
overrides), read here; nothing is written. A supervisor confirms a proposal through
``MajorIncidentService.confirm_proposal``.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry, Incident, MajorIncidentRule, Service
from desk.errors import InvalidInput
from desk.major.views import Proposal, RuleView
from desk.rules import lifecycle

# How far back a surge still counts as current: unconfirmed proposals older than a day
# are stale (the outage is over or handled some other way).
LOOKBACK = dt.timedelta(hours=24)


def rules(s: Session) -> tuple[RuleView, dict[int, RuleView]]:
    """(the default rule, {service_id: override})."""
    default: RuleView | None = None
    per_service: dict[int, RuleView] = {}
    for r, name in s.execute(select(MajorIncidentRule, Service.name)
                             .outerjoin(Service, Service.id == MajorIncidentRule.service_id)):
        view = RuleView(name, r.surge_threshold, r.surge_window_minutes, r.update_interval_minutes)
        if r.service_id is None:
            default = view
        else:
            per_service[r.service_id] = view
    if default is None:
        raise InvalidInput("No default major-incident rule (run `desk db upgrade`).")
    return default, per_service


def rule_for(s: Session, service_id: int | None) -> RuleView:
    default, per_service = rules(s)
    return per_service.get(service_id, default) if service_id is not None else default


def _surge_start(times: list[dt.datetime], threshold: int, window: dt.timedelta) -> int | None:
    """Index of the first incident of the earliest window holding ``threshold`` incidents."""
    lo = 0
    for hi, t in enumerate(times):
        while t - times[lo] > window:
            lo += 1
        if hi - lo + 1 >= threshold:
            return lo
    return None


# A dismissed surge is remembered in the audit log (entity "service", this field, the
# opening time of the last incident it covered): later incidents can start a new one.
DISMISSED_FIELD = "surge_dismissed"


def _dismissed_until(s: Session, since: dt.datetime) -> dict[int, dt.datetime]:
    out: dict[int, dt.datetime] = {}
    for service_id, value in s.execute(
            select(AuditEntry.entity_id, AuditEntry.new_value)
            .where(AuditEntry.entity == "service", AuditEntry.field == DISMISSED_FIELD, AuditEntry.at >= since)):
        if value:
            at = dt.datetime.fromisoformat(value)
            out[int(service_id)] = max(at, out.get(int(service_id), at))
    return out


def _unlinked_before(s: Session, major_ids: list[int], candidates: list[str]) -> set[str]:
    """Incidents someone unlinked from these majors: not proposed for linking again."""
    if not major_ids or not candidates:
        return set()
    return set(s.execute(
        select(Incident.number).join(AuditEntry, AuditEntry.entity_id == Incident.id)
        .where(AuditEntry.entity == "incident", AuditEntry.field == "parent_id",
               AuditEntry.old_value.in_([str(i) for i in major_ids]), Incident.number.in_(candidates))).scalars())


def find_proposals(s: Session, now: dt.datetime) -> list[Proposal]:
    default, per_service = rules(s)
    since = now - LOOKBACK
    open_statuses = list(lifecycle.OPEN_STATUSES)
    # Candidates: open, ordinary (not major, not already a child) incidents on a service.
    rows = s.execute(
        select(Incident.service_id, Incident.number, Incident.opened_at)
        .where(Incident.opened_at >= since, Incident.service_id.is_not(None), Incident.is_major.is_(False),
               Incident.parent_id.is_(None), Incident.status.in_(open_statuses))
        .order_by(Incident.opened_at, Incident.id)
    ).all()
    by_service: dict[int, list[tuple[str, dt.datetime]]] = defaultdict(list)
    for service_id, number, opened in rows:
        if service_id is not None:  # filtered in SQL; this tells the type checker
            by_service[service_id].append((number, opened))
    dismissed = _dismissed_until(s, since)
    majors = {sid: (number, opened, major_id) for sid, number, opened, major_id in s.execute(
        select(Incident.service_id, Incident.number, Incident.opened_at, Incident.id)
        .where(Incident.is_major.is_(True), Incident.status.in_(open_statuses), Incident.service_id.is_not(None))
        .order_by(Incident.opened_at))}  # the newest open major on a service wins
    names = dict(s.execute(select(Service.id, Service.name).where(Service.id.in_(list(by_service)))).all())
    unlinked = _unlinked_before(s, [m[2] for sid, m in majors.items() if sid in by_service],
                                [n for sid in by_service if sid in majors for n, _ in by_service[sid]])
    out: list[Proposal] = []
    for service_id, items in by_service.items():
        rule = per_service.get(service_id, default)
        window = dt.timedelta(minutes=rule.surge_window_minutes)
        if service_id in majors:
            major_number, major_opened, _ = majors[service_id]
            # Incidents opened during the outage (from a window before it was declared) belong to it.
            during = [(n, t) for n, t in items if t >= major_opened - window and n not in unlinked]
            if during:
                out.append(Proposal("link", names[service_id], tuple(n for n, _ in during), during[0][1],
                                    during[-1][1], rule.surge_threshold, rule.surge_window_minutes, major_number))
            continue
        if service_id in dismissed:
            items = [(n, t) for n, t in items if t > dismissed[service_id]]
        start = _surge_start([t for _, t in items], rule.surge_threshold, window)
        if start is not None:
            surge = items[start:]
            out.append(Proposal("open", names[service_id], tuple(n for n, _ in surge), surge[0][1], surge[-1][1],
                                rule.surge_threshold, rule.surge_window_minutes))
    out.sort(key=lambda p: (p.kind != "open", p.first_opened_at))
    return out
