"""Checklist ticking, Pending (parts), ready for pickup, pickup and the loaner pool."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from db.engine import Database
from desk.actor import Actor
from desk.bootstrap import Services
from desk.counter.bundle import CounterServices
from desk.counter.views import PickupRequest
from desk.errors import InvalidInput
from desk.incidents.read import audit_trail
from tests.conftest import FakeClock
from tests.factories import repair, signature_png


def _task(counter: CounterServices, number: str, title: str) -> int:
    return next(t.id for t in counter.checklist.state(number).tasks if t.title == title)


def test_order_parts_offers_pending_parts_and_notify_marks_ready(
        database: Database, services: Services, counter: CounterServices, admin: Actor) -> None:
    number = repair(database, counter, admin).number
    assert counter.checklist.state(number).status == "new"
    state = counter.checklist.set_done(admin, number, _task(counter, number, "Diagnose"), True)
    assert state.offer is None and state.status == "in_progress"  # ticking off work starts it
    state = counter.checklist.set_done(admin, number, _task(counter, number, "Order parts"), True)
    assert state.offer == "pending_parts"
    state = counter.checklist.order_parts(admin, number, ["LCD panel 14in FHD"])
    assert state.status == "pending_parts"
    assert counter.intake.repair(number).parts == ("LCD panel 14in FHD",)
    counter.checklist.parts_arrived(admin, number)
    state = counter.checklist.set_done(admin, number, _task(counter, number, "Notify customer"), True)
    assert state.ready_for_pickup and counter.intake.repair(number).ready_at is not None
    assert services.incidents.get(number).status == "in_progress"
    state = counter.checklist.set_done(admin, number, _task(counter, number, "Notify customer"), False)
    assert not state.ready_for_pickup


def test_stale_tick_is_a_conflict(database: Database, counter: CounterServices, admin: Actor) -> None:
    from desk.errors import ConflictError

    number = repair(database, counter, admin).number
    task = next(t for t in counter.checklist.state(number).tasks if t.title == "Repair")
    counter.checklist.set_done(admin, number, task.id, True, base_version=task.version)
    with pytest.raises(ConflictError):
        counter.checklist.set_done(admin, number, task.id, False, base_version=task.version)


def test_pickup_returns_loaner_checks_accessories_and_closes(
        database: Database, services: Services, counter: CounterServices, admin: Actor) -> None:
    counter.loaners.add(admin, "LN-1", "ThinkPad loaner")
    number = repair(database, counter, admin, loaner="LN-1").number
    counter.incidents.transition(admin, number, "in_progress")     # the bench worked on it
    found = counter.pickup.find(f"  {number.lower()} ")  # as a scanner or a person types it
    assert found.number == number
    with pytest.raises(InvalidInput, match="Not handed back: Bag"):
        counter.pickup.pickup(admin, PickupRequest(number, "University card", ("Charger",), signature_png(),
                                                   "Replaced fan."))
    with pytest.raises(InvalidInput, match="Not on the intake list: Mouse"):
        counter.pickup.pickup(admin, PickupRequest(number, "University card", ("Charger", "Bag", "Mouse"),
                                                   signature_png(), "Replaced fan."))
    with pytest.raises(InvalidInput, match="loaner laptop must be returned"):
        counter.pickup.pickup(admin, PickupRequest(number, "University card", ("Charger", "Bag"), signature_png(),
                                                   "Replaced fan.", loaner_returned=False))
    with pytest.raises(InvalidInput, match="sign on the pad"):
        counter.pickup.pickup(admin, PickupRequest(number, "University card", ("Charger", "Bag"), b"",
                                                   "Replaced fan."))
    done = counter.pickup.pickup(admin, PickupRequest(number, "University card", ("Charger", "Bag"),
                                                      signature_png(), "Replaced fan."))
    v = services.incidents.get(number)
    assert v.status == "closed" and v.resolution_code == "fixed" and v.resolution_note == "Replaced fan."
    assert done.signature("pickup") is not None and all(a.returned for a in done.accessories)
    assert done.loan is not None and done.loan.returned_at is not None
    assert [x.asset_tag for x in counter.loaners.available()] == ["LN-1"]
    pickup_task = next(t for t in counter.checklist.state(number).tasks if t.title == "Pickup and sign-off")
    assert pickup_task.done
    with pytest.raises(InvalidInput, match="already been picked up"):
        counter.pickup.pickup(admin, PickupRequest(number, "Passport", ("Charger", "Bag"), signature_png(), "x"))


def test_loaner_pool_overdue_and_retire(database: Database, counter: CounterServices, admin: Actor,
                                        clock: FakeClock) -> None:
    counter.loaners.add(admin, "LN-A", "HP loaner")
    counter.loaners.add(admin, "LN-B", "Dell loaner")
    with pytest.raises(InvalidInput, match="already exists"):
        counter.loaners.add(admin, "ln-a", "dup")
    number = repair(database, counter, admin, loaner="LN-A", loan_due=dt.date(2026, 11, 4)).number
    pool = {x.asset_tag: x for x in counter.loaners.pool()}
    assert pool["LN-A"].current_loan is not None and pool["LN-A"].current_loan.repair_number == number
    assert pool["LN-A"].current_loan.person_name == "Ada Lovelace"
    assert counter.loaners.overdue() == []
    clock.set(dt.datetime(2026, 11, 4, 23, 30, tzinfo=dt.UTC))  # 18:30 in New York: past closing
    assert [x.loaner_asset_tag for x in counter.loaners.overdue()] == ["LN-A"]
    with pytest.raises(InvalidInput, match="lent out"):
        counter.loaners.retire(admin, "LN-A", "cracked screen")
    counter.loaners.retire(admin, "LN-B", "battery swollen")
    assert [x.asset_tag for x in counter.loaners.pool()] == ["LN-A"]
    with pytest.raises(InvalidInput, match="retired"):
        repair(database, counter, admin, given="Grace", loaner="LN-B")
    counter.loaners.take_back(admin, "LN-A", "returned early")
    assert counter.loaners.overdue() == [] and [x.asset_tag for x in counter.loaners.available()] == ["LN-A"]


def test_a_repair_nobody_worked_on_is_handed_back_only_with_a_reason(
        database: Database, services: Services, counter: CounterServices, admin: Actor) -> None:
    number = repair(database, counter, admin).number                    # still New
    request = PickupRequest(number, "University card", ("Charger", "Bag"), signature_png(), "Nothing done")
    with pytest.raises(InvalidInput, match="still New") as refused:
        counter.pickup.pickup(admin, request)
    assert refused.value.field == "unworked_reason"
    done = counter.pickup.pickup(admin, replace(request, unworked_reason="Customer needs it back for an exam"))
    assert done.picked_up_at is not None
    with services.db.reading() as s:
        trail = {a.field: a for a in audit_trail(s, "incident", services.incidents.get(number).id)}
    assert "Handed back unworked: Customer needs it back for an exam" in (trail["pickup"].reason or "")
