"""Incident services on SQLite and PostgreSQL: open, edit, lifecycle, locking, audit."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from db.enums import Role
from db.models import AuditEntry
from desk.actor import Actor
from desk.bootstrap import Services
from desk.errors import ConflictError, IllegalTransition, InvalidInput, PermissionDenied
from desk.incidents.read import audit_trail, journal, list_incidents
from desk.incidents.service import NewIncident
from tests import factories
from tests.conftest import FakeClock


def test_open_derives_priority_and_numbers(services: Services, admin: Actor) -> None:
    uid = factories.person(services.db, given="Ярослава", family="Коваленко")
    a = services.incidents.open(admin, NewIncident(title="Wi-Fi drops in library", caller_university_id=uid,
                                                   service="Wi-Fi & Network", impact="medium", urgency="high"))
    b = services.incidents.open(admin, NewIncident(title="Second"))
    assert a.number == "INC-000001" and b.number == "INC-000002"
    assert a.priority == "P2" and a.priority_explanation == "P2 High — Medium impact × High urgency"
    assert a.team == "Network" and a.status == "new"
    assert a.caller_name == "Ярослава Коваленко"
    assert a.opened_at.tzinfo is not None and a.opened_at.utcoffset().total_seconds() == 0


def test_bad_input_names_the_field(services: Services, admin: Actor) -> None:
    with pytest.raises(InvalidInput) as e:
        services.incidents.open(admin, NewIncident(title="   "))
    assert e.value.field == "title"
    with pytest.raises(InvalidInput, match="No service called 'Nope'"):
        services.incidents.open(admin, NewIncident(title="x", service="Nope"))
    with pytest.raises(InvalidInput, match="Impact 'huge' is not one of"):
        services.incidents.open(admin, NewIncident(title="x", impact="huge"))
    with pytest.raises(InvalidInput, match="NUL"):
        services.incidents.open(admin, NewIncident(title="x", description="a\x00b"))


def test_lifecycle_through_services(services: Services, admin: Actor, clock: FakeClock) -> None:
    v = services.incidents.open(admin, NewIncident(title="Laptop will not boot"))
    with pytest.raises(IllegalTransition) as e:
        services.incidents.transition(admin, v.number, "resolved")
    assert "Allowed from New: Assigned, In progress, Cancelled" in str(e.value)
    clock.advance(minutes=5)
    v = services.incidents.transition(admin, v.number, "in_progress")
    assert v.assignee_id == admin.staff_id and v.responded_at == clock.now
    with pytest.raises(InvalidInput, match="resolution code"):
        services.incidents.transition(admin, v.number, "resolved", resolution_note="done")
    with pytest.raises(InvalidInput, match="Resolution note is required"):
        services.incidents.transition(admin, v.number, "resolved", resolution_code="fixed", resolution_note=" ")
    v = services.incidents.transition(admin, v.number, "resolved", resolution_code="fixed",
                                      resolution_note="Reseated RAM")
    assert v.status == "resolved" and v.resolved_at == clock.now
    with pytest.raises(InvalidInput, match="reason is required"):
        services.incidents.transition(admin, v.number, "in_progress")
    v = services.incidents.transition(admin, v.number, "in_progress", reason="Fails again")
    assert v.status == "in_progress" and v.resolved_at is None
    v = services.incidents.transition(admin, v.number, "resolved", resolution_code="replaced",
                                      resolution_note="New RAM")
    v = services.incidents.transition(admin, v.number, "closed")
    with pytest.raises(IllegalTransition, match="none \\(the record is final\\)"):
        services.incidents.transition(admin, v.number, "in_progress", reason="x")
    with services.db.reading() as s:
        statuses = [a.new_value for a in reversed(audit_trail(s, "incident", v.id)) if a.field == "status"]
        assert statuses == ["new", "in_progress", "resolved", "in_progress", "resolved", "closed"]
        notes = journal(s, v.id)
        assert any(j.kind == "internal" and "Fails again" in j.body for j in notes)


def test_cancel_needs_reason(services: Services, admin: Actor) -> None:
    v = services.incidents.open(admin, NewIncident(title="Duplicate call"))
    with pytest.raises(InvalidInput, match="reason"):
        services.incidents.transition(admin, v.number, "cancelled")
    v = services.incidents.transition(admin, v.number, "cancelled", reason="Logged twice")
    assert v.status == "cancelled" and v.cancel_reason == "Logged twice"


def test_stale_save_raises_conflict_with_both_versions(services: Services, admin: Actor) -> None:
    v = services.incidents.open(admin, NewIncident(title="Projector dead"))
    theirs = services.incidents.update(admin, v.number, v.version, {"title": "Projector dead in HUM 101"})
    assert theirs.version == v.version + 1
    with pytest.raises(ConflictError) as e:
        services.incidents.update(admin, v.number, v.version, {"title": "Projector flickers", "urgency": "high"})
    err = e.value
    assert err.base_version == v.version and err.current_version == theirs.version
    assert err.mine == {"title": "Projector flickers", "urgency": "high"}
    assert err.theirs["title"] == "Projector dead in HUM 101"
    assert services.incidents.get(v.number).title == "Projector dead in HUM 101"


def test_edit_rederives_priority_and_audits(services: Services, admin: Actor) -> None:
    v = services.incidents.open(admin, NewIncident(title="Exam system slow", impact="low", urgency="low"))
    assert v.priority == "P5"
    v2 = services.incidents.update(admin, v.number, v.version, {"impact": "high", "urgency": "high"})
    assert v2.priority == "P1"
    with services.db.reading() as s:
        fields = {a.field: (a.old_value, a.new_value) for a in reversed(audit_trail(s, "incident", v.id))}
    assert fields["priority"] == ("P5", "P1")
    assert fields["impact"] == ("low", "high")


def test_vip_is_supervisor_only_and_visible(services: Services, admin: Actor) -> None:
    tech = factories.staff(services, admin, "tina", Role.TECHNICIAN, teams=("Service Desk",))
    uid = factories.person(services.db, given="Provost", family="Okafor", statuses=("faculty",))
    open_before = services.incidents.open(admin, NewIncident(title="Mail not syncing", caller_university_id=uid,
                                                             impact="low", urgency="medium"))
    assert open_before.priority == "P4"
    with pytest.raises(PermissionDenied, match="grant or remove VIP status"):
        services.people.grant_vip(tech, uid, reason="asked nicely")
    person = services.people.grant_vip(admin, uid, reason="Provost, published VIP list", office="Provost")
    assert person.vip is not None and person.vip.policy_version == 1
    # Open tickets of the person are re-derived, and say why.
    now_open = services.incidents.get(open_before.number)
    assert now_open.priority == "P3" and now_open.caller_is_vip
    assert "raised from Medium by VIP policy v1, published 2026-08-01" in now_open.priority_explanation
    new = services.incidents.open(tech, NewIncident(title="Printer", caller_university_id=uid,
                                                    impact="medium", urgency="medium"))
    assert new.priority == "P2"
    services.people.revoke_vip(admin, uid, reason="Term of office ended")
    assert services.incidents.get(new.number).priority == "P3"


def test_assignment_and_response(services: Services, admin: Actor, clock: FakeClock) -> None:
    tech = factories.staff(services, admin, "sam", Role.TECHNICIAN, teams=("Network",))
    v = services.incidents.open(admin, NewIncident(title="VPN fails", service="Wi-Fi & Network"))
    clock.advance(minutes=3)
    v = services.incidents.assign(admin, v.number, assignee="sam")
    assert v.status == "assigned" and v.assignee == "Sam" and v.team == "Network" and v.responded_at is None
    clock.advance(minutes=4)
    v = services.incidents.comment(tech, v.number, "Working on it", internal=True)
    assert v.responded_at is None  # an internal note is not a reply to the caller
    v = services.incidents.comment(tech, v.number, "We are looking into it")
    assert v.responded_at == clock.now


def test_problem_link_and_known_error(services: Services, admin: Actor) -> None:
    a = services.incidents.open(admin, NewIncident(title="Eduroam auth fails", service="Wi-Fi & Network"))
    p = services.problems.open(admin, title="RADIUS cert expired?", service="Wi-Fi & Network",
                               incidents=(a.number,))
    assert p.number == "PRB-000001" and p.incident_numbers == (a.number,)
    assert services.incidents.get(a.number).problem_number == "PRB-000001"
    services.problems.transition(admin, p.number, "investigating")
    with pytest.raises(InvalidInput, match="known error needs"):
        services.problems.transition(admin, p.number, "known_error")
    p = services.problems.transition(admin, p.number, "known_error", root_cause="Expired certificate",
                                     workaround="Accept the new certificate")
    assert p.status == "known_error"


def test_audit_log_is_append_only(services: Services, admin: Actor) -> None:
    services.incidents.open(admin, NewIncident(title="x"))
    for statement in ("UPDATE audit_log SET field = 'tampered'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), services.db.writing() as s:
            s.execute(text(statement))
    with services.db.reading() as s:
        assert s.execute(select(AuditEntry.field).where(AuditEntry.field == "tampered")).first() is None


def test_full_text_search(services: Services, admin: Actor) -> None:
    uid = factories.person(services.db, given="Zoë", family="Παπαδοπούλου")
    services.incidents.open(admin, NewIncident(title="Projector bulb blown", caller_university_id=uid))
    services.incidents.open(admin, NewIncident(title="Wi-Fi down", description="whole floor of physics"))
    with services.db.reading() as s:
        def found(q: str) -> list[str]:
            return [v.title for v in list_incidents(s, search=q)]
        assert found("projec") == ["Projector bulb blown"]
        assert found("physics") == ["Wi-Fi down"]
        assert found("Παπαδοπούλου") == ["Projector bulb blown"]
        assert found(uid) == ["Projector bulb blown"]
        assert found('"; DROP TABLE incidents; --') == []
        assert found("INC-000002") == ["Wi-Fi down"]


def test_resolving_and_closing_are_technician_work(services: Services, admin: Actor) -> None:
    """Counter staff log and work tickets but do not resolve them; the ticket page offers
    Resolved disabled, with the rule's reason (the same rule the service and server apply)."""
    from desk.workstation.detail import TicketDetailService

    counter = factories.staff(services, admin, "cora", Role.COUNTER)
    tech = factories.staff(services, admin, "theo", Role.TECHNICIAN)
    v = services.incidents.open(counter, NewIncident(title="Laptop will not boot"))
    services.incidents.transition(counter, v.number, "in_progress")
    with pytest.raises(PermissionDenied, match="may not resolve or close incidents: that needs the technician role"):
        services.incidents.transition(counter, v.number, "resolved", resolution_code="fixed", resolution_note="x")
    details = TicketDetailService(services.db)
    options = {o.status: o for o in details.load(v.number, counter).transitions}
    assert not options["resolved"].allowed and "technician role" in (options["resolved"].why_not or "")
    assert options["pending_customer"].allowed
    options = {o.status: o for o in details.load(v.number, tech).transitions}
    assert options["resolved"].allowed
    services.incidents.transition(tech, v.number, "resolved", resolution_code="fixed", resolution_note="Reseated RAM")


def test_the_audit_trail_names_what_an_id_refers_to(services: Services, admin: Actor) -> None:
    """The timeline reads "Assignee: — → Nina", not "assignee_id — → 7"."""
    nina = factories.staff(services, admin, "nina", Role.TECHNICIAN)
    v = factories.incident(services, admin, "Projector dead in HUM 101")
    services.incidents.assign(admin, v.number, assignee=nina.username)
    problem = factories.problem(services, admin, "Projector lamps", incidents=(v.number,))
    with services.db.reading() as s:
        trail = {a.field: a for a in audit_trail(s, "incident", v.id)}
    assert trail["assignee_id"].new_value == "Nina"
    assert trail["problem_id"].new_value == problem.number
    assert trail["assignee_id"].old_value is None
