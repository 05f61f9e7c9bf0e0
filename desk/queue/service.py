"""The queue: counts and keyset pages of incidents for a view, sorted and filtered in SQL.

Nothing here loads a whole table. A page is found by walking an index on
(sort key, id) from a cursor, in either direction; a jump into the middle of a
large queue starts from the nearest anchor of the view's skeleton (``desk.queue.skeleton``:
every 512th row's key, found by one background scan) and walks fewer than 512 index
entries from there; no query skips rows with OFFSET. Rows come back as ``QueueRow``
named tuples (plain values).

NULL sort keys (an SLA due time on a paused ticket) go last in either direction,
on both engines: the walk treats the NULL rows as a second segment ordered by id.
"""
from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    TextClause,
    and_,
    any_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
    true,
    tuple_,
    union,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import (
    Department,
    Device,
    Incident,
    Person,
    Repair,
    Service,
    StaffAccount,
    Team,
    TeamMember,
    VipGrant,
)
from db.models.views import FINISHED_STATUS_SQL, MAJOR_PG, MAJOR_SQLITE, OPEN_STATUS_SQL
from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.common.search import matching_incident_ids, tokens
from desk.queue.skeleton import STRIDE, Anchor, Skeleton
from desk.queue.spec import FINISHED, QueueFilter, QueueSpec
from desk.sla import outcome


class QueueRow(NamedTuple):
    id: int
    number: str
    priority: str
    title: str
    caller: str | None
    caller_vip: bool
    department: str | None
    service: str | None
    status: str
    team: str | None
    assignee: str | None
    assignee_id: int | None
    updated_at: dt.datetime
    opened_at: dt.datetime
    due_at: dt.datetime | None
    at_risk_at: dt.datetime | None
    breached_at: dt.datetime | None
    paused_at: dt.datetime | None
    is_major: bool
    version: int


@dataclass(frozen=True)
class Cursor:
    """Where a page starts or ends: the sort key and id of a row (key None = NULL segment)."""

    key: Any
    id: int

    @classmethod
    def of(cls, row: QueueRow, sort: str) -> Cursor:
        return cls(sort_value(row, sort), row.id)


@dataclass(frozen=True)
class _Segment:
    where: list[Any]
    order: list[Any]
    is_null: bool


_SORT_COLUMNS: dict[str, Any] = {
    "number": Incident.id,
    "priority": Incident.priority,
    "sla": Incident.resolution_due_at,
    "updated": Incident.updated_at,
    "opened": Incident.opened_at,
    "status": Incident.status,
}
_NULLABLE = {"sla"}
# Sort keys with a handful of values, whose walks read the cursor's key apart (_after_split).
_FEW_KEYS = {"priority", "status"}
# Sorts with a partial index over open tickets (migration 0002's ix_incidents_open_*).
_OPEN_INDEXED = {"number", "priority", "sla", "updated"}
_OPEN_ONLY = QueueFilter(open_only=True)
# Views up to this size are sorted rather than walked along the sort key's index.
SMALL_VIEW = 3000
SMALL_VIEW_TTL_S = 10.0
_ROW_FIELD = {"number": "id", "priority": "priority", "sla": "due_at", "updated": "updated_at",
              "opened": "opened_at", "status": "status"}


def sort_value(row: QueueRow, sort: str) -> Any:
    return getattr(row, _ROW_FIELD[sort])


def _row_query() -> Select:
    vip = exists().where(VipGrant.person_id == Incident.caller_id,
                         VipGrant.revoked_at.is_(None)).correlate(Incident)
    return (
        select(
            Incident.id, Incident.number, Incident.priority, Incident.title,
            Person.preferred_name, Person.given_name, Person.family_name, vip.label("vip"),
            Department.name, Service.name, Incident.status, Team.name, StaffAccount.display_name,
            Incident.assignee_id, Incident.updated_at, Incident.opened_at,
            Incident.resolution_due_at, Incident.resolution_at_risk_at,
            Incident.resolution_breached_at, Incident.sla_paused_at, Incident.is_major,
            Incident.version,
        )
        .outerjoin(Person, Person.id == Incident.caller_id)
        .outerjoin(Department, Department.id == Incident.acting_department_id)
        .outerjoin(Service, Service.id == Incident.service_id)
        .outerjoin(Team, Team.id == Incident.team_id)
        .outerjoin(StaffAccount, StaffAccount.id == Incident.assignee_id)
    )


_ROW_QUERY = _row_query()
_I = Incident.__table__.c


