"""Recomputing the stored SLA columns of many incidents at once.

Used after bulk loads (``desk demo``, imports), after a calendar change (open tickets
only: their due times move from now on), and by ``desk sla recompute``. Histories are
read a range of incident ids at a time (a few range queries per range), replayed (in
worker processes for big runs) and only rows whose values changed are written, with
one executemany per range.
"""
from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from sqlalchemy import and_, column, or_, select, text

from db.engine import Database
from db.enums import IncidentStatus
from db.models import Incident
from desk.rules import lifecycle
from desk.sla import catalogue, history, outcome, stored
from desk.sla.clock import to_epoch
from desk.sla.measure import evaluate

log = logging.getLogger(__name__)

BATCH = 20_000


def status_in(statuses: Iterable[IncidentStatus]) -> str:
    """``status IN ('new', …)`` as SQL text. The condition travels as text into worker
    processes and three query styles (DB-API ``?``, ``%s`` and SQLAlchemy's ``:name``), so
    it carries its values; SQLAlchemy renders them as escaped literals, and only
    lifecycle statuses can be in it."""
    return str(column("status").in_(lifecycle.values(statuses)).compile(compile_kwargs={"literal_binds": True}))


OPEN_WHERE = status_in(lifecycle.OPEN_STATUSES)


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


def _measure_range(q: history.RawQuery, conn: Any, cat: catalogue.Catalogue, lo: int, hi: int, cond: str,
                   as_of: int) -> tuple[int, list[list[Any]]]:
    """Replay the incidents with ids in [lo, hi]: (how many, update rows for those that changed)."""
    sqlite = q.dialect == "sqlite"
    time_idx = [i for i, c in enumerate(stored.COLUMNS) if c in stored.TIME_COLUMNS]
    cols = ", ".join(history.epoch_sql(q.dialect, c) if c in stored.TIME_COLUMNS else c for c in stored.COLUMNS)
    rows = q.all(f"SELECT id, {cols} FROM incidents WHERE id BETWEEN ? AND ?{cond}", (lo, hi))
    if not rows:
        return 0, []
    current = {r[0]: tuple(r[1:]) for r in rows}
    params: list[list[Any]] = []
    for h in history.stream(conn, batch=BATCH, where=f"id BETWEEN {int(lo)} AND {int(hi)}{cond}",
                            start_after=lo - 1):
        result, policy = evaluate(cat, h, as_of)
        raw = stored.raw_columns(result, policy.version_id if policy else None)
        if current.get(h.incident_id) == raw:
            continue
        values: list[Any] = list(raw)  # SQLite gets its time columns as text
        if sqlite:
            for i in time_idx:
                values[i] = _stamp_sqlite(values[i])
        values.append(h.incident_id)
        params.append(values)
    return len(rows), params


# -- worker processes (big recomputes use both cores: replay is CPU-bound Python) --------
_WORKER: dict[str, Any] = {}


def _worker_init(url: str) -> None:
    db = Database.connect(url, check_location=False)
    with db.reading() as s:
        _WORKER.update(db=db, cat=catalogue.load(s))


def _worker_range(lo: int, hi: int, cond: str, as_of: int) -> tuple[int, list[list[Any]]]:
    db: Database = _WORKER["db"]
    with db.reading() as s:
        conn = s.connection()
        return _measure_range(history.RawQuery(conn), conn, _WORKER["cat"], lo, hi, cond, as_of)


PARALLEL_FROM = 100_000


def recompute_all(
    db: Database, progress: Callable[[str], None] | None = None, *, now: dt.datetime | None = None,
    where: str = "", workers: int | None = None,
) -> int:
    """Recompute and store the SLA columns of every incident (or those matching the SQL
    condition ``where``, e.g. ``OPEN_WHERE``) as of ``now``; returns the rows changed.

    From ``PARALLEL_FROM`` tickets on, histories are replayed in worker processes (one
    per core) while this process writes the results.
    """
    as_of = to_epoch(now or dt.datetime.now(dt.UTC))
    with db.reading() as s:
        cat = catalogue.load(s)
        sel = "SELECT COUNT(*), MIN(id), MAX(id) FROM incidents" + (f" WHERE {where}" if where else "")
        total, first, last_id = s.execute(text(sel)).one()
    total = int(total or 0)
    if not total:
        return 0
    cond = f" AND ({where})" if where else ""
    ranges = [(lo, min(lo + BATCH - 1, last_id)) for lo in range(first, last_id + 1, BATCH)]
    n_workers = workers if workers is not None else min(os.cpu_count() or 1, 2)
    started = time.monotonic()
    done = changed = 0

    def write(params: list[list[Any]]) -> None:
        if params:
            with db.writing() as s:
                q = history.RawQuery(s.connection())
                q.many(_update_sql(q.dialect), params)

    def report() -> None:
        if progress is not None:
            rate = done / max(time.monotonic() - started, 1e-6)
            progress(f"SLA: {done:,} of {total:,} tickets measured ({rate:,.0f}/s), {changed:,} updated")

    if total >= PARALLEL_FROM and n_workers > 1:
        url = db.engine.url.render_as_string(hide_password=False)
        # fork (not spawn) so callers need no __main__ guard; no connection may cross the
        # fork, so the pool is emptied first and each worker opens its own engine.
        db.engine.dispose()
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        ctx = multiprocessing.get_context(method)
        finished = 0
        try:
            with ProcessPoolExecutor(n_workers, mp_context=ctx, initializer=_worker_init,
                                     initargs=(url,)) as pool:
                futures = [pool.submit(_worker_range, lo, hi, cond, as_of) for lo, hi in ranges]
                for f in futures:
                    count, params = f.result()
                    write(params)
                    done += count
                    changed += len(params)
                    finished += 1
                    report()
        except (BrokenProcessPool, OSError) as exc:  # no processes here: finish in this one
            log.warning("SLA recompute workers failed (%s); continuing without them", exc)
        ranges = ranges[finished:]
    if ranges:
        for lo, hi in ranges:
            with db.writing() as s:
                conn = s.connection()
                q = history.RawQuery(conn)
                count, params = _measure_range(q, conn, cat, lo, hi, cond, as_of)
                if params:
                    q.many(_update_sql(q.dialect), params)
            done += count
            changed += len(params)
            if count:
                report()
    log.info("recomputed SLA columns of %d incidents (%d changed)", done, changed)
    return changed


def recompute_open(db: Database, *, now: dt.datetime | None = None) -> int:
    """Open tickets only: after a calendar change their due times move from now on."""
    return recompute_all(db, None, now=now, where=OPEN_WHERE)


def sweep(db: Database, *, now: dt.datetime | None = None) -> int:
    """Record the breaches that have happened since the tickets' last events (cron).

    Only open tickets that are breached now (``desk.sla.outcome``: a running clock past
    its due) without a recorded breach are re-measured, found through the due columns.
    """
    moment = now or dt.datetime.now(dt.UTC)
    c = Incident.__table__.c
    unrecorded = or_(*(and_(c[f"{k}_breached_at"].is_(None), outcome.breached_now_sql(c, k, moment))
                       for k in outcome.KINDS))
    with db.reading() as s:
        ids = s.execute(select(c.id).where(c.status.in_(outcome.OPEN), unrecorded)).scalars().all()
    if not ids:
        return 0
    return recompute_all(db, None, now=moment, where=f"id IN ({', '.join(str(int(i)) for i in ids)})")
