"""Problem services: a problem is its own record, linked to its incidents.

Edits carry the version they were made on (optimistic locking, like incidents): a
stale base raises ConflictError with both sides and overwrites nothing. The list
and the known-error matching for the workstation live in ``problem_list``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from db.engine import Database
from db.enums import ProblemStatus
from db.models import Category, Incident, Problem, Service, StaffAccount, Team
from desk.actor import Actor
from desk.clock import Clock
from desk.common import audit, lookups
from desk.common.numbering import next_number
from desk.common.records import ProblemView
from desk.common.text import clean_text
from desk.errors import ConflictError, IllegalTransition, InvalidInput
from desk.problems.listing import KnownErrorMatch, ProblemListService, ProblemQuery, ProblemRow
from desk.rules import labels
from desk.rules.lifecycle import PROBLEM_TRANSITIONS
from desk.rules.permissions import require

# Fields a technician edits on the problem form (status goes through transition()).
EDITABLE_FIELDS = ("title", "description", "service", "category", "team", "assignee", "root_cause", "workaround")


@dataclass(frozen=True)
class ProblemTransition:
    status: str
    label: str
    allowed: bool
    why_not: str | None
    needs_known_error_fields: bool   # known error: root cause and workaround must be documented


@dataclass(frozen=True)
class LinkedIncident:
    number: str
    title: str
    status: str
    priority: str


@dataclass(frozen=True)
class ProblemDetail:
    problem: ProblemView
    category: str | None
    assignee_username: str | None
    incidents: tuple[LinkedIncident, ...]
    transitions: tuple[ProblemTransition, ...]
    services: tuple[str, ...]
    teams: tuple[str, ...]
    staff: tuple[tuple[str, str], ...]   # (username, display name)

    def editable(self) -> dict[str, Any]:
        p = self.problem
        return {"title": p.title, "description": p.description, "service": p.service, "category": self.category,
                "team": p.team, "assignee": self.assignee_username, "root_cause": p.root_cause,
                "workaround": p.workaround}


def problem_transitions(status: ProblemStatus) -> tuple[ProblemTransition, ...]:
    allowed = PROBLEM_TRANSITIONS[status]
    out = []
    for target in ProblemStatus:
        if target is status:
            continue
        ok = target in allowed
        why = None if ok else (f"{labels.problem_status(status)} is final." if not allowed else
                               f"Not reachable from {labels.problem_status(status)}; allowed: "
                               f"{', '.join(labels.problem_status(a) for a in allowed)}.")
        out.append(ProblemTransition(target.value, labels.problem_status(target), ok, why,
                                     target is ProblemStatus.KNOWN_ERROR))
    return tuple(out)


def load_problem(s, problem_id: int) -> ProblemView:
    row = s.execute(
        select(Problem, Service.name, Team.name, StaffAccount.display_name)
        .outerjoin(Service, Service.id == Problem.service_id)
        .outerjoin(Team, Team.id == Problem.team_id)
        .outerjoin(StaffAccount, StaffAccount.id == Problem.assignee_id)
        .where(Problem.id == problem_id)
    ).one()
    p, service, team, assignee = row
    incidents = s.execute(select(Incident.number).where(Incident.problem_id == p.id)
                          .order_by(Incident.number)).scalars().all()
    return ProblemView(p.id, p.number, p.title, p.description, p.status.value, service, p.root_cause,
                       p.workaround, team, assignee, p.opened_at, p.updated_at, tuple(incidents), p.version)


def _editable_now(s: Session, p: Problem) -> dict[str, Any]:
    view = load_problem(s, p.id)
    category = s.get_one(Category, p.category_id).name if p.category_id else None
    username = s.get_one(StaffAccount, p.assignee_id).username if p.assignee_id else None
    return {"title": view.title, "description": view.description, "service": view.service, "category": category,
            "team": view.team, "assignee": username, "root_cause": view.root_cause, "workaround": view.workaround}


class ProblemService:
    def __init__(self, db: Database, clock: Clock, listing: ProblemListService) -> None:
        self.db = db
        self.clock = clock
        self.listing = listing

    # -- reading -----------------------------------------------------------------------
    def count(self, q: ProblemQuery | None = None) -> int:
        """Problems matching ``q`` (default: the open ones)."""
        return self.listing.count(q or ProblemQuery())

    def page(self, q: ProblemQuery, offset: int = 0, limit: int = 200) -> list[ProblemRow]:
        return self.listing.page(q, offset, limit)

    def known_errors_for(self, incident_number: str) -> tuple[KnownErrorMatch, ...]:
        return self.listing.known_errors_for(incident_number)

    def get(self, number: str) -> ProblemView:
        with self.db.reading() as s:
            return load_problem(s, lookups.problem_by_number(s, number).id)

    def detail(self, number: str) -> ProblemDetail:
        """Everything the problem tab shows, in one read."""
        with self.db.reading() as s:
            p = lookups.problem_by_number(s, number)
            view = load_problem(s, p.id)
            linked = s.execute(select(Incident.number, Incident.title, Incident.status, Incident.priority)
                               .where(Incident.problem_id == p.id).order_by(Incident.id.desc())).all()
            editable = _editable_now(s, p)
            return ProblemDetail(
                problem=view, category=editable["category"], assignee_username=editable["assignee"],
                incidents=tuple(LinkedIncident(n, t, st.value, getattr(pr, "value", pr)) for n, t, st, pr in linked),
                transitions=problem_transitions(p.status),
                services=tuple(s.execute(select(Service.name).where(Service.active.is_(True))
                                         .order_by(Service.name)).scalars()),
                teams=tuple(s.execute(select(Team.name).where(Team.active.is_(True)).order_by(Team.name)).scalars()),
                staff=tuple((u, d) for u, d in s.execute(
                    select(StaffAccount.username, StaffAccount.display_name)
                    .where(StaffAccount.active.is_(True)).order_by(StaffAccount.display_name))),
            )

    def open(self, actor: Actor, *, title: str, description: str = "", service: str | None = None,
             team: str | None = None, incidents: tuple[str, ...] = (), category: str | None = None,
             major_incident: str | None = None) -> ProblemView:
        require(actor, "problem.open")
        t = clean_text(title, "title", required=True, single_line=True, max_length=300)
        d = clean_text(description, "description", max_length=100_000)
        now = self.clock()
        with self.db.writing() as s:
            p = Problem(number=next_number(s, "PRB"), title=t, description=d, status=ProblemStatus.NEW,
                        service_id=lookups.service_id(s, service) if service else None,
                        category_id=lookups.category_id(s, category, create=True) if category else None,
                        team_id=lookups.team_id(s, team) if team else None, opened_at=now, updated_at=now,
                        created_by_id=actor.staff_id)
            if major_incident:
                # Opened from a major incident's post-incident review (desk.major).
                p.major_incident_id = lookups.incident_by_number(s, major_incident).id
            s.add(p)
            s.flush()
            audit.record(s, actor, now, "problem", p.id, "created", None, p.number)
            if p.major_incident_id is not None:
                audit.record(s, actor, now, "problem", p.id, "major_incident_id", None, p.major_incident_id)
            for number in incidents:
                inc = lookups.incident_by_number(s, number)
                audit.record(s, actor, now, "incident", inc.id, "problem_id", inc.problem_id, p.id)
                inc.problem_id = p.id
            s.flush()
            return load_problem(s, p.id)

    def open_from_incident(self, actor: Actor, incident_number: str, *, title: str | None = None,
                           description: str | None = None) -> ProblemView:
        """A new problem for an incident's underlying cause: same service, category and team, pre-linked."""
        with self.db.reading() as s:
            inc = lookups.incident_by_number(s, incident_number)
            service = s.get_one(Service, inc.service_id).name if inc.service_id else None
            category = s.get_one(Category, inc.category_id).name if inc.category_id else None
            team = s.get_one(Team, inc.team_id).name if inc.team_id else None
            number, inc_title, inc_description = inc.number, inc.title, inc.description
        return self.open(actor, title=title or inc_title,
                         description=description if description is not None else
                         f"Opened from {number}.\n\n{inc_description or ''}".strip(),
                         service=service, category=category, team=team, incidents=(number,))

    def _check_version(self, s: Session, p: Problem, base_version: int | None, mine: Mapping[str, Any]) -> None:
        if base_version is not None and p.version != base_version:
            raise ConflictError("problem", p.number, base_version, p.version, dict(mine), _editable_now(s, p))

    def _conflict_after_race(self, number: str, base_version: int, mine: Mapping[str, Any]) -> ConflictError:
        with self.db.reading() as s:
            p = lookups.problem_by_number(s, number)
            return ConflictError("problem", p.number, base_version, p.version, dict(mine), _editable_now(s, p))

    def update(self, actor: Actor, number: str, base_version: int, changes: Mapping[str, Any]) -> ProblemView:
        """Apply field edits made on top of ``base_version``; a stale base is a ConflictError."""
        require(actor, "problem.edit")
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise InvalidInput(f"These problem fields cannot be edited here: {', '.join(sorted(unknown))}.")
        now = self.clock()
        try:
            with self.db.writing() as s:
                p = lookups.problem_by_number(s, number)
                self._check_version(s, p, base_version, changes)
                if p.status is ProblemStatus.CLOSED:
                    raise InvalidInput(f"{p.number} is closed and can no longer be edited.")
                before = _editable_now(s, p)
                after = dict(before)
                for key, value in changes.items():
                    after[key] = self._clean(key, value)
                if p.status is ProblemStatus.KNOWN_ERROR and not (after["root_cause"] and after["workaround"]):
                    raise InvalidInput("A known error must keep its root cause and workaround documented.",
                                       "workaround" if not after["workaround"] else "root_cause")
                changed = False
                for key in EDITABLE_FIELDS:
                    if after[key] == before[key]:
                        continue
                    changed = True
                    audit.record(s, actor, now, "problem", p.id, key, before[key], after[key])
                    value = after[key]
                    if key == "service":
                        p.service_id = lookups.service_id(s, value) if value else None
                    elif key == "category":
                        p.category_id = lookups.category_id(s, value, create=True) if value else None
                    elif key == "team":
                        p.team_id = lookups.team_id(s, value) if value else None
                    elif key == "assignee":
                        p.assignee_id = lookups.staff_id(s, value) if value else None
                    else:
                        setattr(p, key, value)
                if changed:
                    p.updated_at = now
                s.flush()
                return load_problem(s, p.id)
        except StaleDataError:
            raise self._conflict_after_race(number, base_version, changes) from None

    @staticmethod
    def _clean(key: str, value: Any) -> Any:
        if key == "title":
            return clean_text(value or "", "title", required=True, single_line=True, max_length=300)
        if key in ("description", "root_cause", "workaround"):
            text = clean_text(value or "", key.replace("_", " "), max_length=100_000)
            return text if (text or key == "description") else None
        text = (value or "").strip() if isinstance(value, str) or value is None else value
        return text or None

    def transition(self, actor: Actor, number: str, target: str, *, root_cause: str | None = None,
                   workaround: str | None = None, base_version: int | None = None) -> ProblemView:
        require(actor, "problem.edit")
        try:
            status = ProblemStatus(target)
        except ValueError:
            raise InvalidInput(f"Unknown problem status {target!r}.", "status") from None
        now = self.clock()
        mine = {"status": status.value}
        try:
            with self.db.writing() as s:
                p = lookups.problem_by_number(s, number)
                self._check_version(s, p, base_version, mine)
                allowed = PROBLEM_TRANSITIONS[p.status]
                if status not in allowed:
                    raise IllegalTransition(p.status.value, status.value, [a.value for a in allowed])
                if root_cause is not None:
                    new = clean_text(root_cause, "root cause", max_length=100_000) or None
                    if new != p.root_cause:
                        audit.record(s, actor, now, "problem", p.id, "root_cause", p.root_cause, new)
                        p.root_cause = new
                if workaround is not None:
                    new = clean_text(workaround, "workaround", max_length=100_000) or None
                    if new != p.workaround:
                        audit.record(s, actor, now, "problem", p.id, "workaround", p.workaround, new)
                        p.workaround = new
                if status is ProblemStatus.KNOWN_ERROR and not (p.root_cause and p.workaround):
                    raise InvalidInput("A known error needs its root cause and a workaround documented.",
                                       "workaround")
                audit.record(s, actor, now, "problem", p.id, "status", p.status, status)
                p.status = status
                p.updated_at = now
                if status is ProblemStatus.RESOLVED:
                    p.resolved_at = now
                if status is ProblemStatus.CLOSED:
                    p.closed_at = now
                s.flush()
                return load_problem(s, p.id)
        except StaleDataError:
            raise self._conflict_after_race(number, base_version or 0, mine) from None

    # -- linked incidents ------------------------------------------------------------
    def link(self, actor: Actor, number: str, incident_number: str) -> ProblemView:
        """Link an incident to this problem (moving it from another problem if it had one)."""
        return self._set_link(actor, number, incident_number, link=True)

    def unlink(self, actor: Actor, number: str, incident_number: str) -> ProblemView:
        return self._set_link(actor, number, incident_number, link=False)

    def _set_link(self, actor: Actor, number: str, incident_number: str, *, link: bool) -> ProblemView:
        require(actor, "incident.link_problem")
        now = self.clock()
        with self.db.writing() as s:
            p = lookups.problem_by_number(s, number)
            if p.status is ProblemStatus.CLOSED:
                raise InvalidInput(f"{p.number} is closed; its incident links cannot change.", "incident")
            inc = lookups.incident_by_number(s, incident_number, for_update=True)
            new = p.id if link else None
            if not link and inc.problem_id != p.id:
                raise InvalidInput(f"{inc.number} is not linked to {p.number}.", "incident")
            if inc.problem_id != new:
                audit.record(s, actor, now, "incident", inc.id, "problem_id", inc.problem_id, new)
                audit.record(s, actor, now, "problem", p.id, "incident linked" if link else "incident unlinked",
                             None if link else inc.number, inc.number if link else None)
                inc.problem_id = new
                inc.updated_at = now
                p.updated_at = now
                flag_modified(p, "updated_at")   # bumps the version even within the same second
            s.flush()
            return load_problem(s, p.id)
