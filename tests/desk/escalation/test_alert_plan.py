"""The SLA alert job's search stays on the open tickets on SQLite: at 1M it took 1.2-1.5 s
a tick while it scanned every ticket (the statuses as bound values) and walked the
at-risk index through closed history; read by status it takes about 130 ms."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from db.engine import Database
from desk.escalation import detect

# sqlite_stat1 of the 1M demo (desk demo --tickets 1000000 --seed 7) for the indexes the
# search could take: 18,793 open tickets, closed history keeping its at-risk instants.
STATISTICS = {
    None: "1000036",
    "ix_incidents_status_id": "1000036 111116 1",
    "ix_incidents_status_priority": "1000036 111116 22224 1",
    "ix_incidents_open_id": "18793 1",
    "ix_incidents_open_due": "18793 4 1",
    "ix_incidents_resolution_at_risk": "1000036 5",
    "ix_incidents_resolution_due": "1000036 2 1",
    "ix_incidents_response_risk": "2796 4 4",
    "ix_incidents_resolution_risk": "9832 2 2",
    "ix_incidents_id": "1000036 1",
}


def _a_million_tickets(conn: Connection) -> None:
    conn.exec_driver_sql("ANALYZE")
    conn.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'incidents'")
    present = {name for name, in conn.exec_driver_sql(
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'incidents'").all()}
    rows = [(idx, stat) for idx, stat in STATISTICS.items() if idx is None or idx in present]
    conn.exec_driver_sql("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES " +
                         ", ".join("('incidents', ?, ?)" for _ in rows), tuple(v for r in rows for v in r))
    conn.exec_driver_sql("ANALYZE sqlite_schema")


def test_the_alert_search_reads_open_tickets_by_status_and_never_scans(database: Database) -> None:
    if database.dialect != "sqlite":
        pytest.skip("the plan checked is SQLite's")
    with database.engine.begin() as conn:
        _a_million_tickets(conn)
    sent: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        sent.append((statement, params))

    event.listen(database.engine, "before_cursor_execute", keep)
    try:
        with Session(database.engine) as s:
            detect.crossings(s, dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC))
    finally:
        event.remove(database.engine, "before_cursor_execute", keep)
    statement, params = sent[-1]
    with database.engine.connect() as conn:
        plan = [str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]  # type: ignore[arg-type]
    assert not any(step.startswith("SCAN incidents") for step in plan), plan
    assert not any("at_risk" in step and "incidents" in step for step in plan), plan
    assert sum("SEARCH incidents USING INDEX ix_incidents_status_id" in step for step in plan) == 4, plan
