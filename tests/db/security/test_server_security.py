"""The shared server is the security boundary: each role's own login, in plain SQL and
through the services, can do exactly what the role may do in Desk and nothing else.

Every test here connects as a real staff login (its own connection, not the superuser):
logins are created for the test and dropped after it, with the test database.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy import make_url, select, text

from db import audit_chain, security
from db.engine import Database, make_engine
from db.enums import Role
from db.models import AuditEntry, Incident
from desk.actor import Actor
from desk.bootstrap import Services
from desk.common.audit import verify_chain
from desk.errors import InvalidInput, PermissionDenied, RuleRefused
from desk.incidents.service import NewIncident
from tests import dbtools
from tests.factories import person
from tests.pg_logins import Login, admin_conn, refused, staff_logins

pytestmark = pytest.mark.postgres


@dataclass
class Server:
    url: str
    owner: Services
    admin: Actor
    logins: dict[Role, Login]
    incident: str        # INC number opened by the owner, status New
    other_staff_id: int  # a staff account that is none of the logins


@pytest.fixture
def server(db_templates: dbtools.Templates, postgres_url: str) -> Iterator[Server]:
    with staff_logins(db_templates, postgres_url, [(r.value, r) for r in Role]) as (owner, admin, logins):
        other = owner.staff.add(admin, "bystander", display_name="Bystander", roles=["technician"])
        inc = owner.incidents.open(admin, NewIncident(title="Projector dead in HUM 101", impact="low",
                                                      urgency="low"))
        yield Server(postgres_url, owner, admin, {Role(k): v for k, v in logins.items()}, inc.number,
                     other.staff_id)


def _staff_id(conn: psycopg.Connection) -> int:
    row = conn.execute("SELECT id FROM staff_accounts WHERE db_login = session_user").fetchone()
    assert row is not None
    return int(row[0])


# -- what no staff login may do, whatever its role -------------------------------------
FORBIDDEN_FOR_ALL = [
    "UPDATE number_sequences SET last_value = 1",
    "INSERT INTO number_sequences(name, last_value) VALUES ('XYZ', 0)",
    "INSERT INTO audit_log(at, actor_id, db_user, entity, entity_id, field) "
    "VALUES (now(), 1, 'someone', 'incident', 1, 'status')",
    "UPDATE audit_log SET new_value = 'x'",
    "DELETE FROM audit_log",
    "DELETE FROM incidents",
    "DELETE FROM people",
    "DELETE FROM journal_entries",
    "TRUNCATE incidents",
    "TRUNCATE audit_log CASCADE",
    "UPDATE sla_targets SET response_s = 1",
    "DELETE FROM sla_targets",
    "UPDATE rule_priorities SET priority = 'P1'",
    "UPDATE rule_transitions SET to_status = 'closed'",
    "INSERT INTO rule_actions(action, role) VALUES ('x', 'counter')",
    "UPDATE security_groups SET rolname = 'postgres'",
    "ALTER TABLE incidents DISABLE TRIGGER ALL",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_seal",
    "ALTER TABLE incidents ADD COLUMN sneaky integer",
    "DROP TRIGGER desk_20_rules ON incidents",
    "DROP POLICY desk_own_views ON saved_views",
    "ALTER TABLE saved_views DISABLE ROW LEVEL SECURITY",
    "CREATE TABLE public.mine (x integer)",
    "CREATE FUNCTION public.desk_trusted() RETURNS boolean LANGUAGE sql AS 'SELECT true'",
    "SELECT desk_sync_login(1, NULL)",
    "SET session_replication_role = replica",
]


@pytest.mark.parametrize("role", list(Role))
def test_no_login_can_touch_counters_audit_rules_or_schema(server: Server, role: Role) -> None:
    with server.logins[role].sql() as c:
        for sql in FORBIDDEN_FOR_ALL:
            refused(c, sql)
        # No login owns anything in the database.
        owned = c.execute("SELECT count(*) FROM pg_class WHERE relowner = "
                          "(SELECT oid FROM pg_roles WHERE rolname = session_user)").fetchone()
        assert owned == (0,)


# -- the attacks of the issue, as a counter login ---------------------------------------
def test_counter_login_cannot_raise_its_own_role_or_take_over_an_account(server: Server) -> None:
    counter = server.logins[Role.COUNTER]
    with counter.sql() as c:
        refused(c, "UPDATE staff_roles SET role = 'admin' "
                    "WHERE staff_id = (SELECT id FROM staff_accounts WHERE db_login = current_user)")
        refused(c, "INSERT INTO staff_roles(staff_id, role) "
                    "VALUES ((SELECT id FROM staff_accounts WHERE db_login = current_user), 'admin')")
        refused(c, "UPDATE staff_accounts SET db_login = current_user WHERE username = %s",
                 (server.admin.username,))
        refused(c, "UPDATE staff_accounts SET active = true")
        refused(c, "INSERT INTO staff_accounts(username, display_name, created_at, active, version) "
                    "VALUES ('mallory', 'Mallory', now(), true, 1)")
        for higher in (Role.TECHNICIAN, Role.SUPERVISOR, Role.ADMIN):
            refused(c, f'SET ROLE "{_group(server, higher)}"')
        refused(c, f'GRANT "{_group(server, Role.ADMIN)}" TO "{counter.name}"')
    _, svcs = counter.services()
    assert svcs.staff.resolve_actor().role_label == "counter"


def _group(server: Server, role: Role) -> str:
    with server.owner.db.engine.connect() as conn:
        return security.groups(conn)[role.value]


def test_counter_login_cannot_close_delete_or_reprioritise_incidents(server: Server) -> None:
    with server.logins[Role.COUNTER].sql() as c:
        msg = refused(c, "UPDATE incidents SET status = 'closed', title = '…' WHERE number = %s",
                       (server.incident,))
        assert "lifecycle has no move from new to closed" in msg
        c.execute("UPDATE incidents SET status = 'in_progress' WHERE number = %s", (server.incident,))
        msg = refused(c, "UPDATE incidents SET status = 'resolved', resolution_code = 'fixed' WHERE number = %s",
                       (server.incident,))
        assert "needs the technician role" in msg
        msg = refused(c, "UPDATE incidents SET priority = 'P1' WHERE number = %s", (server.incident,))
        assert "priority matrix gives P5" in msg
        refused(c, "UPDATE incidents SET impact = 'high' WHERE number = %s", (server.incident,))
        refused(c, "UPDATE incidents SET number = 'INC-999999' WHERE number = %s", (server.incident,))
        refused(c, "UPDATE incidents SET assignee_id = %s WHERE number = %s",
                 (server.other_staff_id, server.incident))
        refused(c, "UPDATE incidents SET is_major = true WHERE number = %s", (server.incident,))


def test_counter_login_cannot_forge_numbers_times_authors_or_vip(server: Server) -> None:
    vip_uid = person(server.owner.db, given="Provost", family="Office")
    with server.logins[Role.COUNTER].sql() as c:
        me = _staff_id(c)
        base = ("INSERT INTO incidents(number, title, description, impact, urgency, priority, "
                "priority_explanation, status, channel, opened_at, updated_at, is_major, version, created_by_id) "
                "VALUES (%s, 'x', '', 'low', 'low', %s, 'x', %s, 'phone', now(), now(), false, 1, %s)")
        msg = refused(c, base, ("INC-999999", "P5", "new", me))
        assert "not a number drawn from desk_next_number" in msg
        (n,) = c.execute("SELECT desk_next_number('INC')").fetchone() or (0,)
        number = f"INC-{n:06d}"
        assert "priority matrix gives P5" in refused(c, base, (number, "P1", "new", me))
        assert "cannot start as closed" in refused(c, base, (number, "P5", "closed", me))
        assert "must name your own staff account" in refused(c, base, (number, "P5", "new", server.other_staff_id))
        # A direct insert that follows every rule is accepted, with the server's clock.
        c.execute(base.replace("now(), now()", "'2020-01-01', '2020-01-01'"), (number, "P5", "new", me))
        opened = c.execute("SELECT opened_at FROM incidents WHERE number = %s", (number,)).fetchone()
        assert opened is not None and abs(opened[0] - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
        # Journal entries name their real author; VIP status is a supervisor's to grant.
        inc_id = c.execute("SELECT id FROM incidents WHERE number = %s", (number,)).fetchone()
        assert inc_id is not None
        refused(c, "INSERT INTO journal_entries(incident_id, kind, body, author_id, at) "
                    "VALUES (%s, 'public', 'forged', %s, now())", (inc_id[0], server.admin.staff_id))
        refused(c, "INSERT INTO vip_grants(person_id, granted_at, granted_by_id, grant_reason) "
                    "VALUES ((SELECT id FROM people WHERE university_id = %s), now(), %s, 'because')",
                 (vip_uid, server.admin.staff_id))
        refused(c, "UPDATE incidents SET vip_policy_id = (SELECT max(id) FROM vip_policies), priority = 'P4' "
                    "WHERE number = %s", (number,))
        # desk_audit() takes the actor from the login, whatever id the client passes.
        c.execute("SELECT desk_audit(now(), %s, 'incident', %s, 'note', NULL, 'hello', NULL)",
                  (server.admin.staff_id, inc_id[0]))
        row = c.execute("SELECT actor_id, db_user FROM audit_log WHERE field = 'note' AND entity_id = %s",
                        (inc_id[0],)).fetchone()
        assert row == (me, server.logins[Role.COUNTER].name)


def test_a_direct_sql_edit_is_audited_with_its_login_and_chained(server: Server) -> None:
    counter = server.logins[Role.COUNTER]
    with counter.sql() as c:
        c.execute("UPDATE incidents SET title = 'Edited in psql' WHERE number = %s", (server.incident,))
        me = _staff_id(c)
    with server.owner.db.reading() as s:
        inc_id = s.execute(select(Incident.id).where(Incident.number == server.incident)).scalar_one()
        row = s.execute(select(AuditEntry).where(AuditEntry.entity == "incident", AuditEntry.entity_id == inc_id,
                                                 AuditEntry.field == "title")).scalar_one()
    assert (row.old_value, row.new_value) == ("Projector dead in HUM 101", "Edited in psql")
    assert (row.actor_id, row.db_user) == (me, counter.name)
    assert row.seq is not None and row.hash
    verdict = verify_chain(server.owner.db)
    assert verdict.ok and verdict.entries >= row.seq


def test_saved_views_are_private_to_their_owner(server: Server) -> None:
    tech, counter = server.logins[Role.TECHNICIAN], server.logins[Role.COUNTER]
    with tech.sql() as c:
        c.execute("INSERT INTO saved_views(staff_id, name, spec, position, created_at, updated_at, version) "
                  "VALUES (%s, 'Mine', '{}', 0, now(), now(), 1)", (tech.actor.staff_id,))
        refused(c, "INSERT INTO saved_views(staff_id, name, spec, position, created_at, updated_at, version) "
                    "VALUES (%s, 'Theirs', '{}', 0, now(), now(), 1)", (counter.actor.staff_id,))
    with counter.sql() as c:
        assert c.execute("SELECT count(*) FROM saved_views").fetchone() == (0,)
        cur = c.execute("UPDATE saved_views SET name = 'stolen'")
        assert cur.rowcount == 0


# -- what each role may do, through the services, on its own login ------------------------
def test_each_role_works_through_the_services_on_its_own_login(server: Server) -> None:
    opened: list[str] = []
    dbs: list[Database] = []
    try:
        for role in (Role.COUNTER, Role.TECHNICIAN, Role.SUPERVISOR):
            login = server.logins[role]
            db, svcs = login.services()
            dbs.append(db)
            me = svcs.staff.resolve_actor()
            assert me.db_user == login.name
            v = svcs.incidents.open(me, NewIncident(title=f"Opened by {role.value}", impact="medium",
                                                    urgency="high"))
            assert v.priority == "P2"
            svcs.incidents.comment(me, v.number, "Looking at it")
            svcs.incidents.transition(me, v.number, "in_progress")
            opened.append(v.number)
        counter_db, counter = server.logins[Role.COUNTER].services()
        dbs.append(counter_db)
        with pytest.raises(Exception, match="technician"):
            counter.incidents.transition(counter.staff.resolve_actor(), opened[0], "resolved",
                                         resolution_code="fixed", resolution_note="done")
        tech_db, tech = server.logins[Role.TECHNICIAN].services()
        dbs.append(tech_db)
        done = tech.incidents.transition(tech.staff.resolve_actor(), opened[0], "resolved",
                                         resolution_code="fixed", resolution_note="Replaced the lamp")
        assert done.status == "resolved"
        sup_db, sup = server.logins[Role.SUPERVISOR].services()
        dbs.append(sup_db)
        uid = person(server.owner.db, given="Chancellor", family="Office")
        sup.people.grant_vip(sup.staff.resolve_actor(), uid, reason="Chancellor (published VIP list)")
        vip = sup.incidents.open(sup.staff.resolve_actor(), NewIncident(title="VIP laptop", caller_university_id=uid,
                                                                        impact="low", urgency="medium"))
        assert vip.priority == "P3"  # urgency raised one level by the policy, derived on the server too
        with pytest.raises(Exception, match="may not"):
            tech.people.grant_vip(tech.staff.resolve_actor(), uid, reason="no")
        # The audit rows of those actions name each login and its own account.
        with server.owner.db.reading() as s:
            rows = s.execute(select(AuditEntry.db_user, AuditEntry.actor_id).where(
                AuditEntry.entity == "incident", AuditEntry.field == "created")).all()
        by_login = {str(db_user): actor for db_user, actor in rows}
        for role in (Role.COUNTER, Role.TECHNICIAN, Role.SUPERVISOR):
            assert by_login[server.logins[role].name] == server.logins[role].actor.staff_id
        assert verify_chain(server.owner.db).ok
    finally:
        for db in dbs:
            db.dispose()


def test_roles_are_group_membership_and_only_an_admin_changes_them(server: Server) -> None:
    admin_login, counter = server.logins[Role.ADMIN], server.logins[Role.COUNTER]
    db, svcs = admin_login.services()
    try:
        admin = svcs.staff.resolve_actor()
        svcs.staff.set_roles(admin, counter.actor.username, add=["technician"])
        with counter.sql() as c:
            assert c.execute("SELECT pg_has_role(session_user, %s, 'MEMBER')",
                             (_group(server, Role.TECHNICIAN),)).fetchone() == (True,)
        svcs.staff.set_roles(admin, counter.actor.username, remove=["technician"])
        with counter.sql() as c:
            assert c.execute("SELECT pg_has_role(session_user, %s, 'MEMBER')",
                             (_group(server, Role.TECHNICIAN),)).fetchone() == (False,)
        with pytest.raises(InvalidInput, match="no PostgreSQL login"):
            svcs.staff.add(admin, "ghost", display_name="Ghost", roles=["counter"], db_login="no_such_login_x")
        with pytest.raises(InvalidInput, match="already belongs"):
            svcs.staff.add(admin, "twin", display_name="Twin", roles=["counter"], db_login=counter.name)
    finally:
        db.dispose()
    tdb, tech = server.logins[Role.TECHNICIAN].services()
    try:
        with pytest.raises(Exception, match="may not manage staff"):
            tech.staff.set_roles(tech.staff.resolve_actor(), counter.actor.username, add=["admin"])
    finally:
        tdb.dispose()


def test_verify_names_an_audit_row_a_superuser_changed_with_triggers_off(server: Server) -> None:
    with server.logins[Role.COUNTER].sql() as c:
        c.execute("UPDATE incidents SET title = 'Once' WHERE number = %s", (server.incident,))
        c.execute("UPDATE incidents SET title = 'Twice' WHERE number = %s", (server.incident,))
    assert verify_chain(server.owner.db).ok
    with server.owner.db.reading() as s:
        target = s.execute(select(AuditEntry.id, AuditEntry.seq).where(AuditEntry.new_value == "Once")).one()
    db_name = make_url(server.url).database
    with admin_conn(db_name) as su:
        su.execute("SET session_replication_role = replica")
        su.execute("UPDATE audit_log SET new_value = 'Never' WHERE id = %s", (target.id,))
    verdict = verify_chain(server.owner.db)
    assert not verdict.ok and verdict.first_bad_id == target.id and verdict.first_bad_seq == target.seq
    assert "does not match its hash" in (verdict.problem or "")
    # A row slipped in with the sealing trigger off is named too.
    with admin_conn(db_name) as su:
        su.execute("SET session_replication_role = replica")
        su.execute("UPDATE audit_log SET new_value = 'Once' WHERE id = %s", (target.id,))
        su.execute("INSERT INTO audit_log(at, entity, entity_id, field) VALUES (now(), 'incident', 1, 'x')")
    verdict = verify_chain(server.owner.db)
    assert not verdict.ok and "outside the chain" in (verdict.problem or "")


def test_chain_head_matches_between_python_and_the_server(server: Server) -> None:
    with server.owner.db.engine.connect() as conn:
        seq, digest = audit_chain.head(conn)
        row = conn.execute(text("SELECT * FROM audit_log WHERE seq = :s"), {"s": seq}).mappings().one()
        prev = conn.execute(text("SELECT hash FROM audit_log WHERE seq = :s"), {"s": seq - 1}).scalar() or ""
    assert audit_chain.row_hash(prev, dict(row)) == digest


# -- every table, every role: the grants follow the roles of the reference -----------------
# Written from itil-reference.md's roles, not from db/security/tables.py, so a wrong grant
# there fails here. Each role may also do what the roles below it may.
_ALLOWED: dict[Role, dict[str, set[str]]] = {
    Role.COUNTER: {
        "INSERT": {"incidents", "journal_entries", "tasks", "attachments", "devices", "repairs",
                   "repair_accessories", "signatures", "loaners", "loans", "people", "saved_views",
                   "categories",  # a category typed on a ticket is created on the spot
                   "mail_outbox",   # every role's actions queue customers' mail...
                   "canned_replies",   # own or one's teams' (a trigger checks which)
                   "satisfaction_ratings"},   # the customer's face at the pickup just done
        "UPDATE": {"incidents", "tasks", "devices", "repairs", "repair_accessories", "loaners", "loans",
                   "saved_views", "mail_outbox",  # ...and any workstation delivers it
                   "canned_replies",
                   "staff_notifications"},   # one's own marked shown / read (a trigger checks whose)
        "DELETE": {"saved_views", "canned_replies"},
    },
    Role.TECHNICIAN: {"INSERT": {"problems", "major_team_members", "knowledge_articles", "knowledge_article_versions",
                                 # the SLA alert job, which any technician's workstation may hold
                                 "sla_alerts", "staff_notifications", "job_leases"},
                      "UPDATE": {"problems", "major_team_members", "knowledge_articles", "sla_alerts", "job_leases"},
                      "DELETE": {"major_team_members"}},
    Role.SUPERVISOR: {
        "INSERT": {"vip_grants", "vip_policies", "sla_calendars", "sla_calendar_versions", "sla_calendar_periods",
                   "sla_calendar_hours", "sla_calendar_closures", "slas", "sla_versions", "sla_targets",
                   "incident_models", "incident_model_tasks", "major_incident_rules",
                   "services",      # the service catalogue: added and retired, never deleted
                   "service_categories",
                   "mail_settings", "mail_templates", "mail_event_switches",   # the desk's e-mail set-up
                   "mail_inbox",        # reading the desk's mailbox into tickets
                   "escalation_rules"},
        "UPDATE": {"vip_grants", "incident_models", "incident_model_tasks", "major_incident_rules", "services",
                   "mail_settings", "mail_templates", "mail_event_switches", "escalation_rules"},
        "DELETE": {"incident_model_tasks", "mail_templates",     # back to the shipped template
                   "service_categories",      # a category no longer offered on a service
                   "escalation_rules"},
    },
    Role.ADMIN: {
        "INSERT": {"staff_accounts", "staff_roles", "teams", "team_members", "departments", "person_statuses",
                   "affiliations"},
        "UPDATE": {"staff_accounts", "teams", "departments", "person_statuses", "affiliations",
                   "people"},  # a person's record changes with the directory import
        "DELETE": {"staff_roles", "team_members"},
    },
}
_LADDER = [Role.COUNTER, Role.TECHNICIAN, Role.SUPERVISOR, Role.ADMIN]


def _expected(role: Role, verb: str) -> set[str]:
    out: set[str] = set()
    for r in _LADDER[:_LADDER.index(role) + 1]:
        out |= _ALLOWED[r].get(verb, set())
    return out


@pytest.mark.parametrize("role", list(Role))
def test_every_table_and_statement_follows_the_role(server: Server, role: Role) -> None:
    login = server.logins[role]
    url = make_url(login.url).set(drivername="postgresql").render_as_string(hide_password=False)
    wrong: list[str] = []
    with psycopg.connect(url) as c:
        tables = [t for (t,) in c.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()]
        c.rollback()
        assert "incidents" in tables and "audit_log" in tables
        for table in tables:
            col = c.execute("SELECT a.attname FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attnum = 1",
                            (table,)).fetchone()
            c.rollback()
            assert col is not None
            statements = {
                "SELECT": f"SELECT count(*) FROM {table}",
                "INSERT": f"INSERT INTO {table} DEFAULT VALUES",
                "UPDATE": f'UPDATE {table} SET "{col[0]}" = "{col[0]}" WHERE false',
                "DELETE": f"DELETE FROM {table} WHERE false",
                "TRUNCATE": f"TRUNCATE {table}",
                "ALTER": f"ALTER TABLE {table} ADD COLUMN sneaky integer",
                "TRIGGER": f"ALTER TABLE {table} DISABLE TRIGGER ALL",
            }
            for verb, sql in statements.items():
                try:
                    c.execute(sql)
                    denied = False
                except psycopg.Error as exc:
                    text_ = str(exc)
                    denied = "permission denied for table" in text_ or "must be owner" in text_
                finally:
                    c.rollback()
                allowed = verb == "SELECT" or table in _expected(role, verb)
                if denied == allowed:
                    wrong.append(f"{verb} {table}: {'refused' if denied else 'allowed'}")
    assert not wrong, f"{role.value}: " + "; ".join(wrong)


# -- found in review: each of these failed before its fix -----------------------------------
def test_upgrading_takes_away_what_an_older_desk_granted_logins_directly(server: Server) -> None:
    """`desk db grant` used to give each login every table; the upgrade revokes it."""
    counter = server.logins[Role.COUNTER]
    db_name = make_url(server.url).database
    with admin_conn(db_name) as su:
        su.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{counter.name}"')
    with counter.sql() as c:
        c.execute("UPDATE number_sequences SET last_value = last_value")  # the old hole, open
    with server.owner.db.engine.begin() as conn:
        security.apply(conn)
    with counter.sql() as c:
        refused(c, "UPDATE number_sequences SET last_value = 1")
        refused(c, "UPDATE staff_roles SET role = 'admin'")
        refused(c, "DELETE FROM journal_entries")


def test_desk_audit_cannot_forge_what_the_server_records_or_what_needs_a_role(server: Server) -> None:
    with server.owner.db.reading() as s:
        inc_id = s.execute(select(Incident.id).where(Incident.number == server.incident)).scalar_one()
    with server.logins[Role.COUNTER].sql() as c:
        msg = refused(c, "SELECT desk_audit(now(), NULL, 'incident', %s, 'status', 'new', 'pending_customer', NULL)",
                       (inc_id,))
        assert "incident status is recorded by the server when the row changes" in msg
        refused(c, "SELECT desk_audit(now(), NULL, 'incident', %s, 'priority', NULL, 'P1', NULL)", (inc_id,))
        msg = refused(c, "SELECT desk_audit(now(), NULL, 'service', 1, 'surge_dismissed', NULL, 'x', NULL)")
        assert "needs the supervisor role" in msg
        refused(c, "SELECT desk_next_number('XYZ')")
        # A time far from the server's clock is replaced by the server's.
        c.execute("SELECT desk_audit('2020-01-01', NULL, 'incident', %s, 'remark', NULL, 'hi', NULL)", (inc_id,))
        (at,) = c.execute("SELECT at FROM audit_log WHERE field = 'remark'").fetchone() or (None,)
        assert at is not None and at.year == dt.datetime.now(dt.UTC).year


def test_breaches_stay_recorded_and_creators_never_change(server: Server) -> None:
    db_name = make_url(server.url).database
    with admin_conn(db_name) as su:
        su.execute("UPDATE incidents SET response_breached_at = now() - interval '1 hour' WHERE number = %s",
                   (server.incident,))
    with server.logins[Role.TECHNICIAN].sql() as c:
        assert "stays recorded" in refused(
            c, "UPDATE incidents SET response_breached_at = NULL WHERE number = %s", (server.incident,))
        me = _staff_id(c)
        assert "never changes" in refused(
            c, "UPDATE incidents SET created_by_id = %s WHERE number = %s", (me, server.incident))
    with server.logins[Role.SUPERVISOR].sql() as c:  # the SLA jobs recompute breaches from history
        c.execute("UPDATE incidents SET response_breached_at = NULL WHERE number = %s", (server.incident,))


def test_the_owner_in_psql_is_audited_by_the_server(server: Server) -> None:
    """Desk as the owner writes its own audit rows; the owner's psql session does not
    say it is Desk, so the server audits it like anyone else."""
    db_name = make_url(server.url).database
    with admin_conn(db_name) as su:
        su.execute("UPDATE incidents SET title = 'Quietly retitled' WHERE number = %s", (server.incident,))
    with server.owner.db.reading() as s:
        row = s.execute(select(AuditEntry).where(AuditEntry.field == "title",
                                                 AuditEntry.new_value == "Quietly retitled")).scalar_one()
    assert row.db_user == make_url(dbtools.PG_ADMIN_URL).username and row.seq is not None
    assert verify_chain(server.owner.db).ok


def test_a_server_refusal_reaches_desk_as_a_typed_error(server: Server) -> None:
    db, _svcs = server.logins[Role.COUNTER].services()
    try:
        with pytest.raises(RuleRefused, match="priority matrix gives P5"), db.writing() as s:
            s.execute(text("UPDATE incidents SET priority = 'P1' WHERE number = :n"), {"n": server.incident})
    finally:
        db.dispose()


def test_demo_on_the_shared_server_needs_the_schema_owner(server: Server) -> None:
    from desk.demo import build_demo

    db, svcs = server.logins[Role.ADMIN].services()
    try:
        with pytest.raises(PermissionDenied, match="only the schema owner"):
            build_demo(db, tickets=10, seed=1, progress=lambda _m: None, actor=svcs.staff.resolve_actor())
    finally:
        db.dispose()


def test_every_table_is_classified_for_the_server() -> None:
    from db.base import Base
    from db.security.tables import GUARDED, LINKS, READ_ONLY

    known = {g.table for g in GUARDED} | {link.table for link in LINKS} | set(READ_ONLY)
    missing = sorted(set(Base.metadata.tables) - known)
    assert not missing, f"classify these in db/security/tables.py: {missing}"


def test_more_of_desk_on_staff_logins_with_a_workstation_clock_two_seconds_behind(server: Server) -> None:
    """The server keeps a client's instants within its tolerance, so Desk's own rules that
    compare times (VIP status, SLA re-targeting) see one clock, as on SQLite."""
    from tests.factories import intake_request

    def behind() -> dt.datetime:
        return dt.datetime.now(dt.UTC) - dt.timedelta(seconds=2)

    dbs: list[Database] = []

    def as_(role: Role) -> tuple[Services, Actor]:
        db = Database.from_engine(make_engine(server.logins[role].url))
        dbs.append(db)
        svcs = Services.over(db, behind)
        return svcs, svcs.staff.resolve_actor()

    try:
        counter, c_me = as_(Role.COUNTER)
        sup, s_me = as_(Role.SUPERVISOR)
        tech, t_me = as_(Role.TECHNICIAN)
        uid = person(server.owner.db, given="Dean", family="Office")
        v = counter.incidents.open(c_me, NewIncident(title="Dean's laptop", caller_university_id=uid,
                                                     impact="low", urgency="medium", category="Brand new category"))
        assert v.priority == "P4"
        sup.people.grant_vip(s_me, uid, reason="Dean (published VIP list)")
        assert sup.incidents.get(v.number).priority == "P3"   # re-derived by the grant, accepted by the server
        sup.people.revoke_vip(s_me, uid, reason="Term of office ended")
        assert sup.incidents.get(v.number).priority == "P4"
        saved = sup.sla_admin.set_target(s_me, "standard", "P4", response="2h", resolution="4d")
        assert saved.version >= 2
        seen = tech.incidents.get(v.number)
        tech.incidents.update(t_me, v.number, seen.version, {"service": "Printing"})
        with server.owner.db.reading() as s:
            row = s.execute(select(Incident.service_id, Incident.sla_version_id)
                            .where(Incident.number == v.number)).one()
        assert row.service_id is not None and row.sla_version_id is not None
        p = tech.problems.open(t_me, title="Dean laptops overheat", incidents=[v.number])
        assert p.number.startswith("PRB-")
        counter_svcs = counter.counter
        result = counter_svcs.intake.intake(c_me, intake_request(uid))
        assert result.number.startswith("INC-")
        assert verify_chain(server.owner.db).ok
    finally:
        for db in dbs:
            db.dispose()


def test_a_counter_login_reads_the_counter_board(server: Server) -> None:
    # The Counter page is a counter member's home: its one read (repairs, incidents,
    # devices, people, open loans) must be allowed to their own login.
    db, svcs = server.logins[Role.COUNTER].services()
    try:
        board = svcs.counter.board.board()
        assert board.ready_total >= 0 and board.workshop_total >= 0 and board.loans_overdue >= 0
    finally:
        db.dispose()
