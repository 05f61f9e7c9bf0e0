"""Dialect-neutral SQL building blocks for reports: time buckets and percentiles.

PostgreSQL has ``percentile_cont``; SQLite has no percentile function, so there the
same linear interpolation is done with window functions (row_number/count) in SQL.
Both give the value at 0-based position h = (n-1)·p between the neighbouring rows.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Select,
    Table,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session

from db.types import UTCDateTime


def at(value: dt.datetime) -> ColumnElement[Any]:
    """A bound UTC timestamp typed like the stored columns (so SQLite compares alike)."""
    return literal(value, UTCDateTime())


def bucket_index(col: ColumnElement[Any], bounds: Sequence[dt.datetime]) -> ColumnElement[int]:
    """Index k with bounds[k] <= col < bounds[k+1], for col inside [bounds[0], bounds[-1]).

    A nested CASE that bisects the bounds: about log2(len) comparisons per row instead of
    a range join or a CASE evaluated branch by branch.
    """
    def part(lo: int, hi: int) -> ColumnElement[int]:
        if hi - lo == 1:
            return literal(lo, Integer)
        mid = (lo + hi) // 2
        return case((col < at(bounds[mid]), part(lo, mid)), else_=part(mid, hi))

    if len(bounds) < 2:
        raise ValueError("need at least one bucket")
    return part(0, len(bounds) - 1)


def percentiles(
    session: Session, value: ColumnElement[Any], keys: Sequence[ColumnElement[Any]],
    where: Sequence[ColumnElement[bool]], ps: Sequence[float] = (0.5, 0.9),
) -> dict[tuple[Any, ...], tuple[int, list[float | None]]]:
    """{group key: (n, [percentile for each p])} of ``value`` over rows matching ``where``."""
    conds = [*where, value.is_not(None)]
    if session.get_bind().dialect.name == "postgresql":
        stmt: Select[Any] = select(
            *keys, func.count(value),
            *[func.percentile_cont(p).within_group(value) for p in ps],
        ).where(*conds)
        if keys:
            stmt = stmt.group_by(*keys)
    else:
        return _sorted_percentiles(session, value, keys, conds, ps)
    out: dict[tuple[Any, ...], tuple[int, list[float | None]]] = {}
    nk = len(keys)
    for row in session.execute(stmt):
        n = int(row[nk] or 0)
        if n == 0:
            continue
        vals = [None if v is None else float(v) for v in row[nk + 1:]]
        out[tuple(row[:nk])] = (n, vals)
    return out


def _sorted_percentiles(
    session: Session, value: ColumnElement[Any], keys: Sequence[ColumnElement[Any]],
    conds: Sequence[ColumnElement[bool]], ps: Sequence[float],
) -> dict[tuple[Any, ...], tuple[int, list[float | None]]]:
    """SQLite: the values copied in (group, value) order into a temporary table, so a
    row's rowid is its rank; each group's first rowid and count then locate the
    neighbours of position (n-1)·p directly. One sort, no window buffering: several
    times faster than row_number() over a partition on hundreds of thousands of rows."""
    nk = len(keys)
    meta = MetaData()
    table = Table("desk_pct", meta, *[Column(f"k{i}", k.type) for i, k in enumerate(keys)],
                  Column("v", Integer), prefixes=["TEMPORARY"])
    session.execute(text("DROP TABLE IF EXISTS desk_pct"))
    table.create(session.connection())
    try:
        pick = select(*[k.label(f"k{i}") for i, k in enumerate(keys)], value.label("v")).where(*conds)
        pick = pick.order_by(*[literal_column(f"k{i}") for i in range(nk)], literal_column("v"))
        session.execute(table.insert().from_select([*(f"k{i}" for i in range(nk)), "v"], pick))
        kl = ", ".join(f"k{i}" for i in range(nk))
        picks = []
        for p in ps:
            pos = f"CAST((b.n - 1) * {p!r} AS INTEGER)"
            lo = f"(SELECT v FROM desk_pct WHERE rowid = b.f + {pos})"
            hi = f"(SELECT v FROM desk_pct WHERE rowid = b.f + min({pos} + 1, b.n - 1))"
            picks.append(f"{lo} + ((b.n - 1) * {p!r} - {pos}) * ({hi} - {lo})")
        sql = (f"SELECT {kl + ', ' if nk else ''}b.n, {', '.join(picks)} FROM "
               f"(SELECT {kl + ', ' if nk else ''}min(rowid) AS f, count(*) AS n FROM desk_pct"
               f"{' GROUP BY ' + kl if nk else ''}) AS b WHERE b.n > 0")
        out: dict[tuple[Any, ...], tuple[int, list[float | None]]] = {}
        for row in session.execute(text(sql)):
            out[tuple(row[:nk])] = (int(row[nk]), [None if v is None else float(v) for v in row[nk + 1:]])
        return out
    finally:
        session.execute(text("DROP TABLE IF EXISTS desk_pct"))


def _window_percentiles(
    value: ColumnElement[Any], keys: Sequence[ColumnElement[Any]],
    conds: Sequence[ColumnElement[bool]], ps: Sequence[float],
) -> Select[Any]:
    key_labels = [k.label(f"k{i}") for i, k in enumerate(keys)]
    ranked = select(
        *key_labels, value.label("v"),
        func.row_number().over(partition_by=list(keys) or None, order_by=value).label("rn"),
        func.count().over(partition_by=list(keys) or None).label("n"),
    ).where(*conds).subquery("ranked")
    kcols = [ranked.c[f"k{i}"] for i in range(len(keys))]
    n = ranked.c.n
    cols: list[ColumnElement[Any]] = []
    for i, p in enumerate(ps):
        h = (n - 1) * literal(p)
        lo = cast(h, Integer)  # h >= 0, so the cast floors
        lo_v = func.max(case((ranked.c.rn == lo + 1, ranked.c.v)))
        hi_v = func.max(case((ranked.c.rn == lo + 2, ranked.c.v)))
        frac = func.max(h - lo)
        cols.append((lo_v + frac * (func.coalesce(hi_v, lo_v) - lo_v)).label(f"p{i}"))
    stmt = select(*kcols, func.max(n), *cols)
    if kcols:
        stmt = stmt.group_by(*kcols)
    return stmt
