"""The VIP policy's versions, the published list (CSV and the printed sheet) and grants
with a reason, as the Set-up page and `desk vip` use them; on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from db.enums import Role
from db.models import AuditEntry
from desk.actor import Actor
from desk.bootstrap import Services
from desk.errors import InvalidInput, PermissionDenied
from desk.incidents.service import NewIncident
from desk.people.vip_export import HEADER, vip_csv
from desk.printing.vip_sheet import build_vip_sheet
from tests import factories
from tests.conftest import FakeClock


def test_every_published_version_is_kept_newest_first_with_who_and_levels(
        services: Services, admin: Actor, clock: FakeClock) -> None:
    seeded = services.people.vip_policies()
    assert [p.version for p in seeded] == [1]     # the default policy of the seed data
    clock.advance(days=1)
    v2 = services.people.publish_vip_policy(admin, "Deans and officers: urgency up one level.", 1)
    clock.advance(days=1)
    v3 = services.people.publish_vip_policy(admin, "Officers only; no change to urgency.", 0)
    history = services.people.vip_policies()
    assert [(p.version, p.urgency_levels_raised, p.published_by) for p in history] == [
        (v3, 0, admin.display_name), (v2, 1, admin.display_name), (1, 1, None)]
    assert history[0].published_at == clock.now
    assert services.people.vip_policy() == history[0]
    with services.db.reading() as s:
        published = s.execute(select(AuditEntry.new_value).where(AuditEntry.entity == "vip_policy",
                                                                 AuditEntry.field == "published")).scalars().all()
    assert set(published) >= {f"v{v2}", f"v{v3}"}


def test_bad_policy_input_names_its_field_and_lower_roles_may_not_publish(services: Services,
                                                                          admin: Actor) -> None:
    with pytest.raises(InvalidInput, match="raise urgency by 0, 1 or 2 levels") as err:
        services.people.publish_vip_policy(admin, "Text", 3)
    assert err.value.field == "urgency_levels_raised"
    with pytest.raises(InvalidInput) as err:
        services.people.publish_vip_policy(admin, "   ", 1)
    assert err.value.field == "policy text"
    tech = factories.staff(services, admin, "tess", Role.TECHNICIAN)
    with pytest.raises(PermissionDenied, match="needs the supervisor role"):
        services.people.publish_vip_policy(tech, "Mine now.", 2)
    assert [p.version for p in services.people.vip_policies()] == [1]


def test_a_ticket_keeps_naming_the_policy_version_that_raised_it(services: Services, admin: Actor,
                                                                 clock: FakeClock) -> None:
    uid = factories.person(services.db, given="Grace", family="Hopper")
    services.people.grant_vip(admin, uid, reason="Provost", office="Office of the Provost")
    first = services.incidents.open(admin, NewIncident(title="Laptop will not boot", caller_university_id=uid,
                                                       impact="low", urgency="medium"))
    assert "VIP policy v1" in first.priority_explanation and first.caller_is_vip
    clock.advance(hours=1)
    v2 = services.people.publish_vip_policy(admin, "Urgency up two levels for officers.", 2)
    second = services.incidents.open(admin, NewIncident(title="Projector dead", caller_university_id=uid,
                                                        impact="low", urgency="low"))
    assert f"VIP policy v{v2}" in second.priority_explanation
    again = services.incidents.get(first.number)
    assert "VIP policy v1" in again.priority_explanation, "a later version does not rewrite earlier tickets"


def test_the_list_says_who_office_since_granted_by_and_why_and_exports_as_csv(
        services: Services, admin: Actor, clock: FakeClock) -> None:
    sam = factories.staff(services, admin, "sam", Role.SUPERVISOR)
    grace = factories.person(services.db, given="Grace", family="Hopper")
    ivan = factories.person(services.db, given="Иван", family="Ананьев")
    services.people.grant_vip(sam, grace, reason="Provost (published VIP list 2026)", office="Provost")
    clock.advance(days=2)
    services.people.grant_vip(admin, ivan, reason="=HYPERLINK(\"http://x\")", office="Dean, Медицина")
    entries = services.people.vip_entries()
    assert [(e.university_id, e.name, e.office, e.granted_by) for e in entries] == [
        (grace, "Grace Hopper", "Provost", "Sam"), (ivan, "Иван Ананьев", "Dean, Медицина", admin.display_name)]
    assert entries[1].since == clock.now
    rows = list(csv.reader(io.StringIO(vip_csv(entries, services.site))))
    assert tuple(rows[0]) == HEADER
    assert rows[1][:3] == [grace, "Grace Hopper", "Provost"] and rows[1][4:] == ["Sam",
                                                                                 "Provost (published VIP list 2026)"]
    assert rows[2][5] == "'=HYPERLINK(\"http://x\")", "a reason must not run as a spreadsheet formula"
    services.people.revoke_vip(sam, grace, reason="Left the office")
    assert [e.university_id for e in services.people.vip_entries()] == [ivan]
    with pytest.raises(InvalidInput) as err:
        services.people.grant_vip(sam, grace, reason="  ")
    assert err.value.field == "reason"
    with pytest.raises(InvalidInput) as err:
        services.people.grant_vip(sam, grace, reason="Back", office="Provost\nand more")
    assert err.value.field == "office"


def test_the_printed_policy_and_list_is_one_page_with_user_text_escaped(
        services: Services, admin: Actor, tmp_path: Path) -> None:
    grace = factories.person(services.db, given="Grace", family="Hopper & <Sons>")
    services.people.grant_vip(admin, grace, reason="Provost", office="Office of the <b>Provost</b>")
    services.people.publish_vip_policy(admin, "VIP callers: urgency up one level.\n\nImpact is <never> changed.", 1)
    out = tmp_path / "vip.pdf"
    build_vip_sheet(services.people.vip_policy(), services.people.vip_entries(), out, zone=services.site.zone)
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "VIP policy and VIP list" in text and "Version 2, published" in text
    assert "raises urgency by one level" in text
    assert "Impact is <never> changed." in text
    assert "Grace Hopper & <Sons>" in text and "Office of the <b>Provost</b>" in text
    assert "Who holds VIP status (1)" in text


def test_a_long_list_still_prints_on_one_page(services: Services, admin: Actor, tmp_path: Path) -> None:
    for i in range(120):
        services.people.grant_vip(admin, factories.person(services.db, given=f"Officer{i}", family="Long"),
                                  reason="Dean", office=f"Dean of school number {i}")
    out = tmp_path / "long.pdf"
    build_vip_sheet(services.people.vip_policy(), services.people.vip_entries(), out, zone=services.site.zone)
    assert len(PdfReader(out).pages) == 1
