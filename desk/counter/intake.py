"""Laptop-repair intake: one unit of work writes the incident (from the laptop-repair model,
with its tasks and SLA), the device, the intake record, accessories, signature and loan."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Repair, RepairAccessory, Signature, Task
from desk.actor import Actor
from desk.clock import Clock
from desk.common import audit, lookups
from desk.common.models import REPAIR_MODEL
from desk.common.site import Site
from desk.common.text import clean_text
from desk.counter import identity, loaners
from desk.counter.common import check_signature, due_at
from desk.counter.read import find_device_id, load_device, load_repair, repair_id_for
from desk.counter.terms import current_terms
from desk.counter.views import DeviceInfo, DeviceView, IntakeRequest, RepairView
from desk.errors import InvalidInput
from desk.incident_models import IncidentModelService
from desk.rules.permissions import require

MODEL = REPAIR_MODEL
# Physical-condition checklist offered at intake (free damage notes go beside it).
CONDITION_ITEMS = (
    "Screen cracked", "Screen scratched", "Hinge loose or broken", "Case dented or cracked",
    "Keys missing or damaged", "Liquid damage signs", "Battery swollen", "Ports damaged",
    "Stickers or engraving",
)
ACCESSORY_CHOICES = ("Charger", "Bag", "Mouse")
# Model tasks whose condition names an intake answer; they are skipped when it is "no".
SKIP_UNLESS = {"if backup consented": "backup_wanted"}
INTAKE_TASK = "Intake check"


@dataclass(frozen=True)
class IntakeResult:
    number: str
    repair: RepairView


def clean_device(info: DeviceInfo) -> DeviceInfo:
    """The device as it is stored; the wizard's Device page asks this rule too."""
    tag = clean_text(info.asset_tag, "asset tag", single_line=True, max_length=64) or None
    serial = clean_text(info.serial, "serial number", single_line=True, max_length=64) or None
    if not tag and not serial:
        raise InvalidInput("Scan or type the device's asset tag or serial number.", "device")
    return DeviceInfo(
        asset_tag=tag, serial=serial,
        make=clean_text(info.make, "make", single_line=True, max_length=120),
        model=clean_text(info.model, "model", single_line=True, max_length=120),
        os=clean_text(info.os, "operating system", single_line=True, max_length=120),
        warranty_until=info.warranty_until,
    )


def clean_initials(text: str) -> str:
    """Staff initials as stored: letters (dots allowed, "A.N."); the Review page asks this too."""
    initials = clean_text(text, "staff initials", required=True, single_line=True, max_length=8)
    if not initials.replace(".", "").isalpha():
        raise InvalidInput("Staff initials must be letters (e.g. AN).", "staff_initials")
    return initials


