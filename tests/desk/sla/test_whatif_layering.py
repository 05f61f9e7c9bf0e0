"""What-if layers its change onto each calendar / SLA version that was in force: last
spring's tickets keep last spring's hours and targets unless the change touches them."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from desk.actor import Actor
from desk.bootstrap import Services
from desk.incidents.service import NewIncident
from desk.sla.admin import SlaAdmin
from desk.sla.service import SlaService
from desk.sla.whatif import TargetChange, candidate_calendar, candidate_sla, what_if

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # engine-neutral logic
NY = ZoneInfo("America/New_York")
SPRING = (dt.datetime(2026, 3, 1, tzinfo=dt.UTC), dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
LATER = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NY).astimezone(dt.UTC)


def ics(*events: tuple[str, str, str]) -> bytes:
    """A feed of whole-day closures: (uid, first day YYYYMMDD, day after the last)."""
    body = "".join(f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260801T120000Z\r\nDTSTART;VALUE=DATE:{a}\r\n"
                   f"DTEND;VALUE=DATE:{b}\r\nSUMMARY:Closed {a}\r\nEND:VEVENT\r\n" for uid, a, b in events)
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n{body}END:VCALENDAR\r\n").encode()


def spring_ticket(services: Services, clock, admin: Actor, resolved: dt.datetime) -> str:  # type: ignore[no-untyped-def]
    clock.set(ny(2026, 3, 2, 9, 0))  # Monday; P3, resolution 3 business days = 30 h
    number = services.incidents.open(admin, NewIncident(title="Projector", service="Printing", impact="medium",
                                                        urgency="medium")).number
    clock.set(resolved)
    services.incidents.transition(admin, number, "in_progress")
    services.incidents.transition(admin, number, "resolved", resolution_code="fixed", resolution_note="x")
    return number


@pytest.fixture
def two_hour_versions(services: Services, clock, admin: Actor) -> SlaAdmin:  # type: ignore[no-untyped-def]
    """Spring: the desk worked 07:00–19:00; since September, 08:00–18:00."""
    sla_admin = SlaAdmin(services.db, clock)
    clock.set(ny(2026, 2, 27, 12, 0))
    sla_admin.set_hours(admin, "service-desk", "mon-fri 07:00-19:00")
    clock.set(ny(2026, 9, 1, 0, 0))
    sla_admin.set_hours(admin, "service-desk", "mon-fri 08:00-18:00")
    return sla_admin


def test_a_closure_feed_does_not_reapply_todays_hours_to_last_spring(
        services: Services, clock, admin: Actor, two_hour_versions: SlaAdmin) -> None:  # type: ignore[no-untyped-def]
    # Spring hours: Mon 10 h + Tue 12 h + Wed 07:00–17:00 10 h = 32 h > 30 h: missed.
    # (Today's hours would give 9 + 10 + 9 = 28 h: met.)
    number = spring_ticket(services, clock, admin, ny(2026, 3, 4, 17, 0))
    sla = SlaService(services.db)
    assert sla.incident_sla(number, LATER).resolution.state == "missed"
    cat = sla.catalogue()
    later_closures = candidate_calendar(cat, "service-desk", ics=ics(("x1", "20261125", "20261128")))
    assert what_if(services.db, admin, later_closures, *SPRING, now=LATER).changed == 0
    # Each version keeps its own hours in the candidate.
    versions = later_closures.calendars["service-desk"].versions
    assert [len(v[3].closures) - len(o[3].closures)
            for v, o in zip(versions, cat.calendars["service-desk"].versions)] == [1] * len(versions)
    assert later_closures.clock("service-desk").between(ny(2026, 3, 2, 0, 0), ny(2026, 3, 3, 0, 0)) == 12 * 3600
    # A closure on the Tuesday touches it: 10 h + (closed) + 12 h = 22 h: now met.
    tuesday = candidate_calendar(cat, "service-desk", ics=ics(("x2", "20260303", "20260304")))
    r = what_if(services.db, admin, tuesday, *SPRING, now=LATER)
    assert (r.resolution_now_met, r.resolution_now_missed, r.examples[0][0]) == (1, 0, number)


def test_new_hours_replace_each_versions_hours(
        services: Services, clock, admin: Actor, two_hour_versions: SlaAdmin) -> None:  # type: ignore[no-untyped-def]
    number = spring_ticket(services, clock, admin, ny(2026, 3, 4, 17, 0))
    cat = SlaService(services.db).catalogue()
    shorter = candidate_calendar(cat, "service-desk", hours="mon-fri 08:00-18:00")
    r = what_if(services.db, admin, shorter, *SPRING, now=LATER)
    assert (r.resolution_now_met, r.examples[0][0]) == (1, number)
    # The span each version governed is kept: the versions' start instants are unchanged.
    assert [v[0] for v in shorter.calendars["service-desk"].versions] == [
        v[0] for v in cat.calendars["service-desk"].versions]


def test_a_target_change_layers_onto_the_sla_version_in_force(
        services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    # Spring: P3 resolution 3 business days; raised to 5 in September.
    number = spring_ticket(services, clock, admin, ny(2026, 3, 6, 9, 0))  # 9 + 10 + 10 + 10 + 1 = 40 h
    clock.set(ny(2026, 9, 1, 0, 0))
    SlaAdmin(services.db, clock).set_target(admin, "standard", "P3", resolution="5bd")
    sla = SlaService(services.db)
    assert sla.incident_sla(number, LATER).resolution.state == "missed"
    cat = sla.catalogue()
    # Editing another priority leaves the spring P3 target (3 bd) as it was then.
    p4 = candidate_sla(cat, "standard", [TargetChange("P4", response="2h")])
    assert what_if(services.db, admin, p4, *SPRING, now=LATER).changed == 0
    spring, today = p4.slas["standard"][0], p4.slas["standard"][-1]
    assert (spring.targets["P3"].resolution_s, today.targets["P3"].resolution_s) == (3 * 36_000, 5 * 36_000)
    assert spring.targets["P4"].response_s == today.targets["P4"].response_s == 7200
    # Editing P3 itself changes it in every version: 5 bd in spring too, and the ticket is met.
    p3 = candidate_sla(cat, "standard", [TargetChange("P3", resolution="5bd")])
    assert what_if(services.db, admin, p3, *SPRING, now=LATER).resolution_now_met == 1
