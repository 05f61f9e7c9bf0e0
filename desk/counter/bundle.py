"""The counter's services over one database, built once and handed to the UI and CLI."""
from __future__ import annotations

from dataclasses import dataclass

from db.engine import Database
from desk.clock import Clock, utc_now
from desk.common.site import Site, given_or_loaded
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
    site: Site        # the desk's time zone: loaners' due-back times, the printouts' times

    @classmethod
    def over(cls, db: Database, clock: Clock = utc_now, incidents: IncidentService | None = None,
             site: Site | None = None) -> CounterServices:
        inc = incidents or IncidentService(db, clock)
        here = given_or_loaded(site, db, clock())
        return cls(IntakeService(db, clock, here), PickupService(db, clock, inc, here), LoanerService(db, clock),
                   ChecklistService(db, clock, inc), IncidentModelService(db, clock, inc), here)
