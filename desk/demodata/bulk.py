"""Bulk loading for the demo: executemany of plain dicts on SQLite, COPY on PostgreSQL.

Rows go through lightweight untyped ``table()`` constructs so SQLAlchemy does not run
a Python type processor for each of tens of millions of values; timestamps are
therefore converted here, once, into exactly what ``db.types.UTCDateTime`` stores
(naive UTC text on SQLite, aware UTC datetimes on PostgreSQL).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, column, insert, table, text

from db import audit_chain

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_NAIVE_EPOCH = dt.datetime(1970, 1, 1)
BATCH = 5_000

# The FTS5 insert trigger rewrites one index row per incident; during a bulk load it is
# dropped and the index rebuilt with one INSERT … SELECT at the end.
SQLITE_FTS_INSERT_TRIGGER = "incident_search_ai"


class Loader:
    """Writes rows through one connection; knows the dialect's timestamp form."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self._tables: dict[tuple[str, tuple[str, ...]], Any] = {}

    def ts(self, epoch: int | None) -> Any:
        """A timestamp (whole seconds since the epoch, UTC) as the column type stores it."""
        if epoch is None:
            return None
        if self.sqlite:
            # The text form SQLAlchemy's SQLite DATETIME writes: comparisons in SQL are
            # string comparisons, so the format must match exactly.
            return (_NAIVE_EPOCH + dt.timedelta(seconds=epoch)).isoformat(" ") + ".000000"
        return EPOCH + dt.timedelta(seconds=epoch)

    def day(self, value: dt.date | None) -> Any:
        """A calendar date as the Date column stores it ('YYYY-MM-DD' text on SQLite)."""
        if value is None or not self.sqlite:
            return value
        return value.isoformat()

    def _table(self, name: str, keys: Sequence[str]) -> Any:
        key = (name, tuple(keys))
        t = self._tables.get(key)
        if t is None:
            t = table(name, *(column(k) for k in keys))
            self._tables[key] = t
        return t

    def insert(self, name: str, rows: Sequence[dict[str, Any]]) -> int:
        """Insert ``rows`` (all with the same keys) in batches; returns the count.

        On SQLite the compiled INSERT goes to the driver's executemany directly (named
        parameters, the dicts as they are): per-row parameter processing in SQLAlchemy
        was a tenth of a million-ticket load. PostgreSQL gets a COPY.
        """
        if not rows:
            return 0
        if name == "audit_log":
            # The loader chains the log itself (db.audit_chain): SQLite has no trigger that
            # could, and PostgreSQL's per-row sealing would cost minutes for a big load.
            rows = audit_chain.bulk_links(self.conn, rows)
        keys = list(rows[0])
        if self.sqlite:
            sql = self._sqlite_insert(name, keys)
            for start in range(0, len(rows), BATCH):
                self.conn.exec_driver_sql(sql, list(rows[start:start + BATCH]))
            return len(rows)
        # PostgreSQL: COPY, with psycopg adapting each value as a bound parameter would
        # (executemany of 120,000 people took minutes on a busy server; COPY seconds).
        raw = self.conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur, cur.copy(f"COPY {name} ({', '.join(keys)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(tuple(row[k] for k in keys))
        return len(rows)

    def _sqlite_insert(self, name: str, keys: Sequence[str]) -> str:
        stmt = insert(self._table(name, keys))
        # Compile once with named parameters; sqlite3 binds :name from each dict.
        from sqlalchemy.dialects import sqlite

        return str(stmt.compile(dialect=sqlite.dialect(paramstyle="named")))

    def reserve_ids(self, name: str, count: int) -> int:
        """First of ``count`` consecutive primary keys for explicit-id inserts.

        PostgreSQL: the range is taken from the table's sequence (safe with other
        writers) and the sequence moved past it. SQLite: max(id) + 1, safe because the
        caller holds the write lock (BEGIN IMMEDIATE) for the whole insert.
        """
        if count <= 0:
            return 0
        if self.sqlite:
            current = self.conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {name}")).scalar_one()
            return int(current) + 1
        seq = self.conn.execute(text(f"SELECT pg_get_serial_sequence('{name}', 'id')")).scalar_one()
        # An INSERT takes its table lock before it draws an id, so while this transaction
        # holds a lock that excludes writers, nobody draws from the sequence in between
        # (ten million nextval() calls would take longer than the move).
        self.conn.exec_driver_sql(f"LOCK TABLE {name} IN SHARE ROW EXCLUSIVE MODE")
        first = int(self.conn.execute(text("SELECT nextval(:seq)"), {"seq": seq}).scalar_one())
        if count > 1:
            self.conn.execute(text("SELECT setval(:seq, :last)"), {"seq": seq, "last": first + count - 1})
        return first


def drop_sqlite_fts_trigger(conn: Connection) -> str | None:
    """Drop the FTS insert trigger and return its exact SQL, to restore it afterwards."""
    sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"),
                       {"n": SQLITE_FTS_INSERT_TRIGGER}).scalar_one_or_none()
    if sql is not None:
        conn.exec_driver_sql(f"DROP TRIGGER {SQLITE_FTS_INSERT_TRIGGER}")
    return sql


def restore_sqlite_fts(conn: Connection, trigger_sql: str | None, first_incident_id: int) -> None:
    """Index incidents from ``first_incident_id`` on, then put the trigger back as it was.

    The caller text matches the trigger's own expression (the migration's
    ``_CALLER_TEXT_SQLITE``), so search behaves the same for loaded and typed tickets.
    """
    conn.execute(text(
        "INSERT INTO incident_search(rowid, number, title, description, caller) "
        "SELECT i.id, i.number, i.title, i.description, "
        "(SELECT p.university_id || ' ' || p.given_name || ' ' || p.family_name || ' ' "
        "|| coalesce(p.preferred_name, '') || ' ' || coalesce(p.email, '') "
        "FROM people p WHERE p.id = i.caller_id) "
        "FROM incidents i WHERE i.id >= :first ORDER BY i.id"), {"first": first_incident_id})
    if trigger_sql is not None:
        conn.exec_driver_sql(trigger_sql)


def drop_sqlite_indexes(conn: Connection, table_name: str) -> list[str]:
    """Drop the secondary indexes of ``table_name``; return their exact SQL to recreate.

    Building an index once over sorted data is several times faster than updating a
    dozen B-trees for each of a million inserted rows. Unique constraints (automatic
    indexes, which have no SQL) stay, so duplicates are still refused during the load.
    """
    rows = conn.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"),
        {"t": table_name}).all()
    for name, _ in rows:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


def chunks(seq: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(seq), size):
        yield seq[start:start + size]