class QueueService:
    """Counts and pages for the queue table; every method is one short read."""

    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock
        self._small_views: dict[tuple[Any, ...], tuple[float, bool]] = {}
        self._walk_plans: dict[tuple[Any, ...], list[_CompiledWalk]] = {}

    # -- filters ---------------------------------------------------------------
    def conditions(self, s: Session, f: QueueFilter, actor: Actor) -> list[ColumnElement[bool] | TextClause]:
        now = self.clock()
        where: list[ColumnElement[bool] | TextClause] = []
        if f.open_only:
            # Spelled exactly like the partial indexes so SQLite can match them.
            where.append(text(OPEN_STATUS_SQL))
        if tuple(f.statuses) == FINISHED:
            where.append(text(FINISHED_STATUS_SQL))
        elif f.statuses:
            where.append(Incident.status.in_(list(f.statuses)))
        if f.assignee == "me":
            where.append(Incident.assignee_id == actor.staff_id)
        elif f.assignee == "none":
            where.append(Incident.assignee_id.is_(None))
        elif f.assignee:
            where.append(Incident.assignee_id == select(StaffAccount.id).where(
                StaffAccount.username == f.assignee).scalar_subquery())
        if f.my_teams:
            where.append(Incident.team_id.in_(
                select(TeamMember.team_id).where(TeamMember.staff_id == actor.staff_id)))
        if f.team:
            where.append(Incident.team_id == select(Team.id).where(Team.name == f.team).scalar_subquery())
        if f.service:
            where.append(Incident.service_id == select(Service.id).where(
                Service.name == f.service).scalar_subquery())
        if f.priorities:
            where.append(Incident.priority.in_(list(f.priorities)))
        # The SLA views count exactly what the dashboard counts: desk.sla.outcome decides.
        if f.breaching:
            # Saved views from before At risk and Breached were separate: either one.
            where.append(or_(outcome.ticket_at_risk_now_sql(_I, now), outcome.ticket_breached_now_sql(_I, now)))
        if f.at_risk:
            where.append(outcome.ticket_at_risk_now_sql(_I, now))
        if f.breached:
            where.append(outcome.ticket_breached_now_sql(_I, now))
        if f.major:
            # Spelled like the partial index's condition on each engine.
            where.append(text(MAJOR_PG if s.get_bind().dialect.name == "postgresql"
                              else MAJOR_SQLITE))
        if f.walk_in:
            where.append(Incident.channel == "walk_in")
        if f.with_problem:
            where.append(Incident.problem_id.is_not(None))
        if f.finished_within_days is not None:
            where.append(Incident.updated_at >= now - dt.timedelta(days=f.finished_within_days))
        if f.caller:
            where.append(Incident.caller_id == select(Person.id).where(
                Person.university_id == f.caller.strip()).scalar_subquery())
        if f.search.strip():
            where.append(self._search_condition(s, f.search))
        return where

    def _search_condition(self, s: Session, query: str) -> ColumnElement[bool]:
        ids = self._search_ids(s, query)
        return Incident.id.in_(ids) if ids is not None else false()

    def _search_ids(self, s: Session, query: str) -> Any:
        """Ids matching ``query``: full text over number, title, description and caller,
        or an exact asset tag / serial of a device repaired under the ticket."""
        if not tokens(query):
            return None
        text_ids = matching_incident_ids(s, query)
        device = list(s.execute(
            select(Repair.incident_id).join(Device, Device.id == Repair.device_id)
            .where(or_(Device.asset_tag == query.strip(), Device.serial == query.strip()))).scalars())
        # One IN over one source: an OR of two INs makes SQLite scan the whole table.
        if device:
            return union(text_ids, select(Incident.id).where(Incident.id.in_(device)))
        return text_ids

    @staticmethod
    def _plain_search(f: QueueFilter) -> bool:
        return bool(f.search.strip()) and replace(f, search="") == QueueFilter()

    # -- counting ----------------------------------------------------------------
    def count(self, spec: QueueSpec, actor: Actor) -> int:
        with self.db.reading() as s:
            return self._count(s, spec.filter, actor)

    def count_upto(self, spec: QueueSpec, actor: Actor, cap: int) -> int:
        """The count if it is at most ``cap``, else ``cap + 1`` ("more than cap"): a
        popular search word matches tens of thousands of tickets and an exact count
        visits every one of them, which the first rows need not wait for."""
        with self.db.reading() as s:
            inner = select(Incident.id).where(*self.conditions(s, spec.filter, actor)).limit(cap + 1)
            return int(s.execute(select(func.count()).select_from(inner.subquery())).scalar_one())

    def estimate(self, spec: QueueSpec, actor: Actor) -> int | None:
        """The server's estimate of the view's size, at the cost of planning its query
        (PostgreSQL's statistics); None where the engine has none to give (SQLite)."""
        with self.db.reading() as s:
            conn = s.connection()
            if conn.dialect.name != "postgresql":
                return None
            stmt = select(Incident.id).where(*self.conditions(s, spec.filter, actor))
            compiled = stmt.compile(dialect=conn.dialect)
            plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params).scalar_one()
            plan = json.loads(plan) if isinstance(plan, str) else plan
            return int(plan[0]["Plan"]["Plan Rows"])

    def _count(self, s: Session, f: QueueFilter, actor: Actor) -> int:
        if self._plain_search(f):
            # A plain search: count the index's matches without visiting the table.
            ids = self._search_ids(s, f.search)
            if ids is None:
                return 0
            return int(s.execute(select(func.count()).select_from(ids.subquery())).scalar_one())
        stmt = select(func.count()).select_from(Incident).where(*self.conditions(s, f, actor))
        return int(s.execute(stmt).scalar_one())

    def counts(self, specs: dict[str, QueueSpec], actor: Actor) -> dict[str, int]:
        """Counts for the view list, in one unit of work."""
        with self.db.reading() as s:
            return {key: self._count(s, spec.filter, actor) for key, spec in specs.items()}

    # -- pages -------------------------------------------------------------------
    def first_page(self, spec: QueueSpec, actor: Actor, limit: int) -> list[QueueRow]:
        return self.page_after(spec, actor, None, limit)

    def last_page(self, spec: QueueSpec, actor: Actor, limit: int) -> list[QueueRow]:
        return self.page_before(spec, actor, None, limit)

    def page_after(self, spec: QueueSpec, actor: Actor, cursor: Cursor | None, limit: int) -> list[QueueRow]:
        """Up to ``limit`` rows following ``cursor`` (from the start if None), in view order."""
        with self.db.quick_reading() as s:
            ids = self._walk(s, spec, actor, cursor, limit, forward=True)
            return self._rows(s, ids)

    def page_before(self, spec: QueueSpec, actor: Actor, cursor: Cursor | None, limit: int) -> list[QueueRow]:
        """Up to ``limit`` rows preceding ``cursor`` (the end if None), in view order."""
        with self.db.quick_reading() as s:
            ids = self._walk(s, spec, actor, cursor, limit, forward=False)
            return self._rows(s, ids)

    def skeleton(self, spec: QueueSpec, actor: Actor, stride: int = STRIDE) -> Skeleton:
        """The view's skeleton: every ``stride``-th row and the last, with positions, from
        one scan of the view in order (on a big view this is what the exact count costs).
        A row number over the view's own ORDER BY lets the server walk the sort key's
        index; ``lead`` marks the last row without a second scan to count."""
        with self.db.reading() as s:
            where = self.conditions(s, spec.filter, actor)
            key = _SORT_COLUMNS[spec.sort]
            positions: list[int] = []
            anchors: list[Anchor] = []
            offset = 0
            for seg in self._segments(spec, forward=True):
                rn = func.row_number().over(order_by=seg.order)
                nxt = func.lead(Incident.id).over(order_by=seg.order)
                inner = (select(key.label("k"), Incident.id.label("i"), rn.label("rn"), nxt.label("nx"))
                         .where(*where, *seg.where).subquery())
                stmt = (select(inner.c.k, inner.c.i, inner.c.rn)
                        .where(or_(inner.c.rn % stride == 0, inner.c.nx.is_(None)))
                        .order_by(inner.c.rn))
                last = 0
                for k, i, n in s.execute(stmt):
                    positions.append(offset + int(n) - 1)
                    anchors.append(Anchor(None if seg.is_null else k, int(i)))
                    last = int(n)
                offset += last
            return Skeleton(spec, offset, positions, anchors)

    def page_from(self, spec: QueueSpec, actor: Actor, anchor: Anchor | None, skip: int,
                  limit: int) -> list[QueueRow]:
        """``limit`` rows starting ``skip`` rows after ``anchor`` (None: the view's start):
        a seek from a skeleton anchor. ``skip`` is below the stride, so the walk reads
        fewer than stride + limit ids of the index and only the page's rows."""
        with self.db.quick_reading() as s:
            cursor = None if anchor is None else Cursor(anchor.key, anchor.id)
            ids = self._walk(s, spec, actor, cursor, max(skip, 0) + limit, forward=True)
            return self._rows(s, ids[max(skip, 0):])

    def rank(self, spec: QueueSpec, actor: Actor, row: QueueRow, skeleton: Skeleton | None) -> int:
        """The 0-based position of ``row`` in the view. With a skeleton: the nearest
        anchor before it plus a count bounded by the stride; without one, a count of
        every row before it (small views only)."""
        with self.db.reading() as s:
            return self._rank(s, spec, actor, row, skeleton)

    def _rank(self, s: Session, spec: QueueSpec, actor: Actor, row: QueueRow, skeleton: Skeleton | None) -> int:
        if skeleton is None or not skeleton.comparable:
            return self._position(s, spec, actor, row)
        anchor, at = skeleton.before(Anchor(sort_value(row, spec.sort), row.id))
        where = self.conditions(s, spec.filter, actor)
        lo = None if anchor is None else Cursor(anchor.key, anchor.id)
        between = 0
        for seg_where, cmp in self._between_conditions(spec, lo, Cursor.of(row, spec.sort)):
            between += int(s.execute(select(func.count()).select_from(Incident)
                                     .where(*where, *seg_where, *cmp)).scalar_one())
        return at + 1 + between

    def around(self, spec: QueueSpec, actor: Actor, number: str, skeleton: Skeleton | None,
               each_side: int) -> tuple[int, list[QueueRow]] | None:
        """Show ticket ``number`` in the view: the position of the first row returned and
        up to ``each_side`` rows either side of the ticket's, in view order; None when the
        ticket is not in the view. One read: on a shared server each read of its own cost a
        session and round trips (five of them were 24 ms at 1M). On PostgreSQL its
        statements see their own snapshots, as any page's do: a ticket changed meanwhile
        may shift the rows by one, and the next live change puts them right."""
        with self.db.quick_reading() as s:
            row = self._row_by_number(s, number)
            if row is None or not self._matching(s, spec, actor, [row.id]):
                return None
            at = self._rank(s, spec, actor, row, skeleton)
            cur = Cursor.of(row, spec.sort)
            before = self._walk(s, spec, actor, cur, each_side, forward=False)
            after = self._walk(s, spec, actor, cur, each_side, forward=True)
            rows = self._rows(s, [*before, row.id, *after])
            return at - len(before), rows

    def row_by_number(self, number: str) -> QueueRow | None:
        """The queue row of ticket ``number`` (INC-…), whatever view it is in."""
        with self.db.quick_reading() as s:
            return self._row_by_number(s, number)

    def _row_by_number(self, s: Session, number: str) -> QueueRow | None:
        iid = s.execute(select(Incident.id).where(Incident.number == number.strip().upper())).scalar()
        got = self._rows(s, [int(iid)]) if iid is not None else []
        return got[0] if got else None

    def rows(self, ids: Iterable[int]) -> list[QueueRow]:
        """Current rows for these ids (any order); ids no longer present are missing."""
        with self.db.quick_reading() as s:
            return self._rows(s, list(ids), keep_order=False)

    def matching(self, spec: QueueSpec, actor: Actor, ids: Iterable[int]) -> set[int]:
        """Which of ``ids`` belong to the view now (for live updates)."""
        wanted = list(ids)
        if not wanted:
            return set()
        with self.db.quick_reading() as s:
            return self._matching(s, spec, actor, wanted)

    def _matching(self, s: Session, spec: QueueSpec, actor: Actor, wanted: list[int]) -> set[int]:
        stmt = select(Incident.id).where(Incident.id.in_(wanted), *self.conditions(s, spec.filter, actor))
        return set(s.execute(stmt).scalars())

    def live_rows(self, spec: QueueSpec, actor: Actor, ids: Iterable[int]) -> list[tuple[QueueRow, bool]]:
        """Current rows for ``ids``, each with whether it belongs to the view now: one
        statement, whose cost depends on the number of ids, never on the view's size
        (a live change re-reads only its rows; ids no longer present are missing)."""
        wanted = list(ids)
        if not wanted:
            return []
        with self.db.quick_reading() as s:
            where = self.conditions(s, spec.filter, actor)
            in_view = case((and_(true(), *where), 1), else_=0).label("in_view")
            stmt = _ROW_QUERY.add_columns(in_view).where(Incident.id.in_(wanted))
            return [(_processed_to_row(r[:-1]), bool(r[-1])) for r in s.execute(stmt)]

    def position(self, spec: QueueSpec, actor: Actor, row: QueueRow) -> int:
        """How many rows of the view come before ``row`` (where a new row is inserted)."""
        with self.db.reading() as s:
            return self._position(s, spec, actor, row)

    def _position(self, s: Session, spec: QueueSpec, actor: Actor, row: QueueRow) -> int:
        where = self.conditions(s, spec.filter, actor)
        before = 0
        for seg_where, cmp in self._before_conditions(spec, Cursor.of(row, spec.sort)):
            before += int(s.execute(select(func.count()).select_from(Incident)
                                    .where(*where, *seg_where, *cmp)).scalar_one())
        return before

    # -- the walk ------------------------------------------------------------------
    def _segments(self, spec: QueueSpec, *, forward: bool, sort_rows: bool = False) -> list[_Segment]:
        """The segments of the view in walking order (NULL keys last in view order).

        ``sort_rows``: the view is small, so sort its rows instead of walking the
        sort key's index (SQLite would otherwise walk, say, all open tickets in due
        order to find the few assigned to me; a unary + hides the index).
        """
        key = _SORT_COLUMNS[spec.sort]
        desc = spec.descending != (not forward)  # walking backwards flips the order
        k_expr = literal_column(f"+incidents.{key.key}") if sort_rows else key
        i_expr = literal_column("+incidents.id") if sort_rows else Incident.id
        k_order = k_expr.desc() if desc else k_expr.asc()
        id_order = i_expr.desc() if desc else i_expr.asc()
        if spec.sort == "number":
            return [_Segment([], [id_order], False)]
        if spec.sort not in _NULLABLE:
            return [_Segment([], [k_order, id_order], False)]
        segs = [_Segment([k_expr.is_not(None)], [k_order, id_order], False),
                _Segment([k_expr.is_(None)], [id_order], True)]
        return segs if forward else segs[::-1]

    def _after(self, spec: QueueSpec, cur: Cursor, *, forward: bool,
               bound: bool = False) -> list[ColumnElement[bool]]:
        """Rows after ``cur`` in walking direction; ``bound``: with the cursor as the named
        parameters cursor_key / cursor_id, for a walk compiled once and run many times."""
        key = _SORT_COLUMNS[spec.sort]
        greater = spec.descending != forward  # "after" in walking direction
        cid: Any = bindparam("cursor_id", type_=Integer) if bound else cur.id
        if spec.sort == "number" or cur.key is None:
            return [Incident.id > cid if greater else Incident.id < cid]
        ckey = bindparam("cursor_key", type_=key.type) if bound else _bind(key, cur.key)
        pair, val = tuple_(key, Incident.id), tuple_(ckey, cid)
        # The bare key bound says the same, for PostgreSQL's planner: it cannot estimate
        # a row comparison and, for a count between two cursors, read the whole table
        # (170 ms) instead of the few hundred index entries between them.
        return [key >= ckey, pair > val] if greater else [key <= ckey, pair < val]

    def _walk_steps(self, s: Session, spec: QueueSpec, actor: Actor, cursor: Cursor | None, *,
                    forward: bool, bound: bool) -> list[Select]:
        """The statements of a walk in order (each limited): one per segment it reads, and
        for a key of few values, the rest of the cursor's key before the keys after it."""
        where = self.conditions(s, spec.filter, actor)
        segments = self._segments(spec, forward=forward, sort_rows=self._is_small(s, spec, actor, where))
        started = cursor is None
        steps: list[Select] = []
        for seg in segments:
            pieces: list[list[Any]] = [[]]
            if not started:
                assert cursor is not None
                cursor_in_null = spec.sort in _NULLABLE and cursor.key is None
                if cursor_in_null != seg.is_null:
                    # The cursor lies in the other segment, so this one is wholly on
                    # one side of it: behind the walk (skip) or ahead (take from its start).
                    if seg.is_null != forward:
                        continue
                elif spec.sort in _FEW_KEYS and cursor.key is not None:
                    pieces = self._after_split(spec, cursor, forward=forward, bound=bound)
                else:
                    pieces = [self._after(spec, cursor, forward=forward, bound=bound)]
                started = True
            steps += [select(Incident.id).where(*where, *seg.where, *piece).order_by(*seg.order)
                      for piece in pieces]
        return steps

    def _after_split(self, spec: QueueSpec, cur: Cursor, *, forward: bool, bound: bool) -> list[list[Any]]:
        """Rows after ``cur`` in walking direction as two index ranges, read in turn: the
        rest of its key (key = k, id after i), then the keys after it. SQLite bounds an
        index scan by the first column of a row comparison only, so with five priorities
        (key, id) > (k, i) walked up to a fifth of the table to reach the cursor (30 ms
        for a page after a ticket in the middle of 1M)."""
        key = _SORT_COLUMNS[spec.sort]
        greater = spec.descending != forward
        cid: Any = bindparam("cursor_id", type_=Integer) if bound else cur.id
        ckey = bindparam("cursor_key", type_=key.type) if bound else _bind(key, cur.key)
        if greater:
            return [[key == ckey, Incident.id > cid], [key > ckey]]
        return [[key == ckey, Incident.id < cid], [key < ckey]]

    def _walk(self, s: Session, spec: QueueSpec, actor: Actor, cursor: Cursor | None, limit: int,
              *, forward: bool) -> list[int]:
        if spec.sort == "number" and self._plain_search(spec.filter):
            return self._walk_search(s, spec, cursor, limit, forward=forward)
        if _walk_is_stable(spec.filter):
            return self._walk_compiled(s, spec, actor, cursor, limit, forward=forward)
        ids: list[int] = []
        for stmt in self._walk_steps(s, spec, actor, cursor, forward=forward, bound=False):
            if len(ids) >= limit:
                break
            ids.extend(s.connection().execute(stmt.limit(limit - len(ids))).scalars())
        return ids if forward else ids[::-1]

    def _walk_compiled(self, s: Session, spec: QueueSpec, actor: Actor, cursor: Cursor | None, limit: int,
                       *, forward: bool) -> list[int]:
        """The walk of a view whose SQL depends only on the view, the signed-in staff
        member and where the cursor lies: compiled once, then run on the bare driver with
        the cursor and limit as parameters. Building and compiling the statement for every
        page was five times the query itself on a 25-row page."""
        conn = s.connection()
        dialect = conn.dialect
        small = self._is_small(s, spec, actor)
        where_cursor = None if cursor is None else (spec.sort in _NULLABLE and cursor.key is None)
        key = (dialect.name, spec.filter, spec.sort, spec.descending, forward, small, where_cursor,
               actor.staff_id)
        plan = self._walk_plans.get(key)
        if plan is None:
            plan = [_CompiledWalk.of(stmt.limit(bindparam("page_limit", type_=Integer)), dialect)
                    for stmt in self._walk_steps(s, spec, actor, cursor, forward=forward, bound=True)]
            if len(self._walk_plans) > 500:
                self._walk_plans.clear()
            self._walk_plans[key] = plan
        values: dict[str, Any] = {}
        if cursor is not None:
            values["cursor_id"] = cursor.id
            values["cursor_key"] = cursor.key
        ids: list[int] = []
        # dbapi_connection is typed Optional (None only once invalidated); this one is in use.
        raw = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            for step in plan:
                if len(ids) >= limit:
                    break
                values["page_limit"] = limit - len(ids)
                raw.execute(step.sql, step.params(values))
                ids.extend(r[0] for r in raw.fetchall())
        finally:
            raw.close()
        return ids if forward else ids[::-1]

    def _is_small(self, s: Session, spec: QueueSpec, actor: Actor, where: list[Any] | None = None) -> bool:
        """``where``: the view's conditions, made here only if the answer is not known."""
        if s.get_bind().dialect.name != "sqlite" or spec.filter == QueueFilter() or where == []:
            return False  # PostgreSQL's planner weighs this itself, from its statistics
        if spec.filter == _OPEN_ONLY and spec.sort in _OPEN_INDEXED:
            # A partial index of open tickets in this very order: the walk reads exactly
            # the page (0.02 ms), where sorting even 2,000 open rows takes 5 ms.
            return False
        # A view's size changes slowly: the answer is kept for a few seconds, which
        # spares every page of a scroll this extra query.
        key = (spec.filter, actor.staff_id, SMALL_VIEW)
        now = time.monotonic()
        known = self._small_views.get(key)
        if known is not None and now - known[0] < SMALL_VIEW_TTL_S:
            return known[1]
        if where is None:
            where = self.conditions(s, spec.filter, actor)
        probe = select(Incident.id).where(*where).limit(SMALL_VIEW + 1).subquery()
        small = int(s.execute(select(func.count()).select_from(probe)).scalar_one()) <= SMALL_VIEW
        if len(self._small_views) > 200:
            self._small_views.clear()
        self._small_views[key] = (now, small)
        return small

    def _walk_search(self, s: Session, spec: QueueSpec, cursor: Cursor | None, limit: int,
                     *, forward: bool) -> list[int]:
        """Walk a plain search in id order over the search index alone: the table is
        read only for the page's rows (a popular word matches tens of thousands)."""
        source = self._search_ids(s, spec.filter.search)
        if source is None:
            return []
        sub = source.subquery()
        col = sub.c[0]
        desc = spec.descending == forward
        stmt = select(col)
        if cursor is not None:
            stmt = stmt.where(col < cursor.id if desc else col > cursor.id)
        stmt = stmt.order_by(col.desc() if desc else col.asc()).limit(limit)
        ids = [int(i) for i in s.connection().execute(stmt).scalars()]
        return ids if forward else ids[::-1]

    def _before_conditions(self, spec: QueueSpec, cur: Cursor) -> list[tuple[list[Any], list[Any]]]:
        """Conditions that together select the rows before ``cur`` in view order."""
        out: list[tuple[list[Any], list[Any]]] = []
        row_in_null = spec.sort in _NULLABLE and cur.key is None
        for seg in self._segments(spec, forward=True):
            if seg.is_null == row_in_null:
                out += [(seg.where, piece) for piece in self._pieces(spec, None, cur, in_null=seg.is_null)]
                break
            out.append((seg.where, []))
        return out

    def _between_conditions(self, spec: QueueSpec, lo: Cursor | None,
                            hi: Cursor) -> list[tuple[list[Any], list[Any]]]:
        """Conditions that together select the rows after ``lo`` (None: from the start)
        and before ``hi`` in view order: disjoint pieces, each one range of an index."""
        nullable = spec.sort in _NULLABLE
        hi_null = nullable and hi.key is None
        lo_null = nullable and lo is not None and lo.key is None
        out: list[tuple[list[Any], list[Any]]] = []
        for seg in self._segments(spec, forward=True):
            if seg.is_null and not hi_null:
                break  # hi lies in the first segment; nothing of this one is before it
            if lo_null and not seg.is_null:
                continue  # lo lies in the NULL segment; the first one is wholly before it
            seg_lo = lo if lo is not None and lo_null == seg.is_null else None
            seg_hi = hi if hi_null == seg.is_null else None
            out += [(seg.where, piece) for piece in self._pieces(spec, seg_lo, seg_hi, in_null=seg.is_null)]
        return out

    def _pieces(self, spec: QueueSpec, lo: Cursor | None, hi: Cursor | None, *,
                in_null: bool) -> list[list[Any]]:
        """The rows of one segment strictly after ``lo`` and before ``hi`` in view order
        (None: that side unbounded), as disjoint conditions of which each is one range of
        the (key, id) index: the same key with an id range, or a range of keys.

        A row comparison (key, id) > (k, i) says it in one condition, but with five
        priorities neither engine bounds its index scan by it: a count of the few hundred
        rows between two skeleton anchors read a fifth of the table (106 ms at 1M)."""
        key = _SORT_COLUMNS[spec.sort]
        low, high = (hi, lo) if spec.descending else (lo, hi)    # in the index's (ascending) order
        if spec.sort == "number" or in_null:
            ids: list[Any] = []
            if low is not None:
                ids.append(Incident.id > low.id)
            if high is not None:
                ids.append(Incident.id < high.id)
            return [ids]
        if low is not None and high is not None and low.key == high.key:
            return [[key == _bind(key, low.key), Incident.id > low.id, Incident.id < high.id]]
        pieces: list[list[Any]] = []
        keys: list[Any] = []
        if low is not None:
            pieces.append([key == _bind(key, low.key), Incident.id > low.id])
            keys.append(key > _bind(key, low.key))
        if high is not None:
            pieces.append([key == _bind(key, high.key), Incident.id < high.id])
            keys.append(key < _bind(key, high.key))
        pieces.append(keys)
        return pieces

    def _rows(self, s: Session, ids: list[int], *, keep_order: bool = True) -> list[QueueRow]:
        if not ids:
            return []
        # The hottest statement of the queue: compiled once per dialect and run on the
        # bare driver with the page's ids as one value; rows are converted here rather
        # than by per-column type processors (that overhead was 3x the query itself).
        conn = s.connection()
        dialect = conn.dialect
        sql = _ROW_SQL.get(dialect.name)
        if sql is None:
            compiled = _ROW_QUERY.where(_id_in_for(dialect.name)).compile(dialect=dialect)
            sql = _ROW_SQL[dialect.name] = str(compiled)
        value: Any = ids if dialect.name == "postgresql" else json.dumps(ids)
        params: Any = {"page_ids": value} if dialect.paramstyle in ("pyformat", "named") else (value,)
        convert = _raw_to_row_pg if dialect.name == "postgresql" else _raw_to_row_sqlite
        # dbapi_connection is typed Optional (None only once invalidated); this one is in use.
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, params)
            got = {r[0]: convert(r) for r in cursor.fetchall()}
        finally:
            cursor.close()
        if not keep_order:
            return list(got.values())
        return [got[i] for i in ids if i in got]

    # -- change detection (used by desk.live) --------------------------------------
    def changed_since(self, since: dt.datetime, after_id: int = 0, limit: int = 500) -> list[tuple[int, int, dt.datetime]]:
        """(id, version, updated_at) of incidents updated at or after ``since``."""
        with self.db.reading() as s:
            stmt = (select(Incident.id, Incident.version, Incident.updated_at)
                    .where(Incident.updated_at >= since)
                    .order_by(Incident.updated_at, Incident.id).limit(limit))
            return [(int(i), int(v), u) for i, v, u in s.execute(stmt)]

    def latest_change(self) -> dt.datetime | None:
        with self.db.reading() as s:
            return s.execute(select(func.max(Incident.updated_at))).scalar()


