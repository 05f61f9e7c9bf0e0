"""All services over one database, built once and passed to the UI and CLI."""
from __future__ import annotations

from dataclasses import dataclass

from db.engine import Database
from desk.clock import Clock, utc_now
from desk.incidents.service import IncidentService
from desk.people.service import PeopleService
from desk.people.staff import StaffService
from desk.problems.service import ProblemService


@dataclass(frozen=True)
class Services:
    db: Database
    incidents: IncidentService
    people: PeopleService
    problems: ProblemService
    staff: StaffService

    @classmethod
    def over(cls, db: Database, clock: Clock = utc_now) -> Services:
        return cls(db, IncidentService(db, clock), PeopleService(db, clock), ProblemService(db, clock),
                   StaffService(db, clock))
