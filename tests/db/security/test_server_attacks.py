"""Attacks on the shared server by a malicious insider: a staff login in psql, trying
to do what its Desk role may not, or to change ticket data outside the audit chain.

Each test is one hole that was open (or still is, marked xfail with the reason) and
what the server must answer now. Every connection is a real staff login's own.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy import make_url, select

from db import audit_chain
from db.enums import Role
from db.models import AuditEntry, Incident
from desk.actor import Actor
from desk.bootstrap import Services
from desk.common.audit import verify_chain
from desk.counter.views import PickupRequest
from desk.incidents.service import NewIncident
from tests import dbtools, factories
from tests.factories import intake_request, signature_png
from tests.pg_logins import REFUSED, Login, admin_conn, refused, staff_logins

pytestmark = pytest.mark.postgres


@dataclass
class Site:
    url: str
    owner: Services
    admin: Actor
    counter: Login
    tech: Login
    number: str       # an incident opened by the owner over the phone, status New
    incident_id: int


@pytest.fixture
def site(db_templates: dbtools.Templates, postgres_url: str) -> Iterator[Site]:
    with staff_logins(db_templates, postgres_url, [("counter", Role.COUNTER), ("tech", Role.TECHNICIAN)]) as (owner, admin, logins):
        inc = owner.incidents.open(admin, NewIncident(title="Projector dead in HUM 101", impact="low",
                                                      urgency="low", service="Classroom Technology"))
        with owner.db.reading() as s:
            inc_id = s.execute(select(Incident.id).where(Incident.number == inc.number)).scalar_one()
        yield Site(postgres_url, owner, admin, logins["counter"], logins["tech"], inc.number, inc_id)


def _audit(site: Site, login: Login, entity_id: int) -> list[tuple[str, str | None, str | None]]:
    with site.owner.db.reading() as s:
        rows = s.execute(select(AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value).where(
            AuditEntry.entity == "incident", AuditEntry.entity_id == entity_id,
            AuditEntry.db_user == login.name).order_by(AuditEntry.id)).all()
    return [(str(f), o, n) for f, o, n in rows]


def test_temporary_tables_do_not_shadow_what_the_server_functions_read(site: Site) -> None:
    """pg_temp is searched first (even before pg_catalog) unless a function's search_path
    names it: a temporary pg_roles made every login 'trusted' (no rules, no audit rows),
    a temporary staff_accounts let it act as another account, a temporary audit_log
    swallowed the entries."""
    me = site.counter.actor.staff_id
    with site.counter.sql() as c:
        c.execute("CREATE TEMP TABLE pg_roles(rolname name, rolsuper boolean)")
        c.execute("INSERT INTO pg_temp.pg_roles VALUES (session_user, true)")
        c.execute("CREATE TEMP TABLE staff_accounts(id integer, db_login text, active boolean)")
        c.execute("INSERT INTO pg_temp.staff_accounts VALUES (%s, session_user, true)", (site.admin.staff_id,))
        c.execute("CREATE TEMP TABLE rule_transitions(record text, from_status text, to_status text)")
        c.execute("INSERT INTO pg_temp.rule_transitions VALUES ('incident', 'new', 'closed')")
        c.execute("CREATE TEMP TABLE audit_log (LIKE public.audit_log)")
        assert c.execute("SELECT desk_trusted(), desk_staff_id()").fetchone() == (False, me)
        msg = refused(c, "UPDATE incidents SET status = 'closed', priority = 'P1' WHERE number = %s", (site.number,))
        assert "no move from new to closed" in msg
        c.execute("SELECT desk_audit('2019-01-01', %s, 'incident', %s, 'note', NULL, 'backdated', NULL)",
                  (site.admin.staff_id, site.incident_id))
        c.execute("UPDATE incidents SET title = 'Edited with shadows' WHERE number = %s", (site.number,))
        assert c.execute("SELECT count(*) FROM pg_temp.audit_log").fetchone() == (0,)
    with site.owner.db.reading() as s:
        rows = s.execute(select(AuditEntry.field, AuditEntry.actor_id, AuditEntry.at).where(
            AuditEntry.entity_id == site.incident_id, AuditEntry.db_user == site.counter.name,
            AuditEntry.field.in_(("note", "title")))).all()
    assert sorted(r.field for r in rows) == ["note", "title"]
    assert all(r.actor_id == me and r.at.year > 2019 for r in rows)
    assert verify_chain(site.owner.db).ok


@pytest.mark.parametrize(("entity", "field"), [
    ("incident", "status"), ("incident", "priority"), ("incident", "assignee_id"), ("incident", "service_id"),
    ("incident", "created"), ("staff", "role"), ("problem", "status"),
])
def test_desk_audit_cannot_write_what_the_triggers_record(site: Site, entity: str, field: str) -> None:
    """desk_audit() took any entity and field: a counter login could add 'status' rows
    (new → pending_customer …) that the SLA replay reads as the ticket's history and so
    pause its clock, or a 'role' row in an admin's staff history, without changing anything."""
    with site.counter.sql() as c:
        msg = refused(c, "SELECT desk_audit(NULL, NULL, %s, %s, %s, 'in_progress', 'pending_customer', NULL)",
                       (entity, site.incident_id, field))
        assert "recorded by the server when the row changes" in msg
        # Events that are not a column change still go through it (what the services write),
        # unless the event needs a role (major_team is major.manage work).
        assert "needs the technician role" in refused(
            c, "SELECT desk_audit(NULL, NULL, 'incident', %s, 'major_team', NULL, 'me (lead)', NULL)",
            (site.incident_id,))
        c.execute("SELECT desk_audit(NULL, NULL, 'incident', %s, 'remark', NULL, 'Paged the on-call', NULL)",
                  (site.incident_id,))
    assert _audit(site, site.counter, site.incident_id) == [("remark", None, "Paged the on-call")]


