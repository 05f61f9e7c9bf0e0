"""Writing the append-only audit log (one row per changed field)."""
from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy.orm import Session

from db.models import AuditEntry
from desk.actor import Actor


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


def record(
    session: Session, actor: Actor, at: dt.datetime, entity: str, entity_id: int, field: str,
    old: Any, new: Any, reason: str | None = None,
) -> None:
    session.add(AuditEntry(
        at=at, actor_id=actor.staff_id, db_user=actor.db_user, entity=entity,
        entity_id=entity_id, field=field, old_value=as_text(old), new_value=as_text(new),
        reason=reason,
    ))
