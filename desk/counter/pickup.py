"""Pickup: the customer proves who they are, gets their laptop and accessories back, returns
the loaner and signs; the ticket resolves and closes in the same unit of work."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.enums import IncidentStatus
from db.models import Incident, Loan, Person, Repair, RepairAccessory, Signature, Task
from desk.actor import Actor
from desk.clock import Clock
from desk.common import audit
from desk.common.site import Site
from desk.common.text import clean_text
from desk.counter import loaners
from desk.counter.common import check_signature
from desk.counter.read import load_repair, person_name, repair_id_for
from desk.counter.views import PickupRequest, RepairView
from desk.errors import InvalidInput
from desk.incidents.service import IncidentService
from desk.rules import lifecycle
from desk.rules.permissions import require

PICKUP_TASK = "Pickup and sign-off"
ID_KINDS = ("University card", "Driver's licence", "Passport", "Other photo ID")


class PickupService:
    def __init__(self, db: Database, clock: Clock, incidents: IncidentService, site: Site) -> None:
        self.db = db
        self.clock = clock
        self.incidents = incidents
        self.site = site

    def find(self, scanned: str) -> RepairView:
        """The repair behind a scanned slip barcode or a typed number."""
        with self.db.reading() as s:
            return load_repair(s, repair_id_for(s, scanned), self.site)

    def pickup(self, actor: Actor, req: PickupRequest) -> RepairView:
        require(actor, "repair.pickup")
        if not (req.id_checked or "").strip():
            raise InvalidInput("Check the customer's photo ID and choose which one you saw.", "id_checked")
        id_checked = clean_text(req.id_checked, "ID checked", single_line=True, max_length=120)
        work = clean_text(req.work_done, "work done", required=True, max_length=20_000)
        note = clean_text(req.missing_note, "note on missing accessories", max_length=4000)
        now = self.clock()
        with self.db.writing() as s:
            rid = repair_id_for(s, req.number)
            repair = s.get(Repair, rid)
            assert repair is not None
            inc = s.get(Incident, repair.incident_id)
            assert inc is not None
            if repair.picked_up_at is not None or inc.status in lifecycle.FINAL:
                raise InvalidInput(f"{inc.number} has already been picked up or closed.", "number")
            accessories = s.execute(select(RepairAccessory).where(RepairAccessory.repair_id == rid)).scalars().all()
            known = {a.name for a in accessories}
            unknown = set(req.accessories_returned) - known
            if unknown:
                raise InvalidInput(f"Not on the intake list: {', '.join(sorted(unknown))}.", "accessories")
            missing = sorted(known - set(req.accessories_returned))
            if missing and not note.strip():
                raise InvalidInput(f"Not handed back: {', '.join(missing)}. Note why before completing pickup.",
                                   "accessories")
            why_unworked = clean_text(req.unworked_reason, "reason", max_length=4000)
            unworked = inc.status is IncidentStatus.NEW
            if unworked and not why_unworked.strip():
                raise InvalidInput(f"Nobody has started work on {inc.number} (it is still New). Say why it is "
                                   "handed back as it is; the reason is recorded.", "unworked_reason")
            for a in accessories:
                a.returned = a.name in req.accessories_returned
            open_loan = s.execute(select(Loan).where(Loan.repair_id == rid, Loan.returned_at.is_(None))).scalar()
            if open_loan is not None:
                if not req.loaner_returned:
                    raise InvalidInput("The loaner laptop must be returned before the repaired laptop is "
                                       "handed over.", "loaner")
                loaners.return_in(s, actor, open_loan, now, "returned at pickup")
            # The customer signs last, once everything above is settled.
            check_signature(req.signature_png, "pickup signature")
            person = s.get(Person, inc.caller_id) if inc.caller_id else None
            s.add(Signature(repair_id=rid, purpose="pickup", signer_name=person_name(person) if person else "",
                            signed_at=now, png=req.signature_png))
            repair.work_done, repair.picked_up_at = work, now
            repair.pickup_by_id, repair.pickup_id_checked = actor.staff_id, id_checked
            for t in s.execute(select(Task).where(Task.incident_id == inc.id)).scalars():
                if t.title == PICKUP_TASK and not t.done:
                    t.done, t.done_at, t.done_by_id = True, now, actor.staff_id
            self._resolve_and_close(s, actor, inc, req.resolution_code, work, missing, note, now)
            reasons = [x for x in (note, f"Handed back unworked: {why_unworked}" if unworked else "") if x.strip()]
            audit.record(s, actor, now, "incident", inc.id, "pickup", None, id_checked, "; ".join(reasons) or None)
            s.flush()
            return load_repair(s, rid, self.site)

    def _resolve_and_close(self, s: Session, actor: Actor, inc: Incident, code: str, work: str,
                           missing: list[str], note: str, now: dt.datetime) -> None:
        resolution = work + (f"\nNot handed back: {', '.join(missing)} — {note}" if missing else "")
        status = inc.status
        if status in (IncidentStatus.NEW, IncidentStatus.ASSIGNED) or lifecycle.is_pending(status):
            self.incidents.transition_in(s, actor, inc, IncidentStatus.IN_PROGRESS, now, action="repair.pickup")
        if inc.status is not IncidentStatus.RESOLVED:
            self.incidents.transition_in(s, actor, inc, IncidentStatus.RESOLVED, now, resolution_code=code,
                                         resolution_note=resolution, action="repair.pickup", notify=False)
        self.incidents.transition_in(s, actor, inc, IncidentStatus.CLOSED, now, action="repair.pickup")