_ROW_SQL: dict[str, str] = {}


def _walk_is_stable(f: QueueFilter) -> bool:
    """Whether a view's walk SQL can be compiled once: no search (its ids come from a
    query of their own), no condition on the current time (the SLA views) and no list
    of values (an IN whose parameters SQLAlchemy expands per execution)."""
    return not (f.search.strip() or f.breaching or f.at_risk or f.breached or f.finished_within_days is not None
                or f.priorities or (f.statuses and tuple(f.statuses) != FINISHED))


@dataclass(frozen=True)
class _CompiledWalk:
    """One step of a walk as the driver takes it: SQL text and how to fill its parameters."""

    sql: str
    fixed: dict[str, Any]
    names: tuple[str, ...] | None        # positional drivers (SQLite): parameter order
    processors: dict[str, Any]

    @classmethod
    def of(cls, stmt: Select, dialect: Any) -> _CompiledWalk:
        compiled = stmt.compile(dialect=dialect)
        processors = {name: bind.type._cached_bind_processor(dialect)
                      for name, bind in compiled.binds.items()
                      if name in ("cursor_key", "cursor_id", "page_limit")}
        placeholders = dict.fromkeys(processors)
        fixed = {name: value for name, value in compiled.construct_params(placeholders).items()
                 if name not in processors}
        # The view's own values (a team's name, a staff id) go through their types once.
        for name in list(fixed):
            proc = compiled.binds[name].type._cached_bind_processor(dialect)
            if proc is not None:
                fixed[name] = proc(fixed[name])
        names = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None
        return cls(str(compiled), fixed, names, processors)

    def params(self, values: dict[str, Any]) -> Any:
        merged = dict(self.fixed)
        for name, value in values.items():
            if name in self.processors:
                proc = self.processors[name]
                merged[name] = proc(value) if proc is not None else value
        if self.names is None:
            return merged
        return tuple(merged[n] for n in self.names)


