"""What the counter sees when nobody is at the desk: the repairs ready to hand back, the
ones still in the workshop, and the loaners that should have come back.

One read, a few hundred rows at most: the counter's home page is refreshed on every change
anywhere, so it must stay cheap at a million tickets (the repairs still here are a handful,
found through ``ix_repairs_waiting``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Device, Incident, Loan, Person, Repair
from desk.clock import Clock, utc_now
from desk.rules.lifecycle import FINAL

SHOWN = 200  # per list; the counts say how many there are in all


@dataclass(frozen=True)
class WaitingRepair:
    number: str
    customer: str
    device: str
    status: str          # the incident's status value (labels.status turns it into words)
    intake_at: dt.datetime
    ready_at: dt.datetime | None
    loaner_due_at: dt.datetime | None   # an open loan's due time, if a loaner is out


@dataclass(frozen=True)
class CounterBoard:
    ready: tuple[WaitingRepair, ...]       # oldest ready first: who has waited longest
    workshop: tuple[WaitingRepair, ...]    # oldest intake first
    ready_total: int
    workshop_total: int
    loans_overdue: int
    read_at: dt.datetime

    def overdue_loan(self, repair: WaitingRepair) -> bool:
        return repair.loaner_due_at is not None and repair.loaner_due_at < self.read_at


def _device_label(make: str, model: str, tag: str | None, serial: str | None) -> str:
    name = " ".join(x for x in (make, model) if x) or "Device"
    ident = tag or (serial and f"S/N {serial}")
    return f"{name} ({ident})" if ident else name


class CounterBoardService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def board(self, *, limit: int = SHOWN) -> CounterBoard:
        now = self.clock()
        with self.db.reading() as s:
            ready, ready_total = self._waiting(s, ready=True, limit=limit)
            workshop, workshop_total = self._waiting(s, ready=False, limit=limit)
            overdue = s.execute(select(func.count(Loan.id)).where(
                Loan.returned_at.is_(None), Loan.due_at < now)).scalar_one()
        return CounterBoard(ready, workshop, ready_total, workshop_total, int(overdue), now)

    @staticmethod
    def _waiting(s: Session, *, ready: bool, limit: int) -> tuple[tuple[WaitingRepair, ...], int]:
        # A repair is at the desk until it is picked up, unless its ticket was closed or
        # cancelled some other way (a customer who never came back, a duplicate).
        where = [Repair.picked_up_at.is_(None), Incident.status.not_in(FINAL),
                 Repair.ready_at.is_not(None) if ready else Repair.ready_at.is_(None)]
        order = (Repair.ready_at, Repair.id) if ready else (Repair.intake_at, Repair.id)
        open_loan = (select(func.min(Loan.due_at)).where(Loan.repair_id == Repair.id, Loan.returned_at.is_(None))
                     .correlate(Repair).scalar_subquery())
        rows = s.execute(
            select(Incident.number, Person.preferred_name, Person.given_name, Person.family_name,
                   Device.make, Device.model, Device.asset_tag, Device.serial, Incident.status,
                   Repair.intake_at, Repair.ready_at, open_loan)
            .join(Incident, Incident.id == Repair.incident_id)
            .join(Device, Device.id == Repair.device_id)
            .outerjoin(Person, Person.id == Incident.caller_id)
            .where(*where).order_by(*order).limit(limit)).all()
        total = s.execute(select(func.count(Repair.id)).join(Incident, Incident.id == Repair.incident_id)
                          .where(*where)).scalar_one()
        out = tuple(
            WaitingRepair(number, f"{preferred or given or ''} {family or ''}".strip() or "(no caller)",
                          _device_label(make, model, tag, serial), status.value, intake_at, ready_at, due)
            for number, preferred, given, family, make, model, tag, serial, status, intake_at, ready_at, due in rows)
        return out, int(total)
