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
      ('new', 'assigned', 'in_progress', 'pending_customer', 'pending_vendor',
      'pending_parts', 'resolved', 'closed', 'cancelled'); the opening row has
      ``old_value`` NULL and ``at = opened_at``.
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

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from desk.sla.clock import from_epoch, to_epoch

FIELDS = ("status", "priority", "assignee_id", "service_id")
REPLY = "reply"
_EPOCH = dt.datetime(1970, 1, 1)


@dataclass(frozen=True)
class Event:
    at: int          # epoch seconds (UTC)
    field: str       # one of FIELDS, or 'reply'
    old: str | None
    new: str | None


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
    events: tuple[Event, ...]  # in time order
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


_INCIDENT_COLS = ("id, opened_at, status, priority, service_id, model_id, responded_at, "
                  "resolved_at, closed_at, sla_version_id")


def _history(row: Sequence[Any], audits: Iterable[Sequence[Any]], first_reply: Any) -> TicketHistory:
    events: list[Event] = []
    for at, fld, old, new in audits:
        events.append(Event(epoch_of(at) or 0, fld, old, new))
    reply = epoch_of(first_reply)
    if reply is not None:
        events.append(Event(reply, REPLY, None, None))
        events.sort(key=lambda e: e.at)  # stable: audit order kept within one instant
    return TicketHistory(
        incident_id=row[0], opened_at=epoch_of(row[1]) or 0, status=str(row[2]), priority=str(row[3]),
        service_id=row[4], model_id=row[5], responded_at=epoch_of(row[6]),
        resolved_at=epoch_of(row[7]), closed_at=epoch_of(row[8]), events=tuple(events),
        sla_version_id=row[9],
    )


def _field_list() -> str:
    return ", ".join(f"'{f}'" for f in FIELDS)


def load(conn: Connection, incident_ids: Sequence[int]) -> dict[int, TicketHistory]:
    """Histories of a few incidents (a queue page, one ticket)."""
    if not incident_ids:
        return {}
    ids = sorted(set(int(i) for i in incident_ids))
    out: dict[int, TicketHistory] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start:chunk_start + 500]
        id_list = ", ".join(str(i) for i in chunk)  # ints only: safe to inline
        rows = conn.execute(text(f"SELECT {_INCIDENT_COLS} FROM incidents WHERE id IN ({id_list})")).all()
        audits: dict[int, list[Sequence[Any]]] = {}
        for r in conn.execute(text(
                f"SELECT entity_id, at, field, old_value, new_value FROM audit_log "
                f"WHERE entity = 'incident' AND entity_id IN ({id_list}) AND field IN ({_field_list()}) "
                f"ORDER BY entity_id, at, id")):
            audits.setdefault(r[0], []).append(r[1:])
        replies = dict(conn.execute(text(
            f"SELECT incident_id, MIN(at) FROM journal_entries WHERE kind = 'public' "
            f"AND incident_id IN ({id_list}) GROUP BY incident_id")).all())
        for row in rows:
            out[row[0]] = _history(row, audits.get(row[0], ()), replies.get(row[0]))
    return out


def stream(conn: Connection, *, batch: int = 20_000, where: str = "",
           start_after: int = 0) -> Iterator[TicketHistory]:
    """Every incident's history in id order, read in id ranges (bulk recompute)."""
    last = start_after
    cond = f" AND ({where})" if where else ""
    while True:
        rows = conn.execute(text(
            f"SELECT {_INCIDENT_COLS} FROM incidents WHERE id > :last{cond} ORDER BY id LIMIT :n"),
            {"last": last, "n": batch}).all()
        if not rows:
            return
        lo, hi = rows[0][0], rows[-1][0]
        audits: dict[int, list[Sequence[Any]]] = {}
        for r in conn.execute(text(
                f"SELECT entity_id, at, field, old_value, new_value FROM audit_log "
                f"WHERE entity = 'incident' AND entity_id BETWEEN :lo AND :hi "
                f"AND field IN ({_field_list()}) ORDER BY entity_id, at, id"), {"lo": lo, "hi": hi}):
            audits.setdefault(r[0], []).append(r[1:])
        replies = dict(conn.execute(text(
            "SELECT incident_id, MIN(at) FROM journal_entries WHERE kind = 'public' "
            "AND incident_id BETWEEN :lo AND :hi GROUP BY incident_id"), {"lo": lo, "hi": hi}).all())
        for row in rows:
            yield _history(row, audits.get(row[0], ()), replies.get(row[0]))
        last = hi
