"""``desk audit verify`` on a big log: the chain checked in ranges, side by side.

Each entry's link is checked against the hash stored before it, so ranges of the chain
verify independently and together say exactly what one walk from the start says (the
first bad entry in seq order wins). One walk is bound by one core: 10 µs an entry in
Python, 100 s for ten million. The ranges run in worker processes; on PostgreSQL they
share the coordinator's snapshot (``pg_export_snapshot``), so the whole check sees one
instant of the log as the single walk did.
"""
from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from sqlalchemy import Connection, text

from db import audit_chain
from db.engine import Database

# Below this many entries one walk is quicker than starting worker processes.
PARALLEL_FROM = 200_000
RANGES_PER_WORKER = 4
_SNAPSHOT_ID = re.compile(r"[0-9A-F]+(-[0-9A-F]+)+")


def verify_in_ranges(db: Database, workers: int | None = None) -> audit_chain.Verdict:
    workers = workers or os.cpu_count() or 1
    pg = db.dialect == "postgresql"
    with db.engine.connect() as plain:
        conn = plain.execution_options(isolation_level="REPEATABLE READ") if pg else plain
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one() if pg else None
            head = int(conn.execute(text("SELECT coalesce(max(seq), 0) FROM audit_log")).scalar_one())
            if workers < 2 or head < PARALLEL_FROM:
                return audit_chain.verify(conn)
            ranges = _ranges(head, workers * RANGES_PER_WORKER)
            prevs = _stored_hashes(conn, [first - 1 for first, _last in ranges])
            url = db.engine.url.render_as_string(hide_password=False)
            # spawn, not fork: a forked child would share the parent's pooled connections.
            with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
                futures = [pool.submit(_verify_range, url, snapshot, first, last, prevs.get(first - 1, ""))
                           for first, last in ranges]
                verdicts = [f.result() for f in futures]
            return audit_chain.with_loose_check(conn, _combined(verdicts))


def _ranges(head: int, count: int) -> list[tuple[int, int]]:
    size = -(-head // count)
    return [(first, min(first + size - 1, head)) for first in range(1, head + 1, size)]


def _stored_hashes(conn: Connection, seqs: list[int]) -> dict[int, str]:
    wanted = [s for s in seqs if s > 0]
    if not wanted:
        return {}
    rows = conn.execute(text(f"SELECT seq, hash FROM audit_log WHERE seq IN ({', '.join(map(str, wanted))})"))
    return {int(seq): str(digest) for seq, digest in rows}


def _combined(verdicts: list[audit_chain.Verdict]) -> audit_chain.Verdict:
    """The ranges' verdicts as one walk's: entries counted up to the first bad one."""
    entries = 0
    for v in verdicts:
        if not v.ok:
            return audit_chain.Verdict(entries + v.entries, v.head_seq, v.head_hash, v.first_bad_id,
                                       v.first_bad_seq, v.problem)
        entries += v.entries
    last = verdicts[-1]
    return audit_chain.Verdict(entries, last.head_seq, last.head_hash)


def _verify_range(url: str, snapshot: str | None, first: int, last: int, prev: str) -> audit_chain.Verdict:
    """In a worker process: one range, on its own connection (in the shared snapshot)."""
    db = Database.connect(url, check_location=False)
    try:
        with db.engine.connect() as plain:
            if snapshot is None:
                with plain.begin():
                    return audit_chain.verify_range(plain, first, last, prev)
            conn = plain.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                # A utility statement takes no parameters; the id is the server's own
                # ('00000003-0000001B-1'), checked before it goes into the SQL.
                if not _SNAPSHOT_ID.fullmatch(snapshot):
                    raise ValueError(f"unexpected snapshot id from the server: {snapshot!r}")
                conn.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
                return audit_chain.verify_range(conn, first, last, prev)
    finally:
        db.dispose()