class IntakeService:
    def __init__(self, db: Database, clock: Clock, models: IncidentModelService, site: Site) -> None:
        self.db = db
        self.clock = clock
        self.models = models
        self.site = site

    # -- look-ups for the wizard ------------------------------------------------
    def find_device(self, asset_tag: str | None = None, serial: str | None = None) -> DeviceView | None:
        with self.db.reading() as s:
            found = find_device_id(s, asset_tag, serial)
            return load_device(s, found) if found is not None else None

    def identify(self, caller_university_id: str, info: DeviceInfo, *, device_id: int | None = None,
                 new_device: bool = False) -> DeviceView | None:
        """The device on record the intake would use (None: a new one); raises DeviceConflict
        when what was typed does not name one device, exactly as ``intake`` would."""
        with self.db.reading() as s:
            person = lookups.person_id(s, caller_university_id) if caller_university_id.strip() else None
            found = identity.identify(s, clean_device(info), person, device_id=device_id, new_device=new_device)
            return load_device(s, found.id) if found is not None else None

    def repair(self, number: str) -> RepairView:
        with self.db.reading() as s:
            return load_repair(s, repair_id_for(s, number), self.site)

    # -- the intake --------------------------------------------------------------
    def validate(self, req: IntakeRequest) -> None:
        """The checks that need no database; the wizard runs them page by page too."""
        clean_text(req.caller_university_id, "customer", required=True, single_line=True)
        clean_device(req.device)
        clean_text(req.symptoms, "reported problem", required=True, max_length=20_000)
        clean_initials(req.staff_initials)
        check_signature(req.signature_png)
        if req.loaner_asset_tag:
            self.check_loan_due(req.loan_due)

    def check_loan_due(self, day: dt.date | None) -> dt.datetime:
        """The instant a loaner lent now is due back: the desk's closing time on ``day``,
        which must still be ahead (the wizard's Loaner page asks this too)."""
        if day is None:
            raise InvalidInput("Choose the date the loaner is due back.", "loan_due")
        due = due_at(day, self.site)
        if due <= self.clock():
            raise InvalidInput("The loaner's due date must be in the future.", "loan_due")
        return due

    def intake(self, actor: Actor, req: IntakeRequest) -> IntakeResult:
        require(actor, "incident.open")
        self.validate(req)
        device_info = clean_device(req.device)
        now = self.clock()
        title = clean_text(req.title, "title", single_line=True, max_length=300) or self._title(req, device_info)
        with self.db.writing() as s:
            person = lookups.person_id(s, req.caller_university_id)
            # Which device first: a tag or serial that names no single device stops here.
            found = identity.identify(s, device_info, person, device_id=req.device_id, new_device=req.new_device)
            inc = self.models.open_in(
                s, actor, MODEL, now, title=title, caller=req.caller_university_id.strip(),
                description=req.symptoms, acting_status=req.acting_status or None,
                acting_department=req.acting_department or None, category=req.category or None,
            )
            why = f"counter intake {inc.number}" + (" (counter staff chose this device)" if req.device_id else "")
            device = identity.record(s, actor, now, device_info, person, found, why)
            repair = Repair(
                incident_id=inc.id, device_id=device.id, symptoms=req.symptoms,
                condition=[clean_text(c, "condition", single_line=True, max_length=120) for c in req.condition],
                damage_notes=clean_text(req.damage_notes, "damage notes", max_length=20_000),
                backup_wanted=req.backup_wanted, wipe_allowed=req.wipe_allowed, login_needed=req.login_needed,
                terms_version=current_terms().version, staff_initials=req.staff_initials.strip().upper(),
                intake_at=now, intake_by_id=actor.staff_id, work_done="", parts=[],
            )
            s.add(repair)
            s.flush()
            for name in dict.fromkeys(a.strip() for a in req.accessories if a.strip()):
                s.add(RepairAccessory(repair_id=repair.id,
                                      name=clean_text(name, "accessory", single_line=True, max_length=120)))
            s.add(Signature(repair_id=repair.id, purpose="intake", signer_name=self._caller_name(s, person),
                            signed_at=now, png=req.signature_png))
            if req.loaner_asset_tag:
                assert req.loan_due is not None
                loaners.lend_in(s, actor, req.loaner_asset_tag, person, repair.id, due_at(req.loan_due, self.site), now)
            self._prepare_tasks(s, actor, inc.id, req, now)
            audit.record(s, actor, now, "incident", inc.id, "intake", None, device.asset_tag or device.serial)
            s.flush()
            return IntakeResult(inc.number, load_repair(s, repair.id, self.site))

    @staticmethod
    def _title(req: IntakeRequest, device: DeviceInfo) -> str:
        what = " ".join(x for x in (device.make, device.model) if x) or "Laptop"
        first = req.symptoms.strip().splitlines()[0] if req.symptoms.strip() else "repair"
        return f"{what}: {first}"[:300]

    @staticmethod
    def _caller_name(s: Session, person_id: int) -> str:
        from db.models import Person
        from desk.counter.read import person_name

        p = s.get(Person, person_id)
        return person_name(p) if p else ""

    @staticmethod
    def _prepare_tasks(s: Session, actor: Actor, incident_id: int, req: IntakeRequest, now: dt.datetime) -> None:
        tasks = s.execute(select(Task).where(Task.incident_id == incident_id)).scalars().all()
        for t in tasks:
            if t.title == INTAKE_TASK:
                t.done, t.done_at, t.done_by_id = True, now, actor.staff_id
            answer = SKIP_UNLESS.get((t.condition or "").lower())
            if answer and not getattr(req, answer):
                t.skipped = True
