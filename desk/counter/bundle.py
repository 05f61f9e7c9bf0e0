"""The counter's services over one database, built once and handed to the UI and CLI."""
from __future__ import annotations

from dataclasses import dataclass

from db.engine import Database
from desk.clock import Clock
from desk.common.site import Site
from desk.counter.board import CounterBoardService
from desk.counter.checklist import ChecklistService
from desk.counter.intake import IntakeService
from desk.counter.loaners import LoanerService
from desk.counter.pickup import PickupService
from desk.counter.satisfaction import SatisfactionService
from desk.incident_models import IncidentModelService
from desk.incidents.service import IncidentService


@dataclass(frozen=True)
class CounterServices:
    intake: IntakeService
    pickup: PickupService
    loaners: LoanerService
    checklist: ChecklistService
    models: IncidentModelService
    incidents: IncidentService   # the root's: the tickets the counter's repairs are
    site: Site        # the desk's time zone: loaners' due-back times, the printouts' times
    board: CounterBoardService   # what is waiting at the desk: the counter's home page
    satisfaction: SatisfactionService   # the customer's face at the end of a pickup

    @classmethod
    def over(cls, db: Database, clock: Clock, incidents: IncidentService, site: Site) -> CounterServices:
        """Built by the composition root (``desk.bootstrap.Services.counter``), over its
        incident service and site settings."""
        models = IncidentModelService(db, clock, incidents)
        return cls(IntakeService(db, clock, models, site), PickupService(db, clock, incidents, site),
                   LoanerService(db, clock), ChecklistService(db, clock, incidents), models, incidents, site,
                   CounterBoardService(db, clock), SatisfactionService(db, clock, site))
