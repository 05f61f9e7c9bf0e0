"""The dashboard's chart figures (compliance per week, open tickets by age) against a
brute-force count in Python over the same rows, on both engines, with tickets on the
edges of the weeks (a DST change among them) and of the age buckets."""
from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from db.models import Incident, Team
from desk.actor import Actor
from desk.bootstrap import Services
from desk.reports.dashboard import TREND_WEEKS
from desk.reports.sla_data import AGEING_BUCKETS
from tests.desk.reports.independent import raw_rows
from tests.desk.reports.test_dashboard import NOW, ticket

NY = ZoneInfo("America/New_York")
DAY = dt.timedelta(days=1)
S = dt.timedelta(seconds=1)
NOT_OPEN = {"resolved", "closed", "cancelled"}
# Priorities as the matrix derives them, so the server's trigger keeps what we insert.
IMPACT_URGENCY = {"P1": ("high", "high"), "P2": ("high", "medium"), "P3": ("high", "low"),
                  "P4": ("medium", "low"), "P5": ("low", "low")}


def monday_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=NY).astimezone(dt.UTC)


# Monday 2 November 2026 is the first Monday after the clocks went back (1 November):
# its midnight is 05:00 UTC, the Monday before's 04:00 UTC.
THIS_MONDAY = dt.date(2026, 11, 2)
MONDAYS = [THIS_MONDAY - dt.timedelta(days=7 * k) for k in range(TREND_WEEKS - 1, -1, -1)]
BOUNDS = [monday_midnight(m) for m in MONDAYS] + [NOW]


def row(n: int, team: int, priority: str = "P3", **kw: Any) -> dict[str, Any]:
    impact, urgency = IMPACT_URGENCY[priority]
    # One set of keys for every row: an executemany takes its columns from the first.
    kw.setdefault("closed_at", None)
    return ticket(n, team, priority=priority, priority_explanation=priority, impact=impact, urgency=urgency,
                  **kw)


def edge_rows(team: int) -> list[dict[str, Any]]:
    """Tickets placed on the edges the queries must get right."""
    first, this = BOUNDS[0], BOUNDS[-2]
    old = first - 30 * DAY
    closed = {"status": "closed", "opened_at": old, "closed_at": NOW - S}
    return [
        # The week edges: at the Monday's midnight counts in that week, a moment before in the last.
        row(101, team, **closed, responded_at=this),                                   # this week, met
        row(102, team, **closed, responded_at=this - S),                               # last week, met
        row(103, team, **closed, responded_at=this - 30 * 60 * S),  # 04:30 UTC: still Sunday in New York
        row(104, team, **closed, response_breached_at=first, responded_at=first + DAY),  # first week, breached
        row(105, team, **closed, response_breached_at=first - S),                      # before the first week
        row(106, team, **closed, resolved_at=first, resolution_breached_at=first - 2 * S),  # breach known before
        row(107, team, **closed, resolved_at=BOUNDS[5], responded_at=BOUNDS[5]),       # both met, week 6
        row(108, team, status="resolved", opened_at=this, resolved_at=NOW - S, responded_at=NOW - S),
        row(109, team, status="assigned", opened_at=NOW),                              # opened at this instant
        # The age edges: exactly d days old is in the bucket that starts at d.
        *[row(110 + i, team, "P2", status="assigned", opened_at=NOW - d * DAY)
          for i, (_label, d) in enumerate(AGEING_BUCKETS)],
        *[row(120 + i, team, "P4", status="in_progress", opened_at=NOW - d * DAY + S)
          for i, (_label, d) in enumerate(AGEING_BUCKETS)],
        row(130, team, "P1", status="pending_vendor", opened_at=NOW - 400 * DAY),
        row(131, team, "P1", status="cancelled", opened_at=NOW - 2 * DAY),           # not open
        row(132, team, "P5", status="resolved", opened_at=NOW - 2 * DAY, resolved_at=NOW - DAY),
    ]


def random_rows(team: int, n: int) -> list[dict[str, Any]]:
    """Tickets spread over the weeks and a little before, in every status."""
    rnd = random.Random(13)
    start = BOUNDS[0] - 20 * DAY
    span = (NOW - start).total_seconds()
    out = []
    for i in range(n):
        opened = start + dt.timedelta(seconds=rnd.uniform(0, span))
        kw: dict[str, Any] = {"opened_at": opened}

        def later(opened: dt.datetime = opened) -> dt.datetime:
            return min(NOW - S, opened + dt.timedelta(hours=rnd.uniform(0, 24 * 20)))
        if rnd.random() < 0.8:
            kw["responded_at"] = later()
            if rnd.random() < 0.3:
                kw["response_breached_at"] = min(kw["responded_at"], later())
        elif rnd.random() < 0.5:
            kw["response_breached_at"] = later()
        status = rnd.choice(["new", "assigned", "in_progress", "pending_customer", "resolved", "closed",
                             "cancelled"])
        if status in ("resolved", "closed"):
            kw["resolved_at"] = max(later(), kw.get("responded_at") or opened)
            if rnd.random() < 0.25:
                kw["resolution_breached_at"] = min(kw["resolved_at"], later())
        elif rnd.random() < 0.2:
            kw["resolution_breached_at"] = later()
        out.append(row(1000 + i, team, rnd.choice(list(IMPACT_URGENCY)), status=status, **kw))
    return out


