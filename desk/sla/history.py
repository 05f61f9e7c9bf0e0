"""An incident's SLA-relevant history, read from the rows the services already write.

The SLA state of a ticket is a pure function of this history (plus the calendar and
SLA versions), so anything that writes tickets in bulk (``desk demo``, imports) only
has to write the same rows the services write, then call
``desk.sla.backfill.recompute_all``. The rows read are:

``incidents`` row
    ``id``, ``opened_at``, ``priority``, ``status``, ``service_id``, ``model_id``,
    ``responded_at`` (when set it is taken as the response instant), ``resolved_at``
    and ``closed_at`` (used only when there are no status rows at all, see below).

``audit_log`` rows with ``entity = 'incident'`` and ``entity_id`` = the incident id:
    * ``field = 'status'``: ``old_value`` → ``new_value`` as ``IncidentStatus`` values
      (``db.enums``; which of them run, pause or stop a clock is
      ``desk.rules.lifecycle``'s); the opening row has ``old_value`` NULL and
      ``at = opened_at``.
    * ``field = 'priority'``: 'P1' … 'P5' (opening row with ``old_value`` NULL).
    * ``field = 'assignee_id'``: staff id as text, NULL when unassigned.
    * ``field = 'service_id'``: service id as text (a changed service re-targets).
    Rows are ordered by ``at`` then ``id``; other fields are ignored.

``journal_entries`` with ``kind = 'public'`` (only the first one's ``at`` matters):
    with an assignee it counts as the first acknowledgement (response).

Tolerances, so partial histories still give sensible results: a missing opening
status row means the ticket was New at opening (or the first row's ``old_value``);
a missing priority row means the current ``priority`` held from opening; a ticket with
no status rows at all is replayed from its ``resolved_at``/``closed_at`` columns.
"""
from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection

from desk.sla.clock import from_epoch, to_epoch

FIELDS = ("status", "priority", "assignee_id", "service_id")
REPLY = "reply"
_EPOCH = dt.datetime(1970, 1, 1)


class Event(NamedTuple):
    """One change. Plain tuples of the same layout are accepted everywhere (a bulk
    recompute keeps the database rows as they come), so code reads them by position."""

    incident_id: int
    at: int          # epoch seconds (UTC)
    field: str       # one of FIELDS, or 'reply'
    old: str | None
    new: str | None


AT, FIELD, OLD, NEW = 1, 2, 3, 4


@dataclass(frozen=True)
class TicketHistory:
    incident_id: int
    opened_at: int
    status: str          # current values on the row
    priority: str
    service_id: int | None
    model_id: int | None
    responded_at: int | None
    resolved_at: int | None
    closed_at: int | None
    events: tuple[Sequence[Any], ...]  # Event-shaped rows (tuples or DB-API rows), in time order
    sla_version_id: int | None = None  # the pinned SLA version, if already measured


def from_epoch_or_none(value: int | None) -> dt.datetime | None:
    return None if value is None else from_epoch(value)


def epoch_of(value: Any) -> int | None:
    """Epoch seconds from what a driver returns: aware/naive-UTC datetimes or ISO text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        return int((value - _EPOCH).total_seconds())
    return to_epoch(value)


def epoch_sql(dialect: str, column: str) -> str:
    """SQL giving a timestamp column as whole epoch seconds, computed by the database:
    parsing a million timestamps in Python would dominate a bulk recompute."""
    if dialect == "sqlite":
        return f"CAST(strftime('%s', {column}) AS INTEGER)"
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT)"


def _incident_cols(d: str) -> str:
    e = lambda c: epoch_sql(d, c)  # noqa: E731
    return (f"id, {e('opened_at')}, status, priority, service_id, model_id, {e('responded_at')}, "
            f"{e('resolved_at')}, {e('closed_at')}, sla_version_id")


def _history(row: Sequence[Any], audits: Iterable[Sequence[Any]], first_reply: int | None) -> TicketHistory:
    events = list(audits)
    if first_reply is not None:
        # After any audit row of the same instant, like a stable sort would put it.
        bisect.insort_right(events, (row[0], first_reply, REPLY, None, None), key=_at)
    return TicketHistory(
        incident_id=row[0], opened_at=row[1] or 0, status=str(row[2]), priority=str(row[3]),
        service_id=row[4], model_id=row[5], responded_at=row[6], resolved_at=row[7], closed_at=row[8],
        events=tuple(events), sla_version_id=row[9],
    )


def _at(e: Sequence[Any]) -> int:
    return int(e[AT])


def _field_list() -> str:
    return ", ".join(f"'{f}'" for f in FIELDS)


class RawQuery:
    """Plain DB-API cursor on the unit of work's own connection (same transaction):
    no per-row result processing, which matters at a million rows."""

    def __init__(self, conn: Connection) -> None:
        self.dialect = conn.dialect.name
        # driver_connection is typed Optional (None only once invalidated); this one is in use.
        self._cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        if self.dialect != "sqlite":
            sql = sql.replace("?", "%s")
        self._cursor.execute(sql, tuple(params))
        return list(self._cursor.fetchall())

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self.dialect != "sqlite":
            sql = sql.replace("?", "%s")
        self._cursor.executemany(sql, rows)


def _read(q: RawQuery, rows: list[Any], id_cond: str, params: Sequence[Any]) -> Iterator[TicketHistory]:
    d = q.dialect
    audits: dict[int, list[Sequence[Any]]] = {}
    for r in q.all(
            f"SELECT entity_id, {epoch_sql(d, 'at')}, field, old_value, new_value FROM audit_log "
            f"WHERE entity = 'incident' AND {id_cond.format(col='entity_id')} AND field IN ({_field_list()}) "
            f"ORDER BY entity_id, at, id", params):
        audits.setdefault(r[0], []).append(r)
    replies = dict(q.all(
        f"SELECT incident_id, {epoch_sql(d, 'MIN(at)')} FROM journal_entries WHERE kind = 'public' "
        f"AND {id_cond.format(col='incident_id')} GROUP BY incident_id", params))
    for row in rows:
        yield _history(row, audits.get(row[0], ()), replies.get(row[0]))


def load(conn: Connection, incident_ids: Sequence[int]) -> dict[int, TicketHistory]:
    """Histories of a few incidents (a queue page, one ticket)."""
    if not incident_ids:
        return {}
    q = RawQuery(conn)
    ids = sorted({int(i) for i in incident_ids})
    out: dict[int, TicketHistory] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start:chunk_start + 500]
        id_list = ", ".join(str(i) for i in chunk)  # ints only: safe to inline
        rows = q.all(f"SELECT {_incident_cols(q.dialect)} FROM incidents WHERE id IN ({id_list})")
        for h in _read(q, rows, "{col} IN (" + id_list + ")", ()):
            out[h.incident_id] = h
    return out


def stream(conn: Connection, *, batch: int = 20_000, where: str = "",
           start_after: int = 0) -> Iterator[TicketHistory]:
    """Every incident's history in id order (or those matching the SQL condition
    ``where``), read a batch of ids at a time with three range queries (bulk recompute)."""
    q = RawQuery(conn)
    last = start_after
    cond = f" AND ({where})" if where else ""
    while True:
        rows = q.all(f"SELECT {_incident_cols(q.dialect)} FROM incidents WHERE id > ?{cond} ORDER BY id LIMIT ?",
                     (last, batch))
        if not rows:
            return
        lo, hi = rows[0][0], rows[-1][0]
        yield from _read(q, rows, "{col} BETWEEN ? AND ?", (lo, hi))
        last = hi
