"""The service catalogue's writer and the previews of calendar and SLA changes, on SQLite
and PostgreSQL; and on PostgreSQL, what a technician's login may not do in psql."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from db.enums import Role
from db.models import AuditEntry
from desk.actor import Actor
from desk.bootstrap import Services
from desk.errors import InvalidInput, NotFound, PermissionDenied
from desk.sla import admin as changes
from desk.sla.admin import TargetText
from desk.sla.whatif import TargetChange
from tests import dbtools, factories
from tests.conftest import FakeClock
from tests.pg_logins import Login, refused, staff_logins


def _audit(services: Services, entity: str, entity_id: int) -> list[tuple[str, str | None, str | None]]:
    with services.db.reading() as s:
        return [(a.field, a.old_value, a.new_value) for a in s.execute(
            select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.id)).scalars()]


def test_add_change_and_retire_a_service_each_audited(services: Services, admin: Actor) -> None:
    cat = services.service_catalogue
    sla = services.sla_admin.create_sla(admin, "Research", copy_from="standard", calendar="24x7")
    assert sla.version == 1
    added = cat.add(admin, "  HPC   Cluster ", description="Batch jobs", sla="research", team="service desk")
    assert (added.name, added.sla, added.team, added.active) == ("HPC Cluster", "Research", "Service Desk", True)
    changed = cat.update(admin, "hpc cluster", new_name="HPC & Storage", team="", description="")
    assert (changed.name, changed.team, changed.description) == ("HPC & Storage", None, "")
    retired = cat.retire(admin, "HPC & Storage", reason="moved to the research office")
    assert not retired.active
    assert [i.name for i in cat.services(include_retired=False)].count("HPC & Storage") == 0
    assert cat.set_active(admin, "HPC & Storage", True).active
    trail = _audit(services, "service", added.id)
    assert ("created", None, "HPC Cluster") in trail
    assert ("sla_name", None, "Research") in trail
    assert ("name", "HPC Cluster", "HPC & Storage") in trail
    assert ("active", "true", "false") in trail and ("active", "false", "true") in trail
    assert any(f == "default_team_id" and new is None for f, _old, new in trail)


def test_a_service_keeps_its_own_categories(services: Services, admin: Actor) -> None:
    cat = services.service_catalogue
    added = cat.add(admin, "Teaching Labs", categories=["Lab PCs", " lab  pcs ", "Printers"])
    assert added.categories == ("Lab PCs", "Printers")   # one of each, spaces tidied
    changed = cat.set_categories(admin, "Teaching Labs", ["Printers", "Scanners"])
    assert changed.categories == ("Printers", "Scanners")
    trail = [(old, new) for f, old, new in _audit(services, "service", added.id) if f == "category"]
    assert len(trail) == 4 and sum(new is None for _o, new in trail) == 1   # 3 added, Lab PCs removed
    # The category itself stays for the tickets that carry it.
    number = factories.incident(services, admin, "Lab PC dead", service="Teaching Labs", category="Lab PCs").number
    assert services.incidents.get(number).category == "Lab PCs"
    assert cat.get("Teaching Labs").categories_used == ("Lab PCs",)


def test_refusals_name_their_field(services: Services, admin: Actor) -> None:
    cat = services.service_catalogue
    with pytest.raises(InvalidInput) as e:
        cat.add(admin, "   ")
    assert e.value.field == "name"
    with pytest.raises(InvalidInput) as e:
        cat.add(admin, "Printing")
    assert e.value.field == "name" and "exists already" in str(e.value)
    with pytest.raises(InvalidInput) as e:
        cat.add(admin, "New one", sla="gold")
    assert e.value.field == "sla" and "standard" in str(e.value)
    with pytest.raises(InvalidInput) as e:
        cat.update(admin, "Printing", team="Nobody")
    assert e.value.field == "team"
    with pytest.raises(NotFound):
        cat.retire(admin, "No such service")
    with pytest.raises(InvalidInput) as e:
        services.sla_admin.set_targets(admin, "standard", {"P3": TargetText(response="4x")})
    assert e.value.field == "P3:response" and "not a duration" in str(e.value)
    with pytest.raises(InvalidInput) as e:
        changes.holidays_change("ZZ")
    assert e.value.field == "holidays"


def test_a_technician_may_not_change_the_catalogue(services: Services, admin: Actor) -> None:
    tech = factories.staff(services, admin, "tina", Role.TECHNICIAN)
    with pytest.raises(PermissionDenied):
        services.service_catalogue.add(tech, "Shadow IT")
    with pytest.raises(PermissionDenied):
        services.service_catalogue.assign_sla(tech, "Printing", "standard")
    with pytest.raises(PermissionDenied):
        services.sla_admin.create_sla(tech, "Mine", copy_from="standard")
    assert [i.name for i in services.service_catalogue.services()].count("Shadow IT") == 0


def test_a_new_sla_governs_only_tickets_opened_after_it_is_assigned(services: Services, admin: Actor,
                                                                    clock: FakeClock) -> None:
    before = factories.incident(services, admin, "Toner", service="Printing")
    services.sla_admin.create_sla(admin, "Print gold", copy_from="standard")
    services.sla_admin.set_targets(admin, "Print gold", {"P3": TargetText(resolution="1bd")})
    services.service_catalogue.assign_sla(admin, "Printing", "Print gold")
    clock.advance(minutes=5)
    after = factories.incident(services, admin, "Toner again", service="Printing")
    now = clock()
    assert services.sla.incident_sla(before.number, now).sla_name == "standard"
    assert services.sla.incident_sla(after.number, now).sla_name == "Print gold"
    assert services.sla.incident_sla(after.number, now).resolution.target_s == 36_000


def test_several_targets_are_one_version(services: Services, admin: Actor) -> None:
    saved = services.sla_admin.set_targets(admin, "standard", {"P2": TargetText("1h", "1bd"),
                                                               "P3": TargetText(resolution="2bd")},
                                           at_risk_percent=80)
    assert saved.version == 2
    policy = services.sla.catalogue().slas["standard"][-1]
    assert (policy.targets["P2"].response_s, policy.targets["P3"].resolution_s, policy.at_risk_percent) == (
        3600, 72_000, 80)
    with pytest.raises(InvalidInput, match="Nothing to save"):
        services.sla_admin.set_targets(admin, "standard", {"P2": TargetText("1h", "1bd")})
    assert [v.version for v in services.sla_admin.versions("sla", "standard")] == [1, 2]


def test_a_calendar_preview_counts_open_tickets_that_would_move_and_saves_nothing(
        services: Services, admin: Actor, clock: FakeClock) -> None:
    # Monday 2026-11-02 09:00 in New York: both tickets are due later this week.
    factories.incident(services, admin, "Wi-Fi slow", service="Wi-Fi & Network")
    factories.incident(services, admin, "Projector", service="Classroom Technology", status="resolved")
    previews = services.change_previews
    _note, change = changes.hours_change("mon-fri 08:00-12:00,13:00-17:00")
    p = previews.calendar(admin, "service-desk", change)
    assert p.changed and p.open_tickets == 1 and p.open_tickets_moved == 1
    assert p.past is not None and p.past.tickets == 2
    assert services.sla.catalogue().calendars["service-desk"].latest[1] == 1
    # A closure far in the future moves nothing that is due this week.
    import datetime as dt

    _, far = changes.closure_change("Far away", dt.datetime(2030, 1, 1), dt.datetime(2030, 1, 2))
    assert previews.calendar(admin, "service-desk", far).open_tickets_moved == 0
    # Saving the same hours then moves the same ticket.
    saved = services.sla_admin.set_hours(admin, "service-desk", "mon-fri 08:00-12:00,13:00-17:00")
    assert (saved.version, saved.open_tickets_remeasured) == (2, 1)
    assert not previews.calendar(admin, "service-desk", change).changed


def test_an_ics_preview_lists_each_closure_with_its_fate(services: Services, admin: Actor) -> None:
    from tests.ui.setup.test_sla_sections import ICS

    data = ICS.read_bytes()
    p = services.change_previews.calendar(admin, "service-desk", lambda _d: None, ics_data=data)
    assert (p.added, p.updated, p.unchanged) == (7, 0, 0)
    services.sla_admin.import_ics(admin, "service-desk", data)
    p = services.change_previews.calendar(admin, "service-desk", lambda _d: None, ics_data=data)
    assert (p.added, p.updated, p.unchanged, p.changed) == (0, 0, 7, False)


def test_an_sla_preview_names_a_bad_target_with_its_priority(services: Services, admin: Actor) -> None:
    with pytest.raises(InvalidInput) as e:
        services.change_previews.targets(admin, "standard", [TargetChange("P4", resolution="soon")])
    assert e.value.field == "P4:resolution"
    p = services.change_previews.targets(admin, "standard", [TargetChange("P3", resolution="1h")])
    assert p.open_tickets_moved == 0 and p.past is not None


# -- the server: what a technician's login may not do ------------------------

@pytest.fixture
def logins(db_templates: dbtools.Templates, postgres_url: str) -> Iterator[tuple[Services, dict[str, Login]]]:
    with staff_logins(db_templates, postgres_url, [("tech", Role.TECHNICIAN), ("sup", Role.SUPERVISOR)]) as (
            owner, _admin, found):
        yield owner, found


@pytest.mark.postgres
def test_on_the_server_only_supervisors_change_services_and_slas(logins: tuple[Services, dict[str, Login]]) -> None:
    owner, found = logins
    with found["tech"].sql() as c:
        refused(c, "UPDATE services SET sla_name = 'standard', active = false WHERE name = 'Printing'")
        refused(c, "INSERT INTO services(name, active) VALUES ('Shadow IT', true)")
        refused(c, "INSERT INTO slas(name, description, created_at) VALUES ('mine', '', now())")
        refused(c, "DELETE FROM services WHERE name = 'Printing'")
        refused(c, "INSERT INTO service_categories(service_id, category_id) "
                   "SELECT s.id, c.id FROM services s, categories c LIMIT 1")
    with found["sup"].sql() as c:
        refused(c, "DELETE FROM services WHERE name = 'Printing'")   # retired, never deleted
    db, services = found["sup"].services()
    try:
        added = services.service_catalogue.add(found["sup"].actor, "Teaching Labs", sla="standard",
                                               categories=["Lab PCs"])
        services.service_catalogue.set_categories(found["sup"].actor, "Teaching Labs", ["Printers"])
        services.service_catalogue.retire(found["sup"].actor, "Teaching Labs", reason="closed for works")
    finally:
        db.dispose()
    trail = _audit(owner, "service", added.id)
    # Written by the server's triggers for the supervisor's login, the reason carried along.
    assert ("created", None, "Teaching Labs") in trail and ("sla_name", None, "standard") in trail
    assert ("active", "true", "false") in trail
    assert [(old is None, new is None) for f, old, new in trail if f == "category"] == [
        (True, False), (True, False), (False, True)]   # Lab PCs, Printers added; Lab PCs removed
    with owner.db.reading() as s:
        who = s.execute(select(AuditEntry.actor_id).where(AuditEntry.entity == "service",
                                                          AuditEntry.entity_id == added.id,
                                                          AuditEntry.field == "active")).scalar_one()
    assert who == found["sup"].actor.staff_id


def test_a_retired_service_takes_no_new_tickets_but_keeps_its_own(services: Services, admin: Actor) -> None:
    kept = factories.incident(services, admin, "Toner", service="Printing")
    other = factories.incident(services, admin, "Projector", service="Classroom Technology")
    services.service_catalogue.retire(admin, "Printing")
    with pytest.raises(InvalidInput) as e:
        factories.incident(services, admin, "More toner", service="Printing")
    assert e.value.field == "service" and "retired" in str(e.value)
    with pytest.raises(InvalidInput, match="retired"):
        services.incidents.update(admin, other.number, other.version, {"service": "Printing"})
    # A ticket already on it saves its other fields with the service as it was.
    saved = services.incidents.update(admin, kept.number, kept.version, {"service": "Printing", "title": "Toner low"})
    assert (saved.title, saved.service) == ("Toner low", "Printing")


def test_an_sla_or_calendar_name_too_long_or_on_two_lines_is_refused_at_its_field(services: Services,
                                                                                   admin: Actor) -> None:
    """The columns hold 120 (SLA) and 80 (calendar) characters: SQLite stored more, and
    PostgreSQL answered with a raw 'value too long' database error."""
    with pytest.raises(InvalidInput, match="limit is 120") as err:
        services.sla_admin.create_sla(admin, "x" * 121, copy_from="standard")
    assert err.value.field == "name"
    with pytest.raises(InvalidInput, match="single line"):
        services.sla_admin.create_sla(admin, "Gold\nSilver", copy_from="standard")
    with pytest.raises(InvalidInput, match="limit is 80") as err:
        services.sla_admin.create_calendar(admin, "c" * 81, time_zone="America/New_York", hours="Mon-Fri 08:00-17:00")
    assert err.value.field == "name"
