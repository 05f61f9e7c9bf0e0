"""Attacks on the shared server by a malicious insider: a staff login in psql, trying
to do what its Desk role may not, or to change ticket data outside the audit chain.

Each test is one hole that was open (or still is, marked xfail with the reason) and
what the server must answer now. Every connection is a real staff login's own.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy import select

from db.enums import Role
from db.models import AuditEntry, Incident
from desk.actor import Actor
from desk.services.audit import verify_chain
from desk.services.bundle import Services
from desk.services.incidents import NewIncident
from tests.pg_logins import Login, staff_logins

pytestmark = pytest.mark.postgres

REFUSED = (psycopg.errors.InsufficientPrivilege, psycopg.errors.RaiseException)


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
def site(postgres_url: str) -> Iterator[Site]:
    with staff_logins(postgres_url, [("counter", Role.COUNTER), ("tech", Role.TECHNICIAN)]) as (owner, admin, logins):
        inc = owner.incidents.open(admin, NewIncident(title="Projector dead in HUM 101", impact="low",
                                                      urgency="low", service="Classroom Technology"))
        with owner.db.reading() as s:
            inc_id = s.execute(select(Incident.id).where(Incident.number == inc.number)).scalar_one()
        yield Site(postgres_url, owner, admin, logins["counter"], logins["tech"], inc.number, inc_id)


def _refused(conn: psycopg.Connection, sql: str, params: tuple[object, ...] = ()) -> str:
    with pytest.raises(REFUSED) as err:
        conn.execute(sql, params)
    return str(err.value)


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
        msg = _refused(c, "UPDATE incidents SET status = 'closed', priority = 'P1' WHERE number = %s", (site.number,))
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
    assert verify_chain(site.owner.db, site.admin).ok


@pytest.mark.parametrize(("entity", "field"), [
    ("incident", "status"), ("incident", "priority"), ("incident", "assignee_id"), ("incident", "service_id"),
    ("incident", "created"), ("incident", "major_team"), ("staff", "role"), ("problem", "status"),
])
def test_desk_audit_cannot_write_what_the_triggers_record(site: Site, entity: str, field: str) -> None:
    """desk_audit() took any entity and field: a counter login could add 'status' rows
    (new → pending_customer …) that the SLA replay reads as the ticket's history and so
    pause its clock, or a 'role' row in an admin's staff history, without changing anything."""
    with site.counter.sql() as c:
        msg = _refused(c, "SELECT desk_audit(NULL, NULL, %s, %s, %s, 'in_progress', 'pending_customer', NULL)",
                       (entity, site.incident_id, field))
        assert "recorded by the server when the row changes" in msg
        # Events that are not a column change still go through it (what the services write).
        c.execute("SELECT desk_audit(NULL, NULL, 'incident', %s, 'page', NULL, 'Paged the on-call', NULL)",
                  (site.incident_id,))
    assert _audit(site, site.counter, site.incident_id) == [("page", None, "Paged the on-call")]
