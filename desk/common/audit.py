"""Writing the append-only audit log (one row per changed field).

On SQLite and for the schema owner on PostgreSQL the service writes every entry (SQLite
chains it as it is inserted, see ``db.audit_chain``). For a staff login on PostgreSQL the
server is the writer: its triggers record each changed column from OLD and NEW with the
server's clock and the login's own account, so here only the reason travels (a
transaction-local setting the trigger reads), and entries that are events rather than
column changes go through ``desk_audit()``, which stamps time and identity itself.
"""
from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db import audit_chain, security
from db.engine import Database
from db.models import AuditEntry
from desk.actor import Actor

_TRUSTED_KEY = "desk_trusted"


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def server_writes_audit(session: Session) -> bool:
    """True for a staff login on PostgreSQL (not the schema owner or a superuser)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    conn = session.connection()
    trusted = conn.info.get(_TRUSTED_KEY)
    if trusted is None:
        trusted = bool(conn.execute(text("SELECT desk_trusted()")).scalar_one())
        conn.info[_TRUSTED_KEY] = trusted
    return not trusted


def record(
    session: Session, actor: Actor, at: dt.datetime, entity: str, entity_id: int, field: str,
    old: Any, new: Any, reason: str | None = None,
) -> None:
    if not server_writes_audit(session):
        session.add(AuditEntry(
            at=at, actor_id=actor.staff_id, db_user=actor.db_user, entity=entity,
            entity_id=entity_id, field=field, old_value=as_text(old), new_value=as_text(new),
            reason=reason,
        ))
        return
    if security.audit_covered(entity, field):
        if reason:
            session.execute(select(func.set_config(security.reason_setting(entity, entity_id, field), reason, True)))
        return
    session.execute(
        text("SELECT desk_audit(:at, :actor, :entity, :entity_id, :field, :old, :new, :reason)"),
        {"at": at, "actor": actor.staff_id, "entity": entity, "entity_id": entity_id, "field": field,
         "old": as_text(old), "new": as_text(new), "reason": reason},
    )


def verify_chain(db: Database, workers: int | None = None) -> audit_chain.Verdict:
    """Walk the whole chain in one snapshot (any staff member may: every staff login
    reads the log); a big log in ranges on every core (``desk.common.audit_verify``)."""
    if workers == 1:
        with db.reading() as s:
            return audit_chain.verify(s.connection())
    from desk.common.audit_verify import verify_in_ranges

    return verify_in_ranges(db, workers)
