"""The stored SLA columns of a generated demo ticket, measured before it is written.

A bulk load used to write tickets and then let ``desk.sla.backfill.recompute_all`` read
every history back and update every row (at ten million tickets, longer than the load).
The generator already holds each history, so it builds the same ``TicketHistory`` the
backfill would read (``desk.sla.history``: the incident row, its status / priority /
assignee / service audit rows in write order, the first public journal entry) and
measures it with the same engine function; ``tests/desk/test_demo_sla.py`` checks that a
recompute afterwards changes nothing.
"""
from __future__ import annotations

from typing import Any

from desk.demodata.timeline import Ticket
from desk.sla import catalogue, history, stored
from desk.sla.measure import evaluate

_FIELDS = frozenset(history.FIELDS)


def ticket_history(ticket: Ticket) -> history.TicketHistory:
    """What ``history.stream`` would read back for ``ticket`` (times as epoch seconds)."""
    row = ticket.row
    iid = row["id"]
    # Audit rows are in write (id) order, which is also time order: the backfill's
    # ORDER BY at, id gives the same sequence.
    events = [(iid, at, fld, old, new) for at, _actor, fld, old, new, _reason in ticket.audits if fld in _FIELDS]
    replies = [at for at, _author, kind, _body in ticket.journal if kind == "public"]
    return history._history(
        (iid, row["opened_at"], row["status"], row["priority"], row["service_id"], row.get("model_id"),
         row["responded_at"], row["resolved_at"], row["closed_at"], row.get("sla_version_id")),
        events, min(replies) if replies else None)


def sla_columns(cat: catalogue.Catalogue, ticket: Ticket, as_of: int) -> dict[str, Any]:
    """``stored.COLUMNS`` of ``ticket`` as of ``as_of`` (times as epoch seconds)."""
    result, policy = evaluate(cat, ticket_history(ticket), as_of)
    return dict(zip(stored.COLUMNS, stored.raw_columns(result, policy.version_id if policy else None),
                    strict=True))
