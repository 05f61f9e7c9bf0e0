"""Intake writes incident, tasks, device, intake record, accessories, signature and loan at once."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from db.engine import Database
from db.models import Device, Incident, Loan, Repair
from desk.actor import Actor
from desk.counter.bundle import CounterServices
from desk.counter.views import DeviceInfo
from desk.errors import InvalidInput
from desk.services.bundle import Services
from tests import factories
from tests.desk.counter.support import intake_request, make_intake


def test_intake_creates_repair_ticket_from_the_model(database: Database, services: Services,
                                                      counter: CounterServices, admin: Actor) -> None:
    counter.loaners.add(admin, "LN-01", "Lenovo ThinkPad T14 loaner")
    res = make_intake(database, counter, admin, loaner="LN-01")
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
    res = make_intake(database, counter, admin, backup_wanted=False)
    backup = next(t for t in counter.checklist.state(res.number).tasks if t.title == "Back up data")
    assert backup.skipped


def test_intake_is_one_transaction(database: Database, counter: CounterServices, admin: Actor) -> None:
    """A loaner that is already out fails the whole intake: no incident, device or repair is left."""
    counter.loaners.add(admin, "LN-02", "HP EliteBook loaner")
    make_intake(database, counter, admin, loaner="LN-02")
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
    first = make_intake(database, counter, admin)
    found = counter.intake.find_device(serial="5cg1234xyz")
    assert found is not None and [r.number for r in found.repairs] == [first.number]
    second = make_intake(database, counter, admin, given="Grace", family="Hopper",
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
def test_intake_refuses_incomplete_input(change: dict[str, object], message: str) -> None:
    # Checked before any database work (and page by page in the wizard); intake() runs the same checks.
    from desk.counter.intake import IntakeService

    with pytest.raises(InvalidInput, match=message):
        IntakeService.validate(None, dataclasses.replace(intake_request("900000001"), **change))  # type: ignore[arg-type]


def test_unknown_customer_is_refused(counter: CounterServices, admin: Actor) -> None:
    with pytest.raises(InvalidInput, match="No person with university ID"):
        counter.intake.intake(admin, intake_request("000-nobody"))
