"""Replaying a ticket's history into its SLA results: a pure function, no database.

Rules (from the reference, "Service level targets"):

* **Response** runs from opening to the first acknowledgement (In progress, or an
  assignee plus a public reply). It does not pause. Cancelling or closing an
  unanswered ticket stops it without an outcome unless it had already breached.
* **Resolution** runs from opening while the ticket is New, Assigned or In progress;
  it pauses in the Pending states and resumes where it stopped; it stops at Resolved
  (and Closed / Cancelled); reopening resumes it. A pause lasts from the first Pending
  state to the next non-Pending one: moving between Pending states (customer → vendor)
  does not start a new pause.
* The targets are those of the ticket's *current* priority, measured from the original
  opening (a priority change re-targets from opening).
* **Met and breached** ("breached past 100 %"): a target is met while the business time
  used is at most the target, and breached once it is more. Business time passes in
  whole seconds, so:

  - ``due`` is the *last instant at which the target can still be met*: the start of the
    first business second beyond the target. For a target used up inside working hours
    that is the instant it is used up; for one used up exactly at the end of a working
    period (Friday 18:00) it is the start of the next one (Monday 08:00), since no
    business time passes in between. A clock stopped at or before ``due`` meets its
    target; a running clock is breached once ``now > due``.
  - ``breached_at`` is the first instant the time used exceeds the target in force at
    that instant (one business second past ``due``), while the clock has not stopped
    with an outcome (running, or paused: a priority raised during a pause to a target
    already exceeded is breached at the change). Each stretch of constant priority is
    judged with its own target, up to and including the instant it ends (at a change
    both targets count); a stretch that only adds non-business time adds no breach. It is recorded once it is at or before ``as_of`` and stays recorded, even
    if a later priority change lengthens the target.
  - A target is **met** iff its clock stopped with an outcome (responded, resolved) and
    no breach is recorded: ``desk.sla.outcome`` holds that definition for everyone.
* At risk from ``at_risk_percent`` of the target used: the earliest instant the time
  used is at least that share.

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
from desk.sla.outcome import outcome

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
    due: int | None            # last instant the target can still be met; None while paused
    at_risk_at: int | None     # first instant at least at_risk_percent of the target is used
    breached_at: int | None    # first instant the used time exceeded the target (never after as_of)
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

    # Resolution: running segments, pauses, and where the clock is live (not stopped
    # with an outcome; the stopping instant itself still counts, like used time up to it).
    runs: list[Run] = []
    live: list[Run] = []
    pauses: list[Pause] = []
    for k, (start, st) in enumerate(statuses):
        end = statuses[k + 1][0] if k + 1 < len(statuses) else as_of
        if st in RUNNING:
            if end > start or k + 1 == len(statuses):
                runs.append((start, end))
        elif st in PENDING:
            pauses.append(Pause(start, end if k + 1 < len(statuses) else None, st))
        if st not in STOPPED:
            live.append((start, end))
    res_running_now = status_now in RUNNING
    resolved_at: int | None = None
    if status_now in DONE:
        resolved_at = next((start for start, st in reversed(statuses) if st == "resolved"), statuses[-1][0])
    paused_since = _pause_began(statuses) if status_now in PENDING else None

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
        return SlaResult(priority_now, status_now, None, None, responded, paused_since, tuple(pauses))

    response = _measure(
        resp_runs, resp_runs, "response", target_now, priorities, targets_for, as_of,
        running_now=resp_running_now, paused=False, done_at=responded,
        final_state=None if responded is not None or stop_r is None else "cancelled")
    resolution = _measure(
        runs, live, "resolution", target_now, priorities, targets_for, as_of,
        running_now=res_running_now, paused=status_now in PENDING, done_at=resolved_at,
        final_state="cancelled" if status_now == "cancelled" else None)
    return SlaResult(priority_now, status_now, response, resolution, responded, paused_since, tuple(pauses))


def _pause_began(statuses: list[tuple[int, str]]) -> int:
    """Start of the current pause: the first of the Pending states the ticket has been in
    without a break (Pending customer → Pending vendor is one pause)."""
    k = len(statuses) - 1
    while k > 0 and statuses[k - 1][1] in PENDING:
        k -= 1
    return statuses[k][0]


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


def _live_from(live: list[Run], t: int) -> int | None:
    """The first instant at or after ``t`` at which the clock is live (``live`` holds
    closed intervals in time order), or None."""
    for a, b in live:
        if b >= t:
            return max(a, t)
    return None


def _measure(
    runs: list[Run], live: list[Run], kind: str, target_now: Target, priorities: list[tuple[int, str]],
    targets_for: TargetsFor, as_of: int, *, running_now: bool, paused: bool,
    done_at: int | None, final_state: str | None,
) -> ClockResult:
    target = target_now.response_s if kind == "response" else target_now.resolution_s
    clock = target_now.clock
    widths = _widths(runs, clock)
    used = sum(widths)
    # Used time is a whole number of seconds: it exceeds the target at the instant one
    # business second more than the target has run.
    over_hit, _ = _reach(runs, widths, clock, target + 1)
    risk_need = max(1, -(-target * target_now.at_risk_percent // 100))
    risk_hit, _ = _reach(runs, widths, clock, risk_need)

    # Breach marks: each stretch of constant priority is judged with its own target,
    # re-targeted from opening. Inside a stretch the first instant the used time exceeds
    # that target is where it is exceeded, or (exceeded already under an earlier, longer
    # target) the stretch's start, or the first live instant after it.
    breached_at: int | None = None
    breach_priority: str | None = None
    last = len(priorities) - 1
    for k, (p_start, prio) in enumerate(priorities):
        t = target_now if k == last else targets_for(prio)
        if t is None:
            continue
        seg_target = t.response_s if kind == "response" else t.resolution_s
        if t.clock is clock and seg_target == target:
            hit = over_hit
        else:
            w = widths if t.clock is clock else _widths(runs, t.clock)
            hit, _ = _reach(runs, w, t.clock, seg_target + 1)
        if hit is None:
            continue
        mark = hit if hit >= p_start else _live_from(live, p_start)
        if mark is None:
            continue
        # A stretch includes the instant it ends, like a clock its stopping instant: the
        # second before a change ran under the old target, and a breach recorded at an
        # instant stays recorded when a change at that same instant arrives.
        if mark <= as_of and (k == last or mark <= priorities[k + 1][0]):
            breached_at, breach_priority = mark, prio
            break

    stop = runs[-1][1] if runs else as_of
    due: int | None
    if over_hit is not None:
        due = over_hit - 1
    elif running_now:
        due = _last_met(clock, as_of, target + 1 - used)
    elif paused:
        due = None
    else:
        due = _last_met(clock, stop, target + 1 - used)
    if risk_hit is not None:
        at_risk: int | None = risk_hit
    elif running_now:
        at_risk = _project(clock, as_of, risk_need - used)
    else:
        at_risk = None

    if done_at is not None or final_state == "cancelled" or (not running_now and not paused):
        state = outcome(done_at, breached_at) or "none"
    elif breached_at is not None:
        state = "breached"
    elif paused:
        state = "paused"
    elif used >= risk_need:
        state = "at_risk"
    else:
        state = "on_track"
    return ClockResult(target, used, due, at_risk, breached_at, breach_priority, done_at, state)


def _last_met(clock: BusinessClock, start: int, over: int) -> int | None:
    """The last instant at which a clock running from ``start`` has used fewer than
    ``over`` business seconds more: the start of the ``over``-th business second."""
    end = _project(clock, start, over)
    return None if end is None else end - 1
