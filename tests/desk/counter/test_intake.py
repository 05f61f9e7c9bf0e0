"""Intake writes incident, tasks, device, intake record, accessories, signature and loan at once."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from db.engine import Database
from db.models import AuditEntry, Device, Incident, Loan, Person, Repair
from desk.actor import Actor
from desk.bootstrap import Services
from desk.counter.bundle import CounterServices
from desk.counter.errors import DeviceConflict
from desk.counter.views import DeviceInfo
from desk.errors import InvalidInput
from tests import factories
from tests.factories import intake_request, repair


def test_intake_creates_repair_ticket_from_the_model(database: Database, services: Services,
                                                      counter: CounterServices, admin: Actor) -> None:
    counter.loaners.add(admin, "LN-01", "Lenovo ThinkPad T14 loaner")
    res = repair(database, counter, admin, loaner="LN-01")
    v = services.incidents.get(res.number)
    assert (v.model, v.service, v.category, v.channel) == ("laptop-repair", "Laptop Repair", "Hardware", "walk_in")
    assert v.priority == "P4" and v.team == "Repair Bench"
    assert v.acting_status == "student"
    r = res.repair
    assert r.device.make == "Dell" and r.device.asset_tag == "NU-104233"
    assert [a.name for a in r.accessories] == ["Charger", "Bag"]
    assert r.signature("intake") is not None and r.terms_version == "2026-1"
    assert r.loan is not None and r.loan.loaner_asset_tag == "LN-01"
    state = counter.checklist.state(res.number)
    titles = [(t.title, t.done, t.skipped) for t in state.tasks]
    assert titles[0] == ("Intake check", True, False)
    assert [t for t, _, _ in titles] == ["Intake check", "Diagnose", "Back up data", "Order parts", "Repair",
                                          "Quality test", "Notify customer", "Pickup and sign-off"]
    assert not counter.loaners.available()


def test_backup_task_skipped_without_consent(database: Database, counter: CounterServices, admin: Actor) -> None:
    res = repair(database, counter, admin, backup_wanted=False)
    backup = next(t for t in counter.checklist.state(res.number).tasks if t.title == "Back up data")
    assert backup.skipped


def test_intake_is_one_transaction(database: Database, counter: CounterServices, admin: Actor) -> None:
    """A loaner that is already out fails the whole intake: no incident, device or repair is left."""
    counter.loaners.add(admin, "LN-02", "HP EliteBook loaner")
    repair(database, counter, admin, loaner="LN-02")
    with database.reading() as s:
        before = [s.execute(select(func.count()).select_from(t)).scalar() for t in (Incident, Device, Repair, Loan)]
    uid = factories.person(database, given="Борис", family="Пастернак")
    req = intake_request(uid, device=DeviceInfo(serial="OTHER-1"), loaner_asset_tag="LN-02",
                         loan_due=__import__("datetime").date(2026, 11, 9))
    with pytest.raises(InvalidInput, match="already lent out"):
        counter.intake.intake(admin, req)
    with database.reading() as s:
        after = [s.execute(select(func.count()).select_from(t)).scalar() for t in (Incident, Device, Repair, Loan)]
    assert after == before


def test_known_device_shows_earlier_repairs(database: Database, counter: CounterServices, admin: Actor) -> None:
    first = repair(database, counter, admin)
    found = counter.intake.find_device(serial="5cg1234xyz")
    assert found is not None and [r.number for r in found.repairs] == [first.number]
    second = repair(database, counter, admin, given="Grace", family="Hopper",
                    device=DeviceInfo(asset_tag="NU-104233", os="Ubuntu 24.04"))
    assert second.repair.device.id == found.id
    assert second.repair.device.os == "Ubuntu 24.04" and second.repair.device.make == "Dell"
    assert [r.number for r in second.repair.device.repairs] == [second.number, first.number]


@pytest.mark.parametrize("change, message", [
    ({"symptoms": "  "}, "Reported problem is required"),
    ({"device": DeviceInfo()}, "asset tag or serial"),
    ({"signature_png": b""}, "sign on the pad"),
    ({"signature_png": b"GIF89a"}, "not a PNG"),
    ({"staff_initials": "4"}, "initials must be letters"),
    ({"loaner_asset_tag": "LN-9", "loan_due": None}, "due back"),
])
def test_intake_refuses_incomplete_input(counter: CounterServices, change: dict[str, object], message: str) -> None:
    # Checked before any write (and page by page in the wizard); intake() runs the same checks.
    with pytest.raises(InvalidInput, match=message):
        counter.intake.validate(dataclasses.replace(intake_request("900000001"), **change))


def test_a_loaner_falls_due_at_the_desks_closing_time_still_ahead(counter: CounterServices, clock) -> None:  # type: ignore[no-untyped-def]
    site = counter.site
    today = site.today(clock())
    assert counter.intake.check_loan_due(today) == site.at(today, dt.time(18, 0))  # before closing: fine
    clock.set(site.at(today, dt.time(18, 0)))
    with pytest.raises(InvalidInput, match="must be in the future") as err:
        counter.intake.check_loan_due(today)
    assert err.value.field == "loan_due"


def test_unknown_customer_is_refused(counter: CounterServices, admin: Actor) -> None:
    with pytest.raises(InvalidInput, match="No person with university ID"):
        counter.intake.intake(admin, intake_request("000-nobody"))


def _devices(db: Database) -> list[tuple[str | None, str | None, int | None]]:
    with db.reading() as s:
        return [tuple(r) for r in s.execute(select(Device.asset_tag, Device.serial, Device.owner_id)
                                            .order_by(Device.id))]  # type: ignore[misc]


def _device_audit(db: Database) -> list[tuple[int, str, str | None, str | None, str | None]]:
    with db.reading() as s:
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            select(AuditEntry.entity_id, AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value,
                   AuditEntry.reason).where(AuditEntry.entity == "device").order_by(AuditEntry.id))]


def test_two_customers_laptops_sharing_a_serial_never_become_one(database: Database, counter: CounterServices,
                                                                 admin: Actor, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desk.printing import build_device_tag
    from tests.desk.printing.render import pdf_text

    first = repair(database, counter, admin)  # Ada: NU-104233, serial 5CG1234XYZ
    devices, audits = _devices(database), _device_audit(database)
    with database.reading() as s:
        incidents = s.execute(select(func.count(Incident.id))).scalar_one()
    grace = factories.person(database, given="Grace", family="Hopper")
    theirs = DeviceInfo(asset_tag="NU-200001", serial="5CG1234XYZ", make="Dell", model="Latitude 7440")
    with pytest.raises(DeviceConflict) as caught:
        counter.intake.intake(admin, intake_request(grace, device=theirs))
    conflict = caught.value
    assert [c.id for c in conflict.candidates] == [first.repair.device.id] and conflict.can_register_new
    assert conflict.field == "device" and isinstance(conflict, InvalidInput)  # exit code 2 on the CLI
    assert "Serial 5CG1234XYZ is on record with asset tag NU-104233, not NU-200001" in str(conflict)
    assert "owned by Ada Lovelace" in str(conflict) and "register it as a new device" in str(conflict)
    # Nothing was written: the first customer's device keeps its tag, and its printed tag says so.
    assert _devices(database) == devices and _device_audit(database) == audits
    with database.reading() as s:
        assert s.execute(select(func.count(Incident.id))).scalar_one() == incidents
    build_device_tag(counter.intake.repair(first.number), tmp_path / "tag.pdf")
    assert "NU-104233" in pdf_text(tmp_path / "tag.pdf") and "NU-200001" not in pdf_text(tmp_path / "tag.pdf")
    # The wizard's look-up says the same before anything is signed.
    with pytest.raises(DeviceConflict):
        counter.intake.identify(grace, theirs)

    # Counter staff decide: a different laptop, registered as a new device.
    second = counter.intake.intake(admin, intake_request(grace, device=theirs, new_device=True))
    assert second.repair.device.id != first.repair.device.id
    assert (second.repair.device.asset_tag, second.repair.device.owner_name) == ("NU-200001", "Grace Hopper")
    assert counter.intake.repair(first.number).device.asset_tag == "NU-104233"
    created = _device_audit(database)[len(audits):]
    assert [(f, new) for _, f, _, new, _ in created] == [("created", "NU-200001")]


def test_choosing_the_device_on_record_changes_it_with_an_audit_row(database: Database, counter: CounterServices,
                                                                    admin: Actor) -> None:
    first = repair(database, counter, admin)
    grace = factories.person(database, given="Grace", family="Hopper")
    retagged = DeviceInfo(asset_tag="NU-300003", serial="5cg1234xyz", make="Dell", model="Latitude 7440",
                          os="Windows 11")
    with pytest.raises(DeviceConflict):
        counter.intake.intake(admin, intake_request(grace, device=retagged))
    before = len(_device_audit(database))
    res = counter.intake.intake(admin, intake_request(grace, device=retagged, device_id=first.repair.device.id))
    assert res.repair.device.id == first.repair.device.id and res.repair.device.asset_tag == "NU-300003"
    assert res.repair.device.owner_name == "Ada Lovelace"  # the owner on record is not changed either
    assert _device_audit(database)[before:] == [
        (first.repair.device.id, "asset_tag", "NU-104233", "NU-300003",
         f"counter intake {res.number} (counter staff chose this device)")]


def test_serial_alone_matching_another_customers_device_is_a_conflict(database: Database,
                                                                     counter: CounterServices,
                                                                     admin: Actor) -> None:
    repair(database, counter, admin)
    grace = factories.person(database, given="Grace", family="Hopper")
    with pytest.raises(DeviceConflict, match="on record for another customer's device"):
        counter.intake.intake(admin, intake_request(grace, device=DeviceInfo(serial="5CG1234XYZ", make="Dell",
                                                                             model="XPS 13")))
    # The same customer bringing the same laptop back by its serial is simply the device on record.
    ada_again = counter.intake.find_device(serial="5CG1234XYZ")
    assert ada_again is not None
    with database.reading() as s:
        uid = s.execute(select(Person.university_id).where(Person.given_name == "Ada")).scalar_one()
    again = counter.intake.intake(admin, intake_request(uid, device=DeviceInfo(serial="5cg1234xyz", make="Dell",
                                                                               model="Latitude 7440")))
    assert again.repair.device.id == ada_again.id and again.repair.device.asset_tag == "NU-104233"


def test_tag_and_serial_of_different_devices_is_a_conflict(database: Database, counter: CounterServices,
                                                           admin: Actor) -> None:
    a = repair(database, counter, admin, device=DeviceInfo(asset_tag="NU-1", serial="SER-A", make="Dell",
                                                           model="A")).repair.device
    b = repair(database, counter, admin, given="Grace", family="Hopper",
               device=DeviceInfo(asset_tag="NU-2", serial="SER-B", make="HP", model="B")).repair.device
    uid = factories.person(database, given="Alan", family="Turing")
    with pytest.raises(DeviceConflict, match="Asset tag NU-1 is on record with serial SER-A, not SER-B") as caught:
        counter.intake.intake(admin, intake_request(uid, device=DeviceInfo(asset_tag="nu-1", serial="SER-B")))
    assert [c.id for c in caught.value.candidates] == [a.id, b.id] and not caught.value.can_register_new
    assert "or correct the asset tag" in str(caught.value)
    with pytest.raises(DeviceConflict, match="Asset tag NU-1 is on record with serial SER-A, not SER-C"):
        counter.intake.intake(admin, intake_request(uid, device=DeviceInfo(asset_tag="NU-1", serial="SER-C")))
    with pytest.raises(InvalidInput, match="Asset tag NU-1 is already on"):  # a new device cannot take its tag
        counter.intake.intake(admin, intake_request(uid, device=DeviceInfo(asset_tag="NU-1", serial="SER-C"),
                                                    new_device=True))
    c = repair(database, counter, admin, given="Ida", family="Noddack",
               device=DeviceInfo(asset_tag="NU-3", make="Lenovo", model="C")).repair.device  # no serial
    with pytest.raises(DeviceConflict, match="Asset tag NU-3 and serial SER-A belong to different devices") as c2:
        counter.intake.intake(admin, intake_request(uid, device=DeviceInfo(asset_tag="NU-3", serial="SER-A")))
    assert [d.id for d in c2.value.candidates] == [c.id, a.id]
    assert [t for t, _, _ in _devices(database)] == ["NU-1", "NU-2", "NU-3"]


@pytest.mark.parametrize("placeholder", ["N/A", "n/a", "unknown", "NONE", "-", "0", "000000", "  "])
def test_placeholder_serials_never_match(database: Database, counter: CounterServices, admin: Actor,
                                         placeholder: str) -> None:
    first = repair(database, counter, admin, device=DeviceInfo(asset_tag="NU-9", serial=placeholder,
                                                               make="Acer", model="Swift"))
    assert counter.intake.find_device(serial=placeholder) is None
    grace = factories.person(database, given="Grace", family="Hopper")
    second = counter.intake.intake(admin, intake_request(grace, device=DeviceInfo(
        asset_tag="NU-10", serial=placeholder, make="Asus", model="Zenbook")))
    assert second.repair.device.id != first.repair.device.id
    assert counter.intake.repair(first.number).device.asset_tag == "NU-9"
    # A real serial typed later for the tagged device fills it in; a placeholder never overwrites one.
    ada = first.repair.device.owner_university_id
    assert ada is not None
    counter.intake.intake(admin, intake_request(ada, device=DeviceInfo(asset_tag="NU-9", serial="REAL-9")))
    counter.intake.intake(admin, intake_request(ada, device=DeviceInfo(asset_tag="NU-9", serial="unknown")))
    assert counter.intake.find_device(asset_tag="NU-9").serial == "REAL-9"  # type: ignore[union-attr]


def test_every_change_to_a_known_device_is_audited(database: Database, counter: CounterServices,
                                                   admin: Actor) -> None:
    first = repair(database, counter, admin)
    before = len(_device_audit(database))
    second = repair(database, counter, admin, given="Grace", family="Hopper",
                    device=DeviceInfo(asset_tag="NU-104233", os="Ubuntu 24.04", model="Latitude 7450"))
    assert second.repair.device.id == first.repair.device.id
    changes = [(i, f, old, new, why) for i, f, old, new, why in _device_audit(database)[before:]]
    device = first.repair.device.id
    assert changes == [(device, "model", "Latitude 7440", "Latitude 7450", f"counter intake {second.number}"),
                       (device, "os", "Windows 11", "Ubuntu 24.04", f"counter intake {second.number}")]
    third = repair(database, counter, admin, given="Alan", family="Turing",
                   device=DeviceInfo(asset_tag="NU-104233"))
    assert third.repair.device.id == device and len(_device_audit(database)) == before + 2  # nothing changed
