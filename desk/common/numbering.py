"""Human-readable record numbers, unique and never reused across workstations.

The counter row is incremented with UPDATE … RETURNING inside the creating
transaction (on PostgreSQL by the SECURITY DEFINER function ``desk_next_number``, since
staff logins may not write the counters): PostgreSQL's row lock and SQLite's write lock serialise concurrent
creators, and a rolled-back number was never seen by anyone.
"""
from __future__ import annotations

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.orm import Session

from db.models import NumberSequence

PREFIX_WIDTH = 6


def format_number(prefix: str, value: int) -> str:
    return f"{prefix}-{value:0{PREFIX_WIDTH}d}"


def next_number(session: Session, prefix: str) -> str:
    if session.get_bind().dialect.name == "postgresql":
        # The counters are not writable by staff logins; the server's function moves them.
        value = session.execute(select(func.desk_next_number(prefix))).scalar_one()
        return format_number(prefix, int(value))
    stmt = (
        update(NumberSequence).where(NumberSequence.name == prefix)
        .values(last_value=NumberSequence.last_value + 1)
        .returning(NumberSequence.last_value)
    )
    value = session.execute(stmt).scalar_one_or_none()
    if value is None:
        session.execute(insert(NumberSequence).values(name=prefix, last_value=0))
        value = session.execute(stmt).scalar_one()
    return format_number(prefix, value)


def reserve_block(session: Session | Connection, prefix: str, count: int) -> int:
    """Reserve ``count`` numbers at once (bulk loaders); returns the first value."""
    current = session.execute(
        select(NumberSequence.last_value).where(NumberSequence.name == prefix)
    ).scalar_one_or_none()
    if current is None:
        session.execute(insert(NumberSequence).values(name=prefix, last_value=0))
    end = session.execute(
        update(NumberSequence).where(NumberSequence.name == prefix)
        .values(last_value=NumberSequence.last_value + count)
        .returning(NumberSequence.last_value)
    ).scalar_one()
    return int(end) - count + 1
