"""The counter's services over one database, built once and handed to the UI and CLI."""
from __future__ import annotations

from dataclasses import dataclass

from db.engine import Database
from desk.clock import Clock
from desk.counter.checklist import ChecklistService
from desk.counter.intake import IntakeService
from desk.counter.loaners import LoanerService
from desk.counter.pickup import PickupService
from desk.incident_models import IncidentModelService
from desk.incidents.service import IncidentService


@dataclass(frozen=True)
class CounterServices:
    intake: IntakeService
    pickup: PickupService
    loaners: LoanerService
    checklist: ChecklistService
    models: IncidentModelService

    @classmethod
    def over(cls, db: Database, clock: Clock, incidents: IncidentService) -> CounterServices:
        """Built by the composition root (``desk.bootstrap.Services.counter``), over its
        incident service."""
        models = IncidentModelService(db, clock, incidents)
        return cls(IntakeService(db, clock, models), PickupService(db, clock, incidents), LoanerService(db, clock),
                   ChecklistService(db, clock, incidents), models)
