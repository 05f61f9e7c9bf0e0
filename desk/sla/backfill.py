"""Recomputing the stored SLA columns of many incidents at once.

Used after bulk loads (``desk demo``, imports), after a calendar change (open tickets
only: their due times move from now on), and by ``desk sla recompute``. Histories are
read a batch of incident ids at a time (three range queries per batch) and only rows
whose values changed are written, with one executemany per batch.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from db.engine import Database
from desk.sla import catalogue, history, stored
from desk.sla.clock import to_epoch
from desk.sla.measure import evaluate

log = logging.getLogger(__name__)

BATCH = 20_000
OPEN_WHERE = ("status IN ('new', 'assigned', 'in_progress', 'pending_customer', 'pending_vendor', "
              "'pending_parts')")


def _stamp_sqlite(epoch: int | None) -> str | None:
    # The exact text SQLAlchemy's SQLite DateTime stores, so comparisons stay textual.
    if epoch is None:
        return None
    return time.strftime("%Y-%m-%d %H:%M:%S.000000", time.gmtime(epoch))


def _update_sql(dialect: str) -> str:
    def setter(c: str) -> str:
        if c in stored.TIME_COLUMNS and dialect != "sqlite":
            return f"{c} = to_timestamp(?)"
        return f"{c} = ?"

    return f"UPDATE incidents SET {', '.join(setter(c) for c in stored.COLUMNS)} WHERE id = ?"


def recompute_all(
    db: Database, progress: Callable[[str], None] | None = None, *, now: dt.datetime | None = None,
    where: str = "",
) -> int:
    """Recompute and store the SLA columns of every incident (or those matching the SQL
    condition ``where``, e.g. ``OPEN_WHERE``) as of ``now``; returns the rows changed."""
    as_of = to_epoch(now or dt.datetime.now(dt.timezone.utc))
    with db.reading() as s:
        cat = catalogue.load(s)
        total = int(s.execute(text("SELECT COUNT(*) FROM incidents" + (f" WHERE {where}" if where else "")))
                    .scalar_one())
    cond = f" AND ({where})" if where else ""
    time_idx = [i for i, c in enumerate(stored.COLUMNS) if c in stored.TIME_COLUMNS]
    last, done, changed = 0, 0, 0
    started = time.monotonic()
    while True:
        with db.writing() as s:
            q = history.RawQuery(s.connection())
            sqlite = q.dialect == "sqlite"
            cols = ", ".join(history.epoch_sql(q.dialect, c) if c in stored.TIME_COLUMNS else c
                             for c in stored.COLUMNS)
            rows = q.all(f"SELECT id, {cols} FROM incidents WHERE id > ?{cond} ORDER BY id LIMIT ?",
                         (last, BATCH))
            if not rows:
                break
            lo, hi = rows[0][0], rows[-1][0]
            current = {r[0]: tuple(r[1:]) for r in rows}
            params: list[list[Any]] = []
            for h in history.stream(s.connection(), batch=BATCH, where=f"id BETWEEN {int(lo)} AND {int(hi)}{cond}",
                                    start_after=lo - 1):
                result, policy = evaluate(cat, h, as_of)
                raw = stored.raw_columns(result, policy.version_id if policy else None)
                if current.get(h.incident_id) == raw:
                    continue
                values = list(raw)
                if sqlite:
                    for i in time_idx:
                        values[i] = _stamp_sqlite(values[i])
                values.append(h.incident_id)
                params.append(values)
            if params:
                q.many(_update_sql(q.dialect), params)
            changed += len(params)
            done += len(rows)
            last = hi
        if progress is not None:
            rate = done / max(time.monotonic() - started, 1e-6)
            progress(f"SLA: {done:,} of {total:,} tickets measured ({rate:,.0f}/s), {changed:,} updated")
    log.info("recomputed SLA columns of %d incidents (%d changed)", done, changed)
    return changed


def recompute_open(db: Database, *, now: dt.datetime | None = None) -> int:
    """Open tickets only: after a calendar change their due times move from now on."""
    return recompute_all(db, None, now=now, where=OPEN_WHERE)


SWEEP_WHERE = (
    f"{OPEN_WHERE} AND ((responded_at IS NULL AND response_breached_at IS NULL AND response_due_at <= :now) "
    "OR (resolution_breached_at IS NULL AND resolution_due_at <= :now))"
)


def sweep(db: Database, *, now: dt.datetime | None = None) -> int:
    """Record the breaches that have happened since the tickets' last events (cron).

    Only open tickets whose stored due time has passed without a recorded breach are
    re-measured, found through the due-time columns.
    """
    moment = now or dt.datetime.now(dt.timezone.utc)
    with db.reading() as s:
        ids = s.execute(text(f"SELECT id FROM incidents WHERE {SWEEP_WHERE}"),
                        {"now": _bind_time(db, moment)}).scalars().all()
    if not ids:
        return 0
    return recompute_all(db, None, now=moment, where=f"id IN ({', '.join(str(int(i)) for i in ids)})")


def _bind_time(db: Database, moment: dt.datetime) -> Any:
    utc = moment.astimezone(dt.timezone.utc)
    return utc.replace(tzinfo=None).isoformat(sep=" ") if db.dialect == "sqlite" else utc