def test_counter_login_closes_only_the_walk_in_repair_it_hands_back(site: Site) -> None:
    """Any repair row made an incident closable by counter staff, and counter logins may
    insert repairs: attaching one to a technician's phone ticket let a counter login
    resolve and close it. Re-stamping opened_at with the server's clock restarted its SLA."""
    with site.counter.sql() as c:
        c.execute("UPDATE incidents SET status = 'in_progress' WHERE number = %s", (site.number,))
        (device,) = c.execute("INSERT INTO devices(asset_tag, serial, make, model, os, created_at, updated_at, "
                              "version) VALUES ('NU-1', 'S-1', 'Dell', 'x', 'y', now(), now(), 1) RETURNING id"
                              ).fetchone() or (0,)
        repair = ("INSERT INTO repairs(incident_id, device_id, symptoms, condition, damage_notes, backup_wanted, "
                  "wipe_allowed, login_needed, terms_version, staff_initials, intake_at, intake_by_id, work_done, "
                  "parts, version) VALUES (%s, %s, 's', '[]', '', false, false, false, 'v1', 'XX', now(), "
                  "desk_staff_id(), '', '[]', 1)")
        assert "not attached to incident" in refused(c, repair, (site.incident_id, device))
        assert "cannot change" in refused(c, "UPDATE incidents SET opened_at = now() WHERE number = %s",
                                           (site.number,))
    # A real intake, through the services on the counter login.
    db, svcs = site.counter.services()
    try:
        counter = svcs.counter
        me = svcs.staff.resolve_actor()
        uid = factories.person(site.owner.db, given="Walk", family="In")
        number = counter.intake.intake(me, intake_request(uid)).number
        with site.counter.sql() as c:
            assert "stays with the incident" in refused(
                c, "UPDATE repairs SET incident_id = %s WHERE incident_id = "
                   "(SELECT id FROM incidents WHERE number = %s)", (site.incident_id, number))
            c.execute("UPDATE incidents SET status = 'in_progress' WHERE number = %s", (number,))
            msg = refused(c, "UPDATE incidents SET status = 'resolved', resolution_code = 'fixed' WHERE number = %s",
                           (number,))
            assert "needs the technician role" in msg
        done = counter.pickup.pickup(me, PickupRequest(number, "University card", ("Charger", "Bag"),
                                                       signature_png(), "Replaced fan."))
        assert done.status == "closed" and done.signature("pickup") is not None
    finally:
        db.dispose()
    with site.owner.db.reading() as s:
        status = s.execute(select(Incident.status).where(Incident.id == site.incident_id)).scalar_one()
    assert status == "in_progress"


