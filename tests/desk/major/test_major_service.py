"""Major-incident service on both engines: promote, page, comms, team, children, resolve."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.enums import Channel, JournalKind
from db.models import AuditEntry, Incident, JournalEntry
from desk.bootstrap import Services
from desk.errors import InvalidInput, PermissionDenied
from desk.major.service import MajorIncidentService
from tests.desk.major.conftest import Crew, open_incident


def audit_fields(services: Services, number: str) -> list[tuple[str, str | None, str | None]]:
    with services.db.reading() as s:
        inc_id = s.execute(select(Incident.id).where(Incident.number == number)).scalar_one()
        return [(a.field, a.old_value, a.new_value) for a in s.execute(
            select(AuditEntry).where(AuditEntry.entity == "incident", AuditEntry.entity_id == inc_id)
            .order_by(AuditEntry.id)).scalars()]


def test_promote_needs_a_supervisor_and_records_everything(services: Services, crew: Crew,
                                                           major: MajorIncidentService, clock) -> None:  # type: ignore[no-untyped-def]
    number = open_incident(services, crew.tech, "Eduroam down in all libraries")
    with pytest.raises(PermissionDenied, match="supervisor"):
        major.promote(crew.tech, number, reason="looks big", manager="tina")
    with pytest.raises(InvalidInput, match="(?i)reason"):
        major.promote(crew.supervisor, number, reason="  ", manager="tina")

    v = major.promote(crew.supervisor, number, reason="Campus-wide Wi-Fi outage", manager="tina",
                      team=[("theo", "technical lead"), ("cora", "communications")])
    assert v.is_major and v.manager == "Tina" and v.manager_username == "tina"
    assert [(m.username, m.role) for m in v.team] == [("theo", "technical lead"), ("cora", "communications")]
    assert v.comms[0].body == "Major incident declared: Campus-wide Wi-Fi outage"
    assert v.next_update_due_at == clock.now + dt.timedelta(minutes=30)  # the seeded default interval
    assert not v.update_overdue
    fields = audit_fields(services, number)
    assert ("is_major", "false", "true") in fields
    assert ("major_team", None, "theo (technical lead)") in fields
    assert any(f == "major_manager_id" for f, _, _ in fields)

    with pytest.raises(InvalidInput, match="already a major"):
        major.promote(crew.supervisor, number, reason="again")

    clock.advance(minutes=31)
    late = major.get(number)
    assert late.update_overdue
    assert [m.number for m in major.open_majors() if m.update_overdue] == [number]

    v = major.post_update(crew.tech, number, "Vendor engaged; next update at 15:00.", next_update_in_minutes=45)
    assert not v.update_overdue and v.next_update_due_at == clock.now + dt.timedelta(minutes=45)
    assert v.comms[-1].body.startswith("Vendor engaged") and v.comms[-1].author == "Tina"
    with pytest.raises(PermissionDenied):
        major.post_update(crew.clerk, number, "counter staff cannot post")
    with pytest.raises(InvalidInput, match="5 to"):
        major.post_update(crew.tech, number, "x", next_update_in_minutes=1)

    v = major.remove_member(crew.tech, number, "cora")
    assert [m.username for m in v.team] == ["theo"]
    v = major.add_member(crew.tech, number, "theo", "network engineer")
    assert [(m.username, m.role) for m in v.team] == [("theo", "network engineer")]
    assert ("major_team", "theo (technical lead)", "theo (network engineer)") in audit_fields(services, number)


def test_page_opens_once_per_service_and_appends_repeats(services: Services, crew: Crew,
                                                         major: MajorIncidentService, clock) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        major.page(crew.tech, service="Email & Calendar", summary="SMTP relay down")
    first = major.page(crew.supervisor, service="Email & Calendar", summary="SMTP relay down\nqueue 40k",
                       source="nagios")
    assert first.created and first.major.is_major and first.major.service == "Email & Calendar"
    assert first.major.title == "SMTP relay down"
    inc = services.incidents.get(first.major.number)
    assert inc.channel == Channel.MONITORING.value and inc.priority == "P1" and inc.team == "Major Incident Team"

    clock.advance(minutes=2)
    again = major.page(crew.supervisor, service="Email & Calendar", summary="SMTP relay still down", source="nagios")
    assert not again.created and again.major.number == first.major.number
    assert again.major.comms[-1].body == "Page again from nagios: SMTP relay still down"
    with services.db.reading() as s:
        majors = s.execute(select(Incident.number).where(Incident.is_major.is_(True))).scalars().all()
    assert majors == [first.major.number]
    assert ("page", None, "nagios") in audit_fields(services, first.major.number)

    other = major.page(crew.supervisor, service="Printing", summary="Print server unreachable")
    assert other.created and other.major.number != first.major.number


def test_children_link_unlink_and_resolve_with_the_major(services: Services, crew: Crew,
                                                         major: MajorIncidentService) -> None:
    m = open_incident(services, crew.tech, "Core switch failure")
    major.promote(crew.supervisor, m, reason="Building network down", manager="tina")
    working = open_incident(services, crew.tech, "No network in Davis 2nd floor")
    services.incidents.transition(crew.tech, working, "in_progress")
    fresh = open_incident(services, crew.tech, "Phones dead in Davis")          # New: cannot be resolved
    other = open_incident(services, crew.tech, "Unrelated printer jam", service="Printing")
    out = major.link_children(crew.tech, m, [working, fresh, m, "INC-999999"])
    assert out.linked == (working, fresh)
    assert {sk.number: sk.reason for sk in out.skipped}[m] == "it is the major incident itself"
    assert "INC-999999" in {sk.number for sk in out.skipped}
    assert [c.number for c in out.major.children] == [working, fresh]
    assert services.incidents.get(working).parent_number == m

    v = major.link_children(crew.tech, m, [other])
    v = major.unlink_child(crew.tech, m, other)
    assert other not in [c.number for c in v.children]
    assert ("parent_id", str(v.id), None) in audit_fields(services, other)

    with pytest.raises(PermissionDenied):
        major.resolve(crew.clerk, m, code="fixed", note="Switch replaced")
    with pytest.raises(InvalidInput, match="Cannot move from New"):
        major.resolve(crew.tech, m, code="fixed", note="Switch replaced")  # the major itself must be in progress
    services.incidents.transition(crew.tech, m, "in_progress")
    res = major.resolve(crew.tech, m, code="replaced", note="Switch replaced")
    assert res.major.status == "resolved" and res.major.next_update_due_at is None
    assert res.resolved_children == (working,)
    assert [sk.number for sk in res.skipped_children] == [fresh]
    assert "Cannot move from New to Resolved" in res.skipped_children[0].reason
    child = services.incidents.get(working)
    assert child.status == "resolved" and child.resolution_code == "replaced"
    assert child.resolution_note == f"Resolved with major incident {m}: Switch replaced"
    assert services.incidents.get(fresh).status == "new"
    assert ("status", "in_progress", "resolved") in audit_fields(services, working)

    # The refused child is moved on by hand, then resolved with the major's resolution.
    services.incidents.transition(crew.tech, fresh, "in_progress")
    again = major.resolve_children(crew.tech, m)
    assert again.resolved_children == (fresh,) and not again.skipped_children


def test_problem_opened_from_the_major_is_linked(services: Services, crew: Crew, major: MajorIncidentService) -> None:
    m = open_incident(services, crew.tech, "SSO outage")
    major.promote(crew.supervisor, m, reason="No one can sign in")
    p = services.problems.open(crew.tech, title="SSO certificate expiry", major_incident=m, incidents=(m,))
    assert major.get(m).problem_numbers == (p.number,)


def test_comms_are_journal_entries_of_kind_comms(services: Services, crew: Crew, major: MajorIncidentService) -> None:
    m = open_incident(services, crew.tech, "VPN down")
    major.promote(crew.supervisor, m, reason="Remote staff cut off")
    major.post_update(crew.tech, m, "Status page updated <b>now</b>")
    with services.db.reading() as s:
        kinds = s.execute(select(JournalEntry.kind, JournalEntry.body).join(
            Incident, Incident.id == JournalEntry.incident_id).where(Incident.number == m)).all()
    assert (JournalKind.COMMS, "Status page updated <b>now</b>") in kinds
