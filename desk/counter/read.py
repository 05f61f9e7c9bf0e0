"""Reading devices, loans and repairs into plain views (no ORM objects leave here)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Category,
    Department,
    Device,
    Incident,
    Loan,
    Loaner,
    Person,
    Repair,
    RepairAccessory,
    Signature,
    StaffAccount,
)
from desk.common import lookups
from desk.common.site import Site
from desk.counter.common import is_placeholder_serial
from desk.counter.views import (
    AccessoryView,
    DeviceView,
    LoanerView,
    LoanView,
    RepairSummary,
    RepairView,
    SignatureView,
)
from desk.errors import NotFound


def person_name(p: Person) -> str:
    return f"{p.preferred_name or p.given_name} {p.family_name}".strip()


def load_device(s: Session, device_id: int) -> DeviceView:
    d = s.get(Device, device_id)
    if d is None:
        raise NotFound(f"No device with id {device_id}.")
    owner = s.get(Person, d.owner_id) if d.owner_id else None
    rows = s.execute(
        select(Incident.number, Incident.title, Incident.status, Repair.intake_at, Repair.symptoms)
        .join(Repair, Repair.incident_id == Incident.id).where(Repair.device_id == d.id)
        .order_by(Repair.intake_at.desc(), Repair.id.desc())
    ).all()
    return DeviceView(
        asset_tag=d.asset_tag, serial=d.serial, make=d.make, model=d.model, os=d.os,
        warranty_until=d.warranty_until, id=d.id,
        owner_university_id=owner.university_id if owner else None,
        owner_name=person_name(owner) if owner else None,
        repairs=tuple(RepairSummary(n, t, st.value, at, sy) for n, t, st, at, sy in rows), version=d.version,
    )


def find_device_id(s: Session, asset_tag: str | None, serial: str | None) -> int | None:
    """Asset tag first (unique), then serial (case-insensitive, scanners vary; never a
    placeholder such as "N/A"). The first match: intake uses desk.counter.identity instead."""
    if asset_tag and asset_tag.strip():
        found = s.execute(select(Device.id).where(func.upper(Device.asset_tag) == asset_tag.strip().upper())).scalar()
        if found is not None:
            return int(found)
    if serial and not is_placeholder_serial(serial):
        found = s.execute(select(Device.id).where(func.upper(Device.serial) == serial.strip().upper())
                          .order_by(Device.id).limit(1)).scalar()
        if found is not None:
            return int(found)
    return None


def _loan_query():
    return (select(Loan, Loaner.asset_tag, Loaner.description, Person, Incident.number)
            .join(Loaner, Loaner.id == Loan.loaner_id).join(Person, Person.id == Loan.person_id)
            .outerjoin(Repair, Repair.id == Loan.repair_id).outerjoin(Incident, Incident.id == Repair.incident_id))


def _loan_view(row: tuple) -> LoanView:
    loan, tag, desc, person, number = row
    return LoanView(loan.id, tag, desc, person.university_id, person_name(person), number, loan.lent_at,
                    loan.due_at, loan.returned_at)


def loans(s: Session, *, open_only: bool = False, repair_id: int | None = None,
          loaner_id: int | None = None) -> list[LoanView]:
    stmt = _loan_query()
    if open_only:
        stmt = stmt.where(Loan.returned_at.is_(None))
    if repair_id is not None:
        stmt = stmt.where(Loan.repair_id == repair_id)
    if loaner_id is not None:
        stmt = stmt.where(Loan.loaner_id == loaner_id)
    return [_loan_view(tuple(r)) for r in s.execute(stmt.order_by(Loan.due_at, Loan.id))]


def load_loaner(s: Session, loaner: Loaner) -> LoanerView:
    current = loans(s, open_only=True, loaner_id=loaner.id)
    return LoanerView(loaner.id, loaner.asset_tag, loaner.description, loaner.serial, loaner.notes,
                      loaner.retired_at, loaner.retire_reason, current[0] if current else None, loaner.version)


def repair_id_for(s: Session, number: str) -> int:
    inc = lookups.incident_by_number(s, number)
    rid = s.execute(select(Repair.id).where(Repair.incident_id == inc.id)).scalar()
    if rid is None:
        raise NotFound(f"{inc.number} is not a laptop repair taken in at the counter.")
    return int(rid)


def load_repair(s: Session, repair_id: int, site: Site) -> RepairView:
    r = s.get(Repair, repair_id)
    if r is None:
        raise NotFound(f"No repair with id {repair_id}.")
    inc = s.get(Incident, r.incident_id)
    assert inc is not None
    caller = s.get(Person, inc.caller_id) if inc.caller_id else None
    dept = s.get(Department, inc.acting_department_id) if inc.acting_department_id else None
    cat = s.get(Category, inc.category_id) if inc.category_id else None
    names = dict(s.execute(select(StaffAccount.id, StaffAccount.display_name).where(
        StaffAccount.id.in_([x for x in (r.intake_by_id, r.pickup_by_id) if x is not None]))).all())
    accessories = s.execute(select(RepairAccessory).where(RepairAccessory.repair_id == r.id)
                            .order_by(RepairAccessory.id)).scalars().all()
    sigs = s.execute(select(Signature.purpose, Signature.signer_name, Signature.signed_at, Signature.png)
                     .where(Signature.repair_id == r.id).order_by(Signature.signed_at)).all()
    return RepairView(
        id=r.id, number=inc.number, title=inc.title, status=inc.status.value, priority=inc.priority.value,
        caller_university_id=caller.university_id if caller else "",
        caller_name=person_name(caller) if caller else "", caller_email=caller.email if caller else None,
        caller_phone=caller.phone if caller else None,
        acting_status=inc.acting_status.value if inc.acting_status else None,
        acting_department=dept.name if dept else None, device=load_device(s, r.device_id),
        symptoms=r.symptoms, category=cat.name if cat else None, condition=tuple(r.condition or ()),
        damage_notes=r.damage_notes, accessories=tuple(AccessoryView(a.id, a.name, a.returned) for a in accessories),
        backup_wanted=r.backup_wanted, wipe_allowed=r.wipe_allowed, login_needed=r.login_needed,
        terms_version=r.terms_version, staff_initials=r.staff_initials, intake_at=r.intake_at,
        intake_by=names.get(r.intake_by_id) if r.intake_by_id else None, ready_at=r.ready_at,
        work_done=r.work_done, parts=tuple(r.parts or ()), resolution_note=inc.resolution_note,
        picked_up_at=r.picked_up_at, pickup_by=names.get(r.pickup_by_id) if r.pickup_by_id else None,
        pickup_id_checked=r.pickup_id_checked, time_zone=site.time_zone,
        loans=tuple(loans(s, repair_id=r.id)),
        signatures=tuple(SignatureView(p, n, at, png) for p, n, at, png in sigs), version=r.version,
    )