def _id_in_for(dialect: str) -> ColumnElement[bool]:
    """``incidents.id IN (the page's ids)`` as one bound value (JSON on SQLite, an
    array on PostgreSQL): an expanding IN of 200 parameters costs more to build than
    the query takes to run."""
    if dialect == "postgresql":
        return Incident.id == any_(bindparam("page_ids", type_=ARRAY(Integer)))
    each = func.json_each(bindparam("page_ids")).table_valued("value")
    return Incident.id.in_(select(each.c.value))


_UTC = dt.UTC


_parse_time = dt.datetime.fromisoformat


def _sqlite_time(v: Any) -> dt.datetime | None:
    # db.types.UTCDateTime stores naive UTC text on SQLite; parsing it with the offset
    # appended is ten times faster than parsing and then replace(tzinfo=...).
    return None if v is None else _parse_time(v + "+00:00")


def _sqlite_at(v: str) -> dt.datetime:
    return _parse_time(v + "+00:00")


def _pg_time(v: dt.datetime | None) -> dt.datetime | None:
    return None if v is None else v.astimezone(_UTC)


def _pg_at(v: dt.datetime) -> dt.datetime:
    return v.astimezone(_UTC)


def _raw_to_row_sqlite(r: Sequence[Any]) -> QueueRow:
    (iid, number, priority, title, preferred, given, family, vip, dept, service, status, team,
     assignee, assignee_id, updated, opened, due, risk, breached, paused, major, version) = r
    caller = f"{preferred or given} {family}".strip() if family is not None else None
    t = _sqlite_time
    return QueueRow(iid, number, priority, title, caller, bool(vip), dept, service, status, team,
                    assignee, assignee_id, _sqlite_at(updated), _sqlite_at(opened), t(due), t(risk), t(breached),
                    t(paused), bool(major), version)


