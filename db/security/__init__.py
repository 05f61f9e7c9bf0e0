"""The shared server as the security boundary: group roles, grants, triggers, policies.

``apply(conn)`` (re)creates all of it on PostgreSQL and is run by ``desk db upgrade``
after the migrations, as the schema owner; it is idempotent. What is guarded where,
and why, is in ``db.security.tables``; the function bodies in ``db.security.functions``.
"""
from __future__ import annotations

import functools
import hashlib
import itertools
import re

from sqlalchemy import Connection, text

from db import audit_chain
from db.enums import Role
from db.errors import DatabaseSetupError
from db.security.functions import CALLABLE, FUNCTIONS
from db.security.tables import GUARDED, LADDER, LINKS, WRITES, Guarded

__all__ = ["GUARDED", "apply", "audit_covered", "covered_fields", "drop_server_objects", "group_name", "groups",
           "reason_setting"]

_MAX_IDENT = 63


def group_name(database: str, role: Role | str) -> str:
    """``desk_<database>_<role>``, shortened with a digest when PostgreSQL's 63 bytes
    would cut it (two long database names must not collide)."""
    role_value = role.value if isinstance(role, Role) else role
    safe = re.sub(r"[^a-z0-9_]", "_", database.lower())
    name = f"desk_{safe}_{role_value}"
    if len(name) <= _MAX_IDENT and safe == database:
        return name
    digest = hashlib.sha256(database.encode()).hexdigest()[:8]
    room = _MAX_IDENT - len(f"desk__{digest}_{role_value}")
    return f"desk_{safe[:room]}_{digest}_{role_value}"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def groups(conn: Connection) -> dict[str, str]:
    """Desk role → group role name of this database (empty before the first apply)."""
    return {str(r): str(n) for r, n in conn.execute(text("SELECT role, rolname FROM security_groups")).all()}


@functools.cache
def _covered() -> frozenset[tuple[str, str]]:
    from db.base import Base

    out = {(link.entity, link.field) for link in LINKS}
    for g in GUARDED:
        if g.entity is None:
            continue
        if g.created_from:
            out.add((g.entity, "created"))
        out |= {(g.entity, c.name) for c in Base.metadata.tables[g.table].columns if c.name not in g.ignored}
    return frozenset(out)


def audit_covered(entity: str, field: str) -> bool:
    """True when PostgreSQL's audit trigger writes this entry for a staff login's change
    itself, so the service must not write it too (it passes only the reason)."""
    return (entity, field) in _covered()


def covered_fields() -> list[tuple[str, str]]:
    """(entity, field) of every entry the server's triggers write themselves: a staff
    login may not write these through desk_audit() (rule_audit_fields)."""
    return sorted(_covered())


def reason_setting(entity: str, entity_id: int, field: str) -> str:
    """The transaction-local setting the audit trigger reads the reason of a change from."""
    return f"desk.r_{entity}_{entity_id}_{field}"


