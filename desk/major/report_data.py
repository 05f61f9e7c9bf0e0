"""What the post-incident report holds, read in one unit of work: the timeline merged from
the audit log and the communication log, the children, the duration in wall-clock and in
business time (the SLA engine's clock for the incident's calendar), the root cause."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from db.models import AuditEntry, Incident, Problem, StaffAccount, Team
from desk.actor import Actor
from desk.common.site import DESK_CALENDAR, Site
from desk.incidents.read import TIMELINE_HIDDEN
from desk.major.read import load_major
from desk.major.views import MajorView
from desk.rules import labels
from desk.sla.catalogue import load_cached
from desk.sla.clock import BusinessClock, to_epoch

# Audit fields the timeline leaves out: bookkeeping that the comms log (pages) or the
# summary already shows, and instants a status row already says (the server's audit of a
# staff login's change records them as columns of their own).
QUIET_FIELDS = {"next_update_due_at", "resolution_code", "resolution_note", "created", "page",
                "responded_at", "resolved_at", "closed_at", "response_breached_at", "resolution_breached_at",
                *TIMELINE_HIDDEN}


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    who: str
    what: str
    comms: bool     # an entry of the communication log (else the audit log)


@dataclass(frozen=True)
class RootCause:
    problem: str
    title: str
    status: str
    root_cause: str | None
    workaround: str | None


@dataclass(frozen=True)
class ReportData:
    major: MajorView
    resolution_code: str | None
    resolution_note: str | None
    ended_at: dt.datetime            # resolved, or "now" for a major still open
    wall_seconds: int
    business_seconds: int
    calendar: str
    children_by_status: tuple[tuple[str, int], ...]
    timeline: tuple[TimelineEntry, ...]
    root_causes: tuple[RootCause, ...]
    generated_at: dt.datetime
    generated_by: str
    time_zone: str                   # the desk's (Site): the report prints its times in it


def _label(status: str | None) -> str:
    return labels.value("status", status)


def _calendar(s: Session, inc: Incident) -> tuple[str, BusinessClock]:
    cat = load_cached(s)
    policy = cat.by_version_id.get(inc.sla_version_id) if inc.sla_version_id else None
    if policy is None:
        policy = cat.policy(cat.sla_name_for(inc.service_id, inc.model_id), to_epoch(inc.opened_at))
    name = DESK_CALENDAR  # no SLA (no service): the desk's own business hours
    if policy is not None:
        rule = policy.targets.get(inc.priority.value)
        name = rule.calendar if rule else policy.calendar
    return name, cat.clock(name)


def _describe(a: AuditEntry, names: dict[int, str], teams: dict[int, str], child: str | None,
              major_id: int) -> str | None:
    f, old, new = a.field, a.old_value, a.new_value
    why = f" — {a.reason}" if a.reason else ""
    if child is not None:  # a row of a child incident: only its linking matters here
        return f"Linked child {child}" if new == str(major_id) else f"Unlinked child {child}"
    if f in QUIET_FIELDS:
        return None
    if f == "is_major":
        return f"Declared a major incident{why}"
    if f == "status" and old is None:
        return f"Opened ({_label(new)})"
    if f == "status":
        return f"Status {_label(old)} → {_label(new)}{why}"
    if f in ("major_manager_id", "assignee_id"):
        # In a major incident's own report its manager is simply "Manager".
        what = "Manager" if f == "major_manager_id" else labels.field(f)
        return f"{what}: {names.get(int(new), new) if new else 'none'}"
    if f == "team_id":
        return f"{labels.field(f)}: {teams.get(int(new), new) if new else 'none'}"
    if f == "major_team":
        if old and new:
            return f"Team role changed: {old} → {new}"
        return f"Team: added {new}" if new else f"Team: removed {old}"
    if f == "page":
        return f"Page from {new}: {a.reason or ''}".rstrip(": ")
    if f == "priority":
        return f"{labels.field(f)} {labels.value(f, old)} → {labels.value(f, new)}{why}"
    if f == "problem_id":
        return "Problem linked" if new else "Problem unlinked"
    return f"{labels.field(f)}: {labels.value(f, old)} → {labels.value(f, new)}{why}"


def gather(s: Session, number_id: int, now: dt.datetime, actor: Actor, site: Site) -> ReportData:
    inc = s.get(Incident, number_id)
    assert inc is not None
    view = load_major(s, inc.id, now)
    calendar, clock = _calendar(s, inc)
    ended = inc.resolved_at or now
    business = clock.between(inc.opened_at, ended)

    child_numbers = dict(s.execute(select(Incident.id, Incident.number).where(Incident.parent_id == inc.id)).all())
    # Children linked once and unlinked later show too: their audit rows name the major.
    rows = s.execute(select(AuditEntry).where(
        AuditEntry.entity == "incident",
        or_(AuditEntry.entity_id == inc.id,
            and_(AuditEntry.field == "parent_id",
                 or_(AuditEntry.new_value == str(inc.id), AuditEntry.old_value == str(inc.id)))))
        .order_by(AuditEntry.at, AuditEntry.id)).scalars().all()
    others = {a.entity_id for a in rows if a.entity_id != inc.id and a.entity_id not in child_numbers}
    if others:
        child_numbers.update(s.execute(select(Incident.id, Incident.number).where(Incident.id.in_(others))).all())
    names = dict(s.execute(select(StaffAccount.id, StaffAccount.display_name)).all())
    teams = dict(s.execute(select(Team.id, Team.name)).all())
    timeline: list[TimelineEntry] = []
    for a in rows:
        what = _describe(a, names, teams, child_numbers.get(a.entity_id) if a.entity_id != inc.id else None, inc.id)
        if what:
            who = names.get(a.actor_id, a.db_user or "system") if a.actor_id else (a.db_user or "system")
            timeline.append(TimelineEntry(a.at, who, what, comms=False))
    timeline.extend(TimelineEntry(c.at, c.author or "system", c.body, comms=True) for c in view.comms)
    timeline.sort(key=lambda e: (e.at, e.comms))

    counts = Counter(c.status_label for c in view.children)
    causes = tuple(RootCause(p.number, p.title, labels.problem_status(p.status), p.root_cause, p.workaround)
                   for p in s.execute(select(Problem).where(Problem.number.in_(view.problem_numbers))
                                      .order_by(Problem.number)).scalars())
    return ReportData(
        major=view, resolution_code=inc.resolution_code, resolution_note=inc.resolution_note, ended_at=ended,
        wall_seconds=int((ended - inc.opened_at).total_seconds()), business_seconds=int(business),
        calendar=calendar, children_by_status=tuple(sorted(counts.items())), timeline=tuple(timeline),
        root_causes=causes, generated_at=now, generated_by=actor.display_name, time_zone=site.time_zone,
    )
