"""The At risk view and count read the two partial indexes of running, unbreached
targets on both engines, not every open ticket (issue 14: 71 ms at 1M on SQLite when it
scanned them). The condition is desk.sla.outcome's; the indexes are db.models.views'.
A spelling that drifts from the index predicate (a status list in another order, a bound
parameter instead of a literal) makes the planner fall back to a scan, which fails here."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select

from db.engine import Database
from db.models import Incident, views
from desk.rules import lifecycle
from desk.sla import outcome

_I = Incident.__table__.c
RISK_INDEXES = ("ix_incidents_response_risk", "ix_incidents_resolution_risk")


def test_the_index_predicates_name_the_lifecycles_statuses() -> None:
    assert set(views.OPEN_STATUS_VALUES) == set(lifecycle.values(lifecycle.OPEN_STATUSES))
    assert set(views.RUNNING_STATUS_VALUES) == set(lifecycle.values(lifecycle.WORKING))


def _statistics_of_a_large_desk(conn: Connection) -> None:
    """sqlite_stat1 for a million tickets where the risk indexes hold 20,000 and no other
    index narrows anything (an empty table has no statistics, and then an index on status
    looks as good as any): the planner takes the risk indexes if it can match them."""
    conn.exec_driver_sql("ANALYZE")
    conn.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'incidents'")
    rows = [(None, "1000000")]
    for name, in conn.exec_driver_sql("SELECT name FROM sqlite_schema WHERE type = 'index' "
                                      "AND tbl_name = 'incidents'").all():
        columns = len(conn.exec_driver_sql(f"PRAGMA index_info('{name}')").all())
        rows.append((name, "20000 10 1" if name in RISK_INDEXES else "1000000" + " 500000" * columns))
    conn.exec_driver_sql("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES " +
                         ", ".join("('incidents', ?, ?)" for _ in rows), tuple(v for r in rows for v in r))
    conn.exec_driver_sql("ANALYZE sqlite_schema")   # loads the statistics just written


def test_at_risk_now_is_read_from_the_risk_indexes(database: Database) -> None:
    now = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    stmt = select(func.count()).select_from(Incident.__table__).where(outcome.ticket_at_risk_now_sql(_I, now))
    if database.dialect == "sqlite":
        with database.engine.begin() as conn:
            _statistics_of_a_large_desk(conn)
    with database.engine.connect() as conn:
        sql = str(stmt.compile(conn, compile_kwargs={"literal_binds": True}))
        if conn.dialect.name == "sqlite":
            plan = " | ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "SCAN incidents" not in plan, plan
        else:
            # An empty test table is cheapest to scan; forbidding that shows whether the
            # planner can prove each arm of the condition implies its index's predicate.
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " | ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql))
        assert all(name in plan for name in RISK_INDEXES), plan
        # …and it still counts: the statement runs, with its parameters bound.
        assert conn.execute(stmt).scalar() == 0