def test_a_major_team_members_new_role_is_audited(site: Site) -> None:
    """major_team_members was audited on insert and delete only, and the service leaves
    the entry to the trigger: a role change (in Desk or in psql) left no audit row."""
    Services.over(site.owner.db).major.promote(site.admin, site.number, reason="Whole building dark",
                                                team=[(site.tech.actor.username, "comms")])
    db = site.tech.services()[0]
    try:
        tech = Services.over(db).staff.resolve_actor()
        Services.over(db).major.add_member(tech, site.number, site.tech.actor.username, "lead")
    finally:
        db.dispose()
    with site.tech.sql() as c:
        c.execute("UPDATE major_team_members SET role = 'scribe' WHERE incident_id = %s", (site.incident_id,))
    # The service's entry on the incident says who in which role; the server records both
    # changes (Desk's and the one in psql) on the member row.
    changes = [r for r in _audit(site, site.tech, site.incident_id) if r[0] == "major_team"]
    who = site.tech.actor.username
    assert changes == [("major_team", f"{who} (comms)", f"{who} (lead)")]
    with site.owner.db.reading() as s:
        rows = s.execute(select(AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value).where(
            AuditEntry.entity == "major_team_member", AuditEntry.db_user == site.tech.name)).all()
    assert [tuple(r) for r in rows] == [("role", "comms", "lead"), ("role", "lead", "scribe")]
    assert verify_chain(site.owner.db).ok


def test_numbers_come_only_from_a_series_the_role_opens(site: Site) -> None:
    with site.counter.sql() as c:
        assert "may not draw problem numbers" in refused(c, "SELECT desk_next_number('PRB')")
        assert "no number series" in refused(c, "SELECT desk_next_number('ZZZ')")
        assert c.execute("SELECT desk_next_number('INC')").fetchone() is not None
        assert c.execute("SELECT count(*) FROM number_sequences WHERE name NOT IN ('INC', 'PRB')").fetchone() == (0,)
    with site.tech.sql() as c:
        assert c.execute("SELECT desk_next_number('PRB')").fetchone() is not None


def test_no_login_can_hold_up_the_audit_seal(site: Site) -> None:
    """The seal waited on a well-known advisory lock: one `SELECT pg_advisory_lock(…)`
    from any login that may connect (no Desk role needed) made every commit that writes
    an audit entry, the owner's too, wait for ever (statement_timeout does not apply
    during COMMIT)."""
    outsider = f"{site.counter.name}_out"
    with admin_conn() as su:
        su.execute(f'CREATE ROLE "{outsider}" LOGIN')
    try:
        url = make_url(site.url).set(drivername="postgresql", username=outsider)
        with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as hog, \
                site.counter.sql() as counter, site.tech.sql() as c:
            hog.execute("SELECT pg_advisory_lock(%s)", (0x6465736B,))  # the key the seal used
            c.execute("SET lock_timeout = '10s'")
            c.execute("UPDATE incidents SET title = 'Still sealed' WHERE number = %s", (site.number,))
            # What the seal waits for now, a staff login cannot take.
            for mode in ("ROW SHARE", "ROW EXCLUSIVE", "SHARE", "EXCLUSIVE", "ACCESS EXCLUSIVE"):
                with pytest.raises(REFUSED), counter.transaction():
                    counter.execute(f"LOCK TABLE {audit_chain.SEAL_LOCK_TABLE} IN {mode} MODE")
    finally:
        with admin_conn() as su:
            su.execute(f'DROP ROLE IF EXISTS "{outsider}"')
    assert ("title", "Projector dead in HUM 101", "Still sealed") in _audit(site, site.tech, site.incident_id)


