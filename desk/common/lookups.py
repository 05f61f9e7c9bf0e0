"""Resolve names typed by users (service, team, staff, person) to rows, or say what is wrong."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Category,
    Department,
    Incident,
    Person,
    Problem,
    Service,
    StaffAccount,
    Team,
    VipGrant,
    VipPolicy,
)
from desk.errors import InvalidInput, NotFound
from desk.rules.priority import VipPolicyRef


def _by_name(session: Session, model: type[Service | Team | Department], name: str, field: str, what: str) -> int:
    row = session.execute(select(model.id).where(func.lower(model.name) == name.strip().lower())).scalar()
    if row is None:
        known = session.execute(select(model.name).order_by(model.name).limit(12)).scalars().all()
        hint = f" Known: {', '.join(known)}." if known else ""
        raise InvalidInput(f"No {what} called {name!r}.{hint}", field)
    return int(row)


def service_id(session: Session, name: str, *, for_new_work: bool = False) -> int:
    """``for_new_work``: a ticket is being put on it, which a retired service refuses
    (its existing tickets, reports and history keep it)."""
    found = _by_name(session, Service, name, "service", "service")
    if for_new_work and not session.execute(select(Service.active).where(Service.id == found)).scalar():
        raise InvalidInput(f"The service {name.strip()!r} is retired: choose another for new tickets "
                           "(a supervisor can bring it back in Set-up).", "service")
    return found


def team_id(session: Session, name: str) -> int:
    return _by_name(session, Team, name, "team", "team")


def department_id(session: Session, name: str) -> int:
    return _by_name(session, Department, name, "acting_department", "department")


def category_id(session: Session, name: str, *, create: bool = False) -> int:
    row = session.execute(select(Category.id).where(func.lower(Category.name) == name.strip().lower())).scalar()
    if row is None and create:
        cat = Category(name=name.strip())
        session.add(cat)
        session.flush()
        return cat.id
    if row is None:
        raise InvalidInput(f"No category called {name!r}.", "category")
    return int(row)


def staff_id(session: Session, username: str, *, active_only: bool = True) -> int:
    """The account to assign work to. A deactivated account is refused by name (it keeps
    its history, not new work); ``active_only=False`` for taking someone off, which must
    still work after they left."""
    row = session.execute(
        select(StaffAccount.id, StaffAccount.active)
        .where(func.lower(StaffAccount.username) == username.strip().lower())
    ).first()
    if row is None:
        raise InvalidInput(f"No staff account {username!r}.", "assignee")
    if active_only and not row.active:
        raise InvalidInput(f"The staff account {username!r} is deactivated and cannot be assigned.", "assignee")
    return int(row.id)


def person_id(session: Session, university_id: str) -> int:
    row = session.execute(select(Person.id).where(Person.university_id == university_id.strip())).scalar()
    if row is None:
        raise InvalidInput(f"No person with university ID {university_id!r}.", "caller")
    return int(row)


def incident_by_number(session: Session, number: str, *, for_update: bool = False) -> Incident:
    stmt = select(Incident).where(Incident.number == normalise_number(number, "INC"))
    if for_update and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = session.execute(stmt).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No incident {number!r}.")
    return row


def problem_by_number(session: Session, number: str) -> Problem:
    row = session.execute(
        select(Problem).where(Problem.number == normalise_number(number, "PRB"))
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No problem {number!r}.")
    return row


def normalise_number(text: str, prefix: str) -> str:
    """Accept what people and scanners type: 'inc-123', '123', 'INC000123'."""
    raw = text.strip().upper().replace(" ", "")
    digits = raw.removeprefix(prefix).lstrip("-")
    if digits.isdigit():
        return f"{prefix}-{int(digits):06d}"
    return raw


def vip_policy_for(session: Session, person: int | None, at: dt.datetime) -> VipPolicyRef | None:
    """The VIP policy in force at ``at`` if the person holds VIP status then, else None."""
    if person is None:
        return None
    holds = session.execute(
        select(VipGrant.id).where(
            VipGrant.person_id == person, VipGrant.granted_at <= at,
            (VipGrant.revoked_at.is_(None)) | (VipGrant.revoked_at > at),
        ).limit(1)
    ).scalar()
    if holds is None:
        return None
    policy = current_vip_policy(session, at)
    return policy


def current_vip_policy(session: Session, at: dt.datetime) -> VipPolicyRef | None:
    row = session.execute(
        select(VipPolicy).where(VipPolicy.published_at <= at).order_by(VipPolicy.version.desc()).limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    return VipPolicyRef(row.id, row.version, row.published_at, row.urgency_levels_raised)
