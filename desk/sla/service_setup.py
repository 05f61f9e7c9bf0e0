"""The service catalogue as supervisors set it up: services, their SLA and default team.

A service is never deleted: tickets, incident models and reports name it, so retiring
one only stops it being offered for new tickets (``active``). Every change is one unit
of work with one audit entry per changed field, as the other admin changes are; on
PostgreSQL a staff login's changes are audited by the server's triggers instead
(``desk.common.audit.record`` decides), and only supervisors may write ``services``.

Changing a service's SLA governs tickets opened from then on: a ticket already measured
keeps the SLA version it was pinned to (``desk.sla.measure.evaluate``), so nothing that
was met or missed moves.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Category, Incident, Service, ServiceCategory, Sla, Team
from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.common import audit, lookups
from desk.errors import InvalidInput, NotFound
from desk.rules import lifecycle
from desk.rules.permissions import require

NAME_MAX = 120


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    name: str
    description: str
    sla: str | None
    team: str | None
    active: bool
    open_tickets: int
    # The service's own categories, offered on its tickets (by name).
    categories: tuple[str, ...] = ()
    # Categories its tickets actually carry, most used first (a hint for the list above).
    categories_used: tuple[str, ...] = ()


def _clean_name(name: str) -> str:
    title = " ".join(name.split())
    if not title:
        raise InvalidInput("A service needs a name (e.g. 'Classroom Technology').", "name")
    if len(title) > NAME_MAX:
        raise InvalidInput(f"A service name has at most {NAME_MAX} characters.", "name")
    return title


def _service(s: Session, name: str) -> Service:
    row = s.execute(select(Service).where(func.lower(Service.name) == name.strip().lower())).scalar_one_or_none()
    if row is None:
        known = ", ".join(s.execute(select(Service.name).order_by(Service.name).limit(12)).scalars()) or "none"
        raise NotFound(f"No service called {name!r} (services: {known}).")
    return row


def _sla_name(s: Session, name: str) -> str:
    row = s.execute(select(Sla.name).where(func.lower(Sla.name) == name.strip().lower())).scalar()
    if row is None:
        known = ", ".join(s.execute(select(Sla.name).order_by(Sla.name)).scalars()) or "none"
        raise InvalidInput(f"No SLA called {name!r} (SLAs: {known}).", "sla")
    return str(row)


def _team_id(s: Session, name: str) -> int:
    row = s.execute(select(Team.id).where(func.lower(Team.name) == name.strip().lower())).scalar()
    if row is None:
        known = ", ".join(s.execute(select(Team.name).order_by(Team.name)).scalars()) or "none"
        raise InvalidInput(f"No team called {name!r} (teams: {known}).", "team")
    return int(row)


class ServiceCatalogueAdmin:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    # -- reading -------------------------------------------------------------
    def services(self, *, include_retired: bool = True) -> list[ServiceInfo]:
        with self.db.reading() as s:
            return self._infos(s, include_retired=include_retired)

    def get(self, name: str) -> ServiceInfo:
        with self.db.reading() as s:
            row = _service(s, name)
            return next(i for i in self._infos(s, include_retired=True) if i.id == row.id)

    def teams(self) -> list[str]:
        with self.db.reading() as s:
            return list(s.execute(select(Team.name).order_by(Team.name)).scalars())

    def _infos(self, s: Session, *, include_retired: bool) -> list[ServiceInfo]:
        stmt = select(Service, Team.name).outerjoin(Team, Team.id == Service.default_team_id).order_by(Service.name)
        if not include_retired:
            stmt = stmt.where(Service.active.is_(True))
        rows = s.execute(stmt).all()
        open_counts = dict(s.execute(
            select(Incident.service_id, func.count()).where(
                Incident.status.in_(list(lifecycle.OPEN_STATUSES))).group_by(Incident.service_id)).all())
        used: dict[int, list[str]] = {}
        for service_id, cat, _n in s.execute(
                select(Incident.service_id, Category.name, func.count().label("n"))
                .join(Category, Category.id == Incident.category_id)
                .group_by(Incident.service_id, Category.name)
                .order_by(Incident.service_id, func.count().desc(), Category.name)).all():
            if service_id is not None:
                used.setdefault(service_id, []).append(cat)
        own: dict[int, list[str]] = {}
        for service_id, cat in s.execute(select(ServiceCategory.service_id, Category.name)
                                         .join(Category, Category.id == ServiceCategory.category_id)
                                         .order_by(Category.name)).all():
            own.setdefault(service_id, []).append(cat)
        return [ServiceInfo(sv.id, sv.name, sv.description or "", sv.sla_name, team, bool(sv.active),
                            int(open_counts.get(sv.id, 0)), tuple(own.get(sv.id, ())),
                            tuple(used.get(sv.id, ())[:8]))
                for sv, team in rows]

    # -- writing -------------------------------------------------------------
    def add(self, actor: Actor, name: str, *, description: str = "", sla: str = "standard",
            team: str | None = None, categories: list[str] | None = None) -> ServiceInfo:
        require(actor, "sla.manage")
        title = _clean_name(name)
        now = self.clock()
        with self.db.writing() as s:
            if s.execute(select(Service.id).where(func.lower(Service.name) == title.lower())).first():
                raise InvalidInput(f"A service called {title!r} exists already.", "name")
            row = Service(name=title, description=description.strip() or None, sla_name=_sla_name(s, sla),
                          default_team_id=_team_id(s, team) if team else None, active=True)
            s.add(row)
            s.flush()
            audit.record(s, actor, now, "service", row.id, "created", None, title)
            for field, value in (("sla_name", row.sla_name), ("default_team_id", row.default_team_id),
                                 ("description", row.description)):
                if value is not None:
                    audit.record(s, actor, now, "service", row.id, field, None, value)
            if categories:
                self._set_categories(s, actor, row, categories, now)
            service_id = row.id
        return self._by_id(service_id)

    def update(self, actor: Actor, name: str, *, new_name: str | None = None, description: str | None = None,
               sla: str | None = None, team: str | None = None, categories: list[str] | None = None,
               reason: str | None = None) -> ServiceInfo:
        """Change what is given, in one unit of work; ``team=""`` clears the default team,
        ``categories`` is the service's whole list."""
        require(actor, "sla.manage")
        now = self.clock()
        with self.db.writing() as s:
            row = _service(s, name)
            changes: list[tuple[str, object, object]] = []
            if new_name is not None:
                title = _clean_name(new_name)
                if title != row.name:
                    clash = s.execute(select(Service.id).where(func.lower(Service.name) == title.lower(),
                                                               Service.id != row.id)).first()
                    if clash:
                        raise InvalidInput(f"A service called {title!r} exists already.", "name")
                    changes.append(("name", row.name, title))
                    row.name = title
            if description is not None:
                text = description.strip() or None
                if text != row.description:
                    changes.append(("description", row.description, text))
                    row.description = text
            if sla is not None:
                sla_name = _sla_name(s, sla)
                if sla_name != row.sla_name:
                    changes.append(("sla_name", row.sla_name, sla_name))
                    row.sla_name = sla_name
            if team is not None:
                team_id = _team_id(s, team) if team.strip() else None
                if team_id != row.default_team_id:
                    changes.append(("default_team_id", row.default_team_id, team_id))
                    row.default_team_id = team_id
            s.flush()
            for field, old, new in changes:
                audit.record(s, actor, now, "service", row.id, field, old, new, reason)
            if categories is not None:
                self._set_categories(s, actor, row, categories, now)
            service_id = row.id
        return self._by_id(service_id)

    def set_categories(self, actor: Actor, name: str, categories: list[str]) -> ServiceInfo:
        """The service's own list of categories, as given: new names become categories,
        names left out stop being offered on it (the category and its tickets stay)."""
        return self.update(actor, name, categories=categories)

    def _set_categories(self, s: Session, actor: Actor, row: Service, categories: list[str],
                        now: dt.datetime) -> None:
        wanted: dict[str, str] = {}
        for raw in categories:
            title = " ".join(raw.split())
            if len(title) > NAME_MAX:
                raise InvalidInput(f"A category name has at most {NAME_MAX} characters.", "categories")
            if title:
                wanted.setdefault(title.lower(), title)
        ids = {lookups.category_id(s, title, create=True) for title in wanted.values()}
        have = set(s.execute(select(ServiceCategory.category_id)
                             .where(ServiceCategory.service_id == row.id)).scalars())
        for cid in sorted(ids - have):
            s.add(ServiceCategory(service_id=row.id, category_id=cid))
            audit.record(s, actor, now, "service", row.id, "category", None, cid)
        for cid in sorted(have - ids):
            s.execute(delete(ServiceCategory).where(ServiceCategory.service_id == row.id,
                                                    ServiceCategory.category_id == cid))
            audit.record(s, actor, now, "service", row.id, "category", cid, None)
        s.flush()

    def assign_sla(self, actor: Actor, service: str, sla: str) -> ServiceInfo:
        return self.update(actor, service, sla=sla, reason=f"SLA {sla} for new tickets")

    def set_active(self, actor: Actor, name: str, active: bool, *, reason: str | None = None) -> ServiceInfo:
        """Retire (``active=False``) or bring back a service; never a delete."""
        require(actor, "sla.manage")
        now = self.clock()
        with self.db.writing() as s:
            row = _service(s, name)
            if bool(row.active) != active:
                audit.record(s, actor, now, "service", row.id, "active", bool(row.active), active, reason)
                row.active = active
                s.flush()
            service_id = row.id
        return self._by_id(service_id)

    def retire(self, actor: Actor, name: str, *, reason: str | None = None) -> ServiceInfo:
        return self.set_active(actor, name, False, reason=reason)

    def _by_id(self, service_id: int) -> ServiceInfo:
        with self.db.reading() as s:
            return next(i for i in self._infos(s, include_retired=True) if i.id == service_id)
