"""Worked examples with the reference's default targets, through the real services on
SQLite and PostgreSQL (times in America/New_York; stored in UTC)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desk.actor import Actor
from desk.bootstrap import Services
from desk.incidents.service import NewIncident
from desk.sla.admin import SlaAdmin
from desk.sla.service import SlaService

# Engine-neutral logic: once on SQLite keeps the suite lean; the rest runs on both engines.
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
NY = ZoneInfo("America/New_York")
ICS = Path(__file__).resolve().parents[2] / "data" / "university-closures.ics"


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NY).astimezone(dt.UTC)


def test_p3_opened_friday_1730_before_a_holiday_monday(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    clock.set(ny(2027, 1, 15, 17, 30))  # Friday; Monday 2027-01-18 is Martin Luther King Jr. Day
    v = services.incidents.open(admin, NewIncident(title="Lab printer offline", service="Printing",
                                                   impact="medium", urgency="medium"))
    assert v.priority == "P3"
    # Response 4 h: 30 min on Friday, Monday is a holiday, 3 h 30 on Tuesday.
    assert v.response_due_at == ny(2027, 1, 19, 11, 30)
    # Resolution 3 business days = 30 h: 0.5 + 10 (Tue) + 10 (Wed) + 9.5 (Thu).
    assert v.resolution_due_at == ny(2027, 1, 21, 17, 30)
    sla = SlaService(services.db).incident_sla(v.number, ny(2027, 1, 19, 9, 0))
    assert sla.sla_name == "standard" and sla.calendar_name == "service-desk"
    assert sla.response.business_seconds_used == 30 * 60 + 3600  # Fri 17:30–18:00, Tue 08:00–09:00
    assert sla.response.state == "on_track"
    assert sla.response.at_risk_at == ny(2027, 1, 19, 10, 30)  # 3 h of 4 h used
    svc = SlaService(services.db)
    assert svc.incident_sla(v.number, ny(2027, 1, 19, 10, 30)).response.state == "at_risk"
    assert svc.incident_sla(v.number, ny(2027, 1, 19, 11, 30)).response.state == "at_risk"  # 100 %: still met
    late = svc.incident_sla(v.number, ny(2027, 1, 19, 11, 31))
    # Breached past 100 %: the first business second beyond the target ends at 11:30:01.
    assert late.response.state == "breached" and late.response.breached_at == ny(2027, 1, 19, 11, 30, 1)
    snap = svc.snapshots([v.id], ny(2027, 1, 19, 11, 31))[v.id]
    assert (snap.target, snap.state, snap.business_seconds_left) == ("response", "breached", -60)


@SQLITE_ONLY
def test_p1_across_the_spring_forward_night(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    clock.set(ny(2027, 3, 13, 23, 0))  # Saturday 23:00 EST; clocks jump 02:00 → 03:00 that night
    v = services.incidents.open(admin, NewIncident(title="Campus Wi-Fi down", service="Wi-Fi & Network",
                                                   impact="high", urgency="high"))
    assert v.priority == "P1"
    assert v.response_due_at == ny(2027, 3, 13, 23, 15)
    # 4 real hours on the 24 × 7 calendar: 23:00 EST + 4 h = 04:00 EDT (wall clock shows 5 h).
    assert v.resolution_due_at == ny(2027, 3, 14, 4, 0)
    assert v.resolution_due_at - v.opened_at == dt.timedelta(hours=4)
    assert v.resolution_due_at.astimezone(NY).strftime("%H:%M %Z") == "04:00 EDT"


def test_pending_parts_pause_over_the_winter_closure(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    clock.set(ny(2026, 11, 2, 9, 0))
    saved = SlaAdmin(services.db, clock).import_ics(admin, "service-desk", ICS)
    assert saved.version == 2
    clock.set(ny(2026, 12, 21, 9, 0))  # Monday before the winter closure (Dec 23 – Jan 1)
    v = services.incidents.open(admin, NewIncident(title="Laptop won't boot", service="Laptop Repair",
                                                   impact="low", urgency="medium"))
    assert v.priority == "P4"
    clock.set(ny(2026, 12, 21, 10, 0))
    services.incidents.transition(admin, v.number, "in_progress")
    clock.set(ny(2026, 12, 22, 12, 0))  # 9 h + 4 h used; the part is on order
    v = services.incidents.transition(admin, v.number, "pending_parts")
    assert v.resolution_due_at is None
    sla = SlaService(services.db)
    during = sla.snapshots([v.id], ny(2026, 12, 30, 12, 0))[v.id]
    assert (during.target, during.state, during.due_at) == ("resolution", "paused", None)
    assert during.business_seconds_left == 50 * 3600 - 13 * 3600
    clock.set(ny(2027, 1, 4, 10, 0))  # the part arrives after the closure and New Year's Day
    v = services.incidents.transition(admin, v.number, "in_progress")
    # 37 h left from Monday 10:00: 8 + 10 + 10 + 9 → Thursday 17:00.
    assert v.resolution_due_at == ny(2027, 1, 7, 17, 0)
    panel = sla.incident_sla(v.number, ny(2027, 1, 4, 12, 0))
    assert panel.resolution.business_seconds_used == 13 * 3600 + 2 * 3600
    assert [(p.start, p.end, p.status) for p in panel.pauses] == [
        (ny(2026, 12, 22, 12, 0), ny(2027, 1, 4, 10, 0), "pending_parts")]
    assert panel.breaches == () and panel.response.state == "met"


@SQLITE_ONLY
def test_resumed_inside_the_closure_counts_nothing_until_the_desk_reopens(
        services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    clock.set(ny(2026, 11, 2, 9, 0))
    SlaAdmin(services.db, clock).import_ics(admin, "service-desk", ICS)
    clock.set(ny(2026, 12, 21, 9, 0))
    v = services.incidents.open(admin, NewIncident(title="Laptop hinge", service="Laptop Repair",
                                                   impact="low", urgency="medium"))
    clock.set(ny(2026, 12, 21, 10, 0))
    services.incidents.transition(admin, v.number, "in_progress")
    clock.set(ny(2026, 12, 22, 12, 0))
    services.incidents.transition(admin, v.number, "pending_parts")
    clock.set(ny(2026, 12, 28, 10, 0))  # someone works through the closure
    v = services.incidents.transition(admin, v.number, "in_progress")
    # 37 h from Monday Jan 4 08:00: 10 + 10 + 10 + 7 → Thursday 15:00.
    assert v.resolution_due_at == ny(2027, 1, 7, 15, 0)
