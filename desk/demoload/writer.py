"""The single writer of a parallel demo load: links audit rows into the chain, writes.

Chunks arrive in order from ``desk.demoload.chunks``; this process is the only one that
knows the head of the audit chain, so it adds ``seq`` and ``hash`` (one sha256 per row
over the tail the worker encoded) and writes the three tables: ``COPY`` on PostgreSQL,
the driver's ``executemany`` on SQLite.
"""
from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Connection

from desk.demoload import encode, pg_bulk
from desk.demoload.chunks import ChunkRows

AUDIT_WRITE_COLUMNS = (*encode.AUDIT_COLUMNS, "seq", "hash")


class ChainWriter:
    """Writes chunks through ``conn``, continuing the audit chain from (``seq``, ``prev``)."""

    def __init__(self, conn: Connection, seq: int, prev: str) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.seq, self.prev = seq, prev
        self.audit_rows = self.journal_rows = 0

    def _linked(self, audits: list[tuple[Any, str]]) -> Any:
        seq, prev = self.seq, self.prev
        sha = hashlib.sha256
        out: list[Any] = []
        append = out.append
        sqlite = self.sqlite
        # The body of db.audit_chain.link_hash, inlined: this loop runs once per audit row.
        for values, tail in audits:
            seq += 1
            s = str(seq)
            prev = sha(f"{prev}|{len(s)}:{s}{tail}".encode()).hexdigest()
            append((*values, seq, prev) if sqlite else f"{values}\t{s}\t{prev}\n")
        self.seq, self.prev = seq, prev
        return out if sqlite else "".join(out)

    def write(self, rows: ChunkRows) -> None:
        audits = self._linked(rows.audits)
        self.audit_rows += len(rows.audits)
        self.journal_rows += len(rows.journal) if self.sqlite else rows.journal.count("\n")
        if self.sqlite:
            raw = self.conn.connection.driver_connection
            assert raw is not None
            for table, columns, values in (("incidents", encode.INCIDENT_COLUMNS, rows.incidents),
                                           ("audit_log", AUDIT_WRITE_COLUMNS, audits),
                                           ("journal_entries", encode.JOURNAL_COLUMNS, rows.journal)):
                if values:
                    raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                                    f"VALUES ({', '.join('?' * len(columns))})", values)
            return
        pg_bulk.copy_rows(self.conn, "incidents", encode.INCIDENT_COLUMNS, rows.incidents)
        pg_bulk.copy_rows(self.conn, "audit_log", AUDIT_WRITE_COLUMNS, audits)
        pg_bulk.copy_rows(self.conn, "journal_entries", encode.JOURNAL_COLUMNS, rows.journal)
