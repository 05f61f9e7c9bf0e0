"""Reading a major incident and the list of open ones inside a unit of work."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from db.enums import JournalKind
from db.models import Incident, JournalEntry, MajorTeamMember, Problem, Service, StaffAccount
from desk.major.views import ChildView, CommsEntry, MajorSummary, MajorView, TeamMemberView
from desk.rules import labels, lifecycle


def overdue(next_due: dt.datetime | None, status: object, now: dt.datetime) -> bool:
    return next_due is not None and status in lifecycle.OPEN_STATUSES and next_due < now


def load_major(s: Session, incident_id: int, now: dt.datetime) -> MajorView:
    inc = s.get(Incident, incident_id)
    assert inc is not None
    s.refresh(inc)  # the caller may have changed it through another path in this session
    manager = s.get(StaffAccount, inc.major_manager_id) if inc.major_manager_id else None
    service = s.get(Service, inc.service_id) if inc.service_id else None
    team = tuple(
        TeamMemberView(acc.username, acc.display_name, m.role, m.added_at)
        for m, acc in s.execute(
            select(MajorTeamMember, StaffAccount).join(StaffAccount, StaffAccount.id == MajorTeamMember.staff_id)
            .where(MajorTeamMember.incident_id == inc.id).order_by(MajorTeamMember.added_at, MajorTeamMember.id))
    )
    comms = tuple(
        CommsEntry(e.at, name, e.body)
        for e, name in s.execute(
            select(JournalEntry, StaffAccount.display_name)
            .outerjoin(StaffAccount, StaffAccount.id == JournalEntry.author_id)
            .where(JournalEntry.incident_id == inc.id, JournalEntry.kind == JournalKind.COMMS)
            .order_by(JournalEntry.at, JournalEntry.id))
    )
    children = tuple(
        ChildView(c.number, c.title, c.status.value, labels.status(c.status), c.opened_at)
        for c in s.execute(select(Incident).where(Incident.parent_id == inc.id)
                           .order_by(Incident.opened_at, Incident.id)).scalars()
    )
    linked = [Problem.major_incident_id == inc.id]
    if inc.problem_id is not None:
        linked.append(Problem.id == inc.problem_id)
    problems = tuple(s.execute(select(Problem.number).where(or_(*linked)).order_by(Problem.number)).scalars())
    return MajorView(
        id=inc.id, number=inc.number, title=inc.title, status=inc.status.value,
        status_label=labels.status(inc.status), service=service.name if service else None,
        priority=inc.priority.value, is_major=inc.is_major,
        manager=manager.display_name if manager else None, manager_username=manager.username if manager else None,
        opened_at=inc.opened_at, resolved_at=inc.resolved_at, next_update_due_at=inc.next_update_due_at,
        update_overdue=overdue(inc.next_update_due_at, inc.status, now), team=team, comms=comms,
        children=children, problem_numbers=problems, version=inc.version,
    )


def open_majors(s: Session, now: dt.datetime) -> list[MajorSummary]:
    child = aliased(Incident)
    counts = (select(child.parent_id, func.count().label("n")).where(child.parent_id.is_not(None))
              .group_by(child.parent_id).subquery())
    rows = s.execute(
        select(Incident, Service.name, StaffAccount.display_name, counts.c.n)
        .outerjoin(Service, Service.id == Incident.service_id)
        .outerjoin(StaffAccount, StaffAccount.id == Incident.major_manager_id)
        .outerjoin(counts, counts.c.parent_id == Incident.id)
        .where(Incident.is_major.is_(True), Incident.status.in_(list(lifecycle.OPEN_STATUSES)))
        .order_by(Incident.opened_at, Incident.id)
    ).all()
    return [MajorSummary(i.number, i.title, svc, labels.status(i.status), mgr, int(n or 0), i.opened_at,
                         i.next_update_due_at, overdue(i.next_update_due_at, i.status, now))
            for i, svc, mgr, n in rows]
