"""Stored SLA columns, the queue snapshot, the ticket panel, versioning, what-if,
auto-close and the breach sweep — on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text, update

from db.enums import Role
from db.models import AuditEntry, Incident, IncidentModel
from desk.actor import Actor
from desk.bootstrap import Services
from desk.errors import InvalidInput, PermissionDenied
from desk.incidents.autoclose import auto_close
from desk.incidents.service import NewIncident
from desk.sla import backfill, stored
from desk.sla.admin import SlaAdmin
from desk.sla.service import SlaService
from desk.sla.whatif import TargetChange, candidate_calendar, candidate_sla, what_if
from tests import factories

# Engine-neutral logic: once on SQLite keeps the suite lean; the rest runs on both engines.
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
NY = ZoneInfo("America/New_York")
SECOND = dt.timedelta(seconds=1)
ICS = Path(__file__).resolve().parents[2] / "data" / "university-closures.ics"


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NY).astimezone(dt.UTC)


def open_ticket(services: Services, admin: Actor, impact: str = "medium", urgency: str = "medium",
                service: str = "Printing", **kw: str) -> str:
    return services.incidents.open(admin, NewIncident(title="Test", service=service, impact=impact,
                                                      urgency=urgency, **kw)).number


def stored_row(services: Services, number: str) -> dict[str, object]:
    with services.db.reading() as s:
        inc = s.execute(select(Incident).where(Incident.number == number)).scalar_one()
        return {c: getattr(inc, c) for c in stored.COLUMNS} | {"version": inc.version}


@SQLITE_ONLY
def test_reference_defaults_are_seeded(services: Services) -> None:
    cat = SlaService(services.db).catalogue()
    assert set(cat.calendars) >= {"service-desk", "24x7"}
    spec = cat.calendars["service-desk"].latest[3]
    assert (spec.time_zone, spec.holiday_country, spec.holiday_subdivision, spec.business_day_s) == (
        "America/New_York", "US", "NC", 36_000)
    t = cat.slas["standard"][-1].targets
    assert (t["P1"].response_s, t["P1"].resolution_s, t["P1"].calendar) == (900, 4 * 3600, "24x7")
    assert (t["P4"].response_s, t["P4"].resolution_s) == (36_000, 5 * 36_000)
    assert (t["P5"].response_s, t["P5"].resolution_s) == (2 * 36_000, 20 * 36_000)


def test_priority_change_retargets_from_opening_and_breach_stays(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    clock.set(ny(2026, 11, 2, 9, 0))  # Monday
    number = open_ticket(services, admin)  # P3: response 4 h
    assert stored_row(services, number)["response_due_at"] == ny(2026, 11, 2, 13, 0)
    clock.set(ny(2026, 11, 2, 10, 0))
    v = services.incidents.get(number)
    services.incidents.update(admin, number, v.version, {"urgency": "high"})  # → P2: response 30 min
    row = stored_row(services, number)
    assert row["response_target_s"] == 1800 and row["resolution_target_s"] == 8 * 3600
    assert row["response_due_at"] == ny(2026, 11, 2, 9, 30)       # from the original opening
    assert row["response_breached_at"] == ny(2026, 11, 2, 10, 0)  # late the moment it became P2
    assert row["resolution_due_at"] == ny(2026, 11, 2, 17, 0)
    clock.set(ny(2026, 11, 2, 10, 30))
    v = services.incidents.get(number)
    services.incidents.update(admin, number, v.version, {"urgency": "low"})  # back down to P4
    row = stored_row(services, number)
    assert row["response_target_s"] == 36_000
    assert row["response_breached_at"] == ny(2026, 11, 2, 10, 0)  # a breach stays recorded
    panel = SlaService(services.db).incident_sla(number, ny(2026, 11, 2, 11, 0))
    assert [(b.target, b.priority) for b in panel.breaches] == [("response", "P2")]
    assert panel.response.state == "breached"


def test_pause_resume_and_resolution_elapsed(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    clock.set(ny(2026, 11, 2, 9, 0))
    number = open_ticket(services, admin)
    clock.set(ny(2026, 11, 2, 10, 0))
    services.incidents.transition(admin, number, "in_progress")
    clock.set(ny(2026, 11, 2, 11, 0))
    services.incidents.transition(admin, number, "pending_customer")
    row = stored_row(services, number)
    assert row["sla_paused_at"] == ny(2026, 11, 2, 11, 0) and row["resolution_due_at"] is None
    assert row["resolution_elapsed_s"] == 2 * 3600 and row["response_elapsed_s"] == 3600
    clock.set(ny(2026, 11, 4, 11, 0))  # two days later
    services.incidents.transition(admin, number, "in_progress")
    row = stored_row(services, number)
    assert row["sla_paused_at"] is None
    # 30 h target, 2 h used: 28 h from Wed 11:00 → 7 (Wed) + 10 (Thu) + 10 (Fri) + 1 → Mon 09:00.
    assert row["resolution_due_at"] == ny(2026, 11, 9, 9, 0)
    clock.set(ny(2026, 11, 4, 12, 0))
    services.incidents.transition(admin, number, "resolved", resolution_code="fixed", resolution_note="ok")
    row = stored_row(services, number)
    assert row["resolution_elapsed_s"] == 3 * 3600 and row["resolution_breached_at"] is None
    snap = SlaService(services.db).snapshots([services.incidents.get(number).id], ny(2026, 11, 20, 0, 0))
    assert next(iter(snap.values())).state == "met"
    # Reopening resumes the clock where it stopped.
    clock.set(ny(2026, 11, 5, 8, 0))
    services.incidents.transition(admin, number, "in_progress", reason="Printer jammed again")
    # 27 h left from Thu 08:00: 10 + 10 + 7 → Mon 15:00.
    assert stored_row(services, number)["resolution_due_at"] == ny(2026, 11, 9, 15, 0)


@SQLITE_ONLY
def test_refresh_does_not_bump_the_row_version(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    number = open_ticket(services, admin)
    assert stored_row(services, number)["version"] == 1


def test_recompute_all_matches_the_per_event_refresh(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    tech = factories.staff(services, admin, "tina", Role.TECHNICIAN, teams=("Service Desk",))
    clock.set(ny(2026, 11, 2, 9, 0))
    numbers = [open_ticket(services, admin, i, u) for i, u in
               (("high", "high"), ("medium", "medium"), ("low", "low"), ("low", "medium"))]
    numbers.append(open_ticket(services, admin, service="Printing", assignee="tina"))
    clock.advance(hours=1)
    services.incidents.transition(admin, numbers[0], "in_progress")
    services.incidents.comment(tech, numbers[4], "We are on it")  # assignee + public reply = response
    clock.advance(hours=5)
    services.incidents.transition(admin, numbers[1], "in_progress")
    services.incidents.transition(admin, numbers[1], "pending_vendor")
    services.incidents.transition(admin, numbers[2], "cancelled", reason="Duplicate")
    clock.advance(hours=30)
    services.incidents.transition(admin, numbers[0], "resolved", resolution_code="fixed", resolution_note="x")
    last = clock()
    before = {n: stored_row(services, n) for n in numbers}
    assert before[numbers[4]]["response_elapsed_s"] == 3600
    with services.db.writing() as s:
        s.execute(update(Incident).values(dict.fromkeys(stored.COLUMNS)))
    changed = backfill.recompute_all(services.db, now=last)
    assert changed == len(numbers)
    after = {n: stored_row(services, n) for n in numbers}
    for n in numbers:
        for col in stored.COLUMNS:
            if after[n][col] != before[n][col]:
                # The only differences allowed: time used by a still-running clock since
                # the ticket's own last event, and a breach that happened meanwhile, which
                # the bulk pass (as of `last`) records one business second past its due.
                if col == "resolution_elapsed_s":
                    assert after[n][col] > before[n][col] and after[n]["sla_paused_at"] is None  # type: ignore[operator]
                    continue
                kind = col.split("_")[0]
                assert col.endswith("_breached_at") and before[n][col] is None, (n, col)
                assert after[n][col] == after[n][f"{kind}_due_at"] + SECOND and after[n][col] <= last
    # P4: 1 business day, used up at Tuesday 09:00 and exceeded one second later.
    assert after[numbers[3]]["response_breached_at"] == ny(2026, 11, 3, 9, 0, 1)
    assert backfill.recompute_all(services.db, now=last) == 0  # nothing left to change


def test_past_results_do_not_drift_when_calendar_or_sla_change(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    clock.set(ny(2026, 11, 2, 9, 0))
    number = open_ticket(services, admin)
    clock.set(ny(2026, 11, 5, 17, 0))
    services.incidents.transition(admin, number, "in_progress")
    services.incidents.transition(admin, number, "resolved", resolution_code="fixed", resolution_note="x")
    sla = SlaService(services.db)
    panel_before = sla.incident_sla(number, ny(2026, 11, 10, 0, 0))
    row_before = stored_row(services, number)
    assert panel_before.resolution.state == "missed"  # 30 h target, 35 h used
    clock.set(ny(2026, 11, 12, 9, 0))
    admin_svc = SlaAdmin(services.db, clock)
    admin_svc.set_hours(admin, "service-desk", "mon-fri 07:00-19:00")
    admin_svc.set_target(admin, "standard", "P3", resolution="5bd")
    with services.db.writing() as s:  # even a catalogue edit of the service's SLA
        s.execute(text("UPDATE services SET sla_name = NULL WHERE name = 'Printing'"))
    backfill.recompute_all(services.db, now=ny(2026, 11, 10, 0, 0))
    panel_after = sla.incident_sla(number, ny(2026, 11, 10, 0, 0))
    assert panel_after == panel_before
    assert stored_row(services, number) == row_before
    # Tickets opened after the change use the new version.
    with services.db.writing() as s:
        s.execute(text("UPDATE services SET sla_name = 'standard' WHERE name = 'Printing'"))
    clock.set(ny(2026, 11, 16, 7, 0))
    new = services.incidents.open(admin, NewIncident(title="x", service="Printing", impact="medium",
                                                     urgency="medium"))
    # 5 business days = 50 h (a business day stays 10 h), on 12-hour days: 12 × 4 + 2.
    assert new.resolution_due_at == ny(2026, 11, 20, 9, 0)
    assert sla.incident_sla(new.number, clock()).sla_version == 2


@SQLITE_ONLY
def test_calendar_change_moves_open_tickets_from_now_on(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    clock.set(ny(2026, 12, 7, 9, 0))
    number = open_ticket(services, admin)  # P3, due Thu 2026-12-10 09:00
    assert stored_row(services, number)["resolution_due_at"] == ny(2026, 12, 10, 9, 0)
    clock.set(ny(2026, 12, 8, 7, 0))
    r = SlaAdmin(services.db, clock).add_closure(admin, "service-desk", "Snow day", dt.datetime(2026, 12, 8),
                                                 dt.datetime(2026, 12, 9))
    assert r.version == 2 and r.open_tickets_remeasured == 1
    assert stored_row(services, number)["resolution_due_at"] == ny(2026, 12, 11, 9, 0)
    assert SlaService(services.db).incident_sla(number, clock()).resolution.business_seconds_used == 9 * 3600
    with pytest.raises(InvalidInput, match="past"):
        SlaAdmin(services.db, clock).set_hours(admin, "service-desk", "mon-fri 09:00-17:00",
                                               effective_from=ny(2026, 12, 1, 0, 0))


@SQLITE_ONLY
def test_model_sla_override_is_honoured(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    admin_svc = SlaAdmin(services.db, clock)
    admin_svc.create_sla(admin, "repair-bench", copy_from="standard")
    admin_svc.set_target(admin, "repair-bench", "P4", resolution="2bd")
    with services.db.writing() as s:
        s.execute(update(IncidentModel).where(IncidentModel.name == "laptop-repair")
                  .values(sla_override="repair-bench"))
        model_id = s.execute(select(IncidentModel.id).where(IncidentModel.name == "laptop-repair")).scalar_one()
    clock.set(ny(2026, 11, 2, 9, 0))
    plain = services.incidents.open(admin, NewIncident(title="a", service="Laptop Repair", impact="low",
                                                       urgency="medium"))
    with services.db.writing() as s:
        inc = s.execute(select(Incident).where(Incident.number == plain.number)).scalar_one()
    modelled = services.incidents.open(admin, NewIncident(title="b", service="Laptop Repair", impact="low",
                                                          urgency="medium", model="laptop-repair"))
    assert model_id and inc.model_id is None
    assert plain.resolution_due_at == ny(2026, 11, 9, 9, 0)     # 5 business days: 9 + 4 × 10 + 1
    panel = SlaService(services.db).incident_sla(modelled.number, clock())
    assert (panel.sla_name, panel.sla_version) == ("repair-bench", 2)
    assert modelled.resolution_due_at == ny(2026, 11, 4, 9, 0)  # 2 business days: 9 + 10 + 1


@SQLITE_ONLY
def test_only_supervisors_change_calendars(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    tech = factories.staff(services, admin, "tom", Role.TECHNICIAN)
    with pytest.raises(PermissionDenied):
        SlaAdmin(services.db, clock).set_hours(tech, "service-desk", "mon-fri 09:00-17:00")
    with pytest.raises(InvalidInput, match="not a day"):
        SlaAdmin(services.db, clock).set_hours(admin, "service-desk", "funday 09:00-17:00")


@SQLITE_ONLY
def test_ics_reimport_changes_nothing_the_second_time(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    adm = SlaAdmin(services.db, clock)
    first = adm.import_ics(admin, "service-desk", ICS)
    assert (first.added, first.updated, first.unchanged) == (7, 0, 0)
    second = adm.import_ics(admin, "service-desk", ICS)
    assert second.version == first.version and second.unchanged == 7
    with pytest.raises(InvalidInput):
        adm.import_ics(admin, "service-desk", b"not a calendar")


def test_what_if_counts_outcomes_that_would_flip(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    clock.set(ny(2026, 11, 2, 9, 0))
    close_call = open_ticket(services, admin)  # P3, resolution 30 h
    clock.set(ny(2026, 11, 5, 11, 0))  # 9 + 10 + 10 + 3 = 32 h used: missed by 2 h
    services.incidents.transition(admin, close_call, "in_progress")
    services.incidents.transition(admin, close_call, "resolved", resolution_code="fixed", resolution_note="x")
    clock.set(ny(2026, 11, 2, 9, 0))
    safe = open_ticket(services, admin)
    clock.set(ny(2026, 11, 2, 10, 0))
    services.incidents.transition(admin, safe, "in_progress")
    services.incidents.transition(admin, safe, "resolved", resolution_code="fixed", resolution_note="x")
    sla = SlaService(services.db)
    cat = sla.catalogue()
    # Shorter desk hours count less business time: 8 + 8 + 8 + 2 = 26 h < 30 h.
    longer = candidate_calendar(cat, "service-desk", hours="mon-fri 09:00-17:00")
    r = what_if(services.db, admin, longer, ny(2026, 11, 1, 0, 0), ny(2026, 11, 8, 0, 0), now=ny(2026, 11, 20, 0, 0))
    assert r.tickets == 2 and r.resolution_now_met == 1 and r.resolution_now_missed == 0
    assert r.examples[0][0] == close_call
    looser = candidate_sla(cat, "standard", [TargetChange("P3", resolution="4bd")])
    r2 = what_if(services.db, admin, looser, ny(2026, 11, 1, 0, 0), ny(2026, 11, 8, 0, 0), now=ny(2026, 11, 20, 0, 0))
    assert r2.resolution_now_met == 1
    with_closures = candidate_calendar(cat, "service-desk", ics=ICS.read_bytes())
    r3 = what_if(services.db, admin, with_closures, ny(2026, 11, 1, 0, 0), ny(2026, 11, 8, 0, 0),
                 now=ny(2026, 11, 20, 0, 0))
    assert r3.changed == 0  # the feed's closures are all later


def test_auto_close_after_five_business_days_unless_reopened(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    clock.set(ny(2026, 11, 2, 9, 0))
    a, b = (factories.incident(services, admin, service="Printing", status="resolved").number for _ in range(2))
    clock.set(ny(2026, 11, 3, 9, 0))
    services.incidents.transition(admin, b, "in_progress", reason="Not fixed")
    clock.set(ny(2026, 11, 9, 8, 59))  # 49 h 59 business hours (Veterans Day is the 11th)
    assert auto_close(services.db, services.incidents, admin, clock=clock) == []
    clock.set(ny(2026, 11, 9, 9, 0))
    closed = auto_close(services.db, services.incidents, admin, clock=clock)
    assert [c.number for c in closed] == [a]
    assert services.incidents.get(a).status == "closed" and services.incidents.get(b).status == "in_progress"
    with services.db.reading() as s:
        row = s.execute(select(AuditEntry).where(AuditEntry.field == "status", AuditEntry.new_value == "closed")
                        ).scalar_one()
    assert row.actor_id == admin.staff_id and "automatically" in (row.reason or "")


def test_sweep_records_breaches_that_happened_quietly(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    clock.set(ny(2026, 11, 2, 9, 0))
    number = open_ticket(services, admin, "medium", "high")  # P2: response 30 min, resolution 8 h
    assert stored_row(services, number)["response_breached_at"] is None
    assert backfill.sweep(services.db, now=ny(2026, 11, 2, 9, 20)) == 0
    assert backfill.sweep(services.db, now=ny(2026, 11, 3, 9, 0)) == 1
    row = stored_row(services, number)
    # Breached past 100 %: the first second beyond the due (due 09:30, 17:00).
    assert row["response_breached_at"] == ny(2026, 11, 2, 9, 30, 1)
    assert row["resolution_breached_at"] == ny(2026, 11, 2, 17, 0, 1)
    assert backfill.sweep(services.db, now=ny(2026, 11, 3, 9, 0)) == 0


@SQLITE_ONLY
def test_parallel_recompute_gives_the_serial_result(services: Services, clock, admin: Actor,  # type: ignore[no-untyped-def]
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    clock.set(ny(2026, 11, 2, 9, 0))
    numbers = [open_ticket(services, admin, i, u) for i, u in
               (("high", "high"), ("medium", "medium"), ("low", "low"), ("low", "medium"), ("medium", "high"))]
    clock.advance(hours=3)
    services.incidents.transition(admin, numbers[1], "in_progress")
    services.incidents.transition(admin, numbers[1], "pending_parts")
    monkeypatch.setattr(backfill, "PARALLEL_FROM", 1)
    monkeypatch.setattr(backfill, "BATCH", 2)  # three id ranges over two worker processes
    later = ny(2026, 11, 20, 9, 0)
    with services.db.writing() as s:
        s.execute(update(Incident).values(dict.fromkeys(stored.COLUMNS)))
    assert backfill.recompute_all(services.db, now=later, workers=2) == len(numbers)
    parallel = {n: stored_row(services, n) for n in numbers}
    with services.db.writing() as s:
        s.execute(update(Incident).values(dict.fromkeys(stored.COLUMNS)))
    assert backfill.recompute_all(services.db, now=later, workers=1) == len(numbers)
    assert {n: stored_row(services, n) for n in numbers} == parallel


@SQLITE_ONLY
def test_changing_the_tickets_service_picks_its_sla_afresh(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    adm = SlaAdmin(services.db, clock)
    adm.create_sla(admin, "classroom", copy_from="standard")
    adm.set_target(admin, "classroom", "P3", response="1h", resolution="1bd")
    with services.db.writing() as s:
        s.execute(text("UPDATE services SET sla_name = 'classroom' WHERE name = 'Classroom Technology'"))
    clock.set(ny(2026, 11, 2, 9, 0))
    number = open_ticket(services, admin, service="Printing")
    assert stored_row(services, number)["resolution_target_s"] == 30 * 3600
    clock.set(ny(2026, 11, 2, 9, 30))
    v = services.incidents.get(number)
    services.incidents.update(admin, number, v.version, {"service": "Classroom Technology"})
    row = stored_row(services, number)
    assert row["resolution_target_s"] == 36_000 and row["response_due_at"] == ny(2026, 11, 2, 10, 0)
    assert SlaService(services.db).incident_sla(number, clock()).sla_name == "classroom"


@SQLITE_ONLY
def test_paused_since_is_when_the_pending_run_began(services: Services, clock, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    clock.set(ny(2026, 11, 2, 9, 0))
    number = open_ticket(services, admin)
    services.incidents.transition(admin, number, "in_progress")
    clock.set(ny(2026, 11, 2, 10, 0))
    services.incidents.transition(admin, number, "pending_customer")
    clock.set(ny(2026, 11, 3, 11, 0))
    services.incidents.transition(admin, number, "pending_vendor")  # still the same pause
    assert stored_row(services, number)["sla_paused_at"] == ny(2026, 11, 2, 10, 0)
    clock.set(ny(2026, 11, 4, 9, 0))
    services.incidents.transition(admin, number, "in_progress")
    assert stored_row(services, number)["sla_paused_at"] is None
    clock.set(ny(2026, 11, 4, 9, 30))  # worked on: a new pause begins
    services.incidents.transition(admin, number, "pending_parts")
    assert stored_row(services, number)["sla_paused_at"] == ny(2026, 11, 4, 9, 30)
