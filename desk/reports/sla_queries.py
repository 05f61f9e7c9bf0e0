"""The SLA report's queries: aggregations in SQL over the stored SLA columns.

Definitions (printed on the report too):
- opened / resolved: opened_at / resolved_at inside the period;
- a target's outcome is counted once, in the period it became known: at its recorded
  breach, otherwise at the response (resolution); met = answered and no breach recorded
  (``desk.sla.outcome``: a breach under an earlier, shorter target stays a miss);
- backlog at an instant T: opened before T, not cancelled, and not resolved or closed
  before T;
- times to respond / resolve: the stored business seconds of tickets responded /
  resolved in the period.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Select,
    Table,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from db.enums import IncidentStatus
from db.models import Incident, Service, StaffAccount, Team, VipPolicy
from desk.errors import InvalidInput
from desk.reports.params import GroupBy, ReportParams, local_midnight
from desk.reports.sla_data import (
    AGEING_BUCKETS,
    AgeingRow,
    BreachRow,
    ComplianceRow,
    Counts,
    MajorRow,
    Summary,
    TargetRange,
    TimeStats,
    VipUsage,
    WeekRow,
)
from desk.reports.sql_tools import at, bucket_index, percentiles
from desk.sla import outcome

# Declarative typing says FromClause; a mapped class's __table__ is always a Table.
INCIDENTS: Table = Incident.__table__  # type: ignore[assignment]

COUNT_FIELDS = ("opened", "resolved", "response_measured", "response_met",
                "resolution_measured", "resolution_met")


@dataclass(frozen=True)
class Scope:
    """ReportParams resolved against the database: ids and UTC instants."""

    start: dt.datetime
    end: dt.datetime
    service_ids: tuple[int, ...]
    team_ids: tuple[int, ...]
    priorities: tuple[str, ...]
    channels: tuple[str, ...]
    week_bounds: tuple[dt.datetime, ...]   # bucket edges: start, each Monday inside, end
    week_labels: tuple[dt.date, ...]       # the Monday of each bucket's week
    # Where the incident rows come from: the incidents table, or the report's working set
    # (a temporary table with the period's rows already filtered, see working_set.py).
    src: Table = INCIDENTS
    filtered: bool = False

    @property
    def c(self) -> Any:
        return self.src.c

    def filters(self) -> list[ColumnElement[bool]]:
        f: list[ColumnElement[bool]] = []
        if self.filtered:
            return f
        c = self.c
        if self.service_ids:
            f.append(c.service_id.in_(self.service_ids))
        if self.team_ids:
            f.append(c.team_id.in_(self.team_ids))
        if self.priorities:
            f.append(c.priority.in_(self.priorities))
        if self.channels:
            f.append(c.channel.in_(self.channels))
        return f

    def inside(self, col: ColumnElement[Any]) -> list[ColumnElement[bool]]:
        return [col >= at(self.start), col < at(self.end)]


def resolve_scope(s: Session, params: ReportParams) -> Scope:
    service_ids = _ids(s, Service, params.services, "service")
    team_ids = _ids(s, Team, params.teams, "team")
    zone = params.zone
    day = params.date_from
    bounds = [params.start_utc]
    labels = [day]  # the first bucket starts with the period, on whatever weekday
    day += dt.timedelta(days=(7 - day.weekday()) % 7 or 7)
    while day <= params.date_to:
        bounds.append(local_midnight(day, zone))
        labels.append(day)
        day += dt.timedelta(days=7)
    bounds.append(params.end_utc)
    return Scope(
        start=params.start_utc, end=params.end_utc, service_ids=service_ids, team_ids=team_ids,
        priorities=tuple(p.value for p in params.priorities),
        channels=tuple(c.value for c in params.channels),
        week_bounds=tuple(bounds), week_labels=tuple(labels),
    )


def _ids(s: Session, model: Any, names: Sequence[str], what: str) -> tuple[int, ...]:
    if not names:
        return ()
    found = {n.casefold(): i for i, n in s.execute(select(model.id, model.name))}
    missing = [n for n in names if n.casefold() not in found]
    if missing:
        known = ", ".join(sorted(n for n in s.execute(select(model.name)).scalars()))
        raise InvalidInput(f"Unknown {what} {missing[0]!r}. Known: {known}.", what)
    return tuple(found[n.casefold()] for n in names)


# -- counts -------------------------------------------------------------------------

KeyFn = Callable[[ColumnElement[Any]], Sequence[ColumnElement[Any]]]


def _outcome(breached: ColumnElement[Any], done: ColumnElement[Any]) -> ColumnElement[Any]:
    # A recorded breach comes before the late response/resolution, so coalesce picks
    # the instant the outcome became known.
    return func.coalesce(breached, done)


def _arms(I: Any) -> list[tuple[ColumnElement[Any], dict[str, ColumnElement[Any]]]]:
    """One arm per kind of event: (its time, the count columns it contributes)."""
    one, zero = literal(1), literal(0)
    return [
        (I.opened_at, {"opened": one}),
        (I.resolved_at, {"resolved": one}),
        (_outcome(I.response_breached_at, I.responded_at),
         {"response_measured": one, "response_met": case((outcome.met_sql(I, "response"), one), else_=zero)}),
        (_outcome(I.resolution_breached_at, I.resolved_at),
         {"resolution_measured": one, "resolution_met": case((outcome.met_sql(I, "resolution"), one), else_=zero)}),
    ]


def count_rows(s: Session, scope: Scope, keys: KeyFn, nkeys: int,
               per_event: bool = True) -> dict[tuple[Any, ...], tuple[Counts, TargetRange, TargetRange]]:
    """Counts per group, aggregated in SQL.

    ``keys(time)`` gives the grouping columns of an event at ``time``. When the groups
    are ticket attributes (``per_event`` False: service, team, assignee, or none) one
    pass with conditional sums does; when they depend on the event's own time (weeks),
    a UNION ALL of the four event arms is grouped instead.
    """
    I = scope.c
    arms = _arms(I)
    if per_event:
        selects: list[Select[Any]] = []
        for time, contrib in arms:
            cols = [k.label(f"k{i}") for i, k in enumerate(keys(time))]
            cols += [contrib.get(f, literal(0)).label(f) for f in COUNT_FIELDS]
            cols += [I.response_target_s.label("rt"), I.resolution_target_s.label("st")]
            selects.append(select(*cols).where(*scope.filters(), *scope.inside(time)))
        u = union_all(*selects).subquery("events")
        kcols: list[Any] = [u.c[f"k{i}"] for i in range(nkeys)]
        stmt = select(*kcols, *[func.sum(u.c[f]) for f in COUNT_FIELDS],
                      func.min(u.c.rt), func.max(u.c.rt), func.min(u.c.st), func.max(u.c.st))
    else:
        inside = [and_(*scope.inside(time)) for time, _ in arms]
        sums: dict[str, ColumnElement[Any]] = {}
        for cond, (_time, contrib) in zip(inside, arms):
            for f, value in contrib.items():
                sums[f] = func.sum(case((cond, value), else_=literal(0)))
        touched = or_(*inside)
        kcols = list(keys(I.opened_at))
        stmt = select(*kcols, *[sums[f] for f in COUNT_FIELDS],
                      func.min(I.response_target_s), func.max(I.response_target_s),
                      func.min(I.resolution_target_s), func.max(I.resolution_target_s)
                      ).where(*scope.filters(), touched)
    if kcols:
        stmt = stmt.group_by(*kcols)
    out = {}
    for row in s.execute(stmt):
        vals = [int(v or 0) for v in row[nkeys:nkeys + len(COUNT_FIELDS)]]
        if not any(vals):
            continue
        rt_lo, rt_hi, st_lo, st_hi = row[nkeys + len(COUNT_FIELDS):]
        out[tuple(row[:nkeys])] = (Counts(*vals), TargetRange(rt_lo, rt_hi), TargetRange(st_lo, st_hi))
    return out


def _time_stats(s: Session, scope: Scope, keys: KeyFn, value: str,
                time: str) -> dict[tuple[Any, ...], TimeStats]:
    value_col, time_col = scope.c[value], scope.c[time]
    got = percentiles(s, value_col, list(keys(time_col)), [*scope.filters(), *scope.inside(time_col)])
    return {k: TimeStats(n, v[0], v[1]) for k, (n, v) in got.items()}


# -- the report's sections ----------------------------------------------------------------

def summary(s: Session, scope: Scope) -> Summary:
    I = scope.c
    def none(_t: object) -> tuple[()]:
        return ()

    counts = count_rows(s, scope, none, 0, per_event=False).get((), (Counts(), None, None))[0]
    start_open, end_open = s.execute(select(
        func.count().filter(_open_at(I, scope.start)),
        func.count().filter(_open_at(I, scope.end)),
    ).where(*scope.filters(), I.opened_at < at(scope.end))).one()
    resp = _time_stats(s, scope, none, "response_elapsed_s", "responded_at").get((), TimeStats())
    res = _time_stats(s, scope, none, "resolution_elapsed_s", "resolved_at").get((), TimeStats())
    svc = Service.__table__.c
    majors = tuple(
        MajorRow(r.number, r.title, r.name or "—", _status(r.status), r.opened_at)
        for r in s.execute(
            select(I.number, I.title, svc.name, I.status, I.opened_at)
            .join_from(scope.src, Service.__table__, I.service_id == svc.id, isouter=True)
            .where(*scope.filters(), *scope.inside(I.opened_at), I.is_major.is_(True))
            .order_by(I.opened_at, I.number)
        )
    )
    return Summary(counts, int(start_open), int(end_open), resp, res, majors)


def _status(v: Any) -> str:
    return str(getattr(v, "value", v))


def _open_at(I: Any, t: dt.datetime) -> ColumnElement[bool]:
    """In the backlog at instant t (see the module's definitions)."""
    return and_(
        I.opened_at < at(t),
        I.status != IncidentStatus.CANCELLED.value,
        or_(I.resolved_at.is_(None), I.resolved_at >= at(t)),
        or_(I.closed_at.is_(None), I.closed_at >= at(t)),
    )


def group_keys(group_by: GroupBy, scope: Scope) -> tuple[KeyFn, int, bool]:
    """(grouping columns of an event at a time, how many, whether they depend on the time)."""
    I = scope.c
    if group_by is GroupBy.SERVICE_PRIORITY:
        return (lambda _t: (I.service_id, I.priority)), 2, False
    if group_by is GroupBy.TEAM:
        return (lambda _t: (I.team_id,)), 1, False
    if group_by is GroupBy.ASSIGNEE:
        return (lambda _t: (I.assignee_id,)), 1, False
    return (lambda t: (bucket_index(t, scope.week_bounds),)), 1, True


def compliance(s: Session, scope: Scope, group_by: GroupBy,
               week_counts: dict[tuple[Any, ...], tuple[Counts, TargetRange, TargetRange]] | None = None,
               ) -> tuple[ComplianceRow, ...]:
    keys, n, per_event = group_keys(group_by, scope)
    if group_by is GroupBy.WEEK and week_counts is not None:
        counts = week_counts  # the weekly trend already counted exactly these groups
    else:
        counts = count_rows(s, scope, keys, n, per_event)
    resp = _time_stats(s, scope, keys, "response_elapsed_s", "responded_at")
    res = _time_stats(s, scope, keys, "resolution_elapsed_s", "resolved_at")
    names = _names(s)
    rows = []
    for key in set(counts) | set(resp) | set(res):
        c, rt, st = counts.get(key, (Counts(), TargetRange(), TargetRange()))
        rows.append(ComplianceRow(key, _label(group_by, key, names, scope), c, rt, st,
                                  resp.get(key, TimeStats()), res.get(key, TimeStats())))
    rows.sort(key=lambda r: _sort_key(group_by, r))
    return tuple(rows)


def _sort_key(group_by: GroupBy, r: ComplianceRow) -> tuple[Any, ...]:
    if group_by is GroupBy.WEEK:
        return (r.key[0],)
    return tuple((lbl == "—", lbl.casefold()) for lbl in r.label)


def _names(s: Session) -> dict[str, dict[int, str]]:
    return {
        "service": dict(s.execute(select(Service.id, Service.name)).all()),
        "team": dict(s.execute(select(Team.id, Team.name)).all()),
        "staff": dict(s.execute(select(StaffAccount.id, StaffAccount.display_name)).all()),
    }


def _label(group_by: GroupBy, key: tuple[Any, ...], names: dict[str, dict[int, str]],
           scope: Scope) -> tuple[str, ...]:
    if group_by is GroupBy.SERVICE_PRIORITY:
        return (names["service"].get(key[0], "—") if key[0] is not None else "(no service)",
                _status(key[1]))
    if group_by is GroupBy.TEAM:
        return (names["team"].get(key[0], "—") if key[0] is not None else "(no team)",)
    if group_by is GroupBy.ASSIGNEE:
        return (names["staff"].get(key[0], "—") if key[0] is not None else "(unassigned)",)
    return (f"Week from {scope.week_labels[int(key[0])].isoformat()}",)


def week_counts(s: Session, scope: Scope) -> dict[tuple[Any, ...], tuple[Counts, TargetRange, TargetRange]]:
    keys, n, per_event = group_keys(GroupBy.WEEK, scope)
    return count_rows(s, scope, keys, n, per_event)


def weeks(s: Session, scope: Scope,
          counts: dict[tuple[Any, ...], tuple[Counts, TargetRange, TargetRange]] | None = None,
          ) -> tuple[WeekRow, ...]:
    if counts is None:
        counts = week_counts(s, scope)
    return tuple(
        WeekRow(label, counts.get((i,), (Counts(),))[0]) for i, label in enumerate(scope.week_labels)
    )


def ageing(s: Session, scope: Scope) -> tuple[AgeingRow, ...]:
    """Backlog at the end of the period by priority and age (calendar time open)."""
    I = scope.c
    return ageing_rows(s, I, [*scope.filters(), _open_at(I, scope.end)], scope.end)


def ageing_rows(s: Session, I: Any, where: Sequence[ColumnElement[bool]],
                when: dt.datetime) -> tuple[AgeingRow, ...]:
    """Rows matching ``where`` by priority and age at ``when`` in AGEING_BUCKETS, counted
    in SQL. The report passes its backlog at the period's end; the dashboard its open
    tickets now, so both draw the same buckets with the same edges."""
    edges = [when - dt.timedelta(days=d) for _, d in AGEING_BUCKETS]
    # Bucket k: edges[k+1] < opened_at <= edges[k]  (older tickets land in higher k).
    bucket = case(*[(I.opened_at > at(edges[k + 1]), literal(k)) for k in range(len(edges) - 1)],
                  else_=literal(len(edges) - 1))
    inner = select(I.priority.label("p"), bucket.label("b")).where(*where).subquery()
    counts: dict[str, list[int]] = {}
    for p, b, n in s.execute(select(inner.c.p, inner.c.b, func.count()).group_by(inner.c.p, inner.c.b)):
        counts.setdefault(_status(p), [0] * len(AGEING_BUCKETS))[int(b)] = int(n)
    return tuple(AgeingRow(p, tuple(v)) for p, v in sorted(counts.items()))


def vip_usage(s: Session, scope: Scope) -> VipUsage:
    I = scope.c
    v = VipPolicy.__table__.c
    in_force = s.execute(
        select(v.version, v.published_at).where(v.published_at < at(scope.end))
        .order_by(v.version.desc()).limit(1)
    ).first()
    by_version = tuple(
        (int(ver), int(n)) for ver, n in s.execute(
            select(v.version, func.count())
            .join_from(scope.src, VipPolicy.__table__, I.vip_policy_id == v.id)
            .where(*scope.filters(), *scope.inside(I.opened_at))
            .group_by(v.version).order_by(v.version)
        )
    )
    published = None
    if in_force is not None:
        published = in_force[1] if in_force[1].tzinfo else in_force[1].replace(tzinfo=dt.UTC)
    return VipUsage(in_force[0] if in_force else None, published, by_version)


def breaches(s: Session, scope: Scope) -> tuple[BreachRow, ...]:
    """Every response and resolution breach recorded in the period, oldest first."""
    I = scope.c
    svc = Service.__table__.c
    raw_utc = s.get_bind().dialect.name == "postgresql"
    if raw_utc:
        # In UTC the driver itself returns aware UTC datetimes (datetime.UTC), so the
        # column type's conversion, 0.75 s for a year's 313,000 breaches at 10M, is skipped.
        s.execute(text("SET LOCAL TIME ZONE 'UTC'"))

    def arm(kind: str, breached: ColumnElement[Any], target: ColumnElement[Any],
            elapsed: ColumnElement[Any]) -> Select[Any]:
        when = type_coerce(breached, DateTime(timezone=True)) if raw_utc else breached
        return (
            select(I.number, I.title, svc.name.label("service"), I.priority, literal(kind).label("kind"),
                   when.label("breached_at"), target.label("target"), elapsed.label("elapsed"))
            .join_from(scope.src, Service.__table__, I.service_id == svc.id, isouter=True)
            .where(*scope.filters(), *scope.inside(breached))
        )

    u = union_all(
        arm("response", I.response_breached_at, I.response_target_s, I.response_elapsed_s),
        arm("resolution", I.resolution_breached_at, I.resolution_target_s, I.resolution_elapsed_s),
    ).subquery("b")
    stmt = select(u).order_by(u.c.breached_at, u.c.number, u.c.kind)
    # Fetched at once and unpacked by position: a year at 10M tickets has 313,000
    # breaches, and a server-side cursor's round trips, a driver call per row and named
    # attribute lookups made up most of their time. breached_at comes back aware UTC
    # (from the driver in UTC, or db.types.UTCDateTime on SQLite) and is never NULL here.
    return tuple(
        BreachRow(number, title, service or "(no service)", _status(priority), kind, breached, target, elapsed)
        for number, title, service, priority, kind, breached, target, elapsed in s.execute(stmt).all())
