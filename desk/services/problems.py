"""Problem services: a problem is its own record, linked to its incidents."""
from __future__ import annotations

from sqlalchemy import select

from db.engine import Database
from db.enums import ProblemStatus
from db.models import Incident, Problem, Service, StaffAccount, Team
from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.errors import IllegalTransition, InvalidInput
from desk.rules.lifecycle import PROBLEM_TRANSITIONS
from desk.rules.permissions import require
from desk.services import audit, lookups
from desk.services.numbering import next_number
from desk.services.text import clean_text
from desk.services.views import ProblemView


def load_problem(s, problem_id: int) -> ProblemView:  # type: ignore[no-untyped-def]
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


class ProblemService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def get(self, number: str) -> ProblemView:
        with self.db.reading() as s:
            return load_problem(s, lookups.problem_by_number(s, number).id)

    def open(self, actor: Actor, *, title: str, description: str = "", service: str | None = None,
             team: str | None = None, incidents: tuple[str, ...] = ()) -> ProblemView:
        require(actor, "problem.open")
        t = clean_text(title, "title", required=True, single_line=True, max_length=300)
        d = clean_text(description, "description", max_length=100_000)
        now = self.clock()
        with self.db.writing() as s:
            p = Problem(number=next_number(s, "PRB"), title=t, description=d, status=ProblemStatus.NEW,
                        service_id=lookups.service_id(s, service) if service else None,
                        team_id=lookups.team_id(s, team) if team else None, opened_at=now, updated_at=now,
                        created_by_id=actor.staff_id)
            s.add(p)
            s.flush()
            audit.record(s, actor, now, "problem", p.id, "created", None, p.number)
            for number in incidents:
                inc = lookups.incident_by_number(s, number)
                audit.record(s, actor, now, "incident", inc.id, "problem_id", inc.problem_id, p.id)
                inc.problem_id = p.id
            s.flush()
            return load_problem(s, p.id)

    def transition(self, actor: Actor, number: str, target: str, *, root_cause: str | None = None,
                   workaround: str | None = None) -> ProblemView:
        require(actor, "problem.edit")
        try:
            status = ProblemStatus(target)
        except ValueError:
            raise InvalidInput(f"Unknown problem status {target!r}.", "status") from None
        now = self.clock()
        with self.db.writing() as s:
            p = lookups.problem_by_number(s, number)
            allowed = PROBLEM_TRANSITIONS[p.status]
            if status not in allowed:
                raise IllegalTransition(p.status.value, status.value, [a.value for a in allowed])
            if root_cause is not None:
                p.root_cause = clean_text(root_cause, "root cause", max_length=100_000)
            if workaround is not None:
                p.workaround = clean_text(workaround, "workaround", max_length=100_000)
            if status is ProblemStatus.KNOWN_ERROR and not (p.root_cause and p.workaround):
                raise InvalidInput("A known error needs its root cause and a workaround documented.", "workaround")
            audit.record(s, actor, now, "problem", p.id, "status", p.status, status)
            p.status = status
            p.updated_at = now
            if status is ProblemStatus.RESOLVED:
                p.resolved_at = now
            if status is ProblemStatus.CLOSED:
                p.closed_at = now
            s.flush()
            return load_problem(s, p.id)