def _raw_to_row_pg(r: Sequence[Any]) -> QueueRow:
    (iid, number, priority, title, preferred, given, family, vip, dept, service, status, team,
     assignee, assignee_id, updated, opened, due, risk, breached, paused, major, version) = r
    caller = f"{preferred or given} {family}".strip() if family is not None else None
    t = _pg_time
    return QueueRow(iid, number, priority, title, caller, bool(vip), dept, service, status, team,
                    assignee, assignee_id, _pg_at(updated), _pg_at(opened), t(due), t(risk), t(breached),
                    t(paused), bool(major), version)


def _utc(v: dt.datetime | None) -> dt.datetime | None:
    if v is None:
        return None
    return v.replace(tzinfo=_UTC) if v.tzinfo is None else v.astimezone(_UTC)


def _processed_to_row(r: Sequence[Any]) -> QueueRow:
    """A QueueRow from a row SQLAlchemy has already converted (either engine)."""
    (iid, number, priority, title, preferred, given, family, vip, dept, service, status, team,
     assignee, assignee_id, updated, opened, due, risk, breached, paused, major, version) = r
    caller = f"{preferred or given} {family}".strip() if family is not None else None
    return QueueRow(iid, number, priority, title, caller, bool(vip), dept, service, status, team,
                    assignee, assignee_id, _utc(updated), _utc(opened), _utc(due), _utc(risk),  # type: ignore[arg-type]
                    _utc(breached), _utc(paused), bool(major), version)


def _bind(column: Any, value: Any) -> Any:
    return bindparam(None, value, type_=column.type)

