"""Replaying a ticket's history into its SLA results: a pure function, no database.

Rules (from the reference, "Service level targets"):

* **Response** runs from opening to the first acknowledgement (In progress, or an
  assignee plus a public reply). It does not pause. Cancelling or closing an
  unanswered ticket stops it without an outcome unless it had already breached.
* **Resolution** runs from opening while the ticket is New, Assigned or In progress;
  it pauses in the Pending states and resumes where it stopped; it stops at Resolved
  (and Closed / Cancelled); reopening resumes it.
* The targets are those of the ticket's *current* priority, measured from the original
  opening (a priority change re-targets from opening).
* At risk from ``at_risk_percent`` of the target used; breached once the clock is
  still running at the instant the target is used up. A breach is recorded with its
  time and stays recorded, even if a later priority change lengthens the target.

Times are epoch seconds (UTC) throughout; ``as_of`` makes every result "as of" any
instant, since only events up to it are looked at.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from desk.errors import InvalidInput
from desk.rules import lifecycle
from desk.sla.clock import BusinessClock
from desk.sla.history import REPLY, TicketHistory

# The lifecycle's sets as plain strings: histories arrive as raw database values, and
# this loop runs for every event of a million tickets.
RUNNING = frozenset(lifecycle.values(lifecycle.WORKING))
PENDING = frozenset(lifecycle.values(lifecycle.PENDING))
DONE = frozenset(lifecycle.values(lifecycle.RESOLVED_OR_CLOSED))
STOPPED = frozenset(lifecycle.values(lifecycle.FINISHED))

Run = tuple[int, int]  # [start, end) of time the clock was running


@dataclass(frozen=True)
class Target:
    """One priority's targets, as an SLA version gives them."""

    response_s: int
    resolution_s: int
    clock: BusinessClock
    at_risk_percent: int = 75


TargetsFor = Callable[[str], "Target | None"]


@dataclass(frozen=True)
class ClockResult:
    target_s: int
    used_s: int
    due: int | None            # None while paused
    at_risk_at: int | None
    breached_at: int | None    # first recorded breach, if any (never after as_of)
    breach_priority: str | None
    done_at: int | None        # responded / resolved instant (clock stopped with an outcome)
    state: str                 # on_track | at_risk | breached | paused | met | missed | none


@dataclass(frozen=True)
class Pause:
    start: int
    end: int | None
    status: str


@dataclass(frozen=True)
class SlaResult:
    priority: str
    status: str
    response: ClockResult | None
    resolution: ClockResult | None
    responded_at: int | None
    paused_since: int | None
    pauses: tuple[Pause, ...]


def replay(h: TicketHistory, targets_for: TargetsFor, as_of: int) -> SlaResult:
    opened = h.opened_at
    as_of = max(as_of, opened)
    statuses, priorities, responded = _timelines(h, as_of)
    status_now = statuses[-1][1]
    priority_now = priorities[-1][1]

    # Resolution: running segments, pauses.
    runs: list[Run] = []
    pauses: list[Pause] = []
    for k, (start, st) in enumerate(statuses):
        end = statuses[k + 1][0] if k + 1 < len(statuses) else as_of
        if st in RUNNING:
            if end > start or k + 1 == len(statuses):
                runs.append((start, end))
        elif st in PENDING:
            pauses.append(Pause(start, end if k + 1 < len(statuses) else None, st))
    res_running_now = status_now in RUNNING
    resolved_at: int | None = None
    if status_now in DONE:
        resolved_at = next((start for start, st in reversed(statuses) if st == "resolved"), statuses[-1][0])

    # Response: one run from opening to the acknowledgement (or the ticket's end).
    stop_r = responded
    if stop_r is None:
        for start, st in statuses:
            if st in STOPPED:
                stop_r = start
                break
    resp_runs: list[Run] = [(opened, stop_r if stop_r is not None else as_of)]
    resp_running_now = stop_r is None

    target_now = targets_for(priority_now)
    if target_now is None:
        return SlaResult(priority_now, status_now, None, None, responded,
                         statuses[-1][0] if status_now in PENDING else None, tuple(pauses))

    response = _measure(
        resp_runs, "response", target_now, priorities, targets_for, as_of,
        running_now=resp_running_now, paused=False, done_at=responded,
        final_state=None if responded is not None or stop_r is None else "cancelled")
    resolution = _measure(
        runs, "resolution", target_now, priorities, targets_for, as_of,
        running_now=res_running_now, paused=status_now in PENDING, done_at=resolved_at,
        final_state="cancelled" if status_now == "cancelled" else None)
    return SlaResult(priority_now, status_now, response, resolution, responded,
                     statuses[-1][0] if status_now in PENDING else None, tuple(pauses))


