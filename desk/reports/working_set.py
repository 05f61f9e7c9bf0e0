"""The report's working set: one pass over ``incidents`` copies the rows the period can
touch (filters applied, only the columns reports read) into a temporary table; every
aggregation then runs over that narrow table instead of re-scanning the wide one.

A row can matter if it was opened before the end of the period and either something
happened to it inside the period (any of its event times is at or after the start) or
it was still open at the start (backlog). The table lives in the connection's temporary
schema, inside the report's own read unit of work, and is dropped when it ends.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, func, or_, select, text, union_all
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTableAs

from db.types import UTCDateTime
from desk.reports.sla_queries import INCIDENTS, Scope, _open_at
from desk.reports.sql_tools import at

TIMES = ("opened_at", "responded_at", "resolved_at", "closed_at", "response_breached_at",
         "resolution_breached_at")
_meta = MetaData()
ROWS = Table(
    "desk_report_rows", _meta,
    Column("id", Integer, primary_key=True),
    Column("number", String(20)), Column("title", String(300)),
    Column("service_id", Integer), Column("team_id", Integer), Column("assignee_id", Integer),
    Column("priority", String(24)), Column("status", String(24)), Column("channel", String(24)),
    Column("is_major", Boolean), Column("vip_policy_id", Integer),
    *[Column(t, UTCDateTime()) for t in TIMES],
    Column("response_target_s", Integer), Column("resolution_target_s", Integer),
    Column("response_elapsed_s", Integer), Column("resolution_elapsed_s", Integer),
    prefixes=["TEMPORARY"], postgresql_on_commit="DROP",
)


def _latest_event(s: Session):
    c = INCIDENTS.c
    cols = [func.coalesce(c[t], c.opened_at) for t in TIMES]
    # Scalar max() of several arguments in SQLite; greatest() in PostgreSQL.
    return func.greatest(*cols) if s.get_bind().dialect.name == "postgresql" else func.max(*cols)


@contextmanager
def working_set(s: Session, scope: Scope) -> Iterator[Scope]:
    """A Scope over the temporary table holding the period's rows (filters applied)."""
    c = INCIDENTS.c
    names = [col.name for col in ROWS.columns]
    postgres = s.get_bind().dialect.name == "postgresql"
    if postgres:
        # The report's statements are a handful of large scans: compiling each one to
        # machine code took 0.7-0.8 s apiece at 10M tickets, more than it saved.
        s.execute(text("SET LOCAL jit = off"))
    s.execute(text("DROP TABLE IF EXISTS desk_report_rows"))
    try:
        cols = [c[n] for n in names]
        # The rows that matter, in two parts each read by index instead of every ticket of
        # ten years. Opened in the period: ix_incidents_opened. Opened before it: only
        # those not closed before it began (closed is final, nothing happens to a ticket
        # afterwards) that something happened to in the period or that were still open
        # at its start: ix_incidents_closed_opened finds them among the closed_at IS NULL
        # or closed_at >= start entries without visiting the tickets of the period itself.
        in_period = select(*cols).where(*scope.filters(), *scope.inside(c.opened_at))
        before = select(*cols).where(
            *scope.filters(), c.opened_at < at(scope.start),
            or_(c.closed_at.is_(None), c.closed_at >= at(scope.start)),
            or_(_latest_event(s) >= at(scope.start), _open_at(c, scope.start)),
        )
        rows = union_all(in_period, before)
        if postgres:
            # The planner takes "closed_at >= start" and "opened_at < start" as independent
            # and expects half a million rows where there are ninety thousand, then reads
            # the whole table (17 s of a 29 s report at 10M tickets; 2 s by the indexes).
            s.execute(text("SET LOCAL enable_seqscan = off"))
            # CREATE TABLE AS: the same columns and types as ROWS, without the primary
            # key's index to maintain, and the part before the period read in parallel.
            s.execute(CreateTableAs(rows, ROWS.name, temporary=True))
            s.execute(text("SET LOCAL enable_seqscan TO DEFAULT"))
            # Temp tables get no autovacuum statistics; without them the weekly and
            # compliance counts took longer than the ANALYZE (0.3 s at 10M).
            s.execute(text("ANALYZE desk_report_rows"))
        else:
            ROWS.create(s.connection())
            s.execute(ROWS.insert().from_select(names, rows))
        yield dataclasses.replace(scope, src=ROWS, filtered=True)
    finally:
        s.execute(text("DROP TABLE IF EXISTS desk_report_rows"))
