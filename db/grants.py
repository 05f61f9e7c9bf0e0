"""PostgreSQL privileges for staff logins (each staff member signs in as themselves)."""
from __future__ import annotations

import re

from sqlalchemy import Engine, text

from db.errors import DatabaseSetupError

_LOGIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,62}$")


def grant_staff_login(engine: Engine, login: str) -> None:
    if engine.dialect.name != "postgresql":
        raise DatabaseSetupError("Database logins exist only on PostgreSQL; a local SQLite database maps "
                                 "the operating-system user instead.")
    if not _LOGIN.match(login):
        raise DatabaseSetupError(f"{login!r} is not a valid PostgreSQL login name.")
    quoted = '"' + login.replace('"', '""') + '"'
    with engine.begin() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": login}).first()
        if not exists:
            raise DatabaseSetupError(f"No PostgreSQL login {login!r}. Create it first: CREATE ROLE {quoted} LOGIN PASSWORD '…'")
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
        conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"))
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))
        conn.execute(text(f"REVOKE UPDATE, DELETE ON audit_log FROM {quoted}"))