def brute_weeks(rows: list[dict[str, Any]]) -> list[tuple[int, ...]]:
    """(opened, resolved, response measured/met, resolution measured/met) per week."""
    def week(t: dt.datetime | None) -> int | None:
        if t is None or not BOUNDS[0] <= t < BOUNDS[-1]:
            return None
        return max(k for k in range(TREND_WEEKS) if t >= BOUNDS[k])

    out = [[0] * 6 for _ in range(TREND_WEEKS)]
    for r in rows:
        for t, fields in ((r["opened_at"], ((0, 1),)), (r["resolved_at"], ((1, 1),)),
                          (r["response_breached_at"] or r["responded_at"],
                           ((2, 1), (3, r["response_breached_at"] is None))),
                          (r["resolution_breached_at"] or r["resolved_at"],
                           ((4, 1), (5, r["resolution_breached_at"] is None)))):
            k = week(t)
            if k is not None:
                for f, v in fields:
                    out[k][f] += int(v)
    return [tuple(w) for w in out]


def brute_ageing(rows: list[dict[str, Any]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for r in rows:
        if r["status"] in NOT_OPEN:
            continue
        age = max(NOW - r["opened_at"], dt.timedelta(0))  # a clock ahead: new, as in SQL
        k = max(i for i, (_label, d) in enumerate(AGEING_BUCKETS) if age >= d * DAY)
        out.setdefault(r["priority"], [0] * len(AGEING_BUCKETS))[k] += 1
    return out


def test_weeks_and_ageing_match_a_brute_force_count(services: Services, admin: Actor) -> None:
    with services.db.writing() as s:
        team = s.execute(select(Team.id).where(Team.name == "Network")).scalar_one()
        s.execute(insert(Incident.__table__), edge_rows(team) + random_rows(team, 300))
    d = Services.over(services.db, lambda: NOW).dashboard.snapshot(admin)
    rows = raw_rows(services.db)

    assert [w.week_start for w in d.weeks] == MONDAYS
    got = [(w.counts.opened, w.counts.resolved, w.counts.response_measured, w.counts.response_met,
            w.counts.resolution_measured, w.counts.resolution_met) for w in d.weeks]
    assert got == brute_weeks(rows)
    assert d.this_week == d.weeks[-1].counts and d.last_week == d.weeks[-2].counts
    assert {a.priority: list(a.buckets) for a in d.ageing} == brute_ageing(rows)
    # The open tickets by age are the open tickets the team table counts.
    assert sum(a.total for a in d.ageing) == d.totals.open


def test_edges_land_where_the_definitions_say(services: Services, admin: Actor) -> None:
    with services.db.writing() as s:
        team = s.execute(select(Team.id).where(Team.name == "Network")).scalar_one()
        s.execute(insert(Incident.__table__), edge_rows(team))
    d = Services.over(services.db, lambda: NOW).dashboard.snapshot(admin)
    w = [x.counts for x in d.weeks]
    # 101 at this Monday's midnight and 108 responded now-ish; 102 and 103 (04:30 UTC is
    # 23:30 on Sunday in New York after the clocks went back) in the week before.
    assert (w[-1].response_measured, w[-1].response_met) == (2, 2)
    assert (w[-2].response_measured, w[-2].response_met) == (2, 2)
    # 104's breach at the first Monday's midnight counts; 105's, a second before, does not.
    assert (w[0].response_measured, w[0].response_met) == (1, 0)
    # 106's resolution breach is known two seconds before the first week: not counted, though
    # the resolution itself falls inside it.
    assert (w[0].resolved, w[0].resolution_measured) == (1, 0)
    assert (w[5].resolution_measured, w[5].resolution_met, w[5].response_met) == (1, 1, 1)
    ageing = {a.priority: a.buckets for a in d.ageing}
    n = len(AGEING_BUCKETS)
    assert ageing["P2"] == (1,) * n           # exactly 0, 1, 3, 7, 14, 30 days: one per bucket
    # A second younger than each edge: the bucket below it (the first edge, 0 days, is the
    # future: a clock a second ahead still counts as new).
    assert ageing["P4"] == (2, 1, 1, 1, 1, 0)
    assert ageing["P1"] == (0,) * (n - 1) + (1,)   # the cancelled one is not open
    assert "P5" not in ageing
    assert ageing["P3"][0] == 1                    # 109, opened this instant