def test_concurrent_sealers_keep_one_chain(site: Site) -> None:
    """A repeatable-read writer seals from its own snapshot's head: it must fail, never
    fork the chain (the unique seq refuses it)."""
    stale = site.tech.sql()
    try:
        stale.autocommit = False
        stale.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        stale.execute("SELECT max(seq) FROM audit_log")
        with site.counter.sql() as c:
            c.execute("UPDATE incidents SET title = 'First' WHERE number = %s", (site.number,))
        stale.execute("SELECT desk_audit(NULL, NULL, 'incident', %s, 'remark', NULL, 'stale', NULL)",
                      (site.incident_id,))
        with pytest.raises(psycopg.errors.UniqueViolation):
            stale.commit()
    finally:
        stale.close()
    errors: list[BaseException] = []

    def write(login: Login, n: int) -> None:
        try:
            with login.sql() as conn:
                for i in range(n):
                    conn.execute("SELECT desk_audit(NULL, NULL, 'incident', %s, 'remark', NULL, %s, NULL)",
                                 (site.incident_id, f"{login.name} {i}"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(login, 20)) for login in (site.counter, site.tech)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert verify_chain(site.owner.db).ok


def test_a_closed_or_cancelled_incident_stays_as_it_was(site: Site) -> None:
    """Desk refuses to edit, reassign or re-resolve a closed or cancelled ticket; a staff
    login in psql could still rewrite its title, caller, resolution, or re-stamp closed_at."""
    with site.counter.sql() as c:
        c.execute("UPDATE incidents SET status = 'cancelled', cancel_reason = 'Duplicate' WHERE number = %s",
                  (site.number,))
        for change in ("title = 'Rewritten'", "resolution_note = 'Fixed by me'", "cancel_reason = 'Other'",
                       "closed_at = now()", "channel = 'email'", "impact = 'high', urgency = 'high', priority = 'P1'"):
            msg = refused(c, f"UPDATE incidents SET {change} WHERE number = %s", (site.number,))
            assert "can no longer be edited" in msg
    with site.tech.sql() as c:
        refused(c, "UPDATE incidents SET title = 'Rewritten' WHERE number = %s", (site.number,))


def test_journal_entries_have_an_author_and_comms_are_major_incident_work(site: Site) -> None:
    """A counter login could post to the major-incident communication log (kind 'comms',
    major.manage in Desk) and leave journal entries without an author."""
    entry = "INSERT INTO journal_entries(incident_id, kind, body, author_id, at) VALUES (%s, %s, 'x', %s, now())"
    with site.counter.sql() as c:
        me = site.counter.actor.staff_id
        assert "needs the technician role" in refused(c, entry, (site.incident_id, "comms", me))
        assert "own staff account" in refused(c, entry, (site.incident_id, "public", None))
        c.execute(entry, (site.incident_id, "public", me))
    with site.tech.sql() as c:
        c.execute(entry, (site.incident_id, "comms", site.tech.actor.staff_id))


def test_only_the_directory_import_changes_a_person(site: Site) -> None:
    """Counter logins add new callers (PeopleService.create); only the admin's directory
    import changes a person. The counter group could UPDATE people: rename anyone, or move
    a university ID (and with it the tickets and VIP status it leads to) to another record."""
    uid = factories.person(site.owner.db, given="Grace", family="Hopper")
    with site.counter.sql() as c:
        refused(c, "UPDATE people SET family_name = 'Renamed' WHERE university_id = %s", (uid,))
        refused(c, "UPDATE people SET university_id = 'X' || university_id WHERE university_id = %s", (uid,))
    db, svcs = site.counter.services()
    try:
        made = svcs.people.create(svcs.staff.resolve_actor(), university_id="900777001", given_name="New",
                                  family_name="Caller")
        assert made.university_id == "900777001"
    finally:
        db.dispose()


def test_sla_measurements_are_not_changed_outside_the_audit_log(site: Site) -> None:
    """The client stores the SLA engine's results after every event, so the server cannot
    tell a recomputation from a forgery; it records every change of them instead (the
    ticket's history hides them, `desk sla recompute` restores them from history)."""
    with site.counter.sql() as c:
        try:
            c.execute("UPDATE incidents SET sla_version_id = NULL, resolution_due_at = '2099-01-01', "
                      "resolution_target_s = 99999999, resolution_elapsed_s = 12345 WHERE number = %s", (site.number,))
        except REFUSED:
            return
    fields = {f for f, _, _ in _audit(site, site.counter, site.incident_id)}
    assert {"sla_version_id", "resolution_due_at", "resolution_target_s", "resolution_elapsed_s"} <= fields


def test_derived_ticket_columns_are_not_changed_outside_the_audit_log(site: Site) -> None:
    """The priority's explanation is on record when it changes; the search vector is
    recomputed by its trigger whatever a login writes into it."""
    with site.counter.sql() as c:
        try:
            c.execute("UPDATE incidents SET priority_explanation = 'P5: the caller does not matter', "
                      "search_vector = to_tsvector('simple', 'nothing') WHERE number = %s", (site.number,))
        except REFUSED:
            return
        row = c.execute("SELECT search_vector @@ plainto_tsquery('simple', 'projector') FROM incidents "
                        "WHERE number = %s", (site.number,)).fetchone()
    fields = {f for f, _, _ in _audit(site, site.counter, site.incident_id)}
    assert "priority_explanation" in fields and row == (True,)
