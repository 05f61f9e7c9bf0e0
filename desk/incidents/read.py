"""Reading incidents into plain views (one joined query, no ORM objects handed out)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import (
    AuditEntry,
    Category,
    Department,
    Incident,
    IncidentModel,
    JournalEntry,
    Person,
    Problem,
    Service,
    StaffAccount,
    Task,
    Team,
    VipGrant,
)
from desk.common.records import AuditView, IncidentView, JournalView, TaskView
from desk.errors import NotFound

_Parent = aliased(Incident)


def _vip_now():
    return exists().where(
        VipGrant.person_id == Incident.caller_id, VipGrant.revoked_at.is_(None)
    ).correlate(Incident)


def incident_view_query() -> Select:
    return (
        select(
            Incident, Person.university_id, Person.given_name, Person.preferred_name,
            Person.family_name, Department.name, Service.name, Category.name, Team.name,
            StaffAccount.display_name, _Parent.number, Problem.number, IncidentModel.name,
            _vip_now().label("caller_is_vip"),
        )
        .outerjoin(Person, Person.id == Incident.caller_id)
        .outerjoin(Department, Department.id == Incident.acting_department_id)
        .outerjoin(Service, Service.id == Incident.service_id)
        .outerjoin(Category, Category.id == Incident.category_id)
        .outerjoin(Team, Team.id == Incident.team_id)
        .outerjoin(StaffAccount, StaffAccount.id == Incident.assignee_id)
        .outerjoin(_Parent, _Parent.id == Incident.parent_id)
        .outerjoin(Problem, Problem.id == Incident.problem_id)
        .outerjoin(IncidentModel, IncidentModel.id == Incident.model_id)
    )


def _row_to_view(row: tuple) -> IncidentView:
    (inc, uid, given, preferred, family, dept, service, category, team, assignee, parent,
     problem, model, is_vip) = row
    name = f"{preferred or given} {family}".strip() if uid else None
    return IncidentView(
        id=inc.id, number=inc.number, title=inc.title, description=inc.description,
        caller_id=inc.caller_id, caller_university_id=uid, caller_name=name,
        caller_is_vip=bool(is_vip),
        acting_status=inc.acting_status.value if inc.acting_status else None,
        acting_department=dept, service=service, category=category,
        impact=inc.impact.value, urgency=inc.urgency.value, priority=inc.priority.value,
        priority_explanation=inc.priority_explanation, status=inc.status.value, team=team,
        assignee=assignee, assignee_id=inc.assignee_id, channel=inc.channel.value,
        opened_at=inc.opened_at, updated_at=inc.updated_at, responded_at=inc.responded_at,
        resolved_at=inc.resolved_at, closed_at=inc.closed_at,
        response_due_at=inc.response_due_at, resolution_due_at=inc.resolution_due_at,
        response_breached_at=inc.response_breached_at,
        resolution_breached_at=inc.resolution_breached_at,
        response_at_risk_at=inc.response_at_risk_at, resolution_at_risk_at=inc.resolution_at_risk_at,
        sla_paused_at=inc.sla_paused_at,
        resolution_code=inc.resolution_code, resolution_note=inc.resolution_note,
        cancel_reason=inc.cancel_reason, parent_number=parent, problem_number=problem,
        model=model, is_major=inc.is_major, version=inc.version,
    )


def load_incident(session: Session, incident_id: int) -> IncidentView:
    row = session.execute(incident_view_query().where(Incident.id == incident_id)).first()
    if row is None:
        raise NotFound(f"No incident with id {incident_id}.")
    return _row_to_view(tuple(row))


def list_incidents(
    session: Session, *, statuses: list[str] | None = None, team: str | None = None,
    assignee: str | None = None, search: str | None = None, limit: int = 50,
) -> list[IncidentView]:
    stmt = incident_view_query()
    if statuses:
        stmt = stmt.where(Incident.status.in_(statuses))
    if team:
        stmt = stmt.where(Team.name == team)
    if assignee:
        stmt = stmt.where(StaffAccount.username == assignee)
    if search:
        from desk.common.search import matching_incident_ids

        stmt = stmt.where(Incident.id.in_(matching_incident_ids(session, search)))
    stmt = stmt.order_by(Incident.updated_at.desc(), Incident.id.desc()).limit(limit)
    return [_row_to_view(tuple(r)) for r in session.execute(stmt)]


def journal(session: Session, incident_id: int) -> list[JournalView]:
    rows = session.execute(
        select(JournalEntry, StaffAccount.display_name)
        .outerjoin(StaffAccount, StaffAccount.id == JournalEntry.author_id)
        .where(JournalEntry.incident_id == incident_id)
        .order_by(JournalEntry.at.desc(), JournalEntry.id.desc())
    )
    return [JournalView(j.id, j.kind.value, j.body, author, j.at) for j, author in rows]


def tasks(session: Session, incident_id: int) -> list[TaskView]:
    rows = session.execute(
        select(Task, StaffAccount.display_name)
        .outerjoin(StaffAccount, StaffAccount.id == Task.done_by_id)
        .where(Task.incident_id == incident_id).order_by(Task.position)
    )
    return [
        TaskView(t.id, t.position, t.title, t.condition, t.done, t.skipped, t.done_at, who, t.version)
        for t, who in rows
    ]


# Bookkeeping the ticket's history leaves out: values derived from the rows it shows (the
# SLA engine's stored measurements, the priority's explanation). The shared server audits
# them for a staff login's change (a forged value is on record), Desk never writes them.
TIMELINE_HIDDEN = frozenset({
    "priority_explanation", "response_due_at", "resolution_due_at", "response_at_risk_at",
    "resolution_at_risk_at", "response_target_s", "resolution_target_s", "response_elapsed_s",
    "resolution_elapsed_s", "sla_paused_at", "sla_version_id",
})


def audit_trail(session: Session, entity: str, entity_id: int) -> list[AuditView]:
    rows = session.execute(
        select(AuditEntry, StaffAccount.display_name)
        .outerjoin(StaffAccount, StaffAccount.id == AuditEntry.actor_id)
        .where(and_(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id,
                    AuditEntry.field.not_in(TIMELINE_HIDDEN)))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    entries = [(a.at, who, a.field, a.old_value, a.new_value, a.reason) for a, who in rows]
    names = _names_of_ids(session, [(f, v) for _at, _who, f, old, new, _r in entries for v in (old, new)])
    def named(field: str, value: str | None) -> str | None:
        return names.get((field, value), value) if value is not None else None

    return [AuditView(at, who, f, named(f, old), named(f, new), why) for at, who, f, old, new, why in entries]


def _names_of_ids(session: Session, values: list[tuple[str, str | None]]) -> dict[tuple[str, str], str]:
    """What an id in the audit log refers to, in words: "assignee_id 3 → 1" reads as the
    two people's names, "problem_id" as the problem's number. One query per kind of id;
    an id that no longer resolves is shown as it is stored."""
    wanted: dict[str, set[int]] = {}
    for field, value in values:
        if field in _ID_FIELDS and value is not None and str(value).isdigit():
            wanted.setdefault(field, set()).add(int(value))
    out: dict[tuple[str, str], str] = {}
    for field, ids in wanted.items():
        key, label = _ID_FIELDS[field]
        for rid, text in session.execute(select(key, label).where(key.in_(ids))):
            out[(field, str(rid))] = str(text)
    return out


# audit field -> (the id column it refers to, the words for that row)
_ID_FIELDS: dict[str, tuple[Any, Any]] = {
    "assignee_id": (StaffAccount.id, StaffAccount.display_name),
    "team_id": (Team.id, Team.name),
    "service_id": (Service.id, Service.name),
    "category_id": (Category.id, Category.name),
    "problem_id": (Problem.id, Problem.number),
    "parent_id": (Incident.id, Incident.number),
    "caller_id": (Person.id, Person.given_name + " " + Person.family_name),
    "acting_department_id": (Department.id, Department.name),
}


def open_incidents_of_person(session: Session, person_id: int, exclude_id: int | None = None) -> list[IncidentView]:
    from desk.rules.lifecycle import OPEN_STATUSES

    stmt = incident_view_query().where(
        Incident.caller_id == person_id, Incident.status.in_(list(OPEN_STATUSES))
    )
    if exclude_id is not None:
        stmt = stmt.where(or_(Incident.id != exclude_id))
    return [_row_to_view(tuple(r)) for r in session.execute(stmt.order_by(Incident.opened_at.desc()))]
