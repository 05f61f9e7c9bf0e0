"""All services over one database, built once and passed to the UI and CLI."""
from __future__ import annotations

from dataclasses import dataclass

from db.engine import Database
from desk.clock import Clock, utc_now
from desk.services.incidents import IncidentService
from desk.services.people import PeopleService
from desk.services.problems import ProblemService
from desk.services.staff import StaffService


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
