"""Staff accounts as an admin sets them up: edit, teams, deactivate instead of delete; on
SQLite and PostgreSQL, and on PostgreSQL with real logins (NOLOGIN follows, and a
technician's own connection cannot publish a VIP policy or grant VIP status)."""
from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import select

from db.enums import Role
from db.models import AuditEntry, Incident
from desk.actor import Actor
from desk.bootstrap import Services
from desk.errors import ConflictError, InvalidInput, PermissionDenied
from desk.incidents.service import NewIncident
from desk.people.staff import NoStaffAccount
from tests import dbtools, factories
from tests.pg_logins import Login, admin_conn, refused, staff_logins


def test_a_deactivated_account_cannot_sign_in_or_be_assigned_and_keeps_its_history(
        services: Services, admin: Actor) -> None:
    alice = services.staff.add(admin, "alice", display_name="Alice Ng", roles=["technician"],
                               os_username="alice", teams=["Service Desk"])
    worked = services.incidents.open(alice, NewIncident(title="Printer jam", assignee="alice"))
    view = services.staff.set_active(admin, "alice", False, reason="Left the university")
    assert not view.active and view.teams == ("Service Desk",)
    assert services.staff.open_assigned("alice") == 1, "the work to hand on is counted"
    if services.db.dialect == "sqlite":   # on PostgreSQL the login itself (tests below)
        with pytest.raises(NoStaffAccount, match="alice is disabled"):
            services.staff.resolve_actor(os_username="alice")
    with pytest.raises(InvalidInput, match="'alice' is deactivated and cannot be assigned") as err:
        services.incidents.open(admin, NewIncident(title="Projector dead", assignee="alice"))
    assert err.value.field == "assignee"
    with services.db.reading() as s:
        assert s.execute(select(Incident.assignee_id).where(Incident.number == worked.number)).scalar_one() \
            == alice.staff_id, "the account's history stays its own"
        entry = s.execute(select(AuditEntry).where(AuditEntry.entity == "staff", AuditEntry.field == "active",
                                                   AuditEntry.entity_id == alice.staff_id)).scalar_one()
    assert (entry.old_value, entry.new_value, entry.reason) == ("true", "false", "Left the university")
    assert [a.username for a in services.staff.accounts() if not a.active] == ["alice"]
    with pytest.raises(InvalidInput, match="deactivated already"):
        services.staff.set_active(admin, "alice", False, reason="again")
    with pytest.raises(InvalidInput, match="cannot deactivate your own account") as err:
        services.staff.set_active(admin, admin.username, False, reason="bye")
    assert err.value.field == "active"
    services.staff.set_active(admin, "alice", True, reason="Back from leave")
    if services.db.dialect == "sqlite":
        assert services.staff.resolve_actor(os_username="alice").username == "alice"
    assert services.incidents.open(admin, NewIncident(title="Projector dead", assignee="alice")).assignee


def test_an_admin_edits_names_mail_and_os_user_and_teams(services: Services, admin: Actor) -> None:
    bob = services.staff.add(admin, "bob", display_name="Bob", roles=["counter"], os_username="bob")
    services.staff.add(admin, "carol", display_name="Carol", roles=["counter"], os_username="carol")
    before = services.staff.account("bob")
    after = services.staff.update(admin, "bob", display_name="Bob Marley", email="bob@example.edu",
                                  os_username="bmarley", base_version=before.version)
    assert (after.display_name, after.email, after.os_user) == ("Bob Marley", "bob@example.edu", "bmarley")
    with pytest.raises(ConflictError):
        services.staff.update(admin, "bob", display_name="Stale", base_version=before.version)
    for kwargs, field in (({"email": "not an address"}, "email"), ({"os_username": "carol"}, "os_user"),
                          ({"display_name": "  "}, "name")):
        with pytest.raises(InvalidInput) as err:
            services.staff.update(admin, "bob", **kwargs)  # type: ignore[arg-type]
        assert err.value.field == field, kwargs
    assert services.staff.account("bob").display_name == "Bob Marley"
    team = services.staff.create_team(admin, "Night Desk", email="night@example.edu")
    assert team.members == 0
    with pytest.raises(InvalidInput, match="already exists") as err:
        services.staff.create_team(admin, "night desk")
    assert err.value.field == "team_name"
    v = services.staff.set_teams(admin, "bob", join=["Night Desk", "Service Desk"])
    assert v.teams == ("Night Desk", "Service Desk")
    assert services.staff.set_teams(admin, "bob", leave=["Service Desk"]).teams == ("Night Desk",)
    assert {t.name: t.members for t in services.staff.teams()}["Night Desk"] == 1
    with pytest.raises(InvalidInput, match="No team called 'Nope'") as err:
        services.staff.set_teams(admin, "bob", join=["Nope"])
    assert err.value.field == "team"
    with services.db.reading() as s:
        fields = s.execute(select(AuditEntry.field).where(AuditEntry.entity == "staff",
                                                          AuditEntry.entity_id == bob.staff_id)).scalars().all()
    assert {"display_name", "email", "os_user", "team_id"} <= set(fields)
    with pytest.raises(PermissionDenied):
        services.staff.set_active(bob, "carol", False, reason="I am counter staff")


