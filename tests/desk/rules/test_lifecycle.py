"""Incident lifecycle rules (reference: New → Assigned → In progress → Resolved → Closed)."""
from __future__ import annotations

import itertools

from db.enums import IncidentStatus as S
from desk.rules import lifecycle


def test_closed_and_cancelled_are_final() -> None:
    assert lifecycle.allowed_incident_transitions(S.CLOSED) == ()
    assert lifecycle.allowed_incident_transitions(S.CANCELLED) == ()


def test_pending_reachable_from_assigned_and_in_progress_and_back() -> None:
    for pending in lifecycle.PENDING:
        assert pending in lifecycle.allowed_incident_transitions(S.ASSIGNED)
        assert pending in lifecycle.allowed_incident_transitions(S.IN_PROGRESS)
        assert S.IN_PROGRESS in lifecycle.allowed_incident_transitions(pending)
        assert pending not in lifecycle.allowed_incident_transitions(S.NEW)


def test_cancel_only_from_new_or_assigned() -> None:
    for status in S:
        can_cancel = S.CANCELLED in lifecycle.allowed_incident_transitions(status)
        assert can_cancel == (status in (S.NEW, S.ASSIGNED)), status


def test_reasons_required_for_reopen_and_cancel() -> None:
    assert lifecycle.reason_required(S.RESOLVED, S.IN_PROGRESS) == "reopening"
    assert lifecycle.reason_required(S.NEW, S.CANCELLED) == "cancelling"
    assert lifecycle.reason_required(S.ASSIGNED, S.IN_PROGRESS) is None


# -- the status sets every other module takes from the lifecycle ----------------------------

def test_every_status_is_either_open_or_finished() -> None:
    for status in S:
        assert (status in lifecycle.OPEN_STATUSES) != (status in lifecycle.FINISHED), status
    assert lifecycle.WORKING | lifecycle.PENDING == lifecycle.OPEN_STATUSES
    assert not lifecycle.WORKING & lifecycle.PENDING


def test_final_statuses_are_those_without_a_way_out() -> None:
    assert {s for s, nxt in lifecycle.INCIDENT_TRANSITIONS.items() if not nxt} == lifecycle.FINAL
    # Open work can always move on; a finished ticket only through a reopening.
    assert all(lifecycle.INCIDENT_TRANSITIONS[s] for s in lifecycle.OPEN_STATUSES)
    for status in lifecycle.FINISHED - lifecycle.FINAL:
        assert all(lifecycle.reason_required(status, t) == "reopening" or t in lifecycle.FINAL
                   for t in lifecycle.INCIDENT_TRANSITIONS[status]), status


def test_resolved_or_closed_are_the_finished_statuses_with_a_resolution() -> None:
    assert lifecycle.FINISHED - {S.CANCELLED} == lifecycle.RESOLVED_OR_CLOSED
    assert S.CLOSED in lifecycle.INCIDENT_TRANSITIONS[S.RESOLVED]


def test_values_follow_the_enum_order_whatever_the_set_order() -> None:
    assert lifecycle.values(lifecycle.FINISHED) == ("resolved", "closed", "cancelled")
    assert lifecycle.values(reversed(list(S))) == tuple(s.value for s in S)


def _reach(target: S) -> list[S]:
    """A legal path from New to ``target`` (breadth first over the transition table)."""
    paths: dict[S, list[S]] = {S.NEW: [S.NEW]}
    frontier = [S.NEW]
    while frontier:
        current = frontier.pop(0)
        for nxt in lifecycle.INCIDENT_TRANSITIONS[current]:
            if nxt not in paths:
                paths[nxt] = [*paths[current], nxt]
                frontier.append(nxt)
    return paths[target]


def test_the_sla_clock_pauses_in_exactly_the_pending_statuses_and_stops_when_finished() -> None:
    from desk.sla.calendar import CalendarSpec, WeeklyHours
    from desk.sla.clock import BusinessClock
    from desk.sla.history import Event, TicketHistory
    from desk.sla.replay import Target, replay

    clock = BusinessClock(CalendarSpec("always", "UTC", tuple(WeeklyHours(d, 0, 86_400) for d in range(7))))
    opened, step = 1_700_000_000, 600
    for status in S:
        path = _reach(status)
        events = [Event(1, opened, "status", None, "new"), Event(1, opened, "priority", None, "P3")]
        events += [Event(1, opened + i * step, "status", a.value, b.value)
                   for i, (a, b) in enumerate(itertools.pairwise(path), start=1)]
        last = opened + (len(path) - 1) * step
        h = TicketHistory(1, opened, status.value, "P3", 1, None, None, None, None, tuple(events))
        targets = lambda _p: Target(86_400, 86_400 * 5, clock, 75)  # noqa: E731
        result, later = replay(h, targets, last + step), replay(h, targets, last + 2 * step)
        resolution = result.resolution
        assert resolution is not None and later.resolution is not None
        assert (resolution.state == "paused") == (status in lifecycle.PENDING), status
        assert (result.paused_since is not None) == (status in lifecycle.PENDING), status
        stopped = resolution.state in ("met", "missed", "none")
        assert stopped == (status in lifecycle.FINISHED), status
        # Only a running clock keeps counting after the last change.
        assert (later.resolution.used_s > resolution.used_s) == (status in lifecycle.WORKING), status


def test_the_database_spells_the_lifecycles_open_and_finished_sets() -> None:
    """db/ cannot import the rules, so its partial-index conditions are text; they must
    name the same statuses, or the queue's open views would miss their indexes."""
    import re

    from db.models.views import FINISHED_STATUS_SQL, OPEN_STATUS_SQL

    def named(sql: str) -> set[str]:
        return set(re.findall(r"'([a-z_]+)'", sql))

    assert named(OPEN_STATUS_SQL) == {s.value for s in lifecycle.OPEN_STATUSES}
    assert named(FINISHED_STATUS_SQL) == {s.value for s in lifecycle.FINISHED}