def _create_group(conn: Connection, name: str) -> None:
    may = conn.execute(text("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
    if not may:
        who = conn.execute(text("SELECT current_user")).scalar_one()
        raise DatabaseSetupError(
            f"The login {who} may not create roles, and this database needs its Desk groups ({name} …). "
            f"Run desk db upgrade as the schema owner with CREATEROLE (a superuser: ALTER ROLE {_q(who)} "
            "CREATEROLE).")
    conn.execute(text(f"CREATE ROLE {_q(name)} NOLOGIN"))


def _ensure_groups(conn: Connection) -> dict[str, str]:
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    recorded = {r: (n, d) for r, n, d in conn.execute(
        text("SELECT role, rolname, database_name FROM security_groups"))}
    names: dict[str, str] = {}
    for role in LADDER:
        name, owner_db = recorded.get(role.value, (None, None))
        if name is None or owner_db != database:
            # A copy of another database (CREATE DATABASE … TEMPLATE) names its own groups.
            name = group_name(database, role)
            conn.execute(text("DELETE FROM security_groups WHERE role = :r"), {"r": role.value})
            conn.execute(text("INSERT INTO security_groups(role, rolname, database_name) VALUES (:r, :n, :d)"),
                         {"r": role.value, "n": name, "d": database})
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first() is None:
            _create_group(conn, name)
        names[role.value] = name
    for lower, upper in itertools.pairwise(LADDER):
        conn.execute(text(f"GRANT {_q(names[lower.value])} TO {_q(names[upper.value])}"))
    return names


def _triggers(g: Guarded) -> list[str]:
    t = g.table
    out = [f"DROP TRIGGER IF EXISTS desk_10_guard ON {t}", f"DROP TRIGGER IF EXISTS desk_90_audit ON {t}"]
    if g.times or g.actors:
        out.append(f"CREATE TRIGGER desk_10_guard BEFORE INSERT OR UPDATE ON {t} FOR EACH ROW "
                   f"EXECUTE FUNCTION desk_guard_row({_args(g.times, g.actors, g.creators, g.inserted_at)})")
    if g.entity:
        args = _args(g.entity, g.ignored, g.created_from, g.on_insert, g.inserted_at, g.updated_at)
        out.append(f"CREATE TRIGGER desk_90_audit AFTER INSERT OR UPDATE OR DELETE ON {t} FOR EACH ROW "
                   f"EXECUTE FUNCTION desk_audit_row({args})")
    return out


def _args(*values: str | tuple[str, ...] | None) -> str:
    """Trigger arguments: each a string literal (lists comma-joined, None as '')."""
    def one(v: str | tuple[str, ...] | None) -> str:
        text_ = ",".join(v) if isinstance(v, tuple) else (v or "")
        return "'" + text_.replace("'", "''") + "'"

    return ", ".join(one(v) for v in values)


def _statements() -> list[str]:
    out: list[str] = [*audit_chain.PG_HASH_FUNCTIONS, *FUNCTIONS]
    for g in GUARDED:
        out += _triggers(g)
    for link in LINKS:
        t = link.table
        out += [f"DROP TRIGGER IF EXISTS desk_90_audit ON {t}",
                f"CREATE TRIGGER desk_90_audit AFTER INSERT OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION "
                f"desk_audit_link({_args(link.entity, link.id_column, link.field, link.value_column)})"]
    out += [
        "DROP TRIGGER IF EXISTS desk_20_rules ON incidents",
        "CREATE TRIGGER desk_20_rules BEFORE INSERT OR UPDATE ON incidents FOR EACH ROW "
        "EXECUTE FUNCTION desk_incident_rules()",
        "DROP TRIGGER IF EXISTS desk_20_rules ON problems",
        "CREATE TRIGGER desk_20_rules BEFORE INSERT OR UPDATE ON problems FOR EACH ROW "
        "EXECUTE FUNCTION desk_problem_rules()",
        "DROP TRIGGER IF EXISTS desk_20_rules ON repairs",
        "CREATE TRIGGER desk_20_rules BEFORE INSERT OR UPDATE ON repairs FOR EACH ROW "
        "EXECUTE FUNCTION desk_repair_rules()",
        "DROP TRIGGER IF EXISTS desk_20_rules ON journal_entries",
        "CREATE TRIGGER desk_20_rules BEFORE INSERT OR UPDATE ON journal_entries FOR EACH ROW "
        "EXECUTE FUNCTION desk_journal_rules()",
        "DROP TRIGGER IF EXISTS desk_20_rules ON mail_outbox",
        "CREATE TRIGGER desk_20_rules BEFORE INSERT OR UPDATE ON mail_outbox FOR EACH ROW "
        "EXECUTE FUNCTION desk_outbox_rules()",
        "DROP TRIGGER IF EXISTS desk_20_rules ON canned_replies",
        "CREATE TRIGGER desk_20_rules BEFORE INSERT OR UPDATE OR DELETE ON canned_replies FOR EACH ROW "
        "EXECUTE FUNCTION desk_canned_reply_rules()",
        "DROP TRIGGER IF EXISTS desk_20_rules ON satisfaction_ratings",
        "CREATE TRIGGER desk_20_rules BEFORE INSERT ON satisfaction_ratings FOR EACH ROW "
        "EXECUTE FUNCTION desk_satisfaction_rules()",
        "DROP TRIGGER IF EXISTS desk_20_rules ON sla_alerts",
        "CREATE TRIGGER desk_20_rules BEFORE INSERT OR UPDATE ON sla_alerts FOR EACH ROW "
        "EXECUTE FUNCTION desk_sla_alert_rules()",
        "DROP TRIGGER IF EXISTS desk_20_rules ON staff_notifications",
        "CREATE TRIGGER desk_20_rules BEFORE INSERT OR UPDATE ON staff_notifications FOR EACH ROW "
        "EXECUTE FUNCTION desk_staff_notification_rules()",
        "DROP TRIGGER IF EXISTS desk_20_login ON staff_accounts",
        "CREATE TRIGGER desk_20_login BEFORE INSERT OR UPDATE ON staff_accounts FOR EACH ROW "
        "EXECUTE FUNCTION desk_staff_login_check()",
        "DROP TRIGGER IF EXISTS desk_80_sync ON staff_accounts",
        "CREATE TRIGGER desk_80_sync AFTER INSERT OR UPDATE OF db_login, active ON staff_accounts "
        "FOR EACH ROW EXECUTE FUNCTION desk_staff_account_sync()",
        "DROP TRIGGER IF EXISTS desk_80_sync ON staff_roles",
        "CREATE TRIGGER desk_80_sync AFTER INSERT OR DELETE ON staff_roles "
        "FOR EACH ROW EXECUTE FUNCTION desk_staff_roles_sync()",
        # Saved views: each staff member sees and changes only their own.
        "ALTER TABLE saved_views ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS desk_own_views ON saved_views",
        "CREATE POLICY desk_own_views ON saved_views USING (staff_id = desk_staff_id()) "
        "WITH CHECK (staff_id = desk_staff_id())",
    ]
    return out


def _desk_functions(conn: Connection) -> list[str]:
    """Every function Desk put in the schema (by its signature)."""
    return list(conn.execute(text(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public' AND (p.proname LIKE 'desk\\_%' OR p.proname IN "
        "('audit_log_append_only', 'incident_search_vector', 'incident_search_people'))")).scalars())


def _grantees(conn: Connection, names: dict[str, str]) -> list[str]:
    """Roles other than the owner and this database's groups holding privileges on the
    schema's tables or sequences: logins granted directly by an older Desk (`desk db
    grant` gave each login every table), or by hand. Their privileges go."""
    rows = conn.execute(text(
        "SELECT DISTINCT r.rolname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "CROSS JOIN LATERAL aclexplode(c.relacl) a JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE n.nspname = 'public' AND a.grantee <> c.relowner")).scalars()
    return sorted(set(rows) - set(names.values()))


def _grants(conn: Connection, names: dict[str, str]) -> None:
    everyone = _q(names[Role.COUNTER.value])
    tables = [r[0] for r in conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"))]
    conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {everyone}"))
    for name in [*names.values(), *_grantees(conn, names), "PUBLIC"]:
        who = name if name == "PUBLIC" else _q(name)
        conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {who}"))
        conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {who}"))
    conn.execute(text(f"GRANT SELECT ON {', '.join(tables)} TO {everyone}"))
    # Row ids: a login that may insert draws the next id (burning ids harms nobody).
    conn.execute(text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {everyone}"))
    for role, writes in WRITES.items():
        for table, privileges in writes.items():
            conn.execute(text(f"GRANT {privileges} ON {table} TO {_q(names[role.value])}"))
    for sig in _desk_functions(conn):
        conn.execute(text(f"REVOKE ALL ON FUNCTION {sig} FROM PUBLIC"))
    for sig in CALLABLE:
        conn.execute(text(f"GRANT EXECUTE ON FUNCTION {sig} TO {everyone}"))
    # Whether one is the owner is no secret; a login in no group yet must still learn it.
    conn.execute(text("GRANT EXECUTE ON FUNCTION desk_trusted() TO PUBLIC"))


def apply(conn: Connection) -> dict[str, str]:
    """Create or refresh group roles, functions, triggers, policies and grants (PostgreSQL,
    as the schema owner, who needs CREATEROLE). Returns role → group name."""
    if conn.dialect.name != "postgresql":
        return {}
    names = _ensure_groups(conn)
    for statement in _statements():
        conn.execute(text(statement))
    _grants(conn, names)
    # Memberships follow the staff accounts (a copied database, or groups just created).
    for (staff_id,) in conn.execute(text("SELECT id FROM staff_accounts WHERE db_login IS NOT NULL")).all():
        conn.execute(text("SELECT desk_sync_login(:s, NULL)"), {"s": staff_id})
    return names


def drop_server_objects(conn: Connection) -> None:
    """Undo ``apply`` (the downgrade of 0010): triggers, policies, Desk's security
    functions. The group roles stay: other databases' objects may still be granted to them."""
    # Tables of later revisions are gone already when a downgrade gets here.
    present = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
    for t in ({g.table for g in GUARDED} | {link.table for link in LINKS}) & present:
        conn.execute(text(f"DROP TRIGGER IF EXISTS desk_10_guard ON {t}"))
        conn.execute(text(f"DROP TRIGGER IF EXISTS desk_90_audit ON {t}"))
    for t, trig in (("incidents", "desk_20_rules"), ("problems", "desk_20_rules"), ("repairs", "desk_20_rules"),
                    ("journal_entries", "desk_20_rules"), ("mail_outbox", "desk_20_rules"),
                    ("canned_replies", "desk_20_rules"), ("satisfaction_ratings", "desk_20_rules"),
                    ("sla_alerts", "desk_20_rules"), ("staff_notifications", "desk_20_rules"),
                    ("staff_accounts", "desk_20_login"), ("staff_accounts", "desk_80_sync"),
                    ("staff_roles", "desk_80_sync"), ("audit_log", "audit_log_seal")):
        if t in present:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {trig} ON {t}"))
    conn.execute(text("DROP POLICY IF EXISTS desk_own_views ON saved_views"))
    conn.execute(text("ALTER TABLE saved_views DISABLE ROW LEVEL SECURITY"))
    for sig in _desk_functions(conn):
        if sig.startswith("desk_"):
            conn.execute(text(f"DROP FUNCTION IF EXISTS {sig} CASCADE"))
