"""SLA outcomes against a second-by-second oracle (tests/desk/sla/outcome_oracle.py), on
generated calendars and histories: statuses along the lifecycle, moves between Pending
states, priority changes, responses. Checked: the paused-since instant, breached past
100 % (per priority stretch, live clock only), due = the last instant the target can be
met, and one definition of met shared by the replay, the stored columns and the SQL
conditions of desk.sla.outcome on a real SQLite database.

``DESK_SLOW=1`` (marked ``slow``) runs the same properties on many more examples."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from db.models import Incident
from desk.bootstrap import Services
from desk.rules import lifecycle
from desk.sla import outcome, stored
from desk.sla.clock import BusinessClock, from_epoch
from desk.sla.history import Event, TicketHistory
from desk.sla.replay import SlaResult, Target, replay
from tests.desk.sla import outcome_oracle as oracle

OPENED = 1_800_000_000          # a Friday, 08:00 UTC (2027); the calendars are generated anyway
SPAN = 4 * 3600                 # the generated calendar covers [OPENED - 900, OPENED + SPAN)
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MANY = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DB = settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@dataclass(frozen=True)
class Case:
    intervals: tuple[tuple[int, int], ...]      # working time of the desk calendar (P2, P3)
    targets: dict[str, tuple[int, int]]         # priority -> (response, resolution) seconds
    statuses: tuple[tuple[int, str], ...]       # (instant, status), the first at opening
    priorities: tuple[tuple[int, str], ...]
    as_of: int

    def history(self) -> TicketHistory:
        events = [Event(1, OPENED, "status", None, "new"), Event(1, OPENED, "priority", None, self.priorities[0][1])]
        changes = [(t, "status", v) for t, v in self.statuses[1:]] + [(t, "priority", v) for t, v in self.priorities[1:]]
        old = {"status": "new", "priority": self.priorities[0][1]}
        for t, field, v in sorted(changes, key=lambda c: c[0]):
            events.append(Event(1, t, field, old[field], v))
            old[field] = v
        return TicketHistory(1, OPENED, old["status"], old["priority"], 1, None, None, None, None, tuple(events))


@st.composite
def cases(draw: st.DrawFn) -> Case:
    # The desk calendar: alternating working and closed stretches, so periods end (a
    # "Friday 18:00") right where a target is used up as often as anywhere else.
    intervals, t, working = [], OPENED - draw(st.integers(0, 900)), draw(st.booleans())
    while t < OPENED + SPAN:
        length = draw(st.integers(60, 1500))
        if working:
            intervals.append((t, min(t + length, OPENED + SPAN)))
        t += length
        working = not working
    ends = [sum(min(b, e) - max(a, OPENED) for a, b in intervals if b > OPENED and a < e)
            for _, e in intervals if e > OPENED]
    ends = [x for x in ends if x > 0]

    def target(lo: int, hi: int) -> int:
        if ends and draw(st.booleans()):
            return draw(st.sampled_from(ends))  # used up exactly at the end of a working stretch
        return draw(st.integers(lo, hi))

    targets = {"P1": (draw(st.integers(60, 900)), draw(st.integers(300, 3 * 3600))),  # 24 × 7
               "P2": (target(60, 1800), target(300, 2 * 3600)),
               "P3": (target(300, 3600), target(600, 3 * 3600))}
    statuses, priorities = [(OPENED, "new")], [(OPENED, draw(st.sampled_from(["P1", "P2", "P3"])))]
    t = OPENED
    for _ in range(draw(st.integers(0, 8))):
        t += draw(st.integers(1, 1800))
        if draw(st.integers(0, 3)) == 0:
            priorities.append((t, draw(st.sampled_from(["P1", "P2", "P3"]))))
            continue
        options = lifecycle.values(lifecycle.allowed_incident_transitions(lifecycle.S(statuses[-1][1])))
        if options:
            statuses.append((t, draw(st.sampled_from(options))))
    as_of = min(OPENED + SPAN - 1, max(OPENED, t + draw(st.integers(-1800, 3600))))
    return Case(tuple(intervals), targets, tuple(statuses), tuple(priorities), as_of)


def _works(intervals: tuple[tuple[int, int], ...]) -> Callable[[int], bool]:
    marks = bytearray(SPAN + 2000)
    for a, b in intervals:
        for s in range(max(a, OPENED - 1000), b):
            marks[s - OPENED + 1000] = 1
    return lambda s: OPENED - 1000 <= s < OPENED + SPAN + 1000 and bool(marks[s - OPENED + 1000])


def run(case: Case) -> tuple[SlaResult, oracle.ExpectedTicket]:
    desk = BusinessClock.from_intervals(case.intervals, name="desk")
    always = BusinessClock.from_intervals([(OPENED - 1000, OPENED + SPAN)], name="24x7")
    clocks = {"P1": always, "P2": desk, "P3": desk}
    targets = {p: Target(r, s, clocks[p], 75) for p, (r, s) in case.targets.items()}
    result = replay(case.history(), targets.get, case.as_of)
    always_works: Callable[[int], bool] = lambda s: OPENED - 1000 <= s < OPENED + SPAN  # noqa: E731
    desk_works = _works(case.intervals)
    goals = {p: oracle.Goal(r, s, always_works if p == "P1" else desk_works, OPENED + SPAN)
             for p, (r, s) in case.targets.items()}
    return result, oracle.expect(OPENED, case.as_of, case.statuses, case.priorities, goals)


def check(case: Case) -> SlaResult:
    result, exp = run(case)
    assert (result.status, result.priority) == (exp.status, exp.priority)
    assert result.paused_since == exp.paused_since
    single_priority = len({p for _, p in case.priorities}) == 1
    for kind in outcome.KINDS:
        got, want = getattr(result, kind), getattr(exp, kind)
        assert got is not None
        assert got.used_s == want.used, kind
        assert (got.breached_at, got.breach_priority) == (want.breached_at, want.breach_priority), kind
        assert got.due == want.due, kind
        assert got.at_risk_at == want.at_risk_at, kind
        assert got.done_at == want.done_at, kind
        # One definition of met: answered and no breach recorded.
        met = outcome.is_met(got.done_at, got.breached_at)
        assert met == (want.done_at is not None and want.breached_at is None)
        assert (got.state == "met") == met
        if single_priority:
            # With one target throughout, met ⇔ stopped at or before the due, and a running
            # clock is breached ⇔ now > due: every check is one comparison.
            if want.done_at is not None and want.due is not None:
                assert met == (want.done_at <= want.due), kind
            if got.state in ("on_track", "at_risk", "breached") and want.due is not None:
                assert (got.state == "breached") == (case.as_of > want.due), kind
    return result


@QUICK
@given(cases())
def test_outcomes_match_the_oracle(case: Case) -> None:
    check(case)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("DESK_SLOW"), reason="set DESK_SLOW=1 for the long oracle run")
@MANY
@given(cases())
def test_outcomes_match_the_oracle_many(case: Case) -> None:
    check(case)


@QUICK
@given(cases(), st.integers(0, SPAN))
def test_a_recorded_breach_stays_recorded_as_history_grows(case: Case, cut: int) -> None:
    """What a sweep records at instant ``a`` (history before ``a``) survives every later
    replay, events at ``a`` itself included (the database refuses to clear a breach)."""
    a = min(OPENED + cut, case.as_of)
    full = case.history()
    earlier = TicketHistory(1, OPENED, full.status, full.priority, 1, None, None, None, None,
                            tuple(e for e in full.events if e[1] < a or e[1] == OPENED))
    desk = BusinessClock.from_intervals(case.intervals, name="desk")
    always = BusinessClock.from_intervals([(OPENED - 1000, OPENED + SPAN)], name="24x7")
    targets = {p: Target(r, s, always if p == "P1" else desk, 75) for p, (r, s) in case.targets.items()}
    before, after = replay(earlier, targets.get, a), replay(full, targets.get, case.as_of)
    for kind in outcome.KINDS:
        b, c = getattr(before, kind), getattr(after, kind)
        if b.breached_at is not None:
            assert c.breached_at == b.breached_at, kind


def test_a_priority_change_at_the_breach_instant_keeps_the_breach() -> None:
    """The sweep records a P2 breach at 10:01 (30 min + 1 s); the ticket is lowered to P3
    in that same second: the second before it ran under P2, so the breach stays."""
    clock = BusinessClock.from_intervals([(OPENED - 1000, OPENED + SPAN)])
    targets = {"P2": Target(1800, 8 * 3600, clock), "P3": Target(4 * 3600, 30 * 3600, clock)}
    opening = (Event(1, OPENED, "status", None, "new"), Event(1, OPENED, "priority", None, "P2"))
    breach = OPENED + 1801
    swept = replay(TicketHistory(1, OPENED, "new", "P2", 1, None, None, None, None, opening), targets.get, breach)
    assert swept.response is not None and swept.response.breached_at == breach
    lowered = TicketHistory(1, OPENED, "new", "P3", 1, None, None, None, None,
                            (*opening, Event(1, breach, "priority", "P2", "P3")))
    for as_of in (breach, breach + 3600):
        r = replay(lowered, targets.get, as_of).response
        assert r is not None and (r.breached_at, r.breach_priority) == (breach, "P2")


def test_answered_on_saturday_after_a_friday_1800_due_is_met() -> None:
    """The reference's case: the target is used up exactly at the end of Friday; nothing
    passes until Monday 08:00, so that is the due, and an answer at Saturday 01:13 meets it."""
    ny = dt.timezone(dt.timedelta(hours=-5))
    at = lambda *a: int(dt.datetime(*a, tzinfo=ny).timestamp())  # noqa: E731
    desk = BusinessClock.from_intervals([(at(2027, 1, 15, 8), at(2027, 1, 15, 18)),
                                         (at(2027, 1, 18, 8), at(2027, 1, 18, 18))])
    opened = at(2027, 1, 15, 14)
    h = TicketHistory(1, opened, "in_progress", "P3", 1, None, None, None, None,
                      (Event(1, opened, "status", None, "new"), Event(1, opened, "priority", None, "P3"),
                       Event(1, at(2027, 1, 16, 1, 13), "status", "new", "in_progress")))
    r = replay(h, lambda p: Target(4 * 3600, 40 * 3600, desk), at(2027, 1, 20)).response
    assert r is not None
    assert (r.due, r.breached_at, r.state) == (at(2027, 1, 18, 8), None, "met")
    # Unanswered, it is breached one business second into Monday.
    r2 = replay(TicketHistory(1, opened, "new", "P3", 1, None, None, None, None, h.events[:2]),
                lambda p: Target(4 * 3600, 40 * 3600, desk), at(2027, 1, 18, 9)).response
    assert r2 is not None and (r2.due, r2.breached_at, r2.state) == (at(2027, 1, 18, 8), at(2027, 1, 18, 8, 0, 1),
                                                                    "breached")


def test_a_run_wholly_outside_working_hours_breaches_nothing() -> None:
    """Resolution used up exactly at Friday 18:00 as the ticket goes Pending; worked on
    for an hour on Saturday and Pending again: no business time passed, so no breach
    (the old engine marked one at Saturday's resume)."""
    day = 86_400
    fri8 = OPENED - OPENED % day + 8 * 3600
    desk = BusinessClock.from_intervals([(fri8, fri8 + 10 * 3600), (fri8 + 3 * day, fri8 + 3 * day + 10 * 3600)])
    sat = fri8 + day + 4 * 3600
    events = (Event(1, fri8, "status", None, "new"), Event(1, fri8, "priority", None, "P3"),
              Event(1, fri8 + 60, "status", "new", "in_progress"),
              Event(1, fri8 + 10 * 3600, "status", "in_progress", "pending_parts"),
              Event(1, sat, "status", "pending_parts", "in_progress"),
              Event(1, sat + 3600, "status", "in_progress", "pending_vendor"))
    h = TicketHistory(1, fri8, "pending_vendor", "P3", 1, None, None, None, None, events)
    r = replay(h, lambda p: Target(3600, 10 * 3600, desk), sat + 2 * 3600)
    assert r.resolution is not None
    assert (r.resolution.used_s, r.resolution.breached_at, r.resolution.state) == (10 * 3600, None, "paused")
    assert r.paused_since == sat + 3600


def test_a_move_between_pending_states_keeps_the_pause_start() -> None:
    clock = BusinessClock.from_intervals([(OPENED - 1000, OPENED + SPAN)])
    events = (Event(1, OPENED, "status", None, "new"), Event(1, OPENED + 60, "status", "new", "assigned"),
              Event(1, OPENED + 120, "status", "assigned", "pending_customer"),
              Event(1, OPENED + 600, "status", "pending_customer", "pending_vendor"))
    h = TicketHistory(1, OPENED, "pending_vendor", "P3", 1, None, None, None, None, events)
    r = replay(h, lambda p: Target(900, 3600, clock), OPENED + 900)
    assert r.paused_since == OPENED + 120
    assert stored.columns(r, None)["sla_paused_at"] == from_epoch(OPENED + 120)


# -- the same definition in SQL, over the stored columns of a real database ---------------

def _row(case: Case, result: SlaResult) -> dict[str, Any]:
    cols = stored.columns(result, None)
    res, resp = result.resolution, result.response
    assert res is not None and resp is not None
    return {
        "number": "INC-000001", "title": "T", "description": "", "impact": "low", "urgency": "low",
        "priority": result.priority, "priority_explanation": result.priority, "channel": "phone",
        "status": result.status, "is_major": False, "version": 1, "opened_at": from_epoch(OPENED),
        "updated_at": from_epoch(case.as_of), "responded_at": from_epoch(resp.done_at) if resp.done_at else None,
        "resolved_at": from_epoch(res.done_at) if res.done_at else None, **cols,
    }


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@DB
@given(cases())
def test_replay_stored_columns_and_sql_agree_on_met_and_breached(services: Services, case: Case) -> None:
    result = check(case)
    c = Incident.__table__.c
    now = from_epoch(case.as_of)
    with services.db.writing() as s:
        s.execute(delete(Incident.__table__))
        s.execute(insert(Incident.__table__), [_row(case, result)])

        def holds(cond: Any) -> bool:
            return s.execute(select(c.id).where(cond)).first() is not None

        for kind in outcome.KINDS:
            r = getattr(result, kind)
            running = (r.state in ("on_track", "at_risk", "breached") if kind == "resolution"
                       else r.done_at is None and result.status in outcome.OPEN)
            assert holds(outcome.met_sql(c, kind)) == outcome.is_met(r.done_at, r.breached_at) == (r.state == "met")
            assert holds(outcome.missed_sql(c, kind)) == (r.breached_at is not None)
            # Replayed as of now, "breached now" by the due column is the recorded breach.
            assert holds(outcome.breached_now_sql(c, kind, now)) == (r.breached_at is not None)
            assert outcome.breached_now(r.breached_at, r.due, running, case.as_of) == (r.breached_at is not None)
            assert holds(outcome.at_risk_now_sql(c, kind, now)) == (r.state == "at_risk"), kind
        states = {result.response.state, result.resolution.state}  # type: ignore[union-attr]
        breached = result.response.breached_at is not None or result.resolution.breached_at is not None  # type: ignore[union-attr]
        assert holds(outcome.ticket_breached_now_sql(c, now)) == breached
        assert holds(outcome.ticket_at_risk_now_sql(c, now)) == (not breached and "at_risk" in states)
