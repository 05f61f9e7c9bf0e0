"""Pause/resume sequences: the replayed resolution clock against a second-by-second
oracle (time used, the instant a target is breached, the projected due time)."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk.sla.clock import BusinessClock
from desk.sla.history import Event, TicketHistory
from desk.sla.replay import RUNNING, Target, replay
from tests.desk.sla import oracle
from tests.desk.sla.test_clock_properties import offsets, specs

STATUSES = ["assigned", "in_progress", "pending_customer", "pending_parts", "pending_vendor", "in_progress"]


def history(opened: int, changes: list[tuple[int, str]]) -> TicketHistory:
    events = [Event(1, opened, "status", None, "new"), Event(1, opened, "priority", None, "P3")]
    prev = "new"
    for at, st_ in changes:
        events.append(Event(1, at, "status", prev, st_))
        prev = st_
    return TicketHistory(1, opened, prev, "P3", 1, None, None, None, None, tuple(events))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(), offsets, st.lists(st.tuples(st.integers(1, 3 * 3600), st.sampled_from(STATUSES)), max_size=5),
       st.integers(1, 3 * 3600), st.integers(0, 8 * 3600))
def test_pause_resume_matches_oracle(case, offset, steps, target, span) -> None:  # type: ignore[no-untyped-def]
    spec, anchor = case
    opened = int(dt.datetime.combine(anchor, dt.time(), tzinfo=spec.zone).timestamp()) - 6 * 3600 + offset
    changes, t = [], opened
    for delta, status in steps:
        t += delta
        changes.append((t, status))
    as_of = opened + span
    clock = BusinessClock(spec)
    result = replay(history(opened, changes), lambda p: Target(target * 2, target, clock, 75), as_of).resolution
    assert result is not None

    works = oracle.working_second(spec)

    def status_at(sec: int) -> str:
        current = "new"
        for at, st_ in changes:
            if at <= sec:
                current = st_
        return current

    used, breach = 0, None
    for sec in range(opened, as_of):
        if status_at(sec) in RUNNING and works(sec):
            used += 1
            if used == target + 1 and breach is None:
                breach = sec + 1  # breached past 100 %: the first instant used > target
    assert result.used_s == used
    assert result.breached_at == breach
    if status_at(as_of) in RUNNING and breach is None:
        # The last instant the target can be met: the start of the first second beyond it.
        end = oracle.add(works, as_of, target + 1 - used, limit=24 * 3600)
        if end is not None:
            assert result.due == end - 1
    if status_at(as_of).startswith("pending"):
        assert result.state in ("paused", "breached")
        assert (result.state == "breached") == (breach is not None)