# -- PostgreSQL with real staff logins -------------------------------------------------

@pytest.fixture
def logins(db_templates: dbtools.Templates, postgres_url: str) -> Iterator[tuple[Services, Actor, dict[str, Login]]]:
    with staff_logins(db_templates, postgres_url, [("tech", Role.TECHNICIAN), ("boss", Role.ADMIN)]) as got:
        yield got


def _can_login(name: str) -> bool:
    with admin_conn() as c:
        row = c.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    assert row is not None
    return bool(row[0])


@pytest.mark.postgres
def test_deactivating_sets_the_login_nologin_and_reactivating_gives_it_back(
        logins: tuple[Services, Actor, dict[str, Login]]) -> None:
    _owner, _admin, by = logins
    db, boss = by["boss"].services()   # an admin's own login, not the schema owner
    try:
        actor = boss.staff.resolve_actor()
        tech = by["tech"]
        boss.staff.set_active(actor, tech.actor.username, False, reason="Left")
        assert not _can_login(tech.name)
        with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
            tech.sql().close()
        boss.staff.set_active(actor, tech.actor.username, True, reason="Back")
        assert _can_login(tech.name)
        with tech.sql() as conn:
            assert conn.execute("SELECT count(*) FROM staff_accounts").fetchone() is not None
    finally:
        db.dispose()


@pytest.mark.postgres
def test_a_technician_login_cannot_publish_a_policy_grant_vip_or_deactivate_in_psql(
        logins: tuple[Services, Actor, dict[str, Login]]) -> None:
    owner, admin, by = logins
    uid = factories.person(owner.db, given="Grace", family="Hopper")
    with by["tech"].sql() as conn:
        me = conn.execute("SELECT desk_staff_id()").fetchone()
        assert me is not None
        refused(conn, "INSERT INTO vip_policies(version, text, urgency_levels_raised, published_at, "
                      "published_by_id) VALUES (99, 'mine', 2, now(), %s)", (me[0],))
        refused(conn, "INSERT INTO vip_grants(person_id, office, granted_at, granted_by_id, grant_reason) "
                      "SELECT id, 'me', now(), %s, 'me' FROM people WHERE university_id = %s", (me[0], uid))
        refused(conn, "UPDATE staff_accounts SET active = false WHERE id = %s", (admin.staff_id,))
    assert [p.version for p in owner.people.vip_policies()] == [1]
    assert owner.people.vip_entries() == []


@pytest.mark.postgres
def test_a_deactivated_account_cannot_be_assigned_in_psql_either(
        logins: tuple[Services, Actor, dict[str, Login]]) -> None:
    owner, admin, by = logins
    gone = owner.staff.add(admin, "gone", display_name="Gone", roles=["technician"])
    inc = owner.incidents.open(admin, NewIncident(title="Projector dead"))
    owner.staff.set_active(admin, "gone", False, reason="Left")
    with by["tech"].sql() as conn:
        message = refused(conn, "UPDATE incidents SET assignee_id = %s, status = 'assigned' WHERE number = %s",
                          (gone.staff_id, inc.number))
        assert "a deactivated staff account cannot be assigned" in message
        conn.execute("UPDATE incidents SET assignee_id = %s, status = 'assigned' WHERE number = %s",
                     (by["tech"].actor.staff_id, inc.number))


@pytest.mark.postgres
def test_an_admin_cannot_map_an_account_to_a_server_administrators_login_and_lock_it_out(
        logins: tuple[Services, Actor, dict[str, Login]]) -> None:
    """Deactivating sets the mapped login NOLOGIN, as the schema owner: a Desk admin who
    could map an account to any login could lock a DBA's (CREATEROLE) login, or the schema
    owner's own, out of the whole server. Such logins are never staff logins."""
    import uuid

    _owner, _admin, by = logins
    dba = f"desk_t{uuid.uuid4().hex[:8]}_dba"
    with admin_conn() as c:
        c.execute(f'CREATE ROLE "{dba}" LOGIN CREATEROLE')
    try:
        db, boss = by["boss"].services()
        try:
            actor = boss.staff.resolve_actor()
            with pytest.raises((InvalidInput, PermissionDenied, ConflictError)) as err:
                boss.staff.add(actor, "dba", display_name="The DBA", roles=["technician"], db_login=dba)
            assert "administer" in str(err.value) or "not a staff login" in str(err.value)
            with by["boss"].sql() as conn:
                owner_login = conn.execute("SELECT datdba::regrole::text FROM pg_database "
                                           "WHERE datname = current_database()").fetchone()
                assert owner_login is not None
                with pytest.raises(psycopg.errors.InvalidParameterValue, match="not a staff login"):
                    conn.execute("UPDATE staff_accounts SET db_login = %s WHERE id = %s",
                                 (owner_login[0].strip('"'), by["tech"].actor.staff_id))
        finally:
            db.dispose()
        assert _can_login(dba)
    finally:
        with admin_conn() as c:
            c.execute(f'DROP ROLE IF EXISTS "{dba}"')