def _timelines(h: TicketHistory, as_of: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]], int | None]:
    opened = h.opened_at
    first_status = next((e for e in h.events if e[2] == "status"), None)
    first_prio = next((e for e in h.events if e[2] == "priority"), None)
    if first_status is not None:
        initial_status = first_status[4] if first_status[3] is None else first_status[3]
    else:
        initial_status = "new"
    if first_prio is not None:
        initial_priority = first_prio[4] if first_prio[3] is None else first_prio[3]
    else:
        initial_priority = h.priority
    statuses: list[tuple[int, str]] = [(opened, initial_status or "new")]
    priorities: list[tuple[int, str]] = [(opened, initial_priority or h.priority)]

    events: Sequence[Sequence[Any]] = h.events
    if first_status is None:
        # No status rows at all: rebuild the bare lifecycle from the row's columns.
        extra: list[Sequence[Any]] = list(events)
        if h.resolved_at is not None:
            extra.append((h.incident_id, h.resolved_at, "status", "in_progress", "resolved"))
        if h.closed_at is not None:
            extra.append((h.incident_id, h.closed_at, "status", None,
                          "cancelled" if h.status == "cancelled" else "closed"))
        extra.sort(key=lambda e: e[1])
        events = extra

    assignee: str | None = None
    replied = False
    derived: int | None = None
    status = statuses[0][1]
    for _, at, field, _old, new in events:
        if at < opened:
            at = opened
        if at > as_of:
            break
        if field == "status":
            if new and new != status:
                _push(statuses, at, new)
                status = new
        elif field == "priority":
            if new and new != priorities[-1][1]:
                _push(priorities, at, new)
        elif field == "assignee_id":
            assignee = new
        elif field == REPLY:
            replied = True
        if derived is None and (status == "in_progress" or (assignee and replied)):
            derived = at
    responded = h.responded_at if h.responded_at is not None else derived
    if responded is not None and responded > as_of:
        responded = None
    return statuses, priorities, responded


def _push(timeline: list[tuple[int, str]], at: int, value: str) -> None:
    if timeline[-1][0] == at:
        timeline[-1] = (at, value)  # several changes in one instant: the last one holds
        if len(timeline) > 1 and timeline[-2][1] == value:
            timeline.pop()
    else:
        timeline.append((at, value))


def _project(clock: BusinessClock, start: int, seconds: int) -> int | None:
    """Due time from ``start``; None if the calendar has no working time left for it."""
    try:
        return clock.add_s(start, seconds)
    except InvalidInput:
        return None


def _widths(runs: list[Run], clock: BusinessClock) -> list[int]:
    return [clock.between_s(a, b) for a, b in runs]


def _reach(runs: list[Run], widths: list[int], clock: BusinessClock, need: int) -> tuple[int | None, int]:
    """The instant the running clock has used ``need`` seconds (or None), and its run."""
    cum = 0
    for k, w in enumerate(widths):
        if cum + w >= need:
            a = runs[k][0]
            return (clock.add_s(a, need - cum) if need > cum else a), k
        cum += w
    return None, -1


def _first_breach(runs: list[Run], hit: int | None, k: int, lo: int, hi: int,
                  running_now: bool) -> int | None:
    """First instant in [lo, hi) at which the clock runs with the target used up,
    given where the target was reached (``hit`` in run ``k``). A clock still running at
    ``as_of`` (the end of the last run) counts as running at that instant."""
    if hit is None:
        return None
    last = len(runs) - 1
    for j in range(k, len(runs)):
        a, b = runs[j]
        if running_now and j == last:
            b += 1
        u = max(a, hit, lo)
        if u < b and u < hi:
            return u
        if a >= hi:
            break
    return None


def _measure(
    runs: list[Run], kind: str, target_now: Target, priorities: list[tuple[int, str]],
    targets_for: TargetsFor, as_of: int, *, running_now: bool, paused: bool,
    done_at: int | None, final_state: str | None,
) -> ClockResult:
    target = target_now.response_s if kind == "response" else target_now.resolution_s
    clock = target_now.clock
    widths = _widths(runs, clock)
    used = sum(widths)
    due_hit, due_run = _reach(runs, widths, clock, target)
    risk_need = max(1, -(-target * target_now.at_risk_percent // 100))
    risk_hit, _ = _reach(runs, widths, clock, risk_need)

    # Breach marks: each stretch of constant priority is judged with its own target.
    breached_at: int | None = None
    breach_priority: str | None = None
    last = len(priorities) - 1
    for k, (p_start, prio) in enumerate(priorities):
        p_end = priorities[k + 1][0] if k < last else as_of + 1
        t = target_now if k == last else targets_for(prio)
        if t is None:
            continue
        seg_target = t.response_s if kind == "response" else t.resolution_s
        if t.clock is clock and seg_target == target:
            mark = _first_breach(runs, due_hit, due_run, p_start, p_end, running_now)
        else:
            w = widths if t.clock is clock else _widths(runs, t.clock)
            hit, run = _reach(runs, w, t.clock, seg_target)
            mark = _first_breach(runs, hit, run, p_start, p_end, running_now)
        if mark is not None and mark <= as_of:
            breached_at, breach_priority = mark, prio
            break

    stop = runs[-1][1] if runs else as_of
    if due_hit is not None:
        due: int | None = due_hit
    elif running_now:
        due = _project(clock, as_of, target - used)
    elif paused:
        due = None
    else:
        due = _project(clock, stop, target - used)
    if risk_hit is not None:
        at_risk: int | None = risk_hit
    elif running_now:
        at_risk = _project(clock, as_of, risk_need - used)
    else:
        at_risk = None

    if done_at is not None:
        state = "missed" if breached_at is not None else "met"
    elif final_state == "cancelled" or (not running_now and not paused):
        state = "missed" if breached_at is not None else "none"
    elif breached_at is not None:
        state = "breached"
    elif paused:
        state = "paused"
    elif used >= risk_need:
        state = "at_risk"
    else:
        state = "on_track"
    return ClockResult(target, used, due, at_risk, breached_at, breach_priority, done_at, state)
